//! Attribute definitions (GFD.221 §4.5.2 Attribute; GFD.224 attribute tables): what a
//! Kind, Mixin or Action declares about each attribute, and the check of a value against it.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::Value;

/// The declared type of an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "values")]
pub enum AttributeType {
    /// Any string.
    String,
    /// A whole number.
    Integer,
    /// A number with a fraction allowed.
    Float,
    /// `true` or `false`.
    Boolean,
    /// One of the listed strings.
    Enum(Vec<String>),
    /// An ordered list of values.
    List,
    /// A map from names to values.
    Hash,
}

/// Lexical rules the infrastructure specification states in prose for string attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A URI (RFC 3986); here: non-empty and free of whitespace.
    Uri,
    /// An HTTP token: no whitespace, no separators.
    Token,
    /// An IPv4 or IPv6 address.
    Ip,
    /// An IPv4 or IPv6 address range in CIDR notation.
    Cidr,
    /// An IEEE 802 MAC address, six hex octets.
    Mac,
    /// A category identifier `scheme#term`.
    Kind,
}

/// How many values an attribute takes (the "Multiplicity" column of GFD.224).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Multiplicity {
    /// `0..1`: optional.
    #[serde(rename = "0..1")]
    Optional,
    /// `1`: exactly one, required.
    #[serde(rename = "1")]
    One,
    /// `0..*`.
    #[serde(rename = "0..*")]
    Many,
    /// `1..*`.
    #[serde(rename = "1..*")]
    AtLeastOne,
}

/// One attribute as a category declares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeDef {
    /// Flat attribute name, e.g. `occi.compute.cores`.
    pub name: String,
    /// The value type.
    #[serde(flatten)]
    pub kind: AttributeType,
    /// A lexical rule for string values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Inclusive bounds for integers (e.g. VLAN 0–4095).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<(i64, i64)>,
    /// Unit of a quantity as the specification gives it (`GiB`, `GHz`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// How many values.
    pub multiplicity: Multiplicity,
    /// Whether clients may change the value.
    pub mutable: bool,
    /// The provider fills it in when a create request leaves it out (a NIC's MAC, a storage
    /// link's device id): required of an instance, not of a request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provider_assigned: bool,
    /// The value says where the entity came from (a file name, a source), not what it is:
    /// comparing two descriptions of the same entity ignores it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provenance: bool,
    /// The value assumed when none is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// A rendering-specific pattern (an ERE in text, a JSON Schema in JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// What the attribute means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Why a value does not fit its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// The value has another type.
    WrongType {
        /// What the definition wants.
        expected: String,
        /// What the value is.
        found: &'static str,
    },
    /// An enum value outside the listed members.
    NotInEnum {
        /// The allowed members.
        allowed: Vec<String>,
    },
    /// An integer outside the declared bounds.
    OutOfRange {
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
    },
    /// A string that breaks the attribute's lexical rule.
    BadFormat(Format),
}

impl AttributeDef {
    /// A definition with the given name and type, optional and mutable, and nothing else.
    pub fn new(name: impl Into<String>, kind: AttributeType) -> Self {
        AttributeDef {
            name: name.into(),
            kind,
            format: None,
            range: None,
            unit: None,
            multiplicity: Multiplicity::Optional,
            mutable: true,
            provider_assigned: false,
            provenance: false,
            default: None,
            pattern: None,
            description: None,
        }
    }

    /// True when a create request must carry a value: required, without default, and
    /// neither set by the server (immutable, like `state`) nor assigned by the provider.
    pub fn required_in_request(&self) -> bool {
        self.required() && self.default.is_none() && self.mutable && !self.provider_assigned
    }

    /// True when at least one value must be present.
    pub fn required(&self) -> bool {
        matches!(
            self.multiplicity,
            Multiplicity::One | Multiplicity::AtLeastOne
        )
    }

    /// The type name the JSON rendering uses for this attribute (`string`, `number`, …).
    pub fn json_type(&self) -> &'static str {
        match self.kind {
            AttributeType::String | AttributeType::Enum(_) => "string",
            AttributeType::Integer | AttributeType::Float => "number",
            AttributeType::Boolean => "boolean",
            AttributeType::List => "array",
            AttributeType::Hash => "object",
        }
    }

    /// Checks one value against the type, enum members, range and format.
    pub fn check(&self, value: &Value) -> Result<(), ValueProblem> {
        let wrong = || ValueProblem::WrongType {
            expected: self.kind.to_string(),
            found: value.type_name(),
        };
        match (&self.kind, value) {
            (AttributeType::String, Value::String(s)) => self.check_format(s),
            (AttributeType::Enum(allowed), Value::String(s)) => {
                if allowed.iter().any(|a| a == s) {
                    Ok(())
                } else {
                    Err(ValueProblem::NotInEnum {
                        allowed: allowed.clone(),
                    })
                }
            }
            (AttributeType::Integer, Value::Number(n)) => {
                let i = n.as_i64().ok_or_else(wrong)?;
                match self.range {
                    Some((min, max)) if i < min || i > max => {
                        Err(ValueProblem::OutOfRange { min, max })
                    }
                    _ => Ok(()),
                }
            }
            (AttributeType::Float, Value::Number(_))
            | (AttributeType::Boolean, Value::Boolean(_))
            | (AttributeType::List, Value::List(_))
            | (AttributeType::Hash, Value::Hash(_)) => Ok(()),
            _ => Err(wrong()),
        }
    }

    fn check_format(&self, s: &str) -> Result<(), ValueProblem> {
        match self.format {
            Some(format) if !format.accepts(s) => Err(ValueProblem::BadFormat(format)),
            _ => Ok(()),
        }
    }
}

impl Format {
    /// True when `s` follows the rule.
    pub fn accepts(self, s: &str) -> bool {
        match self {
            Format::Uri => !s.is_empty() && !s.chars().any(char::is_whitespace),
            Format::Token => {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c))
            }
            Format::Ip => s.parse::<IpAddr>().is_ok(),
            Format::Cidr => s.split_once('/').is_some_and(|(addr, prefix)| {
                let max = match addr.parse::<IpAddr>() {
                    Ok(IpAddr::V4(_)) => 32,
                    Ok(IpAddr::V6(_)) => 128,
                    Err(_) => return false,
                };
                prefix.parse::<u8>().is_ok_and(|p| p <= max) && !prefix.starts_with('+')
            }),
            Format::Mac => {
                let octets: Vec<&str> = s.split([':', '-']).collect();
                octets.len() == 6
                    && octets
                        .iter()
                        .all(|o| o.len() == 2 && o.chars().all(|c| c.is_ascii_hexdigit()))
            }
            Format::Kind => s.parse::<crate::CategoryId>().is_ok(),
        }
    }
}

impl fmt::Display for AttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeType::String => f.write_str("string"),
            AttributeType::Integer => f.write_str("integer"),
            AttributeType::Float => f.write_str("float"),
            AttributeType::Boolean => f.write_str("boolean"),
            AttributeType::Enum(values) => write!(f, "enum {{{}}}", values.join(", ")),
            AttributeType::List => f.write_str("list"),
            AttributeType::Hash => f.write_str("hash"),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Uri => "URI",
            Format::Token => "token",
            Format::Ip => "IP address",
            Format::Cidr => "CIDR address range",
            Format::Mac => "MAC address",
            Format::Kind => "category identifier",
        })
    }
}

impl fmt::Display for Multiplicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Multiplicity::Optional => "0..1",
            Multiplicity::One => "1",
            Multiplicity::Many => "0..*",
            Multiplicity::AtLeastOne => "1..*",
        })
    }
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ValueProblem::NotInEnum { allowed } => {
                write!(f, "not one of {{{}}}", allowed.join(", "))
            }
            ValueProblem::OutOfRange { min, max } => write!(f, "outside {min}..={max}"),
            ValueProblem::BadFormat(format) => write!(f, "not a valid {format}"),
        }
    }
}
