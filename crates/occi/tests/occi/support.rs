//! Shared helpers: locating samples and the reference folder, reading and comparing.

use std::path::{Path, PathBuf};

use tern_diag::Severity;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::json::{Json, Schema, parse_json};
use tern_occi::{Document, MediaType, ParseOptions, read, write};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn samples_dir() -> PathBuf {
    repo_root().join("samples/occi")
}

/// `…/shared/reference/occi`, through tern-testkit: `None` (with a note) when the reference
/// material is not on this machine, a failure when `TERN_REQUIRE_REFERENCE` is set.
pub fn reference_dir() -> Option<PathBuf> {
    tern_testkit::reference("occi")
}

/// The OCCI samples directly in `dir` (any media type), at least `at_least` of them.
pub fn sample_paths(dir: &Path, at_least: usize) -> Vec<PathBuf> {
    tern_testkit::files(dir, &[".txt", ".hdr", ".uri", ".json"], at_least)
}

pub fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

pub fn media_of(path: &Path) -> MediaType {
    let name = path.file_name().unwrap().to_string_lossy();
    if name.ends_with(".json") {
        MediaType::OcciJson
    } else if name.ends_with(".occi.hdr") {
        MediaType::TextOcci
    } else if name.ends_with(".occi-plain.txt") {
        MediaType::TextOcciPlain
    } else if name.ends_with(".uri") {
        MediaType::UriList
    } else {
        MediaType::TextPlain
    }
}

/// Reads, panicking with every finding on failure.
pub fn read_ok(src: &str, media: MediaType, options: &ParseOptions, what: &str) -> Document {
    match read(src, media, options, &catalogue()) {
        Ok(p) => p.value,
        Err(e) => {
            let all: Vec<String> = e.findings().iter().map(ToString::to_string).collect();
            panic!("{what} ({media}) does not parse:\n{}", all.join("\n"))
        }
    }
}

/// The same document as another media type sees it: text renderings derive an entity's
/// location from its action links, JSON has no location member, so locations are dropped
/// before comparing across renderings.
pub fn without_locations(doc: &Document) -> Document {
    let mut doc = doc.clone();
    match &mut doc {
        Document::Resource(r) => {
            r.entity.location = None;
            for l in &mut r.links {
                l.entity.location = None;
            }
        }
        Document::Link(l) => l.entity.location = None,
        _ => {}
    }
    doc
}

/// Renders `doc` as JSON and checks the output against the specific definition of tern's
/// schema and, when the reference folder is present, of the specification's own schema.
/// Returns the violations (create requests without `id` are allowed exactly that one).
pub fn json_violations(doc: &Document) -> Vec<String> {
    let rendered = write(doc, MediaType::OcciJson);
    let json: Json = parse_json(&rendered.text).expect("tern renders JSON");
    let definition = tern_occi::json::schema_definition(doc);
    let mut out: Vec<String> = Schema::occi()
        .validate(Some(definition), &json)
        .into_iter()
        .map(|v| format!("tern schema {definition} {}: {}", v.pointer, v.message))
        .collect();
    if let Some(spec) = spec_schema() {
        out.extend(
            spec.validate(Some(definition), &json)
                .into_iter()
                .map(|v| format!("spec schema {definition} {}: {}", v.pointer, v.message)),
        );
    }
    let errors = rendered
        .notes
        .iter()
        .filter(|n| n.severity == Severity::Error);
    out.extend(errors.map(ToString::to_string));
    // Announced by the writer: create requests without `id`, mixins read from text without
    // `location` (the JSON rendering requires both; the source did not carry them).
    out.retain(|v| {
        !v.ends_with("required member `id` is missing")
            && !v.ends_with("required member `location` is missing")
    });
    out
}

fn spec_schema() -> Option<Schema> {
    let dir = reference_dir()?;
    let text = std::fs::read_to_string(
        dir.join("spec/json-schema/occi-1.2-json-schema.refs-normalized.json"),
    )
    .ok()?;
    Some(Schema::parse(&text).expect("the validator supports the spec schema's keywords"))
}
