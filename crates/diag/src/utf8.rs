//! The bytes of a text input (an OCCI rendering, a CDMI body, a topology) as UTF-8 text: the
//! one decoder the OCCI and CDMI readers share. A UTF-8 byte order mark is accepted and
//! dropped, with a note (as the OVF reader accepts it); bytes that are not UTF-8 are invalid
//! input, refused at the line and column of the first bad byte.

use crate::finding::Finding;
use crate::position::{Position, Span};

/// Text decoded from an input's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The text, without the byte order mark.
    pub text: String,
    /// The note about a byte order mark (rule [`BOM_RULE`]), when there was one.
    pub notes: Vec<Finding>,
}

/// The rule of bytes that are not UTF-8 text.
pub const NOT_UTF8_RULE: &str = "input.not-utf8";

/// The rule of the note about a UTF-8 byte order mark.
pub const BOM_RULE: &str = "input.bom";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` as text, without a leading UTF-8 byte order mark (noted). Not UTF-8: an error
/// finding ([`NOT_UTF8_RULE`]) placed at the first bad byte (its column counts the
/// characters before it on its line), its span that byte. Linear in the input; the bytes are
/// not copied.
///
/// ```
/// use tern_diag::{Position, decode_utf8};
///
/// let read = decode_utf8(b"\xEF\xBB\xBFCategory: compute\n".to_vec())?;
/// assert_eq!(read.text, "Category: compute\n");
/// assert_eq!(read.notes[0].rule, "input.bom");
///
/// let bad = decode_utf8(b"a\nb\xc3\xa9\xff\n".to_vec()).unwrap_err();
/// assert_eq!(bad.rule, "input.not-utf8");
/// assert_eq!(bad.position, Some(Position::new(2, 3)));
/// # Ok::<(), Box<tern_diag::Finding>>(())
/// ```
pub fn decode_utf8(mut bytes: Vec<u8>) -> Result<Decoded, Box<Finding>> {
    let mut notes = Vec::new();
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
        notes.push(Finding::note(
            BOM_RULE,
            "the input starts with a UTF-8 byte order mark; it is read without it",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded { text, notes }),
        Err(e) => Err(Box::new(not_utf8(e.as_bytes(), e.utf8_error()))),
    }
}

// The finding about the first bad byte of `bytes`.
fn not_utf8(bytes: &[u8], error: std::str::Utf8Error) -> Finding {
    let at = error.valid_up_to();
    // The prefix is valid: lines and characters count exactly.
    let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
    let line = valid.matches('\n').count() + 1;
    let column = valid[line_start..].chars().count() + 1;
    let bad = bytes.get(at).copied().unwrap_or_default();
    let len = error.error_len().unwrap_or(bytes.len() - at);
    let what = match error.error_len() {
        Some(_) => format!("the byte 0x{bad:02X} is not valid UTF-8 here"),
        None => format!("the input ends inside a UTF-8 sequence (0x{bad:02X}…)"),
    };
    Finding::error(
        NOT_UTF8_RULE,
        format!("{what}: the input must be UTF-8 text"),
    )
    .at(Position::new(line, column))
    .with_span(Span::new(at, at + len))
    .with_hint("convert it to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_a_mark_is_kept_as_is() {
        let read = decode_utf8("é\n".as_bytes().to_vec()).unwrap();
        assert_eq!(read.text, "é\n");
        assert!(read.notes.is_empty());
    }

    #[test]
    fn the_first_bad_byte_is_placed() {
        let e = decode_utf8(b"\xff".to_vec()).unwrap_err();
        assert_eq!(e.position, Some(Position::START));
        assert_eq!(e.span, Some(Span::new(0, 1)));
        assert!(e.message.contains("0xFF"), "{e}");
        let e = decode_utf8(b"ab\ncd\xe9f\n".to_vec()).unwrap_err();
        assert_eq!(e.position, Some(Position::new(2, 3)));
        let e = decode_utf8(b"ab\xe2\x82".to_vec()).unwrap_err();
        assert_eq!(e.position, Some(Position::new(1, 3)));
        assert!(e.message.contains("ends inside"), "{e}");
    }

    #[test]
    fn after_a_mark_positions_count_from_the_text() {
        let e = decode_utf8(b"\xEF\xBB\xBFa\xff".to_vec()).unwrap_err();
        assert_eq!(e.position, Some(Position::new(1, 2)));
    }
}
