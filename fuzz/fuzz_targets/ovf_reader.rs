//! The OVF reader on arbitrary bytes: never panics; whatever it accepts it writes back
//! byte for byte, and the typed view, validation and info never panic on it. The compact
//! read-only `Tree` (what `ovf validate` and `ovf info` read) accepts and refuses exactly
//! what the `Document` does, with the same error, and gives the same typed view and findings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = tern_ovf::ParseOptions::default();
    let doc = tern_ovf::Document::parse(data);
    let tree = tern_ovf::Tree::parse(data, &options);
    let (doc, tree) = match (doc, tree) {
        (Ok(doc), Ok(tree)) => (doc, tree),
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "both trees refuse with the same error");
            return;
        }
        (a, b) => panic!("document {:?}, tree {:?}", a.err(), b.err()),
    };
    assert_eq!(doc.to_bytes(), data, "an unedited document must round-trip");
    let env = tern_ovf::Envelope::read(&doc);
    assert_eq!(env, tern_ovf::Envelope::read_tree(&tree), "the same typed view");
    let _ = tern_ovf::info::Info::new(&env).to_text();
    let options = tern_ovf::ValidateOptions::default();
    assert_eq!(
        tern_ovf::validate(&doc, &options),
        tern_ovf::validate_tree(&tree, &options),
        "the same findings"
    );
});
