//! Finding the files to audit: walks with .gitignore honoured, skips tool and build folders,
//! and decides from the path alone whether a file is test code (so it need not be read).

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::facts::Lang;

/// Folders that never hold the project's own service code.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "target",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".resilint_cache",
    "site-packages",
    ".eggs",
];

/// Path components that mark test code, examples and documentation sources.
const TEST_DIRS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "scripts",
    "scripts-dev",
    "_scripts",
    "__tests__",
    "benches",
    "examples",
    "example",
    "docs",
    "docs_src",
    "fixtures",
    "testdata",
    "test_data",
    // cargo-fuzz targets and their inputs
    "fuzz",
];

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the scan root, `/`-separated.
    pub rel: String,
    pub lang: Lang,
    pub is_test: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<SourceFile>,
    /// Lock files and manifests that pin library versions.
    pub pin_files: Vec<PathBuf>,
    /// Paths that could not be walked, with why.
    pub skipped: Vec<(String, String)>,
    /// Folders (relative to the root, `""` for the root itself) holding a project manifest:
    /// the roots of the units that project-level rules judge (see `project`).
    pub unit_roots: Vec<String>,
}

pub struct WalkOptions<'a> {
    pub root: &'a Path,
    pub respect_ignore: bool,
    pub exclude: &'a [String],
}

/// Whether a relative path is test code, decided before the file is read.
pub fn is_test_path(rel: &str) -> bool {
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            let stem = part
                .strip_suffix(".py")
                .or_else(|| part.strip_suffix(".rs"))
                .unwrap_or(part);
            return stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem.ends_with("_tests")
                || stem == "conftest"
                // Build, packaging and test-plugin modules run on a developer's machine or in CI.
                || matches!(stem, "setup" | "noxfile" | "fabfile" | "pytest_plugin" | "pytest_plugins")
                    && part.ends_with(".py")
                || stem == "tests"
                || stem == "build" && part.ends_with(".rs");
        }
        if TEST_DIRS.contains(&part) {
            return true;
        }
    }
    false
}

pub fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for c in rel.components() {
        if let std::path::Component::Normal(s) = c {
            if !out.is_empty() {
                out.push('/');
            }
            push_name(&mut out, s);
        }
    }
    if out.is_empty() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        out
    }
}

/// A file name as reports show it: bytes that are not UTF-8 are written `\xE9`, so two names
/// that differ only there stay two files (a lossy `�` would merge them).
fn push_name(out: &mut String, name: &std::ffi::OsStr) {
    if let Some(text) = name.to_str() {
        out.push_str(text);
        return;
    }
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt;
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02X}");
            }
        }
    }
    #[cfg(not(unix))]
    out.push_str(&name.to_string_lossy());
}

fn exclude_set(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(glob) = Glob::new(g) {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

pub fn discover(paths: &[PathBuf], opts: &WalkOptions<'_>) -> Discovery {
    let mut out = Discovery::default();
    let excluded = exclude_set(opts.exclude);
    for path in paths {
        if path.is_file() {
            // A file named on the command line is audited even if ignored.
            add_file(&mut out, path, opts.root, &excluded, true);
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(path);
        builder
            .standard_filters(opts.respect_ignore)
            .hidden(true)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                let skip = e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| SKIPPED_DIRS.contains(&n));
                !skip
            });
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        add_file(&mut out, e.path(), opts.root, &excluded, false);
                    }
                }
                Err(err) => {
                    let where_ = match &err {
                        ignore::Error::WithPath { path, .. } => relative(path, opts.root),
                        _ => relative(path, opts.root),
                    };
                    out.skipped.push((where_, err.to_string()));
                }
            }
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.files.dedup_by(|a, b| a.rel == b.rel);
    out.pin_files.sort();
    out.pin_files.dedup();
    out.unit_roots.sort();
    out.unit_roots.dedup();
    out
}

/// Files whose folder is one project: a crate, a Python distribution.
pub fn is_manifest(name: &str) -> bool {
    matches!(
        name,
        "Cargo.toml" | "pyproject.toml" | "setup.py" | "setup.cfg"
    )
}

fn add_file(out: &mut Discovery, path: &Path, root: &Path, excluded: &GlobSet, explicit: bool) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if crate::versions::is_pin_file(name) {
        out.pin_files.push(path.to_path_buf());
    }
    if is_manifest(name) {
        let rel = relative(path, root);
        let folder = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        out.unit_roots.push(folder.to_string());
    }
    let Some(lang) = Lang::from_path(path) else {
        return;
    };
    let rel = relative(path, root);
    if !explicit && excluded.is_match(&rel) {
        return;
    }
    out.files.push(SourceFile {
        path: path.to_path_buf(),
        is_test: is_test_path(&rel),
        rel,
        lang,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_escaped_not_merged() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/r");
        let name = |bytes: &[u8]| root.join("pkg").join(std::ffi::OsStr::from_bytes(bytes));
        assert_eq!(relative(&name(b"caf\xe9.py"), root), "pkg/caf\\xE9.py");
        assert_eq!(relative(&name(b"caf\xe8.py"), root), "pkg/caf\\xE8.py");
        assert_eq!(relative(&name("café.py".as_bytes()), root), "pkg/café.py");
    }

    #[test]
    fn test_code_is_told_from_the_path() {
        for p in [
            "tests/a.py",
            "pkg/tests/x/a.py",
            "a/test_x.py",
            "a/x_test.py",
            "conftest.py",
            "crate/benches/b.rs",
            "setup.py",
            "scripts-dev/release.py",
            "pkg/pytest_plugin.py",
            "build.rs",
            "examples/demo.rs",
            "fuzz/fuzz_targets/parse.rs",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "app/main.py",
            "src/lib.rs",
            "app/testimonials.py",
            "app/contest.py",
            "src/builder.rs",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
