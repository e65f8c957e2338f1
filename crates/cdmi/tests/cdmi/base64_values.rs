//! `valuetransferencoding: "base64"` values are checked with the standard, canonical decoder:
//! padding where RFC 4648 puts it and no stray bits in the last symbol.

use tern_cdmi::body::{self, ParseOptions};

fn error_rules(value: &str) -> Vec<String> {
    let text = format!(
        r#"{{"mimetype": "application/octet-stream", "valuetransferencoding": "base64", "value": "{value}"}}"#
    );
    body::parse(&text, &ParseOptions::default())
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn canonical_base64_is_accepted() {
    for value in ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYmFy"] {
        assert_eq!(error_rules(value), Vec::<String>::new(), "{value}");
    }
}

#[test]
fn non_canonical_base64_is_refused() {
    // `Zh==` decodes to "f" only by dropping the set low bits of `h`: two texts for one byte.
    for value in [
        "Zh==",
        "Zm9=",
        "Zg",
        "Zg=",
        "Zm9=v",
        "Zg==Zg==",
        "Z===",
        "<37 bytes>",
    ] {
        assert_eq!(error_rules(value), ["CDMI-VALUE-BASE64"], "{value}");
    }
    let text = r#"{"valuetransferencoding": "base64", "value": "Zh=="}"#;
    let parsed = body::parse(text, &ParseOptions::default());
    let message = &parsed.findings[0].message;
    assert!(message.contains("'h' at offset 1"), "{message}");
}
