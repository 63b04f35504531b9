//! Inline suppressions: `# resilint: ignore[RES101]` (Python) and `// resilint: ignore[RES101]`
//! (Rust) on a finding's line, or alone on the line above; `resilint: ignore` alone for every rule
//! on the line; `resilint: ignore-file[RES501]` in a file's first lines for the whole file.

use crate::facts::{Lang, Suppression};

/// How many leading lines may carry a file-level suppression.
const FILE_LEVEL_LINES: usize = 10;

pub fn parse(lang: Lang, text: &str) -> Vec<Suppression> {
    let marker = match lang {
        Lang::Python => "#",
        Lang::Rust => "//",
    };
    let mut out = Vec::new();
    // Most files hold no directive: one search of the whole text spares splitting it into lines.
    if !text.contains("resilint:") {
        return out;
    }
    for (i, line) in source_lines(text).enumerate() {
        let Some(at) = line.find("resilint:") else {
            continue;
        };
        let before = &line[..at];
        let Some(comment_start) = before.rfind(marker) else {
            continue;
        };
        if !before[comment_start + marker.len()..].trim().is_empty() {
            continue;
        }
        // A directive on a line of its own covers the next line; after code, only its own.
        let covers = if before[..comment_start].trim().is_empty() {
            i + 2
        } else {
            i + 1
        };
        if let Some(s) = parse_directive(&line[at + "resilint:".len()..], covers as u32) {
            if !s.file_level || i < FILE_LEVEL_LINES {
                out.push(s);
            }
        }
    }
    out
}

/// Lines as findings count them (`source::LineIndex`): `\n`, `\r\n` and a lone `\r` each end
/// one, so that a directive in an old Mac file covers the line its finding is reported on.
fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

fn parse_directive(rest: &str, line: u32) -> Option<Suppression> {
    let rest = rest.trim_start();
    let (file_level, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix("ignore") {
        (false, r)
    } else {
        return None;
    };
    let rules = match rest.strip_prefix('[') {
        Some(r) => {
            let (list, _) = r.split_once(']')?;
            let rules: Vec<String> = list
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect();
            if rules.is_empty() {
                return None;
            }
            rules
        }
        // `ignore` followed by other text (`ignored`) is not a directive.
        None if rest.is_empty()
            || rest.starts_with(char::is_whitespace)
            || rest.starts_with("--") =>
        {
            Vec::new()
        }
        None => return None,
    };
    Some(Suppression {
        line,
        rules,
        file_level,
    })
}

/// Whether a finding of `rule` on `line` is suppressed. A rule prefix (`RES1`) covers its rules.
/// A suppression's `line` is the line it covers (see [`parse`]).
pub fn is_suppressed(suppressions: &[Suppression], rule: &str, line: u32) -> bool {
    suppressions.iter().any(|s| {
        let applies = s.file_level || s.line == line;
        applies && (s.rules.is_empty() || s.rules.iter().any(|r| rule.starts_with(r.as_str())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_on_the_line_or_above() {
        let text = "a = 1  # resilint: ignore[RES101, res102]\n# resilint: ignore\nb()\n";
        let s = parse(Lang::Python, text);
        assert_eq!(s.len(), 2);
        assert!(is_suppressed(&s, "RES102", 1));
        assert!(is_suppressed(&s, "RES105", 3));
        assert!(!is_suppressed(&s, "RES105", 1));
    }

    #[test]
    fn a_directive_after_code_covers_only_its_own_line() {
        let text = "a()  # resilint: ignore[RES101]\nb()\n    # resilint: ignore\nc()\nd()\n";
        let s = parse(Lang::Python, text);
        assert!(is_suppressed(&s, "RES101", 1));
        assert!(!is_suppressed(&s, "RES101", 2));
        assert!(is_suppressed(&s, "RES101", 4));
        assert!(!is_suppressed(&s, "RES101", 5));
    }

    #[test]
    fn lines_end_where_findings_count_them() {
        for text in [
            "import x\r\rx.get(u)  # resilint: ignore[RES101]\r# resilint: ignore\rx.get(u)\r",
            "import x\r\n\r\nx.get(u)  # resilint: ignore[RES101]\r\n# resilint: ignore\r\nx.get(u)\r\n",
            "import x\n\rx.get(u)  # resilint: ignore[RES101]\n# resilint: ignore\r\nx.get(u)\r",
        ] {
            let s = parse(Lang::Python, text);
            assert!(is_suppressed(&s, "RES101", 3), "{text:?}: {s:?}");
            assert!(is_suppressed(&s, "RES101", 5), "{text:?}: {s:?}");
            assert!(!is_suppressed(&s, "RES101", 4), "{text:?}: {s:?}");
        }
    }

    #[test]
    fn malformed_and_non_comment_forms_are_ignored() {
        let text = "x = \"resilint: ignore\"\n// resilint: ignore[RES101]\n# resilint: ignore[]\n# resilint: ignored\n";
        assert!(parse(Lang::Python, text).is_empty());
        assert_eq!(parse(Lang::Rust, text).len(), 1);
    }

    #[test]
    fn file_level_only_near_the_top() {
        let mut text = String::from("// resilint: ignore-file[RES501]\n");
        text.push_str(&"\n".repeat(20));
        text.push_str("// resilint: ignore-file[RES101]\n");
        let s = parse(Lang::Rust, &text);
        assert_eq!(s.len(), 1);
        assert!(is_suppressed(&s, "RES501", 99));
    }
}
