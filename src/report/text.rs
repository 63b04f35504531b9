//! Terminal diagnostics through miette: the rule, the message, the source line with a label,
//! a help line; then a summary.

use std::collections::HashMap;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::Report;
use crate::finding::Severity;
use crate::source::LineIndex;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false).with_context_lines(1);
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut counts = [0usize; 3];
    for f in report.visible() {
        counts[f.severity as usize] += 1;
        let text = sources
            .entry(f.path.as_str())
            .or_insert_with(|| std::fs::read_to_string(report.root.join(&f.path)).ok());
        let severity = match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        };
        let mut diag = MietteDiagnostic::new(f.message.clone())
            .with_code(format!("{}({})", f.rule, f.name))
            .with_severity(severity);
        if let Some(help) = &f.help {
            diag = diag.with_help(help.clone());
        }
        let rendered = match text {
            Some(text) if f.span.line > 0 => {
                let index = LineIndex::new(text);
                let start = index.offset(f.span.line, f.span.col);
                let end = if f.span.end_line == f.span.line {
                    index.offset(f.span.line, f.span.end_col).max(start)
                } else {
                    start + index.line_text(f.span.line).len().saturating_sub(f.span.col as usize - 1)
                };
                let diag = diag.with_label(LabeledSpan::at(start..end.max(start), f.rule.clone()));
                let report = miette::Report::new(diag).with_source_code(NamedSource::new(&f.path, text.clone()));
                let mut s = String::new();
                handler.render_report(&mut s, report.as_ref()).map(|_| s).ok()
            }
            _ => None,
        };
        match rendered {
            Some(s) => write!(out, "{s}")?,
            None => writeln!(out, "{}:{}:{}: {}[{}] {}", f.path, f.span.line, f.span.col, f.severity.as_str(), f.rule, f.message)?,
        }
    }
    let total: usize = counts.iter().sum();
    let s = report.stats;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{} ({} errors, {} warnings, {} notes) in {} ({} lines){}{}",
        plural(total, "finding"),
        counts[Severity::Error as usize],
        counts[Severity::Warning as usize],
        counts[Severity::Note as usize],
        plural(s.files, "file"),
        s.lines,
        if s.suppressed > 0 { format!(", {} suppressed", s.suppressed) } else { String::new() },
        if s.test_files_skipped > 0 {
            format!(", {} test files skipped (--include-tests to audit them)", s.test_files_skipped)
        } else {
            String::new()
        },
    )
}
