//! Source positions: every token the lexer produces can say where it came from.

use std::fmt;

/// A 1-based line and column in the input (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl Position {
    /// The first character of the input.
    pub const START: Position = Position { line: 1, column: 1 };

    /// A position from a line and a column.
    pub fn new(line: u32, column: u32) -> Self {
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A piece of text (a field value, possibly joined from obs-fold continuation lines) that
/// can map every byte offset back to its position in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    text: String,
    // (offset in `text`, source position of that byte); sorted, first offset is 0.
    anchors: Vec<(usize, Position)>,
}

impl Located {
    /// Text starting at `position` on a single source line.
    pub fn new(text: impl Into<String>, position: Position) -> Self {
        Located {
            text: text.into(),
            anchors: vec![(0, position)],
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the text starts.
    pub fn position(&self) -> Position {
        self.position_at(0)
    }

    /// The source position of the byte at `offset` in [`Located::text`].
    pub fn position_at(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self
            .anchors
            .partition_point(|(o, _)| *o <= offset)
            .saturating_sub(1);
        let (start, position) = self.anchors[index];
        let columns = self.text[start..offset].chars().count();
        Position {
            line: position.line,
            column: position
                .column
                .saturating_add(u32::try_from(columns).unwrap_or(u32::MAX)),
        }
    }

    /// Appends a continuation line (obs-fold): a single space, then `text` from `position`.
    pub(crate) fn push_folded(&mut self, text: &str, position: Position) {
        self.text.push(' ');
        self.anchors.push((self.text.len(), position));
        self.text.push_str(text);
    }

    /// The sub-text `start..end`, keeping positions.
    pub(crate) fn slice(&self, start: usize, end: usize) -> Located {
        let start = floor_char_boundary(&self.text, start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, end.min(self.text.len())).max(start);
        let mut anchors = vec![(0, self.position_at(start))];
        anchors.extend(
            self.anchors
                .iter()
                .filter(|(o, _)| *o > start && *o < end)
                .map(|(o, p)| (o - start, *p)),
        );
        Located {
            text: self.text[start..end].to_owned(),
            anchors,
        }
    }

    /// The text without leading and trailing spaces and tabs, keeping positions.
    pub(crate) fn trim(&self) -> Located {
        let start = self.text.len() - self.text.trim_start_matches([' ', '\t']).len();
        let end = self.text.trim_end_matches([' ', '\t']).len().max(start);
        self.slice(start, end)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_folded_lines() {
        let mut value = Located::new("a=1,", Position::new(3, 19));
        value.push_folded("b=2", Position::new(4, 2));
        assert_eq!(value.text(), "a=1, b=2");
        assert_eq!(value.position_at(0), Position::new(3, 19));
        assert_eq!(value.position_at(3), Position::new(3, 22));
        assert_eq!(value.position_at(5), Position::new(4, 2));
        assert_eq!(value.position_at(7), Position::new(4, 4));
        let b = value.slice(5, 8);
        assert_eq!(b.text(), "b=2");
        assert_eq!(b.position_at(2), Position::new(4, 4));
    }

    #[test]
    fn columns_count_characters() {
        let value = Located::new("tïtle=x", Position::new(1, 1));
        assert_eq!(value.position_at(7), Position::new(1, 7));
    }
}
