//! Findings as every report sees them.

use serde::{Deserialize, Serialize};

use crate::facts::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" | "info" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    pub span: Span,
    /// The source line the finding starts on, trimmed.
    pub snippet: String,
    /// Stable across unrelated edits: rule, path and normalised source text, not line numbers.
    pub fingerprint: String,
    /// Suppressed in source: kept for SARIF, hidden elsewhere.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub suppressed: bool,
}

impl Finding {
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.path,
            self.span.line,
            self.span.col,
            &self.rule,
            &self.message,
        )
    }
}

/// Assigns fingerprints to findings sorted by path and line: a hash of the rule, the path and
/// the whitespace-normalised source line, plus the occurrence number among identical ones.
pub fn assign_fingerprints(findings: &mut [Finding]) {
    use std::collections::HashMap;
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for f in findings.iter_mut() {
        let normalised: String = f.snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = format!("{}\0{}\0{}", f.rule, f.path, normalised);
        let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let n = seen.entry(hash).or_insert(0);
        f.fingerprint = format!("{hash:016x}:{n}");
        *n += 1;
    }
}
