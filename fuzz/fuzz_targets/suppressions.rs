//! Any text read for `resilint: ignore[...]` comments in both languages, and every line asked
//! whether a rule is suppressed there.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resilint::facts::Lang;
use resilint::suppress;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = resilint::source::LineIndex::new(text).line_count();
    for lang in [Lang::Python, Lang::Rust] {
        let found = suppress::parse(lang, text);
        for s in &found {
            // A directive covers its own line or the next one, never one beyond the file.
            assert!(s.line <= lines + 1, "{s:?} in a {lines}-line file");
        }
        for line in 0..=lines + 1 {
            for rule in ["RES101", "RES000", "OBS201", ""] {
                let _ = suppress::is_suppressed(&found, rule, line);
            }
        }
    }
});
