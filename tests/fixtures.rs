//! Every file under `fixtures/` is scanned with all rules, and its inline markers must match
//! the findings exactly: `# expect: RES101` / `// expect: RES101, RES106` at the end of the line
//! where a finding starts. A missing finding and an extra finding both fail.
//! A fixture may carry a config beside it: `name.py` + `name.resilint.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use resilint::catalog::Catalog;
use resilint::discover::{Discovery, SourceFile};
use resilint::engine::{self, RuleSelection, ScanOptions};
use resilint::facts::Lang;

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixture_files(&p, out);
        } else if Lang::from_path(&p).is_some() {
            out.push(p);
        }
    }
}

/// (line, rule) pairs the fixture expects, as a multiset.
fn expectations(text: &str, lang: Lang) -> BTreeMap<(u32, String), usize> {
    let marker = match lang {
        Lang::Python => "# expect:",
        Lang::Rust => "// expect:",
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.rfind(marker) else {
            continue;
        };
        for rule in line[at + marker.len()..].split(',') {
            let rule = rule.split_whitespace().next().unwrap_or("");
            if !rule.is_empty() {
                *out.entry((i as u32 + 1, rule.to_string())).or_insert(0) += 1;
            }
        }
    }
    out
}

fn options_for(fixture: &Path) -> ScanOptions {
    let config = fixture.with_extension("resilint.toml");
    let mut catalog = Catalog::builtin();
    let mut max_timeout = 300.0;
    let mut select = vec!["ALL".to_string()];
    if config.exists() {
        let mut loaded =
            resilint::config::load(&config).unwrap_or_else(|e| panic!("{}: {e}", config.display()));
        let text = std::fs::read_to_string(&config).unwrap();
        resilint::config::extend_catalog(&mut catalog, &mut loaded.options, &text);
        if let Some(m) = loaded.options.max_timeout_seconds {
            max_timeout = m;
        }
        if let Some(s) = loaded.options.select {
            select = s;
        }
    }
    ScanOptions {
        root: fixture.parent().unwrap().to_path_buf(),
        jobs: 1,
        include_tests: false,
        max_file_size: resilint::DEFAULT_MAX_FILE_SIZE,
        selection: RuleSelection {
            select,
            ignore: Vec::new(),
        },
        severity: BTreeMap::new(),
        per_path_ignores: Vec::new(),
        rule_settings: resilint::rules::RuleSettings {
            max_timeout_seconds: max_timeout,
        },
        catalog,
    }
}

#[test]
fn every_fixture_matches_its_expect_markers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    assert!(
        !files.is_empty(),
        "no fixtures found under {}",
        root.display()
    );
    let mut failures = Vec::new();
    for path in &files {
        let lang = Lang::from_path(path).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expectations(&text, lang);
        let opts = options_for(path);
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let discovery = Discovery {
            files: vec![SourceFile {
                path: path.clone(),
                rel: rel.clone(),
                lang,
                // Fixtures stand for service code; in-file test marks still apply.
                is_test: false,
            }],
            // Pin files beside a fixture (a fixture project's Cargo.lock) select versions.
            pin_files: std::fs::read_dir(path.parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(resilint::versions::is_pin_file)
                })
                .collect(),
            skipped: Vec::new(),
        };
        let result = engine::scan(&discovery, &opts);
        let mut actual: BTreeMap<(u32, String), Vec<String>> = BTreeMap::new();
        for f in result.findings.iter().filter(|f| !f.suppressed) {
            actual
                .entry((f.span.line, f.rule.clone()))
                .or_default()
                .push(f.message.clone());
        }
        for (key, n) in &expected {
            let got = actual.get(key).map_or(0, Vec::len);
            if got < *n {
                failures.push(format!(
                    "{rel}:{}: missing {} (expected {n}, got {got})",
                    key.0, key.1
                ));
            }
        }
        for (key, messages) in &actual {
            let want = expected.get(key).copied().unwrap_or(0);
            if messages.len() > want {
                failures.push(format!(
                    "{rel}:{}: unexpected {} \"{}\"",
                    key.0, key.1, messages[want]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Each timeout rule has enough cases both ways: at least 10 findings and 10 quiet lines
/// marked `ok:` across the fixtures of the languages it applies to.
#[test]
fn timeout_rules_have_positive_and_negative_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    let mut counts: BTreeMap<(String, &str, &str), usize> = BTreeMap::new();
    for path in &files {
        let lang = Lang::from_path(path).unwrap();
        let (expect, ok, lang_name) = match lang {
            Lang::Python => ("# expect:", "# ok:", "python"),
            Lang::Rust => ("// expect:", "// ok:", "rust"),
        };
        for line in std::fs::read_to_string(path).unwrap().lines() {
            for (marker, kind) in [(expect, "expect"), (ok, "ok")] {
                if let Some(at) = line.rfind(marker) {
                    for rule in line[at + marker.len()..].split(',') {
                        let rule = rule.split_whitespace().next().unwrap_or("").to_string();
                        *counts.entry((rule, lang_name, kind)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut missing = Vec::new();
    for rule in ["RES101", "RES102", "RES103", "RES104", "RES105", "RES106"] {
        for lang in ["python", "rust"] {
            for kind in ["expect", "ok"] {
                let n = counts
                    .get(&(rule.to_string(), lang, kind))
                    .copied()
                    .unwrap_or(0);
                if n < 10 {
                    missing.push(format!(
                        "{rule} {lang}: {n} `{kind}:` cases, want at least 10"
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
