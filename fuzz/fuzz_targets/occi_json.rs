//! `application/occi+json`: no input may panic the reader; what reads renders back to JSON
//! that reads again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{MediaType, ParseOptions, read, write};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let Ok(doc) = read(src, MediaType::OcciJson, &ParseOptions::lenient(), &catalogue) else { return };
    let out = write(&doc.value, MediaType::OcciJson);
    if !out.notes.iter().any(|n| n.is_error()) {
        assert!(read(&out.text, MediaType::OcciJson, &ParseOptions::lenient(), &catalogue).is_ok());
    }
});
