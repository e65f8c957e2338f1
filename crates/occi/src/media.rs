//! The media types of the OCCI renderings.

use std::fmt;
use std::str::FromStr;

/// An OCCI media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `text/plain`: fields in the body.
    TextPlain,
    /// `text/occi+plain` (1.2): fields in the body.
    TextOcciPlain,
    /// `text/occi`: fields in HTTP headers (a header block).
    TextOcci,
    /// `text/uri-list`: listings of locations only.
    UriList,
    /// `application/occi+json` (1.2).
    OcciJson,
    /// `application/json`: read as `application/occi+json` with a warning.
    Json,
}

impl MediaType {
    /// The five media types of the specification.
    pub const OCCI: [MediaType; 5] = [
        MediaType::TextPlain,
        MediaType::TextOcciPlain,
        MediaType::TextOcci,
        MediaType::UriList,
        MediaType::OcciJson,
    ];

    /// The media type's essence (`type/subtype`).
    pub fn essence(self) -> &'static str {
        match self {
            MediaType::TextPlain => "text/plain",
            MediaType::TextOcciPlain => "text/occi+plain",
            MediaType::TextOcci => "text/occi",
            MediaType::UriList => "text/uri-list",
            MediaType::OcciJson => "application/occi+json",
            MediaType::Json => "application/json",
        }
    }

    /// Whether this is one of the JSON types.
    pub fn is_json(self) -> bool {
        matches!(self, MediaType::OcciJson | MediaType::Json)
    }

    /// A file-name extension for samples in this media type.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::TextPlain => "plain.txt",
            MediaType::TextOcciPlain => "occi-plain.txt",
            MediaType::TextOcci => "occi.hdr",
            MediaType::UriList => "uri",
            MediaType::OcciJson | MediaType::Json => "json",
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.essence())
    }
}

/// The text names no OCCI media type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown media type `{0}` (expected text/plain, text/occi+plain, text/occi, text/uri-list or application/occi+json)"
)]
pub struct UnknownMediaType(pub String);

impl FromStr for MediaType {
    type Err = UnknownMediaType;

    /// Parses a media type, ignoring parameters (`; charset=utf-8`) and case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let essence = s
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Ok(match essence.as_str() {
            "text/plain" => MediaType::TextPlain,
            "text/occi+plain" => MediaType::TextOcciPlain,
            "text/occi" => MediaType::TextOcci,
            "text/uri-list" => MediaType::UriList,
            "application/occi+json" => MediaType::OcciJson,
            "application/json" => MediaType::Json,
            _ => return Err(UnknownMediaType(s.to_owned())),
        })
    }
}
