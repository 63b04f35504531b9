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

/// The source text as fingerprints see it: without whitespace, and without a trailing comma
/// before a closing bracket, so that reindenting a line or a formatter's spacing and
/// magic trailing commas leave it unchanged.
pub fn normalise_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if matches!(c, ')' | ']' | '}') && out.ends_with(',') {
            out.pop();
        }
        out.push(c);
    }
    out
}

/// Assigns fingerprints to findings sorted by path and line: a hash of the rule, the path and
/// the normalised source line, plus the occurrence number among identical ones.
pub fn assign_fingerprints(findings: &mut [Finding]) {
    use std::collections::HashMap;
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for f in findings.iter_mut() {
        let normalised = normalise_source(&f.snippet);
        let key = format!("{}\0{}\0{}", f.rule, f.path, normalised);
        let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let n = seen.entry(hash).or_insert(0);
        f.fingerprint = format!("{hash:016x}:{n}");
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_source;

    #[test]
    fn normalised_source_ignores_spacing_and_trailing_commas() {
        let a = normalise_source("requests.get(url, timeout=None)");
        assert_eq!(
            a,
            normalise_source("  requests.get( url,timeout = None, )  ")
        );
        assert_eq!(a, normalise_source("requests.get(url,\ttimeout=None,)"));
        assert_ne!(a, normalise_source("requests.post(url, timeout=None)"));
    }
}
