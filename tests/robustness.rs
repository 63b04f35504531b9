//! Broken, hostile and odd inputs: each becomes a RES000 note (or is skipped), never a panic
//! and never exit 2, and a good file scanned beside it still gets its findings.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

const GOOD_PY: &str = "import requests\n\nrequests.get(url)\n";

struct Scan {
    code: i32,
    stdout: String,
    doc: Value,
}

/// Runs `resilint check --no-config --format FORMAT ARGS` in `dir` and checks it neither
/// panicked nor gave up.
fn scan_as(dir: &Path, format: &str, args: &[&str]) -> Scan {
    let out = cargo_bin_cmd!("resilint")
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .args(["check", "--no-config", "--format", format])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {stderr}"));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc = if format == "json" {
        serde_json::from_str(&stdout).unwrap()
    } else {
        Value::Null
    };
    Scan { code, stdout, doc }
}

fn scan(dir: &Path, args: &[&str]) -> Scan {
    scan_as(dir, "json", args)
}

impl Scan {
    fn findings(&self, path: &str) -> Vec<&Value> {
        let all = self.doc["findings"].as_array().unwrap();
        for f in all {
            let message = f["message"].as_str().unwrap();
            assert!(
                !message.contains("internal error"),
                "a panic was caught: {f}"
            );
        }
        all.iter().filter(|f| f["path"] == path).collect()
    }

    /// The one RES000 note on `path`; returns its message.
    fn note(&self, path: &str) -> String {
        let found = self.findings(path);
        assert_eq!(found.len(), 1, "{path}: {:#}", self.doc);
        assert_eq!(found[0]["rule"], "RES000");
        assert_eq!(found[0]["severity"], "note");
        found[0]["message"].as_str().unwrap().to_string()
    }

    /// The good file beside the bad one still has its finding, so the scan fails on it.
    fn good_file_still_audited(&self) {
        let good = self.findings("good.py");
        assert_eq!(good.len(), 1, "{:#}", self.doc);
        assert_eq!(
            (good[0]["rule"].as_str(), good[0]["line"].as_u64()),
            (Some("RES101"), Some(3))
        );
        assert_eq!(self.code, 1);
    }
}

/// Scans `good.py` beside `name` holding `bytes`; returns the note on `name`.
fn note_beside_good_file(name: &str, bytes: impl AsRef<[u8]>) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", GOOD_PY);
    write(dir.path(), name, bytes);
    let result = scan(dir.path(), &[]);
    result.good_file_still_audited();
    let note = result.note(name);
    // The terminal report copes with it as well, and nothing binary reaches the terminal.
    let text = scan_as(dir.path(), "text", &["--color", "never"]);
    assert!(
        text.stdout.contains("RES000") && text.stdout.contains(name),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains('\0'));
    assert!(
        text.stdout.len() < 20_000,
        "text report is {} bytes",
        text.stdout.len()
    );
    note
}

#[test]
fn python_syntax_error() {
    let note = note_beside_good_file(
        "bad.py",
        "import requests\n\ndef f(:\n    requests.get(url\n",
    );
    assert!(note.contains("syntax"), "{note}");
}

#[test]
fn rust_syntax_error() {
    let note = note_beside_good_file(
        "bad.rs",
        "fn main( {\n    let c = reqwest::Client::new();\n",
    );
    assert!(note.contains("syntax"), "{note}");
}

#[test]
fn invalid_utf8() {
    let note = note_beside_good_file("latin1.py", b"# caf\xe9\nx = '\xff\xfe'\n");
    assert!(note.contains("UTF-8"), "{note}");
}

#[test]
fn nul_byte() {
    let note = note_beside_good_file("nul.py", b"import requests\x00\nrequests.get(url)\n");
    assert!(note.contains("NUL"), "{note}");
}

#[test]
fn ten_megabyte_single_line_file() {
    let mut big = String::from("import requests; x = [");
    while big.len() < 10_000_000 {
        big.push_str("requests.get(u), ");
    }
    big.push_str("]\n");
    let note = note_beside_good_file("minified.py", &big);
    assert!(note.contains("size limit"), "{note}");
}

#[test]
fn a_long_line_under_the_limit_is_cut_in_the_text_report() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!(
        "import requests\nx = \"{}\"; requests.get(url)\n",
        "a".repeat(1_000_000)
    );
    write(dir.path(), "long.py", &line);
    let result = scan(dir.path(), &[]);
    let found = result.findings("long.py");
    assert_eq!(found.len(), 1, "{:#}", result.doc);
    assert_eq!(found[0]["rule"], "RES101");
    assert_eq!(found[0]["column"], 1_000_009);
    let text = scan_as(dir.path(), "text", &["--color", "never"]);
    assert!(text.stdout.contains("requests.get(url)"), "{}", text.stdout);
    assert!(
        text.stdout.contains("[long.py:2:1000009]"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.len() < 20_000,
        "text report is {} bytes",
        text.stdout.len()
    );
}

#[test]
fn deep_nesting_in_python() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let note = note_beside_good_file("deep.py", deep);
    assert!(note.contains("nested"), "{note}");
}

#[test]
fn deep_nesting_in_rust() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
        let deep = format!(
            "fn main() {{ let _x = {}1{}; }}\n",
            open.repeat(5000),
            close.repeat(5000)
        );
        let note = note_beside_good_file("deep.rs", deep);
        assert!(note.contains("nested"), "{open}: {note}");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.py", GOOD_PY);
    symlink("loop_b.py", d.join("loop_a.py")).unwrap();
    symlink("loop_a.py", d.join("loop_b.py")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink("..", d.join("sub/up")).unwrap();
    symlink("sub", d.join("sub/self")).unwrap();
    let walked = scan(d, &[]);
    walked.good_file_still_audited();
    assert_eq!(
        walked.doc["findings"].as_array().unwrap().len(),
        1,
        "{:#}",
        walked.doc
    );

    // Named on the command line, the loop is a note.
    let named = scan(d, &["loop_a.py", "good.py", "sub"]);
    named.good_file_still_audited();
    assert!(named.note("loop_a.py").contains("symbolic links"));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.py", GOOD_PY);
    write(d, "secret.py", GOOD_PY);
    let secret = d.join("secret.py");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root (as in CI) reads the file all the same; then it is simply audited.
    let readable = std::fs::File::open(&secret).is_ok();
    let result = scan(d, &[]);
    result.good_file_still_audited();
    if readable {
        assert_eq!(result.findings("secret.py")[0]["rule"], "RES101");
    } else {
        assert!(result.note("secret.py").contains("cannot read"));
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_directory_named_like_a_source_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.py", GOOD_PY);
    write(d, "x.py/inner.py", GOOD_PY);
    write(d, "y.rs/.keep", "");
    let result = scan(d, &[]);
    result.good_file_still_audited();
    assert!(result.findings("x.py").is_empty());
    assert_eq!(result.findings("x.py/inner.py").len(), 1);
    let named = scan(d, &["x.py", "good.py"]);
    named.good_file_still_audited();
    assert_eq!(named.findings("x.py/inner.py").len(), 1);
}

/// Each odd-but-valid file has its one RES101 at (line, column).
#[test]
fn line_endings_bom_tabs_and_form_feeds() {
    let cases: &[(&str, &[u8], u64, u64)] = &[
        (
            "crlf.py",
            b"import requests\r\n\r\nrequests.get(url)\r\n",
            3,
            1,
        ),
        ("cr.py", b"import requests\r\rrequests.get(url)\r", 3, 1),
        (
            "mixed.py",
            b"import requests\r\n\n\rrequests.get(url)\n",
            4,
            1,
        ),
        (
            "bom.py",
            b"\xef\xbb\xbfimport requests\nrequests.get(url)\n",
            2,
            1,
        ),
        (
            "tabs.py",
            b"import requests\nif True:\n\trequests.get(url)\n",
            3,
            2,
        ),
        (
            "formfeed.py",
            b"import requests\n\x0c\nrequests.get(url)\n",
            3,
            1,
        ),
        (
            "crlf.rs",
            b"fn f() {\r\n\r\n    let _c = reqwest::Client::new();\r\n}\r\n",
            3,
            14,
        ),
        (
            "bom.rs",
            b"\xef\xbb\xbf\n\tfn f() { let _c = reqwest::Client::new(); }\n",
            2,
            20,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, _, _) in cases {
        write(dir.path(), name, bytes);
    }
    let result = scan(dir.path(), &[]);
    for (name, _, line, col) in cases {
        let found = result.findings(name);
        assert_eq!(found.len(), 1, "{name}: {:#}", result.doc);
        assert_eq!(found[0]["rule"], "RES101", "{name}");
        assert_eq!(
            (
                found[0]["line"].as_u64().unwrap(),
                found[0]["column"].as_u64().unwrap()
            ),
            (*line, *col),
            "{name}"
        );
        let snippet = found[0]["snippet"].as_str().unwrap();
        assert!(
            !snippet.contains(['\r', '\n', '\u{feff}']),
            "{name}: {snippet:?}"
        );
    }
    // The terminal report puts the label on the same source line.
    let text = scan_as(dir.path(), "text", &["--color", "never"]);
    assert!(text.stdout.contains("[cr.py:3:1]"), "{}", text.stdout);
    assert!(text.stdout.contains("[bom.py:2:1]"), "{}", text.stdout);
}

#[test]
fn a_file_deleted_between_discovery_and_read() {
    use resilint::discover::{discover, WalkOptions};
    use resilint::engine::{scan, ScanOptions};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.py", GOOD_PY);
    write(d, "gone.py", GOOD_PY);
    let found = discover(
        &[d.to_path_buf()],
        &WalkOptions {
            root: d,
            respect_ignore: true,
            exclude: &[],
        },
    );
    assert_eq!(found.files.len(), 2);
    std::fs::remove_file(d.join("gone.py")).unwrap();
    let result = scan(&found, &ScanOptions::new(d.to_path_buf()));
    let seen: Vec<(&str, &str, &str)> = result
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.rule.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!((seen[0].0, seen[0].1), ("gone.py", "RES000"));
    assert!(seen[0].2.contains("cannot read"), "{}", seen[0].2);
    assert_eq!((seen[1].0, seen[1].1), ("good.py", "RES101"));
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.py", GOOD_PY);
    // Two Latin-1 names that a lossy conversion would both turn into `caf�.py`.
    for name in [&b"caf\xe9.py"[..], b"caf\xe8.py"] {
        std::fs::write(d.join(std::ffi::OsStr::from_bytes(name)), GOOD_PY).unwrap();
    }
    std::fs::create_dir(d.join(std::ffi::OsStr::from_bytes(b"pkg\xff"))).unwrap();
    std::fs::write(
        d.join(std::ffi::OsStr::from_bytes(b"pkg\xff"))
            .join("lib.rs"),
        "fn f() { let _c = reqwest::Client::new(); }\n",
    )
    .unwrap();
    let result = scan(d, &[]);
    result.good_file_still_audited();
    for path in ["caf\\xE8.py", "caf\\xE9.py", "pkg\\xFF/lib.rs"] {
        let found = result.findings(path);
        assert_eq!(found.len(), 1, "{path}: {:#}", result.doc);
        assert_eq!(found[0]["rule"], "RES101", "{path}");
    }
    for format in ["text", "concise", "github"] {
        let out = scan_as(d, format, &["--color", "never"]);
        assert!(
            out.stdout.contains("caf\\xE9.py"),
            "{format}: {}",
            out.stdout
        );
    }
    let sarif = scan_as(d, "sarif", &[]);
    let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let uris: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        ["caf%E8.py", "caf%E9.py", "good.py", "pkg%FF/lib.rs"],
        "the URIs name the real bytes"
    );
}

/// Indentation Python reads in its own way: tabs mixed with spaces, a form feed before the
/// indent (Python resets the column there), a form feed inside a Rust item. Each file is
/// either audited (its RES101 on the right line) or gets one RES000 note; nothing else.
#[test]
fn tabs_and_form_feeds_in_indentation() {
    let cases: &[(&str, &[u8], u64)] = &[
        (
            "tab_after_spaces.py",
            b"import requests\nif True:\n        x = 1\n\trequests.get(url)\n",
            4,
        ),
        (
            "space_after_tab.py",
            b"import requests\ndef f():\n\tif x:\n\t    requests.get(url)\n",
            4,
        ),
        (
            "formfeed_indent.py",
            b"import requests\ndef f():\n\x0c    requests.get(url)\n",
            3,
        ),
        (
            "formfeed_mid_line.py",
            b"import requests\ndef f():\n    x = 1 \x0c\n    requests.get(url)\n",
            4,
        ),
        (
            "formfeed.rs",
            b"fn f() {\x0c\n\x0c\tlet _c = reqwest::Client::new();\n}\n",
            2,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.py", GOOD_PY);
    for (name, bytes, _) in cases {
        write(dir.path(), name, bytes);
    }
    let result = scan(dir.path(), &[]);
    result.good_file_still_audited();
    for (name, _, line) in cases {
        let found = result.findings(name);
        assert_eq!(found.len(), 1, "{name}: {:#}", result.doc);
        match found[0]["rule"].as_str() {
            Some("RES101") => assert_eq!(found[0]["line"].as_u64(), Some(*line), "{name}"),
            Some("RES000") => assert_eq!(found[0]["severity"], "note", "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// Deep syntax trees without deep brackets: chains of prefix operators, nested generic types,
/// closures returning closures, long operator chains. Each is a note, never a stack overflow.
#[test]
fn deep_trees_without_deep_brackets() {
    let n = 5000;
    let rust = [
        format!("type T = {}u8;", "&".repeat(n)),
        format!("type T = {}u8;", "*const ".repeat(n)),
        format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n)),
        format!("type T = {}u8{};", "Result<u8, ".repeat(n), ">".repeat(n)),
        format!("fn main() {{ let _x = {}1; }}", "|a, b| ".repeat(n)),
        format!("fn main() {{ let _x = {}1; }}", "|| ".repeat(n)),
        format!("fn main() {{ let _x = {}y; }}", "!".repeat(n)),
        // Chains that syn builds in a loop, into a tree as deep as the chain.
        format!("fn main() {{ let _x = y{}; }}", ".a()".repeat(4 * n)),
        format!("fn main() {{ let _x = y{}; }}", " + y".repeat(4 * n)),
        format!("fn main() {{ if a {{}} {} }}", "else if a {} ".repeat(n)),
    ];
    for text in rust {
        let note = note_beside_good_file("deep.rs", &text);
        assert!(note.contains("nested"), "{}: {note}", &text[..40]);
    }
    let python = [
        format!("x = {}y\n", "not ".repeat(n)),
        format!("x = {}y\n", "-".repeat(n)),
        format!("x = {}y\n", "lambda: ".repeat(n)),
        format!("x = y{}\n", " + y".repeat(n)),
        format!("x = y{}\n", ".a".repeat(n)),
        format!("x = y{}\n", "()".repeat(n)),
        format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = {}{}\n", "{".repeat(n), "}".repeat(n)),
        format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
    ];
    for text in python {
        let note = note_beside_good_file("deep.py", &text);
        assert!(note.contains("nested"), "{}: {note}", &text[..40]);
    }
}

/// Reports are written to a temporary file beside the target and renamed into place: a run
/// killed at any moment leaves either no report or a complete one, never a truncated one.
#[cfg(unix)]
#[test]
fn a_killed_run_never_leaves_a_truncated_sarif() {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Enough findings for a SARIF file of a few megabytes, so writing it takes a while.
    let calls: String = (0..100).map(|i| format!("requests.get(u{i})\n")).collect();
    for i in 0..30 {
        write(
            d,
            &format!("src/m{i}.py"),
            format!("import requests\n{calls}"),
        );
    }
    let out_dir = d.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let report = out_dir.join("report.sarif");
    let start_run = || {
        Command::new(env!("CARGO_BIN_EXE_resilint"))
            .current_dir(d)
            .args(["check", "--no-config", "--no-cache", "--format", "concise"])
            .arg("--output")
            .arg(format!("sarif={}", report.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let complete = |why: &str| {
        let text = std::fs::read_to_string(&report).unwrap();
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{why}: truncated or invalid SARIF ({e})"));
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 3_000);
    };

    let clock = Instant::now();
    assert!(start_run().wait().unwrap().success() || report.exists());
    let full = clock.elapsed();
    complete("a full run");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&report).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o644,
        "the report is readable like any written file"
    );
    std::fs::remove_file(&report).unwrap();

    // Kill at points spread over the run, most of them late, where the report is written; a
    // loaded machine stretches runs unevenly, so sweep again, shifted, until a kill has landed
    // mid-write (at most four sweeps).
    let mut killed_mid_write = 0;
    const KILLS: u32 = 10;
    let mut kills = 0;
    for step in 0..KILLS * 4 {
        if step >= KILLS && step % KILLS == 0 && killed_mid_write > 0 {
            break;
        }
        kills += 1;
        let sweep = f64::from(step / KILLS);
        let at =
            full.mul_f64(0.4 + 0.7 * f64::from(step % KILLS) / f64::from(KILLS) + 0.017 * sweep);
        let mut child = start_run();
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "report.sarif")
            .collect();
        if !leftovers.is_empty() {
            killed_mid_write += 1;
            for name in &leftovers {
                let name = name.to_string_lossy();
                assert!(name.starts_with(".report.sarif."), "{name}");
            }
            for name in leftovers {
                std::fs::remove_file(out_dir.join(name)).unwrap();
            }
        }
        if report.exists() {
            complete(&format!("killed after {at:?}"));
            std::fs::remove_file(&report).unwrap();
        }
    }
    eprintln!("{killed_mid_write} of {kills} runs were killed while writing (full run: {full:?})");
    assert!(
        killed_mid_write > 0,
        "no run was killed while writing its report; full run took {full:?}"
    );
}

/// A progress bar would corrupt a piped report or a CI log: piped runs print nothing but the
/// report, whatever the size of the scan.
#[test]
fn piped_runs_print_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..400 {
        write(d, &format!("pkg/m{i}.py"), GOOD_PY);
    }
    let out = cargo_bin_cmd!("resilint")
        .current_dir(d)
        .env_remove("CI")
        .args(["check", "--no-config", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 400);
}

/// On a terminal (a pseudo-terminal from `script`, where available) the bar shows on standard
/// error, and `CI` or `--quiet` turn it off.
#[cfg(unix)]
#[test]
fn a_terminal_shows_progress_unless_in_ci_or_quiet() {
    use std::process::Command;
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped: no `script` command to give the run a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..400 {
        write(d, &format!("pkg/m{i}.py"), GOOD_PY);
    }
    let on_terminal = |ci: Option<&str>, extra: &str| {
        let command = format!(
            "{} check --no-config --no-cache --format concise --fail-on never {extra} 2>&1 >/dev/null",
            env!("CARGO_BIN_EXE_resilint")
        );
        let mut script = Command::new("script");
        script
            .current_dir(d)
            .env_remove("CI")
            .args(["-qec", &command, "/dev/null"]);
        if let Some(value) = ci {
            script.env("CI", value);
        }
        let out = script.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(on_terminal(None, "").contains("scanning"));
    assert!(!on_terminal(Some("true"), "").contains("scanning"));
    assert!(!on_terminal(None, "--quiet").contains("scanning"));
}
