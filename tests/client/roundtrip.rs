//! Extract → apply to another server: the user mixins travel with the entities.

use super::{Served, assert_converged, hadoop, ok, tern};

#[test]
fn an_extracted_model_applies_to_another_server_with_its_user_mixins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = Served::start(&dir.path().join("a"), &[]);
    let second = Served::start(&dir.path().join("b"), &[]);
    ok(&tern(&[
        "deploy",
        "--endpoint",
        &first.base,
        "--auto-approve",
        &hadoop(),
    ]));
    let extracted = dir.path().join("running.json");
    ok(&tern(&[
        "extract",
        "--endpoint",
        &first.base,
        "-o",
        extracted.to_str().expect("UTF-8"),
    ]));
    let text = std::fs::read_to_string(&extracted).expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mixins = json["mixins"].as_array().cloned().unwrap_or_default();
    assert!(
        mixins
            .iter()
            .any(|m| m["scheme"].as_str().is_some_and(|s| s.contains("tern"))),
        "no user mixin definition in {text}"
    );
    // A fresh server knows none of them: apply defines them first.
    ok(&tern(&[
        "apply",
        "--endpoint",
        &second.base,
        "--auto-approve",
        extracted.to_str().expect("UTF-8"),
    ]));
    assert_converged(dir.path(), &second.base, &extracted);
}
