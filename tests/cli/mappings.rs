//! `tern mappings`: the table in every format, and the README section generated from it.

use crate::{stdout, tern};

#[test]
fn readme_mapping_section_matches_the_data() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- mappings:start -->\n")
        .expect("start marker")
        + "<!-- mappings:start -->\n".len();
    let end = readme.find("<!-- mappings:end -->").expect("end marker");
    let generated = stdout(&tern(&["mappings", "--format", "md"]));
    assert_eq!(
        &readme[start..end],
        generated,
        "README's mapping section is stale: regenerate it with `tern mappings --format md`"
    );
}

#[test]
fn json_is_the_data_format() {
    let out = tern(&["mappings", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for expected in [
        "compute.cores",
        "compute.memory",
        "storage.size",
        "storagelink.deviceid",
        "networkinterface.mac",
    ] {
        assert!(ids.contains(&expected), "{expected} in {ids:?}");
    }
    let text = std::str::from_utf8(&out.stdout).unwrap();
    tern_mapping::MappingTable::from_json(text).expect("the JSON output reads back as a table");
}
