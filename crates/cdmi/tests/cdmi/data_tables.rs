//! The data tables of the crate checked against the reference lists and the specification text.

use std::collections::BTreeSet;

use tern_cdmi::capability::{self, CapabilityClass, CapabilityType};
use tern_cdmi::metadata::{self, MetadataClass};
use tern_cdmi::status;
use tern_cdmi::version::Version;

use crate::reference;

fn class_of_1_1_1(applies_to: &str) -> CapabilityClass {
    match applies_to {
        "container" => CapabilityClass::Container,
        "data object" => CapabilityClass::Dataobject,
        "domain" => CapabilityClass::Domain,
        "queue" => CapabilityClass::Queue,
        a if a.starts_with("system-wide") => CapabilityClass::System,
        a if a.starts_with("storage system") => CapabilityClass::StorageSystemMetadata,
        _ => CapabilityClass::DataSystemMetadata,
    }
}

fn type_of(t: &str) -> CapabilityType {
    if t.contains("array") {
        CapabilityType::StringArray
    } else {
        CapabilityType::String
    }
}

#[test]
fn capability_names_match_the_1_1_1_tables() {
    let Some(doc) = reference::json("cdmi-1.1.1-capabilities.json") else {
        return;
    };
    let rows = doc["capabilities"].as_array().unwrap();
    let mut names = BTreeSet::new();
    for row in rows {
        let name = row["name"].as_str().unwrap();
        names.insert(name);
        let class = class_of_1_1_1(row["applies_to"].as_str().unwrap());
        let ours = capability::lookup(name)
            .find(|c| c.class == class)
            .unwrap_or_else(|| panic!("{name} ({class:?}) missing"));
        assert!(ours.in_version(Version::V1_1_1), "{name}");
        assert_eq!(
            ours.value_type,
            type_of(row["type"].as_str().unwrap()),
            "{name}"
        );
    }
    assert_eq!(names.len(), 121, "121 distinct names (SOURCES.md)");
    // And nothing extra claims to be core 1.1.1.
    for ours in capability::names()
        .iter()
        .filter(|c| c.in_version(Version::V1_1_1))
    {
        if ours.deprecated.is_none() && ours.extension.is_none() {
            assert!(
                names.contains(ours.name.as_str()),
                "{} is not in the 1.1.1 tables",
                ours.name
            );
        }
    }
}

#[test]
fn capability_names_match_the_2_0_tables() {
    let Some(doc) = reference::json("cdmi-2.0.0-capabilities.json") else {
        return;
    };
    let listed: BTreeSet<&str> = doc["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().unwrap().starts_with("JSON"))
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for name in &listed {
        assert!(
            capability::lookup(name).any(|c| c.in_version(Version::V2_0)),
            "{name}"
        );
    }
    for name in doc["absent_vs_1_1_1"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            !capability::lookup(name).any(|c| c.in_version(Version::V2_0)),
            "{name}"
        );
    }
    for name in doc["added_since_1_1_1"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            capability::lookup(name).all(|c| !c.in_version(Version::V1_1_1)),
            "{name}"
        );
    }
}

// The PDF text breaks long names across table lines ("cdmi_immediate_redun" / "dancy"), so
// compare with all whitespace removed.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn metadata_names_of_tables_118_and_119_occur_in_the_spec() {
    let Some(spec) = reference::text("spec/CDMI_Spec_v1.1.1.txt") else {
        return;
    };
    let spec = squeezed(&spec);
    for rule in metadata::rules() {
        if matches!(
            rule.class,
            MetadataClass::StorageSystem
                | MetadataClass::DataSystem
                | MetadataClass::Domain
                | MetadataClass::Member
        ) {
            assert!(
                spec.contains(&rule.name),
                "{} not in the 1.1.1 text",
                rule.name
            );
        }
    }
    // Spot checks of the value rules from the tables.
    assert_eq!(
        metadata::rule("cdmi_size").unwrap().value,
        metadata::ValueKind::Count
    );
    assert_eq!(
        metadata::rule("cdmi_geographic_placement").unwrap().value,
        metadata::ValueKind::TextList
    );
    assert!(!metadata::rule("cdmi_ctime").unwrap().client_writable);
}

#[test]
fn status_rules_name_real_finding_rules() {
    for rule in status::rules() {
        assert!((200..600).contains(&rule.status), "{}", rule.id);
    }
    assert_eq!(
        status::for_finding("CDMI-VALUE-BASE64").unwrap().status,
        400
    );
}
