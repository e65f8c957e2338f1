//! CDMI object IDs (CDMI 1.1.1 clause 5.11, unchanged in 2.0).
//!
//! Layout of the binary form (at most 40 bytes), written as Base16 text:
//!
//! ```text
//! byte 0      reserved, zero
//! bytes 1-3   SNMP enterprise number, big-endian (0 is reserved)
//! byte 4      reserved, zero
//! byte 5      total length of the ID in bytes (8 + opaque)
//! bytes 6-7   CRC-16/ARC, big-endian, computed over `length` bytes with bytes 6-7 zeroed
//! bytes 8..   opaque data (up to 32 bytes), unique per enterprise number
//! ```

use std::fmt;
use std::str::FromStr;

mod explain;

pub use explain::{Explanation, Field, explain};

/// The enterprise number used when none is configured: 32473, which RFC 5612 reserves for
/// documentation and examples (the CDMI spec's own examples use it). A deployment should
/// configure the IANA Private Enterprise Number of the organisation running it; 0 is reserved
/// by CDMI and never used.
pub const DEFAULT_ENTERPRISE_NUMBER: u32 = 32_473;

/// Size of the fixed header (reserved, enterprise number, reserved, length, CRC).
pub const HEADER_LEN: usize = 8;
/// Largest opaque part: the whole ID is at most 40 bytes.
pub const MAX_OPAQUE_LEN: usize = 32;
/// Largest binary object ID.
pub const MAX_LEN: usize = HEADER_LEN + MAX_OPAQUE_LEN;
/// Opaque length used by [`ObjectId::generate`]: 128 random bits, like a UUID.
pub const GENERATED_OPAQUE_LEN: usize = 16;
/// Largest enterprise number: the field is 24 bits wide.
pub const MAX_ENTERPRISE_NUMBER: u32 = 0x00FF_FFFF;

/// A valid CDMI object ID: every rule of clause 5.11 holds.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    bytes: Vec<u8>,
}

/// Why a text or byte string is not a valid object ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ObjectIdError {
    /// A character outside `0-9a-fA-F`.
    #[error("character {found:?} at offset {offset} is not a Base16 digit")]
    NotHex {
        /// Byte offset of the character in the text.
        offset: usize,
        /// The character found.
        found: char,
    },
    /// An odd number of hex digits cannot encode whole bytes.
    #[error("{digits} hex digits do not encode whole bytes (the count must be even)")]
    OddLength {
        /// Number of hex digits.
        digits: usize,
    },
    /// Fewer bytes than the 8-byte header.
    #[error("{len} bytes is shorter than the 8-byte header")]
    TooShort {
        /// Decoded length.
        len: usize,
    },
    /// More than 40 bytes.
    #[error("{len} bytes is longer than the 40-byte maximum")]
    TooLong {
        /// Decoded length.
        len: usize,
    },
    /// Byte 0 must be zero.
    #[error("reserved byte 0 is {0:#04x}, must be 0x00")]
    Reserved0(u8),
    /// Byte 4 must be zero.
    #[error("reserved byte 4 is {0:#04x}, must be 0x00")]
    Reserved4(u8),
    /// Enterprise number 0 is reserved.
    #[error("enterprise number is 0, which CDMI reserves")]
    EnterpriseZero,
    /// An enterprise number that does not fit in 24 bits (only when building an ID).
    #[error("enterprise number {0} does not fit in 24 bits (max 16777215)")]
    EnterpriseTooLarge(u32),
    /// Opaque part longer than 32 bytes (only when building an ID).
    #[error("opaque data of {0} bytes is longer than the 32-byte maximum")]
    OpaqueTooLong(usize),
    /// Byte 5 disagrees with the actual length.
    #[error("length byte says {stated} bytes but the ID has {actual}")]
    LengthMismatch {
        /// Value of byte 5.
        stated: u8,
        /// Actual number of bytes.
        actual: usize,
    },
    /// The operating system gave no random bytes for a new ID (only when generating one).
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
    /// Stored CRC differs from the CRC-16/ARC of the ID.
    #[error("stored CRC {stored:04X} differs from the computed CRC-16/ARC {computed:04X}")]
    CrcMismatch {
        /// CRC in bytes 6-7.
        stored: u16,
        /// CRC computed over `length` bytes with bytes 6-7 zeroed.
        computed: u16,
    },
}

impl ObjectId {
    /// Builds an ID from an enterprise number and opaque data, computing length and CRC.
    pub fn new(enterprise_number: u32, opaque: &[u8]) -> Result<Self, ObjectIdError> {
        if enterprise_number == 0 {
            return Err(ObjectIdError::EnterpriseZero);
        }
        if enterprise_number > MAX_ENTERPRISE_NUMBER {
            return Err(ObjectIdError::EnterpriseTooLarge(enterprise_number));
        }
        if opaque.len() > MAX_OPAQUE_LEN {
            return Err(ObjectIdError::OpaqueTooLong(opaque.len()));
        }
        let en = enterprise_number.to_be_bytes();
        let mut bytes = Vec::with_capacity(HEADER_LEN + opaque.len());
        bytes.extend_from_slice(&[0, en[1], en[2], en[3], 0]);
        // Checked above: at most 40.
        bytes.push((HEADER_LEN + opaque.len()) as u8);
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(opaque);
        let crc = crc16_arc(&bytes).to_be_bytes();
        bytes[6] = crc[0];
        bytes[7] = crc[1];
        Ok(Self { bytes })
    }

    /// Generates a fresh ID with [`GENERATED_OPAQUE_LEN`] random opaque bytes from the
    /// operating system's generator (through `getrandom`).
    pub fn generate(enterprise_number: u32) -> Result<Self, ObjectIdError> {
        let mut opaque = [0u8; GENERATED_OPAQUE_LEN];
        getrandom::fill(&mut opaque).map_err(|e| ObjectIdError::Random(e.to_string()))?;
        Self::new(enterprise_number, &opaque)
    }

    /// Parses Base16 text (either case) and checks every rule of clause 5.11.
    pub fn parse(text: &str) -> Result<Self, ObjectIdError> {
        Self::from_bytes(decode_hex(text)?)
    }

    /// Checks every rule of clause 5.11 on a binary ID.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ObjectIdError> {
        match problems_of(&bytes).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(Self { bytes }),
        }
    }

    /// The binary form.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The SNMP enterprise number (bytes 1-3).
    pub fn enterprise_number(&self) -> u32 {
        u32::from_be_bytes([0, self.bytes[1], self.bytes[2], self.bytes[3]])
    }

    /// The stored CRC (bytes 6-7).
    pub fn crc(&self) -> u16 {
        u16::from_be_bytes([self.bytes[6], self.bytes[7]])
    }

    /// The opaque data (bytes 8 onwards).
    pub fn opaque(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }
}

impl fmt::Display for ObjectId {
    /// Upper-case Base16, as the specification's examples print IDs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode_hex(&self.bytes))
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

impl FromStr for ObjectId {
    type Err = ObjectIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for ObjectId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ObjectId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl ObjectIdError {
    /// The stable rule identifier printed in findings (`error[RULE-ID]`).
    pub fn rule_id(&self) -> &'static str {
        match self {
            Self::NotHex { .. } | Self::OddLength { .. } => "CDMI-ID-BASE16",
            Self::TooShort { .. } | Self::TooLong { .. } | Self::OpaqueTooLong(_) => "CDMI-ID-SIZE",
            Self::Reserved0(_) | Self::Reserved4(_) => "CDMI-ID-RESERVED",
            Self::EnterpriseZero | Self::EnterpriseTooLarge(_) => "CDMI-ID-ENTERPRISE",
            Self::LengthMismatch { .. } => "CDMI-ID-LENGTH",
            Self::CrcMismatch { .. } => "CDMI-ID-CRC",
            Self::Random(_) => "CDMI-ID-RANDOM",
        }
    }
}

/// CRC-16/ARC (the "CRC-16" of CDMI 5.11): poly 0x8005 reflected, init 0, no final xor.
pub fn crc16_arc(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte);
        for _ in 0..8 {
            // 0xA001 is 0x8005 bit-reversed: the reflected algorithm shifts right.
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// Encodes bytes as upper-case Base16.
pub fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
    out
}

/// Decodes Base16 text, either case, naming the first offending character.
pub fn decode_hex(text: &str) -> Result<Vec<u8>, ObjectIdError> {
    if let Some((offset, found)) = text.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(ObjectIdError::NotHex { offset, found });
    }
    if !text.len().is_multiple_of(2) {
        return Err(ObjectIdError::OddLength { digits: text.len() });
    }
    Ok(text
        .as_bytes()
        .chunks(2)
        .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
        .collect())
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

fn problems_of(bytes: &[u8]) -> Vec<ObjectIdError> {
    let mut problems = Vec::new();
    if bytes.len() < HEADER_LEN {
        problems.push(ObjectIdError::TooShort { len: bytes.len() });
    }
    if bytes.len() > MAX_LEN {
        problems.push(ObjectIdError::TooLong { len: bytes.len() });
    }
    if let Some(&b) = bytes.first().filter(|b| **b != 0) {
        problems.push(ObjectIdError::Reserved0(b));
    }
    if bytes.len() >= 4 && bytes[1..4] == [0, 0, 0] {
        problems.push(ObjectIdError::EnterpriseZero);
    }
    if let Some(&b) = bytes.get(4).filter(|b| **b != 0) {
        problems.push(ObjectIdError::Reserved4(b));
    }
    if let Some(&stated) = bytes.get(5)
        && usize::from(stated) != bytes.len()
    {
        problems.push(ObjectIdError::LengthMismatch {
            stated,
            actual: bytes.len(),
        });
    }
    if bytes.len() >= HEADER_LEN {
        let stored = u16::from_be_bytes([bytes[6], bytes[7]]);
        let computed = crc_over_stated_length(bytes);
        if stored != computed {
            problems.push(ObjectIdError::CrcMismatch { stored, computed });
        }
    }
    problems
}

// The spec computes the CRC over the bytes "as defined by the Length field"; when that field
// lies, use what it claims (capped at what exists) so the report matches what a conformant
// reader would compute.
fn crc_over_stated_length(bytes: &[u8]) -> u16 {
    let stated = usize::from(bytes[5]).min(bytes.len()).max(HEADER_LEN);
    let mut copy = bytes[..stated].to_vec();
    copy[6] = 0;
    copy[7] = 0;
    crc16_arc(&copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value_of_the_spec() {
        // CDMI 5.11: Check = 0xBB3D, i.e. the CRC of the ASCII string "123456789".
        assert_eq!(crc16_arc(b"123456789"), 0xBB3D);
    }

    #[test]
    fn worked_example_of_clause_8_2_9() {
        let opaque = decode_hex("022876A8DE0BC0FD").unwrap();
        let id = ObjectId::new(32473, &opaque).unwrap();
        assert_eq!(id.to_string(), "00007ED90010D891022876A8DE0BC0FD");
    }

    #[test]
    fn lower_case_input_is_accepted() {
        let id = ObjectId::parse("00007ed90010d891022876a8de0bc0fd").unwrap();
        assert_eq!(id.to_string(), "00007ED90010D891022876A8DE0BC0FD");
    }

    #[test]
    fn enterprise_zero_is_refused_when_building() {
        assert_eq!(ObjectId::new(0, b"x"), Err(ObjectIdError::EnterpriseZero));
        assert_eq!(
            ObjectId::new(0x0100_0000, b"x"),
            Err(ObjectIdError::EnterpriseTooLarge(0x0100_0000))
        );
        assert_eq!(
            ObjectId::new(1, &[0; 33]),
            Err(ObjectIdError::OpaqueTooLong(33))
        );
    }

    #[test]
    fn generated_ids_differ() {
        let a = ObjectId::generate(DEFAULT_ENTERPRISE_NUMBER).unwrap();
        let b = ObjectId::generate(DEFAULT_ENTERPRISE_NUMBER).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_bytes().len(), HEADER_LEN + GENERATED_OPAQUE_LEN);
    }
}
