//! The GitHub Action: its run step (`.github/action/run.sh`, the commands action.yml runs) as a
//! runner runs it, with GITHUB_ACTIONS, GITHUB_EVENT_NAME, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT
//! set, against repositories with a real git history made here (a pull request checked out
//! the way actions/checkout does: its merge commit alone, one commit deep); action.yml and the
//! workflows through zizmor and the GitHub Actions schemas, and the pre-commit hook manifest
//! through pre-commit (all three installed from PyPI by `.ci/run`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Whether `tool --version` runs.
fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The tools the run step needs; tests say why they skip when one is missing.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["bash", "git", "jq"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: {} not installed (.ci/run installs jq)",
            missing.join(", ")
        );
    }
    missing.is_empty()
}

/// Runs git in `dir` as a fixed author, away from the user's git configuration.
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

const BASE_CLIENT: &str = "import requests


def old(url):
    return requests.get(url)
";

const PR_CLIENT: &str = "import requests


def old(url):
    return requests.get(url)


def new(url):
    return requests.post(url)


def slow(url):
    return requests.get(url, timeout=9999)
";

/// An origin repository whose `main` has one finding and moved on after `feature` branched;
/// `pull/1/merge` is feature merged into main, as GitHub prepares a pull request. Returns the
/// temp folder holding `origin/`.
fn origin_with_pull_request(feature_client: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    write(&origin, "app/client.py", BASE_CLIENT);
    commit_all(&origin, "base");
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    write(&origin, "app/client.py", feature_client);
    commit_all(&origin, "feature");
    git(&origin, &["checkout", "-q", "main"]);
    write(&origin, "app/other.py", "VALUE = 1\n");
    commit_all(&origin, "main moves on");
    git(&origin, &["checkout", "-q", "-b", "pull/1/merge"]);
    git(
        &origin,
        &["merge", "-q", "--no-ff", "feature", "-m", "Merge feature"],
    );
    git(&origin, &["checkout", "-q", "main"]);
    tmp
}

/// What actions/checkout does on a pull request: the merge commit alone, one commit deep.
fn shallow_checkout(tmp: &Path) -> PathBuf {
    let url = format!("file://{}", tmp.join("origin").display());
    git(
        tmp,
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-tags",
            "--branch",
            "pull/1/merge",
            &url,
            "checkout",
        ],
    );
    tmp.join("checkout")
}

/// Whether this resilint writes the Markdown scorecard (which then closes the job summary).
fn writes_scorecard() -> bool {
    let help = Command::new(env!("CARGO_BIN_EXE_resilint"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&help.stdout).contains("markdown")
}

struct ActionRun {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl ActionRun {
    /// The action's own part of the job summary, before the scorecard.
    fn own_summary(&self) -> &str {
        self.summary.split("\n# ").next().unwrap()
    }

    fn annotations(&self, level: &str) -> Vec<&str> {
        let prefix = format!("::{level} file=");
        self.stdout
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect()
    }
}

/// Runs the action's run step in `workspace` as the runner would for `event`, with `inputs`
/// (input name → value, as INPUT_* variables the way action.yml passes them).
fn run_action(workspace: &Path, event: &str, inputs: &[(&str, &str)]) -> ActionRun {
    let runner = tempfile::tempdir().unwrap();
    let summary = runner.path().join("summary.md");
    let output = runner.path().join("output");
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join(".github/action/run.sh"))
        .current_dir(workspace)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", runner.path())
        .env("RESILINT_BIN", env!("CARGO_BIN_EXE_resilint"))
        .env("HOME", runner.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GITHUB_BASE_REF");
    if event == "pull_request" {
        cmd.env("GITHUB_BASE_REF", "main");
    }
    for (name, value) in inputs {
        cmd.env(
            format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
            value,
        );
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ActionRun {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

#[test]
fn a_pull_request_is_gated_on_its_changed_lines_in_a_shallow_checkout() {
    if !tools_present() {
        return;
    }
    let tmp = origin_with_pull_request(PR_CLIENT);
    let checkout = shallow_checkout(tmp.path());
    assert_eq!(
        git(&checkout, &["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );

    let run = run_action(&checkout, "pull_request", &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // The new error and warning are annotated; the finding main already had is not.
    let errors = run.annotations("error");
    let warnings = run.annotations("warning");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(
        errors[0].starts_with("::error file=app/client.py,line=9,col=12,"),
        "{}",
        errors[0]
    );
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    assert!(warnings[0].starts_with("::warning file=app/client.py,line=13,"));
    assert!(!run.stdout.contains("line=5,"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("resilint: findings at or above 'error' on lines changed since origin/main"));

    assert_eq!(run.outputs["findings"], "2");
    assert_eq!(run.outputs["sarif-file"], "resilint.sarif");
    // A score with one decimal, or empty where this resilint scores nothing (or no rule of
    // that score ran).
    let one_decimal = regex::Regex::new(r"^(\d+\.\d)?$").unwrap();
    for score in ["resilience-score", "observability-score"] {
        assert!(
            one_decimal.is_match(&run.outputs[score]),
            "{score}: {:?}",
            run.outputs[score]
        );
    }
    // The SARIF report is the whole scan: code scanning tracks every alert itself.
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(checkout.join("resilint.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);

    assert!(
        run.summary.contains(
            "Findings on lines changed since `origin/main`: **2** (1 error, 1 warning, 0 notes"
        ),
        "{}",
        run.summary
    );
    assert!(run
        .summary
        .contains("1 more, elsewhere in the code, does not gate this pull request"));
    assert!(run.summary.contains("2 of 2 annotated on the code"));
    // The base branch and the history to its merge base were fetched.
    git(&checkout, &["merge-base", "origin/main", "HEAD"]);
}

#[test]
fn a_pull_request_without_new_findings_passes() {
    if !tools_present() {
        return;
    }
    let clean =
        format!("{BASE_CLIENT}\n\ndef new(url):\n    return requests.post(url, timeout=5)\n");
    let tmp = origin_with_pull_request(&clean);
    let checkout = shallow_checkout(tmp.path());
    let run = run_action(&checkout, "pull_request", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["findings"], "0");
    assert!(run.annotations("error").is_empty(), "{}", run.stdout);
    assert!(run.summary.contains("**0**"), "{}", run.summary);
}

/// A repository with 12 errors, 12 warnings and a note: more than GitHub annotates in a step.
fn repository_with_many_findings() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    for i in 1..=12 {
        write(
            tmp.path(),
            &format!("app/m{i:02}.py"),
            "import requests\nrequests.get(u, timeout=9999)\nrequests.get(u, timeout=None)\n",
        );
    }
    write(tmp.path(), "app/broken.py", "def broken(:\n");
    commit_all(tmp.path(), "many findings");
    tmp
}

#[test]
fn a_push_annotates_the_most_severe_first_within_githubs_caps_and_lists_the_rest() {
    if !tools_present() {
        return;
    }
    let tmp = repository_with_many_findings();
    let run = run_action(tmp.path(), "push", &[("sarif-file", "out/report.sarif")]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.annotations("error").len(), 10);
    assert_eq!(run.annotations("warning").len(), 10);
    assert_eq!(run.annotations("notice").len(), 1);
    let levels: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains(" file="))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| {
        ["::error", "::warning", "::notice"]
            .iter()
            .position(|x| x == l)
    });
    assert_eq!(levels, sorted, "most severe first");
    assert_eq!(run.outputs["findings"], "25");
    assert_eq!(run.outputs["sarif-file"], "out/report.sarif");
    assert!(tmp.path().join("out/report.sarif").is_file());
    // The four left out are counted and listed, never silently dropped.
    assert!(
        run.summary
            .contains("21 of 25 annotated on the code; GitHub shows at most 10 annotations per level and step, so the other 4 are listed here."),
        "{}",
        run.summary
    );
    let rows: Vec<&str> = run
        .own_summary()
        .lines()
        .filter(|l| l.starts_with("| error |") || l.starts_with("| warning |"))
        .collect();
    assert_eq!(rows.len(), 4, "{}", run.summary);
    assert!(rows[0].starts_with("| error | app/m11.py:3:1 | RES102 timeout-disabled |"));
    if writes_scorecard() {
        assert!(
            run.summary.contains("\n# "),
            "no scorecard: {}",
            run.summary
        );
    } else {
        assert!(run.summary.contains("Whole scan: 25 findings in 13 files"));
    }
}

#[test]
fn inputs_turn_off_annotations_and_the_gate() {
    if !tools_present() {
        return;
    }
    let tmp = repository_with_many_findings();
    let run = run_action(
        tmp.path(),
        "push",
        &[("annotations", "false"), ("fail-on", "never")],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains(" file="), "{}", run.stdout);
    assert!(run
        .summary
        .contains("Annotations are off; every finding is listed here."));
    assert_eq!(
        run.own_summary().matches("\n| ").count(),
        26,
        "{}",
        run.summary
    );

    let no_summary = run_action(tmp.path(), "push", &[("summary", "false")]);
    assert_eq!(no_summary.code, 1);
    assert!(no_summary.summary.is_empty());

    let bad = run_action(tmp.path(), "push", &[("annotations", "yes")]);
    assert_eq!(bad.code, 2);
    assert!(bad
        .stdout
        .contains("::error title=resilint::input annotations must be true or false"));

    // diff-only asked for outside a pull request: said, not guessed.
    let forced = run_action(tmp.path(), "push", &[("diff-only", "true")]);
    assert_eq!(forced.code, 2);
    assert!(forced
        .stdout
        .contains("diff-only needs a pull_request event"));
}

#[test]
fn a_baseline_keeps_known_findings_from_gating_and_counts_stale_entries() {
    if !tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let call = "import requests\nrequests.get(u)\n";
    write(tmp.path(), "app/a.py", call);
    write(tmp.path(), "app/b.py", call);
    let recorded = Command::new(env!("CARGO_BIN_EXE_resilint"))
        .current_dir(tmp.path())
        .args(["check", "--write-baseline", ".resilint-baseline.json", "-q"])
        .output()
        .unwrap();
    assert!(recorded.status.success());
    write(
        tmp.path(),
        "app/b.py",
        "import requests\nrequests.get(u, timeout=5)\n",
    );
    let inputs = [("baseline", ".resilint-baseline.json")];
    let run = run_action(tmp.path(), "push", &inputs);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["findings"], "0");
    assert!(
        run.summary.contains("1 known finding in the baseline does not gate the job either. The baseline has 1 stale entry (fixed or gone)"),
        "{}",
        run.summary
    );
    write(tmp.path(), "app/c.py", call);
    let run = run_action(tmp.path(), "push", &inputs);
    assert_eq!(run.code, 1);
    assert_eq!(run.annotations("error").len(), 1);
    assert!(run.annotations("error")[0].starts_with("::error file=app/c.py,"));
}

#[test]
fn paths_are_one_per_line_or_separated_by_spaces() {
    if !tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let call = "import requests\nrequests.get(u)\n";
    write(tmp.path(), "my dir/a.py", call);
    write(tmp.path(), "other/b.py", call);
    write(tmp.path(), "c.py", call);
    let annotated = |paths: &str| {
        let run = run_action(tmp.path(), "push", &[("paths", paths)]);
        assert_eq!(run.code, 1, "{paths:?}: {}\n{}", run.stdout, run.stderr);
        let mut files: Vec<String> = run
            .annotations("error")
            .iter()
            .map(|l| l.split(',').next().unwrap().replace("::error file=", ""))
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        annotated("my dir\n  other  \n"),
        ["my dir/a.py", "other/b.py"]
    );
    assert_eq!(annotated("other c.py"), ["c.py", "other/b.py"]);
    assert_eq!(annotated("."), ["c.py", "my dir/a.py", "other/b.py"]);
}

/// Runs the action's install step with `action_dir` as the action's checkout, on a Linux x86_64
/// runner whose tool cache and temp folder are under `runner`.
fn run_install(action_dir: &Path, runner: &Path, env: &[(&str, &str)]) -> ActionRun {
    let output = runner.join("install-output");
    let _ = std::fs::remove_file(&output);
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join(".github/action/install.sh"))
        .current_dir(runner)
        .env("GITHUB_ACTION_PATH", action_dir)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TOOL_CACHE", runner.join("tools"))
        .env("RUNNER_TEMP", runner)
        .env_remove("ACTION_REPOSITORY")
        .env_remove("RESILINT_RELEASES")
        .env_remove("INPUT_VERSION");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    ActionRun {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        outputs: std::fs::read_to_string(&output)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        summary: String::new(),
    }
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("bash")
        .current_dir(dir)
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn install_takes_the_release_binary_and_checks_its_sum() {
    if !["bash", "curl", "tar", "sha256sum"].iter().all(|t| have(t)) {
        eprintln!("skipped: bash, curl, tar or sha256sum is not installed");
        return;
    }
    let runner = tempfile::tempdir().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    // A release as release.yml lays it out, served from a folder.
    let release = runner.path().join(format!("releases/v{version}"));
    std::fs::create_dir_all(&release).unwrap();
    // A stand-in for the binary, small enough to pack in a test.
    write(
        &release,
        "resilint",
        &format!("#!/bin/sh\necho 'resilint {version}'\n"),
    );
    let asset = format!("resilint-v{version}-x86_64-unknown-linux-gnu.tar.gz");
    sh(
        &release,
        &format!("chmod +x resilint && tar -czf {asset} resilint && rm resilint && sha256sum {asset} > {asset}.sha256"),
    );
    let mirror = format!("file://{}", runner.path().join("releases").display());
    let env = [("RESILINT_RELEASES", mirror.as_str())];

    let run = run_install(&repo_root(), runner.path(), &env);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["prebuilt"], "true");
    let bin = PathBuf::from(&run.outputs["bin"]);
    let said = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&said.stdout).trim(),
        format!("resilint {version}")
    );

    // A version without a release falls back to building the action's source, and says so.
    let run = run_install(
        &repo_root(),
        runner.path(),
        &[env[0], ("INPUT_VERSION", "v9.9.9")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.outputs["prebuilt"], "false");
    assert!(run.outputs["cache-key"].starts_with(&format!("resilint-Linux-X64-{version}-")));
    assert!(run
        .stdout
        .contains("::warning title=resilint::version 9.9.9 has no prebuilt binary"));

    // A binary that does not match its published sum is refused.
    sh(&release, &format!("echo 0000 > {asset}.sha256"));
    let run = run_install(&repo_root(), runner.path(), &env);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("checksum mismatch"), "{}", run.stdout);
}

#[test]
fn the_source_build_cache_key_follows_the_source() {
    if !["bash", "sha256sum"].iter().all(|t| have(t)) {
        eprintln!("skipped: bash or sha256sum is not installed");
        return;
    }
    let runner = tempfile::tempdir().unwrap();
    let action = runner.path().join("action");
    std::fs::create_dir_all(&action).unwrap();
    let root = repo_root();
    sh(
        &action,
        &format!(
            "cp -r '{0}/Cargo.toml' '{0}/Cargo.lock' '{0}/build.rs' '{0}/src' '{0}/rules' .",
            root.display()
        ),
    );
    let key = || run_install(&action, runner.path(), &[]).outputs["cache-key"].clone();
    let first = key();
    assert_eq!(first, key(), "the same source, the same key");
    std::fs::write(action.join("rules/RES101.toml.extra"), "x").unwrap();
    let second = key();
    assert_ne!(first, second, "a changed source, a new key");
    let run = run_install(&action, runner.path(), &[]);
    assert_eq!(run.outputs["prebuilt"], "false");
    assert!(run.outputs["bin"].ends_with("/bin/resilint"));
    assert!(run.outputs["bin"].starts_with(&run.outputs["root"]));
}

/// The path of a CI tool: in `RESILINT_CI_TOOLS` (where `.ci/run` installs it) or on PATH.
fn ci_tool(name: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("RESILINT_CI_TOOLS") {
        let path = PathBuf::from(dir).join(name);
        if path.is_file() {
            return Some(path);
        }
    }
    have(name).then(|| PathBuf::from(name))
}

fn run_tool(tool: &Path, args: &[&str]) {
    let out = Command::new(tool)
        .current_dir(repo_root())
        .args(args)
        // zizmor goes online with a token; the audit here is the offline one.
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}\n{}",
        tool.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn workflows() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(repo_root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .map(|p| p.strip_prefix(repo_root()).unwrap().display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    files
}

#[test]
fn zizmor_finds_nothing_in_the_action_and_workflows() {
    let Some(zizmor) = ci_tool("zizmor") else {
        eprintln!("skipped: zizmor is not installed (.ci/run installs it from PyPI)");
        return;
    };
    let mut args = vec![
        "--offline",
        "--config",
        ".github/zizmor.yml",
        "--no-progress",
        "action.yml",
    ];
    let files = workflows();
    args.extend(files.iter().map(String::as_str));
    run_tool(&zizmor, &args);
}

#[test]
fn the_action_and_workflows_validate_against_githubs_schemas() {
    let Some(checker) = ci_tool("check-jsonschema") else {
        eprintln!("skipped: check-jsonschema is not installed (.ci/run installs it from PyPI)");
        return;
    };
    run_tool(
        &checker,
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
    );
    let mut args = vec!["--builtin-schema", "vendor.github-workflows"];
    let files = workflows();
    args.extend(files.iter().map(String::as_str));
    run_tool(&checker, &args);
}

#[test]
fn pre_commit_accepts_the_hook_manifest() {
    let Some(pre_commit) = ci_tool("pre-commit") else {
        eprintln!("skipped: pre-commit is not installed (.ci/run installs it from PyPI)");
        return;
    };
    run_tool(
        &pre_commit,
        &["validate-manifest", ".pre-commit-hooks.yaml"],
    );
}

#[test]
fn action_steps_take_inputs_only_through_the_environment() {
    let action = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    // Every `run:` block, up to the next step key at its indentation.
    let mut in_run = false;
    for line in action.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("run:") {
            in_run = true;
            assert!(!line.contains("${{"), "expression in run: {line}");
            continue;
        }
        if in_run && line.starts_with("      ") && !line.starts_with("        ") {
            in_run = false;
        }
        if in_run {
            assert!(!line.contains("${{"), "expression in run: {line}");
        }
    }
    for input in [
        "paths",
        "fail-on",
        "min-score",
        "config",
        "sarif-file",
        "upload-sarif",
        "summary",
        "annotations",
        "diff-only",
        "baseline",
        "version",
    ] {
        assert!(action.contains(&format!("\n  {input}:\n")), "input {input}");
    }
    for output in [
        "resilience-score",
        "observability-score",
        "findings",
        "sarif-file",
    ] {
        assert!(
            action.contains(&format!("\n  {output}:\n    description:")),
            "output {output}"
        );
    }
    assert!(action.contains("::add-matcher::$GITHUB_ACTION_PATH/.github/resilint-matcher.json"));
}
