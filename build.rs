//! Stamps the binary with a hash of the code that produces per-file facts, so the facts cache
//! is invalidated whenever a front end changes, not only on a version bump; and lists the rule
//! files under `rules/` so that adding a rule needs no edit to a list in code.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable folder").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let mut facts_code = Vec::new();
    files_under(Path::new("src/facts"), &mut facts_code);
    files_under(Path::new("src/lang"), &mut facts_code);
    facts_code.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for f in &facts_code {
        println!("cargo:rerun-if-changed={}", f.display());
        f.to_string_lossy().hash(&mut hasher);
        std::fs::read(f).expect("readable source").hash(&mut hasher);
    }
    println!("cargo:rerun-if-changed=src/facts");
    println!("cargo:rerun-if-changed=src/lang");
    println!(
        "cargo:rustc-env=RESILINT_FACTS_HASH={:016x}",
        hasher.finish()
    );

    // Rules are keyed by ID (the file stem), catalogs by their path for error messages.
    write_toml_list("rules", &out_dir.join("rule_files.rs"), |p| {
        p.file_stem().and_then(|s| s.to_str()).map(str::to_string)
    });
    write_toml_list("rules/catalog", &out_dir.join("catalog_files.rs"), |p| {
        p.to_str().map(str::to_string)
    });
}

/// Writes `&[(key, include_str!(file)), ..]` for every `*.toml` directly in `dir`, sorted.
fn write_toml_list(dir: &str, out: &Path, key: impl Fn(&Path) -> Option<String>) {
    println!("cargo:rerun-if-changed={dir}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("readable folder").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut list = String::from("&[\n");
    for p in &files {
        let key = key(p).expect("UTF-8 file name");
        list.push_str(&format!(
            "    ({key:?}, include_str!({:?})),\n",
            Path::new(&manifest).join(p).display().to_string()
        ));
    }
    list.push(']');
    std::fs::write(out, list).expect("OUT_DIR is writable");
}
