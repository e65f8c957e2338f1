//! The media types of the OCCI renderings.

use std::fmt;
use std::str::FromStr;

use crate::field::{FieldName, is_tchar};
use crate::syntax::check_absolute_uri;

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

    /// The media type of an input, from its content (the rendering names its type itself):
    ///
    /// * a JSON object or array: `application/occi+json`;
    /// * an HTTP status line, or OCCI fields beside other header fields (`Server:`,
    ///   `Content-Type:`): a captured header block, `text/occi`;
    /// * OCCI fields (`Category:`, `Link:`, `X-OCCI-Attribute:`, `X-OCCI-Location:` and
    ///   their aliases) only: `text/plain`;
    /// * absolute URIs only (and `#` comments): `text/uri-list`;
    /// * anything else: `text/plain`, whose reader then says what is wrong.
    ///
    /// One pass over the text.
    ///
    /// ```
    /// use tern_occi::MediaType;
    /// assert_eq!(MediaType::detect(" {\"resources\": []}"), MediaType::OcciJson);
    /// assert_eq!(MediaType::detect("Category: compute; scheme=\"s#\"; class=\"kind\"\n"), MediaType::TextPlain);
    /// assert_eq!(MediaType::detect("HTTP/1.1 200 OK\nX-OCCI-Location: /compute/1\n"), MediaType::TextOcci);
    /// assert_eq!(MediaType::detect("# list\nhttps://cloud.example/compute/1\n"), MediaType::UriList);
    /// ```
    pub fn detect(text: &str) -> MediaType {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim_start().starts_with(['{', '[']) {
            return MediaType::OcciJson;
        }
        let (mut fields, mut headers, mut uris) = (false, false, false);
        for line in text.lines() {
            let line = line.trim_end();
            // Blank lines, continuation lines and comments say nothing about the type.
            if line.is_empty() || line.starts_with([' ', '\t', '#']) {
                continue;
            }
            if !(fields || headers || uris) && line.starts_with("HTTP/") {
                return MediaType::TextOcci;
            }
            match line.split_once(':') {
                Some((name, _)) if FieldName::lookup(name).is_some() => fields = true,
                _ if check_absolute_uri(line) => uris = true,
                Some((name, _)) if !name.is_empty() && name.bytes().all(is_tchar) => {
                    headers = true;
                }
                _ => {}
            }
            if fields && headers {
                return MediaType::TextOcci;
            }
        }
        if uris && !fields && !headers {
            MediaType::UriList
        } else {
            MediaType::TextPlain
        }
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
    "unknown media type `{0}` (expected text/plain, text/occi+plain, text/occi, text/uri-list, application/occi+json, or their short names plain, occi+plain, occi, uri-list, json)"
)]
pub struct UnknownMediaType(pub String);

impl FromStr for MediaType {
    type Err = UnknownMediaType;

    /// Parses a media type, ignoring parameters (`; charset=utf-8`) and case, or one of the
    /// short names of the command line: `plain` (or `text`), `occi+plain`, `occi`,
    /// `uri-list` (or `uri`), `json` (or `occi+json`).
    ///
    /// ```
    /// use tern_occi::MediaType;
    /// assert_eq!("json".parse(), Ok(MediaType::OcciJson));
    /// assert_eq!("Text/Plain; charset=utf-8".parse(), Ok(MediaType::TextPlain));
    /// assert_eq!("application/json".parse(), Ok(MediaType::Json));
    /// assert!("yaml".parse::<MediaType>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let essence = s
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Ok(match essence.as_str() {
            "text/plain" | "plain" | "text" => MediaType::TextPlain,
            "text/occi+plain" | "occi+plain" => MediaType::TextOcciPlain,
            "text/occi" | "occi" => MediaType::TextOcci,
            "text/uri-list" | "uri-list" | "uri" => MediaType::UriList,
            "application/occi+json" | "occi+json" | "json" => MediaType::OcciJson,
            "application/json" => MediaType::Json,
            _ => return Err(UnknownMediaType(s.to_owned())),
        })
    }
}
