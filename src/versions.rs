//! The library versions a project pins (lock files, requirements, manifests), so that catalog
//! defaults that changed between versions are applied as the project will see them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(Vec<u64>);

impl Version {
    /// Reads the leading numeric part: `8.1.0`, `2.0.0rc1` → 2.0.0, `v3` → 3.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches('v');
        let mut parts = Vec::new();
        for piece in text.split('.') {
            let digits: String = piece.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                break;
            }
            parts.push(digits.parse().ok()?);
            if digits.len() != piece.len() {
                break;
            }
        }
        (!parts.is_empty()).then_some(Version(parts))
    }

    fn cmp_padded(&self, other: &Version) -> std::cmp::Ordering {
        let n = self.0.len().max(other.0.len());
        let get = |v: &Version, i: usize| v.0.get(i).copied().unwrap_or(0);
        (0..n)
            .map(|i| get(self, i).cmp(&get(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|p| p.to_string()).collect();
        f.write_str(&parts.join("."))
    }
}

/// A conjunction of comparisons: `">=2, <3"`.
pub struct VersionReq(Vec<(Op, Version)>);

#[derive(Clone, Copy)]
enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl VersionReq {
    pub fn parse(text: &str) -> Option<VersionReq> {
        let mut out = Vec::new();
        for clause in text.split(',') {
            let clause = clause.trim();
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("==", Op::Eq),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(p, op)| clause.strip_prefix(p).map(|r| (*op, r)))?;
            out.push((op, Version::parse(rest)?));
        }
        Some(VersionReq(out))
    }

    pub fn matches(&self, v: &Version) -> bool {
        use std::cmp::Ordering::*;
        self.0.iter().all(|(op, bound)| {
            let o = v.cmp_padded(bound);
            match op {
                Op::Ge => o != Less,
                Op::Gt => o == Greater,
                Op::Le => o != Greater,
                Op::Lt => o == Less,
                Op::Eq => o == Equal,
            }
        })
    }
}

/// Package name → the version the project will run (exact pin or lowest allowed).
#[derive(Debug, Clone, Default)]
pub struct Pins(HashMap<String, Version>);

impl Pins {
    pub fn get(&self, package: &str) -> Option<Version> {
        self.0.get(&normalise(package)).cloned()
    }

    fn insert(&mut self, package: &str, version: Version, exact: bool) {
        let key = normalise(package);
        if exact {
            self.0.insert(key, version);
        } else {
            self.0.entry(key).or_insert(version);
        }
    }
}

/// One file's pins in the order it gives them: (package, version, exact).
#[derive(Default)]
struct PinList(Vec<(String, Version, bool)>);

impl PinList {
    fn insert(&mut self, package: &str, version: Version, exact: bool) {
        self.0.push((package.to_string(), version, exact));
    }
}

fn normalise(package: &str) -> String {
    package.trim().to_ascii_lowercase().replace('_', "-")
}

/// File names that carry pins.
pub fn is_pin_file(name: &str) -> bool {
    matches!(
        name,
        "Cargo.lock" | "Cargo.toml" | "uv.lock" | "poetry.lock" | "pyproject.toml" | "Pipfile.lock"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// Pins by directory; a source file takes the pins of its nearest directory that has any.
#[derive(Debug, Default)]
pub struct PinIndex(BTreeMap<PathBuf, Pins>);

impl PinIndex {
    /// Reads pin files; unreadable or malformed ones are passed over (they are not the audit's subject).
    /// Files are read and parsed in parallel (a workspace of crates has hundreds of lock files),
    /// and their pins applied in order.
    pub fn read(files: &[PathBuf]) -> PinIndex {
        // Lock files first so that their exact versions win over manifest ranges.
        let mut sorted: Vec<&PathBuf> = files.iter().collect();
        sorted.sort_by_key(|p| (!is_lock(p), (*p).clone()));
        let read: Vec<Option<PinList>> = sorted
            .par_iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).ok()?;
                let mut pins = PinList::default();
                read_pins(path, &text, &mut pins);
                Some(pins)
            })
            .collect();
        let mut index = PinIndex::default();
        for (path, pins) in sorted.iter().zip(read) {
            let Some(pins) = pins else { continue };
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            let into = index.0.entry(dir).or_default();
            for (package, version, exact) in pins.0 {
                into.insert(&package, version, exact);
            }
        }
        index
    }

    /// The pins of the nearest folder above the file that has any.
    pub fn for_file(&self, file: &Path) -> &Pins {
        static NONE: std::sync::LazyLock<Pins> = std::sync::LazyLock::new(Pins::default);
        let mut dir = file.parent();
        while let Some(d) = dir {
            if let Some(p) = self.0.get(d) {
                return p;
            }
            dir = d.parent();
        }
        &NONE
    }
}

fn is_lock(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".lock")
}

fn read_pins(path: &Path, text: &str, pins: &mut PinList) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        "Cargo.lock" | "uv.lock" | "poetry.lock" => {
            // Read into the two fields wanted: a lock file is mostly dependency lists and
            // checksums, which are then skipped rather than built.
            #[derive(serde::Deserialize)]
            struct Lock {
                #[serde(default)]
                package: Vec<LockedPackage>,
            }
            #[derive(serde::Deserialize)]
            struct LockedPackage {
                name: Option<toml::Value>,
                version: Option<toml::Value>,
            }
            let Ok(lock) = toml::from_str::<Lock>(text) else {
                return;
            };
            for pkg in &lock.package {
                let name = pkg.name.as_ref().and_then(|n| n.as_str());
                let version = pkg
                    .version
                    .as_ref()
                    .and_then(|v| v.as_str())
                    .and_then(Version::parse);
                if let (Some(n), Some(v)) = (name, version) {
                    pins.insert(n, v, true);
                }
            }
        }
        "Pipfile.lock" => {
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
                return;
            };
            for section in ["default", "develop"] {
                for (n, spec) in doc[section].as_object().into_iter().flatten() {
                    if let Some(v) = spec["version"].as_str().and_then(spec_version) {
                        pins.insert(n, v, true);
                    }
                }
            }
        }
        "Cargo.toml" => {
            let Ok(doc) = text.parse::<toml::Table>() else {
                return;
            };
            for table in ["dependencies", "dev-dependencies"] {
                for (n, spec) in doc
                    .get(table)
                    .and_then(|d| d.as_table())
                    .into_iter()
                    .flatten()
                {
                    let req = spec
                        .as_str()
                        .or_else(|| spec.get("version").and_then(|v| v.as_str()));
                    if let Some(v) = req.and_then(spec_version) {
                        pins.insert(n, v, false);
                    }
                }
            }
        }
        "pyproject.toml" => {
            let Ok(doc) = text.parse::<toml::Table>() else {
                return;
            };
            let project_deps = doc
                .get("project")
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_array());
            for dep in project_deps
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str())
            {
                if let Some((n, v)) = requirement(dep) {
                    pins.insert(&n, v, false);
                }
            }
            let poetry = doc
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_table());
            for (n, spec) in poetry.into_iter().flatten() {
                let req = spec
                    .as_str()
                    .or_else(|| spec.get("version").and_then(|v| v.as_str()));
                if let Some(v) = req.and_then(spec_version) {
                    pins.insert(n, v, false);
                }
            }
        }
        _ => {
            for line in text.lines() {
                if let Some((n, v)) = requirement(line) {
                    pins.insert(&n, v, line.contains("=="));
                }
            }
        }
    }
}

/// `redis[hiredis]>=8.1 ; python_version > "3.8"` → ("redis", 8.1).
fn requirement(line: &str) -> Option<(String, Version)> {
    let line = line.split('#').next()?.split(';').next()?.trim();
    if line.starts_with('-') || line.is_empty() {
        return None;
    }
    let split = line.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))?;
    let (name, rest) = line.split_at(split);
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']')?.1,
        None => rest,
    };
    Some((name.to_string(), spec_version(rest)?))
}

/// The lowest version a specifier allows: `==1.2`, `>=1.2`, `~=1.2`, `^1.2`, `1.2`.
fn spec_version(spec: &str) -> Option<Version> {
    let spec = spec.trim();
    let first = spec
        .split(',')
        .find(|c| !c.trim_start().starts_with('<') && !c.contains("!="))?;
    let first = first.trim().trim_start_matches(['=', '>', '~', '^', ' ']);
    Version::parse(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_padded_versions() {
        let v = Version::parse("8.1").unwrap();
        assert!(VersionReq::parse(">=8.1").unwrap().matches(&v));
        assert!(!VersionReq::parse("<8.1").unwrap().matches(&v));
        assert!(VersionReq::parse(">=2, <3")
            .unwrap()
            .matches(&Version::parse("2.9.1").unwrap()));
        assert!(!VersionReq::parse(">=2, <3")
            .unwrap()
            .matches(&Version::parse("3.0.0").unwrap()));
    }

    #[test]
    fn requirement_lines_give_lowest_allowed_version() {
        assert_eq!(
            requirement("redis[hiredis]>=8.1 ; python_version>'3'")
                .unwrap()
                .1,
            Version::parse("8.1").unwrap()
        );
        assert_eq!(requirement("requests==2.31.0").unwrap().0, "requests");
        assert!(requirement("-r base.txt").is_none());
        assert!(requirement("redis<9").is_none());
    }
}
