//! GitHub Actions workflow commands: `::error file=..,line=..,col=..,title=RULE::message`.
//! GitHub shows at most 10 annotations of each level per step (and 50 per job) and drops the
//! rest without a word, so the most severe go first, within the caps, and a last plain line
//! says how many were left out.

use std::io::{self, Write};

use super::Report;
use crate::finding::{Finding, Severity};

/// Annotations of one level that GitHub shows per step.
pub const PER_LEVEL: usize = 10;
/// Annotations that GitHub shows per job.
pub const PER_JOB: usize = 50;

/// The findings that get an annotation: most severe first (in report order within a level),
/// at most [`PER_LEVEL`] per level and [`PER_JOB`] in all.
pub fn annotated<'r>(report: &'r Report<'_>) -> Vec<&'r Finding> {
    let mut chosen = Vec::new();
    for level in [Severity::Error, Severity::Warning, Severity::Note] {
        chosen.extend(
            report
                .visible()
                .filter(|f| f.severity == level)
                .take(PER_LEVEL),
        );
    }
    chosen.truncate(PER_JOB);
    chosen
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let chosen = annotated(report);
    let left_out = report.visible().count() - chosen.len();
    for f in chosen {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = format!("file={},line={}", property(&f.path), f.span.line);
        // GitHub rejects columns on annotations that span lines.
        if f.span.end_line == f.span.line {
            props.push_str(&format!(
                ",col={},endColumn={}",
                f.span.col,
                f.span.end_col.max(f.span.col)
            ));
        } else {
            props.push_str(&format!(",endLine={}", f.span.end_line));
        }
        props.push_str(&format!(
            ",title={}",
            property(&format!("{} {}", f.rule, f.name))
        ));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(out, "::{command} {props}::{}", data(&message))?;
    }
    if left_out > 0 {
        writeln!(
            out,
            "resilint: {left_out} more finding{} not annotated (GitHub shows {PER_LEVEL} per level and step); every finding is in the SARIF and JSON reports",
            if left_out == 1 { " is" } else { "s are" }
        )?;
    }
    Ok(())
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_a_command() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
