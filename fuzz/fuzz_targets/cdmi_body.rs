//! Any bytes as a CDMI body, under both editions: reading never panics, and whatever reads as
//! an object renders to JSON that reads back as the same object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_cdmi::body::{self, ParseOptions};
use tern_cdmi::version::Version;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for version in [Version::V1_1_1, Version::V2_0] {
        let options = ParseOptions { version, ..ParseOptions::default() };
        let parsed = body::parse(text, &options);
        if let Some(object) = parsed.object {
            let again = body::parse(&object.to_json_string(), &options);
            assert_eq!(again.object.as_ref(), Some(&object));
        }
    }
    let _ = tern_cdmi::objectid::explain(text);
});
