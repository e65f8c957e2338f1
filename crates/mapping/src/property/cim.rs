//! OVF property types (DSP0243 Table 6: the CIM intrinsic types) as OCCI attribute types,
//! the qualifiers (`MinLen`, `MaxLen`, `MinValue`, `MaxValue`, `ValueMap`) as the JSON
//! Schema keywords that say the same, and property values typed without changing a digit.

use serde_json::{Map, Value as Json, json};
use tern_model::{AttributeType, Number, Value};

/// What an `ovf:type` means for a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CimType {
    /// `uintN`.
    Unsigned(u32),
    /// `sintN`; also the non-standard `int` and `integer` (as 64 bits).
    Signed(u32),
    /// `real32`, `real64`.
    Real,
    /// `boolean`.
    Boolean,
    /// `string`, and any other spelling (`ip`, `password`…).
    String,
}

impl CimType {
    /// The type named by `ovf:type` (absent: string).
    pub(crate) fn of(ty: Option<&str>) -> CimType {
        match ty.map(str::trim) {
            Some("uint8") => CimType::Unsigned(8),
            Some("uint16") => CimType::Unsigned(16),
            Some("uint32") => CimType::Unsigned(32),
            Some("uint64") => CimType::Unsigned(64),
            Some("sint8") => CimType::Signed(8),
            Some("sint16") => CimType::Signed(16),
            Some("sint32") => CimType::Signed(32),
            Some("sint64" | "int" | "integer") => CimType::Signed(64),
            Some("real32" | "real64") => CimType::Real,
            Some("boolean") => CimType::Boolean,
            _ => CimType::String,
        }
    }

    /// The OCCI attribute type and, for integers, the inclusive range of the model's
    /// 64-bit check. `uint64` reaches past `i64::MAX`: it is declared a number, and its
    /// schema says integer 0…2^64−1.
    pub(crate) fn occi(self) -> (AttributeType, Option<(i64, i64)>) {
        match self {
            CimType::Unsigned(64) | CimType::Real => (AttributeType::Float, None),
            CimType::Unsigned(bits) => (AttributeType::Integer, Some((0, (1i64 << bits) - 1))),
            CimType::Signed(64) => (AttributeType::Integer, Some((i64::MIN, i64::MAX))),
            CimType::Signed(bits) => (
                AttributeType::Integer,
                Some((-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)),
            ),
            CimType::Boolean => (AttributeType::Boolean, None),
            CimType::String => (AttributeType::String, None),
        }
    }

    /// The JSON Schema `type` and bounds.
    fn schema(self, out: &mut Map<String, Json>) {
        let (ty, bounds) = match self {
            CimType::Unsigned(bits) => ("integer", Some(("0".to_owned(), max_unsigned(bits)))),
            CimType::Signed(bits) => (
                "integer",
                Some((
                    format!("-{}", pow2(bits - 1)),
                    (pow2(bits - 1) - 1).to_string(),
                )),
            ),
            CimType::Real => ("number", None),
            CimType::Boolean => ("boolean", None),
            CimType::String => ("string", None),
        };
        out.insert("type".into(), json!(ty));
        if let Some((min, max)) = bounds {
            out.insert("minimum".into(), number(&min));
            out.insert("maximum".into(), number(&max));
        }
    }

    /// The OCCI value of `text`, when the type's value space has it and JSON can carry
    /// it digit for digit; `Err` says why it stays a string.
    pub(crate) fn value(self, text: &str) -> Result<Value, String> {
        match self {
            CimType::String => Ok(Value::String(text.to_owned())),
            CimType::Boolean => match text {
                "true" => Ok(Value::Boolean(true)),
                "false" => Ok(Value::Boolean(false)),
                _ => Err(format!("`{text}` is not `true` or `false`")),
            },
            CimType::Unsigned(_) | CimType::Signed(_) => {
                if !is_json_integer(text) {
                    return Err(format!("`{text}` is not an integer as JSON writes one"));
                }
                let fits = match self {
                    CimType::Unsigned(bits) => {
                        !text.starts_with('-')
                            && text.parse::<u128>().is_ok_and(|v| v < 1u128 << bits)
                    }
                    CimType::Signed(bits) => text.parse::<i128>().is_ok_and(|v| {
                        let half = 1i128 << (bits - 1);
                        (-half..half).contains(&v)
                    }),
                    _ => false,
                };
                if !fits {
                    return Err(format!("`{text}` is outside the type's range"));
                }
                Number::parse(text)
                    .map(Value::Number)
                    .ok_or_else(|| format!("`{text}` is not a number"))
            }
            CimType::Real => {
                if !is_json_number(text) {
                    return Err(format!("`{text}` is not a number as JSON writes one"));
                }
                Number::parse(text)
                    .map(Value::Number)
                    .ok_or_else(|| format!("`{text}` is not a number"))
            }
        }
    }
}

/// The JSON Schema of a property: its type and bounds, then what its qualifiers say.
pub(crate) fn schema(ty: CimType, qualifiers: Option<&str>) -> Map<String, Json> {
    let mut out = Map::new();
    ty.schema(&mut out);
    for qualifier in qualifiers.map(parse_qualifiers).unwrap_or_default() {
        match qualifier {
            Qualifier::MinLen(n) => {
                out.insert("minLength".into(), number(&n));
            }
            Qualifier::MaxLen(n) => {
                out.insert("maxLength".into(), number(&n));
            }
            Qualifier::MinValue(n) => {
                out.insert("minimum".into(), number(&n));
            }
            Qualifier::MaxValue(n) => {
                out.insert("maximum".into(), number(&n));
            }
            Qualifier::ValueMap(members) => {
                let members = members
                    .iter()
                    .map(|m| match ty.value(m) {
                        Ok(Value::Number(n)) => number(n.as_str()),
                        _ => json!(m),
                    })
                    .collect();
                out.insert("enum".into(), Json::Array(members));
            }
        }
    }
    out
}

/// One CIM qualifier of `ovf:qualifiers`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Qualifier {
    MinLen(String),
    MaxLen(String),
    MinValue(String),
    MaxValue(String),
    ValueMap(Vec<String>),
}

// `MinLen(1) MaxLen(64)`, `ValueMap{"a","b"}`, separated by blanks or commas. What does not
// read as one of the five is left to the verbatim copy in the declaration.
fn parse_qualifiers(text: &str) -> Vec<Qualifier> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(open) = rest.find(['(', '{']) else {
            break;
        };
        let name = rest[..open].trim().trim_start_matches(',').trim();
        let close = if rest.as_bytes()[open] == b'(' {
            ')'
        } else {
            '}'
        };
        let Some(end) = rest[open..].find(close).map(|i| open + i) else {
            break;
        };
        let arg = rest[open + 1..end].trim();
        let numeric = is_json_integer(arg).then(|| arg.to_owned());
        match (name, close, numeric) {
            ("MinLen", ')', Some(n)) => out.push(Qualifier::MinLen(n)),
            ("MaxLen", ')', Some(n)) => out.push(Qualifier::MaxLen(n)),
            ("MinValue", ')', Some(n)) => out.push(Qualifier::MinValue(n)),
            ("MaxValue", ')', Some(n)) => out.push(Qualifier::MaxValue(n)),
            ("ValueMap", '}', _) => out.push(Qualifier::ValueMap(value_map(arg))),
            _ => {}
        }
        rest = rest[end + 1..]
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
    }
    out
}

// `"a","b"` (quotes optional, commas between).
fn value_map(text: &str) -> Vec<String> {
    text.split(',')
        .map(|m| {
            let m = m.trim();
            m.strip_prefix('"')
                .and_then(|m| m.strip_suffix('"'))
                .unwrap_or(m)
                .to_owned()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

// A JSON number from its exact text (already checked to be one).
fn number(text: &str) -> Json {
    serde_json::from_str::<serde_json::Number>(text)
        .ok()
        .filter(|n| n.to_string() == text)
        .map_or_else(|| json!(text), Json::Number)
}

fn pow2(bits: u32) -> u128 {
    1u128 << bits
}

fn max_unsigned(bits: u32) -> String {
    (pow2(bits) - 1).to_string()
}

/// `-?(0|[1-9][0-9]*)`: an integer JSON writes as is.
fn is_json_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

/// The JSON number grammar (RFC 8259 §6).
fn is_json_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    is_json_integer(int) && fraction.is_none_or(digits) && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_ranges_and_values() {
        assert_eq!(
            CimType::of(Some("uint8")).occi(),
            (AttributeType::Integer, Some((0, 255)))
        );
        assert_eq!(
            CimType::of(Some("sint16")).occi(),
            (AttributeType::Integer, Some((-32768, 32767)))
        );
        assert_eq!(CimType::of(Some("uint64")).occi().0, AttributeType::Float);
        assert!(CimType::Unsigned(64).value("18446744073709551615").is_ok());
        assert!(CimType::Unsigned(64).value("18446744073709551616").is_err());
        assert!(CimType::Unsigned(8).value("256").is_err());
        assert!(CimType::Signed(8).value("-128").is_ok());
        assert!(
            CimType::Signed(8).value("007").is_err(),
            "JSON would drop the zeros"
        );
        assert!(CimType::Real.value("1.5e3").is_ok());
        assert!(CimType::Real.value("INF").is_err());
        assert!(CimType::Boolean.value("True").is_err(), "kept as written");
        assert_eq!(CimType::of(Some("ip")), CimType::String);
    }

    #[test]
    fn qualifiers_become_schema_keywords() {
        let s = schema(
            CimType::String,
            Some(r#"MinLen(8) MaxLen(64) ValueMap{"error","warn"}"#),
        );
        assert_eq!(
            Json::Object(s),
            json!({"type": "string", "minLength": 8, "maxLength": 64, "enum": ["error", "warn"]})
        );
        let s = schema(CimType::Unsigned(8), Some("MinValue(1), MaxValue(3)"));
        assert_eq!(
            Json::Object(s),
            json!({"type": "integer", "minimum": 1, "maximum": 3})
        );
        let s = schema(CimType::Unsigned(64), None);
        assert_eq!(s["maximum"].to_string(), "18446744073709551615");
    }
}
