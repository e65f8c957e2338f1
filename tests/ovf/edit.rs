//! `tern ovf edit` and `tern ovf env`.

use crate::{scratch, show, tern};

fn sample(rel: &str) -> String {
    format!("{}/samples/ovf/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn edit_writes_a_valid_descriptor_with_the_new_values() {
    let dir = scratch("edit");
    let out_path = dir.join("edited.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        &sample("minimal.ovf"),
        "-o",
        out_path.to_str().unwrap(),
        "--cpus",
        "4",
        "--memory",
        "2GiB",
        "--prop",
        "hostname=web-1",
        "--add-nic",
        "lan",
        "--add-disk",
        "20GiB",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let info = tern(&[
        "ovf",
        "info",
        "--format",
        "json",
        out_path.to_str().unwrap(),
    ]);
    let value: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let hw = &value["content"]["hardware"][0];
    assert_eq!(hw["cpus"], 4);
    assert_eq!(hw["memory_bytes"], 2u64 << 30);
    assert_eq!(hw["nics"].as_array().unwrap().len(), 2);
    assert_eq!(hw["disks"].as_array().unwrap().len(), 2);
    assert_eq!(value["content"]["properties"][0]["value"], "web-1");
    assert_eq!(value["disks"][1]["capacity_bytes"], 20u64 << 30);
    let check = tern(&["ovf", "validate", out_path.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));
}

#[test]
fn edit_in_place_and_failures_leave_the_file_alone() {
    let dir = scratch("edit-inplace");
    let path = dir.join("vm.ovf");
    std::fs::copy(sample("minimal.ovf"), &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = tern(&["ovf", "edit", path.to_str().unwrap(), "--prop", "missing=1"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    // miette wraps long lines; compare the words only.
    let words: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .split_whitespace()
        .filter(|w| *w != "│")
        .map(str::to_string)
        .collect();
    assert!(
        words.join(" ").contains("no Property with key \"missing\""),
        "{words:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let out = tern(&["ovf", "edit", path.to_str().unwrap(), "--memory", "lots"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let out = tern(&["ovf", "edit", path.to_str().unwrap(), "--prop", "novalue"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let out = tern(&[
        "ovf",
        "edit",
        path.to_str().unwrap(),
        "--cpus",
        "3",
        "--in-place",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let after = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(after.contains("<rasd:VirtualQuantity>3</rasd:VirtualQuantity>"));
    assert!(after.contains("<rasd:ElementName>3 virtual CPU</rasd:ElementName>"));
    assert_eq!(
        after.len(),
        before.len(),
        "two digits replaced by two digits"
    );
}

#[test]
fn env_prints_the_environment_document() {
    let out = tern(&[
        "ovf",
        "env",
        &sample("hadoop-cluster.ovf"),
        "--id",
        "portal",
        "--prop",
        "org.example.portal.hostname=www",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Environment "),
        "{xml}"
    );
    assert!(
        xml.contains("<Property oe:key=\"org.example.portal.hostname\" oe:value=\"www\"/>"),
        "{xml}"
    );
    let bad = tern(&[
        "ovf",
        "env",
        &sample("hadoop-cluster.ovf"),
        "--prop",
        "hdfs.replication=many",
    ]);
    assert_eq!(bad.status.code(), Some(1), "{}", show(&bad));
}

#[test]
fn ovf_version_conversion_from_the_command_line() {
    let dir = scratch("convert");
    let v1 = dir.join("v1.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        &sample("ovf2-epasd-sasd.ovf"),
        "-o",
        v1.to_str().unwrap(),
        "--ovf-version",
        "1",
        "--virtual-system-type",
        "vmx-13",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let info = tern(&["ovf", "info", "--format", "json", v1.to_str().unwrap()]);
    let value: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(value["dialect"], "dmtf1");
    assert_eq!(
        value["content"]["hardware"][0]["virtual_system_types"][0],
        "vmx-13"
    );
    let out = tern(&["ovf", "edit", v1.to_str().unwrap(), "--ovf-version", "3"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn edit_under_format_json_says_what_it_did() {
    let input = sample("minimal.ovf");
    let out = tern(&["--format", "json", "ovf", "edit", &input, "--cpus", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let document = json["document"].as_str().expect("the edited document");
    assert!(document.contains("<rasd:VirtualQuantity>3</rasd:VirtualQuantity>"));
    assert!(json["applied"].is_object(), "{json:#}");
    let dir = scratch("edit-json");
    let target = dir.join("out.ovf");
    let target = target.to_str().unwrap();
    let out = tern(&[
        "--format", "json", "ovf", "edit", &input, "--cpus", "3", "-o", target,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["written"], target, "{json:#}");
    assert!(json.get("document").is_none());
    assert!(
        std::fs::read_to_string(target)
            .unwrap()
            .contains(">3</rasd:VirtualQuantity>")
    );
}
