//! Terminal diagnostics through miette: the rule, the message, the source line with a label,
//! a help line; then a summary.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Report;
use crate::facts::Span;
use crate::finding::Severity;
use crate::source::LineIndex;

/// Characters of one source line shown; longer lines are cut around the finding.
const MAX_SHOWN: usize = 240;
/// Lines shown above and below the finding's line.
const CONTEXT_LINES: u32 = 1;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES as usize);
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut counts = [0usize; 3];
    for f in report.visible() {
        counts[f.severity as usize] += 1;
        let severity = match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        };
        // A finding without a source line (an unreadable or oversized file) is shown without one.
        let text = if f.snippet.is_empty() {
            None
        } else {
            sources
                .entry(f.path.as_str())
                .or_insert_with(|| std::fs::read_to_string(report.root.join(&f.path)).ok())
                .as_deref()
        };
        let message = match text {
            Some(_) => f.message.clone(),
            None => format!("{}:{}:{}: {}", f.path, f.span.line, f.span.col, f.message),
        };
        let mut diag = MietteDiagnostic::new(message)
            .with_code(format!("{}({})", f.rule, f.name))
            .with_severity(severity);
        if let Some(help) = &f.help {
            diag = diag.with_help(help.clone());
        }
        let report = match text {
            Some(text) => {
                let (excerpt, label) = Excerpt::around(
                    &f.path,
                    text.strip_prefix('\u{feff}').unwrap_or(text),
                    f.span,
                );
                let diag = diag.with_label(LabeledSpan::at(label, f.rule.clone()));
                miette::Report::new(diag).with_source_code(excerpt)
            }
            None => miette::Report::new(diag),
        };
        let mut rendered = String::new();
        match handler.render_report(&mut rendered, report.as_ref()) {
            Ok(()) => write!(out, "{rendered}")?,
            Err(_) => writeln!(out, "{}", super::concise::line(f))?,
        }
    }
    let scores = report.scores();
    writeln!(
        out,
        "Resilience {} · Observability {} (--format markdown for the scorecard)",
        scores.resilience.display(),
        scores.observability.display()
    )?;
    let total: usize = counts.iter().sum();
    let s = report.stats;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut hidden = String::new();
    if s.outside_diff > 0 {
        hidden.push_str(&format!(", {} outside the diff", s.outside_diff));
    }
    if s.baseline_hidden > 0 {
        hidden.push_str(&format!(", {} in the baseline", s.baseline_hidden));
    }
    if s.baseline_stale > 0 {
        hidden.push_str(&format!(
            ", {} stale baseline {} (fixed or gone: --write-baseline refreshes it)",
            s.baseline_stale,
            if s.baseline_stale == 1 {
                "entry"
            } else {
                "entries"
            }
        ));
    }
    writeln!(
        out,
        "{} ({} errors, {} warnings, {} notes) in {} ({} lines){hidden}{}{}",
        plural(total, "finding"),
        counts[Severity::Error as usize],
        counts[Severity::Warning as usize],
        counts[Severity::Note as usize],
        plural(s.files, "file"),
        s.lines,
        if s.suppressed > 0 {
            format!(", {} suppressed", s.suppressed)
        } else {
            String::new()
        },
        if s.test_files_skipped > 0 {
            format!(
                ", {} test files skipped (--include-tests to audit them)",
                s.test_files_skipped
            )
        } else {
            String::new()
        },
    )
}

/// The lines around a finding, shown with their real line numbers. Long lines are cut around
/// the finding and control characters replaced, so a minified or binary file cannot flood the
/// terminal.
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number of the excerpt's first line.
    first_line: usize,
    /// Where the label starts in `text`, and its real 0-based column (in characters).
    label_at: usize,
    label_col: usize,
}

impl Excerpt {
    /// The excerpt and the label's byte range in it.
    fn around(name: &str, source: &str, span: Span) -> (Excerpt, Range<usize>) {
        let index = LineIndex::new(source);
        let first = span.line.saturating_sub(CONTEXT_LINES).max(1);
        let last = span
            .line
            .saturating_add(CONTEXT_LINES)
            .min(index.line_count().max(span.line));
        let mut text = String::new();
        let mut label = 0..0;
        for n in first..=last {
            if n > first {
                text.push('\n');
            }
            let line = index.line_text(n);
            let here = n == span.line;
            let col = span.col.max(1) as usize - 1;
            let end_col = if span.end_line == span.line {
                span.end_col.max(span.col) as usize - 1
            } else {
                usize::MAX
            };
            let start = if here && col >= MAX_SHOWN {
                col - MAX_SHOWN / 2
            } else {
                0
            };
            if start > 0 {
                text.push('…');
            }
            let (mut from, mut to) = (None, None);
            let mut chars = line.chars().enumerate().skip(start);
            for (i, c) in chars.by_ref().take(MAX_SHOWN) {
                if here && i == col {
                    from = Some(text.len());
                }
                if here && i == end_col {
                    to = Some(text.len());
                }
                text.push(if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                });
            }
            if here {
                let from = from.unwrap_or(text.len());
                label = from..to.unwrap_or(text.len()).max(from);
            }
            if chars.next().is_some() {
                text.push('…');
            }
        }
        let excerpt = Excerpt {
            name: name.to_string(),
            text,
            first_line: first as usize - 1,
            label_at: label.start,
            label_col: span.col.max(1) as usize - 1,
        };
        (excerpt, label)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // The header shows the label's column: the real one, not the one in the cut line.
        let column = if span.offset() == self.label_at {
            self.label_col
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_long_lines_around_the_finding() {
        let long = format!("x = {}call()\n", "a + ".repeat(1000));
        let source = format!("import x\n{long}y = 1\n");
        let col = 4005;
        let span = Span {
            line: 2,
            col,
            end_line: 2,
            end_col: col + 6,
        };
        let (excerpt, label) = Excerpt::around("a.py", &source, span);
        assert_eq!(excerpt.first_line, 0);
        assert_eq!(&excerpt.text[label], "call()");
        let lines: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "import x");
        assert!(
            lines[1].starts_with('…') && lines[1].chars().count() <= MAX_SHOWN + 2,
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], "y = 1");
    }

    #[test]
    fn excerpts_replace_control_characters_and_keep_line_numbers() {
        let source = "a\nb\nc\x00d()\ne\n";
        let span = Span {
            line: 3,
            col: 3,
            end_line: 3,
            end_col: 6,
        };
        let (excerpt, label) = Excerpt::around("a.py", source, span);
        assert_eq!(excerpt.first_line, 1);
        assert_eq!(excerpt.text, "b\nc\u{fffd}d()\ne");
        assert_eq!(&excerpt.text[label], "d()");
    }
}
