//! Catalogues as data: provider extensions load in the same format, and broken documents
//! are refused with the reason.

use tern_model::{Catalogue, CatalogueError, OcciVersion};

use crate::id;

#[test]
fn a_provider_template_extends_os_tpl() {
    let text = r#"{
      "kinds": [{ "id": "http://schemas.ogf.org/occi/core#entity" }],
      "mixins": [
        { "id": "http://provider.example/os#ubuntu-24.04", "title": "Ubuntu", "depends": ["http://schemas.ogf.org/occi/infrastructure#os_tpl"] },
        { "id": "http://schemas.ogf.org/occi/infrastructure#os_tpl" }
      ]
    }"#;
    let catalogue = Catalogue::from_json(text, None).unwrap();
    let closure: Vec<String> = catalogue
        .mixin_closure(&id("http://provider.example/os#ubuntu-24.04"))
        .iter()
        .map(|m| m.id.term().to_owned())
        .collect();
    assert_eq!(
        closure,
        ["ubuntu-24.04", "os_tpl"],
        "mixins may be listed before what they depend on"
    );
}

#[test]
fn unknown_parent_is_refused() {
    let text = r#"{ "kinds": [{ "id": "http://x#a", "parent": "http://x#missing" }] }"#;
    let err = Catalogue::from_json(text, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "http://x#a: parent http://x#missing is not in the catalogue"
    );
}

#[test]
fn syntax_errors_have_positions() {
    let err =
        Catalogue::from_json("{\n  \"kinds\": [\n    { \"id\": 3 }\n  ]\n}", None).unwrap_err();
    assert!(
        matches!(err, CatalogueError::Syntax { line: 3, .. }),
        "{err}"
    );
}

#[test]
fn enum_without_values_and_bad_defaults() {
    let attr = |extra: &str| {
        format!(
            r#"{{ "kinds": [{{ "id": "http://x#k", "attributes": [{{ "name": "a", "multiplicity": "0..1", "mutable": true, {extra} }}] }}] }}"#
        )
    };
    let err = Catalogue::from_json(&attr(r#""type": "enum""#), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "http://x#k: attribute a: an enum needs a non-empty `values` list"
    );
    let err =
        Catalogue::from_json(&attr(r#""type": "integer", "default": "x""#), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "http://x#k: attribute a: default \"x\": expected integer, found string"
    );
    let err = Catalogue::from_json(&attr(r#""type": "integer", "colour": 1"#), None).unwrap_err();
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}

#[test]
fn duplicate_categories_are_refused() {
    let text = r#"{ "actions": [{ "id": "http://x#a" }, { "id": "http://x#a" }] }"#;
    assert_eq!(
        Catalogue::from_json(text, None).unwrap_err(),
        CatalogueError::Duplicate(id("http://x#a"))
    );
}

#[test]
fn core_catalogue_has_three_kinds() {
    for v in OcciVersion::ALL {
        let core = Catalogue::core(v);
        let terms: Vec<&str> = core.kinds().iter().map(|k| k.id.term()).collect();
        assert_eq!(terms, ["entity", "resource", "link"]);
    }
}
