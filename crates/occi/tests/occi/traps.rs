//! The interoperability traps of the OCCI text renderings, one case each: what tern reads,
//! what it rejects, and which leniency (if any) is involved.

use tern_diag::Severity;
use tern_model::{AttributeDef, AttributeType, Catalogue, CategoryId, Kind, OcciVersion, Value};
use tern_occi::{Document, MediaType, ParseOptions, read};

use crate::support::catalogue;

const COMPUTE: &str =
    "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n";

fn resource(
    src: &str,
    options: &ParseOptions,
    cat: &Catalogue,
) -> Result<(tern_model::Resource, Vec<String>), String> {
    match read(src, MediaType::TextPlain, options, cat) {
        Ok(p) => match p.value {
            Document::Resource(r) => Ok((
                r,
                p.warnings
                    .iter()
                    .map(|w| w.rule.as_ref().to_owned())
                    .collect(),
            )),
            other => Err(format!("not a resource: {}", other.composition())),
        },
        Err(e) => Err(e
            .findings()
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap()
            .rule
            .as_ref()
            .to_owned()),
    }
}

fn value(r: &tern_model::Resource, name: &str) -> Value {
    r.entity
        .attributes
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn values_keep_their_lexical_class_and_the_catalogue_types_them() {
    let src = format!(
        "{COMPUTE}X-OCCI-Attribute: b1=true, b2=\"true\", n1=2, n2=2.50, s1=\"a, b\", s2=\"say \\\"hi\\\"\", s3=\"x=y\"\n"
    );
    let (r, warnings) = resource(&src, &ParseOptions::strict(), &catalogue()).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(value(&r, "b1"), Value::Boolean(true));
    assert_eq!(value(&r, "b2"), Value::String("true".into()));
    assert_eq!(value(&r, "n2").to_string(), "2.50");
    assert_eq!(value(&r, "s1"), Value::String("a, b".into()));
    assert_eq!(value(&r, "s2"), Value::String("say \"hi\"".into()));
    assert_eq!(value(&r, "s3"), Value::String("x=y".into()));
    // `e1=static` is outside the grammar (enum values are strings): a named leniency.
    let bare = format!("{COMPUTE}X-OCCI-Attribute: e1=static\n");
    assert_eq!(
        resource(&bare, &ParseOptions::strict(), &catalogue()).unwrap_err(),
        "lenient.bare-token"
    );
    let (r, w) = resource(&bare, &ParseOptions::lenient(), &catalogue()).unwrap();
    assert_eq!(
        (value(&r, "e1"), w),
        (
            Value::String("static".into()),
            vec!["lenient.bare-token".to_owned()]
        )
    );
}

/// A catalogue with a boolean and a list attribute, which OCCI Infrastructure lacks.
fn custom_catalogue() -> Catalogue {
    let mut cat = Catalogue::core(OcciVersion::V1_2);
    let mut kind = Kind {
        id: CategoryId::new("http://tern.example/occi#", "gadget"),
        title: None,
        parent: Some("http://schemas.ogf.org/occi/core#resource".parse().unwrap()),
        attributes: vec![
            AttributeDef::new("org.example.enabled", AttributeType::Boolean),
            AttributeDef::new("org.example.rules", AttributeType::List),
        ],
        actions: Vec::new(),
        location: Some("/gadget/".into()),
        states: None,
    };
    kind.attributes.push(AttributeDef::new(
        "org.example.size",
        AttributeType::Integer,
    ));
    cat.add_kind(kind).unwrap();
    cat
}

#[test]
fn quoted_booleans_and_json_in_strings_are_leniencies_decided_by_the_model() {
    let cat = custom_catalogue();
    let head = "Category: gadget; scheme=\"http://tern.example/occi#\"; class=\"kind\"\n";
    let quoted = format!("{head}X-OCCI-Attribute: org.example.enabled=\"true\"\n");
    assert_eq!(
        resource(&quoted, &ParseOptions::strict(), &cat).unwrap_err(),
        "lenient.quoted-boolean"
    );
    let (r, _) = resource(&quoted, &ParseOptions::lenient(), &cat).unwrap();
    assert_eq!(value(&r, "org.example.enabled"), Value::Boolean(true));
    let list = format!(
        "{head}X-OCCI-Attribute: org.example.rules=\"[{{\\\"protocol\\\":\\\"TCP\\\"}}]\"\n"
    );
    assert_eq!(
        resource(&list, &ParseOptions::strict(), &cat).unwrap_err(),
        "lenient.json-in-string"
    );
    let (r, _) = resource(&list, &ParseOptions::lenient(), &cat).unwrap();
    assert_eq!(
        value(&r, "org.example.rules"),
        Value::List(vec![Value::Hash(vec![(
            "protocol".into(),
            Value::String("TCP".into())
        )])])
    );
    let broken = format!("{head}X-OCCI-Attribute: org.example.rules=\"[not json\"\n");
    assert_eq!(
        resource(&broken, &ParseOptions::lenient(), &cat).unwrap_err(),
        "model.attribute-type"
    );
}

#[test]
fn integer_float_and_enum_come_from_the_catalogue() {
    let cat = catalogue();
    let findings = |attrs: &str| {
        let src = format!("{COMPUTE}X-OCCI-Attribute: {attrs}\n");
        tern_occi::validate(
            &src,
            MediaType::TextPlain,
            &ParseOptions::strict(),
            &cat,
            tern_occi::Unknowns::Reject,
            tern_occi::ValidationMode::Request,
        )
        .into_iter()
        .map(|f| f.rule.as_ref().to_owned())
        .collect::<Vec<_>>()
    };
    assert!(
        findings("occi.compute.cores=2, occi.compute.memory=2, occi.compute.architecture=\"x64\"")
            .is_empty()
    );
    assert_eq!(findings("occi.compute.cores=2.5"), ["model.attribute-type"]);
    assert_eq!(
        findings("occi.compute.architecture=\"arm\""),
        ["model.attribute-type"]
    );
    assert_eq!(
        findings("occi.compute.memory=\"4\""),
        ["model.attribute-type"]
    );
}

#[test]
fn link_category_quoted_or_not_and_ooi_style_links() {
    let unquoted = format!(
        "{COMPUTE}Link: </storage/1>; rel=\"http://schemas.ogf.org/occi/infrastructure#storage\"; category=http://schemas.ogf.org/occi/infrastructure#storagelink\n"
    );
    let (r, w) = resource(&unquoted, &ParseOptions::strict(), &catalogue()).unwrap();
    assert!(w.is_empty());
    assert_eq!(r.links[0].entity.kind.term(), "storagelink");
    // ooi renders `<link location>` with the target in occi.core.target: a contradiction
    // with the spec's `<target>`, reported rather than guessed.
    let ooi = format!(
        "{COMPUTE}Link: </link/storagelink/1>; rel=\"http://schemas.ogf.org/occi/infrastructure#storage\"; category=\"http://schemas.ogf.org/occi/infrastructure#storagelink\"; occi.core.target=\"/storage/1\"\n"
    );
    assert_eq!(
        resource(&ooi, &ParseOptions::lenient(), &catalogue()).unwrap_err(),
        "occi.composition"
    );
}

#[test]
fn header_names_case_and_aliases() {
    let lower = "category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=kind\nx-occi-attribute: occi.compute.cores=2\n";
    assert!(
        resource(lower, &ParseOptions::strict(), &catalogue()).is_ok(),
        "RFC 7230 names are case-insensitive"
    );
    let alias = "X-OCCI-Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\nX_occi_attribute: occi.compute.cores=2\n";
    assert_eq!(
        resource(alias, &ParseOptions::strict(), &catalogue()).unwrap_err(),
        "lenient.header-alias"
    );
    let (_, w) = resource(alias, &ParseOptions::lenient(), &catalogue()).unwrap();
    assert_eq!(w, ["lenient.header-alias", "lenient.header-alias"]);
}

#[test]
fn numbers_outside_the_grammar() {
    for (number, rule) in [
        ("-1", "lenient.extended-number"),
        ("1.0e+20", "lenient.extended-number"),
        ("2x", "text.bad-number"),
        (".", "text.bad-number"),
    ] {
        let src = format!("{COMPUTE}X-OCCI-Attribute: org.example.n={number}\n");
        assert_eq!(
            resource(&src, &ParseOptions::strict(), &catalogue()).unwrap_err(),
            rule,
            "{number}"
        );
    }
    let src = format!("{COMPUTE}X-OCCI-Attribute: org.example.n=-1\n");
    let (r, _) = resource(&src, &ParseOptions::lenient(), &catalogue()).unwrap();
    assert_eq!(value(&r, "org.example.n").to_string(), "-1");
}
