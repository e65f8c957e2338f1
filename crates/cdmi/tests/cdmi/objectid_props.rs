//! Property tests: generate → render → parse → validate.

use proptest::prelude::*;
use tern_cdmi::objectid::{self, ObjectId};

proptest! {
    #[test]
    fn built_ids_parse_back(en in 1u32..=0x00FF_FFFF, opaque in proptest::collection::vec(any::<u8>(), 0..=32)) {
        let id = ObjectId::new(en, &opaque).unwrap();
        let text = id.to_string();
        prop_assert_eq!(text.len(), 2 * (8 + opaque.len()));
        let back = ObjectId::parse(&text).unwrap();
        prop_assert_eq!(&back, &id);
        prop_assert_eq!(back.enterprise_number(), en);
        prop_assert_eq!(back.opaque(), &opaque[..]);
        prop_assert!(objectid::explain(&text.to_lowercase()).is_valid());
    }

    #[test]
    fn generated_ids_validate(en in 1u32..=0x00FF_FFFF) {
        let id = ObjectId::generate(en).unwrap();
        prop_assert!(ObjectId::parse(&id.to_string()).is_ok());
    }

    #[test]
    fn any_single_bit_flip_is_detected(en in 1u32..=0x00FF_FFFF, opaque in proptest::collection::vec(any::<u8>(), 1..=32), bit in 0usize..320) {
        let id = ObjectId::new(en, &opaque).unwrap();
        let mut bytes = id.as_bytes().to_vec();
        let bit = bit % (bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        // A CRC-16 detects every single-bit error; the rules of the header fire first.
        let expected = match bit / 8 {
            0 | 4 => "CDMI-ID-RESERVED",
            1..=3 if bytes[1..4] == [0, 0, 0] => "CDMI-ID-ENTERPRISE",
            5 => "CDMI-ID-LENGTH",
            _ => "CDMI-ID-CRC",
        };
        let error = ObjectId::from_bytes(bytes).expect_err("a flipped bit is detected");
        prop_assert_eq!(error.rule_id(), expected);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,100}") {
        let _ = objectid::explain(&text);
        let _ = ObjectId::parse(&text);
    }
}
