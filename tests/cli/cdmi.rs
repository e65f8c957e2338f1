//! `tern cdmi`: body validation prints the findings of every file in the one findings shape;
//! object-ID explanations are the library's data, formatted.

use serde_json::Value;

use crate::violations;
use crate::{stderr, stdout, tern};

const FINDINGS_SCHEMA: &str = "schemas/findings.schema.json";
const EXCLUSIVE: &str = "samples/cdmi/invalid/exclusive-sources.json";
const DUPLICATE: &str = "samples/cdmi/invalid/duplicate-key.json";
const VALID: &str = "samples/cdmi/valid/dataobject-create.json";

#[test]
fn validate_prints_one_line_per_finding() {
    let out = tern(&["cdmi", "validate", EXCLUSIVE, VALID]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{EXCLUSIVE}:4:3: error[CDMI-EXCLUSIVE]: \"copy\", \"move\" are mutually exclusive: give at most one (400 Bad Request)\n"
        )
    );
    assert!(
        stderr(&out).contains("checked 2 file(s): 1 error(s), 0 warning(s)"),
        "{}",
        stderr(&out)
    );
    let out = tern(&["cdmi", "validate", VALID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn validate_json_follows_the_findings_schema() {
    let out = tern(&[
        "cdmi", "validate", "--format", "json", EXCLUSIVE, DUPLICATE, VALID,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(violations(FINDINGS_SCHEMA, &text), Vec::<String>::new());
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["valid"], false);
    let findings = report["findings"].as_array().unwrap();
    let rules: Vec<_> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["CDMI-EXCLUSIVE", "CDMI-JSON-DUPLICATE"]);
    assert_eq!(
        findings[0],
        serde_json::json!({
            "severity": "error",
            "rule": "CDMI-EXCLUSIVE",
            "message": "\"copy\", \"move\" are mutually exclusive: give at most one (400 Bad Request)",
            "file": EXCLUSIVE,
            "line": 4,
            "column": 3,
            "pointer": "/move",
        })
    );
    // What was learnt of each file, valid ones included.
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(
        files[2],
        serde_json::json!({
            "file": VALID,
            "valid": true,
            "version": "1.1.1",
            "objectType": "dataobject",
            "kind": "create-request",
        })
    );
    // The validator is not vacuous: a finding without a rule is reported.
    assert!(!violations(FINDINGS_SCHEMA, &text.replacen("\"rule\"", "\"rules\"", 1)).is_empty());
}

#[test]
fn validate_refuses_a_syntax_error_with_its_position() {
    let out = tern(&[
        "cdmi",
        "validate",
        "--format",
        "json",
        "samples/cdmi/invalid/syntax-error.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(violations(FINDINGS_SCHEMA, &text), Vec::<String>::new());
    let report: Value = serde_json::from_str(&text).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "CDMI-JSON");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(3), Some(33))
    );
    assert_eq!(report["files"][0]["valid"], false);
}

#[test]
fn objectid_explain_json_is_the_librarys_explanation() {
    // Byte 0 set: the reserved byte and, with it, the CRC are wrong.
    let id = "01007ED90010D891022876A8DE0BC0FD";
    let out = tern(&["cdmi", "objectid", "explain", "--format", "json", id]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let explained = serde_json::to_value(tern_cdmi::objectid::explain(id)).unwrap();
    assert_eq!(json, explained);
    assert_eq!(json["objectID"], id);
    assert_eq!(json["valid"], false);
    assert_eq!(json["crcStored"], "D891");
    let rules: Vec<_> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["CDMI-ID-RESERVED", "CDMI-ID-CRC"]);
    assert_eq!(
        json["fields"][0],
        serde_json::json!({"name": "reserved0", "offset": 0, "len": 1, "hex": "01", "meaning": "reserved, must be 00"})
    );
    let text = stdout(&tern(&["cdmi", "objectid", "explain", id]));
    assert!(
        text.contains("byte 0       01        reserved, must be 00\n"),
        "{text}"
    );
    assert!(
        text.contains("error[CDMI-ID-RESERVED]: reserved byte 0 is 0x01, must be 0x00\n"),
        "{text}"
    );
}
