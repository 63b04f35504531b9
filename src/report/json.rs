//! Versioned JSON: every finding with its location and fingerprint, both scores with each
//! area's deduction and the findings behind it, and scan statistics.

use std::io::{self, Write};

use serde_json::json;

use super::Report;

/// Bumped when a field changes meaning or is removed; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<_> = report
        .visible()
        .map(|f| {
            json!({
                "rule": f.rule,
                "name": f.name,
                "severity": f.severity.as_str(),
                "message": f.message,
                "help": f.help,
                "path": f.path,
                "line": f.span.line,
                "column": f.span.col,
                "end_line": f.span.end_line,
                "end_column": f.span.end_col,
                "snippet": f.snippet,
                "fingerprint": f.fingerprint,
            })
        })
        .collect();
    let mut doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": "resilint", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "scores": report.scores(),
        "stats": report.stats,
        "rules": report.rules.iter().map(|r| &r.id).collect::<Vec<_>>(),
    });
    if let Some(shard) = report.shard {
        doc["shard"] = json!(shard.to_string());
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
