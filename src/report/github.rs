//! GitHub Actions workflow commands: `::error file=..,line=..,col=..,title=RULE::message`.

use std::io::{self, Write};

use super::Report;
use crate::finding::Severity;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in report.visible() {
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
