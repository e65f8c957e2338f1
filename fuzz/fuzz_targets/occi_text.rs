//! The text renderings: no input may panic a reader, and whatever reads must render in every
//! media type and read back from its own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{MediaType, ParseOptions, read, write};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    for media in [MediaType::TextPlain, MediaType::TextOcci, MediaType::UriList] {
        for options in [ParseOptions::strict(), ParseOptions::lenient()] {
            let Ok(doc) = read(src, media, &options, &catalogue) else { continue };
            for to in MediaType::OCCI {
                let _ = write(&doc.value, to);
            }
            let again = write(&doc.value, media);
            assert!(read(&again.text, media, &ParseOptions::lenient(), &catalogue).is_ok());
        }
    }
});
