//! Units: what project-level rules judge as a whole. A unit is the folder of a project
//! manifest (a crate's `Cargo.toml`, a Python distribution's `pyproject.toml`, `setup.py` or
//! `setup.cfg`) with every audited file below it that no nearer manifest claims; files under no
//! manifest belong to the scan root's unit. Rules that ask about a *service* (no health route,
//! no metrics) find its services inside a unit and aggregate facts, never re-reading files.

use crate::discover::SourceFile;
use crate::facts::FileFacts;

/// One audited file of a unit, with its facts.
pub struct UnitFile<'a> {
    pub file: &'a SourceFile,
    pub facts: &'a FileFacts,
}

pub struct Unit<'a> {
    /// The unit's folder relative to the scan root, `/`-separated; `""` for the root.
    pub root: &'a str,
    /// Sorted by path.
    pub files: Vec<UnitFile<'a>>,
}

/// The root of the unit that holds the file at `rel`: its nearest enclosing manifest folder.
/// `roots` is sorted (as `Discovery::unit_roots` is).
pub fn unit_of<'r>(rel: &str, roots: &'r [String]) -> &'r str {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Ok(i) = roots.binary_search_by(|r| r.as_str().cmp(parent)) {
            return &roots[i];
        }
        dir = parent;
    }
    ""
}

/// Groups files into units, in the order of their roots; each unit's files keep their order.
pub fn group<'a>(files: Vec<UnitFile<'a>>, roots: &'a [String]) -> Vec<Unit<'a>> {
    let mut by_root: std::collections::BTreeMap<&'a str, Vec<UnitFile<'a>>> = Default::default();
    for f in files {
        by_root
            .entry(unit_of(&f.file.rel, roots))
            .or_default()
            .push(f);
    }
    by_root
        .into_iter()
        .map(|(root, mut files)| {
            files.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
            Unit { root, files }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_belongs_to_its_nearest_manifest_folder() {
        let roots: Vec<String> = ["", "services/api", "services/api/rust", "worker"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unit_of("services/api/app/main.py", &roots), "services/api");
        assert_eq!(
            unit_of("services/api/rust/src/lib.rs", &roots),
            "services/api/rust"
        );
        assert_eq!(unit_of("worker/run.py", &roots), "worker");
        assert_eq!(unit_of("workers/run.py", &roots), "");
        assert_eq!(unit_of("main.py", &roots), "");
        assert_eq!(unit_of("main.py", &[]), "");
    }
}
