//! The reader's error type. Spans, positions and findings are tern-diag's.

use std::fmt;

use tern_diag::{Finding, Position, Span};

use crate::validate::Rule;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not valid UTF-8 (and neither a UTF-16 mark nor a declaration says
    /// they are in another encoding).
    NotUtf8,
    /// The bytes start as UTF-16 (of the byte order named) but are not valid UTF-16.
    NotUtf16(String),
    /// The bytes are in an encoding tern does not read (UTF-32, EBCDIC, or the 8-bit
    /// encoding the XML declaration names); tern reads UTF-8 and UTF-16.
    UnsupportedEncoding(String),
    /// The input exceeds the configured size limit.
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Elements are nested deeper than the configured limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A `<!DOCTYPE ...>` declaration: DTDs (and with them entity declarations) are refused.
    Dtd,
    /// An entity reference other than the five predefined ones or a character reference.
    UndefinedEntity(String),
    /// A character reference to a code point that is not an XML character.
    InvalidCharRef(String),
    /// A namespace prefix with no `xmlns:` declaration in scope.
    UnboundPrefix(String),
    /// Any other well-formedness error reported by the XML tokenizer.
    Syntax(String),
    /// No root element, or more than one.
    NoRoot,
}

/// A reader error with its byte span and line/column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {kind}", position.line, position.column)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Where, in bytes.
    pub span: Span,
    /// Where, as line and column.
    pub position: Position,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::NotUtf8 => f.write_str(
                "the document is not valid UTF-8 (descriptors are read in UTF-8 or UTF-16)",
            ),
            ParseErrorKind::NotUtf16(name) => write!(
                f,
                "the document starts as {name} but is not valid UTF-16 (an unpaired surrogate or an odd number of bytes)"
            ),
            ParseErrorKind::UnsupportedEncoding(name) => write!(
                f,
                "the document is encoded in {name}; descriptors are read in UTF-8 or UTF-16 (convert it, e.g. `iconv -f {name} -t UTF-8`)"
            ),
            ParseErrorKind::TooLarge { size, limit } => write!(
                f,
                "the document is {size} bytes, more than the limit of {limit} bytes"
            ),
            ParseErrorKind::TooDeep { limit } => {
                write!(f, "elements are nested deeper than the limit of {limit}")
            }
            ParseErrorKind::Dtd => f.write_str(
                "a DOCTYPE declaration is not allowed: DTDs and entity declarations are refused",
            ),
            ParseErrorKind::UndefinedEntity(name) => write!(
                f,
                "undefined entity reference `&{name};` (only &lt; &gt; &amp; &apos; &quot; and character references are allowed)"
            ),
            ParseErrorKind::InvalidCharRef(text) => {
                write!(
                    f,
                    "character reference `&{text};` is not a valid XML character"
                )
            }
            ParseErrorKind::UnboundPrefix(prefix) => {
                write!(f, "namespace prefix `{prefix}` is not declared")
            }
            ParseErrorKind::Syntax(message) => write!(f, "malformed XML: {message}"),
            ParseErrorKind::NoRoot => f.write_str("the document has no single root element"),
        }
    }
}

impl ParseError {
    /// The error as an `OVF-XML` finding (not yet placed in a file), for printing with
    /// tern-diag's renderer.
    pub fn to_finding(&self) -> Finding {
        Finding::error(Rule::Xml.id(), self.kind.to_string())
            .at(self.position)
            .with_span(self.span)
    }
}

impl From<ParseError> for Finding {
    fn from(e: ParseError) -> Self {
        e.to_finding()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_error_is_an_ovf_xml_finding() {
        let err = ParseError {
            kind: ParseErrorKind::Dtd,
            span: Span::new(4, 5),
            position: Position::new(1, 5),
        };
        let finding = Finding::from(err).in_file("x.ovf");
        assert_eq!(finding.span, Some(Span::new(4, 5)));
        let out = tern_diag::render::snippet(&finding, "abc <!DOCTYPE>");
        assert!(
            out.starts_with("x.ovf:1:5: error[OVF-XML]: a DOCTYPE"),
            "{out}"
        );
        assert!(out.contains("1 | abc <!DOCTYPE>\n  |     ^"), "{out}");
    }
}

/// A [`crate::Document::parse_owned`] that failed: the error, and the text the bytes held
/// when they could be decoded (to show the finding's source line).
#[derive(Debug, Clone)]
pub struct ParseFailure {
    /// What is wrong, and where.
    pub error: ParseError,
    /// The decoded text (`None`: the bytes are in no encoding tern reads, or too large).
    pub text: Option<String>,
}
