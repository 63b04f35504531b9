//! `path:line:col: severity[RULE] message`, one finding per line, for editors and problem
//! matchers (`.github/resilint-matcher.json`).

use std::io::{self, Write};

use super::Report;
use crate::finding::Finding;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in report.visible() {
        writeln!(out, "{}", line(f))?;
    }
    Ok(())
}

/// One finding as one line.
pub fn line(f: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}] {}",
        f.path,
        f.span.line,
        f.span.col,
        f.severity.as_str(),
        f.rule,
        one_line(&f.message)
    )
}

pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
