//! Field layout of a tar header (POSIX.1-1988 ustar):
//!
//! | offset | size | field    |   | offset | size | field    |
//! |-------:|-----:|----------|---|-------:|-----:|----------|
//! | 0      | 100  | name     |   | 257    | 6    | magic    |
//! | 100    | 8    | mode     |   | 263    | 2    | version  |
//! | 108    | 8    | uid      |   | 265    | 32   | uname    |
//! | 116    | 8    | gid      |   | 297    | 32   | gname    |
//! | 124    | 12   | size     |   | 329    | 8    | devmajor |
//! | 136    | 12   | mtime    |   | 337    | 8    | devminor |
//! | 148    | 8    | chksum   |   | 345    | 155  | prefix   |
//! | 156    | 1    | typeflag |   | 500    | 12   | (pad)    |
//! | 157    | 100  | linkname |   |        |      |          |

use std::ops::Range;

pub(crate) const NAME: Range<usize> = 0..100;
pub(crate) const MODE: Range<usize> = 100..108;
pub(crate) const UID: Range<usize> = 108..116;
pub(crate) const GID: Range<usize> = 116..124;
pub(crate) const SIZE: Range<usize> = 124..136;
pub(crate) const MTIME: Range<usize> = 136..148;
pub(crate) const CHKSUM: Range<usize> = 148..156;
pub(crate) const TYPEFLAG: usize = 156;
pub(crate) const MAGIC: Range<usize> = 257..263;
pub(crate) const VERSION: Range<usize> = 263..265;
pub(crate) const DEVMAJOR: Range<usize> = 329..337;
pub(crate) const DEVMINOR: Range<usize> = 337..345;
pub(crate) const PREFIX: Range<usize> = 345..500;

/// Which header dialect a block uses, from its magic and version fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `ustar\0` + `00`: POSIX; the prefix field extends the name.
    Ustar,
    /// `ustar ` + ` \0`: GNU tar's old format; no prefix field.
    Gnu,
    /// No magic: Unix V7.
    V7,
}

pub(crate) fn dialect(block: &[u8; 512]) -> Dialect {
    match (&block[MAGIC], &block[VERSION]) {
        (b"ustar\0", _) => Dialect::Ustar,
        (b"ustar ", b" \0") => Dialect::Gnu,
        _ => Dialect::V7,
    }
}

/// Unsigned sum of the header bytes with the checksum field counted as spaces.
pub(crate) fn checksum(block: &[u8; 512]) -> u64 {
    block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if CHKSUM.contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum()
}

/// Some historic tars summed signed chars; accept that too.
fn signed_checksum(block: &[u8; 512]) -> i64 {
    block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if CHKSUM.contains(&i) {
                32
            } else {
                i64::from(i8::from_ne_bytes([b]))
            }
        })
        .sum()
}

/// Checks the stored checksum; the error says what was stored and what was computed.
pub(crate) fn verify_checksum(block: &[u8; 512]) -> Result<(), String> {
    let stored = parse_number(&block[CHKSUM])
        .map_err(|e| format!("checksum field: {e} (not a tar header?)"))?;
    let unsigned = checksum(block);
    if stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed_checksum(block)) {
        Ok(())
    } else {
        Err(format!(
            "header checksum mismatch: stored {stored:o}, computed {unsigned:o} (not a tar header, or corrupted)"
        ))
    }
}

/// A numeric field: octal ASCII (leading spaces, terminated by NUL or space) or, when the high
/// bit of the first byte is set, GNU base-256 (big-endian binary).
pub(crate) fn parse_number(field: &[u8]) -> Result<u64, String> {
    if let Some((&first, rest)) = field.split_first()
        && first & 0x80 != 0
    {
        if first & 0x40 != 0 {
            return Err("negative base-256 number".into());
        }
        let mut value = u64::from(first & 0x3f);
        for &b in rest {
            value = value
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or("base-256 number larger than 64 bits")?;
        }
        return Ok(value);
    }
    let text = field
        .iter()
        .skip_while(|&&b| b == b' ')
        .take_while(|&&b| b != 0 && b != b' ');
    // An all-NUL field reads as 0 (several writers leave unused fields empty).
    let mut value: u64 = 0;
    for &b in text {
        if !(b'0'..=b'7').contains(&b) {
            return Err(format!(
                "'{}' is not an octal number",
                String::from_utf8_lossy(field).trim_end_matches('\0')
            ));
        }
        value = value
            .checked_mul(8)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or("octal number larger than 64 bits")?;
    }
    Ok(value)
}

/// The bytes of a NUL-terminated (or full-width) string field.
pub(crate) fn string_field(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end]
}

/// The stored name: `prefix/name` for ustar headers with a prefix, else `name`.
pub(crate) fn full_name(block: &[u8; 512]) -> Vec<u8> {
    let name = string_field(&block[NAME]);
    if dialect(block) == Dialect::Ustar {
        let prefix = string_field(&block[PREFIX]);
        if !prefix.is_empty() {
            let mut full = prefix.to_vec();
            full.push(b'/');
            full.extend_from_slice(name);
            return full;
        }
    }
    name.to_vec()
}
