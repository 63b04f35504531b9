//! `resilint rules` and `resilint rule ID`: the rule table and one rule's documentation,
//! printed from `rules/<ID>.toml`.

use std::io::{self, Write};

use crate::facts::Lang;
use crate::rules::{self, RuleMeta};

pub fn list(out: &mut dyn Write, json: bool) -> io::Result<()> {
    if json {
        let rows: Vec<_> = rules::all()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "name": r.name, "severity": r.severity.as_str(),
                    "area": r.area, "score": r.score, "summary": r.summary,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{:<7} {:<26} {:<8} {:<10} summary",
        "id", "name", "severity", "area"
    )?;
    for r in rules::all() {
        writeln!(
            out,
            "{:<7} {:<26} {:<8} {:<10} {}",
            r.id,
            r.name,
            r.severity.as_str(),
            r.area,
            r.summary
        )?;
    }
    Ok(())
}

pub fn explain(out: &mut dyn Write, r: &RuleMeta) -> io::Result<()> {
    writeln!(out, "# {} {}\n", r.id, r.name)?;
    writeln!(
        out,
        "{}\n\nSeverity: {} · Area: {} (checklist {}) · Score: {} · Precision: {}\n",
        r.summary,
        r.severity.as_str(),
        r.area,
        r.checklist,
        r.score,
        r.precision
    )?;
    writeln!(out, "## Why it matters\n{}", r.why.trim())?;
    writeln!(out, "\n## How to fix\n{}", r.fix.trim())?;
    writeln!(out, "\n## What it checks\n{}", r.scope.trim())?;
    for ex in &r.examples {
        let lang = match ex.lang {
            Lang::Python => "Python",
            Lang::Rust => "Rust",
        };
        writeln!(
            out,
            "\n## {lang}\nBad:\n{}\n\nGood:\n{}",
            indent(&ex.bad),
            indent(&ex.good)
        )?;
    }
    if !r.references.is_empty() {
        writeln!(out, "\n## References")?;
        for link in &r.references {
            writeln!(out, "- {link}")?;
        }
    }
    Ok(())
}

fn indent(code: &str) -> String {
    code.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
