//! One entity with 200 000 attributes, in text/plain and in pretty JSON (one attribute per
//! line, so that the cost measured is binding, not line/column computation): every value
//! arrives, in order, and a repeated name is still refused. With the attributes in a list
//! searched linearly the read took 2·10¹⁰ comparisons (tens of minutes); the test only
//! finishes when the lookups are cheap.

use std::fmt::Write as _;

use tern_model::{Catalogue, OcciVersion};
use tern_occi::{Document, MediaType, ParseOptions, read};

const N: usize = 200_000;
const COMPUTE: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn attributes(doc: &Document) -> &tern_model::Attributes {
    match doc {
        Document::Resource(r) => &r.entity.attributes,
        other => panic!("not a resource: {other:?}"),
    }
}

fn check(attributes: &tern_model::Attributes) {
    assert_eq!(attributes.len(), N + 1);
    let names: Vec<&str> = attributes.iter().map(|(n, _)| n).take(3).collect();
    assert_eq!(names, ["occi.compute.cores", "x.a0", "x.a1"]);
    assert_eq!(
        attributes.get("x.a123456").and_then(|v| v.as_str()),
        Some("v123456")
    );
}

#[test]
fn text_plain_with_two_hundred_thousand_attributes() {
    let mut text = format!(
        "Category: compute; scheme=\"{COMPUTE}\"; class=\"kind\"\nX-OCCI-Attribute: occi.core.id=\"vm\"\nX-OCCI-Attribute: occi.compute.cores=2\n"
    );
    for i in 0..N {
        let _ = writeln!(text, "X-OCCI-Attribute: x.a{i}=\"v{i}\"");
    }
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let doc = read(
        &text,
        MediaType::TextPlain,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .expect("reads");
    check(attributes(&doc.value));

    text.push_str("X-OCCI-Attribute: x.a7=\"again\"\n");
    let error = read(
        &text,
        MediaType::TextPlain,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("attribute `x.a7` given twice"),
        "{error}"
    );
}

#[test]
fn pretty_json_with_two_hundred_thousand_attributes() {
    let mut json = format!(
        "{{\n  \"kind\": \"{COMPUTE}compute\",\n  \"id\": \"vm\",\n  \"attributes\": {{\n    \"occi.compute.cores\": 2"
    );
    for i in 0..N {
        let _ = write!(json, ",\n    \"x.a{i}\": \"v{i}\"");
    }
    json.push_str("\n  }\n}\n");
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let doc = read(
        &json,
        MediaType::OcciJson,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .expect("reads");
    check(attributes(&doc.value));
}
