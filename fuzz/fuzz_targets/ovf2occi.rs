//! The OVF → OCCI conversion on arbitrary descriptor bytes: whatever the OVF reader accepts
//! converts (or is refused with a `BridgeError`) without panicking, under OCCI 1.1 and 1.2;
//! a conversion renders as an OCCI JSON collection that reads back with as many resources,
//! and exports back to OVF (or is refused with an `ExportError`) without panicking.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{Document, Listing, MediaType, ParseOptions, Source, read_collection, write};

/// Built once per process: the reading side needs no catalogue of its own per input.
fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::infrastructure(OcciVersion::V1_2))
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = tern_ovf::Document::parse(data) else {
        return;
    };
    for version in [OcciVersion::V1_2, OcciVersion::V1_1] {
        let options = Options {
            version,
            ..Options::default()
        };
        let Ok(conversion) = ovf_to_occi(&doc, &options) else {
            continue;
        };
        let listing = Listing {
            resources: conversion.collection.resources().to_vec(),
            links: conversion.collection.standalone_links().to_vec(),
            ..Listing::default()
        };
        let json = write(&Document::Listing(listing), MediaType::OcciJson).text;
        if version == OcciVersion::V1_2 {
            let source = Source::new("fuzz.json", &json, None);
            let read = read_collection(&source, &ParseOptions::lenient(), catalogue())
                .unwrap_or_else(|e| panic!("the conversion's JSON does not read back: {e}\n{json}"));
            assert_eq!(
                read.value.collection.resources().len(),
                conversion.collection.resources().len(),
                "{json}"
            );
        }
        let export = ExportOptions {
            catalogue: Some(conversion.catalogue.clone()),
            ..ExportOptions::default()
        };
        let _ = occi_to_ovf(&conversion.collection, &export);
    }
});
