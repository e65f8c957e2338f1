//! Every vector of `cdmi-objectid-vectors.json` behaves as recorded there.

use tern_cdmi::objectid::{self, ObjectId, ObjectIdError};

use crate::reference;

fn hex16(value: &serde_json::Value) -> u16 {
    u16::from_str_radix(value.as_str().expect("hex string"), 16).expect("hex")
}

#[test]
fn every_vector_decodes_and_validates_as_recorded() {
    let Some(doc) = reference::json("cdmi-objectid-vectors.json") else {
        return;
    };
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 27, "expected the 27 spec IDs and more");
    for v in vectors {
        let text = v["id"].as_str().unwrap();
        let explained = objectid::explain(text);
        assert_eq!(
            explained.bytes.len() as u64,
            v["bytes"].as_u64().unwrap(),
            "{text}"
        );
        assert_eq!(
            explained.reserved0.map(u64::from),
            v["reserved0"].as_u64(),
            "{text}"
        );
        assert_eq!(
            explained.enterprise_number.map(u64::from),
            v["enterprise_number"].as_u64(),
            "{text}"
        );
        assert_eq!(
            explained.reserved4.map(u64::from),
            v["reserved4"].as_u64(),
            "{text}"
        );
        assert_eq!(
            explained.length_byte.map(u64::from),
            v["length_byte"].as_u64(),
            "{text}"
        );
        assert_eq!(
            explained.crc_stored,
            Some(hex16(&v["crc_stored"])),
            "{text}"
        );
        assert_eq!(
            explained.crc_computed,
            Some(hex16(&v["crc16_arc_over_length_bytes"])),
            "{text}"
        );
        let opaque_hex: String = objectid::encode_hex(&explained.opaque);
        assert_eq!(opaque_hex, v["opaque_hex"].as_str().unwrap(), "{text}");

        let valid = v["crc_valid_per_spec"].as_bool().unwrap();
        let parsed = ObjectId::parse(text);
        assert_eq!(parsed.is_ok(), valid, "{text}: {parsed:?}");
        assert_eq!(explained.is_valid(), valid, "{text}");
        if valid {
            let id = parsed.unwrap();
            assert_eq!(id.to_string(), text.to_ascii_uppercase());
            // Rebuilding from the decoded parts reproduces the printed ID.
            let rebuilt = ObjectId::new(id.enterprise_number(), id.opaque()).unwrap();
            assert_eq!(rebuilt, id);
            // Case-insensitive input.
            assert_eq!(ObjectId::parse(&text.to_ascii_lowercase()).unwrap(), id);
        } else {
            assert!(
                explained
                    .problems
                    .iter()
                    .any(|p| matches!(p, ObjectIdError::CrcMismatch { .. })),
                "{text}: {:?}",
                explained.problems
            );
        }
        // The non-conformant Onedata IDs: enterprise 0 and a length byte counting only the opaque part.
        if v["enterprise_number"].as_u64() == Some(0) {
            assert!(explained.problems.contains(&ObjectIdError::EnterpriseZero));
            assert!(explained.problems.contains(&ObjectIdError::LengthMismatch {
                stated: 32,
                actual: 40
            }));
        }
        // Where the vector records a CRC over all bytes, that is what the stored CRC equals.
        if let Some(all) = v.get("crc16_arc_over_all_bytes") {
            assert_eq!(explained.crc_over_all, Some(hex16(all)), "{text}");
            let mut bytes = explained.bytes.clone();
            bytes[6] = 0;
            bytes[7] = 0;
            assert_eq!(objectid::crc16_arc(&bytes), hex16(all), "{text}");
        }
    }
}

#[test]
fn worked_example_regenerates() {
    let Some(doc) = reference::json("cdmi-objectid-vectors.json") else {
        return;
    };
    let w = &doc["worked_example"];
    let opaque = objectid::decode_hex(w["opaque_hex"].as_str().unwrap()).unwrap();
    let en = u32::try_from(w["enterprise_number"].as_u64().unwrap()).unwrap();
    let id = ObjectId::new(en, &opaque).unwrap();
    assert_eq!(id.to_string(), w["object_id"].as_str().unwrap());
    assert_eq!(
        format!("{:04X}", id.crc()),
        w["crc16_arc"].as_str().unwrap()
    );
    let mut zeroed = id.as_bytes().to_vec();
    zeroed[6] = 0;
    zeroed[7] = 0;
    let zeroed_hex: String = objectid::encode_hex(&zeroed);
    assert_eq!(zeroed_hex, w["step1_with_crc_zero"].as_str().unwrap());
}

#[test]
fn problems_are_named() {
    assert_eq!(
        ObjectId::parse("00007ED90010D89102287G"),
        Err(ObjectIdError::NotHex {
            offset: 21,
            found: 'G'
        })
    );
    assert_eq!(
        ObjectId::parse("000"),
        Err(ObjectIdError::OddLength { digits: 3 })
    );
    assert_eq!(
        ObjectId::parse("0000"),
        Err(ObjectIdError::TooShort { len: 2 })
    );
    // Byte 0 set: the stored CRC no longer matches either, but byte 0 is reported first.
    let e = objectid::explain("01007ED90010D891022876A8DE0BC0FD");
    assert_eq!(e.problems[0], ObjectIdError::Reserved0(1));
    assert!(matches!(e.problems[1], ObjectIdError::CrcMismatch { .. }));
}
