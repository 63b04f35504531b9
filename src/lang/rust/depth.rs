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

/// Nesting tokens one chain may hold: prefix operators (`&`, `*`, `!`, `-`), `<`, closure
/// pipes, assignments, bracket groups and keywords such as `fn`, `dyn` and `move`, each of which
/// makes syn recurse. Real code stays far below; a debug build's 64 MB parse stack overflows
/// near 3,000 on the costliest constructs.
pub const MAX_CHAIN: usize = 1000;

/// Tokens of any kind one chain may hold. syn builds operator and method chains in a loop, but
/// into a tree as deep as the chain, which dropping and visiting walk recursively. Generated
/// tables reach a few thousand (a match arm of Unicode ranges).
pub const MAX_FLAT: usize = 20_000;

/// Keywords after which syn parses a nested expression or type.
const NESTING_WORDS: &[&[u8]] = &[
    b"return", b"break", b"yield", b"move", b"dyn", b"impl", b"fn", b"box", b"async",
];

/// Keywords that an operator may follow as a prefix (`as &T`, `in &xs`, `if !x`).
const OPERATOR_WORDS: &[&[u8]] = &[
    b"as", b"in", b"if", b"else", b"match", b"while", b"for", b"loop", b"let", b"mut", b"const",
    b"ref", b"where", b"unsafe", b"static", b"type", b"struct", b"enum", b"pub", b"use", b"mod",
    b"trait",
];

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

/// An open group: what opened it and the chains' lengths just after its opener.
struct Open {
    by: Opener,
    nesting: usize,
    flat: usize,
}

/// The lengths of the current chain.
#[derive(Default)]
struct Chain {
    nesting: usize,
    flat: usize,
}

/// The first place where `text` goes deeper than the parser may safely follow, if any.
pub fn check(text: &str) -> Option<TooDeep> {
    let bytes = text.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut brackets = 0usize;
    let mut chain = Chain::default();
    // Whether the previous token ends an operand, so that `&`, `*`, `-`, `!` and `|` are binary
    // operators rather than prefixes or closure pipes.
    let mut after_operand = false;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && next == Some(b'/') {
            i = skip_line(bytes, i);
            continue;
        }
        if b == b'/' && next == Some(b'*') {
            i = skip_block_comment(bytes, i);
            continue;
        }
        // How much the token adds to the nesting chain; every token adds one to the flat one.
        let mut nesting = 0;
        if let Some(end) = raw_string_end(bytes, i) {
            i = end;
            after_operand = true;
        } else if b == b'"' {
            i = skip_string(bytes, i);
            after_operand = true;
        } else if b == b'\'' {
            i = skip_char_or_lifetime(bytes, i);
            after_operand = true;
        } else if is_word_byte(b) {
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            let word = &bytes[start..i];
            if NESTING_WORDS.contains(&word) {
                nesting = 1;
                after_operand = false;
            } else {
                after_operand = !OPERATOR_WORDS.contains(&word);
            }
        } else {
            i += 1;
            let top = open.last().map(|g| g.by);
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
                    chain.nesting += 1;
                    chain.flat += 1;
                    open.push(Open {
                        by: Opener::Bracket,
                        nesting: chain.nesting,
                        flat: chain.flat,
                    });
                    after_operand = false;
                }
                b')' | b']' | b'}' => {
                    // Unclosed `<` and `|` inside the group end with it.
                    while let Some(group) = open.pop() {
                        if group.by == Opener::Bracket {
                            brackets -= 1;
                            chain = Chain {
                                nesting: group.nesting,
                                flat: group.flat,
                            };
                            break;
                        }
                    }
                    after_operand = true;
                    if b == b'}' && ends_statement(bytes, i) {
                        end_statement(&mut open, &mut chain);
                        after_operand = false;
                    }
                    continue;
                }
                b',' => {
                    chain = open.last().map_or_else(Chain::default, |g| Chain {
                        nesting: g.nesting,
                        flat: g.flat,
                    });
                    after_operand = false;
                    continue;
                }
                // A statement or an attribute ends every chain in its group.
                b';' | b'#' => {
                    end_statement(&mut open, &mut chain);
                    after_operand = false;
                    continue;
                }
                b'<' if after_operand && matches!(next, Some(b'<' | b'=')) => {
                    // `a << b`, `a <= b`
                    i += 1;
                    after_operand = false;
                }
                b'<' => {
                    chain.nesting += 1;
                    chain.flat += 1;
                    open.push(Open {
                        by: Opener::Angle,
                        nesting: chain.nesting,
                        flat: chain.flat,
                    });
                    after_operand = false;
                }
                b'>' if top == Some(Opener::Angle) => {
                    if let Some(group) = open.pop() {
                        chain = Chain {
                            nesting: group.nesting,
                            flat: group.flat,
                        };
                    }
                    after_operand = true;
                    continue;
                }
                b'|' if top == Some(Opener::Pipe) => {
                    // The end of a closure's parameters: its body follows.
                    if let Some(group) = open.pop() {
                        chain = Chain {
                            nesting: group.nesting,
                            flat: group.flat,
                        };
                    }
                    after_operand = false;
                    continue;
                }
                b'|' if next == Some(b'|') => {
                    // `a || b`, or a closure without parameters.
                    i += 1;
                    nesting = usize::from(!after_operand);
                    after_operand = false;
                }
                b'|' if !after_operand => {
                    chain.nesting += 1;
                    chain.flat += 1;
                    open.push(Open {
                        by: Opener::Pipe,
                        nesting: chain.nesting,
                        flat: chain.flat,
                    });
                    continue;
                }
                b'-' if next == Some(b'>') => {
                    i += 1;
                    after_operand = false;
                }
                b'=' if matches!(next, Some(b'=' | b'>')) => {
                    i += 1;
                    after_operand = false;
                }
                // Assignment is right-associative: `a = b = c` nests.
                b'=' => {
                    nesting = usize::from(after_operand);
                    after_operand = false;
                }
                b'&' | b'*' | b'-' | b'!' => {
                    nesting = usize::from(!after_operand);
                    if after_operand && b == b'&' && next == Some(b'&') {
                        i += 1;
                    }
                    after_operand = false;
                }
                b'?' => after_operand = true,
                _ => after_operand = false,
            }
        }
        chain.nesting += nesting;
        chain.flat += 1;
        if chain.nesting > MAX_CHAIN || chain.flat > MAX_FLAT {
            return Some(TooDeep {
                offset: start,
                message: format!(
                    "nested too deeply to parse safely (a chain of more than {MAX_CHAIN} nested \
                     or {MAX_FLAT} chained tokens): not parsed"
                ),
            });
        }
    }
    None
}

/// Ends every chain in the innermost bracket group, with the `<` and `|` left open in it.
fn end_statement(open: &mut Vec<Open>, chain: &mut Chain) {
    while open.last().is_some_and(|g| g.by != Opener::Bracket) {
        open.pop();
    }
    *chain = open.last().map_or_else(Chain::default, |g| Chain {
        nesting: g.nesting,
        flat: g.flat,
    });
}

/// Whether the `}` just before `i` ends an item or a statement: what follows starts another
/// one (a word other than `else` or `as`, an attribute, the end of the enclosing block or of
/// the file) rather than continuing an expression (`{..} + x`, `{..}.f()`).
fn ends_statement(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    let Some(at) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
        return true;
    };
    let rest = &rest[at..];
    match rest[0] {
        b'#' | b'}' => true,
        b if is_word_byte(b) => {
            let len = rest.iter().take_while(|&&c| is_word_byte(c)).count();
            !matches!(&rest[..len], b"else" | b"as")
        }
        _ => false,
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
            format!("{}fn f() {{}}", "#[case(date!(2028-03-02), 9)]\n".repeat(3000)),
            format!("fn f(c: char) -> bool {{ match c {{ {} => true, _ => false }} }}", "'\\u{10080}'..='\\u{100FA}' | ".repeat(2000) + "'a'"),
            format!("fn f() {{ x = {}1; }}", "a * -b - c & !d | ".repeat(200)),
            "impl ToUInt for Const<1> { type Output = U1; }\n".repeat(5000),
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
        assert!(deep(&format!("fn f() {{ {}1; }}", "a = ".repeat(n))));
        assert!(deep(&format!("fn f() {{ 1{}; }}", " + a".repeat(4 * n))));
        assert!(deep(&format!("type T = {}u8;", "fn() -> ".repeat(n))));
        assert!(deep(&format!("fn f() {{ 1{}; }}", " + {1}".repeat(4 * n))));
        assert!(deep(&format!(
            "fn f() {{ if a {{}} {} }}",
            "else if a {} ".repeat(n)
        )));
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
