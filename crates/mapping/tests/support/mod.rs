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

/// `collection` as another program sees it: written in `media` (JSON: one listing;
/// text/plain: one body per resource, as `ovf2occi --to text/plain` writes) and read back
/// with `catalogue`. `None` when the rendering cannot carry it (a multi-line value in text).
pub fn through_rendering(
    collection: &tern_model::Collection,
    catalogue: &tern_model::Catalogue,
    media: tern_occi::MediaType,
) -> Option<tern_model::Collection> {
    use tern_occi::{Document, Listing};
    let documents: Vec<Document> = if media.is_json() {
        vec![Document::Listing(Listing {
            resources: collection.resources().to_vec(),
            ..Listing::default()
        })]
    } else {
        collection
            .resources()
            .iter()
            .cloned()
            .map(Document::Resource)
            .collect()
    };
    let mut back = tern_model::Collection::new();
    for doc in documents {
        let rendered = tern_occi::write(&doc, media);
        if rendered
            .notes
            .iter()
            .any(|n| n.severity != tern_occi::Severity::Note)
        {
            return None;
        }
        let parsed = tern_occi::read(
            &rendered.text,
            media,
            &tern_occi::ParseOptions::strict(),
            catalogue,
        )
        .unwrap_or_else(|e| panic!("the rendering reads back: {e:?}\n{}", rendered.text));
        let resources = match parsed.value {
            Document::Listing(l) => l.resources,
            Document::Resource(r) => vec![r],
            other => panic!("a {}", other.composition()),
        };
        for r in resources {
            back.push_resource(r).unwrap();
        }
    }
    Some(back)
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
