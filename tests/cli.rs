//! The command line as a user drives it: exit codes, rule selection, config discovery and
//! errors, severity overrides, per-path ignores, inline suppressions, catalog extensions,
//! which files are walked, and the `rules` / `rule` commands.

use std::path::Path;

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

    /// (path, line, rule) of every finding, from `--format json` output.
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

    /// Standard error with the line wrapping and box drawing of the terminal renderer removed
    /// (all whitespace too), so that a message can be searched for whatever the width.
    fn stderr_flat(&self) -> String {
        flat(&self.stderr)
    }
}

fn flat(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '·'))
        .collect()
}

/// Runs resilint with `args` in `dir`, away from any user-level ignore files.
fn resilint(dir: &Path, args: &[&str]) -> Run {
    let out = cargo_bin_cmd!("resilint")
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
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

/// `resilint check --format json ARGS` in `dir`.
fn check_json(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    resilint(dir, &all)
}

const UNTIMED_PY: &str = "import requests\n\nrequests.get(url)\n";

fn hit(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_string(), line, rule.to_string())
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "clean/a.py",
        "import requests\n\nrequests.get(url, timeout=5)\n",
    );
    write(d, "error/a.py", UNTIMED_PY);
    write(
        d,
        "warning/a.py",
        "import requests\n\nrequests.get(url, timeout=9999)\n",
    );
    write(d, "note/a.py", "def broken(:\n");

    let code = |args: &[&str]| {
        let mut all = vec!["check", "--no-config"];
        all.extend_from_slice(args);
        resilint(d, &all).code
    };
    assert_eq!(code(&["clean"]), 0);
    assert_eq!(code(&["error"]), 1);
    assert_eq!(code(&["error", "--fail-on", "never"]), 0);
    assert_eq!(code(&["warning"]), 0);
    assert_eq!(code(&["warning", "--fail-on", "warning"]), 1);
    assert_eq!(code(&["warning", "--fail-on", "error"]), 0);
    assert_eq!(code(&["note"]), 0);
    assert_eq!(code(&["note", "--fail-on", "warning"]), 0);
    assert_eq!(code(&["note", "--fail-on", "note"]), 1);
    // Every format decides the exit code the same way.
    for format in ["text", "concise", "json", "sarif", "github"] {
        assert_eq!(code(&["error", "--format", format]), 1, "{format}");
        assert_eq!(code(&["clean", "--format", format]), 0, "{format}");
    }
}

#[test]
fn exit_2_when_the_scan_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.py", UNTIMED_PY);
    let cases: &[&[&str]] = &[
        &["check", "no/such/path"],
        &["check", "a.py", "no-such-file.py"],
        &["check", "--select", "XYZ"],
        &["check", "--ignore", "RES101,nope"],
        &["check", "--output", "json"],
        &["check", "--output", "xml=report.xml"],
        &["check", "--output", "json=no/such/folder/report.json"],
        &["check", "--format", "yaml"],
        &["check", "--fail-on", "sometimes"],
        &["check", "--config", "missing.toml"],
        &["check", "--no-such-flag"],
    ];
    for args in cases {
        let run = resilint(d, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.trim().is_empty(), "{args:?}: nothing on stderr");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(resilint(d, &["check", "no/such/path"])
        .stderr_flat()
        .contains("no/such/path"));
    assert!(resilint(d, &["check", "--select", "XYZ"])
        .stderr_flat()
        .contains("XYZ"));
    assert!(!d.join("report.xml").exists());
}

#[test]
fn select_and_ignore_take_ids_and_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.py",
        "import requests\n\nrequests.get(url)\nrequests.get(url, timeout=None)\nrequests.get(url, timeout=9999)\n",
    );
    write(d, "broken.py", "def broken(:\n");
    let all = vec![
        hit("a.py", 3, "RES101"),
        hit("a.py", 4, "RES102"),
        hit("a.py", 5, "RES105"),
        hit("broken.py", 1, "RES000"),
    ];
    let rules = |args: &[&str]| {
        let mut a = vec!["--no-config"];
        a.extend_from_slice(args);
        check_json(d, &a).hits()
    };
    assert_eq!(rules(&[]), all);
    assert_eq!(rules(&["--select", "RES102"]), [all[1].clone()]);
    assert_eq!(
        rules(&["--select", "RES101,RES105"]),
        [all[0].clone(), all[2].clone()]
    );
    assert_eq!(rules(&["--select", "RES10"]), all[..3]);
    assert_eq!(
        rules(&["--select", "RES1", "--ignore", "RES102"]),
        [all[0].clone(), all[2].clone()]
    );
    assert_eq!(rules(&["--ignore", "RES1"]), [all[3].clone()]);
    assert_eq!(rules(&["--ignore", "RES1", "--ignore", "RES000"]), []);
    assert_eq!(
        resilint(d, &["check", "--no-config", "--ignore", "RES1"]).code,
        0
    );
    // The JSON lists the rules that ran.
    let ran = check_json(
        d,
        &["--no-config", "--select", "RES10", "--ignore", "RES104"],
    )
    .json()["rules"]
        .clone();
    assert_eq!(
        ran,
        serde_json::json!(["RES101", "RES102", "RES103", "RES105", "RES106"])
    );
}

#[test]
fn config_is_found_upward_from_the_scanned_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "proj/resilint.toml", "ignore = [\"RES101\"]\n");
    write(d, "proj/src/app/a.py", UNTIMED_PY);
    // A pyproject.toml without [tool.resilint] does not stop the search.
    write(d, "proj/src/pyproject.toml", "[project]\nname = \"app\"\n");

    let from_app = d.join("proj/src/app");
    assert_eq!(check_json(&from_app, &[]).hits(), []);
    assert_eq!(check_json(d, &["proj/src/app"]).hits(), []);
    assert_eq!(check_json(d, &["proj/src/app/a.py"]).hits(), []);
    assert_eq!(resilint(&from_app, &["check"]).code, 0);
    assert_eq!(
        check_json(&from_app, &["--no-config"]).hits(),
        [hit("a.py", 3, "RES101")]
    );
    assert_eq!(resilint(&from_app, &["check", "--no-config"]).code, 1);

    // --config names a file anywhere, instead of the discovered one.
    write(d, "elsewhere/strict.toml", "select = [\"RES102\"]\n");
    write(
        d,
        "proj/src/app/b.py",
        "import requests\nrequests.get(url, timeout=None)\n",
    );
    let chosen = check_json(&from_app, &["--config", "../../../elsewhere/strict.toml"]);
    assert_eq!(chosen.hits(), [hit("b.py", 2, "RES102")]);

    // [tool.resilint] in pyproject.toml, nearer than resilint.toml, wins.
    write(
        d,
        "proj/src/pyproject.toml",
        "[project]\nname = \"app\"\n\n[tool.resilint]\nignore = [\"RES102\"]\n",
    );
    assert_eq!(
        check_json(&from_app, &[]).hits(),
        [hit("a.py", 3, "RES101")]
    );

    // .resilint.toml is found too.
    std::fs::remove_file(d.join("proj/src/pyproject.toml")).unwrap();
    std::fs::remove_file(d.join("proj/resilint.toml")).unwrap();
    write(d, "proj/.resilint.toml", "select = [\"RES101\"]\n");
    assert_eq!(
        check_json(&from_app, &[]).hits(),
        [hit("a.py", 3, "RES101")]
    );
}

#[test]
fn a_bad_config_names_the_file_the_line_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "src/a.py", UNTIMED_PY);
    let cases = [
        ("resilint.toml", "# settings\nselect = [\"RES1\"]\nbogus-key = 1\n", 3, "bogus-key"),
        ("resilint.toml", "include-tests = \"yes\"\n", 1, "include-tests"),
        ("resilint.toml", "fail-on = \"error\"\n\n[severity]\nRES101 = \"fatal\"\n", 4, "severity.RES101"),
        ("resilint.toml", "[severity]\nRES999 = \"warning\"\n", 2, "severity.RES999"),
        ("resilint.toml", "select = [\"RES101\"]\n# XYZ is not a rule\nignore = [\n  \"RES102\",\n  \"XYZ\",\n]\n", 5, "ignore"),
        ("resilint.toml", "[per-path-ignores]\n\"legacy/**\" = [\"RES1\", \"nope\"]\n", 2, "per-path-ignores.\"legacy/**\""),
        ("resilint.toml", "[[catalog.python]]\ncall = \"acme.fetch\"\ntimout = \"deadline\"\n", 3, "catalog.python.timout"),
        ("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.resilint]\nmax-timeout-seconds = \"30\"\n", 5, "tool.resilint.max-timeout-seconds"),
    ];
    for (name, text, line, key) in cases {
        write(d, name, text);
        let run = resilint(d, &["check", "src"]);
        assert_eq!(run.code, 2, "{text}: {}", run.stderr);
        let path = d.join(name).canonicalize().unwrap();
        let stderr = run.stderr_flat();
        let want = flat(&format!("{}, line {line}, key `{key}`", path.display()));
        assert!(
            stderr.contains(&want),
            "{text}\nwant {want}\nin {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
        // --no-config scans without it.
        assert_eq!(resilint(d, &["check", "src", "--no-config"]).code, 1);
        std::fs::remove_file(d.join(name)).unwrap();
    }
}

#[test]
fn severity_overrides_change_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.py", UNTIMED_PY);
    write(d, "resilint.toml", "[severity]\nRES101 = \"warning\"\n");
    let run = check_json(d, &[]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["findings"][0]["severity"], "warning");
    assert_eq!(resilint(d, &["check", "--fail-on", "warning"]).code, 1);
    write(
        d,
        "resilint.toml",
        "fail-on = \"warning\"\n[severity]\nRES101 = \"warning\"\n",
    );
    assert_eq!(resilint(d, &["check"]).code, 1);
    assert_eq!(resilint(d, &["check", "--fail-on", "error"]).code, 0);
}

#[test]
fn per_path_ignores_apply_to_matching_paths_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "legacy/old/a.py",
        "import requests\nrequests.get(url)\nrequests.get(url, timeout=None)\n",
    );
    write(d, "app/new.py", UNTIMED_PY);
    write(
        d,
        "resilint.toml",
        "[per-path-ignores]\n\"legacy/**\" = [\"RES101\"]\n",
    );
    assert_eq!(
        check_json(d, &[]).hits(),
        [
            hit("app/new.py", 3, "RES101"),
            hit("legacy/old/a.py", 3, "RES102")
        ]
    );
    write(
        d,
        "resilint.toml",
        "[per-path-ignores]\n\"legacy/**\" = [\"RES1\"]\n\"app/*.py\" = [\"ALL\"]\n",
    );
    assert_eq!(check_json(d, &[]).hits(), []);
}

#[test]
fn inline_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.py",
        "import requests
requests.get(url)  # resilint: ignore[RES101]
# resilint: ignore[RES101]
requests.get(url)
requests.get(url)  # resilint: ignore[RES102]
requests.get(url)  # resilint: ignore
requests.get(url, timeout=None)  # resilint: ignore[RES1]
requests.get(url)
",
    );
    write(d, "whole.py", "# resilint: ignore-file[RES101]\nimport requests\nrequests.get(url)\nrequests.get(url, timeout=None)\n");
    write(
        d,
        "lib.rs",
        "pub fn clients() {
    let _a = reqwest::Client::new(); // resilint: ignore
    // resilint: ignore[RES101]
    let _b = reqwest::Client::new();
    let _c = reqwest::Client::new();
}
",
    );
    let run = check_json(d, &["--no-config"]);
    assert_eq!(
        run.hits(),
        [
            hit("a.py", 5, "RES101"),
            hit("a.py", 8, "RES101"),
            hit("lib.rs", 5, "RES101"),
            hit("whole.py", 4, "RES102"),
        ]
    );
    assert_eq!(run.json()["stats"]["suppressed"], 7);
}

#[test]
fn user_catalog_extends_the_known_calls() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "resilint.toml",
        "[[catalog.python]]\ncall = \"acme.http.fetch\"\ntimeout = \"deadline\"\n",
    );
    write(
        d,
        "svc.py",
        "from acme.http import fetch\n\nfetch(url)\nfetch(url, deadline=5)\n",
    );
    let run = check_json(d, &[]);
    assert_eq!(run.hits(), [hit("svc.py", 3, "RES101")]);
    assert!(run.json()["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("acme.http.fetch"));
    assert_eq!(check_json(d, &["--no-config"]).hits(), []);
}

#[test]
fn gitignored_files_and_tool_folders_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for folder in [
        "app",
        "build",
        ".venv/lib",
        "venv",
        "target/debug",
        "node_modules/pkg",
        "app/__pycache__",
    ] {
        write(d, &format!("{folder}/m.py"), UNTIMED_PY);
    }
    write(
        d,
        "target/debug/m.rs",
        "fn f() { let _c = reqwest::Client::new(); }\n",
    );
    write(d, ".gitignore", "build/\n");
    let paths = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--no-config"];
        a.extend_from_slice(args);
        check_json(d, &a).hits().into_iter().map(|h| h.0).collect()
    };
    assert_eq!(paths(&[]), ["app/m.py"]);
    assert_eq!(paths(&["--no-ignore"]), ["app/m.py", "build/m.py"]);
    assert_eq!(paths(&["--exclude", "app/**"]), Vec::<String>::new());
    // A file named on the command line is audited even if ignored.
    assert_eq!(paths(&["build/m.py"]), ["build/m.py"]);
}

#[test]
fn test_code_is_skipped_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app/client.py", UNTIMED_PY);
    write(d, "tests/test_x.py", UNTIMED_PY);
    write(d, "app/test_client.py", UNTIMED_PY);
    let run = check_json(d, &["--no-config"]);
    assert_eq!(run.hits(), [hit("app/client.py", 3, "RES101")]);
    assert_eq!(run.json()["stats"]["test_files_skipped"], 2);
    assert_eq!(
        check_json(d, &["--no-config", "--include-tests"]).hits(),
        [
            hit("app/client.py", 3, "RES101"),
            hit("app/test_client.py", 3, "RES101"),
            hit("tests/test_x.py", 3, "RES101"),
        ]
    );
    write(d, "resilint.toml", "include-tests = true\n");
    assert_eq!(check_json(d, &[]).hits().len(), 3);
}

#[test]
fn rules_lists_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let run = resilint(dir.path(), &["rules"]);
    assert_eq!(run.code, 0);
    for meta in resilint::rules::all() {
        let row = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&meta.id))
            .unwrap_or_else(|| panic!("{} missing", meta.id));
        assert!(
            row.contains(&meta.name) && row.contains(meta.severity.as_str()),
            "{row}"
        );
    }
    assert!(run
        .stdout
        .lines()
        .any(|l| l.starts_with("RES101") && l.contains("untimed-call")));
    let listed: Value =
        serde_json::from_str(&resilint(dir.path(), &["rules", "--format", "json"]).stdout).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        resilint::rules::all().len()
    );
}

#[test]
fn rule_explains_one_rule_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let run = resilint(dir.path(), &["rule", "RES101"]);
    assert_eq!(run.code, 0);
    let out = &run.stdout;
    assert!(out.starts_with("# RES101 untimed-call"), "{out}");
    for section in ["## Python", "## Rust", "Bad:", "Good:"] {
        assert!(out.contains(section), "no {section:?} in\n{out}");
    }
    let meta = resilint::rules::meta("RES101").unwrap();
    for lang in [resilint::facts::Lang::Python, resilint::facts::Lang::Rust] {
        let example = meta
            .examples
            .iter()
            .find(|e| e.lang == lang)
            .expect("an example per language");
        for code in [&example.bad, &example.good] {
            for line in code.lines().filter(|l| !l.trim().is_empty()) {
                assert!(out.contains(line), "example line {line:?} missing");
            }
        }
    }
    assert_eq!(resilint(dir.path(), &["rule", "res101"]).stdout, run.stdout);

    let missing = resilint(dir.path(), &["rule", "NOPE"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("NOPE"));
    assert!(missing.stdout.is_empty());
}

/// An in-house server declared in the config is judged like the catalogued ones (RES601).
#[test]
fn config_extends_the_shutdown_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
    );
    write(
        d,
        "src/main.rs",
        "async fn run(l: tokio::net::TcpListener, app: axum::Router) -> std::io::Result<()> {\n    acme_http::Server::bind(l).serve(app).await\n}\n",
    );
    let args = [
        "check",
        ".",
        "--select",
        "RES601",
        "--format",
        "concise",
        "--no-cache",
    ];
    assert_eq!(
        resilint(d, &args).code,
        0,
        "unknown to the built-in catalog"
    );
    write(
        d,
        "resilint.toml",
        "[[catalog.serves]]\nlang = \"rust\"\ncallee = \"acme_http::Server::bind\"\ngraceful = [\"with_graceful_shutdown\"]\nserving = [\"serve\"]\nfix = \"acme_http::Server::bind(addr).serve(app).with_graceful_shutdown(signal)\"\n",
    );
    let run = resilint(d, &args);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("src/main.rs:2:5: error[RES601]"),
        "{}",
        run.stdout
    );
}
