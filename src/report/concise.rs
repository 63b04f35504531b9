//! `path:line:col: severity[RULE] message`, one finding per line, for editors and problem
//! matchers (`.github/resilint-matcher.json`).

use std::io::{self, Write};

use super::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in report.visible() {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            f.path,
            f.span.line,
            f.span.col,
            f.severity.as_str(),
            f.rule,
            one_line(&f.message)
        )?;
    }
    Ok(())
}

pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
