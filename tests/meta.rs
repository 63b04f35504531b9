//! The three places a rule lives cannot drift apart: its `rules/<ID>.toml`, its check in
//! `src/rules/`, its fixtures; and the README's rule table lists it.

use std::path::Path;

#[test]
fn every_rule_has_docs_a_check_fixtures_and_a_readme_row() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let checks: Vec<&str> = resilint::rules::CHECKS
        .iter()
        .map(|c| c.id())
        .chain(resilint::rules::PROJECT_CHECKS.iter().map(|c| c.id()))
        .collect();
    let mut problems = Vec::new();
    for rule in resilint::rules::all() {
        if !readme.contains(&format!("| {} | {} |", rule.id, rule.name)) {
            problems.push(format!("{}: no row in the README's rule table", rule.id));
        }
        if rule.examples.len() < 2 {
            problems.push(format!(
                "{}: needs bad/good examples for Python and Rust",
                rule.id
            ));
        }
        if rule.id == "RES000" {
            continue;
        }
        if !checks.contains(&rule.id.as_str()) {
            problems.push(format!("{}: has a TOML but no check in src/rules", rule.id));
        }
        let has_fixture = ["python", "rust"]
            .iter()
            .any(|l| root.join("fixtures").join(l).join(&rule.id).is_dir());
        if !has_fixture {
            problems.push(format!(
                "{}: no fixtures/<lang>/{} folder",
                rule.id, rule.id
            ));
        }
    }
    for id in &checks {
        if resilint::rules::meta(id).is_none() {
            problems.push(format!("{id}: has a check but no rules/{id}.toml"));
        }
    }
    let ids: Vec<&str> = resilint::rules::all()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let mut sorted = ids.clone();
    sorted.dedup();
    assert_eq!(ids.len(), sorted.len(), "duplicate rule IDs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_toml_files_on_disk_are_all_compiled_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let id = path.file_stem().unwrap().to_string_lossy().to_string();
            assert!(
                resilint::rules::meta(&id).is_some(),
                "rules/{id}.toml is not compiled in"
            );
        }
    }
}
