//! `--diff REF`: which lines changed since the merge base of REF and HEAD, through the `git`
//! command line (the working tree is compared, so uncommitted and untracked changes count).
//! Findings outside those lines are dropped; a project-level finding stays when the change
//! touches any file of its unit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::finding::Finding;
use crate::project::unit_of;

/// The changed lines of each file, by path relative to the scan root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangedLines {
    files: BTreeMap<String, FileChanges>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FileChanges {
    /// Added or rewritten lines, as inclusive ranges.
    lines: Vec<(u32, u32)>,
    /// Lines after which lines were only deleted: a span across such a point changed too.
    deletions_after: Vec<u32>,
}

impl ChangedLines {
    /// Whether a finding spanning `start..=end` in `path` is on a changed line.
    pub fn touches(&self, path: &str, start: u32, end: u32) -> bool {
        let Some(c) = self.files.get(path) else {
            return false;
        };
        let end = end.max(start);
        c.lines.iter().any(|&(a, b)| a <= end && start <= b)
            || c.deletions_after.iter().any(|&d| start <= d && d < end)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Keeps the findings on changed lines, and project-level findings (rules in
    /// `project_rules`) of units that a changed file belongs to; returns how many it dropped.
    pub fn retain(
        &self,
        findings: &mut Vec<Finding>,
        project_rules: &[&str],
        unit_roots: &[String],
    ) -> usize {
        let touched_units: BTreeSet<&str> = self.paths().map(|p| unit_of(p, unit_roots)).collect();
        let before = findings.len();
        findings.retain(|f| {
            if project_rules.contains(&f.rule.as_str()) {
                touched_units.contains(unit_of(&f.path, unit_roots))
            } else {
                self.touches(&f.path, f.span.line, f.span.end_line)
            }
        });
        before - findings.len()
    }
}

/// Runs git in `dir`; `Err` carries what git said.
fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .output()
        .map_err(|e| GitError::Missing(e.to_string()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(GitError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

enum GitError {
    Missing(String),
    Failed(String),
}

impl GitError {
    fn describe(self, what: &str) -> String {
        match self {
            GitError::Missing(e) => format!("--diff runs `git`, which could not be started: {e}"),
            GitError::Failed(stderr) => format!("{what}: {stderr}"),
        }
    }
}

/// The lines changed in the working tree since the merge base of `rev` and HEAD, in the git
/// repository that holds `at` (the first path scanned), by path relative to the scan `root`.
/// Every error says what to do: not a repository, an unknown revision (fetch it), a shallow
/// clone without the merge base (fetch more history).
pub fn changed_since(at: &Path, root: &Path, rev: &str) -> Result<ChangedLines, String> {
    let at = if at.is_file() {
        at.parent().unwrap_or(at)
    } else {
        at
    };
    let at = if at.as_os_str().is_empty() {
        Path::new(".")
    } else {
        at
    };
    let toplevel = git(at, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        GitError::Failed(_) => format!(
            "--diff {rev}: {} is not inside a git repository",
            at.display()
        ),
        other => other.describe("git rev-parse"),
    })?;
    let top = PathBuf::from(toplevel.trim_end_matches(['\n', '\r']));
    let commit = format!("{rev}^{{commit}}");
    if git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
    )
    .is_err()
    {
        return Err(format!(
            "--diff {rev}: no commit `{rev}` in this repository. {}",
            fetch_hint(&top, rev)
        ));
    }
    if git(&top, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_err() {
        return Err(format!(
            "--diff {rev}: HEAD has no commit yet, so there is nothing to compare with"
        ));
    }
    let base = match git(&top, &["merge-base", "--end-of-options", rev, "HEAD"]) {
        Ok(out) => out.trim().to_string(),
        Err(GitError::Failed(_)) => {
            let shallow = git(&top, &["rev-parse", "--is-shallow-repository"])
                .map(|s| s.trim() == "true")
                .unwrap_or(false);
            return Err(if shallow {
                let (remote, refspec) = remote_refspec(&top, rev);
                format!(
                    "--diff {rev}: this is a shallow clone and the merge base of `{rev}` and HEAD \
                     is not in it, so the changed lines cannot be known. Fetch the history of both \
                     back to their common ancestor: `git fetch --deepen=100 {remote} {refspec}` \
                     (repeat until `git merge-base {rev} HEAD` prints a commit), or all of it: \
                     `git fetch --unshallow {remote}`; with actions/checkout, `fetch-depth: 0`"
                )
            } else {
                format!("--diff {rev}: `{rev}` and HEAD have no common history")
            });
        }
        Err(e) => return Err(e.describe("git merge-base")),
    };
    let patch = git(
        &top,
        &[
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "-U0",
            "-M",
            &base,
            "--",
        ],
    )
    .map_err(|e| e.describe("git diff"))?;
    let mut changed = parse_patch(&patch);
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
        .map_err(|e| e.describe("git ls-files"))?;
    for path in untracked.split('\0').filter(|p| !p.is_empty()) {
        changed
            .files
            .entry(path.to_string())
            .or_default()
            .lines
            .push((1, u32::MAX));
    }
    Ok(changed.rebased(&top, root))
}

impl ChangedLines {
    /// From paths relative to the repository's top folder to paths relative to the scan root;
    /// files outside the scan root are left out.
    fn rebased(self, top: &Path, root: &Path) -> ChangedLines {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let (top, root) = (canon(top), canon(root));
        let files = self
            .files
            .into_iter()
            .filter_map(|(path, lines)| {
                let rel = top.join(&path).strip_prefix(&root).ok()?.to_path_buf();
                Some((crate::discover::relative(&rel, Path::new("")), lines))
            })
            .collect();
        ChangedLines { files }
    }
}

/// The remote a revision comes from, and the refspec that fetches it into the name it is
/// known by (a single-branch clone, as CI makes, does not update other branches' names).
fn remote_refspec(top: &Path, rev: &str) -> (String, String) {
    let remotes = git(top, &["remote"]).unwrap_or_default();
    let remotes: Vec<&str> = remotes.lines().collect();
    for remote in &remotes {
        if let Some(branch) = rev.strip_prefix(&format!("{remote}/")) {
            return (
                remote.to_string(),
                format!("{branch}:refs/remotes/{remote}/{branch}"),
            );
        }
    }
    let remote = remotes
        .iter()
        .find(|r| **r == "origin")
        .or(remotes.first())
        .unwrap_or(&"origin");
    (remote.to_string(), rev.to_string())
}

/// How to fetch a revision that is not there.
fn fetch_hint(top: &Path, rev: &str) -> String {
    if git(top, &["remote"]).unwrap_or_default().trim().is_empty() {
        return "Name a branch, tag or commit of this repository (it has no remote to fetch from)"
            .to_string();
    }
    let (remote, refspec) = remote_refspec(top, rev);
    format!("Fetch it first: `git fetch {remote} {refspec}`")
}

/// Reads `git diff -U0` output: the new side's line ranges per file.
fn parse_patch(patch: &str) -> ChangedLines {
    let mut out = ChangedLines::default();
    let mut current: Option<String> = None;
    for line in patch.lines() {
        if let Some(target) = line.strip_prefix("+++ ") {
            current = unquote(target).strip_prefix("b/").map(str::to_string);
            continue;
        }
        let (Some(path), Some(hunk)) = (&current, line.strip_prefix("@@ ")) else {
            continue;
        };
        let Some(new) = hunk.split(' ').find_map(|part| part.strip_prefix('+')) else {
            continue;
        };
        let (start, count) = match new.split_once(',') {
            Some((s, c)) => (s.parse::<u32>(), c.parse::<u32>()),
            None => (new.parse::<u32>(), Ok(1)),
        };
        let (Ok(start), Ok(count)) = (start, count) else {
            continue;
        };
        let file = out.files.entry(path.clone()).or_default();
        if count == 0 {
            file.deletions_after.push(start);
        } else {
            file.lines.push((start, start + (count - 1)));
        }
    }
    out
}

/// Undoes git's C-style quoting of a path with unusual characters.
fn unquote(text: &str) -> String {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return text.to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'"') => bytes.push(b'"'),
            Some(b'\\') => bytes.push(b'\\'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = chars.peek() {
                        value = value * 8 + u32::from(n - b'0');
                        chars.next();
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_added_lines_and_deletion_points_from_a_patch() {
        let patch = "diff --git a/app/a.py b/app/a.py\n--- a/app/a.py\n+++ b/app/a.py\n@@ -3 +3 @@ x\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n@@ -20,2 +21,0 @@\n-e\n-f\ndiff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n+++ \"b/caf\\303\\251 \\\"x\\\".py\"\n@@ -0,0 +1 @@\n+y\n";
        let c = parse_patch(patch);
        assert!(c.touches("app/a.py", 3, 3));
        assert!(!c.touches("app/a.py", 4, 10));
        assert!(c.touches("app/a.py", 12, 12));
        assert!(!c.touches("app/a.py", 13, 13));
        // Lines deleted inside a multi-line span change it; a span ending there does not.
        assert!(c.touches("app/a.py", 20, 22));
        assert!(!c.touches("app/a.py", 21, 21));
        assert!(!c.touches("gone.py", 1, 1));
        assert!(c.touches("café \"x\".py", 1, 1));
    }

    fn finding(rule: &str, path: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            name: String::new(),
            severity: crate::finding::Severity::Error,
            message: String::new(),
            help: None,
            path: path.into(),
            span: crate::facts::Span {
                line,
                col: 1,
                end_line: line,
                end_col: 2,
            },
            snippet: String::new(),
            fingerprint: String::new(),
            suppressed: false,
        }
    }

    #[test]
    fn project_findings_stay_when_the_change_touches_their_unit() {
        let patch = "+++ b/services/api/app/routes.py\n@@ -0,0 +7 @@\n+x\n";
        let changed = parse_patch(patch);
        let roots = vec!["services/api".to_string(), "services/worker".to_string()];
        let mut findings = vec![
            finding("RES101", "services/api/app/routes.py", 7),
            finding("RES101", "services/api/app/routes.py", 3),
            // Project-level: reported at a file the change did not touch, in a touched unit.
            finding("OBS900", "services/api/app/main.py", 1),
            finding("OBS900", "services/worker/src/main.rs", 1),
        ];
        let dropped = changed.retain(&mut findings, &["OBS900"], &roots);
        assert_eq!(dropped, 2);
        let kept: Vec<(&str, u32)> = findings
            .iter()
            .map(|f| (f.path.as_str(), f.span.line))
            .collect();
        assert_eq!(
            kept,
            vec![
                ("services/api/app/routes.py", 7),
                ("services/api/app/main.py", 1)
            ]
        );
    }
}
