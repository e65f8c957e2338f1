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
    let out = tern(&["occi", "model", "--version", "1.2", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    insta::assert_json_snapshot!(json);
}

#[test]
fn model_1_1_differs_where_the_specs_differ() {
    let v11 = stdout(&tern(&["occi", "model", "--version", "1.1"]));
    let v12 = stdout(&tern(&["occi", "model", "--version", "1.2"]));
    assert!(v11.contains("occi.compute.speed") && !v12.contains("occi.compute.speed"));
    assert!(!v11.contains("ssh_key") && v12.contains("infrastructure/credentials#ssh_key"));
    assert!(v11.contains("storage/action#backup") && !v12.contains("storage/action#backup"));
}
