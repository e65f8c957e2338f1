//! A listing that defines categories (a model, or an export carrying its provider mixins)
//! validates its entities against them.

use tern_diag::Severity;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{MediaType, ParseOptions, Unknowns, validate};

const DOC: &str = r#"{
  "mixins": [{
    "term": "small", "scheme": "http://provider.example/tpl#", "title": "Small",
    "depends": ["http://schemas.ogf.org/occi/infrastructure#resource_tpl"],
    "applies": ["http://schemas.ogf.org/occi/infrastructure#compute"],
    "attributes": { "example.tier": { "type": "string", "mutable": true, "required": false } },
    "location": "/mixin/small/"
  }],
  "resources": [{
    "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
    "mixins": ["http://provider.example/tpl#small"],
    "attributes": { "example.tier": "web" },
    "id": "urn:uuid:1"
  }]
}"#;

fn findings(doc: &str) -> Vec<String> {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    validate(
        doc,
        MediaType::OcciJson,
        &ParseOptions::strict(),
        &catalogue,
        Unknowns::Reject,
        tern_occi::ValidationMode::Request,
    )
    .iter()
    .filter(|d| d.severity != Severity::Note)
    .map(ToString::to_string)
    .collect()
}

#[test]
fn mixins_defined_in_the_document_are_known_to_its_resources() {
    assert_eq!(findings(DOC), Vec::<String>::new());
}

#[test]
fn a_listed_mixin_with_an_unknown_dependency_is_a_finding() {
    let broken = DOC.replace("infrastructure#resource_tpl", "infrastructure#no_such_tpl");
    let found = findings(&broken);
    assert!(
        found.iter().any(|f| f.contains(
            "depends http://schemas.ogf.org/occi/infrastructure#no_such_tpl is not in the catalogue"
        )),
        "{found:#?}"
    );
}
