//! Where things are: byte spans, line/column positions, and the index between them.

use std::fmt;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

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

/// One text and its [`Positions`]: a reader keeps byte offsets and turns them into
/// positions only for the findings it reports (a text read without a finding counts no
/// line). The one place where offsets of a text read whole become line and column.
#[derive(Debug, Clone)]
pub struct Lines<'t> {
    text: &'t str,
    positions: Positions,
}

impl<'t> Lines<'t> {
    /// The lines of `text` (nothing is indexed yet).
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            positions: Positions::default(),
        }
    }

    /// The text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The line and column of byte `offset` ([`LineIndex::position`]).
    pub fn position(&self, offset: usize) -> Position {
        self.positions.position(self.text, offset)
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
        let starts = line_starts(text.as_bytes());
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

/// Line and column of byte offsets of one text, asked mostly in increasing order (a reader
/// walking its tree in document order): each is counted from the one asked before, so a
/// text whose positions come in order never builds a [`LineIndex`]. The places counted to
/// are kept (one every [`Positions::CHECKPOINT`] bytes at most): a step back counts from
/// the nearest one before it. Once steps back have counted twice the text's length, the
/// index is built. Either way the cost stays linear in the text, whatever the order.
#[derive(Debug)]
pub struct Positions {
    state: Mutex<State>,
    index: OnceLock<LineIndex>,
}

/// Where the last position asked for is, the places counted to before it (increasing
/// offsets), the bytes counted on steps back, and whether the text is ASCII (columns are
/// then byte differences), once known.
#[derive(Debug, Default)]
struct State {
    cursor: Cursor,
    checkpoints: Vec<Cursor>,
    counted_back: usize,
    ascii: Option<bool>,
}

/// A place in the text: its offset, line, and characters from the line start to it.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    offset: usize,
    line: usize,
    chars: usize,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor {
            offset: 0,
            line: 1,
            chars: 0,
        }
    }
}

impl Cursor {
    // The place at `offset` (not before this one), counted from this one.
    fn advanced(self, bytes: &[u8], offset: usize, ascii: bool) -> Cursor {
        let chars = |part: &[u8]| if ascii { part.len() } else { char_starts(part) };
        let gap = &bytes[self.offset..offset];
        match memchr::memrchr(b'\n', gap) {
            Some(last) => {
                let start = self.offset + last + 1;
                Cursor {
                    offset,
                    line: self.line + memchr::memchr_iter(b'\n', gap).count(),
                    chars: chars(&bytes[start..offset]),
                }
            }
            None => Cursor {
                offset,
                chars: self.chars + chars(gap),
                ..self
            },
        }
    }
}

impl Default for Positions {
    fn default() -> Self {
        Positions {
            state: Mutex::new(State::default()),
            index: OnceLock::new(),
        }
    }
}

impl Clone for Positions {
    fn clone(&self) -> Self {
        Positions::default()
    }
}

impl Positions {
    /// The least distance between two places kept for steps back.
    pub const CHECKPOINT: usize = 1024;

    /// The line and column of byte `offset` in `text` (always the same text), as
    /// [`LineIndex::position`] gives them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        if let Some(index) = self.index.get() {
            return index.position(text, offset);
        }
        let Ok(mut state) = self.state.lock() else {
            return self.indexed(text, offset);
        };
        let bytes = text.as_bytes();
        let ascii = *state.ascii.get_or_insert_with(|| text.is_ascii());
        let at = if offset >= state.cursor.offset && state.cursor.offset <= bytes.len() {
            let at = state.cursor.advanced(bytes, offset, ascii);
            let last = state.checkpoints.last().map_or(0, |c| c.offset);
            if at.offset >= last + Self::CHECKPOINT {
                state.checkpoints.push(at);
            }
            at
        } else {
            // A step back: from the nearest place kept before it (the top of the text if
            // none), while what such steps count stays within twice the text.
            let kept = state.checkpoints.partition_point(|c| c.offset <= offset);
            let from = kept
                .checked_sub(1)
                .and_then(|k| state.checkpoints.get(k).copied())
                .unwrap_or_default();
            state.counted_back += offset - from.offset;
            if state.counted_back > 2 * bytes.len() {
                drop(state);
                return self.indexed(text, offset);
            }
            from.advanced(bytes, offset, ascii)
        };
        state.cursor = at;
        Position {
            line: at.line,
            column: at.chars + 1,
        }
    }

    fn indexed(&self, text: &str, offset: usize) -> Position {
        self.index
            .get_or_init(|| LineIndex::new(text))
            .position(text, offset)
    }
}

// Where each line starts: 0, then after every line feed, found by a vectorised search in
// one pass, the vector sized for one line in 32 bytes first (a small text grows it once at
// most; counting the lines first was a second pass as long as the first).
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    starts
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

    #[test]
    fn positions_asked_in_any_order_are_those_of_the_index() {
        let text = "ab\n\u{e7}d\r\n\n  \u{20ac}x\ny";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        // In order, backwards (past the restarts, onto the index), and alternating.
        let mut orders = vec![offsets.clone(), offsets.iter().rev().copied().collect()];
        orders.push(
            offsets
                .iter()
                .flat_map(|&o| [o, text.len() - o.min(text.len())])
                .collect(),
        );
        for order in orders {
            let positions = Positions::default();
            for &offset in &order {
                assert_eq!(
                    positions.position(text, offset),
                    index.position(text, offset),
                    "offset {offset}"
                );
            }
        }
        let positions = Positions::default();
        for &offset in &offsets {
            positions.position(text, offset);
        }
        assert!(positions.index.get().is_none(), "in order: no index built");
    }

    #[test]
    fn line_starts_are_found_in_every_place_of_a_word() {
        // Line feeds at every offset of an eight-byte word, beside bytes one above and one
        // below them (which the word test may flag wrongly), and at the very end.
        let mut text = Vec::new();
        for gap in 0..20 {
            text.extend(std::iter::repeat_n(b'a', gap));
            text.extend_from_slice(b"\n\x0b\t\n\n");
        }
        text.extend_from_slice(b"tail\n");
        let expected: Vec<usize> = std::iter::once(0)
            .chain(
                text.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        assert_eq!(line_starts(&text), expected);
        assert_eq!(line_starts(b""), [0]);
        assert_eq!(line_starts(b"\n"), [0, 1]);
    }

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
        assert!(lines.positions.index.get().is_none());
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
