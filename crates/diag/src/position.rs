//! Where things are: byte spans, line/column positions, and the index between them.

use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` into an input.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

/// Maps byte offsets of one text to lines and columns. Building is linear in the text; a
/// lookup is a binary search for the line plus a count of at most [`LineIndex::BLOCK`]
/// bytes for the column, however long the line is (a descriptor written on one line has
/// every node on line 1: counting from the line start would make n lookups cost n² in all).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before byte `i * BLOCK`, for every block; empty when the text is ASCII.
    chars: Vec<usize>,
    /// The text is ASCII: a column is a byte difference.
    ascii: bool,
}

/// One text and its [`LineIndex`], built on the first lookup: a reader keeps byte offsets
/// and turns them into positions only for the findings it reports (a text read without a
/// finding never pays for the index). The one place where offsets of a text read whole
/// become line and column.
#[derive(Debug, Clone)]
pub struct Lines<'t> {
    text: &'t str,
    index: OnceCell<LineIndex>,
}

impl<'t> Lines<'t> {
    /// The lines of `text` (nothing is indexed yet).
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            index: OnceCell::new(),
        }
    }

    /// The text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The line and column of byte `offset` ([`LineIndex::position`]).
    pub fn position(&self, offset: usize) -> Position {
        self.index
            .get_or_init(|| LineIndex::new(self.text))
            .position(self.text, offset)
    }
}

impl Span {
    /// Creates a span.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, for slicing.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl Position {
    /// The first character of an input.
    pub const START: Position = Position { line: 1, column: 1 };

    /// A position from a line and a column (both 1-based).
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex {
            starts: vec![0],
            chars: Vec::new(),
            ascii: false,
        }
    }
}

impl LineIndex {
    /// The block size of the character checkpoints: a column costs at most two counts of
    /// this many bytes. The checkpoints take one `usize` per block (0.8% of the text).
    pub const BLOCK: usize = 1024;

    /// Indexes the line starts of `text` (and, when it is not ASCII, how many characters
    /// precede each block).
    pub fn new(text: &str) -> Self {
        // A vectorised search: this runs over every text a position is asked of. The lines
        // are counted first (a second vectorised pass, cheaper than growing the vector a
        // dozen times on a small text).
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut starts = Vec::with_capacity(lines + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii = text.is_ascii();
        let mut chars = Vec::new();
        if !ascii {
            let mut before = 0;
            for block in text.as_bytes().chunks(Self::BLOCK) {
                chars.push(before);
                before += char_starts(block);
            }
        }
        LineIndex {
            starts,
            chars,
            ascii,
        }
    }

    /// The line and column of byte `offset` in `text`, the text this index was built from.
    /// Offsets past the end are clamped; an offset inside a character counts as that
    /// character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        Position { line, column }
    }

    // Characters before byte `offset` (a character boundary of `text`).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let bytes = &text.as_bytes()[..offset];
        if self.ascii {
            return offset;
        }
        let block = offset / Self::BLOCK;
        match self.chars.get(block) {
            Some(&before) => before + char_starts(&bytes[block * Self::BLOCK..]),
            None => char_starts(bytes),
        }
    }

    /// The text of line `line` (1-based) without its line break, if the text has it.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        let raw = text.get(start..end.max(start))?;
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }
}

// The characters that start in `bytes` (every byte but UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| !(0x80..0xC0).contains(&b))
        .count()
}

/// `offset` (clamped to the text), moved back to the start of the character it falls in:
/// a byte offset that is always safe to slice at (what `str::floor_char_boundary` does on
/// newer Rust than tern's minimum).
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd\ne";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position::new(1, 1));
        assert_eq!(index.position(text, 3), Position::new(2, 1));
        // 'ç' is two bytes: byte 5 is 'd', the second character of line 2.
        assert_eq!(index.position(text, 5), Position::new(2, 2));
        // Inside 'ç' counts as 'ç'.
        assert_eq!(index.position(text, 4), Position::new(2, 1));
        assert_eq!(index.position(text, 7), Position::new(3, 1));
        assert_eq!(index.position(text, 99), Position::new(3, 2));
    }

    #[test]
    fn columns_on_long_lines_count_characters_across_blocks() {
        // Characters of 1, 2, 3 and 4 bytes on one line of several blocks, then a second line.
        let line: String = ["a", "é", "€", "𝄞"]
            .iter()
            .cycle()
            .take(3000)
            .copied()
            .collect();
        let text = format!("{line}\n{line}");
        let index = LineIndex::new(&text);
        let mut offset = 0;
        for (i, c) in line.chars().enumerate() {
            assert_eq!(index.position(&text, offset), Position::new(1, i + 1));
            let second = line.len() + 1 + offset;
            assert_eq!(index.position(&text, second), Position::new(2, i + 1));
            // Inside a character counts as that character.
            if c.len_utf8() > 1 {
                assert_eq!(index.position(&text, offset + 1), Position::new(1, i + 1));
            }
            offset += c.len_utf8();
        }
    }

    #[test]
    fn lines_index_on_first_use() {
        let text = "ab\nçd\ne";
        let lines = Lines::new(text);
        assert!(lines.index.get().is_none());
        assert_eq!(lines.position(5), Position::new(2, 2));
        assert_eq!(lines.position(7), Position::new(3, 1));
        assert_eq!(lines.text(), text);
    }

    #[test]
    fn line_texts_drop_their_breaks() {
        let text = "one\r\ntwo\nthree";
        let index = LineIndex::new(text);
        assert_eq!(index.line_text(text, 1), Some("one"));
        assert_eq!(index.line_text(text, 2), Some("two"));
        assert_eq!(index.line_text(text, 3), Some("three"));
        assert_eq!(index.line_text(text, 4), None);
        assert_eq!(index.line_text(text, 0), None);
    }
}
