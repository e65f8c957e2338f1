//! The manifest and certificate parsers on arbitrary bytes: never panic; every finding sits on
//! a line of the input; what a lenient parse keeps renders in the canonical spelling, which
//! parses back strictly to the same entries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_ova::{Certificate, Manifest};

fuzz_target!(|data: &[u8]| {
    let parsed = Manifest::parse(data);
    let lines = data.split(|&b| b == b'\n').count();
    for finding in &parsed.findings {
        let at = finding.position.expect("manifest findings are placed");
        assert!(at.line >= 1 && at.line <= lines && at.column >= 1, "{finding}");
    }
    let rendered = parsed.manifest.render();
    let again = Manifest::parse_strict(rendered.as_bytes())
        .unwrap_or_else(|e| panic!("{e} in {rendered:?}"));
    let entries = |m: &Manifest| -> Vec<_> {
        m.entries.iter().map(|e| (e.name.clone(), e.digest.clone())).collect()
    };
    assert_eq!(entries(&again), entries(&parsed.manifest));
    let _ = Certificate::parse(data);
});
