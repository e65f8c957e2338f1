//! The OVF reader on arbitrary bytes: never panics; whatever it accepts it writes back
//! byte for byte, and the typed view, validation and info never panic on it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = tern_ovf::Document::parse(data) else {
        return;
    };
    assert_eq!(doc.to_bytes(), data, "an unedited document must round-trip");
    let env = tern_ovf::Envelope::read(&doc);
    let _ = tern_ovf::info::Info::new(&env).to_text();
    let _ = tern_ovf::validate(&doc, &tern_ovf::ValidateOptions::default());
});
