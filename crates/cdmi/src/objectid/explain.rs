//! An object ID taken apart: every field with its offset, its bytes and what it says, the CRC
//! stored and the CRC expected, and every rule broken. Data, not text: `tern cdmi objectid
//! explain` lays it out, and its JSON is this type's serialization.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{
    DEFAULT_ENTERPRISE_NUMBER, HEADER_LEN, ObjectIdError, crc_over_stated_length, crc16_arc,
    decode_hex, encode_hex, problems_of,
};

/// Everything that can be read from a candidate object ID, valid or not, with every rule it
/// breaks.
///
/// Serialized as `{"objectID", "valid", "reserved0", "enterpriseNumber", "reserved4",
/// "lengthByte", "length", "crcStored", "crcOverAllBytes", "crcComputed", "opaque", "problems":
/// [{"rule", "message"}], "fields": [{"name", "offset", "len", "hex", "meaning"}], "notes"}`,
/// CRCs and byte strings in upper-case Base16.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The text explained, as given.
    pub text: String,
    /// The decoded bytes (empty when the text is not Base16).
    pub bytes: Vec<u8>,
    /// Byte 0.
    pub reserved0: Option<u8>,
    /// Bytes 1-3.
    pub enterprise_number: Option<u32>,
    /// Byte 4.
    pub reserved4: Option<u8>,
    /// Byte 5.
    pub length_byte: Option<u8>,
    /// Bytes 6-7: the CRC found.
    pub crc_stored: Option<u16>,
    /// The CRC expected: CRC-16/ARC over `length` bytes (or all bytes, when fewer) with bytes
    /// 6-7 zeroed.
    pub crc_computed: Option<u16>,
    /// CRC-16/ARC over all the bytes with bytes 6-7 zeroed, when that differs from
    /// `crc_computed` (the length byte is wrong): tells an ID whose CRC was computed over the
    /// real length (Onedata's) from one whose CRC is simply wrong.
    pub crc_over_all: Option<u16>,
    /// Bytes 8 onwards.
    pub opaque: Vec<u8>,
    /// The fields present, in byte order.
    pub fields: Vec<Field>,
    /// Every rule broken, in byte order (each names its rule: [`ObjectIdError::rule_id`]);
    /// empty for a valid ID.
    pub problems: Vec<ObjectIdError>,
    /// What the problems taken together suggest, in words.
    pub notes: Vec<String>,
}

/// One field of the binary layout (clause 5.11) as found in a candidate ID.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    /// `reserved0`, `enterpriseNumber`, `reserved4`, `length`, `crc` or `opaque`.
    pub name: &'static str,
    /// Its first byte.
    pub offset: usize,
    /// Its length in bytes.
    pub len: usize,
    /// Its bytes, upper-case Base16.
    pub hex: String,
    /// What it says, e.g. `enterprise number 32473` or `CRC-16/ARC stored; computed D891`.
    pub meaning: String,
}

impl Explanation {
    /// True when no rule is broken.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Decodes `text` as far as possible and lists every field and every rule it breaks.
pub fn explain(text: &str) -> Explanation {
    let bytes = match decode_hex(text) {
        Ok(bytes) => bytes,
        Err(problem) => {
            return Explanation {
                text: text.to_owned(),
                bytes: Vec::new(),
                reserved0: None,
                enterprise_number: None,
                reserved4: None,
                length_byte: None,
                crc_stored: None,
                crc_computed: None,
                crc_over_all: None,
                opaque: Vec::new(),
                fields: Vec::new(),
                problems: vec![problem],
                notes: Vec::new(),
            };
        }
    };
    let at = |i: usize| bytes.get(i).copied();
    let enterprise_number =
        (bytes.len() >= 4).then(|| u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]));
    let crc_stored = (bytes.len() >= HEADER_LEN).then(|| u16::from_be_bytes([bytes[6], bytes[7]]));
    let crc_computed = (bytes.len() >= HEADER_LEN).then(|| crc_over_stated_length(&bytes));
    let crc_over_all = (bytes.len() >= HEADER_LEN)
        .then(|| {
            let mut copy = bytes.clone();
            copy[6] = 0;
            copy[7] = 0;
            crc16_arc(&copy)
        })
        .filter(|all| Some(*all) != crc_computed);
    let problems = problems_of(&bytes);
    let mut notes = Vec::new();
    if !problems.is_empty() && crc_over_all.is_some() && crc_over_all == crc_stored {
        notes.push(format!(
            "the stored CRC is the CRC-16/ARC over all {} bytes: the CRC is right for the bytes present, the length byte is what is wrong",
            bytes.len()
        ));
    }
    Explanation {
        text: text.to_owned(),
        reserved0: at(0),
        enterprise_number,
        reserved4: at(4),
        length_byte: at(5),
        crc_stored,
        crc_computed,
        crc_over_all,
        opaque: bytes.get(HEADER_LEN..).unwrap_or_default().to_vec(),
        fields: fields(&bytes, crc_computed),
        problems,
        notes,
        bytes,
    }
}

fn fields(bytes: &[u8], crc_computed: Option<u16>) -> Vec<Field> {
    let field = |name, offset: usize, len: usize, meaning: String| {
        let hex = encode_hex(bytes.get(offset..offset + len)?);
        Some(Field {
            name,
            offset,
            len,
            hex,
            meaning,
        })
    };
    let reserved = || "reserved, must be 00".to_owned();
    let enterprise = bytes.get(1..4).map(|b| {
        let en = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        let note = if en == DEFAULT_ENTERPRISE_NUMBER {
            " (RFC 5612: reserved for documentation)"
        } else {
            ""
        };
        format!("enterprise number {en}{note}")
    });
    let length = bytes
        .get(5)
        .map(|len| format!("length {len} (actual {} bytes)", bytes.len()));
    let crc = crc_computed.map(|c| format!("CRC-16/ARC stored; computed {c:04X}"));
    let opaque_len = bytes.len().saturating_sub(HEADER_LEN);
    [
        field("reserved0", 0, 1, reserved()),
        enterprise.and_then(|m| field("enterpriseNumber", 1, 3, m)),
        field("reserved4", 4, 1, reserved()),
        length.and_then(|m| field("length", 5, 1, m)),
        crc.and_then(|m| field("crc", 6, 2, m)),
        (opaque_len > 0)
            .then(|| format!("opaque ({opaque_len} bytes)"))
            .and_then(|m| field("opaque", HEADER_LEN, opaque_len, m)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Problem {
            rule: &'static str,
            message: String,
        }
        let hex16 = |c: Option<u16>| c.map(|c| format!("{c:04X}"));
        let problems: Vec<Problem> = self
            .problems
            .iter()
            .map(|p| Problem {
                rule: p.rule_id(),
                message: p.to_string(),
            })
            .collect();
        let mut s = serializer.serialize_struct("Explanation", 14)?;
        s.serialize_field("objectID", &self.text)?;
        s.serialize_field("valid", &self.is_valid())?;
        s.serialize_field("reserved0", &self.reserved0)?;
        s.serialize_field("enterpriseNumber", &self.enterprise_number)?;
        s.serialize_field("reserved4", &self.reserved4)?;
        s.serialize_field("lengthByte", &self.length_byte)?;
        s.serialize_field("length", &self.bytes.len())?;
        s.serialize_field("crcStored", &hex16(self.crc_stored))?;
        s.serialize_field("crcOverAllBytes", &hex16(self.crc_over_all))?;
        s.serialize_field("crcComputed", &hex16(self.crc_computed))?;
        s.serialize_field("opaque", &encode_hex(&self.opaque))?;
        s.serialize_field("problems", &problems)?;
        s.serialize_field("fields", &self.fields)?;
        s.serialize_field("notes", &self.notes)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_have_offsets_and_meanings() {
        let e = explain("00007ed90010d891022876a8de0bc0fd");
        let laid_out: Vec<_> = e
            .fields
            .iter()
            .map(|f| (f.name, f.offset, f.len, f.hex.as_str()))
            .collect();
        assert_eq!(
            laid_out,
            [
                ("reserved0", 0, 1, "00"),
                ("enterpriseNumber", 1, 3, "007ED9"),
                ("reserved4", 4, 1, "00"),
                ("length", 5, 1, "10"),
                ("crc", 6, 2, "D891"),
                ("opaque", 8, 8, "022876A8DE0BC0FD"),
            ]
        );
        assert_eq!(
            e.fields[1].meaning,
            "enterprise number 32473 (RFC 5612: reserved for documentation)"
        );
        assert!(e.is_valid() && e.notes.is_empty());
    }

    #[test]
    fn short_ids_have_the_fields_they_have() {
        let e = explain("0000");
        let names: Vec<_> = e.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["reserved0"]);
        assert_eq!(e.problems, [ObjectIdError::TooShort { len: 2 }]);
    }

    #[test]
    fn json_names_the_rule_of_each_problem() {
        // A length byte of 0x20 over 40 bytes, CRC over all 40: the Onedata form.
        let e = explain(
            "0000000000208CA83030303030303030303030303030303030303030303030303030303030303031",
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["valid"], false);
        assert_eq!(json["crcStored"], "8CA8");
        assert_eq!(json["crcOverAllBytes"], "8CA8");
        assert_eq!(json["problems"][0]["rule"], "CDMI-ID-ENTERPRISE");
        assert_eq!(json["problems"][1]["rule"], "CDMI-ID-LENGTH");
        assert_eq!(json["fields"][4]["name"], "crc");
        assert_eq!(json["fields"][4]["offset"], 6);
        assert_eq!(e.notes.len(), 1, "{:?}", e.notes);
    }
}
