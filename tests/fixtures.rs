//! Every fixture under `fixtures/` is scanned with all rules, and its inline markers must match
//! the findings exactly: `# expect: RES101` / `// expect: RES101, RES106` at the end of the line
//! where a finding starts. A missing finding and an extra finding both fail.
//!
//! A file directly in a rule's folder is scanned alone; it may carry a config beside it
//! (`name.py` + `name.resilint.toml`). A folder directly in a rule's folder is one project,
//! scanned as a whole (project-level rules judge it), with an optional `resilint.toml` inside;
//! manifests (`pyproject.toml`, `Cargo.toml`, ...) inside it split it into units as in a real scan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use resilint::catalog::Catalog;
use resilint::discover::{self, Discovery, SourceFile};
use resilint::engine::{self, ScanOptions};
use resilint::facts::Lang;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    files_under(dir, &mut all);
    all.retain(|p| Lang::from_path(p).is_some());
    all
}

/// One scan: a single fixture file, or a project folder.
struct Case {
    root: PathBuf,
    files: Vec<PathBuf>,
    config: PathBuf,
}

fn cases() -> Vec<Case> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for lang in ["python", "rust"] {
        let Ok(rules) = std::fs::read_dir(fixtures.join(lang)) else {
            continue;
        };
        let mut rule_dirs: Vec<PathBuf> = rules.map(|e| e.unwrap().path()).collect();
        rule_dirs.sort();
        for rule_dir in rule_dirs {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&rule_dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for entry in entries {
                if entry.is_dir() {
                    cases.push(Case {
                        config: entry.join("resilint.toml"),
                        files: source_files(&entry),
                        root: entry,
                    });
                } else if Lang::from_path(&entry).is_some() {
                    cases.push(Case {
                        root: rule_dir.clone(),
                        config: entry.with_extension("resilint.toml"),
                        files: vec![entry],
                    });
                }
            }
        }
    }
    cases
}

/// (line, rule) pairs a fixture file expects, as a multiset.
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
        for rule in marked_rules(&line[at + marker.len()..]) {
            *out.entry((i as u32 + 1, rule.to_string())).or_insert(0) += 1;
        }
    }
    out
}

/// The rule IDs after a marker: `RES101, RES106 (why)`. The IDs end at the explanation in
/// parentheses or at the next marker (`# ok: RES101  # expect: RES102`).
fn marked_rules(rest: &str) -> Vec<&str> {
    let end = ["(", "#", "//"]
        .iter()
        .filter_map(|stop| rest.find(stop))
        .min()
        .unwrap_or(rest.len());
    rest[..end]
        .split(',')
        .filter_map(|rule| rule.split_whitespace().next())
        .collect()
}

fn options_for(case: &Case) -> ScanOptions {
    let mut opts = ScanOptions::new(case.root.clone());
    if case.config.exists() {
        let config = &case.config;
        let mut loaded =
            resilint::config::load(config).unwrap_or_else(|e| panic!("{}: {e}", config.display()));
        let text = std::fs::read_to_string(config).unwrap();
        let mut catalog = Catalog::builtin();
        resilint::config::extend_catalog(&mut catalog, &mut loaded.options, &text);
        opts.catalog = catalog;
        if let Some(m) = loaded.options.max_timeout_seconds {
            opts.rule_settings.max_timeout_seconds = m;
        }
        let o = &loaded.options;
        let s = &mut opts.rule_settings;
        s.breaker_min_failure_threshold = o
            .breaker_min_failure_threshold
            .unwrap_or(s.breaker_min_failure_threshold);
        s.breaker_min_open_seconds = o
            .breaker_min_open_seconds
            .unwrap_or(s.breaker_min_open_seconds);
        s.breaker_max_open_seconds = o
            .breaker_max_open_seconds
            .unwrap_or(s.breaker_max_open_seconds);
        if let Some(s) = loaded.options.select {
            opts.selection.select = s;
        }
    }
    opts
}

fn discovery_for(case: &Case) -> Discovery {
    let mut others = Vec::new();
    if case.files.len() == 1 && case.files[0].parent() == Some(case.root.as_path()) {
        // A lone file takes the pin files beside it (a fixture project's Cargo.lock).
        others = std::fs::read_dir(&case.root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    } else {
        files_under(&case.root, &mut others);
    }
    let name_of = |p: &PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string()
    };
    let project = case.files.len() != 1 || case.files[0].parent() != Some(case.root.as_path());
    Discovery {
        files: case
            .files
            .iter()
            .map(|path| SourceFile {
                path: path.clone(),
                rel: discover::relative(path, &case.root),
                lang: Lang::from_path(path).unwrap(),
                // Fixtures stand for service code; in-file test marks still apply.
                is_test: false,
            })
            .collect(),
        pin_files: others
            .iter()
            .filter(|p| resilint::versions::is_pin_file(&name_of(p)))
            .cloned()
            .collect(),
        unit_roots: if project {
            let mut roots: Vec<String> = others
                .iter()
                .filter(|p| discover::is_manifest(&name_of(p)))
                .map(|p| {
                    let rel = discover::relative(p, &case.root);
                    rel.rsplit_once('/')
                        .map_or(String::new(), |(d, _)| d.to_string())
                })
                .collect();
            roots.sort();
            roots.dedup();
            roots
        } else {
            Vec::new()
        },
        skipped: Vec::new(),
    }
}

#[test]
fn every_fixture_matches_its_expect_markers() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for case in &cases {
        let opts = options_for(case);
        let discovery = discovery_for(case);
        let result = engine::scan(&discovery, &opts);
        for (path, source) in case.files.iter().zip(&discovery.files) {
            let lang = source.lang;
            let text = std::fs::read_to_string(path).unwrap();
            let expected = expectations(&text, lang);
            let shown = path
                .strip_prefix(manifest)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut actual: BTreeMap<(u32, String), Vec<String>> = BTreeMap::new();
            for f in result
                .findings
                .iter()
                .filter(|f| !f.suppressed && f.path == source.rel)
            {
                actual
                    .entry((f.span.line, f.rule.clone()))
                    .or_default()
                    .push(f.message.clone());
            }
            for (key, n) in &expected {
                let got = actual.get(key).map_or(0, Vec::len);
                if got < *n {
                    failures.push(format!(
                        "{shown}:{}: missing {} (expected {n}, got {got})",
                        key.0, key.1
                    ));
                }
            }
            for (key, messages) in &actual {
                let want = expected.get(key).copied().unwrap_or(0);
                if messages.len() > want {
                    failures.push(format!(
                        "{shown}:{}: unexpected {} \"{}\"",
                        key.0, key.1, messages[want]
                    ));
                }
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

/// Each rule has enough cases both ways, in every language its documentation has examples
/// for: findings (`expect:`) and quiet lines that look tempting (`ok:`) across the fixtures.
/// Timeout rules need 10 of each, other line-level rules 8, project-level rules
/// (judged once per service) 3.
#[test]
fn every_rule_has_positive_and_negative_cases() {
    let mut files = Vec::new();
    files_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    let mut counts: BTreeMap<(String, &str, &str), usize> = BTreeMap::new();
    for path in files.iter().filter(|p| Lang::from_path(p).is_some()) {
        let lang = Lang::from_path(path).unwrap();
        let (expect, ok, lang_name) = match lang {
            Lang::Python => ("# expect:", "# ok:", "python"),
            Lang::Rust => ("// expect:", "// ok:", "rust"),
        };
        for line in std::fs::read_to_string(path).unwrap().lines() {
            for (marker, kind) in [(expect, "expect"), (ok, "ok")] {
                if let Some(at) = line.rfind(marker) {
                    for rule in marked_rules(&line[at + marker.len()..]) {
                        *counts
                            .entry((rule.to_string(), lang_name, kind))
                            .or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let project_level: Vec<&str> = resilint::rules::PROJECT_CHECKS
        .iter()
        .map(|c| c.id())
        .collect();
    let mut missing = Vec::new();
    for rule in resilint::rules::all().iter().filter(|r| r.id != "RES000") {
        let want = if rule.id.starts_with("RES1") {
            10
        } else if project_level.contains(&rule.id.as_str()) {
            3
        } else {
            8
        };
        let mut langs: Vec<&str> = rule
            .examples
            .iter()
            .map(|e| match e.lang {
                Lang::Python => "python",
                Lang::Rust => "rust",
            })
            .collect();
        langs.sort();
        langs.dedup();
        for lang in langs {
            for kind in ["expect", "ok"] {
                let n = counts
                    .get(&(rule.id.clone(), lang, kind))
                    .copied()
                    .unwrap_or(0);
                if n < want {
                    missing.push(format!(
                        "{} {lang}: {n} `{kind}:` cases, want at least {want}",
                        rule.id
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
