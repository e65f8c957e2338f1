//! Property tests: rendering then reading gives back the same model, in every media type
//! that can carry it; escaping is idempotent.

use proptest::prelude::*;
use tern_model::{Attributes, CategoryId, Endpoint, Entity, Link, Number, Resource, Value};
use tern_occi::{
    CollectionForm, Document, Listing, MediaType, ParseOptions, Source, WriteOptions, read, write,
    write_with,
};

use crate::support::catalogue;

/// Strings a quoted-string can carry: printable text with the separators and escapes that
/// break naive parsers (`"`, `\`, `,`, `;`, `=`, `<`, `>`), spaces and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 ,;=\"\\\\<>#/:.é漢-]{0,24}").unwrap()
}

fn attribute_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("(org|com)\\.example\\.[a-z][a-z0-9_-]{0,8}").unwrap()
}

/// Numbers both renderings carry exactly (JSON has no leading zeros, text no sign/exponent).
fn number() -> impl Strategy<Value = Number> {
    proptest::string::string_regex("(0|[1-9][0-9]{0,5})(\\.[0-9]{1,4})?")
        .unwrap()
        .prop_map(|s| Number::parse(&s).unwrap())
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        number().prop_map(Value::Number),
        any::<bool>().prop_map(Value::Boolean)
    ]
}

fn attributes() -> impl Strategy<Value = Attributes> {
    proptest::collection::vec((attribute_name(), value()), 0..5)
        .prop_map(|pairs| pairs.into_iter().collect())
}

fn id() -> impl Strategy<Value = String> {
    proptest::string::string_regex("urn:uuid:[0-9a-f]{8}").unwrap()
}

fn mixin() -> impl Strategy<Value = CategoryId> {
    proptest::string::string_regex("[a-z][a-z0-9_]{0,8}")
        .unwrap()
        .prop_map(|t| CategoryId::new("http://tern.example/occi/tpl#", t))
}

fn infra(term: &str) -> CategoryId {
    CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", term)
}

fn link(source: String) -> impl Strategy<Value = Link> {
    (
        id(),
        proptest::option::of(text()),
        attributes(),
        proptest::string::string_regex("/storage/[a-z0-9]{1,8}").unwrap(),
    )
        .prop_map(move |(id, title, attributes, target)| {
            let mut entity = Entity::new(id, infra("storagelink"));
            entity.title = title;
            entity.attributes = attributes;
            Link {
                entity,
                source: Endpoint::at(source.clone()),
                target: Endpoint {
                    location: target,
                    kind: Some(infra("storage")),
                },
            }
        })
}

fn resource() -> impl Strategy<Value = Resource> {
    (
        id(),
        proptest::collection::vec(mixin(), 0..3),
        proptest::option::of(text()),
        proptest::option::of(text()),
        attributes(),
    )
        .prop_flat_map(|(id, mixins, title, summary, attributes)| {
            let links = proptest::collection::vec(link(id.clone()), 0..3);
            (Just((id, mixins, title, summary, attributes)), links)
        })
        .prop_map(|((id, mut mixins, title, summary, attributes), links)| {
            mixins.dedup();
            let mut entity = Entity::new(id, infra("compute"));
            entity.mixins = mixins;
            entity.title = title;
            entity.attributes = attributes;
            Resource {
                entity,
                summary,
                links,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn render_then_read_is_identity(resource in resource()) {
        let doc = Document::Resource(resource);
        for media in [MediaType::TextPlain, MediaType::TextOcciPlain, MediaType::TextOcci, MediaType::OcciJson] {
            let out = write(&doc, media);
            let back = read(&out.text, media, &ParseOptions::strict(), &catalogue());
            prop_assert!(back.is_ok(), "{media}: {:?}\n{}", back.err(), out.text);
            prop_assert_eq!(&back.unwrap().value, &doc, "{}\n{}", media, out.text);
        }
    }

    #[test]
    fn text_rendering_is_a_fixed_point(resource in resource()) {
        let doc = Document::Resource(resource);
        for media in [MediaType::TextPlain, MediaType::TextOcci] {
            let once = write(&doc, media).text;
            let back = read(&once, media, &ParseOptions::strict(), &catalogue()).unwrap().value;
            prop_assert_eq!(write(&back, media).text, once);
        }
    }
}

/// Resources with distinct ids: an entity collection.
fn collection() -> impl Strategy<Value = Vec<Resource>> {
    proptest::collection::vec(resource(), 0..4).prop_map(|mut resources| {
        let mut seen = std::collections::HashSet::new();
        resources.retain(|r| seen.insert(r.entity.id.clone()));
        resources
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // tern's bodies form carries a collection whole; JSON and bodies read back alike.
    #[test]
    fn a_collection_in_bodies_reads_back_whole(resources in collection()) {
        let doc = Document::Listing(Listing { resources, ..Listing::default() });
        let bodies = WriteOptions { collection: CollectionForm::Bodies };
        for media in [MediaType::TextPlain, MediaType::TextOcciPlain] {
            let out = write_with(&doc, media, &bodies);
            prop_assert!(out.notes.is_empty(), "{:?}", out.notes);
            let back = Source::new("c", &out.text, Some(media)).read(&ParseOptions::strict(), &catalogue());
            prop_assert!(back.is_ok(), "{media}: {:?}\n{}", back.err(), out.text);
            let back = back.unwrap().value;
            // One body is a resource rendering; none, an empty collection.
            let resources = match back {
                Document::Listing(l) => l.resources,
                Document::Resource(r) => vec![r],
                Document::Locations(l) if l.is_empty() => Vec::new(),
                other => panic!("{other:?}"),
            };
            let Document::Listing(listing) = &doc else { unreachable!() };
            prop_assert_eq!(&resources, &listing.resources, "{}", out.text);
        }
    }
}

/// Text built from the characters that matter to the grammars, so that random inputs reach
/// deep into the parsers instead of failing on the first byte.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("Category: ".to_owned()),
        Just("Link: ".to_owned()),
        Just("X-OCCI-Attribute: ".to_owned()),
        Just("X-OCCI-Location: ".to_owned()),
        Just("scheme=\"http://x#\"".to_owned()),
        Just("class=kind".to_owned()),
        Just("?action=".to_owned()),
        proptest::string::string_regex("[ \t\r\n;,=\"\\\\<>{}#a-z0-9.é:/\\[\\]-]{0,12}").unwrap(),
    ];
    proptest::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_input_makes_a_reader_panic(src in hostile_text()) {
        for media in [MediaType::TextPlain, MediaType::TextOcci, MediaType::UriList, MediaType::OcciJson] {
            for options in [ParseOptions::strict(), ParseOptions::lenient()] {
                if let Ok(doc) = read(&src, media, &options, &catalogue()) {
                    for to in MediaType::OCCI {
                        let _ = write(&doc.value, to);
                    }
                }
            }
        }
    }

    #[test]
    fn no_json_makes_the_reader_panic(src in proptest::string::string_regex("[\\[\\]{}\":,0-9a-z .eE+\\\\-]{0,64}").unwrap()) {
        let _ = read(&src, MediaType::OcciJson, &ParseOptions::lenient(), &catalogue());
    }
}
