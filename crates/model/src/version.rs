//! OCCI specification versions the catalogues distinguish.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An OCCI version: 1.1 (GFD.183–185) or 1.2 (GFD.221–229).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OcciVersion {
    /// OCCI 1.1 (2011).
    #[serde(rename = "1.1")]
    V1_1,
    /// OCCI 1.2 (2016).
    #[serde(rename = "1.2")]
    V1_2,
}

/// A version string other than `1.1` or `1.2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported OCCI version `{0}` (expected 1.1 or 1.2)")]
pub struct UnknownVersion(pub String);

impl OcciVersion {
    /// Both versions, oldest first.
    pub const ALL: [OcciVersion; 2] = [OcciVersion::V1_1, OcciVersion::V1_2];

    /// `1.1` or `1.2`.
    pub fn as_str(self) -> &'static str {
        match self {
            OcciVersion::V1_1 => "1.1",
            OcciVersion::V1_2 => "1.2",
        }
    }
}

impl fmt::Display for OcciVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OcciVersion {
    type Err = UnknownVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "1.1" => Ok(OcciVersion::V1_1),
            "1.2" => Ok(OcciVersion::V1_2),
            other => Err(UnknownVersion(other.to_owned())),
        }
    }
}
