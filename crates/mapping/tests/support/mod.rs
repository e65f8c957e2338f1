//! What the integration tests share: where the repository and the descriptors are.

// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.ovf` under `samples/ovf`, then those of `shared/reference/ovf/samples` when that
/// folder exists (skipped with a note when it does not, a failure under
/// `TERN_REQUIRE_REFERENCE=1`).
pub fn descriptors() -> Vec<PathBuf> {
    let mut files = tern_testkit::files(&repo().join("samples/ovf"), &[".ovf"], 9);
    if let Some(reference) = tern_testkit::reference("ovf/samples") {
        files.extend(tern_testkit::files(&reference, &[".ovf"], 20));
    }
    files
}

/// `%XX` escapes decoded.
pub fn percent_decoded(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A conversion as a consumer receives it: rendered as `application/occi+json` (resources
/// and the mixins OCCI Infrastructure lacks) and read back with tern's OCCI reader, so the
/// collection and the catalogue are what `occi2ovf` sees.
pub fn through_json(
    conversion: &tern_mapping::ovf2occi::Conversion,
) -> (tern_model::Collection, tern_model::Catalogue) {
    let version = conversion
        .catalogue
        .version()
        .unwrap_or(tern_model::OcciVersion::V1_2);
    let standard = tern_model::Catalogue::infrastructure(version);
    let listing = tern_occi::Document::Listing(tern_occi::Listing {
        mixins: conversion
            .catalogue
            .mixins()
            .iter()
            .filter(|m| standard.mixin(&m.id).is_none())
            .cloned()
            .collect(),
        resources: conversion.collection.resources().to_vec(),
        ..tern_occi::Listing::default()
    });
    let rendered = tern_occi::write(&listing, tern_occi::MediaType::OcciJson);
    assert!(
        rendered
            .notes
            .iter()
            .all(|n| n.severity == tern_diag::Severity::Note),
        "the rendering is complete: {:?}",
        rendered.notes
    );
    let mut catalogue = tern_mapping::extensions::catalogue(version);
    let parsed = tern_occi::read(
        &rendered.text,
        tern_occi::MediaType::OcciJson,
        &tern_occi::ParseOptions::strict(),
        &catalogue,
    )
    .unwrap_or_else(|e| panic!("the rendering reads back: {e:?}\n{}", rendered.text));
    let tern_occi::Document::Listing(listing) = parsed.value else {
        panic!("a listing")
    };
    for m in listing.mixins {
        if catalogue.mixin(&m.id).is_none() {
            catalogue.add_mixin(m).unwrap();
        }
    }
    let mut collection = tern_model::Collection::new();
    for r in listing.resources {
        collection.push_resource(r).unwrap();
    }
    (collection, catalogue)
}

/// A conversion rendered as `text/plain`, one body per resource as `ovf2occi --to
/// text/plain` writes them, and read back body by body. `None` when the rendering cannot
/// carry it (a multi-line value).
pub fn through_text(
    conversion: &tern_mapping::ovf2occi::Conversion,
) -> Option<tern_model::Collection> {
    let catalogue = tern_mapping::extensions::catalogue(
        conversion
            .catalogue
            .version()
            .unwrap_or(tern_model::OcciVersion::V1_2),
    );
    let mut collection = tern_model::Collection::new();
    for resource in conversion.collection.resources() {
        let rendered = tern_occi::write(
            &tern_occi::Document::Resource(resource.clone()),
            tern_occi::MediaType::TextPlain,
        );
        if rendered
            .notes
            .iter()
            .any(|n| n.severity != tern_diag::Severity::Note)
        {
            return None;
        }
        let parsed = tern_occi::read(
            &rendered.text,
            tern_occi::MediaType::TextPlain,
            &tern_occi::ParseOptions::lenient(),
            &catalogue,
        )
        .unwrap_or_else(|e| panic!("the rendering reads back: {e:?}\n{}", rendered.text));
        let tern_occi::Document::Resource(r) = parsed.value else {
            panic!("a resource")
        };
        collection.push_resource(r).unwrap();
    }
    Some(collection)
}
