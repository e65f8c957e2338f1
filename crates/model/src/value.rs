//! Attribute values: typed, but numbers keep their lexical form so that a value read from
//! one rendering is written back exactly as it came (`2.50` stays `2.50`).

use std::fmt;

use serde::{Serialize, Serializer};

/// An attribute value (GFD.221 attribute types Object, List, Hash; JSON rendering types).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (also used for enum members, URIs, IP addresses).
    String(String),
    /// A number with its exact lexical form.
    Number(Number),
    /// A boolean.
    Boolean(bool),
    /// An ordered list.
    List(Vec<Value>),
    /// A map with its member order kept.
    Hash(Vec<(String, Value)>),
}

/// A decimal number kept as written: `2`, `2.50`, `-1`, `1e9`.
///
/// ```
/// use tern_model::Number;
/// let n = Number::parse("2.50").unwrap();
/// assert_eq!(n.as_str(), "2.50");
/// assert_eq!(n.as_f64(), 2.5);
/// assert_eq!(n.as_i64(), None);
/// assert_eq!(Number::parse("4").unwrap().as_i64(), Some(4));
/// assert!(Number::parse("four").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    text: String,
}

impl Number {
    /// Accepts JSON's number grammar plus the forms text renderings produce (`.5`, `2.`).
    pub fn parse(text: &str) -> Option<Number> {
        let bytes = text.as_bytes();
        let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
        let int_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut digits = i - int_start;
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let frac_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            digits += i - frac_start;
        }
        if digits == 0 {
            return None;
        }
        if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
            i += 1;
            if i < bytes.len() && matches!(bytes[i], b'-' | b'+') {
                i += 1;
            }
            let exp_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == exp_start {
                return None;
            }
        }
        (i == bytes.len()).then(|| Number {
            text: text.to_owned(),
        })
    }

    /// The lexical form, exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the lexical form has no fraction and no exponent.
    pub fn is_integer(&self) -> bool {
        !self.text.contains(['.', 'e', 'E'])
    }

    /// The value as an integer, when it is written as one and fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.text.trim_start_matches('+').parse().ok()
        } else {
            None
        }
    }

    /// The value as a float (may round; use the lexical form for exact work).
    pub fn as_f64(&self) -> f64 {
        // The grammar checked in `parse` is a subset of what Rust's float parser takes.
        self.text
            .trim_start_matches('+')
            .parse()
            .unwrap_or(f64::NAN)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number {
            text: n.to_string(),
        }
    }
}

impl From<u32> for Number {
    fn from(n: u32) -> Self {
        Number {
            text: n.to_string(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Value {
    /// The name of the value's type as the JSON rendering spells it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Boolean(_) => "boolean",
            Value::List(_) => "array",
            Value::Hash(_) => "object",
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as plain text: a string as it is, without the quotes and escapes of
    /// [`Display`](fmt::Display); anything else as `Display` writes it.
    ///
    /// ```
    /// use tern_model::{Number, Value};
    /// assert_eq!(Value::from("a \"b\"").to_plain_string(), "a \"b\"");
    /// assert_eq!(Value::from("a \"b\"").to_string(), "\"a \\\"b\\\"\"");
    /// assert_eq!(Value::from(Number::parse("2.50").unwrap()).to_plain_string(), "2.50");
    /// ```
    pub fn to_plain_string(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Converts from JSON; `null` has no OCCI counterpart and yields `None`.
    pub fn from_json(json: &serde_json::Value) -> Option<Value> {
        Some(match json {
            serde_json::Value::Null => return None,
            serde_json::Value::Bool(b) => Value::Boolean(*b),
            serde_json::Value::Number(n) => Value::Number(Number {
                text: n.to_string(),
            }),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().filter_map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Hash(
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), Value::from_json(v)?)))
                    .collect(),
            ),
        })
    }

    /// Converts to JSON. A number whose lexical form JSON cannot carry (`+1`, `.5`) is
    /// normalised through its float value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Boolean(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n.as_str())
                .ok()
                .or_else(|| n.as_i64().map(serde_json::Number::from))
                .or_else(|| serde_json::Number::from_f64(n.as_f64()))
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Hash(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            Value::Number(n) => f.write_str(n.as_str()),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::List(_) | Value::Hash(_) => write!(f, "{}", self.to_json()),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Boolean(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}
