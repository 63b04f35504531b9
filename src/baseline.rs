//! Baselines: `--write-baseline PATH` records the current findings by fingerprint (rule, path
//! and normalised source text, not the line number); `--baseline PATH` hides them, so that on a
//! legacy codebase only new problems are reported. Entries that no longer match a finding are
//! stale: counted, so the team knows the baseline can be refreshed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::discover::Discovery;
use crate::engine::ScanOptions;
use crate::finding::Finding;
use crate::shard::Shard;

/// Bumped when the file's meaning changes.
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// Where the finding was when recorded: for people reading the file, not for matching.
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub hidden: usize,
    pub stale: usize,
}

impl Baseline {
    /// The visible findings, in report order.
    pub fn record(findings: &[Finding]) -> Baseline {
        Baseline {
            version: VERSION,
            findings: findings
                .iter()
                .filter(|f| !f.suppressed)
                .map(|f| Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule.clone(),
                    path: f.path.clone(),
                    line: f.span.line,
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a resilint baseline (write one with --write-baseline): {e}",
                path.display()
            )
        })?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline {} has version {}; this resilint reads version {VERSION}: rewrite it with --write-baseline",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline atomically (a temporary file beside it, then a rename).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(tmp.as_file_mut(), self)?;
        writeln!(tmp.as_file_mut())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the findings the baseline records. An entry hides one finding with its
    /// fingerprint (fingerprints number repeated identical lines, so two identical findings
    /// need two entries). Unmatched entries that `in_scope` says this run could have found
    /// (a file it audited, a rule it ran) are counted as stale; the others are neither.
    pub fn apply(&self, findings: &mut Vec<Finding>, in_scope: impl Fn(&Entry) -> bool) -> Applied {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let before = findings.len();
        findings.retain(|f| {
            if f.suppressed {
                return true;
            }
            match remaining.get_mut(f.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        let hidden = before - findings.len();
        let mut stale = 0;
        for e in &self.findings {
            if let Some(n) = remaining.get_mut(e.fingerprint.as_str()) {
                if *n > 0 {
                    *n -= 1;
                    stale += usize::from(in_scope(e));
                }
            }
        }
        Applied { hidden, stale }
    }
}

/// What a run could have found, so that an entry it did not match is stale: the entry's rule
/// ran, and its file was audited — or is gone, and was under a scanned path (and, when
/// sharding, in this shard). Entries for files outside the scan are not stale.
pub struct Scope<'a> {
    audited: HashSet<&'a str>,
    /// The scanned paths relative to the root (`.` or empty for the root itself).
    scanned: Vec<String>,
    root: &'a Path,
    opts: &'a ScanOptions,
    unit_roots: &'a [String],
    shard: Option<(Shard, &'a BTreeMap<String, u32>)>,
}

impl<'a> Scope<'a> {
    pub fn new(
        discovery: &'a Discovery,
        paths: &[PathBuf],
        root: &'a Path,
        opts: &'a ScanOptions,
        shard: Option<(Shard, &'a BTreeMap<String, u32>)>,
    ) -> Scope<'a> {
        Scope {
            audited: discovery
                .files
                .iter()
                .filter(|f| opts.include_tests || !f.is_test)
                .map(|f| f.rel.as_str())
                .collect(),
            scanned: paths
                .iter()
                .map(|p| crate::discover::relative(p, root))
                .collect(),
            root,
            opts,
            unit_roots: &discovery.unit_roots,
            shard,
        }
    }

    pub fn contains(&self, entry: &Entry) -> bool {
        let rel = entry.path.as_str();
        self.opts.selection.enabled(&entry.rule)
            && (self.audited.contains(rel) || self.deleted_here(rel))
    }

    fn deleted_here(&self, rel: &str) -> bool {
        let under_scanned = self
            .scanned
            .iter()
            .any(|s| s.is_empty() || s == "." || rel == s || rel.starts_with(&format!("{s}/")));
        let in_shard = match self.shard {
            Some((shard, assignment)) => {
                crate::shard::owns(shard, assignment, self.unit_roots, rel)
            }
            None => true,
        };
        under_scanned && in_shard && !self.root.join(rel).exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Span;
    use crate::finding::Severity;

    fn finding(path: &str, fingerprint: &str) -> Finding {
        Finding {
            rule: "RES101".into(),
            name: "untimed-call".into(),
            severity: Severity::Error,
            message: "m".into(),
            help: None,
            path: path.into(),
            span: Span {
                line: 1,
                col: 1,
                end_line: 1,
                end_col: 2,
            },
            snippet: String::new(),
            fingerprint: fingerprint.into(),
            suppressed: false,
        }
    }

    #[test]
    fn hides_recorded_findings_and_counts_stale_entries_in_scope() {
        let old = vec![
            finding("a.py", "1:0"),
            finding("a.py", "2:0"),
            finding("gone.py", "3:0"),
            finding("elsewhere/b.py", "4:0"),
        ];
        let baseline = Baseline::record(&old);
        let mut now = vec![finding("a.py", "1:0"), finding("a.py", "5:0")];
        let applied = baseline.apply(&mut now, |e| e.path != "elsewhere/b.py");
        assert_eq!(now, vec![finding("a.py", "5:0")]);
        assert_eq!(
            applied,
            Applied {
                hidden: 1,
                stale: 2
            }
        );
    }
}
