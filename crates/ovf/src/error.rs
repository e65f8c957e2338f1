//! Byte spans, line/column positions and the reader's error type.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` into the original document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not UTF-8 (UTF-16 and legacy encodings are not supported).
    NotUtf8,
    /// The input exceeds the configured size limit.
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Elements are nested deeper than the configured limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A `<!DOCTYPE ...>` declaration: DTDs (and with them entity declarations) are refused.
    Dtd,
    /// An entity reference other than the five predefined ones or a character reference.
    UndefinedEntity(String),
    /// A character reference to a code point that is not an XML character.
    InvalidCharRef(String),
    /// A namespace prefix with no `xmlns:` declaration in scope.
    UnboundPrefix(String),
    /// Any other well-formedness error reported by the XML tokenizer.
    Syntax(String),
    /// No root element, or more than one.
    NoRoot,
}

/// A reader error with its byte span and line/column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {kind}", position.line, position.column)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Where, in bytes.
    pub span: Span,
    /// Where, as line and column.
    pub position: Position,
}

/// Maps byte offsets to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
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

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::NotUtf8 => f.write_str(
                "the document is not valid UTF-8 (only UTF-8 descriptors are supported)",
            ),
            ParseErrorKind::TooLarge { size, limit } => write!(
                f,
                "the document is {size} bytes, more than the limit of {limit} bytes"
            ),
            ParseErrorKind::TooDeep { limit } => {
                write!(f, "elements are nested deeper than the limit of {limit}")
            }
            ParseErrorKind::Dtd => f.write_str(
                "a DOCTYPE declaration is not allowed: DTDs and entity declarations are refused",
            ),
            ParseErrorKind::UndefinedEntity(name) => write!(
                f,
                "undefined entity reference `&{name};` (only &lt; &gt; &amp; &apos; &quot; and character references are allowed)"
            ),
            ParseErrorKind::InvalidCharRef(text) => {
                write!(
                    f,
                    "character reference `&{text};` is not a valid XML character"
                )
            }
            ParseErrorKind::UnboundPrefix(prefix) => {
                write!(f, "namespace prefix `{prefix}` is not declared")
            }
            ParseErrorKind::Syntax(message) => write!(f, "malformed XML: {message}"),
            ParseErrorKind::NoRoot => f.write_str("the document has no single root element"),
        }
    }
}

impl ParseError {
    /// Renders the error like a compiler diagnostic: a header naming `file:line:col`, the
    /// offending source line and a caret under the column.
    pub fn render(&self, file: &str, source: &str) -> String {
        let Position { line, column } = self.position;
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        // Long single-line documents (XenServer writes one line) would flood the terminal.
        let (shown, caret_col) = window(text, column);
        let gutter = line.to_string().len();
        format!(
            "{file}:{line}:{column}: error: {kind}\n{pad} |\n{line} | {shown}\n{pad} | {caret:>width$}\n",
            kind = self.kind,
            pad = " ".repeat(gutter),
            caret = "^",
            width = caret_col,
        )
    }
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex { starts: vec![0] }
    }
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The line and column of byte `offset` in `text` (the text this index was built from).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }
}

// Shows at most ~100 characters around `column` and returns the caret column inside them.
fn window(text: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= WIDTH {
        return (text.to_string(), column);
    }
    let start = column.saturating_sub(WIDTH / 2).min(chars.len() - WIDTH);
    let shown: String = chars[start..start + WIDTH].iter().collect();
    (shown, column - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd\ne";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: byte 5 is 'd', the second character of line 2.
        assert_eq!(index.position(text, 5), Position { line: 2, column: 2 });
        assert_eq!(index.position(text, 7), Position { line: 3, column: 1 });
    }

    #[test]
    fn render_points_at_the_column() {
        let err = ParseError {
            kind: ParseErrorKind::Dtd,
            span: Span::new(4, 5),
            position: Position { line: 1, column: 5 },
        };
        let out = err.render("x.ovf", "abc <!DOCTYPE>");
        assert!(out.starts_with("x.ovf:1:5: error: a DOCTYPE"), "{out}");
        assert!(out.contains("1 | abc <!DOCTYPE>\n  |     ^"), "{out}");
    }
}
