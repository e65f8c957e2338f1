//! The text renderings: no input may panic a reader, and whatever reads must render in every
//! media type and read back from its own.
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
    for media in [MediaType::TextPlain, MediaType::TextOcci, MediaType::UriList] {
        for options in [ParseOptions::strict(), ParseOptions::lenient()] {
            let Ok(doc) = read(src, media, &options, catalogue) else { continue };
            for to in MediaType::OCCI {
                let _ = write(&doc.value, to);
            }
            let again = write(&doc.value, media);
            assert!(read(&again.text, media, &ParseOptions::lenient(), catalogue).is_ok());
        }
    }
});
