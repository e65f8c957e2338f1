//! `application/occi+json`: no input may panic the reader; what reads renders back to JSON
//! that reads again.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{MediaType, ParseOptions, read, write};

/// Built once per process: building it for every input made the target crawl (60 execs/s).
fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::infrastructure(OcciVersion::V1_2))
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let catalogue = catalogue();
    let Ok(doc) = read(src, MediaType::OcciJson, &ParseOptions::lenient(), catalogue) else { return };
    let out = write(&doc.value, MediaType::OcciJson);
    if !out.notes.iter().any(|n| n.is_error()) {
        assert!(read(&out.text, MediaType::OcciJson, &ParseOptions::lenient(), catalogue).is_ok());
    }
});
