//! The reference fixtures (real server captures, other implementations' test data, the
//! specification's examples), each with its recorded expectation: parses strictly, parses
//! with exactly the named leniencies, or is rejected with a given rule. Files not in the
//! table must parse strictly. Without the reference folder these tests skip with a note, or
//! fail when `TERN_REQUIRE_REFERENCE` is set (tern-testkit).

use std::collections::BTreeSet;
use std::path::Path;

use tern_diag::Severity;
use tern_occi::{Leniency, LeniencySet, MediaType, ParseOptions, parse_text, read, write};

use crate::support::{catalogue, json_violations, reference_dir};

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Parses with no leniency.
    Strict,
    /// Fails strictly; parses with exactly these leniencies, warning about each.
    Lenient(&'static [&'static str]),
    /// Fails strictly with this rule as the first error.
    Reject(&'static str),
    /// A field-level fragment (e.g. a lone `Link` field): the fields parse strictly, but the
    /// fragment is no OCCI rendering.
    Fragment(&'static [&'static str]),
    /// Not an OCCI rendering at all (spec notation, XML, provider data).
    Skip,
}

use Expect::{Fragment, Lenient, Reject, Skip, Strict};

/// The recorded expectations, with the reason in a comment where it is not obvious.
const TABLE: &[(&str, Expect)] = &[
    // pOCCI: `basic/` are unit inputs of pOCCI's parser with `scheme="myScheme"`, `class="myClass"`.
    (
        "pocci/tests/basic/http-resource.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/basic/http-resource2.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/basic/text-category1.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/basic/text-category2.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/basic/text-resource.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/basic/text-resource2.txt",
        Reject("text.bad-uri"),
    ),
    // Captures whose 8 KiB header holds `scheme="http: //…"` (a space inside the URI).
    (
        "pocci/tests/category-collection/http-ok-dummy.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/category-collection/http-ok-ec2.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/category-collection/http-ok-opennebula.txt",
        Reject("text.bad-type-identifier"),
    ),
    // pOCCI negatives.
    (
        "pocci/tests/category-collection/text-duplicity.txt",
        Reject("occi.duplicate-category"),
    ),
    (
        "pocci/tests/category-collection/text-error-attrdef.txt",
        Reject("text.bad-attribute-def"),
    ),
    (
        "pocci/tests/category-collection/text-error-attrdef2.txt",
        Reject("text.unterminated-quote"),
    ),
    (
        "pocci/tests/category-collection/text-error-category.txt",
        Reject("text.unknown-field"),
    ),
    (
        "pocci/tests/category-collection/text-error-category2.txt",
        Reject("text.unknown-field"),
    ),
    (
        "pocci/tests/category-collection/text-missing-class.txt",
        Reject("text.missing-class"),
    ),
    (
        "pocci/tests/category-collection/text-missing-scheme.txt",
        Reject("text.missing-scheme"),
    ),
    (
        "pocci/tests/entity-collection/invalid-format.txt",
        Reject("text.unknown-field"),
    ),
    (
        "pocci/tests/entity-collection/uri-invalid-uri.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/resource/http-bad-attr.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/resource/text-bad-attr.txt",
        Reject("text.bad-uri"),
    ),
    (
        "pocci/tests/resource/text-bad-quote-attribute.txt",
        Reject("text.unterminated-quote"),
    ),
    (
        "pocci/tests/resource/text-bad-quote-category.txt",
        Reject("text.unterminated-quote"),
    ),
    (
        "pocci/tests/resource/text-bad-quote-link.txt",
        Reject("text.unterminated-quote"),
    ),
    (
        "pocci/tests/resource/text-invalid-format.txt",
        Reject("text.field-syntax"),
    ),
    // Documented difference: pOCCI rejects the relative `/compute/…` location; GFD.229 has
    // `location-value = URI-reference`, so tern accepts it in X-OCCI-Location.
    ("pocci/tests/entity-collection/invalid-uri.txt", Strict),
    (
        "pocci/tests/entity-collection/http-ok-entities2.txt",
        Lenient(&["header-alias"]),
    ),
    (
        "pocci/tests/entity-collection/http-test-capitalization1.txt",
        Lenient(&["header-alias"]),
    ),
    (
        "pocci/tests/entity-collection/http-test-capitalization2.txt",
        Lenient(&["header-alias"]),
    ),
    // The specification's examples: verbatim spec notation is not wire format; the normalized
    // examples need the two leniencies the spec itself breaks.
    (
        "spec/examples/text/gfd185-multi-value-equivalence.txt",
        Skip,
    ),
    ("spec/examples/text/gfd185-networkinterface-link.txt", Skip),
    (
        "spec/examples/text/gfd185-query-interface-response.txt",
        Skip,
    ),
    ("spec/examples/text/gfd185-storage-kind-category.txt", Skip),
    (
        "spec/examples/text/gfd229-s6.1-text-plain-example.txt",
        Skip,
    ),
    (
        "spec/examples/text/gfd229-s7.1-text-occi-header-example.txt",
        Skip,
    ),
    (
        "spec/examples/text/gfd229-s6.1-text-plain-example.normalized.txt",
        Lenient(&["missing-semicolon", "trailing-semicolon"]),
    ),
    (
        "spec/examples/text/gfd229-s7.1-text-occi-header-example.normalized.hdr",
        Lenient(&["missing-semicolon", "trailing-semicolon"]),
    ),
    // rOCCI-core 5 renderings.
    (
        "rocci-core/examples-rendering/instance.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    // rOCCI 5 renders every `depends` of a mixin in `rel`.
    (
        "rocci-core/examples-rendering/model.txt",
        Lenient(&["multiple-rel"]),
    ),
    (
        "rocci-core/examples-rendering/categories.json",
        Reject("json.shape"),
    ), // {"mixins":[type-ids]}, not a spec rendering
    (
        "rocci-core/examples-rendering/model.json",
        Reject("json.shape"),
    ), // pattern as a Ruby regexp string
    // rOCCI-core 4.3 (OCCI 1.1) captures.
    (
        "rocci-core/text-samples-4.3.x/json_samples_test.json",
        Lenient(&["missing-id", "nested-attributes"]),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_compute_rocci_server.text",
        Lenient(&["missing-semicolon"]),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_link_resource_instance.text",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_link_simple.text",
        Fragment(&["missing-semicolon"]),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_link_w_attributes.text",
        Fragment(&["missing-semicolon"]),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_link_w_category.text",
        Lenient(&["missing-semicolon"]),
    ),
    // A literal `\n` inside the first line: broken fixtures.
    (
        "rocci-core/text-samples-4.3.x/occi_resource_w_attributes.text",
        Reject("lenient.missing-semicolon"),
    ),
    (
        "rocci-core/text-samples-4.3.x/occi_resource_w_inline_links_only.text",
        Reject("lenient.missing-semicolon"),
    ),
    // rOCCI-server 2 create requests.
    ("rocci-server-2/occi_crtp_11.json", Reject("json.shape")), // provider template data
    (
        "rocci-server-2/occi_crtp_11_w_gpu.json",
        Reject("json.shape"),
    ),
    (
        "rocci-server-2/occi_legacy_rocci_server.json",
        Reject("json.shape"),
    ),
    // erlang-occi: lower-case names are RFC 7230 case-insensitivity, not a leniency.
    ("erlang-occi/parsers/collection.json", Reject("json.syntax")), // not JSON
    (
        "erlang-occi/parsers/core_resource02.occi",
        Reject("text.field-syntax"),
    ), // field names indented
    (
        "erlang-occi/parsers/netif_link.occi",
        Lenient(&["bare-token"]),
    ),
    (
        "erlang-occi/renderers/bounded_collection.json",
        Lenient(&["missing-id", "extra-location"]),
    ),
    (
        "erlang-occi/renderers/categories.json",
        Reject("json.shape"),
    ), // "title": []
    (
        "erlang-occi/renderers/compute_a.json",
        Lenient(&["extra-location"]),
    ),
    (
        "erlang-occi/renderers/compute_b.json",
        Lenient(&["extra-location"]),
    ),
    (
        "erlang-occi/renderers/core_resource.json",
        Lenient(&["extra-location"]),
    ),
    (
        "erlang-occi/renderers/netif.json",
        Lenient(&["extra-location"]),
    ),
    // jOCCI.
    (
        "jocci-core/parser-text/collection_plain_action.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/parser-text/collection_plain_link.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/parser-text/collection_plain_resource.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/action_plain.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/inline_link_plain.txt",
        Fragment(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/resource_plain.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    // jOCCI header values: attributes or links alone are fragments of a rendering.
    (
        "jocci-core/parser-text/collection_occi_action_attribute.txt",
        Fragment(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/parser-text/collection_occi_link_attribute.txt",
        Fragment(&[]),
    ),
    (
        "jocci-core/parser-text/collection_occi_resource_attribute.txt",
        Fragment(&[]),
    ),
    (
        "jocci-core/parser-text/collection_occi_resource_link.txt",
        Fragment(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/action_headers_attributes.txt",
        Fragment(&[]),
    ),
    (
        "jocci-core/rendering-text/action_headers_category.txt",
        Lenient(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/inline_link_headers.txt",
        Fragment(&["trailing-semicolon"]),
    ),
    (
        "jocci-core/rendering-text/link_headers_attributes.txt",
        Fragment(&[]),
    ),
    (
        "jocci-core/rendering-text/resource_headers_attributes.txt",
        Fragment(&[]),
    ),
    (
        "jocci-core/rendering-text/resource_headers_links.txt",
        Fragment(&["trailing-semicolon"]),
    ),
    // MartServer: non-spec bodies.
    (
        "martserver/testjson/servlet__actions.json",
        Reject("json.shape"),
    ), // "Category" key
    (
        "martserver/testjson/servlet__attribute.json",
        Reject("json.shape"),
    ), // bare attributes object
    (
        "martserver/testjson/servlet__attribute_description.json",
        Reject("json.shape"),
    ),
    (
        "martserver/testjson/servlet__integration__creation__links.json",
        Lenient(&["missing-id", "extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__network_collection.json",
        Lenient(&["missing-id", "extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource1bis.json",
        Lenient(&["missing-id"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource3.json",
        Lenient(&["extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource4_no_location.json",
        Lenient(&["missing-id"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource5_with_location.json",
        Lenient(&["extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource6.json",
        Lenient(&["missing-id", "extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource_location.json",
        Lenient(&["extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__creation__resource_without_uuid.json",
        Lenient(&["missing-id"]),
    ),
    (
        "martserver/testjson/servlet__integration__rendering__resource_collection2.json",
        Lenient(&["extra-location"]),
    ),
    (
        "martserver/testjson/servlet__integration__update__mixintag_add_entities.json",
        Reject("json.shape"),
    ), // {"locations":[…]}
    (
        "martserver/testjson/servlet__integration__update__mixintag_replace_all_entities.json",
        Reject("json.shape"),
    ),
    (
        "martserver/testjson/servlet__integration__update__update_attributes_computes.json",
        Lenient(&["missing-id"]),
    ),
    (
        "martserver/testjson/servlet__links.json",
        Lenient(&["missing-id", "extra-location"]),
    ),
    (
        "martserver/testjson/servlet__second_query_interface.json",
        Reject("json.syntax"),
    ),
    (
        "martserver/testjson/servlet__test.json",
        Reject("text.bad-type-identifier"),
    ), // "parent": ""
    (
        "martserver/testjson/servlet__test2.json",
        Reject("json.shape"),
    ), // {"model": …}
];

/// Directories walked; every file in them is either in the table or must parse strictly.
const DIRS: &[&str] = &[
    "pocci/tests",
    "spec/examples",
    "rocci-core/examples-rendering",
    "rocci-core/text-samples-4.3.x",
    "rocci-server-2",
    "erlang-occi/parsers",
    "erlang-occi/renderers",
    "jocci-core",
    "martserver/testjson",
];

fn media_of(rel: &str) -> Option<MediaType> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let extension = Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match extension.as_str() {
        "json" => MediaType::OcciJson,
        "xml" | "xsd" | "md" => return None,
        "uri" => MediaType::UriList,
        "hdr" => MediaType::TextOcci,
        _ if name.starts_with("uri-") || name.ends_with("uri-list.txt") => MediaType::UriList,
        _ if name.starts_with("http-") => MediaType::TextOcci,
        _ => MediaType::TextPlain,
    })
}

/// jOCCI's `*_occi_*` / `*_headers_*` files hold the values of one header without its name,
/// one value per line.
fn header_name(rel: &str) -> Option<&'static str> {
    let name = rel.rsplit('/').next()?;
    if !(name.contains("_occi_") || name.contains("_headers")) {
        return None;
    }
    Some(if name.contains("attribute") {
        "X-OCCI-Attribute"
    } else if name.contains("link") && !name.contains("categor") {
        "Link"
    } else {
        "Category"
    })
}

/// jOCCI's `kind_plain.txt`, `mixin_headers.txt`… hold one rendering per line.
fn per_line(rel: &str) -> bool {
    [
        "kind_plain.txt",
        "mixin_plain.txt",
        "kind_headers.txt",
        "mixin_headers.txt",
    ]
    .iter()
    .any(|s| rel.ends_with(&format!("rendering-text/{s}")))
}

fn only(names: &[&str]) -> ParseOptions {
    let leniencies: LeniencySet = names
        .iter()
        .map(|n| n.parse::<Leniency>().unwrap())
        .collect();
    ParseOptions {
        leniencies,
        ..ParseOptions::strict()
    }
}

fn check(src: &str, media: MediaType, expect: Expect) -> Result<String, String> {
    let cat = catalogue();
    let strict = read(src, media, &ParseOptions::strict(), &cat);
    match expect {
        Skip => Ok("skipped".into()),
        Strict => match strict {
            Ok(p) => {
                check_document(&p.value, media, &ParseOptions::strict())?;
                Ok(format!("strict {}", p.value.composition()))
            }
            Err(e) => Err(format!("expected strict parse, got {e}")),
        },
        Reject(rule) => match strict {
            Ok(_) => Err(format!("expected rejection with {rule}, but it parsed")),
            Err(e) => {
                let first = e
                    .findings()
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .unwrap();
                if first.rule.as_ref() == rule {
                    Ok(format!("rejected: {first}"))
                } else {
                    Err(format!("expected {rule}, got {first}"))
                }
            }
        },
        Lenient(names) => {
            // Strictly, the errors are exactly the recorded leniencies.
            let Err(e) = strict else {
                return Err("expected a strict failure".into());
            };
            let refused: BTreeSet<&str> = e
                .findings()
                .iter()
                .filter(|d| d.is_error())
                .map(|d| {
                    d.rule
                        .as_ref()
                        .strip_prefix("lenient.")
                        .unwrap_or(d.rule.as_ref())
                })
                .collect();
            let recorded: BTreeSet<&str> = names.iter().copied().collect();
            if !refused.is_subset(&recorded) || refused.is_empty() {
                return Err(format!("strict errors {refused:?}, recorded {recorded:?}"));
            }
            let p = read(src, media, &only(names), &cat)
                .map_err(|e| format!("not accepted with {names:?}: {e}"))?;
            let used: BTreeSet<&str> = p
                .warnings
                .iter()
                .filter_map(|w| w.rule.as_ref().strip_prefix("lenient."))
                .collect();
            let expected: BTreeSet<&str> = names.iter().copied().collect();
            if used != expected {
                return Err(format!("leniencies used {used:?}, recorded {expected:?}"));
            }
            check_document(&p.value, media, &only(names))?;
            Ok(format!("lenient {names:?} {}", p.value.composition()))
        }
        Fragment(names) => {
            let fields = parse_text(src, media, &only(names))
                .map_err(|e| format!("fields do not parse: {e}"))?;
            match read(src, media, &only(names), &cat) {
                Ok(_) => return Err("a fragment should not form a rendering".into()),
                Err(e) if e.findings()[0].rule != "occi.composition" => {
                    return Err(format!("a fragment is refused as such, not with {e}"));
                }
                Err(_) => {}
            }
            Ok(format!(
                "fragment: {} links, {} attributes",
                fields.value.links.len(),
                fields.value.attributes.len()
            ))
        }
    }
}

/// What every accepted fixture must also satisfy: rendering is a fixed point through its
/// own media type, the model survives the round trip when the writer announced no loss, and
/// the JSON output validates against the schemas.
fn check_document(
    doc: &tern_occi::Document,
    media: MediaType,
    options: &ParseOptions,
) -> Result<(), String> {
    let cat = catalogue();
    let same_media = if media == MediaType::Json {
        MediaType::OcciJson
    } else {
        media
    };
    let out = write(doc, same_media);
    if out.notes.iter().any(|n| n.severity == Severity::Error) {
        return Err(format!("cannot render back: {:?}", out.notes));
    }
    let again = read(&out.text, same_media, options, &cat).map_err(|e| {
        format!(
            "re-reading the {same_media} rendering failed: {e}\n{}",
            out.text
        )
    })?;
    if write(&again.value, same_media).text != out.text {
        return Err(format!("the {same_media} rendering is not a fixed point"));
    }
    if out.notes.is_empty() && &again.value != doc {
        return Err(format!(
            "{same_media} round trip changed the model: {}",
            first_difference(doc, &again.value)
        ));
    }
    if !matches!(doc, tern_occi::Document::Locations(_)) {
        let violations = json_violations(doc);
        if !violations.is_empty() {
            return Err(format!("JSON output fails the schema: {violations:#?}"));
        }
    }
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_reference_fixture_meets_its_recorded_expectation() {
    let Some(root) = reference_dir() else { return };
    let mut files = Vec::new();
    for dir in DIRS {
        walk(&root.join(dir), &mut files);
    }
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut checked = 0;
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(media) = media_of(&rel) else {
            continue;
        };
        let Ok(mut src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let expect = TABLE
            .iter()
            .find(|(p, _)| *p == rel)
            .map_or(Strict, |(_, e)| *e);
        seen.insert(rel.clone());
        if let Some(name) = header_name(&rel) {
            src = src.lines().fold(String::new(), |mut out, line| {
                out.push_str(name);
                out.push_str(": ");
                out.push_str(line);
                out.push('\n');
                out
            });
        }
        let results: Vec<Result<String, String>> = if per_line(&rel) {
            src.lines().map(|line| check(line, media, expect)).collect()
        } else {
            vec![check(&src, media, expect)]
        };
        for r in results {
            checked += 1;
            match r {
                Ok(what) => println!("ok   {rel}: {what}"),
                Err(why) => failures.push(format!("{rel}: {why}")),
            }
        }
    }
    for (p, _) in TABLE {
        assert!(seen.contains(*p), "table entry {p} matches no file");
    }
    assert!(checked > 150, "only {checked} fixtures checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures fail:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn pocci_negatives_fail_with_their_rule() {
    let Some(root) = reference_dir() else { return };
    let negatives = [
        (
            "category-collection/text-duplicity.txt",
            "occi.duplicate-category",
        ),
        (
            "category-collection/text-error-attrdef.txt",
            "text.bad-attribute-def",
        ),
        (
            "category-collection/text-error-attrdef2.txt",
            "text.unterminated-quote",
        ),
        (
            "category-collection/text-error-category.txt",
            "text.unknown-field",
        ),
        (
            "category-collection/text-error-category2.txt",
            "text.unknown-field",
        ),
        (
            "category-collection/text-missing-class.txt",
            "text.missing-class",
        ),
        (
            "category-collection/text-missing-scheme.txt",
            "text.missing-scheme",
        ),
        ("entity-collection/invalid-format.txt", "text.unknown-field"),
        ("entity-collection/uri-invalid-uri.txt", "text.bad-uri"),
        ("resource/http-bad-attr.txt", "text.bad-uri"),
        ("resource/text-bad-attr.txt", "text.bad-uri"),
        (
            "resource/text-bad-quote-attribute.txt",
            "text.unterminated-quote",
        ),
        (
            "resource/text-bad-quote-category.txt",
            "text.unterminated-quote",
        ),
        (
            "resource/text-bad-quote-link.txt",
            "text.unterminated-quote",
        ),
        ("resource/text-invalid-format.txt", "text.field-syntax"),
    ];
    for (rel, rule) in negatives {
        let src = std::fs::read_to_string(root.join("pocci/tests").join(rel)).unwrap();
        let media = media_of(rel).unwrap();
        // Every leniency on changes nothing: none of them is a deviation a leniency names.
        for options in [ParseOptions::strict(), ParseOptions::lenient()] {
            let e = read(&src, media, &options, &catalogue())
                .err()
                .unwrap_or_else(|| panic!("{rel} parsed"));
            let first = e.findings().iter().find(|d| d.is_error()).unwrap();
            assert_eq!(first.rule, rule, "{rel}: {first}");
        }
    }
}

#[test]
fn spec_json_examples_render_back_identically_modulo_order() {
    let Some(root) = reference_dir() else { return };
    for name in [
        "action_instance",
        "action_invocation",
        "kind_instance",
        "link_instance",
        "mixin_instance",
        "resource_instance",
    ] {
        let src = std::fs::read_to_string(
            root.join(format!("spec/examples/json/spec_example_{name}.json")),
        )
        .unwrap();
        let doc = crate::support::read_ok(&src, MediaType::OcciJson, &ParseOptions::strict(), name);
        let out = write(&doc, MediaType::OcciJson);
        let original = tern_occi::json::parse_json(&src).unwrap();
        let rendered = tern_occi::json::parse_json(&out.text).unwrap();
        let again = crate::support::read_ok(
            &out.text,
            MediaType::OcciJson,
            &ParseOptions::strict(),
            name,
        );
        assert_eq!(again, doc, "{name}: the model changed");
        if name == "mixin_instance" {
            // The example leaves `mutable`/`required` to their defaults; tern writes them out.
            assert!(
                out.text.contains("\"mutable\": false") && out.text.contains("\"required\": false")
            );
        } else {
            assert_eq!(sorted(&rendered), sorted(&original), "{name}");
        }
    }
}

/// Compact JSON with object members sorted: the writer uses the spec's member order, the
/// examples their own.
fn sorted(json: &tern_occi::json::Json) -> String {
    use tern_occi::json::JsonValue;
    match &json.value {
        JsonValue::Object(members) => {
            let mut parts: Vec<String> = members
                .iter()
                .map(|m| format!("{:?}:{}", m.name, sorted(&m.value)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        JsonValue::Array(items) => format!(
            "[{}]",
            items.iter().map(sorted).collect::<Vec<_>>().join(",")
        ),
        _ => json.to_compact(),
    }
}

fn first_difference(a: &tern_occi::Document, b: &tern_occi::Document) -> String {
    let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = la
        .iter()
        .zip(&lb)
        .position(|(x, y)| x != y)
        .unwrap_or(la.len().min(lb.len()));
    let from = at.saturating_sub(6);
    format!(
        "before:\n{}\nafter:\n{}",
        la[from..(at + 3).min(la.len())].join("\n"),
        lb[from..(at + 3).min(lb.len())].join("\n")
    )
}
