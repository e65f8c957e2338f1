//! One entity with 200 000 attributes, in text/plain and in pretty JSON (one attribute per
//! line, so that the cost measured is binding, not line/column computation): every value
//! arrives, in order, and a repeated name is still refused (with its rule, line and column). With the attributes in a list
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

// The only finding of `text`'s read: rule, line and column.
fn refusal(text: &str) -> (String, Option<(usize, usize)>, String) {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let error = read(
        text,
        MediaType::OcciJson,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .unwrap_err();
    let findings = error.findings();
    assert_eq!(findings.len(), 1, "{error}");
    let f = &findings[0];
    (
        f.rule.to_string(),
        f.position.map(|p| (p.line, p.column)),
        f.message.clone(),
    )
}

#[test]
fn a_name_repeated_at_the_end_of_a_hundred_thousand_members_is_refused_where_it_is() {
    // The large-object path of the duplicate check (a keyed hash of every name), in pretty
    // and minified JSON, with a title outside ASCII first (columns are characters, not bytes,
    // from there on) and without.
    const M: usize = 100_000;
    for title in ["plain", "café ☕"] {
        let head = format!(
            "{{\"kind\": \"{COMPUTE}compute\", \"id\": \"vm\", \"title\": \"{title}\",\n\"attributes\": {{"
        );
        let mut pretty = head.clone();
        let mut minified = head;
        for i in 0..M {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(pretty, "{comma}\n    \"x.a{i}\": \"v{i}\"");
            let _ = write!(minified, "{comma}\"x.a{i}\":\"v{i}\"");
        }
        // Pretty: the repeated name opens line M + 3, after four spaces.
        pretty.push_str(",\n    \"x.a99998\": 1\n  }\n}\n");
        let (rule, at, message) = refusal(&pretty);
        assert_eq!(rule, "json.syntax");
        assert_eq!(at, Some((M + 3, 5)), "{message}");
        assert_eq!(message, "member `x.a99998` appears twice");
        // Minified: one line after the first; the column counts characters.
        let column = minified.rsplit('\n').next().unwrap().chars().count() + 2;
        minified.push_str(",\"x.a0\":1}}");
        let (rule, at, message) = refusal(&minified);
        assert_eq!(
            (rule.as_str(), at, message.as_str()),
            (
                "json.syntax",
                Some((2, column)),
                "member `x.a0` appears twice"
            )
        );
    }
}

#[test]
fn names_that_differ_only_after_a_long_common_prefix_are_distinct() {
    // Long names (hashed and scanned past their first words) that share 300 characters: none
    // is taken for another, all arrive in order, and a real repeat is still found.
    const M: usize = 20_000;
    let prefix = format!("x.{}", "ab".repeat(150));
    let mut json = format!("{{\"kind\": \"{COMPUTE}compute\", \"id\": \"vm\", \"attributes\": {{");
    for i in 0..M {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(json, "{comma}\n\"{prefix}{i}\": {i}");
    }
    let whole = format!("{json}\n}}}}");
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let doc = read(
        &whole,
        MediaType::OcciJson,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .expect("reads");
    let attributes = attributes(&doc.value);
    assert_eq!(attributes.len(), M);
    let last = format!("{prefix}{}", M - 1);
    assert_eq!(
        attributes.iter().last().map(|(n, _)| n),
        Some(last.as_str())
    );
    assert_eq!(
        attributes
            .get(&format!("{prefix}12345"))
            .map(ToString::to_string),
        Some("12345".to_owned())
    );
    let repeated = format!("{json},\n\"{prefix}1234\": 0\n}}}}");
    let (rule, at, message) = refusal(&repeated);
    assert_eq!(rule, "json.syntax");
    // The line is the repeat's (the message echoes the name's start only).
    assert_eq!(at, Some((M + 2, 1)));
    assert!(
        message.starts_with("member `x.abab") && message.ends_with("` appears twice"),
        "{message}"
    );
}

/// Forty thousand bodies separated by blank lines, media type undeclared: the type was
/// detected from the whole text again for every body (`fuzz/cli-mutate.py` found 46 000
/// lines taking 2.7 s), so this read scanned 10¹¹ bytes. It finishes now because the type is
/// decided once per read.
#[test]
fn forty_thousand_bodies_of_an_undeclared_type_are_read_with_one_detection() {
    let n = 40_000;
    let mut text = String::new();
    for i in 0..n {
        let _ = write!(
            text,
            "Category: compute; scheme=\"{COMPUTE}\"; class=\"kind\"\nX-OCCI-Attribute: occi.core.id=\"c{i}\"\n\n"
        );
    }
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let source = tern_occi::Source::new("many.txt", &text, None);
    let read = source.read(&ParseOptions::lenient(), &catalogue).unwrap();
    let Document::Listing(listing) = &read.value else {
        panic!("not a listing: {:?}", read.value)
    };
    assert_eq!(listing.resources.len(), n);
    assert_eq!(listing.resources[n - 1].entity.id, format!("c{}", n - 1));
    let findings = source.validate(
        &ParseOptions::lenient(),
        &catalogue,
        tern_occi::Unknowns::Warn,
        tern_occi::ValidationMode::Request,
    );
    assert!(
        findings.iter().all(|f| !f.is_error()),
        "{:?}",
        &findings[..findings.len().min(3)]
    );
}

/// Five thousand lines that are no field, each a finding: every finding was kept (ten million
/// lines in 20 MB held 5.3 GB, and `tern serve` answered an 8 MB body with 283 MB of
/// findings). The first `Bounded::PER_RULE` are kept and one note counts the rest.
#[test]
fn findings_of_one_rule_are_kept_up_to_the_bound_and_the_rest_counted() {
    let n = 5000;
    let text = "x\n".repeat(n);
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let e = read(
        &text,
        MediaType::TextPlain,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .unwrap_err();
    let kept = tern_diag::Bounded::PER_RULE;
    let syntax = tern_testkit::bounded_findings(e.findings(), "text.field-syntax", n);
    assert_eq!(syntax[kept - 1].position.map(|p| p.line), Some(kept));
}
