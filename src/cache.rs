//! The per-file facts cache (`.resilint_cache/` in the scan root, like ruff's `.ruff_cache`):
//! facts are stored under a hash of the file's content, the tool version and the catalog, so a
//! re-run re-parses only the files that changed. Entries are written atomically (temp file and
//! rename), so concurrent runs are safe, and an entry that does not read back is a miss.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::facts::{FileFacts, Lang};

pub const DIR_NAME: &str = ".resilint_cache";

pub struct Cache {
    dir: PathBuf,
    salt: u64,
}

impl Cache {
    /// Opens (creating if needed) the cache under `root`; `None` where it cannot be written.
    pub fn open(root: &Path, catalog_digest: u64) -> Option<Cache> {
        let base = root.join(DIR_NAME);
        let dir = base.join(concat!("v", env!("CARGO_PKG_VERSION")));
        std::fs::create_dir_all(&dir).ok()?;
        // Keep the cache out of version control and backups, as ruff does.
        let ignore = base.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "# created by resilint\n*\n");
            let _ = std::fs::write(
                base.join("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n# resilint facts cache\n",
            );
        }
        let stamp = concat!(env!("CARGO_PKG_VERSION"), "+", env!("RESILINT_FACTS_HASH"));
        let salt = xxhash_rust::xxh3::xxh3_64_with_seed(stamp.as_bytes(), catalog_digest);
        Some(Cache { dir, salt })
    }

    pub fn key(&self, lang: Lang, is_test: bool, text: &str) -> u128 {
        let seed = self.salt ^ (u64::from(lang == Lang::Rust) << 1 | u64::from(is_test));
        xxhash_rust::xxh3::xxh3_128_with_seed(text.as_bytes(), seed)
    }

    fn path(&self, key: u128) -> PathBuf {
        let hex = format!("{key:032x}");
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    pub fn get(&self, key: u128) -> Option<FileFacts> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores facts; failures only cost a re-parse next time.
    pub fn put(&self, key: u128, facts: &FileFacts) {
        let path = self.path(key);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(facts) else {
            return;
        };
        if tmp.write_all(&bytes).is_ok() {
            let _ = tmp.persist(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_treats_corrupt_entries_as_misses() {
        let root = tempfile::tempdir().unwrap();
        let cache = Cache::open(root.path(), 7).unwrap();
        let key = cache.key(Lang::Python, false, "import requests\n");
        assert!(cache.get(key).is_none());
        let facts = FileFacts {
            lines: 1,
            ..FileFacts::default()
        };
        cache.put(key, &facts);
        assert_eq!(cache.get(key), Some(facts));
        std::fs::write(cache.path(key), b"{not json").unwrap();
        assert!(cache.get(key).is_none());
        assert_ne!(key, cache.key(Lang::Rust, false, "import requests\n"));
        assert_ne!(key, cache.key(Lang::Python, true, "import requests\n"));
        assert!(root.path().join(DIR_NAME).join(".gitignore").exists());
    }
}
