//! Hostile or odd input is refused with a located finding, never a panic.

use tern_cdmi::body::{self, ParseOptions};
use tern_cdmi::exports::Exports;

#[test]
fn absurd_nesting_is_refused() {
    let text = format!(
        "{{\"metadata\": {{\"x\": {}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let parsed = body::parse(&text, &ParseOptions::default());
    assert_eq!(parsed.findings.len(), 1);
    let finding = &parsed.findings[0];
    assert_eq!(finding.rule, "CDMI-JSON");
    assert!(
        finding.message.contains("recursion limit"),
        "{}",
        finding.message
    );
    assert_eq!(finding.position.map(|p| p.line), Some(1));
}

#[test]
fn empty_and_non_object_bodies() {
    for (text, rule) in [
        ("", "CDMI-JSON"),
        ("[]", "CDMI-JSON"),
        ("\"x\"", "CDMI-JSON"),
        ("{} trailing", "CDMI-JSON"),
    ] {
        let parsed = body::parse(text, &ParseOptions::default());
        assert_eq!(
            parsed.findings.first().map(|f| f.rule),
            Some(rule),
            "{text:?}"
        );
        assert!(!parsed.is_valid());
    }
}

#[test]
fn occi_nfs_exports_read_like_iscsi() {
    let exports: serde_json::Value = serde_json::json!({
        "OCCI/NFS": {"identifier": "00007ED90010D891022876A8DE0BC0FD", "permissions": "http://occi.example.org/compute/vm1"},
        "OCCI/iSCSI": {"identifier": "00007ED90010D891022876A8DE0BC0FD", "permissions": []}
    });
    let exports = Exports(exports.as_object().unwrap().clone());
    let occi = exports.occi();
    assert_eq!(occi.len(), 2);
    assert_eq!(occi[0].protocol, "NFS");
    // One string (as 9.4.9 EXAMPLE 2 prints it) reads as a one-element list.
    assert_eq!(occi[0].permissions, ["http://occi.example.org/compute/vm1"]);
    assert!(occi[1].permissions.is_empty());
}

#[test]
fn unknown_floats_survive_a_round_trip() {
    // Found by the cdmi_body fuzz target: without correctly rounded float parsing this number
    // drifts by one unit in the last place between the first and the second read.
    let digits = format!("{}{}.111", "8".repeat(119), "1".repeat(13));
    let text = format!("{{\"x-measure\": {digits}, \"mimetype\": \"text/plain\"}}");
    let first = body::parse(&text, &ParseOptions::default()).object.unwrap();
    let second = body::parse(&first.to_json_string(), &ParseOptions::default())
        .object
        .unwrap();
    assert_eq!(first, second);
    let nearest: f64 = digits.parse().unwrap();
    assert_eq!(first.extra["x-measure"].as_f64(), Some(nearest));
}
