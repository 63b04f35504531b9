//! `--shard K/N`: a deterministic share of the files, for CI matrices. Project-level rules
//! judge a whole unit (see `project`), so whole units go to one shard: a unit's files, its test
//! files and its walk problems all land together, and `resilint merge` of the N shard reports
//! gives exactly the findings and statistics of one full run.

use std::collections::BTreeMap;

use crate::discover::Discovery;
use crate::project::unit_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (such as 2/4)"))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` in `{text}` is not a shard number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` in `{text}` is not a shard count"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard `{text}`: K must be between 1 and N (shards are numbered 1/{count} to {count}/{count})"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Which shard (0-based) each unit root goes to. Units are placed largest first (by files to
/// audit: test files count only with `include_tests`, since otherwise they are not read) on
/// the least loaded shard, ties to the lower shard and to the smaller root: balanced, and the
/// same on every machine that walks the same tree with the same options.
pub fn assignment(discovery: &Discovery, count: u32, include_tests: bool) -> BTreeMap<String, u32> {
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &discovery.files {
        *sizes
            .entry(unit_of(&f.rel, &discovery.unit_roots))
            .or_default() += usize::from(include_tests || !f.is_test);
    }
    for (path, _) in &discovery.skipped {
        sizes
            .entry(unit_of(path, &discovery.unit_roots))
            .or_default();
    }
    let mut units: Vec<(&str, usize)> = sizes.into_iter().collect();
    units.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut load = vec![0usize; count.max(1) as usize];
    let mut out = BTreeMap::new();
    for (root, size) in units {
        let (shard, _) = load
            .iter()
            .enumerate()
            .min_by_key(|(i, l)| (**l, *i))
            .unwrap_or((0, &0));
        load[shard] += size;
        out.insert(root.to_string(), shard as u32);
    }
    out
}

/// Whether a path (relative to the scan root) belongs to `shard`, given `assignment`. A path
/// in no discovered unit (a baseline entry for a deleted file) goes by a hash of its unit.
pub fn owns(
    shard: Shard,
    assignment: &BTreeMap<String, u32>,
    unit_roots: &[String],
    rel: &str,
) -> bool {
    let unit = unit_of(rel, unit_roots);
    let slot = match assignment.get(unit) {
        Some(s) => *s,
        None => (xxhash_rust::xxh3::xxh3_64(unit.as_bytes()) % u64::from(shard.count)) as u32,
    };
    slot + 1 == shard.index
}

/// Keeps only this shard's files and walk problems. Unit roots and pin files stay: a file's
/// unit and its pinned library versions do not depend on which shard reads it.
/// Returns the assignment, for deciding which other paths (baseline entries) are this shard's.
pub fn apply(
    discovery: &mut Discovery,
    shard: Shard,
    include_tests: bool,
) -> BTreeMap<String, u32> {
    let assignment = assignment(discovery, shard.count, include_tests);
    let roots = discovery.unit_roots.clone();
    discovery
        .files
        .retain(|f| owns(shard, &assignment, &roots, &f.rel));
    discovery
        .skipped
        .retain(|(path, _)| owns(shard, &assignment, &roots, path));
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;
    use crate::facts::Lang;

    fn discovery(files: &[&str], roots: &[&str]) -> Discovery {
        Discovery {
            files: files
                .iter()
                .map(|rel| SourceFile {
                    path: rel.into(),
                    rel: rel.to_string(),
                    lang: Lang::Python,
                    is_test: false,
                })
                .collect(),
            unit_roots: roots.iter().map(|r| r.to_string()).collect(),
            ..Discovery::default()
        }
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/-2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_units_go_to_one_shard_and_every_file_to_exactly_one() {
        let files = [
            "a/x.py", "a/y.py", "a/z.py", "b/x.py", "b/y.py", "c/x.py", "main.py", "lib.py",
        ];
        let d = discovery(&files, &["a", "b", "c"]);
        let a = assignment(&d, 3, false);
        // Largest first on the least loaded shard: a(3) → 0, root(2) → 1, b(2) → 2, c(1) → 1.
        assert_eq!(a["a"], 0);
        assert_eq!(a[""], 1);
        assert_eq!(a["b"], 2);
        assert_eq!(a["c"], 1);
        let mut seen = Vec::new();
        for k in 1..=3 {
            let mut part = discovery(&files, &["a", "b", "c"]);
            apply(&mut part, Shard { index: k, count: 3 }, false);
            seen.extend(part.files.into_iter().map(|f| f.rel));
        }
        seen.sort();
        let mut all: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        all.sort();
        assert_eq!(seen, all);
    }
}
