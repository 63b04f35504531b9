//! Where code is reviewed: baselines (fingerprints that survive edits around a finding, stale
//! entries), `--diff REF` on real git repositories (including a shallow clone without the merge
//! base), `--shard K/N` with `resilint merge` giving exactly one full run's report, files named
//! one by one as pre-commit passes them, and the editor snippets in the README.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }

    /// (path, line, rule) of every finding of `--format json` output.
    fn hits(&self) -> Vec<(String, u64, String)> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// Standard error without the terminal renderer's wrapping and box drawing.
    fn stderr_flat(&self) -> String {
        self.stderr
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '·'))
            .collect()
    }
}

/// Runs resilint with `args` in `dir`, away from user-level configuration.
fn resilint(dir: &Path, args: &[&str]) -> Run {
    let out = cargo_bin_cmd!("resilint")
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(args)
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().expect("resilint was killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// `resilint check --no-config --no-cache --format json ARGS` in `dir`.
fn check_json(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--no-config", "--no-cache", "--format", "json"];
    all.extend_from_slice(args);
    resilint(dir, &all)
}

fn hit(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_string(), line, rule.to_string())
}

// ---------------------------------------------------------------------------------------------
// Baselines

const LEGACY: &str = "import requests


def fetch(url):
    return requests.get(url)


def send(url, body):
    return requests.post(url, json=body)
";

#[test]
fn a_baseline_hides_known_findings_through_edits_around_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/legacy.py", LEGACY);
    let recorded = check_json(dir.path(), &["--write-baseline", "resilint-baseline.json"]);
    // Writing the baseline applies it: the legacy findings no longer fail the run.
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert!(recorded.hits().is_empty());
    assert_eq!(recorded.json()["stats"]["baseline_hidden"], 2);
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("resilint-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);
    assert_eq!(baseline["findings"][0]["path"], "app/legacy.py");
    assert_eq!(baseline["findings"][0]["line"], 5);

    // Unrelated lines above, the functions moved into a class (re-indented), the calls
    // reformatted (spacing, a trailing comma), and one new problem.
    let edited = "import logging
import requests

LOG = logging.getLogger(__name__)
RETRIES = 3


class Client:
    def fetch(self, url):
        LOG.info(\"fetching %s\", url)
        return requests.get( url )

    def send(self, url, body):
        return requests.post(url, json = body,)

    def remove(self, url):
        return requests.delete(url)
";
    write(dir.path(), "app/legacy.py", edited);
    let run = check_json(dir.path(), &["--baseline", "resilint-baseline.json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.hits(), vec![hit("app/legacy.py", 17, "RES101")]);
    let stats = &run.json()["stats"];
    assert_eq!(stats["baseline_hidden"], 2);
    assert!(stats.get("baseline_stale").is_none(), "{stats}");

    // Fixing a baselined finding leaves its entry stale, and the summary says so.
    let fixed = edited.replace("requests.get( url )", "requests.get(url, timeout=5)");
    write(dir.path(), "app/legacy.py", &fixed);
    let run = check_json(dir.path(), &["--baseline", "resilint-baseline.json"]);
    assert_eq!(run.json()["stats"]["baseline_stale"], 1);
    assert_eq!(run.json()["stats"]["baseline_hidden"], 1);
    let text = resilint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--no-cache",
            "--baseline",
            "resilint-baseline.json",
        ],
    );
    assert!(
        text.stdout.contains(
            "1 in the baseline, 1 stale baseline entry (fixed or gone: --write-baseline refreshes it)"
        ),
        "{}",
        text.stdout
    );
}

#[test]
fn a_baseline_entry_hides_one_finding_and_staleness_counts_only_what_was_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/a.py",
        "import requests\nrequests.get(url)\n",
    );
    write(
        dir.path(),
        "lib/b.py",
        "import requests\nrequests.get(url)\n",
    );
    write(
        dir.path(),
        "gone/c.py",
        "import requests\nrequests.get(url)\n",
    );
    check_json(dir.path(), &["--write-baseline", "base.json"]);

    // The same line copied elsewhere in the file is a new finding: one entry, one finding.
    write(
        dir.path(),
        "app/a.py",
        "import requests\nrequests.get(url)\n\n\ndef again(url):\n    requests.get(url)\n",
    );
    std::fs::remove_dir_all(dir.path().join("gone")).unwrap();
    let run = check_json(dir.path(), &["app", "--baseline", "base.json"]);
    assert_eq!(run.hits(), vec![hit("app/a.py", 6, "RES101")]);
    // lib/ was not scanned: its entry is not stale. gone/ was deleted: outside app/, not stale.
    assert!(run.json()["stats"].get("baseline_stale").is_none());
    let run = check_json(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(run.json()["stats"]["baseline_stale"], 1, "the deleted file");
    assert_eq!(run.json()["stats"]["baseline_hidden"], 2);
    // Entries of rules that did not run are not stale either.
    let run = check_json(
        dir.path(),
        &["--select", "RES102", "--baseline", "base.json"],
    );
    assert!(run.json()["stats"].get("baseline_stale").is_none());
    // Recording and applying another baseline at once is refused.
    let both = check_json(
        dir.path(),
        &["--baseline", "base.json", "--write-baseline", "new.json"],
    );
    assert_eq!(both.code, 2);
}

#[test]
fn an_unreadable_baseline_stops_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "x = 1\n");
    write(dir.path(), "bad.json", "{\"findings\": 3}");
    let run = check_json(dir.path(), &["--baseline", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr_flat().contains("bad.jsonisnotaresilintbaseline"));
    let run = check_json(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr_flat().contains("cannotreadbaselinemissing.json"));
}

// ---------------------------------------------------------------------------------------------
// --diff

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn have_git() -> bool {
    let present = Command::new("git").arg("--version").output().is_ok();
    if !present {
        eprintln!("skipped: git is not installed");
    }
    present
}

const BEFORE: &str = "import requests


def old(url):
    return requests.get(url)


def bounded(url):
    return requests.get(
        url,
        timeout=5,
    )
";

/// A repository whose `main` has one finding (line 5), on a branch that changed it since.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "app/client.py", BEFORE);
    write(
        dir.path(),
        "app/untouched.py",
        "import requests\nrequests.put(url)\n",
    );
    commit_all(dir.path(), "base");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    dir
}

#[test]
fn diff_reports_only_findings_on_changed_lines() {
    if !have_git() {
        return;
    }
    let dir = repository();
    // Committed: a new call, and the timeout deleted from a multi-line call.
    let after = BEFORE.replace("        timeout=5,\n", "")
        + "\n\ndef new(url):\n    return requests.post(url)\n";
    write(dir.path(), "app/client.py", &after);
    commit_all(dir.path(), "feature work");
    // Uncommitted, and untracked: they are changes too.
    write(
        dir.path(),
        "app/client.py",
        &format!("{after}\n\ndef wip(url):\n    return requests.head(url)\n"),
    );
    write(
        dir.path(),
        "app/new_module.py",
        "import requests\nrequests.patch(url)\n",
    );

    let run = check_json(dir.path(), &["--diff", "main"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.hits(),
        vec![
            hit("app/client.py", 9, "RES101"),
            hit("app/client.py", 15, "RES101"),
            hit("app/client.py", 19, "RES101"),
            hit("app/new_module.py", 2, "RES101"),
        ]
    );
    assert_eq!(run.json()["stats"]["outside_diff"], 2);

    // Scanning a folder, from inside it: paths stay relative to the scan root.
    let inside = check_json(&dir.path().join("app"), &["--diff", "main"]);
    assert_eq!(inside.hits()[0], hit("client.py", 9, "RES101"));
    let from_top = check_json(dir.path(), &["app/new_module.py", "--diff", "main"]);
    assert_eq!(from_top.hits(), vec![hit("app/new_module.py", 2, "RES101")]);

    // Nothing changed since HEAD in a clean tree: nothing to report, exit 0.
    git(dir.path(), &["stash", "-u", "-q"]);
    let clean = check_json(dir.path(), &["--diff", "HEAD"]);
    assert_eq!(clean.code, 0);
    assert!(clean.hits().is_empty());
}

#[test]
fn diff_fails_clearly_outside_a_repository_and_on_an_unknown_revision() {
    if !have_git() {
        return;
    }
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.py", "x = 1\n");
    let run = check_json(plain.path(), &["--diff", "main"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr_flat().contains("isnotinsideagitrepository"),
        "{}",
        run.stderr
    );

    let dir = repository();
    let run = check_json(dir.path(), &["--diff", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr_flat()
            .contains("nocommit`no-such-branch`inthisrepository"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_in_a_shallow_clone_without_the_merge_base_says_what_to_fetch() {
    if !have_git() {
        return;
    }
    let dir = repository();
    for i in 0..3 {
        write(dir.path(), "app/client.py", &format!("{BEFORE}\n# {i}\n"));
        commit_all(dir.path(), &format!("feature {i}"));
    }
    git(dir.path(), &["checkout", "-q", "main"]);
    write(dir.path(), "app/other.py", "VALUE = 1\n");
    commit_all(dir.path(), "main moves on");

    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(
        clones.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "ci",
        ],
    );
    let ci = clones.path().join("ci");
    // The base branch is not there at all in a single-branch clone.
    let run = check_json(&ci, &["--diff", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr_flat()
            .contains("Fetchitfirst:`gitfetchoriginmain:refs/remotes/origin/main`"),
        "{}",
        run.stderr
    );
    // Fetched one commit deep, as CI does: the merge base is missing.
    git(
        &ci,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let run = check_json(&ci, &["--diff", "origin/main"]);
    assert_eq!(run.code, 2);
    let said = run.stderr_flat();
    assert!(
        said.contains("thisisashallowcloneandthemergebaseof`origin/main`andHEADisnotinit"),
        "{}",
        run.stderr
    );
    assert!(said.contains("`gitfetch--deepen=100originmain:refs/remotes/origin/main`"));
    assert!(said.contains("`gitfetch--unshalloworigin`"));
    // Doing what it says makes it work.
    git(
        &ci,
        &[
            "fetch",
            "-q",
            "--deepen=100",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let run = check_json(&ci, &["--diff", "origin/main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["stats"]["outside_diff"], 2);
}

// ---------------------------------------------------------------------------------------------
// --shard and merge

/// A monorepo: three projects (Python and Rust) and loose files at the top, with test code, a
/// file that does not parse, a suppressed finding, repeated identical lines and a path that
/// SARIF percent-encodes.
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "services/api/pyproject.toml",
        "[project]\nname = \"api\"\n",
    );
    write(
        p,
        "services/api/api/client.py",
        "import requests\n\n\ndef a(url):\n    return requests.get(url)\n\n\ndef b(url):\n    return requests.get(url)\n\n\ndef quiet(url):\n    return requests.get(url)  # resilint: ignore[RES101]\n",
    );
    write(
        p,
        "services/api/api/slow.py",
        "import requests\nrequests.get(u, timeout=9999)\nrequests.get(u, timeout=None)\n",
    );
    write(
        p,
        "services/api/tests/test_client.py",
        "import requests\nrequests.get(u)\n",
    );
    write(
        p,
        "services/worker/Cargo.toml",
        "[package]\nname = \"worker\"\nversion = \"0.1.0\"\n",
    );
    write(
        p,
        "services/worker/src/lib.rs",
        "pub fn client() -> reqwest::Client {\n    reqwest::Client::new()\n}\n",
    );
    write(
        p,
        "libs/shared/setup.py",
        "from setuptools import setup\nsetup()\n",
    );
    write(
        p,
        "libs/shared/shared/http.py",
        "import httpx\nimport requests\nrequests.post(url)\n",
    );
    write(p, "libs/shared/shared/broken.py", "def broken(:\n");
    write(
        p,
        "tools/my tool.py",
        "import requests\nrequests.delete(url)\n",
    );
    write(p, "main.py", "import requests\nrequests.head(url)\n");
    dir
}

#[test]
fn shards_merged_equal_one_full_run_byte_for_byte() {
    let dir = monorepo();
    let p = dir.path();
    let full_json = check_json(p, &["--fail-on", "never"]);
    assert_eq!(full_json.code, 0);
    let full = full_json.json();
    assert!(full["findings"].as_array().unwrap().len() >= 8, "{full:#}");
    assert_eq!(full["stats"]["suppressed"], 1);
    assert_eq!(full["stats"]["parse_errors"], 1);
    // The API's test and the shared library's setup.py.
    assert_eq!(full["stats"]["test_files_skipped"], 2);
    let full_sarif = resilint(
        p,
        &[
            "check",
            "--no-config",
            "--no-cache",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ],
    )
    .stdout;

    for n in 1..=5 {
        let mut json_parts = Vec::new();
        let mut sarif_parts = Vec::new();
        let mut non_empty = 0;
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let part = check_json(p, &["--fail-on", "never", "--shard", &shard]);
            assert_eq!(part.code, 0, "{}", part.stderr);
            assert_eq!(part.json()["shard"], shard.as_str());
            non_empty += usize::from(part.json()["stats"]["files"] != 0);
            let json_path = format!("shard-{k}-of-{n}.json");
            std::fs::write(p.join(&json_path), &part.stdout).unwrap();
            json_parts.push(json_path);
            let sarif = resilint(
                p,
                &[
                    "check",
                    "--no-config",
                    "--no-cache",
                    "--format",
                    "sarif",
                    "--fail-on",
                    "never",
                    "--shard",
                    &shard,
                ],
            );
            let sarif_path = format!("shard-{k}-of-{n}.sarif");
            std::fs::write(p.join(&sarif_path), &sarif.stdout).unwrap();
            sarif_parts.push(sarif_path);
        }
        // Four units (three projects and the top) spread over the shards.
        assert_eq!(non_empty, n.min(4), "{n} shards");
        let merge = |parts: &[String], format: &str| {
            let mut args = vec!["merge", "--format", format, "--fail-on", "never"];
            args.extend(parts.iter().map(String::as_str));
            let run = resilint(p, &args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            run.stdout
        };
        assert_eq!(
            merge(&json_parts, "json"),
            full_json.stdout,
            "{n} JSON shards"
        );
        assert_eq!(
            merge(&sarif_parts, "json"),
            full_json.stdout,
            "{n} SARIF shards"
        );
        assert_eq!(merge(&sarif_parts, "sarif"), full_sarif, "{n} SARIF shards");
        for part in json_parts.iter().chain(&sarif_parts) {
            std::fs::remove_file(p.join(part)).unwrap();
        }
    }
}

#[test]
fn shards_with_a_baseline_merge_to_the_full_runs_counts() {
    let dir = monorepo();
    let p = dir.path();
    check_json(p, &["--write-baseline", "base.json"]);
    // One baselined problem fixed, one file deleted, one new problem.
    std::fs::remove_file(p.join("tools/my tool.py")).unwrap();
    write(
        p,
        "main.py",
        "import requests\nrequests.head(url, timeout=5)\n",
    );
    write(
        p,
        "services/worker/src/new.rs",
        "pub fn c() -> reqwest::Client {\n    reqwest::Client::new()\n}\n",
    );
    let full = check_json(p, &["--baseline", "base.json", "--fail-on", "never"]);
    assert_eq!(full.json()["stats"]["baseline_stale"], 2, "{}", full.stdout);
    assert_eq!(
        full.hits(),
        vec![hit("services/worker/src/new.rs", 2, "RES101")]
    );
    let mut parts = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let run = check_json(
            p,
            &[
                "--baseline",
                "base.json",
                "--fail-on",
                "never",
                "--shard",
                &shard,
            ],
        );
        let path = format!("b{k}.json");
        std::fs::write(p.join(&path), run.stdout).unwrap();
        parts.push(path);
    }
    let mut args = vec!["merge", "--format", "json", "--fail-on", "never"];
    args.extend(parts.iter().map(String::as_str));
    assert_eq!(resilint(p, &args).stdout, full.stdout);
}

#[test]
fn merge_refuses_an_incomplete_or_mixed_set_of_shards() {
    let dir = monorepo();
    let p = dir.path();
    for k in 1..=3 {
        let run = check_json(p, &["--fail-on", "never", "--shard", &format!("{k}/3")]);
        std::fs::write(p.join(format!("s{k}.json")), run.stdout).unwrap();
    }
    let selected = check_json(p, &["--select", "RES101", "--shard", "3/3"]);
    std::fs::write(p.join("other-rules.json"), selected.stdout).unwrap();
    std::fs::write(p.join("nonsense.json"), "{\"a\": 1}").unwrap();
    let s3 = std::fs::read_to_string(p.join("s3.json")).unwrap();
    let older = s3.replacen(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"0.0.1\"",
        1,
    );
    assert_ne!(older, s3);
    std::fs::write(p.join("older.json"), older).unwrap();

    let cases: &[(&[&str], &str)] = &[
        (&["s1.json", "s3.json"], "shard2/3missing"),
        (
            &["s1.json", "s2.json", "s2.json", "s3.json"],
            "shard2/3isgiventwice",
        ),
        (
            &["s1.json", "s2.json", "other-rules.json"],
            "randifferentrules",
        ),
        (&["nonsense.json"], "nonsense.json:neitherresilintJSON"),
        (
            &["s1.json", "s2.json", "older.json"],
            "differentresilintversions",
        ),
    ];
    for (files, said) in cases {
        let mut args = vec!["merge"];
        args.extend_from_slice(files);
        let run = resilint(p, &args);
        assert_eq!(run.code, 2, "{files:?}");
        assert!(
            run.stderr_flat().contains(said),
            "{files:?}: {}",
            run.stderr
        );
    }
    // A complete set merges, and --fail-on applies to the merged findings.
    let run = resilint(
        p,
        &[
            "merge", "s1.json", "s2.json", "s3.json", "--format", "concise",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("main.py:2:1: error[RES101]"),
        "{}",
        run.stdout
    );

    for bad in ["0/3", "4/3", "2"] {
        let run = check_json(p, &["--shard", bad]);
        assert_eq!(run.code, 2, "--shard {bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-commit and editors

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn files_passed_one_by_one_resolve_their_own_imports() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/a.py",
        "from requests import get as fetch\n\n\ndef load(url):\n    return fetch(url)\n",
    );
    write(
        dir.path(),
        "app/b.rs",
        "use reqwest::Client as Http;\n\npub fn make() -> Http {\n    Http::new()\n}\n",
    );
    write(
        dir.path(),
        "app/tests/test_a.py",
        "import requests\nrequests.get(u)\n",
    );
    // What the hook runs: its entry, then the staged files.
    let hooks = repo_file(".pre-commit-hooks.yaml");
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .unwrap();
    let mut args: Vec<&str> = entry.split(' ').skip(1).collect();
    args.extend(["--no-cache", "app/a.py", "app/b.rs", "app/tests/test_a.py"]);
    let run = resilint(dir.path(), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("app/a.py:5:12: error[RES101]"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("app/b.rs:4:5: error[RES101]"),
        "{}",
        lines[1]
    );
    assert!(hooks.contains("- id: resilint\n"));
    assert!(hooks.contains("language: rust\n"));
    assert!(hooks.contains("types_or: [python, rust]\n"));
}

/// The fenced block after `marker` in the README.
fn readme_block(marker: &str) -> String {
    let readme = repo_file("README.md");
    let start = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no {marker:?}"));
    let rest = &readme[start..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_readmes_vs_code_task_uses_the_shipped_matcher() {
    let tasks: Value = serde_json::from_str(&readme_block("<!-- vscode-tasks -->"))
        .expect("the tasks.json snippet is JSON");
    let matcher: Value = serde_json::from_str(&repo_file(".github/resilint-matcher.json")).unwrap();
    let task = &tasks["tasks"][0];
    assert!(task["command"]
        .as_str()
        .unwrap()
        .contains("--format concise"));
    let vscode = task["problemMatcher"].as_array().unwrap();
    let github = matcher["problemMatcher"].as_array().unwrap();
    assert_eq!(vscode.len(), github.len());
    for (v, g) in vscode.iter().zip(github) {
        assert_eq!(v["pattern"]["regexp"], g["pattern"][0]["regexp"]);
        for group in ["file", "line", "column", "severity", "code", "message"] {
            assert_eq!(v["pattern"][group], g["pattern"][0][group], "{group}");
        }
    }
}

#[test]
fn the_readmes_workflow_example_uses_the_actions_inputs() {
    let example = readme_block("<!-- workflow-example -->");
    let action = repo_file("action.yml");
    assert!(example.contains("fetch-depth") || example.contains("pull_request"));
    // The `with:` block of the resilint step.
    let lines: Vec<&str> = example.lines().collect();
    let step = lines
        .iter()
        .position(|l| l.contains("uses: resilint/resilint@v1"))
        .expect("the example uses the action");
    let with = step
        + lines[step..]
            .iter()
            .position(|l| l.trim() == "with:")
            .expect("the example sets inputs");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut used = Vec::new();
    for line in &lines[with + 1..] {
        if line.trim().is_empty() || indent(line) <= indent(lines[with]) {
            break;
        }
        let key = line.trim().split_once(':').unwrap().0;
        assert!(
            action.contains(&format!("\n  {key}:\n")),
            "the README's example uses input {key}, which action.yml does not have"
        );
        used.push(key);
    }
    assert!(used.len() >= 2, "{used:?}");
}
