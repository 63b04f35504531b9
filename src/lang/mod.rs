//! Language front ends: each turns one file's text into [`FileFacts`].

pub mod observe;
pub mod python;
pub mod rust;
pub mod telemetry;

use crate::catalog::Catalog;
use crate::facts::{FileFacts, Lang};

pub fn extract(lang: Lang, text: &str, catalog: &Catalog, file_is_test: bool) -> FileFacts {
    let mut facts = match lang {
        Lang::Python => python::extract(text, catalog, file_is_test),
        Lang::Rust => rust::extract(text, catalog, file_is_test),
    };
    facts.suppressions = crate::suppress::parse(lang, text);
    facts.snippets.sort();
    facts
}

/// Whether the file parses, doing nothing else (the benchmark's parse floor).
pub fn parses(lang: Lang, text: &str) -> bool {
    match lang {
        Lang::Python => python::parse(text).is_some_and(|t| !t.root_node().has_error()),
        Lang::Rust => too_deep(text, rust::MAX_NESTING).is_none() && syn::parse_file(text).is_ok(),
    }
}

/// The byte offset where bracket nesting first exceeds `max`, ignoring brackets in string
/// literals and comments as far as a quick scan can tell. Used to refuse input that would
/// overflow a recursive parser.
pub fn too_deep(text: &str, max: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}
