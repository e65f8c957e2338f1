//! The character encoding of a descriptor: UTF-8, or UTF-16 (legal XML, XML 1.0 §4.3.3 and
//! Appendix F), decoded to text for the reader and encoded back the same way by the writer;
//! anything else is refused with a message that names the encoding.

use std::borrow::Cow;

use tern_diag::{LineIndex, Span};

use crate::error::{ParseError, ParseErrorKind};

/// The encoding a [`crate::Document`] was read from; [`crate::Document::to_bytes`] writes
/// the same one (with the byte order mark when the input had one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (with or without a byte order mark).
    #[default]
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl Encoding {
    /// The encoding's name (`UTF-8`, `UTF-16LE`, `UTF-16BE`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// True for both UTF-16 byte orders.
    pub fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    /// `text` in this encoding, after a byte order mark when `bom`.
    /// As [`Encoding::encode`], reusing `text`'s buffer when it is already the bytes (UTF-8
    /// without a mark): writing a large descriptor does not hold two copies of it.
    pub(crate) fn encode_owned(self, text: String, bom: bool) -> Vec<u8> {
        match self {
            Encoding::Utf8 if !bom => text.into_bytes(),
            _ => self.encode(&text, bom),
        }
    }

    pub(crate) fn encode(self, text: &str, bom: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * if self.is_utf16() { 2 } else { 1 } + 3);
        match self {
            Encoding::Utf8 => {
                if bom {
                    out.extend_from_slice(UTF8_BOM);
                }
                out.extend_from_slice(text.as_bytes());
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let big = self == Encoding::Utf16Be;
                let units = bom
                    .then_some(0xFEFF_u16)
                    .into_iter()
                    .chain(text.encode_utf16());
                for unit in units {
                    out.extend_from_slice(&if big {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    });
                }
            }
        }
        out
    }
}

/// Text decoded from a descriptor's bytes.
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) encoding: Encoding,
    pub(crate) bom: bool,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes`: a UTF-8 or UTF-16 byte order mark decides, else the first characters
/// (`<?`, or `<` and an ASCII character, in UTF-16 without a mark: XML 1.0 Appendix F),
/// else UTF-8. UTF-32 and EBCDIC
/// (recognised the same way), and an 8-bit encoding a declaration names over bytes that
/// are not UTF-8, are refused by name.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    decode_borrowed(bytes).map(|(text, encoding, bom)| Decoded {
        text: text.into_owned(),
        encoding,
        bom,
    })
}

/// As [`decode`], borrowing UTF-8 input instead of copying it: the text, the encoding, and
/// whether a byte order mark was there.
pub(crate) fn decode_borrowed(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding, bool), ParseError> {
    let utf16 = |encoding, bom| {
        let body = if bom { &bytes[2..] } else { bytes };
        decode_utf16(body, encoding).map(|text| (Cow::Owned(text), encoding, bom))
    };
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0x00, 0x00, 0x00, 0x3C, ..] => Err(unsupported("UTF-32BE")),
        [0xFF, 0xFE, 0x00, 0x00, ..] | [0x3C, 0x00, 0x00, 0x00, ..] => Err(unsupported("UTF-32LE")),
        [0xFF, 0xFE, ..] => utf16(Encoding::Utf16Le, true),
        [0xFE, 0xFF, ..] => utf16(Encoding::Utf16Be, true),
        // `<?` (Appendix F), or any `<` and an ASCII character: a UTF-16 document whose
        // writer left out the mark is still read as the text it is.
        [0x3C, 0x00, c, 0x00, ..] if c.is_ascii() => utf16(Encoding::Utf16Le, false),
        [0x00, 0x3C, 0x00, c, ..] if c.is_ascii() => utf16(Encoding::Utf16Be, false),
        [0x4C, 0x6F, 0xA7, 0x94, ..] => Err(unsupported("EBCDIC")),
        _ => {
            let bom = bytes.starts_with(UTF8_BOM);
            let body = if bom { &bytes[UTF8_BOM.len()..] } else { bytes };
            match std::str::from_utf8(body) {
                Ok(text) => Ok((Cow::Borrowed(text), Encoding::Utf8, bom)),
                Err(e) => Err(not_utf8(body, e.valid_up_to())),
            }
        }
    }
}

/// As [`decode`], taking the bytes: UTF-8 input becomes the text in place, without a copy
/// (a large descriptor is not held twice). On error the bytes are handed back.
pub(crate) fn decode_owned(mut bytes: Vec<u8>) -> Result<Decoded, (ParseError, Vec<u8>)> {
    let (encoding, bom) = match decode_borrowed(&bytes) {
        Ok((Cow::Owned(text), encoding, bom)) => {
            return Ok(Decoded {
                text,
                encoding,
                bom,
            });
        }
        Ok((Cow::Borrowed(_), encoding, bom)) => (encoding, bom),
        Err(e) => return Err((e, bytes)),
    };
    if bom {
        bytes.drain(..UTF8_BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding,
            bom,
        }),
        // Checked by `decode_borrowed`: not reached.
        Err(e) => {
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), str::len);
            Err((not_utf8(&bytes, valid), bytes))
        }
    }
}

fn decode_utf16(body: &[u8], encoding: Encoding) -> Result<String, ParseError> {
    let big = encoding == Encoding::Utf16Be;
    let units = body.chunks(2).map(|pair| match pair {
        [a, b] if big => u16::from_be_bytes([*a, *b]),
        [a, b] => u16::from_le_bytes([*a, *b]),
        // An odd trailing byte: not UTF-16; decoded as an unpaired surrogate to be refused.
        _ => 0xD800,
    });
    let mut text = String::with_capacity(body.len() / 2);
    for c in char::decode_utf16(units) {
        let Ok(c) = c else {
            let lines = LineIndex::new(&text);
            let at = text.len();
            return Err(ParseError {
                kind: ParseErrorKind::NotUtf16(encoding.name().to_string()),
                span: Span::new(at, at),
                position: lines.position(&text, at),
            });
        };
        text.push(c);
    }
    Ok(text)
}

fn unsupported(name: &str) -> ParseError {
    ParseError {
        kind: ParseErrorKind::UnsupportedEncoding(name.to_string()),
        span: Span::new(0, 0),
        position: tern_diag::Position::START,
    }
}

/// Bytes that are not UTF-8: refused by the encoding their declaration names, if it names
/// one, else as broken UTF-8 at the first bad byte.
fn not_utf8(body: &[u8], valid_up_to: usize) -> ParseError {
    if let Some(declared) = declared_encoding(body) {
        let lower = declared.to_ascii_lowercase();
        if !matches!(lower.as_str(), "utf-8" | "utf8") {
            return unsupported(&declared);
        }
    }
    let valid = String::from_utf8_lossy(&body[..valid_up_to]).into_owned();
    let lines = LineIndex::new(&valid);
    let at = valid.len();
    ParseError {
        kind: ParseErrorKind::NotUtf8,
        span: Span::new(at, at + 1),
        position: lines.position(&valid, at),
    }
}

/// The `encoding` of an XML declaration at the start of `bytes` (read as ASCII).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl =
        std::str::from_utf8(head.strip_prefix(b"<?xml")?.get(..end.checked_sub(5)?)?).ok()?;
    let rest = &decl[decl.find("encoding")? + "encoding".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    Some(body[..body.find(quote)?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool, bom: bool) -> Vec<u8> {
        let encoding = if big {
            Encoding::Utf16Be
        } else {
            Encoding::Utf16Le
        };
        encoding.encode(text, bom)
    }

    #[test]
    fn utf16_in_both_byte_orders_with_or_without_a_mark() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a>é😀</a>";
        for big in [false, true] {
            for bom in [false, true] {
                let bytes = utf16(xml, big, bom);
                let d = decode(&bytes).unwrap();
                assert_eq!(d.text, xml);
                assert_eq!(d.bom, bom);
                assert_eq!(d.encoding.encode(&d.text, d.bom), bytes);
            }
        }
    }

    #[test]
    fn utf16_without_mark_or_declaration_is_recognised_by_its_first_character() {
        for big in [false, true] {
            let bytes = utf16("<Envelope/>", big, false);
            assert_eq!(decode(&bytes).unwrap().text, "<Envelope/>");
        }
    }

    #[test]
    fn other_encodings_are_refused_by_name() {
        let kind = |b: &[u8]| decode(b).err().map(|e| e.kind.to_string());
        assert!(
            kind(b"\x00\x00\xFE\xFF\x00\x00\x00<")
                .unwrap()
                .contains("UTF-32BE")
        );
        assert!(
            kind(b"<\x00\x00\x00?\x00\x00\x00")
                .unwrap()
                .contains("UTF-32LE")
        );
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>";
        assert!(
            kind(latin1).unwrap().contains("ISO-8859-1"),
            "{:?}",
            kind(latin1)
        );
        // A UTF-8 declaration over broken bytes is broken UTF-8.
        let broken = b"<?xml version='1.0' encoding='UTF-8'?><a>\xE9</a>";
        assert_eq!(decode(broken).err().unwrap().kind, ParseErrorKind::NotUtf8);
        // An unpaired surrogate or an odd trailing byte is not UTF-16.
        let mut bad = utf16("<a>x</a>", false, true);
        bad.push(b'x');
        let e = decode(&bad).err().unwrap();
        assert_eq!(e.kind, ParseErrorKind::NotUtf16("UTF-16LE".into()));
        assert_eq!(e.position, tern_diag::Position::new(1, 9));
    }
}
