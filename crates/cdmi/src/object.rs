//! The five CDMI resource types and the small typed values their bodies carry.

use std::fmt;
use std::str::FromStr;

/// The CDMI object types (1.1.1 clause 5.8, Table 3); `objectType` carries their media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectType {
    /// `application/cdmi-object`: value plus metadata.
    DataObject,
    /// `application/cdmi-container`: children plus metadata.
    Container,
    /// `application/cdmi-domain`: administrative ownership.
    Domain,
    /// `application/cdmi-queue`: FIFO of values.
    Queue,
    /// `application/cdmi-capability`: what the system can do.
    Capability,
}

/// How a media type named a CDMI type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaTypeForm {
    /// `application/cdmi-object` and friends (RFC 6208).
    Standard,
    /// The RFC 6839 structured-syntax form, `application/cdmi-object+json` (1.1.1 5.13.2:
    /// shall be supported).
    PlusJson,
    /// CDMI 1.0-era `application/vnd.org.snia.cdmi.<type>+json`, or the reference
    /// implementation's `application/vnd.org.snia.cdmi-object`.
    Vendor,
    /// `application/cdmi-capabilities` (plural), sent by libcdmi 0.1.2.
    Misspelled,
}

/// Which message a body is: the rules on fields differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    /// Body of a CDMI create (PUT, or POST to a container or `/cdmi_objectid/`).
    CreateRequest,
    /// Body of a `201 Created` answer.
    CreateResponse,
    /// Body of a `200 OK` read answer.
    ReadResponse,
    /// Body of a CDMI update (PUT in 1.x, PATCH in 2.0).
    UpdateRequest,
    /// Body of a POST to a queue (enqueue).
    Enqueue,
}

/// `completionStatus`: `Processing`, `Complete`, or a string starting with `Error`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompletionStatus {
    /// The operation is still running.
    Processing,
    /// The operation finished.
    Complete,
    /// The operation failed; the whole string, e.g. `Error: out of space`.
    Error(String),
}

/// `valuetransferencoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferEncoding {
    /// The value is UTF-8 text in a JSON string (the default).
    Utf8,
    /// The value is Base64 in a JSON string.
    Base64,
    /// CDMI 2.0: the value is a JSON value.
    Json,
}

/// An inclusive range `first-last` (`valuerange`, `childrenrange`, `queueValues`), or the
/// empty range `""` (an empty container or queue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Range {
    /// `""`.
    Empty,
    /// `first-last`, both inclusive, `first <= last`.
    Span {
        /// First index.
        first: u64,
        /// Last index (inclusive).
        last: u64,
    },
}

/// A text that is not a value of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not {expected}")]
pub struct ValueError {
    /// The offending text.
    pub text: String,
    /// What was expected, e.g. `a range "first-last"`.
    pub expected: &'static str,
}

impl ObjectType {
    /// Every type, in clause order.
    pub const ALL: [ObjectType; 5] = [
        Self::DataObject,
        Self::Container,
        Self::Domain,
        Self::Queue,
        Self::Capability,
    ];

    /// The media type written in `objectType` and `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::DataObject => "application/cdmi-object",
            Self::Container => "application/cdmi-container",
            Self::Domain => "application/cdmi-domain",
            Self::Queue => "application/cdmi-queue",
            Self::Capability => "application/cdmi-capability",
        }
    }

    /// The type named by a media type, accepting the lenient forms real clients send
    /// (`+json` suffix, 1.0-era `vnd.org.snia.cdmi.*`, `cdmi-capabilities`); parameters ignored.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        parse_media_type(media_type).map(|(t, _)| t)
    }

    /// Short name used by the CLI (`dataobject`, `container`...).
    pub fn name(self) -> &'static str {
        match self {
            Self::DataObject => "dataobject",
            Self::Container => "container",
            Self::Domain => "domain",
            Self::Queue => "queue",
            Self::Capability => "capability",
        }
    }

    /// Whether `childrenrange`/`children` (true) or `valuerange`/`value` (false) come last.
    pub fn lists_children(self) -> bool {
        matches!(self, Self::Container | Self::Domain | Self::Capability)
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ObjectType {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .or_else(|| Self::from_media_type(s))
            .ok_or_else(|| ValueError {
                text: s.to_owned(),
                expected: "a CDMI object type",
            })
    }
}

impl BodyKind {
    /// Every kind.
    pub const ALL: [BodyKind; 5] = [
        Self::CreateRequest,
        Self::CreateResponse,
        Self::ReadResponse,
        Self::UpdateRequest,
        Self::Enqueue,
    ];

    /// Name used by the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateRequest => "create-request",
            Self::CreateResponse => "create-response",
            Self::ReadResponse => "read-response",
            Self::UpdateRequest => "update-request",
            Self::Enqueue => "enqueue",
        }
    }

    /// Requests carry no server-generated fields.
    pub fn is_request(self) -> bool {
        !matches!(self, Self::CreateResponse | Self::ReadResponse)
    }
}

impl FromStr for BodyKind {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| ValueError {
                text: s.to_owned(),
                expected: "a body kind",
            })
    }
}

impl CompletionStatus {
    /// Parses the wire form; anything else is refused.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        match text {
            "Processing" => Ok(Self::Processing),
            "Complete" => Ok(Self::Complete),
            _ if text.starts_with("Error") => Ok(Self::Error(text.to_owned())),
            _ => Err(ValueError {
                text: text.to_owned(),
                expected: "\"Processing\", \"Complete\" or a string starting with \"Error\"",
            }),
        }
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Processing => "Processing",
            Self::Complete => "Complete",
            Self::Error(text) => text,
        }
    }
}

impl TransferEncoding {
    /// Parses the wire form (`utf-8`, `base64`, `json`).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        match text {
            "utf-8" => Ok(Self::Utf8),
            "base64" => Ok(Self::Base64),
            "json" => Ok(Self::Json),
            _ => Err(ValueError {
                text: text.to_owned(),
                expected: "\"utf-8\", \"base64\" or \"json\"",
            }),
        }
    }

    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Base64 => "base64",
            Self::Json => "json",
        }
    }
}

impl Range {
    /// Parses `first-last` or `""`.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let bad = || ValueError {
            text: text.to_owned(),
            expected: "a range \"first-last\" or \"\"",
        };
        if text.is_empty() {
            return Ok(Self::Empty);
        }
        let (first, last) = text.split_once('-').ok_or_else(bad)?;
        let first = parse_decimal(first).ok_or_else(bad)?;
        let last = parse_decimal(last).ok_or_else(bad)?;
        if first > last {
            return Err(bad());
        }
        Ok(Self::Span { first, last })
    }

    /// Number of items or bytes covered.
    pub fn len(self) -> u64 {
        match self {
            Self::Empty => 0,
            Self::Span { first, last } => last - first + 1,
        }
    }

    /// True for `""`.
    pub fn is_empty(self) -> bool {
        self == Self::Empty
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => Ok(()),
            Self::Span { first, last } => write!(f, "{first}-{last}"),
        }
    }
}

/// The CDMI type named by `media_type`, with the form used; parameters (`;charset=...`) and
/// case are ignored.
pub fn parse_media_type(media_type: &str) -> Option<(ObjectType, MediaTypeForm)> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let sub = essence.strip_prefix("application/")?;
    let (base, plus_json) = match sub.strip_suffix("+json") {
        Some(base) => (base, true),
        None => (sub, false),
    };
    let standard = |name: &str| match name {
        "cdmi-object" => Some(ObjectType::DataObject),
        "cdmi-container" => Some(ObjectType::Container),
        "cdmi-domain" => Some(ObjectType::Domain),
        "cdmi-queue" => Some(ObjectType::Queue),
        "cdmi-capability" => Some(ObjectType::Capability),
        _ => None,
    };
    if let Some(t) = standard(base) {
        let form = if plus_json {
            MediaTypeForm::PlusJson
        } else {
            MediaTypeForm::Standard
        };
        return Some((t, form));
    }
    if base == "cdmi-capabilities" {
        return Some((ObjectType::Capability, MediaTypeForm::Misspelled));
    }
    let vendor = base
        .strip_prefix("vnd.org.snia.cdmi.")
        .or_else(|| base.strip_prefix("vnd.org.snia."))?;
    let t = match vendor {
        "container" | "cdmi-container" => ObjectType::Container,
        "dataobject" | "object" | "cdmi-object" => ObjectType::DataObject,
        "capabilities" | "capability" | "cdmi-capability" => ObjectType::Capability,
        "domain" | "cdmi-domain" => ObjectType::Domain,
        "queue" | "cdmi-queue" => ObjectType::Queue,
        _ => return None,
    };
    Some((t, MediaTypeForm::Vendor))
}

/// Parses an unsigned decimal of ASCII digits only (no sign, no spaces), as CDMI writes numbers
/// inside JSON strings.
pub fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(Range::parse("0-36"), Ok(Range::Span { first: 0, last: 36 }));
        assert_eq!(Range::parse(""), Ok(Range::Empty));
        assert!(Range::parse("5-2").is_err());
        assert!(Range::parse("-3").is_err());
        assert!(Range::parse("+1-2").is_err());
        assert_eq!(Range::parse("0-36").unwrap().to_string(), "0-36");
        assert_eq!(Range::parse("3-3").unwrap().len(), 1);
    }

    #[test]
    fn statuses() {
        assert_eq!(
            CompletionStatus::parse("Complete"),
            Ok(CompletionStatus::Complete)
        );
        assert_eq!(
            CompletionStatus::parse("Error: no space").unwrap().as_str(),
            "Error: no space"
        );
        assert!(CompletionStatus::parse("complete").is_err());
    }
}
