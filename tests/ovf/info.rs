//! `tern ovf info`.

use crate::{samples, scratch, show, tern};

#[test]
fn json_matches_the_library_report_for_every_sample() {
    for path in samples() {
        let p = path.to_str().unwrap();
        let out = tern(&["ovf", "info", "--format", "json", p]);
        assert_eq!(out.status.code(), Some(0), "{p}: {}", show(&out));
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let doc = tern_ovf::Document::parse(&std::fs::read(&path).unwrap()).unwrap();
        let expected =
            serde_json::to_value(tern_ovf::info::Info::new(&tern_ovf::Envelope::read(&doc)))
                .unwrap();
        assert_eq!(printed, expected, "{p}");
    }
}

#[test]
fn json_has_exactly_the_documented_top_level_fields() {
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/ovf-info.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let mut documented: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    documented.sort_unstable();
    let content_fields: Vec<&str> = schema["$defs"]["content"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for path in samples() {
        let out = tern(&["ovf", "info", "--format", "json", path.to_str().unwrap()]);
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, documented, "{}", path.display());
        let content = value["content"].as_object().unwrap();
        for field in &content_fields {
            assert!(
                content.contains_key(*field),
                "{}: content.{field}",
                path.display()
            );
        }
        assert_eq!(content.len(), content_fields.len());
    }
}

#[test]
fn text_output_names_systems_and_sizes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/ovf/hadoop-cluster.ovf"
    );
    let out = tern(&["ovf", "info", path]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("VirtualSystemCollection hadoop"), "{text}");
    assert!(text.contains("  VirtualSystem hadoop-slave"), "{text}");
    assert!(text.contains("100 GiB"), "{text}");
    assert!(
        text.contains("4 CPU(s), 16 GiB memory, 2 disk(s), 1 NIC(s)"),
        "{text}"
    );
}

#[test]
fn broken_archives_are_invalid_and_missing_files_usage_errors() {
    let dir = scratch("info-usage");
    let ova = dir.join("x.ova");
    std::fs::write(&ova, b"").unwrap();
    let out = tern(&["ovf", "info", ova.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("x.ova"),
        "{}",
        show(&out)
    );
    let out = tern(&["ovf", "info", dir.join("missing.ova").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let missing = dir.join("missing.ovf");
    let out = tern(&["ovf", "info", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn malformed_xml_exits_1_with_position() {
    let dir = scratch("info-bad");
    let bad = dir.join("bad.ovf");
    std::fs::write(&bad, "<Envelope>\n  <References>\n</Envelope>\n").unwrap();
    let out = tern(&["ovf", "info", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.ovf:3:1: error[OVF-XML]: malformed XML"),
        "{err}"
    );
    // The source line and a caret under the column, as tern-diag renders them.
    assert!(err.contains("\n3 | </Envelope>\n  | ^\n"), "{err}");
}

#[test]
fn non_ovf_root_exits_1() {
    let dir = scratch("info-root");
    let other = dir.join("other.ovf");
    std::fs::write(&other, "<html/>").unwrap();
    let out = tern(&["ovf", "info", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[OVF-ENVELOPE]"));
}

#[test]
fn lang_translates_the_text_report() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/ovf/localized-strings.ovf"
    );
    let out = tern(&["ovf", "info", "--lang", "de-DE", path]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Product: Informationskiosk"), "{text}");
}
