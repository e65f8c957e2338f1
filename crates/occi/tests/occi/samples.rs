//! The samples under `samples/occi/`: every file reads strictly, the renderings of one
//! sample in different media types give the same model, each file is the canonical rendering
//! of its model, and the invalid samples fail with the rule their name promises.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tern_diag::Severity;
use tern_occi::{MediaType, ParseOptions, Unknowns, read, validate, write};

use crate::support::{
    catalogue, json_violations, media_of, read_ok, sample_paths, samples_dir, without_locations,
};

/// The samples by base name (`compute`, `network`…): 6 bases, 24 files.
fn sample_files() -> BTreeMap<String, Vec<PathBuf>> {
    let mut by_base: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in sample_paths(&samples_dir(), 24) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let base = name.split('.').next().unwrap().to_owned();
        by_base.entry(base).or_default().push(path);
    }
    by_base
}

#[test]
fn every_sample_exists_in_every_media_type() {
    let files = sample_files();
    for base in ["compute", "network", "storagelink", "stop", "categories"] {
        let medias: Vec<MediaType> = files[base].iter().map(|p| media_of(p)).collect();
        for m in [
            MediaType::TextPlain,
            MediaType::TextOcciPlain,
            MediaType::TextOcci,
            MediaType::OcciJson,
        ] {
            assert!(medias.contains(&m), "{base} has no {m} sample");
        }
    }
    let medias: Vec<MediaType> = files["collection"].iter().map(|p| media_of(p)).collect();
    for m in [
        MediaType::TextPlain,
        MediaType::TextOcciPlain,
        MediaType::TextOcci,
        MediaType::UriList,
    ] {
        assert!(medias.contains(&m), "collection has no {m} sample");
    }
}

#[test]
fn samples_agree_across_media_types_and_are_canonical() {
    for (base, paths) in sample_files() {
        let mut first: Option<(PathBuf, tern_occi::Document)> = None;
        for path in paths {
            let media = media_of(&path);
            let src = std::fs::read_to_string(&path).unwrap();
            let doc = read_ok(
                &src,
                media,
                &ParseOptions::strict(),
                &path.display().to_string(),
            );
            // text → model → text and json → model → json reproduce the file.
            let out = write(&doc, media);
            assert!(
                out.notes.iter().all(|n| n.severity != Severity::Error),
                "{}: {:?}",
                path.display(),
                out.notes
            );
            assert_eq!(
                out.text.replace("\r\n", "\n"),
                src.replace("\r\n", "\n"),
                "{} is not canonical",
                path.display()
            );
            if !matches!(doc, tern_occi::Document::Locations(_)) {
                assert!(
                    json_violations(&doc).is_empty(),
                    "{}: {:?}",
                    path.display(),
                    json_violations(&doc)
                );
            }
            match &first {
                None => first = Some((path, doc)),
                Some((p, d)) => assert_eq!(
                    without_locations(&doc),
                    without_locations(d),
                    "{base}: {} and {} differ",
                    path.display(),
                    p.display()
                ),
            }
        }
    }
}

#[test]
fn text_and_json_give_the_same_model_for_the_compute_sample() {
    let dir = samples_dir();
    let text = read_ok(
        &std::fs::read_to_string(dir.join("compute.plain.txt")).unwrap(),
        MediaType::TextPlain,
        &ParseOptions::strict(),
        "plain",
    );
    let json = read_ok(
        &std::fs::read_to_string(dir.join("compute.json")).unwrap(),
        MediaType::OcciJson,
        &ParseOptions::strict(),
        "json",
    );
    assert_eq!(text, json);
    let tern_occi::Document::Resource(vm) = text else {
        panic!("compute is a resource")
    };
    assert_eq!(vm.entity.title.as_deref(), Some("web, \"front\" tier"));
    assert_eq!(vm.links.len(), 2);
    assert_eq!(vm.links[1].entity.mixins[0].term(), "ipnetworkinterface");
    assert_eq!(
        vm.entity
            .attributes
            .get("occi.compute.memory")
            .unwrap()
            .to_string(),
        "4.0"
    );
}

#[test]
fn invalid_samples_fail_with_the_rule_in_their_name() {
    let expected = [
        ("unterminated-quote.plain.txt", "text.unterminated-quote"),
        ("missing-scheme.plain.txt", "text.missing-scheme"),
        ("bad-class.plain.txt", "text.bad-class"),
        ("bad-number.plain.txt", "text.bad-number"),
        ("unknown-category.plain.txt", "model.unknown-category"),
        ("wrong-type.plain.txt", "model.attribute-type"),
        ("null-attribute.json", "json.shape"),
    ];
    let dir = samples_dir().join("invalid");
    assert_eq!(
        sample_paths(&dir, expected.len()).len(),
        expected.len(),
        "every invalid sample is listed"
    );
    for (name, rule) in expected {
        let path = dir.join(name);
        let src = std::fs::read_to_string(&path).unwrap();
        let findings = validate(
            &src,
            media_of(&path),
            &ParseOptions::strict(),
            &catalogue(),
            Unknowns::Reject,
            tern_occi::ValidationMode::Request,
        );
        let first = findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap_or_else(|| panic!("{name} is valid"));
        assert_eq!(first.rule.as_ref(), rule, "{name}: {first}");
        assert!(first.position.is_some(), "{name}: no position");
    }
    // Outside strict mode an unknown category is a warning only.
    let src = std::fs::read_to_string(dir.join("unknown-category.plain.txt")).unwrap();
    let findings = validate(
        &src,
        MediaType::TextPlain,
        &ParseOptions::lenient(),
        &catalogue(),
        Unknowns::Warn,
        tern_occi::ValidationMode::Request,
    );
    assert!(
        findings.iter().all(|f| f.severity == Severity::Warning),
        "{findings:?}"
    );
    assert!(
        read(
            &src,
            MediaType::TextPlain,
            &ParseOptions::strict(),
            &catalogue()
        )
        .is_ok()
    );
}

#[test]
fn the_catalogues_render_as_valid_query_interfaces() {
    use tern_model::{Catalogue, OcciVersion};
    use tern_occi::{Document, Listing};
    for version in OcciVersion::ALL {
        let doc = Document::Listing(Listing::from_catalogue(&Catalogue::infrastructure(version)));
        assert!(
            json_violations(&doc).is_empty(),
            "{version}: {:?}",
            json_violations(&doc)
        );
        let options = ParseOptions {
            version,
            ..ParseOptions::strict()
        };
        let catalogue = Catalogue::infrastructure(version);
        for media in [
            MediaType::TextPlain,
            MediaType::TextOcci,
            MediaType::OcciJson,
        ] {
            let out = write(&doc, media);
            assert!(
                out.notes.iter().all(|n| n.severity != Severity::Error),
                "{version} {media}: {:?}",
                out.notes
            );
            let back = read(&out.text, media, &options, &catalogue)
                .unwrap_or_else(|e| panic!("{version} {media}: {e}"));
            // What survives every rendering: the identifiers, titles and attribute names.
            let (Document::Listing(a), Document::Listing(b)) = (&doc, &back.value) else {
                panic!("{media}: not a listing")
            };
            assert_eq!(a.kinds.len(), b.kinds.len());
            for (x, y) in a.kinds.iter().zip(&b.kinds) {
                assert_eq!(
                    (&x.id, &x.title, &x.parent, &x.actions, &x.location),
                    (&y.id, &y.title, &y.parent, &y.actions, &y.location)
                );
                let names = |k: &tern_model::Kind| {
                    k.attributes
                        .iter()
                        .map(|d| (d.name.clone(), d.mutable, d.required()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(names(x), names(y), "{version} {media} {}", x.id);
            }
            assert_eq!(
                a.mixins.iter().map(|m| &m.id).collect::<Vec<_>>(),
                b.mixins.iter().map(|m| &m.id).collect::<Vec<_>>()
            );
            assert_eq!(
                a.actions.iter().map(|m| &m.id).collect::<Vec<_>>(),
                b.actions.iter().map(|m| &m.id).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn the_content_names_the_media_type_of_every_sample() {
    // What the readers of files and stdin rely on: the detected media type reads every
    // sample as its own media type does (a header block of OCCI fields only is text/plain).
    let mut paths = sample_paths(&samples_dir(), 24);
    paths.extend(sample_paths(&samples_dir().join("invalid"), 7));
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let declared = media_of(&path);
        let detected = MediaType::detect(&text);
        let expected = match declared {
            MediaType::TextOcci | MediaType::TextOcciPlain => MediaType::TextPlain,
            other => other,
        };
        assert_eq!(detected, expected, "{name}");
        let options = ParseOptions::strict();
        let by_name =
            tern_occi::Source::new(&name, &text, Some(declared)).read(&options, &catalogue());
        let by_content = tern_occi::Source::new(&name, &text, None).read(&options, &catalogue());
        match (by_name, by_content) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.findings(), b.findings(), "{name}"),
            (a, b) => panic!("{name}: {a:?} but {b:?}"),
        }
    }
}
