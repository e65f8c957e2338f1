//! Where things are in a JSON text: `serde_json` reports line and column for syntax errors
//! only, so semantic findings ("`copy` and `move` are exclusive") locate their key here.

use std::collections::HashMap;

/// A place in a text: byte offset plus 1-based line and column (column counted in chars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset.
    pub offset: usize,
}

/// Positions of every member key and array element of a (syntactically valid) JSON text,
/// addressed by JSON pointer (RFC 6901), plus the pointers of duplicated keys.
#[derive(Debug, Clone, Default)]
pub struct PositionIndex {
    line_starts: Vec<usize>,
    text_len: usize,
    at: HashMap<String, usize>,
    duplicates: Vec<(String, usize)>,
}

impl PositionIndex {
    /// Indexes `text`. Call it on text `serde_json` accepted: on anything else the index is
    /// partial (never a panic).
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut index = Self {
            line_starts,
            text_len: text.len(),
            ..Self::default()
        };
        let mut scanner = Scanner {
            text: text.as_bytes(),
            pos: 0,
        };
        scanner.skip_ws();
        index.at.insert(String::new(), scanner.pos);
        scanner.value(&mut String::new(), &mut index);
        index
    }

    /// Position of the key (for members) or the element (for array items) at `pointer`;
    /// `""` is the whole document.
    pub fn get(&self, pointer: &str) -> Option<Position> {
        self.at.get(pointer).map(|&offset| self.position(offset))
    }

    /// Position of `pointer`, or of its closest indexed ancestor, or of the start.
    pub fn nearest(&self, pointer: &str) -> Position {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.get(p) {
                return pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.position(0),
            }
        }
    }

    /// Keys that occur twice in the same object: (pointer, byte offset of the repeat).
    pub fn duplicates(&self) -> impl Iterator<Item = (&str, Position)> {
        self.duplicates
            .iter()
            .map(|(p, o)| (p.as_str(), self.position(*o)))
    }

    /// Converts a byte offset to line and column.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text_len);
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        Position {
            line,
            column: offset - start + 1,
            offset,
        }
    }

    /// Line and column from a byte offset, for texts whose index was not built.
    pub fn position_in(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line,
            column: before[start..].chars().count() + 1,
            offset,
        }
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(c),
        }
    }
}

/// `pointer` + `/token`, escaped.
pub fn child(pointer: &str, token: &str) -> String {
    let mut p = pointer.to_owned();
    push_token(&mut p, token);
    p
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    // Recursion depth is bounded by serde_json's own limit (128), which the text passed.
    fn value(&mut self, pointer: &mut String, index: &mut PositionIndex) {
        match self.peek() {
            Some(b'{') => self.object(pointer, index),
            Some(b'[') => self.array(pointer, index),
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    fn object(&mut self, pointer: &mut String, index: &mut PositionIndex) {
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => {
                    self.pos += 1;
                    return;
                }
                _ => return,
            }
            let key_at = self.pos;
            let key = self.string();
            let len = pointer.len();
            push_token(pointer, &key);
            if index.at.contains_key(pointer.as_str()) {
                index.duplicates.push((pointer.clone(), key_at));
            } else {
                index.at.insert(pointer.clone(), key_at);
            }
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            self.skip_ws();
            self.value(pointer, index);
            pointer.truncate(len);
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    fn array(&mut self, pointer: &mut String, index: &mut PositionIndex) {
        self.pos += 1;
        let mut i = 0usize;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return;
                }
                None => return,
                Some(_) => {}
            }
            let len = pointer.len();
            push_token(pointer, &i.to_string());
            index.at.insert(pointer.clone(), self.pos);
            let before = self.pos;
            self.value(pointer, index);
            pointer.truncate(len);
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            } else if self.pos == before {
                return;
            }
            i += 1;
        }
    }

    // Returns the unescaped content of the string at `pos` (a `"`), leaving `pos` after it.
    fn string(&mut self) -> String {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    let raw = &self.text[start..self.pos - 1];
                    let quoted = [b"\"", raw, b"\""].concat();
                    return serde_json::from_slice::<String>(&quoted)
                        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
                }
                _ => {}
            }
        }
        String::from_utf8_lossy(&self.text[start..]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_elements_are_located() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": 2}]},\n  \"a\": 3\n}";
        let index = PositionIndex::new(text);
        assert_eq!(index.get("/a").map(|p| (p.line, p.column)), Some((2, 3)));
        assert_eq!(
            index.get("/a/b~1c").map(|p| (p.line, p.column)),
            Some((2, 9))
        );
        assert_eq!(
            index.get("/a/b~1c/1/d").map(|p| (p.line, p.column)),
            Some((2, 21))
        );
        let dups: Vec<_> = index
            .duplicates()
            .map(|(p, pos)| (p.to_owned(), pos.line))
            .collect();
        assert_eq!(dups, vec![("/a".to_owned(), 3)]);
        assert_eq!(index.nearest("/a/zzz").line, 2);
    }

    #[test]
    fn escaped_keys_are_unescaped() {
        let index = PositionIndex::new(r#"{"a\"b": 1, "\u00e9": 2}"#);
        assert!(index.get("/a\"b").is_some());
        assert!(index.get("/\u{e9}").is_some());
    }
}
