//! Category identity (GFD.221 §4.5.1): a category is identified by its scheme and term
//! concatenated, e.g. `http://schemas.ogf.org/occi/infrastructure#compute`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The identity of a Kind, Mixin or Action: `scheme` + `term`.
///
/// ```
/// use tern_model::CategoryId;
/// let id: CategoryId = "http://schemas.ogf.org/occi/infrastructure#compute".parse().unwrap();
/// assert_eq!(id.scheme(), "http://schemas.ogf.org/occi/infrastructure#");
/// assert_eq!(id.term(), "compute");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryId {
    scheme: String,
    term: String,
}

/// The three classes of category; a category's class is part of its rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryClass {
    /// Identifies an entity type.
    Kind,
    /// Adds attributes and actions to entities.
    Mixin,
    /// An operation invocable on entities.
    Action,
}

/// A type identifier that is not `scheme#term`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a category identifier (scheme ending in `#` followed by a term)")]
pub struct CategoryIdError {
    /// The rejected text.
    pub text: String,
}

impl CategoryId {
    /// Builds an identifier from its parts; `scheme` normally ends in `#`.
    pub fn new(scheme: impl Into<String>, term: impl Into<String>) -> Self {
        CategoryId {
            scheme: scheme.into(),
            term: term.into(),
        }
    }

    /// The scheme, including its trailing `#`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The term.
    pub fn term(&self) -> &str {
        &self.term
    }
}

impl fmt::Display for CategoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.scheme, self.term)
    }
}

impl fmt::Display for CategoryClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CategoryClass::Kind => "kind",
            CategoryClass::Mixin => "mixin",
            CategoryClass::Action => "action",
        })
    }
}

impl FromStr for CategoryId {
    type Err = CategoryIdError;

    /// Splits after the last `#`: OCCI schemes end in `#`, terms never contain one.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.rfind('#') {
            Some(i) if i > 0 && i + 1 < text.len() => {
                Ok(CategoryId::new(&text[..=i], &text[i + 1..]))
            }
            _ => Err(CategoryIdError {
                text: text.to_owned(),
            }),
        }
    }
}

impl Serialize for CategoryId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CategoryId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
