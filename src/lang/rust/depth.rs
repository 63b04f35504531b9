//! A quick lexical bound on how deep syn would recurse over a file. syn parses (and our visitor
//! and the syntax tree's drop walk) recursively, so a hostile or generated file could overflow
//! the stack: `&&&…u8`, `Vec<Vec<…>>`, `|| || …`, `-(-(…))`. Such files are reported instead of
//! parsed.
//!
//! The bound is on tokens, not on the syntax tree (which is not built yet): bracket groups may
//! nest [`MAX_NESTING`] deep, and a chain of tokens with no `,` or `;` between them, counted
//! across the groups and `<…>` / `|…|` pairs it opens, may be [`MAX_CHAIN`] long. Every level of
//! the tree costs at least one token of the chain that holds it, so the tree is no deeper.

/// Bracket groups (`()`, `[]`, `{}`) nested deeper than this are refused.
pub const MAX_NESTING: usize = 256;

/// Tokens one chain may hold. Real code stays far below (a 300-call method chain is about 900;
/// a list's elements are separate chains); a debug build's 64 MB parse stack overflows near
/// 3,000 on the costliest constructs.
pub const MAX_CHAIN: usize = 1000;

/// Where a file goes too deep, and how.
#[derive(Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opener {
    Bracket,
    Angle,
    Pipe,
}

/// An open group: what opened it and the chain length just after its opener.
struct Open {
    by: Opener,
    base: usize,
}

/// The first place where `text` goes deeper than the parser may safely follow, if any.
pub fn check(text: &str) -> Option<TooDeep> {
    let bytes = text.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut brackets = 0usize;
    let mut chain = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = skip_line(bytes, i);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i);
            continue;
        }
        if let Some(end) = raw_string_end(bytes, i) {
            i = end;
        } else if b == b'"' {
            i = skip_string(bytes, i);
        } else if b == b'\'' {
            i = skip_char_or_lifetime(bytes, i);
        } else if is_word_byte(b) {
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
        } else {
            i += 1;
            match b {
                b'(' | b'[' | b'{' => {
                    brackets += 1;
                    if brackets > MAX_NESTING {
                        return Some(TooDeep {
                            offset: start,
                            message: format!(
                                "nested more than {MAX_NESTING} levels deep: not parsed"
                            ),
                        });
                    }
                    chain += 1;
                    open.push(Open {
                        by: Opener::Bracket,
                        base: chain,
                    });
                    continue;
                }
                b')' | b']' | b'}' => {
                    // Unclosed `<` and `|` inside the group end with it.
                    while let Some(group) = open.pop() {
                        if group.by == Opener::Bracket {
                            brackets -= 1;
                            chain = group.base;
                            break;
                        }
                    }
                    continue;
                }
                b',' | b';' => {
                    chain = open.last().map_or(0, |g| g.base);
                    continue;
                }
                b'>' | b'|' if open.last().is_some_and(|g| g.by == closer(b)) => {
                    if let Some(group) = open.pop() {
                        chain = group.base;
                    }
                    continue;
                }
                b'<' | b'|' => {
                    chain += 1;
                    open.push(Open {
                        by: closer(b),
                        base: chain,
                    });
                    continue;
                }
                _ => {}
            }
        }
        chain += 1;
        if chain > MAX_CHAIN {
            return Some(TooDeep {
                offset: start,
                message: format!(
                    "nested too deeply to parse safely (an expression or type of more than \
                     {MAX_CHAIN} tokens): not parsed"
                ),
            });
        }
    }
    None
}

/// The group kind a `<`, `>` or `|` opens or closes.
fn closer(b: u8) -> Opener {
    if b == b'|' {
        Opener::Pipe
    } else {
        Opener::Angle
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn skip_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

/// Block comments nest in Rust.
fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Past the closing quote of a `"…"` string starting at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() && bytes[i] != b'"' {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

/// `r"…"`, `r#"…"#`, `br##"…"##`, `cr"…"` starting at `i`: the offset past its end.
fn raw_string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_word_byte(bytes[i - 1]) {
        return None;
    }
    let mut j = i;
    if matches!(bytes.get(j), Some(b'b' | b'c')) {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = bytes[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if bytes.get(j) != Some(&b'"') {
        return None;
    }
    j += 1;
    while j < bytes.len() {
        if bytes[j] == b'"'
            && bytes[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(j)
}

/// A char literal (`'x'`, `'\n'`, `'\u{1F600}'`, `'é'`) or a lifetime (`'a`) starting at `i`.
fn skip_char_or_lifetime(bytes: &[u8], i: usize) -> usize {
    let j = i + 1;
    if bytes.get(j) == Some(&b'\\') {
        let mut k = j + 2;
        while k < bytes.len() && bytes[k] != b'\'' && bytes[k] != b'\n' {
            k += 1;
        }
        return k + 1;
    }
    let char_len = match bytes.get(j) {
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c >= 0xF0 => 4,
        Some(&c) if c >= 0xE0 => 3,
        Some(_) => 2,
        None => return j,
    };
    if bytes.get(j + char_len) == Some(&b'\'') {
        return j + char_len + 1;
    }
    let mut k = j;
    while k < bytes.len() && is_word_byte(bytes[k]) {
        k += 1;
    }
    k.max(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(text: &str) -> bool {
        check(text).is_some()
    }

    #[test]
    fn ordinary_code_passes() {
        let table: String = (0..5000)
            .map(|n| format!("(-{n}, &\"x\", 1 << 3), "))
            .collect();
        let chain: String = (0..300).map(|_| ".map(|x| x + 1)").collect();
        for text in [
            format!("static T: &[(i32, &str, u8)] = &[{table}];"),
            format!("fn f() {{ let v = xs.iter(){chain}.collect::<Vec<_>>(); }}"),
            "fn f<'a, T: Into<Vec<u8>>>(x: &'a T) -> Result<HashMap<u8, Vec<u8>>, E> where T: Clone { a < b && c > d; '\"'; '\\''; r#\"((((\"#; /* { /* } */ */ }".to_string(),
        ] {
            assert_eq!(check(&text), None, "{}", &text[..80.min(text.len())]);
        }
    }

    #[test]
    fn deep_constructs_are_refused() {
        let n = 5000;
        assert!(deep(&format!("type T = {}u8;", "&".repeat(n))));
        assert!(deep(&format!(
            "type T = {}u8{};",
            "Vec<".repeat(n),
            ">".repeat(n)
        )));
        assert!(deep(&format!(
            "type T = {}u8{};",
            "A<B, ".repeat(n),
            ">".repeat(n)
        )));
        assert!(deep(&format!("type T = {}u8;", "*const ".repeat(n))));
        assert!(deep(&format!("fn f() {{ {}1; }}", "|a, b| ".repeat(n))));
        assert!(deep(&format!("fn f() {{ {}1; }}", "|| ".repeat(n))));
        assert!(deep(&format!("fn f() {{ {}1; }}", "-".repeat(n))));
        assert!(deep(&format!(
            "fn f() {{ {}1{}; }}",
            "(".repeat(300),
            ")".repeat(300)
        )));
        // Brackets in strings, chars and comments do not count.
        assert!(!deep(&format!(
            "const S: &str = \"{}\"; // {}\nconst C: char = '(';",
            "(".repeat(n),
            "[".repeat(n)
        )));
    }
}
