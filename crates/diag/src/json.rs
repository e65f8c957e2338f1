//! A JSON reader that keeps what `serde_json` drops: where every value and member name
//! starts (so a finding about a member can name its line and column) and the exact text of
//! numbers (so `2.50` stays `2.50`). Nesting is bounded; duplicate member names are refused or
//! kept, as the caller chooses. Cost is linear in the input.
//!
//! The tree keeps byte offsets only; line and column are computed when a finding is reported,
//! from one [`Lines`] per text (a text read without a finding counts no line, and the read
//! loop does no line or column bookkeeping).
//!
//! ```
//! use tern_diag::{Lines, Position, json};
//!
//! let text = "{\n  \"é\": [1, true]\n}";
//! let root = json::parse(text)?;
//! let lines = Lines::new(text);
//! let member = &root.members().unwrap()[0];
//! assert_eq!(member.position(&lines), Position::new(2, 3));
//! assert_eq!(root.pointer("/é/1").unwrap().position(&lines), Position::new(2, 12));
//! # Ok::<(), json::JsonError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::hash::BuildHasher;

use crate::position::{LineIndex, Lines, Position};

/// The default bound on nesting; OCCI documents need about eight levels, CDMI bodies a few
/// more for metadata.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// A JSON value and where it starts ([`Json::position`] gives its line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Its first byte in the input (0 when built, not read).
    pub offset: usize,
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
    /// An object, members in order, each with the position of its name.
    Object(Vec<Member>),
}

/// An object member: its name, where the name starts ([`Member::position`] gives its line
/// and column), and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The member name, unescaped.
    pub name: String,
    /// The byte of the name's opening quote in the input (0 when built, not read).
    pub offset: usize,
    /// The value.
    pub value: Json,
}

/// Locates many JSON pointers into one value ([`Json::locate`] for each), as a validator
/// that reports one finding per member does: an object of more than [`Locator::LINEAR`]
/// members gets an index of its names the first time a pointer goes through it, so that
/// n pointers into an object of n members cost O(n), not O(n²). A name given twice is
/// located at its first member, as [`Json::locate`] does.
#[derive(Debug)]
pub struct Locator<'j> {
    root: &'j Json,
    /// Each indexed object (by its members' address): name → index of its first member.
    indexes: HashMap<usize, HashMap<&'j str, usize, foldhash::quality::RandomState>>,
}

impl Locator<'_> {
    /// Objects with at most this many members are looked through in turn.
    pub const LINEAR: usize = 16;

    /// As [`Json::locate`] on the value the locator was made for.
    pub fn locate(&mut self, pointer: &str) -> usize {
        let indexes = &mut self.indexes;
        self.root.locate_with(pointer, |members, name| {
            if members.len() <= Self::LINEAR {
                return members.iter().position(|m| m.name == name);
            }
            indexes
                .entry(members.as_ptr() as usize)
                .or_insert_with(|| {
                    let mut index = HashMap::with_capacity_and_hasher(
                        members.len(),
                        foldhash::quality::RandomState::default(),
                    );
                    for (i, m) in members.iter().enumerate() {
                        index.entry(m.name.as_str()).or_insert(i);
                    }
                    index
                })
                .get(name)
                .copied()
        })
    }
}

/// What to do with a member name that appears twice in one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Refuse the text (RFC 8259 leaves the meaning open; OCCI readers must not guess).
    #[default]
    Refuse,
    /// Keep both in order, for readers that report duplicates as findings themselves.
    Keep,
}

/// How to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Deepest nesting accepted.
    pub max_depth: usize,
    /// Duplicate member names.
    pub duplicates: Duplicates,
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub message: String,
    /// Where (computed once, for the error).
    pub position: Position,
    /// The byte where it went wrong.
    pub offset: usize,
}

/// Reads `src` with the default options (depth 64, duplicates refused).
pub fn parse(src: &str) -> Result<Json, JsonError> {
    parse_with(src, Options::default())
}

/// Reads `src`.
pub fn parse_with(src: &str, options: Options) -> Result<Json, JsonError> {
    let mut reader = Reader {
        src,
        bytes: src.as_bytes(),
        options,
        at: 0,
        items: Vec::new(),
        members: Vec::new(),
        hashes: Vec::new(),
        keys: None,
    };
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.at < reader.bytes.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_depth: DEFAULT_MAX_DEPTH,
            duplicates: Duplicates::Refuse,
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

impl std::error::Error for JsonError {}

impl Json {
    /// A value without a meaningful position (built, not read).
    pub fn new(value: JsonValue) -> Self {
        Json { value, offset: 0 }
    }

    /// Where the value starts in the text `lines` indexes (the one it was read from).
    pub fn position(&self, lines: &Lines<'_>) -> Position {
        lines.position(self.offset)
    }

    /// The (first) member `name` of an object.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.members()?
            .iter()
            .find(|m| m.name == name)
            .map(|m| &m.value)
    }

    /// The members, when this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            JsonValue::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn items(&self) -> Option<&[Json]> {
        match &self.value {
            JsonValue::Array(items) => Some(items),
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

    /// The value at a JSON pointer (RFC 6901); `""` is this value.
    pub fn pointer(&self, pointer: &str) -> Option<&Json> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut here = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            here = match &here.value {
                JsonValue::Object(_) => here.get(&token)?,
                JsonValue::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(here)
    }

    /// The byte where the member or element at `pointer` is: a member's name, an element's
    /// value. When the pointer leads nowhere, that of its closest existing ancestor.
    /// Looks through each object's members in turn: to locate many pointers, use a
    /// [`Locator`].
    pub fn locate(&self, pointer: &str) -> usize {
        self.locate_with(pointer, |members, name| {
            members.iter().position(|m| m.name == name)
        })
    }

    /// A [`Locator`] for pointers into this value.
    pub fn locator(&self) -> Locator<'_> {
        Locator {
            root: self,
            indexes: HashMap::new(),
        }
    }

    // `locate`, finding a member of an object through `find` (its index among `members`).
    fn locate_with<'s>(
        &'s self,
        pointer: &str,
        mut find: impl FnMut(&'s [Member], &str) -> Option<usize>,
    ) -> usize {
        let mut here = self;
        let mut offset = self.offset;
        let Some(rest) = pointer.strip_prefix('/') else {
            return offset;
        };
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            match &here.value {
                JsonValue::Object(members) => {
                    match find(members, &token).and_then(|i| members.get(i)) {
                        Some(m) => {
                            offset = m.offset;
                            here = &m.value;
                        }
                        None => break,
                    }
                }
                JsonValue::Array(items) => {
                    match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(item) => {
                            offset = item.offset;
                            here = item;
                        }
                        None => break,
                    }
                }
                _ => break,
            }
        }
        offset
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

    /// The same value as a `serde_json::Value` (numbers through `serde_json`'s own reading of
    /// their text; a later duplicate member replaces an earlier one).
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            JsonValue::Null => serde_json::Value::Null,
            JsonValue::Bool(b) => serde_json::Value::Bool(*b),
            JsonValue::Number(n) => n
                .parse::<serde_json::Number>()
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            JsonValue::String(s) => serde_json::Value::String(s.clone()),
            JsonValue::Array(items) => items.iter().map(Json::to_serde).collect(),
            JsonValue::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.name.clone(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

impl Member {
    /// Where the member's name starts in the text `lines` indexes (the one it was read from).
    pub fn position(&self, lines: &Lines<'_>) -> Position {
        lines.position(self.offset)
    }
}

/// Writes `s` as a JSON string literal (quotes included) onto `out`.
pub fn write_string(s: &str, out: &mut String) {
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

struct Reader<'a> {
    src: &'a str,
    bytes: &'a [u8],
    options: Options,
    at: usize,
    // The items and members of the arrays and objects being read, innermost last: each is
    // moved into a vector of its exact size when it ends (one allocation, no regrowth).
    items: Vec<Json>,
    members: Vec<Member>,
    // The hashes of the member names of the large objects being read, innermost last.
    hashes: Vec<u64>,
    // The key of the names' hashes in large objects, drawn for this text when the first large
    // object is met (foldhash with a random seed: keyed, so no crafted text makes names collide).
    keys: Option<foldhash::quality::RandomState>,
}

impl Reader<'_> {
    // The error at the current byte; its position is computed here, once (an index of the
    // text's lines, then one lookup).
    fn error(&self, message: &str) -> JsonError {
        self.error_at(message.to_owned(), self.at)
    }

    fn error_at(&self, message: String, offset: usize) -> JsonError {
        JsonError {
            message,
            position: LineIndex::new(self.src).position(self.src, offset),
            offset,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }
    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > self.options.max_depth {
            return Err(self.error("JSON nested too deeply"));
        }
        let offset = self.at;
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
        Ok(Json { value, offset })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        if self.src[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<String, JsonError> {
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

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        // Most strings hold no escape: one allocation of the right size.
        let start = self.at;
        let len = plain_run(&self.bytes[start..]);
        if self.bytes.get(start + len) == Some(&b'"') {
            self.at = start + len + 1;
            return Ok(self.src[start..start + len].to_owned());
        }
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
                    self.at += plain_run(&self.bytes[start..]);
                    out.push_str(&self.src[start..self.at]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let Some(text) = self.src.get(self.at..self.at + 4) else {
            return Err(self.error("truncated \\u escape"));
        };
        let Ok(v) = u32::from_str_radix(text, 16) else {
            return Err(self.error("invalid \\u escape"));
        };
        self.at += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
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
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => Err(self.error("invalid \\u escape")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.at += 1;
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(JsonValue::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            self.skip_ws();
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonValue::Array(finish(&mut self.items, base)));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.at += 1;
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(JsonValue::Object(Vec::new()));
        }
        let base = self.members.len();
        let first_hash = self.hashes.len();
        match self.object_members(depth, base, first_hash) {
            Ok(()) => {
                if let Some(repeat) = self.repeated(base, first_hash) {
                    return Err(repeat);
                }
                Ok(JsonValue::Object(finish(&mut self.members, base)))
            }
            // A name repeated before the error is where an eager check would have stopped.
            // The object's members and hashes leave the stacks, so that the enclosing objects
            // judge their own names only.
            Err((error, pending)) => {
                let pending = pending.as_ref().map(|(name, at)| (name.as_str(), *at));
                let repeat = self.first_repeat(base, pending);
                self.members.truncate(base);
                self.hashes.truncate(first_hash);
                Err(match repeat {
                    Some(repeat) if repeat.offset < error.offset => repeat,
                    _ => error,
                })
            }
        }
    }

    // The members of an object, up to its `}`, onto the scratch stack. An error comes with the
    // name being read when it happened (and its byte), whose member is not on the stack.
    #[allow(clippy::type_complexity)]
    fn object_members(
        &mut self,
        depth: usize,
        base: usize,
        first_hash: usize,
    ) -> Result<(), (JsonError, Option<(String, usize)>)> {
        loop {
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err((self.error("expected a member name in quotes"), None));
            }
            let name_offset = self.at;
            let name = self.string().map_err(|e| (e, None))?;
            if self.options.duplicates == Duplicates::Refuse && self.seen(&name, base, first_hash) {
                let message = format!("member `{name}` appears twice");
                return Err((self.error_at(message, name_offset), None));
            }
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b':') {
                let error = self.error("expected `:` after the member name");
                return Err((error, Some((name, name_offset))));
            }
            self.at += 1;
            self.skip_ws();
            let value = match self.value(depth + 1) {
                Ok(value) => value,
                Err(error) => return Err((error, Some((name, name_offset)))),
            };
            self.members.push(Member {
                name,
                offset: name_offset,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err((self.error("expected `,` or `}`"), None)),
            }
        }
    }

    // The duplicate check of one name of the object whose members start at `base`: in a
    // small object (OCCI's), whether an earlier member has it; in a large one, its hash is
    // noted (the object's hashes start at `first_hash` on their stack) for [`Reader::repeated`]
    // to judge when the object ends: sorting the hashes once reads memory in order, where a
    // set probed per name misses the cache on every name of a wide object (it took a third
    // of reading a 200 000-member object).
    fn seen(&mut self, name: &str, base: usize, first_hash: usize) -> bool {
        const PAIRWISE: usize = 12;
        let read = &self.members[base..];
        if read.len() < PAIRWISE {
            return read.iter().any(|m| m.name == name);
        }
        let keys = self
            .keys
            .get_or_insert_with(foldhash::quality::RandomState::default);
        if self.hashes.len() == first_hash {
            self.hashes
                .extend(read.iter().map(|m| keys.hash_one(m.name.as_str())));
        }
        self.hashes.push(keys.hash_one(name));
        false
    }

    // Whether the large object that ended (members from `base`, hashes from `first_hash`)
    // repeats a name: the error at the first repeat. Equal hashes are rare (a repeat, or a
    // collision of the keyed hash): only then are the names compared.
    fn repeated(&mut self, base: usize, first_hash: usize) -> Option<JsonError> {
        if self.hashes.len() == first_hash {
            return None;
        }
        let hashes = &mut self.hashes[first_hash..];
        hashes.sort_unstable();
        let clash = hashes.windows(2).any(|w| w[0] == w[1]);
        self.hashes.truncate(first_hash);
        if clash {
            self.first_repeat(base, None)
        } else {
            None
        }
    }

    // In order, the first member from `base` (then the `pending` name) whose name an earlier
    // one has: the error an eager check would have stopped at. Linear, for the rare objects
    // with a repeat and for texts that are no JSON.
    fn first_repeat(&self, base: usize, pending: Option<(&str, usize)>) -> Option<JsonError> {
        if self.options.duplicates != Duplicates::Refuse {
            return None;
        }
        let members = self.members.get(base..).unwrap_or_default();
        let mut seen = HashSet::with_capacity_and_hasher(
            members.len() + 1,
            foldhash::quality::RandomState::default(),
        );
        members
            .iter()
            .map(|m| (m.name.as_str(), m.offset))
            .chain(pending)
            .find(|(name, _)| !seen.insert(*name))
            .map(|(name, at)| self.error_at(format!("member `{name}` appears twice"), at))
    }
}

// The elements of an array or object that ended, from `base` to the top of the scratch stack.
// Most are small: moved into a vector of their exact size (one allocation, one copy). A large
// one under few enclosing elements takes the stack's vector itself, the enclosing elements
// moved out of its bottom (no second vector of its size to allocate and fault in; the stack
// starts afresh).
fn finish<T>(stack: &mut Vec<T>, base: usize) -> Vec<T> {
    const LARGE: usize = 4096;
    const FEW: usize = 64;
    if stack.len() - base < LARGE || base > FEW {
        return stack.split_off(base);
    }
    let mut whole = std::mem::take(stack);
    stack.extend(whole.drain(..base));
    whole
}

// How many bytes from the start of `bytes` a string copies as they are: up to the first `"`,
// `\` or control character (or the end). Eight bytes at a time: in a word, `(x - 0x01…) & !x &
// 0x80…` has the high bit set in the bytes of `x` that are zero (and possibly in later ones, by
// borrows, which the lowest set bit ignores); below 0x20 likewise with `x - 0x20…`.
#[inline]
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut done = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let hits = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | x.wrapping_sub(ONES * 0x20) & !x)
            & HIGH;
        if hits != 0 {
            return done + (hits.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    done + chunks
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(chunks.remainder().len())
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
            for (i, m) in members.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(indent + 1, out);
                write_string(&m.name, out);
                out.push_str(": ");
                write_value(&m.value, indent + 1, out);
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
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(&m.name, out);
                out.push(':');
                write_compact(&m.value, out);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text_and_round_trip() {
        let src = "{\"a\": [2.50, -1, 1e9, 0], \"b\": \"x\\\"\\u00e9\\ud83d\\ude00\", \"c\": {\"d\": null, \"e\": true}}";
        let json = parse(src).unwrap();
        let items = json.get("a").unwrap().items().unwrap();
        assert_eq!(items[0].value, JsonValue::Number("2.50".into()));
        assert_eq!(json.get("b").unwrap().as_str(), Some("x\"é😀"));
        let again = parse(&json.to_pretty()).unwrap();
        assert_eq!(again.to_compact(), json.to_compact());
        assert_eq!(json.to_serde()["c"]["e"], serde_json::Value::Bool(true));
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("{\n  \"a\": 01\n}").unwrap_err();
        assert_eq!(e.position, Position::new(2, 10));
        let e = parse("{\"a\":1,\"a\":2}").unwrap_err();
        assert!(e.message.contains("twice"));
        assert_eq!(e.position, Position::new(1, 8));
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
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).unwrap_err().message.contains("deeply"));
    }

    #[test]
    fn duplicates_in_large_objects_are_found_where_they_are() {
        // Past the pairwise search, names go through a set of their hashes: the first
        // repeated name is still the one reported, at its own position and byte.
        let mut text = String::from("{");
        for i in 0..5000 {
            let _ = writeln!(text, "\"m{i}\": {{\"a\": 1, \"b\": [1, 2]}},");
        }
        text.push_str("\"m17\": 0, \"m4999\": 0}");
        let e = parse(&text).unwrap_err();
        assert_eq!(e.message, "member `m17` appears twice");
        assert_eq!(e.position, Position::new(5001, 1));
        assert_eq!(e.offset, text.rfind("\"m17\"").unwrap());
        let options = Options {
            duplicates: Duplicates::Keep,
            ..Options::default()
        };
        let json = parse_with(&text, options).unwrap();
        let members = json.members().unwrap();
        assert_eq!(members.len(), 5002);
        assert_eq!(members[5000].offset, e.offset);
        // A small object, searched pairwise.
        let e = parse("{\"a\": 1, \"b\": {\"a\": 2}, \"b\": 3}").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.offset),
            ("member `b` appears twice", 24)
        );
        // Many distinct names, nested: no false duplicate.
        let wide: Vec<String> = (0..3000)
            .map(|i| format!("\"{i}\": [{{\"{i}\": {i}}}]"))
            .collect();
        let json = parse(&format!("{{{}}}", wide.join(","))).unwrap();
        assert_eq!(json.members().unwrap().len(), 3000);
        assert_eq!(
            json.pointer("/2999/0/2999").map(Json::to_compact),
            Some("2999".into())
        );
    }

    #[test]
    fn a_repeat_is_reported_where_an_eager_check_stops() {
        // Large objects judge their names when they end: a repeat before an error is still
        // the error reported, and only the names of one object are compared.
        let many = |from: usize, n: usize| -> String {
            let mut text = String::new();
            for i in from..from + n {
                let _ = write!(text, "\"m{i}\": {i}, ");
            }
            text
        };
        let cases = [
            // A repeat, then text that is no JSON, in a large object.
            (
                format!("{{{}\"m3\": 0, \"z\": tru}}", many(0, 40)),
                "member `m3` appears twice",
                "\"m3\": 0,",
            ),
            // The repeated name is the one being read when its value fails.
            (
                format!("{{{}\"m7\": [1, }}", many(0, 40)),
                "member `m7` appears twice",
                "\"m7\": [",
            ),
            // A repeat in the enclosing object, an error in a large nested one after it.
            (
                format!(
                    "{{{}\"m1\": 0, \"in\": {{{}\"x\": nul}}}}",
                    many(0, 20),
                    many(100, 30)
                ),
                "member `m1` appears twice",
                "\"m1\": 0,",
            ),
            // The same names in two objects are no repeat: the error is the syntax.
            (
                format!("{{{}\"in\": {{{}\"x\": nul}}}}", many(0, 20), many(0, 30)),
                "expected a JSON value",
                "nul}",
            ),
            (
                "{\"x\": 1, \"a\": {\"x\": 1, \"b\": tru}}".to_owned(),
                "expected a JSON value",
                "tru}",
            ),
            // A repeat found when the large object ends, the first one in text order.
            (
                format!("[{{{}\"m9\": 0, \"m2\": 0}}]", many(0, 5000)),
                "member `m9` appears twice",
                "\"m9\": 0, \"m2",
            ),
        ];
        for (text, message, at) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.message, message, "{text}");
            assert_eq!(e.offset, text.rfind(at).unwrap(), "{text}");
        }
        // Kept when asked.
        let options = Options {
            duplicates: Duplicates::Keep,
            ..Options::default()
        };
        let kept = parse_with(&format!("{{{}\"m9\": 0}}", many(0, 5000)), options).unwrap();
        assert_eq!(kept.members().unwrap().len(), 5001);
        // Names whose hashes collide in no way are no repeat, however many.
        let wide = format!("{{{}\"end\": 0}}", many(0, 100_000));
        assert_eq!(parse(&wide).unwrap().members().unwrap().len(), 100_001);
    }

    #[test]
    fn every_position_is_its_offsets_line_and_character_column() {
        // ASCII before the first other character (columns are byte counts there), then
        // characters of two to four bytes on that line and on later ones.
        fn check(json: &Json, text: &str, lines: &Lines<'_>) {
            let naive = |offset: usize| {
                let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                Position::new(
                    text[..offset].matches('\n').count() + 1,
                    text[line_start..offset].chars().count() + 1,
                )
            };
            assert_eq!(
                json.position(lines),
                naive(json.offset),
                "value at {}",
                json.offset
            );
            match &json.value {
                JsonValue::Array(items) => items.iter().for_each(|i| check(i, text, lines)),
                JsonValue::Object(members) => {
                    for m in members {
                        assert_eq!(m.position(lines), naive(m.offset), "name at {}", m.offset);
                        check(&m.value, text, lines);
                    }
                }
                _ => {}
            }
        }
        for text in [
            "{\"a\": [1, \"b\"], \"c\": {\"d\": null}}",
            "{\"a\": 1, \"é\": [\"x\", 2, \"€𝄞\"], \"z\": {\"y\": true}}",
            "{\"a\": 1,\n \"b\": \"ü\", \"c\": 2,\n  \"d\": [3, \"𝄞\", 4],\n\"e\": 5}",
            "[\"€\",\n1, 2]",
        ] {
            check(&parse(text).unwrap(), text, &Lines::new(text));
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_tree_keeps_offsets_not_positions() {
        // A wide object's cost is mostly memory: a member was 104 bytes when it carried a
        // line and column besides the offset of its name and of its value.
        assert_eq!(std::mem::size_of::<Json>(), 40);
        assert_eq!(std::mem::size_of::<Member>(), 72);
    }

    #[test]
    fn large_arrays_and_objects_keep_their_neighbours() {
        // Large values (past the size at which one takes the scratch stack's vector) at the
        // top, under a few enclosing members, under many, and side by side with small ones:
        // every value where serde_json puts it, in order.
        let big_object = |n: usize| {
            let members: Vec<String> = (0..n)
                .map(|i| format!("\"k{i}\": [{i}, {{\"x\": {i}}}]"))
                .collect();
            format!("{{{}}}", members.join(", "))
        };
        let big_array = |n: usize| {
            let items: Vec<String> = (0..n).map(|i| format!("{{\"i\": {i}}}")).collect();
            format!("[{}]", items.join(","))
        };
        let many: Vec<String> = (0..100).map(|i| format!("\"m{i}\": {i}")).collect();
        for text in [
            big_object(5000),
            big_array(5000),
            format!(
                "{{\"a\": 1, \"big\": {}, \"c\": [1, 2], \"d\": {{\"e\": 3}}}}",
                big_object(5000)
            ),
            format!(
                "[0, {}, {}, [1, {}], 2]",
                big_array(4096),
                big_object(4100),
                big_array(4200)
            ),
            format!(
                "{{{}, \"big\": {}, \"z\": 0}}",
                many.join(", "),
                big_object(4500)
            ),
        ] {
            let json = parse(&text).unwrap();
            let serde: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json.to_serde(), serde);
            assert_eq!(json.to_compact(), serde_json::to_string(&serde).unwrap());
        }
    }

    #[test]
    fn plain_runs_stop_at_the_first_quote_backslash_or_control_character() {
        // Every stop byte at every place of the first words, after plain ASCII and after
        // multi-byte characters (whose bytes are all 0x80 or more), with stop bytes after it.
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len())
        };
        for fill in [
            "abcdefghijklmnopqrstuvwxyz",
            "ééééééééééééé",
            " !#$%&'()*+,-./0",
        ] {
            for stop in [b'"', b'\\', 0, 0x1f, b'\n'] {
                for at in 0..=fill.len() {
                    let mut bytes = fill.as_bytes()[..at].to_vec();
                    bytes.push(stop);
                    bytes.extend_from_slice(b"\"\\\x01 more");
                    assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                    assert_eq!(plain_run(&bytes[..at]), at);
                }
            }
        }
        assert_eq!(plain_run(b"     !\x20\x7f\xff"), 9);
    }

    #[test]
    fn strings_with_and_without_escapes() {
        let json = parse(r#"["plain", "tab\there", "é\u00e9", "", "\"q\""]"#).unwrap();
        let items: Vec<&str> = json
            .items()
            .unwrap()
            .iter()
            .filter_map(Json::as_str)
            .collect();
        assert_eq!(items, ["plain", "tab\there", "éé", "", "\"q\""]);
        assert!(parse("\"a\u{1}b\"").is_err());
        assert!(parse("\"abc").is_err());
    }

    #[test]
    fn duplicates_can_be_kept() {
        let options = Options {
            duplicates: Duplicates::Keep,
            ..Options::default()
        };
        let json = parse_with("{\"a\":1,\n \"a\":2}", options).unwrap();
        let members = json.members().unwrap();
        assert_eq!(members.len(), 2);
        let text = "{\"a\":1,\n \"a\":2}";
        assert_eq!(members[1].position(&Lines::new(text)), Position::new(2, 2));
    }

    /// A locator answers as `locate` does, for small and indexed (large) objects alike:
    /// escaped names, array elements, a name given twice (its first member), a pointer that
    /// leads nowhere (its closest existing ancestor).
    #[test]
    fn a_locator_answers_as_locate_does() {
        let many: Vec<String> = (0..40)
            .map(|i| format!("\"k{i}\": {{\"x\": [{i}]}}"))
            .collect();
        let text = format!(
            "{{\"big\": {{{}, \"k3\": 0, \"a/b~c\": 1}}, \"small\": {{\"p\": 2}}}}",
            many.join(", ")
        );
        let json = parse_with(
            &text,
            Options {
                duplicates: Duplicates::Keep,
                ..Options::default()
            },
        )
        .unwrap();
        let mut locator = json.locator();
        let mut pointers = vec![
            "",
            "/big",
            "/big/k3",
            "/big/a~1b~0c",
            "/big/k39/x/0",
            "/big/nothing",
            "/big/k5/zzz",
            "/small/p",
            "/small/q",
            "/none",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
        pointers.extend((0..40).map(|i| format!("/big/k{i}/x")));
        for pointer in &pointers {
            assert_eq!(locator.locate(pointer), json.locate(pointer), "{pointer}");
        }
        // The first of the two members named k3.
        assert_eq!(locator.locate("/big/k3"), text.find("\"k3\"").unwrap());
    }

    #[test]
    fn pointers_find_values_and_locate_names() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": 2}]},\n  \"é\": 3\n}";
        let json = parse(text).unwrap();
        let lines = Lines::new(text);
        let locate = |pointer: &str| lines.position(json.locate(pointer));
        assert_eq!(locate("/a"), Position::new(2, 3));
        assert_eq!(locate("/a/b~1c"), Position::new(2, 9));
        assert_eq!(locate("/a/b~1c/1/d"), Position::new(2, 21));
        assert_eq!(locate("/a/zzz"), Position::new(2, 3));
        assert_eq!(locate("/é"), Position::new(3, 3));
        assert_eq!(
            json.pointer("/a/b~1c/1/d").map(|j| j.value.clone()),
            Some(JsonValue::Number("2".into()))
        );
        assert!(json.pointer("/a/b~1c/7").is_none());
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        // One line, many values: a column counts characters, not bytes.
        let mut text = String::from("[");
        for i in 0..2000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str("\"é\"");
        }
        text.push(']');
        let json = parse(&text).unwrap();
        let last = json.items().unwrap().last().unwrap();
        assert_eq!(
            last.position(&Lines::new(&text)),
            Position::new(1, 2 + 1999 * 4)
        );
    }
}
