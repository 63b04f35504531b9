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
