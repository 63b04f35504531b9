//! Stamps the binary with a hash of the code that produces per-file facts, so the facts cache
//! is invalidated whenever a front end changes, not only on a version bump.

use std::hash::{Hash, Hasher};

fn main() {
    let mut files = vec!["src/facts.rs".to_string()];
    let mut lang: Vec<String> = std::fs::read_dir("src/lang")
        .expect("src/lang exists")
        .map(|e| {
            e.expect("readable src/lang")
                .path()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    lang.sort();
    files.extend(lang);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
        std::fs::read(f).expect("readable source").hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=RESILINT_FACTS_HASH={:016x}",
        hasher.finish()
    );
}
