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

/// Whether the file parses, doing nothing else (the benchmark's parse floor): a Python tree is
/// also walked once with a cursor, the least any analysis of it does.
pub fn parses(lang: Lang, text: &str) -> bool {
    match lang {
        Lang::Python => python::parse(text).is_some_and(|t| {
            let mut cursor = t.walk();
            'walk: loop {
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                loop {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                    if cursor.goto_next_sibling() {
                        break;
                    }
                }
            }
            !t.root_node().has_error()
        }),
        Lang::Rust => rust::depth::check(text).is_none() && syn::parse_file(text).is_ok(),
    }
}
