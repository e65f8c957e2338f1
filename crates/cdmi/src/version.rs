//! CDMI versions: the two editions tern validates against, and the
//! `X-CDMI-Specification-Version` header (lenient parsing, negotiation).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// The edition whose body rules apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Version {
    /// CDMI 1.1.1 (ISO/IEC 17826:2016): what every surviving implementation speaks.
    #[default]
    #[serde(rename = "1.1.1")]
    V1_1_1,
    /// CDMI 2.0.0 (ISO/IEC 17826:2022): PATCH updates, `json` transfer encoding, `?a&b=...`.
    #[serde(rename = "2.0")]
    V2_0,
}

/// One version as a client wrote it, read leniently: `1.1`, `1.1.1`, `1.0.2`, ` 1.0.1h `.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpecVersion {
    /// Major number.
    pub major: u16,
    /// Minor number.
    pub minor: u16,
    /// Micro number, when given.
    pub micro: Option<u16>,
    /// Trailing letters after the last number (`h` in libcdmi's `1.0.1h`), kept for display.
    pub suffix: String,
}

/// Why a version header cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// The header holds no readable version.
    #[error("X-CDMI-Specification-Version {0:?} names no version")]
    Unreadable(String),
    /// No version in common: CDMI answers 400 Bad Request.
    #[error("none of the requested versions ({requested}) is supported; supported: {supported}")]
    NoCommonVersion {
        /// The header as sent.
        requested: String,
        /// What the server offers.
        supported: String,
    },
}

impl Version {
    /// The version string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_1_1 => "1.1.1",
            Self::V2_0 => "2.0",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match SpecVersion::parse(s) {
            Some(v) if (v.major, v.minor) == (1, 1) => Ok(Self::V1_1_1),
            Some(v) if v.major == 2 => Ok(Self::V2_0),
            _ => Err(format!("unsupported CDMI version {s:?} (use 1.1.1 or 2.0)")),
        }
    }
}

impl SpecVersion {
    /// Reads one version leniently: surrounding spaces and quotes are dropped, letters after
    /// the last number are kept as a suffix; anything without `major.minor` is refused.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().trim_matches('"').trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let digits_end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (numbers, suffix) = t.split_at(digits_end);
        if !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let mut parts = numbers.trim_end_matches('.').split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let micro = match parts.next() {
            Some(m) => Some(m.parse().ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            major,
            minor,
            micro,
            suffix: suffix.to_owned(),
        })
    }

    /// Reads a header value: a comma-separated list; unreadable entries are skipped.
    pub fn parse_list(header: &str) -> Vec<Self> {
        header.split(',').filter_map(Self::parse).collect()
    }

    /// A version from numbers.
    pub fn new(major: u16, minor: u16, micro: Option<u16>) -> Self {
        Self {
            major,
            minor,
            micro,
            suffix: String::new(),
        }
    }

    /// Whether a server speaking `self` can answer a client asking for `requested`: same
    /// major and minor (CDMI's micro releases are errata), and the same micro when both name
    /// one, unless the client's has a suffix (`1.0.1h` stands for "1.0.x").
    pub fn serves(&self, requested: &SpecVersion) -> bool {
        if (self.major, self.minor) != (requested.major, requested.minor) {
            return false;
        }
        match (self.micro, requested.micro) {
            (Some(a), Some(b)) => a == b || !requested.suffix.is_empty() || a > b,
            _ => true,
        }
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(micro) = self.micro {
            write!(f, ".{micro}")?;
        }
        f.write_str(&self.suffix)
    }
}

impl PartialOrd for SpecVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SpecVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (
            self.major,
            self.minor,
            self.micro.unwrap_or(0),
            &self.suffix,
        )
            .cmp(&(
                other.major,
                other.minor,
                other.micro.unwrap_or(0),
                &other.suffix,
            ))
    }
}

/// Picks "the highest version supported by both" (1.1.1 5.13.x): the highest version of
/// `supported` that serves any version in `header`. No overlap means 400 Bad Request.
pub fn negotiate(header: &str, supported: &[SpecVersion]) -> Result<SpecVersion, NegotiationError> {
    let requested = SpecVersion::parse_list(header);
    if requested.is_empty() {
        return Err(NegotiationError::Unreadable(header.to_owned()));
    }
    supported
        .iter()
        .filter(|s| requested.iter().any(|r| s.serves(r)))
        .max()
        .cloned()
        .ok_or_else(|| NegotiationError::NoCommonVersion {
            requested: header.trim().to_owned(),
            supported: supported
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_real_clients_send() {
        assert_eq!(SpecVersion::parse("1.0.1h").unwrap().to_string(), "1.0.1h");
        assert_eq!(
            SpecVersion::parse(" 1.1 ").unwrap(),
            SpecVersion::new(1, 1, None)
        );
        assert_eq!(
            SpecVersion::parse("1.1.1").unwrap(),
            SpecVersion::new(1, 1, Some(1))
        );
        assert!(SpecVersion::parse("one").is_none());
        assert!(SpecVersion::parse("1").is_none());
        assert_eq!(SpecVersion::parse_list("1.1, 1.5, 2.0").len(), 3);
    }

    #[test]
    fn negotiation_like_onedata() {
        let ours = [SpecVersion::new(1, 1, Some(1))];
        assert_eq!(negotiate("1.1.1", &ours).unwrap().to_string(), "1.1.1");
        assert_eq!(negotiate("1.1", &ours).unwrap().to_string(), "1.1.1");
        assert_eq!(
            negotiate("1.0, 1.1, 2.0", &ours).unwrap().to_string(),
            "1.1.1"
        );
        assert!(matches!(
            negotiate("1.0.2", &ours),
            Err(NegotiationError::NoCommonVersion { .. })
        ));
        assert!(matches!(
            negotiate("", &ours),
            Err(NegotiationError::Unreadable(_))
        ));
    }

    #[test]
    fn lenient_1_0_family() {
        let ours = [
            SpecVersion::new(1, 0, Some(2)),
            SpecVersion::new(1, 1, Some(1)),
        ];
        assert_eq!(negotiate("1.0.1h", &ours).unwrap().to_string(), "1.0.2");
        assert_eq!(negotiate("1.0.1", &ours).unwrap().to_string(), "1.0.2");
        assert_eq!(negotiate("1.0.2, 1.1", &ours).unwrap().to_string(), "1.1.1");
    }
}
