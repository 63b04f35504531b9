//! Byte offsets to lines and columns, and the source lines that findings quote.

/// Line starts of one file, for turning byte offsets into 1-based line/column pairs.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        if !text.contains('\r') {
            // The common case, found with a fast search for each newline.
            starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
            return LineIndex { text, starts };
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                // A lone CR ends a line too (old Mac files); CRLF is one break.
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    pub fn line_count(&self) -> u32 {
        let n = self.starts.len();
        if self.text.ends_with('\n') || self.text.ends_with('\r') {
            (n - 1) as u32
        } else {
            n as u32
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts Unicode scalar values.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.starts[line as usize - 1];
        let end = floor_char_boundary(self.text, offset.min(self.text.len()));
        let col = self.text[start..end.max(start)].chars().count() as u32 + 1;
        (line, col)
    }

    /// The text of a 1-based line without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        let Some(&start) = self.starts.get(line as usize - 1) else {
            return "";
        };
        let end = self
            .starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Byte offset of a 1-based line and 1-based char column.
    pub fn offset(&self, line: u32, col: u32) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1) as usize) else {
            return self.text.len();
        };
        let text = self.line_text(line);
        start
            + text
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map_or(text.len(), |(i, _)| i)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A quoted source line for reports and fingerprints: trimmed, capped in length.
pub fn snippet_of(line: &str) -> String {
    const MAX: usize = 240;
    let trimmed = line.trim();
    match trimmed.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_chars_and_all_line_breaks() {
        let idx = LineIndex::new("a\r\nbé c\rd\n");
        assert_eq!(idx.line_count(), 3);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        // 'c' comes after a two-byte 'é'
        assert_eq!(idx.line_col(7), (2, 4));
        assert_eq!(idx.line_text(2), "bé c");
        assert_eq!(idx.line_col(9), (3, 1));
        assert_eq!(idx.offset(2, 4), 7);
    }
}
