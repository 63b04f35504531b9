//! The fuzz targets' seed inputs and every crash reproducer (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`; the front ends' seeds are the fixtures themselves), run through
//! the same code in the normal test suite, so a fixed crash stays fixed without cargo-fuzz.

use std::path::{Path, PathBuf};

use resilint::discover::{Discovery, SourceFile};
use resilint::engine::{scan, ScanOptions};
use resilint::facts::Lang;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.map(|e| e.unwrap().path()) {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every input kept for `target`: its seeds and its crash reproducers.
fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for kind in ["seeds", "regressions"] {
        files_under(&root.join("fuzz").join(kind).join(target), &mut found);
    }
    // The front ends start from the fixtures (`.ci/run` hands them to cargo-fuzz too).
    let fixtures = match target {
        "python_front_end" => Some("python"),
        "rust_front_end" => Some("rust"),
        _ => None,
    };
    if let Some(lang) = fixtures {
        let mut sources = Vec::new();
        files_under(&root.join("fixtures").join(lang), &mut sources);
        found.extend(sources.into_iter().filter(|p| Lang::from_path(p).is_some()));
    }
    found.sort();
    assert!(!found.is_empty(), "no inputs kept for {target}");
    found
}

/// Scans each input as one file of `lang`, the way the fuzz target does; none may end in an
/// internal error (a caught panic).
fn scan_each(target: &str, lang: Lang, ext: &str) {
    let dir = tempfile::tempdir().unwrap();
    for input in inputs(target) {
        let rel = format!("input.{ext}");
        let path = dir.path().join(&rel);
        std::fs::copy(&input, &path).unwrap();
        let discovery = Discovery {
            files: vec![SourceFile {
                path,
                rel,
                lang,
                is_test: false,
            }],
            ..Discovery::default()
        };
        let mut opts = ScanOptions::new(dir.path().to_path_buf());
        opts.include_tests = true;
        for finding in scan(&discovery, &opts).findings {
            assert!(
                !finding.message.contains("internal error"),
                "{}: {}",
                input.display(),
                finding.message
            );
        }
    }
}

#[test]
fn python_front_end_inputs() {
    scan_each("python_front_end", Lang::Python, "py");
}

#[test]
fn rust_front_end_inputs() {
    scan_each("rust_front_end", Lang::Rust, "rs");
}

#[test]
fn config_inputs() {
    for input in inputs("config") {
        let bytes = std::fs::read(&input).unwrap();
        // The fuzz target's first byte chooses the file kind.
        let (flag, text) = bytes.split_first().unwrap();
        let text = std::str::from_utf8(text).unwrap();
        let (name, is_pyproject) = if flag & 1 == 1 {
            ("pyproject.toml", true)
        } else {
            ("resilint.toml", false)
        };
        if let Err(error) = resilint::config::parse(text, name, is_pyproject) {
            assert!(error.message.contains(name), "{}", error.message);
        }
    }
}

#[test]
fn suppression_inputs() {
    for input in inputs("suppressions") {
        let text = std::fs::read_to_string(&input).unwrap();
        let lines = resilint::source::LineIndex::new(&text).line_count();
        for lang in [Lang::Python, Lang::Rust] {
            for s in resilint::suppress::parse(lang, &text) {
                assert!(s.line <= lines + 1, "{}: {s:?}", input.display());
            }
        }
    }
}
