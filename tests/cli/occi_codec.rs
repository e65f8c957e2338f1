//! `tern occi convert` and `tern occi validate`: outputs, findings format and exit codes.

use crate::violations;
use crate::{stderr, stdout, tern};

fn unix(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[test]
fn convert_json_to_text_plain_matches_the_sample() {
    let out = tern(&[
        "occi",
        "convert",
        "--strict",
        "--from",
        "json",
        "--to",
        "text/plain",
        "samples/occi/compute.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = std::fs::read_to_string("samples/occi/compute.plain.txt").unwrap();
    assert_eq!(unix(&stdout(&out)), unix(&expected));
}

#[test]
fn convert_reports_errors_with_position_and_writes_nothing() {
    let out = tern(&[
        "occi",
        "convert",
        "--from",
        "plain",
        "--to",
        "json",
        "samples/occi/invalid/bad-class.plain.txt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        stderr(&out).trim_end(),
        "samples/occi/invalid/bad-class.plain.txt:1:80: error[text.bad-class]: class `instance` is not one of kind, mixin, action"
    );
}

#[test]
fn convert_lenient_by_default_with_warnings() {
    let dir = std::env::temp_dir().join(format!("tern-occi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("spec.txt");
    std::fs::write(&input, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\" class=\"kind\";\nX-OCCI-Attribute: occi.compute.cores=2\n").unwrap();
    let output = dir.join("out.json");
    let input_arg = input.to_str().unwrap();
    let out = tern(&[
        "occi",
        "convert",
        "--from",
        "plain",
        "--to",
        "json",
        "-o",
        output.to_str().unwrap(),
        input_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(":1:73: warning[lenient.missing-semicolon]"),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::read_to_string(&output)
            .unwrap()
            .contains("\"occi.compute.cores\": 2")
    );
    let strict = tern(&[
        "occi", "convert", "--strict", "--from", "plain", "--to", "json", input_arg,
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("error[lenient.missing-semicolon]"));
    // A location list cannot become JSON: exit 1, and the output file is not touched.
    let list = dir.join("list.txt");
    std::fs::write(&list, "X-OCCI-Location: https://cloud.example/compute/1\n").unwrap();
    let refused = dir.join("refused.json");
    let out = tern(&[
        "occi",
        "convert",
        "--from",
        "plain",
        "--to",
        "json",
        "-o",
        refused.to_str().unwrap(),
        list.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!refused.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_exit_codes_and_findings() {
    let ok = tern(&[
        "occi",
        "validate",
        "samples/occi/network.plain.txt",
        "samples/occi/storagelink.json",
        "samples/occi/collection.uri",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    // A create request (no id, no state): judged as one.
    let bad = tern(&[
        "occi",
        "validate",
        "--strict",
        "--request",
        "samples/occi/invalid/unknown-category.plain.txt",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).starts_with(
            "samples/occi/invalid/unknown-category.plain.txt:2:11: error[model.unknown-category]: "
        ),
        "{}",
        stdout(&bad)
    );
    let warn = tern(&[
        "occi",
        "validate",
        "--request",
        "samples/occi/invalid/unknown-category.plain.txt",
    ]);
    assert_eq!(warn.status.code(), Some(0));
    assert!(stdout(&warn).contains(": warning[model.unknown-category]: "));
    let missing = tern(&["occi", "validate", "samples/occi/no-such-file.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    let usage = tern(&["occi", "convert", "--from", "text/html", "--to", "json"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn validate_json_format() {
    let out = tern(&[
        "--format",
        "json",
        "occi",
        "validate",
        "--strict",
        "samples/occi/invalid/bad-number.plain.txt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        findings,
        serde_json::json!({
            "valid": false,
            "findings": [{
                "file": "samples/occi/invalid/bad-number.plain.txt",
                "line": 2,
                "column": 38,
                "severity": "error",
                "rule": "text.bad-number",
                "message": "`2x` is not a number (OCCI numbers are `*DIGIT [\".\" *DIGIT]`)"
            }],
            "files": [{
                "file": "samples/occi/invalid/bad-number.plain.txt",
                "valid": false,
                "media": "text/plain"
            }]
        })
    );
}

#[test]
fn the_validation_report_follows_the_findings_schema() {
    let files = [
        "samples/occi/compute.json",
        "samples/occi/compute.occi.hdr",
        "samples/occi/collection.uri",
        "samples/occi/invalid/unknown-category.plain.txt",
        "samples/occi/invalid/null-attribute.json",
        "samples/occi/invalid/unterminated-quote.plain.txt",
    ];
    for strict in [false, true] {
        let mut args = vec!["--format", "json", "occi", "validate"];
        if strict {
            args.push("--strict");
        }
        args.extend(files);
        let out = tern(&args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(
            violations("schemas/findings.schema.json", &text),
            Vec::<String>::new(),
            "{text}"
        );
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        let media: Vec<&str> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["media"].as_str().unwrap())
            .collect();
        assert_eq!(
            media,
            [
                "application/occi+json",
                "text/plain",
                "text/uri-list",
                "text/plain",
                "application/occi+json",
                "text/plain"
            ]
        );
        let rules: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"model.unknown-category"), "{rules:?}");
        assert!(rules.contains(&"json.shape") && rules.contains(&"text.unterminated-quote"));
    }
    // The validator is not vacuous: the array tern printed before is no findings report.
    assert!(!violations("schemas/findings.schema.json", "[]").is_empty());
    assert!(
        !violations(
            "schemas/findings.schema.json",
            r#"{"valid": true, "findings": [{"rule": "x", "message": "m"}]}"#
        )
        .is_empty()
    );
}

#[test]
fn allow_enables_exactly_the_named_leniencies() {
    let dir = std::env::temp_dir().join(format!("tern-occi-allow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("spec.txt");
    std::fs::write(&input, "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\" class=\"kind\";\n").unwrap();
    let path = input.to_str().unwrap();
    let one = tern(&[
        "occi",
        "validate",
        "--request",
        "--allow",
        "missing-semicolon",
        path,
    ]);
    assert_eq!(one.status.code(), Some(1));
    assert!(
        stdout(&one).contains("warning[lenient.missing-semicolon]")
            && stdout(&one).contains("error[lenient.trailing-semicolon]")
    );
    let both = tern(&[
        "occi",
        "validate",
        "--request",
        "--allow",
        "missing-semicolon,trailing-semicolon",
        path,
    ]);
    assert_eq!(both.status.code(), Some(0), "{}", stdout(&both));
    let unknown = tern(&["occi", "validate", "--allow", "everything", path]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown leniency `everything`"));
    std::fs::remove_dir_all(&dir).unwrap();
}
