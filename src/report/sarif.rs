//! SARIF 2.1.0, shaped for GitHub code scanning: one run, every rule once in `driver.rules`
//! with help markdown, repository-relative URIs under `%SRCROOT%`, and partial fingerprints
//! from the rule, path and normalised source line (not the line number).

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{rule_url, Report};
use crate::finding::Severity;
use crate::rules::RuleMeta;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(r: &RuleMeta) -> Value {
    let problem_severity = match r.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    };
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.why.trim() },
        "help": { "text": help_text(r), "markdown": help_markdown(r) },
        "helpUri": rule_url(&r.id),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": ["resilience-audit", r.area.as_str(), r.score.as_str()],
            "precision": r.precision,
            "problem.severity": problem_severity,
        },
    })
}

fn help_text(r: &RuleMeta) -> String {
    format!(
        "{}\n\n{}\n\nHow to fix:\n{}",
        r.summary,
        r.why.trim(),
        r.fix.trim()
    )
}

/// GitHub shows `help.markdown` and ignores `helpUri`, so the link goes in here.
fn help_markdown(r: &RuleMeta) -> String {
    let mut md = format!(
        "**{} {}**: {}\n\n{}\n\n### How to fix\n{}\n",
        r.id,
        r.name,
        r.summary,
        r.why.trim(),
        r.fix.trim()
    );
    for ex in &r.examples {
        let lang = match ex.lang {
            crate::facts::Lang::Python => "python",
            crate::facts::Lang::Rust => "rust",
        };
        md.push_str(&format!(
            "\n### {lang}\nBad:\n```{lang}\n{}\n```\nGood:\n```{lang}\n{}\n```\n",
            ex.bad.trim_end(),
            ex.good.trim_end()
        ));
    }
    md.push_str(&format!(
        "\n[Full documentation of {}]({})\n",
        r.id,
        rule_url(&r.id)
    ));
    md
}

/// Percent-encodes a relative path for a URI, keeping `/`. A byte that was not UTF-8 in the
/// file name (shown as `\xE9`, see `discover::relative`) is encoded as itself, `%E9`, so the URI
/// names the real file.
fn uri(path: &str) -> String {
    let mut out = String::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if let Some(hex) = raw_byte_escape(&bytes[i - 1..]) {
            out.push('%');
            out.push_str(hex);
            i += 3;
            continue;
        }
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The two hex digits of a `\xE9` escape at the start of `bytes`.
fn raw_byte_escape(bytes: &[u8]) -> Option<&str> {
    match bytes {
        [b'\\', b'x', hi, lo, ..]
            if hi.is_ascii_hexdigit()
                && lo.is_ascii_hexdigit()
                && !hi.is_ascii_lowercase()
                && !lo.is_ascii_lowercase() =>
        {
            std::str::from_utf8(&bytes[2..4]).ok()
        }
        _ => None,
    }
}

fn root_uri(report: &Report<'_>) -> String {
    let abs = std::fs::canonicalize(report.root).unwrap_or_else(|_| report.root.to_path_buf());
    let mut s = abs.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", uri(&s))
}

pub fn document(report: &Report<'_>) -> Value {
    let rules: Vec<Value> = report.rules.iter().map(|r| rule_descriptor(r)).collect();
    let index_of = |id: &str| report.rules.iter().position(|r| r.id == id);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in report.findings {
        let mut region = json!({
            "startLine": f.span.line,
            "startColumn": f.span.col,
            "endLine": f.span.end_line.max(f.span.line),
            "endColumn": if f.span.end_line > f.span.line { f.span.end_col } else { f.span.end_col.max(f.span.col + 1) },
        });
        if !f.snippet.is_empty() {
            region["snippet"] = json!({ "text": f.snippet });
        }
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!("\nHelp: {help}"));
        }
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "%SRCROOT%" },
                    "region": region,
                }
            }],
            "partialFingerprints": { "resilint/v1": f.fingerprint },
            // What the region and message round off, for `resilint merge` to read back.
            "properties": {
                "endLine": f.span.end_line,
                "endColumn": f.span.end_col,
                "help": f.help,
            },
        });
        if let Some(i) = index_of(&f.rule) {
            result["ruleIndex"] = json!(i);
        }
        if f.suppressed {
            result["suppressions"] = json!([{ "kind": "inSource" }]);
        }
        if f.rule == "RES000" {
            notifications.push(json!({
                "level": "warning",
                "message": { "text": format!("{}: {}", f.path, f.message) },
                "locations": result["locations"].clone(),
                "descriptor": { "id": "RES000" },
            }));
        }
        results.push(result);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "resilint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "automationDetails": { "id": "resilint/" },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri(report) } },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": run_properties(report),
        }],
    })
}

fn run_properties(report: &Report<'_>) -> Value {
    let scores = report.scores();
    let mut properties = json!({
        "resilienceScore": scores.resilience.value,
        "observabilityScore": scores.observability.value,
        "scores": scores,
        "files": report.stats.files,
        "lines": report.stats.lines,
        "parseErrors": report.stats.parse_errors,
        "stats": report.stats,
    });
    if let Some(shard) = report.shard {
        properties["shard"] = json!(shard.to_string());
    }
    properties
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_percent_encoded_relative_paths() {
        assert_eq!(uri("src/my app/ü.py"), "src/my%20app/%C3%BC.py");
        assert_eq!(uri("pkg\\xFF/caf\\xE9.py"), "pkg%FF/caf%E9.py");
    }
}
