//! Field values that know where they came from: the text of a field (possibly joined from
//! obs-fold continuation lines) mapped back to `tern_diag::Position`s in the source.

use tern_diag::Position;

/// A piece of text (a field value, possibly joined from obs-fold continuation lines) that
/// can map every byte offset back to its position in the source.
///
/// Lookups cost no more than the distance to the nearest anchor (a line start), and nothing
/// for ASCII text, so that readers stay linear on long lines; readers walking a value from
/// left to right cut it with the character count they already have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    text: String,
    // Where the text starts (offset 0), and one anchor per further source line the text
    // comes from (obs-fold), sorted: most values have one line and no second allocation.
    first: Anchor,
    folds: Vec<Anchor>,
    // The text is ASCII: columns are byte distances.
    ascii: bool,
}

/// Where a source line's part of the text starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    /// Byte offset in the text.
    offset: usize,
    /// Characters before `offset` in the text.
    chars: usize,
    /// Source position of the byte at `offset`.
    position: Position,
}

impl Located {
    /// Text starting at `position` on a single source line.
    pub fn new(text: impl Into<String>, position: Position) -> Self {
        let text = text.into();
        Located {
            ascii: text.is_ascii(),
            text,
            first: Anchor {
                offset: 0,
                chars: 0,
                position,
            },
            folds: Vec::new(),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the text starts.
    pub fn position(&self) -> Position {
        self.first.position
    }

    /// The source position of the byte at `offset` in [`Located::text`].
    pub fn position_at(&self, offset: usize) -> Position {
        let offset = tern_diag::floor_char_boundary(&self.text, offset);
        let anchor = self.anchor_before(offset);
        let columns = if self.ascii {
            offset - anchor.offset
        } else {
            self.text[anchor.offset..offset].chars().count()
        };
        column_after(anchor.position, columns)
    }

    /// Appends a continuation line (obs-fold): a single space, then `text` from `position`.
    pub(crate) fn push_folded(&mut self, text: &str, position: Position) {
        // Counted from the last anchor: many folds stay linear.
        let last = self.folds.last().unwrap_or(&self.first);
        let chars = if self.ascii {
            self.text.len()
        } else {
            last.chars + self.text[last.offset..].chars().count()
        };
        self.text.push(' ');
        self.folds.push(Anchor {
            offset: self.text.len(),
            chars: chars + 1,
            position,
        });
        self.text.push_str(text);
        self.ascii &= text.is_ascii();
    }

    /// The sub-text `start..end`, where `chars` characters precede `start`: no counting.
    pub(crate) fn slice_at(&self, start: usize, chars: usize, end: usize) -> Located {
        let start = tern_diag::floor_char_boundary(&self.text, start);
        let end = tern_diag::floor_char_boundary(&self.text, end).max(start);
        let anchor = self.anchor_before(start);
        let text = &self.text[start..end];
        // The folds inside the slice, found by binary search: slicing every element of a
        // long folded value stays linear.
        let from = self.folds.partition_point(|a| a.offset <= start);
        let to = self.folds.partition_point(|a| a.offset < end).max(from);
        let folds = self.folds[from..to]
            .iter()
            .map(|a| Anchor {
                offset: a.offset - start,
                chars: a.chars - chars,
                position: a.position,
            })
            .collect();
        Located {
            ascii: self.ascii || text.is_ascii(),
            text: text.to_owned(),
            first: Anchor {
                offset: 0,
                chars: 0,
                position: column_after(anchor.position, chars - anchor.chars),
            },
            folds,
        }
    }

    fn anchor_before(&self, offset: usize) -> Anchor {
        match self.folds.partition_point(|a| a.offset <= offset) {
            0 => self.first,
            n => self.folds[n - 1],
        }
    }
}

fn column_after(position: Position, columns: usize) -> Position {
    Position::new(position.line, position.column + columns)
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
        let b = value.slice_at(5, 5, 8);
        assert_eq!(b.text(), "b=2");
        assert_eq!(b.position_at(2), Position::new(4, 4));
    }

    #[test]
    fn columns_count_characters() {
        let value = Located::new("tïtle=x", Position::new(1, 1));
        assert_eq!(value.position_at(7), Position::new(1, 7));
        let mut folded = Located::new("é=1,", Position::new(1, 5));
        folded.push_folded("ü=2, x=3", Position::new(2, 3));
        // "é=1, ü=2, x=3": `x` is byte 12, character 10; the fold starts at character 5.
        assert_eq!(folded.position_at(12), Position::new(2, 8));
        let x = folded.slice_at(12, 10, 15);
        assert_eq!((x.text(), x.position()), ("x=3", Position::new(2, 8)));
        let u = folded.slice_at(6, 5, 10);
        assert_eq!((u.text(), u.position_at(3)), ("ü=2", Position::new(2, 5)));
    }
}
