//! Deployment options through the binary: `ovf info` per option, `ovf edit --cpus/--memory
//! --deployment-option`, `ovf2occi --deployment-option` and its `--report`, and undeclared
//! options as usage errors. The descriptor reproduces the class: Items overridden by
//! InstanceID for several options, a two-name configuration list, an Item for one option,
//! a partial override, range markers, a default that is not the first option.

use serde_json::Value;

use crate::{scratch, show, tern};

fn overrides() -> String {
    format!(
        "{}/crates/ovf/tests/data/deployment/overrides.ovf",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn json(args: &[&str]) -> Value {
    let out = tern(args);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn info_json(path: &str) -> Value {
    json(&["ovf", "info", "--format", "json", path])
}

/// (cpus, memory bytes, NICs) of every option, in declaration order.
fn per_option(info: &Value) -> Vec<(String, u64, u64, usize)> {
    info["content"]["hardware"][0]["options"]
        .as_array()
        .unwrap_or_else(|| panic!("no options in {info:#}"))
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["cpus"].as_u64().unwrap(),
                o["memory_bytes"].as_u64().unwrap(),
                o["nics"].as_array().unwrap().len(),
            )
        })
        .collect()
}

const GIB: u64 = 1 << 30;

fn expected() -> Vec<(String, u64, u64, usize)> {
    vec![
        ("small".into(), 1, GIB, 1),
        ("medium".into(), 2, GIB, 1),
        ("large".into(), 4, 8 * GIB, 1),
        ("huge".into(), 4, 32 * GIB, 2),
    ]
}

#[test]
fn info_reports_the_hardware_of_each_option() {
    let info = info_json(&overrides());
    let hw = &info["content"]["hardware"][0];
    assert_eq!(hw["cpus"], 2, "the default option's own CPU Item");
    assert_eq!(hw["option"], "medium");
    assert_eq!(per_option(&info), expected());
    let out = tern(&["ovf", "info", &overrides()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "  Hardware (vmx-13): 2 CPU(s), 1 GiB memory, 1 disk(s), 1 NIC(s) (option medium)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    option large   4 CPU(s), 8 GiB memory, 1 disk(s), 1 NIC(s)\n"),
        "{text}"
    );
}

#[test]
fn info_json_hardware_has_exactly_the_documented_fields() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/ovf-info.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let required = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        keys.sort();
        keys
    };
    let keys = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let defs = &schema["$defs"];
    let info = info_json(&overrides());
    let hw = &info["content"]["hardware"][0];
    assert_eq!(
        keys(hw),
        required(&defs["content"]["properties"]["hardware"]["items"])
    );
    let option = &hw["options"][3];
    assert_eq!(keys(option), required(&defs["option_hardware"]));
    assert_eq!(keys(&option["ranges"][0]), required(&defs["range"]));
    assert_eq!(keys(&hw["unused"][0]), required(&defs["unused"]));
    assert_eq!(keys(&option["nics"][0]), required(&defs["device"]));
}

#[test]
fn edit_changes_the_hardware_of_the_named_option_only() {
    let dir = scratch("deployment-edit");
    let out_path = dir.join("edited.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        &overrides(),
        "-o",
        out_path.to_str().unwrap(),
        "--deployment-option",
        "large",
        "--cpus",
        "6",
        "--memory",
        "12GiB",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let info = info_json(out_path.to_str().unwrap());
    let mut want = expected();
    want[2] = ("large".into(), 6, 12 * GIB, 1);
    assert_eq!(per_option(&info), want);
    // The default option did not move.
    assert_eq!(info["content"]["hardware"][0]["option"], "medium");
    let check = tern(&["ovf", "validate", out_path.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));
}

#[test]
fn edit_without_an_option_changes_the_default_option() {
    let dir = scratch("deployment-edit-default");
    let out_path = dir.join("edited.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        &overrides(),
        "-o",
        out_path.to_str().unwrap(),
        "--cpus",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let mut want = expected();
    want[1].1 = 3;
    assert_eq!(per_option(&info_json(out_path.to_str().unwrap())), want);
}

#[test]
fn the_default_option_moves_with_default_option() {
    let dir = scratch("deployment-default");
    let out_path = dir.join("edited.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        &overrides(),
        "-o",
        out_path.to_str().unwrap(),
        "--default-option",
        "huge",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let info = info_json(out_path.to_str().unwrap());
    assert_eq!(info["content"]["hardware"][0]["option"], "huge");
    assert_eq!(info["content"]["hardware"][0]["memory_bytes"], 32 * GIB);
    // --deployment-option alone changes nothing: it names the option --cpus/--memory edit.
    let out = tern(&[
        "ovf",
        "edit",
        &overrides(),
        "-o",
        out_path.to_str().unwrap(),
        "--deployment-option",
        "huge",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--default-option"));
}

#[test]
fn undeclared_options_are_usage_errors_that_list_the_declared_ones() {
    let dir = scratch("deployment-unknown");
    let out_path = dir.join("out");
    let known = "known: small, medium, large, huge";
    for args in [
        vec!["ovf", "edit", "--cpus", "2", "-o"],
        vec!["ovf2occi", "-o"],
    ] {
        let mut args = args;
        args.push(out_path.to_str().unwrap());
        let file = overrides();
        args.extend(["--deployment-option", "tiny", &file]);
        let out = tern(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("tiny") && err.contains(known),
            "{args:?}: {err}"
        );
        assert!(!out_path.exists(), "{args:?} wrote an output");
    }
    let out = tern(&["ovf", "env", &overrides(), "--deployment-option", "tiny"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

/// `occi.compute.cores`, `occi.compute.memory` (GiB) and the networks the NICs reach.
fn compute(collection: &Value) -> (u64, f64, Vec<String>) {
    let resources = collection["resources"].as_array().unwrap();
    let compute = resources
        .iter()
        .find(|r| r["kind"] == "http://schemas.ogf.org/occi/infrastructure#compute")
        .unwrap();
    let networks = compute["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "http://schemas.ogf.org/occi/infrastructure#networkinterface")
        .map(|l| l["target"]["location"].as_str().unwrap().to_string())
        .collect();
    (
        compute["attributes"]["occi.compute.cores"]
            .as_u64()
            .unwrap(),
        compute["attributes"]["occi.compute.memory"]
            .as_f64()
            .unwrap(),
        networks,
    )
}

#[test]
fn ovf2occi_converts_the_chosen_options_hardware() {
    for (option, cores, memory, nics) in expected() {
        let collection = json(&["ovf2occi", &overrides(), "--deployment-option", &option]);
        let (got_cores, got_memory, networks) = compute(&collection);
        assert_eq!(
            (got_cores, got_memory, networks.len()),
            (cores, f64::from(u32::try_from(memory / GIB).unwrap()), nics),
            "{option}"
        );
    }
    // No option: the default (medium), not the unconditional Items.
    let (cores, _, _) = compute(&json(&["ovf2occi", &overrides()]));
    assert_eq!(cores, 2);
}

#[test]
fn ovf2occi_report_lists_the_items_the_option_does_not_use() {
    let dir = scratch("deployment-report");
    let report = dir.join("report.json");
    let out = tern(&[
        "ovf2occi",
        &overrides(),
        "--deployment-option",
        "large",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let value: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let unused: Vec<(String, u64, u64)> = value["unused"]
        .as_array()
        .unwrap_or_else(|| panic!("no `unused` in {value:#}"))
        .iter()
        .map(|u| {
            (
                u["path"].as_str().unwrap().to_string(),
                u["line"].as_u64().unwrap(),
                u["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let item =
        |id: &str| format!("Envelope/VirtualSystem/VirtualHardwareSection/Item[InstanceID={id}]");
    assert_eq!(
        unused,
        [
            (item("1"), 52, 7),
            (item("1"), 59, 7),
            (format!("{}/ElementName", item("2")), 75, 9),
            (format!("{}/VirtualQuantity", item("2")), 78, 9),
            (item("2"), 80, 7),
            (item("2"), 87, 7),
            (item("2"), 100, 7),
            (item("4"), 130, 7),
        ]
    );
    // The text report says why.
    let text_report = dir.join("report.txt");
    let out = tern(&[
        "ovf2occi",
        &overrides(),
        "--deployment-option",
        "large",
        "--report",
        text_report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = std::fs::read_to_string(&text_report).unwrap();
    assert!(
        text.contains(":130:7: note[ovf2occi.unused]: Envelope/VirtualSystem/VirtualHardwareSection/Item[InstanceID=4] (ovf:configuration=\"huge\" does not apply to deployment option `large`)"),
        "{text}"
    );
    assert!(
        text.contains(":80:7: note[ovf2occi.unused]: Envelope/VirtualSystem/VirtualHardwareSection/Item[InstanceID=2] (range marker (ovf:bound=\"min\"): OCCI has no ranges)"),
        "{text}"
    );
}

#[test]
fn reference_appliances_convert_each_profile() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let csr = dir.join("cisco-csr1000v-cot.ovf");
    let csr = csr.to_str().unwrap();
    for (option, cores, memory) in [
        ("1CPU-4GB", 1, 4.0),
        ("2CPU-4GB", 2, 4.0),
        ("4CPU-4GB", 4, 4.0),
        ("4CPU-8GB", 4, 8.0),
    ] {
        let (got_cores, got_memory, _) =
            compute(&json(&["ovf2occi", csr, "--deployment-option", option]));
        assert_eq!((got_cores, got_memory), (cores, memory), "{option}");
    }
    let info = info_json(csr);
    let cpus: Vec<u64> = per_option(&info).iter().map(|o| o.1).collect();
    assert_eq!(cpus, [1, 2, 4, 4]);
}
