//! `tern occi model`: the catalogue as a table and as JSON.

use crate::{stdout, tern};

#[test]
fn model_1_2_text() {
    let out = tern(&["occi", "model", "--version", "1.2"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn model_1_2_json() {
    // The query interface in application/occi+json, as GFD.223 §3.4 and the JSON rendering
    // define it: it reads back strictly into the same categories.
    let out = tern(&["occi", "model", "--version", "1.2", "--format", "json"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    assert!(
        crate::stderr(&out).is_empty(),
        "the JSON rendering carries everything: {}",
        crate::stderr(&out)
    );
    let text = stdout(&out);
    let catalogue = tern_model::Catalogue::infrastructure(tern_model::OcciVersion::V1_2);
    let parsed = tern_occi::read(
        &text,
        tern_occi::MediaType::OcciJson,
        &tern_occi::ParseOptions::strict(),
        &catalogue,
    )
    .unwrap();
    let tern_occi::Document::Listing(listing) = parsed.value else {
        panic!("a category collection")
    };
    assert_eq!(listing.kinds.len(), catalogue.kinds().len());
    assert_eq!(listing.mixins.len(), catalogue.mixins().len());
    assert_eq!(listing.actions.len(), catalogue.actions().len());
    insta::assert_snapshot!(text);
}

#[test]
fn model_as_text_occi_query_interface() {
    let out = tern(&["occi", "model", "--version", "1.1", "--to", "text/plain"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\""), "{text}");
    assert!(text.contains("occi.compute.speed"), "1.1 has speed");
}

#[test]
fn model_1_1_differs_where_the_specs_differ() {
    let v11 = stdout(&tern(&["occi", "model", "--version", "1.1"]));
    let v12 = stdout(&tern(&["occi", "model", "--version", "1.2"]));
    assert!(v11.contains("occi.compute.speed") && !v12.contains("occi.compute.speed"));
    assert!(!v11.contains("ssh_key") && v12.contains("infrastructure/credentials#ssh_key"));
    assert!(v11.contains("storage/action#backup") && !v12.contains("storage/action#backup"));
}
