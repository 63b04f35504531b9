//! resilint's RES101/RES102 findings on other linters' own timeout fixtures (bandit's and
//! pylint's, fetched by `../shared/peers/setup.sh` into `RESILINT_PEERS_DIR`) must match the
//! expectations beside them exactly. `.ci/run` fetches them; elsewhere the test says it skipped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use resilint::discover::{Discovery, SourceFile};
use resilint::engine::{self, ScanOptions};
use resilint::facts::Lang;

fn peers_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RESILINT_PEERS_DIR").map(PathBuf::from)?;
    dir.is_dir().then_some(dir)
}

#[test]
fn peer_timeout_fixtures_match_expectations() {
    let Some(dir) = peers_dir() else {
        eprintln!("RESILINT_PEERS_DIR is not set: peer fixtures not checked (run ../shared/peers/setup.sh)");
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut expects: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
        .collect();
    expects.sort();
    for expect in expects {
        let source = expect.with_extension("");
        if !source.exists() {
            continue;
        }
        let wanted: BTreeSet<(u32, String)> = std::fs::read_to_string(&expect)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (line, rule) = l.split_once(' ').unwrap();
                (line.parse().unwrap(), rule.trim().to_string())
            })
            .collect();
        let mut opts = ScanOptions::new(dir.clone());
        opts.include_tests = true;
        opts.selection.select = vec!["RES101".into(), "RES102".into()];
        let name = source.file_name().unwrap().to_string_lossy().to_string();
        let discovery = Discovery {
            files: vec![SourceFile {
                path: source.clone(),
                rel: name.clone(),
                lang: Lang::Python,
                is_test: false,
            }],
            ..Discovery::default()
        };
        let got: BTreeSet<(u32, String)> = engine::scan(&discovery, &opts)
            .findings
            .iter()
            .map(|f| (f.span.line, f.rule.clone()))
            .collect();
        for missing in wanted.difference(&got) {
            failures.push(format!("{name}:{}: missing {}", missing.0, missing.1));
        }
        for extra in got.difference(&wanted) {
            failures.push(format!("{name}:{}: unexpected {}", extra.0, extra.1));
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "expected bandit's and pylint's fixtures in {}",
        dir.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
