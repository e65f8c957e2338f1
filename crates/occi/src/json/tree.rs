//! A small JSON reader and writer that keep what `application/occi+json` needs and `serde_json`
//! drops: the position of every value (for findings) and the exact text of numbers (so
//! `2.50` stays `2.50`). Nesting is bounded, duplicate member names are refused.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Rule};
use crate::position::Position;

/// Deepest nesting accepted; OCCI documents need about eight levels.
pub const MAX_DEPTH: usize = 64;

/// A JSON value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Where it starts.
    pub position: Position,
}

/// The JSON value kinds; numbers keep their text, objects their member order.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly as written.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A value without a meaningful position (built, not parsed).
    pub fn new(value: JsonValue) -> Self {
        Json {
            value,
            position: Position::START,
        }
    }

    /// The member `name` of an object.
    pub fn get(&self, name: &str) -> Option<&Json> {
        match &self.value {
            JsonValue::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn members(&self) -> Option<&[(String, Json)]> {
        match &self.value {
            JsonValue::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON type name (`object`, `array`, `string`, `number`, `boolean`, `null`).
    pub fn type_name(&self) -> &'static str {
        match self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Number(_) => "number",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }

    /// Renders with two-space indentation and a final newline.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        write_value(self, 0, &mut out);
        out.push('\n');
        out
    }

    /// Renders on one line.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        write_compact(self, &mut out);
        out
    }
}

/// Parses a JSON text.
pub fn parse_json(src: &str) -> Result<Json, Diagnostic> {
    let mut reader = Reader {
        src,
        bytes: src.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
    };
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.at < reader.bytes.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Reader<'a> {
    src: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: u32,
    line_start: usize,
}

impl Reader<'_> {
    fn position(&self) -> Position {
        let column = self.src[self.line_start..self.at].chars().count() + 1;
        Position::new(self.line, u32::try_from(column).unwrap_or(u32::MAX))
    }

    fn error(&self, message: &str) -> Diagnostic {
        Diagnostic::error(Rule::JsonSyntax, self.position(), message)
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, Diagnostic> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let position = self.position();
        let value = match self.bytes.get(self.at) {
            None => return Err(self.error("unexpected end of input, expected a value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b't') => self.literal("true", JsonValue::Bool(true))?,
            Some(b'f') => self.literal("false", JsonValue::Bool(false))?,
            Some(b'n') => self.literal("null", JsonValue::Null)?,
            Some(b'-' | b'0'..=b'9') => JsonValue::Number(self.number()?),
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Json { value, position })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, Diagnostic> {
        if self.src[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<String, Diagnostic> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let s = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at - s
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let n = digits(self);
        if n == 0 || (n > 1 && self.bytes[int_start] == b'0') {
            return Err(self.error("malformed number"));
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("malformed number: digits expected after `.`"));
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("malformed number: digits expected in the exponent"));
            }
        }
        Ok(self.src[start..self.at].to_owned())
    }

    fn string(&mut self) -> Result<String, Diagnostic> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let Some(&e) = self.bytes.get(self.at) else {
                        return Err(self.error("unterminated string"));
                    };
                    self.at += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.error("invalid escape in string")),
                    }
                }
                0..=0x1f => return Err(self.error("control character in string")),
                _ => {
                    // Copy a run of plain characters at once (the input is valid UTF-8).
                    let start = self.at;
                    while self
                        .bytes
                        .get(self.at)
                        .is_some_and(|&c| c != b'"' && c != b'\\' && c >= 0x20)
                    {
                        self.at += 1;
                    }
                    out.push_str(&self.src[start..self.at]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Diagnostic> {
        let text = self
            .src
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("truncated \\u escape"))?;
        let v = u32::from_str_radix(text, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, Diagnostic> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.src[self.at..].starts_with("\\u") {
                return Err(self.error("lone surrogate in \\u escape"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("invalid surrogate pair"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, Diagnostic> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, Diagnostic> {
        self.at += 1;
        let mut members: Vec<(String, Json)> = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.error("expected a member name in quotes"));
            }
            let name_position = self.position();
            let name = self.string()?;
            if members.iter().any(|(k, _)| *k == name) {
                return Err(Diagnostic::error(
                    Rule::JsonSyntax,
                    name_position,
                    format!("member `{name}` appears twice"),
                ));
            }
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b':') {
                return Err(self.error("expected `:` after the member name"));
            }
            self.at += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push((name, value));
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }
}

fn write_value(json: &Json, indent: usize, out: &mut String) {
    match &json.value {
        JsonValue::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(indent + 1, out);
                write_value(item, indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push(']');
        }
        JsonValue::Object(members) if !members.is_empty() => {
            out.push('{');
            for (i, (name, value)) in members.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(indent + 1, out);
                write_string(name, out);
                out.push_str(": ");
                write_value(value, indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push('}');
        }
        _ => write_compact(json, out),
    }
}

fn write_compact(json: &Json, out: &mut String) {
    match &json.value {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(n) => out.push_str(n),
        JsonValue::String(s) => write_string(s, out),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        JsonValue::Object(members) => {
            out.push('{');
            for (i, (name, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_compact(value, out);
            }
            out.push('}');
        }
    }
}

fn pad(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text_and_round_trip() {
        let src = "{\"a\": [2.50, -1, 1e9, 0], \"b\": \"x\\\"\\u00e9\\ud83d\\ude00\", \"c\": {\"d\": null, \"e\": true}}";
        let json = parse_json(src).unwrap();
        let JsonValue::Array(items) = &json.get("a").unwrap().value else {
            panic!()
        };
        assert_eq!(items[0].value, JsonValue::Number("2.50".into()));
        assert_eq!(json.get("b").unwrap().as_str(), Some("x\"é😀"));
        let again = parse_json(&json.to_pretty()).unwrap();
        assert_eq!(again.to_compact(), json.to_compact());
    }

    #[test]
    fn errors_have_positions() {
        let e = parse_json("{\n  \"a\": 01\n}").unwrap_err();
        assert_eq!(e.position, Some(Position::new(2, 10)));
        let e = parse_json("{\"a\":1,\"a\":2}").unwrap_err();
        assert!(e.message.contains("twice"));
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "\"\\x\"",
            "tru",
            "1 2",
            "\"\u{1}\"",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse_json(&deep).unwrap_err().message.contains("deeply"));
    }
}
