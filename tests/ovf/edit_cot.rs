//! `tern ovf edit` as COT's `edit-hardware` / `edit-properties` users expect: `--memory
//! 4096` is MiB, names follow the values, `--add-prop`, `--profile`, `--nic-type`,
//! `--add-serial`; the result on stdout unless `-o` or `--in-place`; exit codes 1 (the
//! descriptor lacks what the edit needs) and 2 (a malformed flag).

use serde_json::Value;

use crate::{scratch, show, tern};

const GIB: u64 = 1 << 30;

fn appliance() -> String {
    format!(
        "{}/crates/ovf/tests/data/edit/appliance.ovf",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn overrides() -> String {
    format!(
        "{}/crates/ovf/tests/data/deployment/overrides.ovf",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs `tern ovf edit FILE ARGS...` expecting success; returns stdout.
fn edit(file: &str, args: &[&str]) -> String {
    let mut all = vec!["ovf", "edit", file];
    all.extend_from_slice(args);
    let out = tern(&all);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", show(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// `ovf info --format json` of a descriptor given as text.
fn info(xml: &str, name: &str) -> Value {
    let scratch_dir = scratch(name);
    let path = scratch_dir.join("edited.ovf");
    std::fs::write(&path, xml).unwrap();
    let out = tern(&["ovf", "info", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let check = tern(&["ovf", "validate", path.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr_words(out: &std::process::Output) -> String {
    // miette may wrap long lines; compare the words only.
    String::from_utf8_lossy(&out.stderr)
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn memory_is_mib_when_bare_and_takes_the_units_people_type() {
    for size in [
        "4096", "4G", "4GiB", "4 GB", "4096M", "4096MiB", "4Gi", "4g",
    ] {
        let xml = edit(&appliance(), &["--memory", size]);
        let info = info(&xml, "memory-forms");
        assert_eq!(
            info["content"]["hardware"][0]["memory_bytes"],
            4 * GIB,
            "--memory {size}"
        );
    }
    let xml = edit(&appliance(), &["--memory", "1.5G"]);
    assert!(xml.contains("<rasd:VirtualQuantity>1536</rasd:VirtualQuantity>"));
    assert!(xml.contains("<rasd:ElementName>1536MB of memory</rasd:ElementName>"));
    for bad in ["0", "0.1K", "4 GHz", "lots", "-4G"] {
        let out = tern(&["ovf", "edit", &appliance(), &format!("--memory={bad}")]);
        assert_eq!(out.status.code(), Some(2), "--memory {bad}: {}", show(&out));
        let err = stderr_words(&out);
        assert!(err.contains("--memory"), "names the flag: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = tern(&["ovf", "edit", &appliance(), "--add-disk", "0.5"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr_words(&out).contains("--add-disk: \"0.5\" is not a whole number of bytes"));
    let out = tern(&["ovf", "edit", &appliance(), "--cpus", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let help = tern(&["ovf", "edit", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(
        help.contains("A bare number is MiB, as in COT"),
        "--help says what a bare number means: {help}"
    );
}

#[test]
fn names_that_state_the_count_or_size_follow_it() {
    let before = std::fs::read_to_string(appliance()).unwrap();
    let after = edit(&appliance(), &["--cpus", "4", "--memory", "8G"]);
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect();
    assert_eq!(
        changed,
        [
            (
                "<rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>",
                "<rasd:ElementName>4 virtual CPU(s)</rasd:ElementName>"
            ),
            (
                "<rasd:VirtualQuantity>2</rasd:VirtualQuantity>",
                "<rasd:VirtualQuantity>4</rasd:VirtualQuantity>"
            ),
            (
                "<rasd:ElementName>4096MB of memory</rasd:ElementName>",
                "<rasd:ElementName>8192MB of memory</rasd:ElementName>"
            ),
            (
                "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>",
                "<rasd:VirtualQuantity>8192</rasd:VirtualQuantity>"
            ),
        ]
    );
    assert_eq!(before.lines().count(), after.lines().count());
}

#[test]
fn the_result_goes_to_stdout_unless_o_or_in_place() {
    let dir = scratch("edit-destinations");
    let path = dir.join("vm.ovf");
    std::fs::copy(appliance(), &path).unwrap();
    let file = path.to_str().unwrap();
    let before = std::fs::read(&path).unwrap();
    // Neither: stdout, and the file is untouched.
    let out = tern(&["ovf", "edit", file, "--cpus", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(">3 virtual CPU(s)<"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // -o: that file, the input untouched.
    let other = dir.join("other.ovf");
    let out = tern(&[
        "ovf",
        "edit",
        file,
        "--cpus",
        "3",
        "-o",
        other.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&other)
            .unwrap()
            .contains(">3 virtual CPU(s)<")
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Both at once is a usage error.
    let out = tern(&[
        "ovf",
        "edit",
        file,
        "--cpus",
        "3",
        "-o",
        other.to_str().unwrap(),
        "--in-place",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    // --in-place: the file itself, its mode kept.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = tern(&["ovf", "edit", file, "--cpus", "3", "--in-place"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&other).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}

#[test]
fn a_property_that_is_not_declared_fails_and_names_the_way_to_declare_it() {
    let out = tern(&["ovf", "edit", &appliance(), "--prop", "domain=example.com"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = stderr_words(&out);
    assert!(err.contains("error[OVF-EDIT]"), "{err}");
    assert!(
        err.contains(
            "no Property with key \"domain\" (declared: com.example.router.hostname, com.example.router.mgmt-port); --add-prop domain=VALUE declares it"
        ),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // A value outside the declared type: invalid input too.
    let out = tern(&["ovf", "edit", &appliance(), "--prop", "mgmt-port=http"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
}

#[test]
fn add_prop_declares_a_property_with_its_type_label_and_flags() {
    let xml = edit(
        &appliance(),
        &[
            "--add-prop",
            "domain=example.com",
            "--type",
            "string",
            "--label",
            "Domain",
            "--description",
            "The DNS search domain",
            "--user-configurable",
        ],
    );
    let xml = {
        let scratch_dir = scratch("add-prop");
        let path = scratch_dir.join("step.ovf");
        std::fs::write(&path, &xml).unwrap();
        edit(
            path.to_str().unwrap(),
            &["--add-prop", "secret", "--password"],
        )
    };
    let info = info(&xml, "add-prop-info");
    let props = info["content"]["properties"].as_array().unwrap();
    let find = |key: &str| props.iter().find(|p| p["key"] == key).unwrap();
    let domain = find("domain");
    assert_eq!(domain["qualified_key"], "com.example.router.domain");
    assert_eq!(domain["value"], "example.com");
    assert_eq!(domain["type"], "string");
    assert_eq!(domain["label"], "Domain");
    assert_eq!(domain["user_configurable"], true);
    assert_eq!(domain["password"], false);
    let secret = find("secret");
    assert_eq!(secret["password"], true);
    assert_eq!(secret["value"], Value::Null);
    assert!(xml.contains("<Description>The DNS search domain</Description>"));

    // Then --prop finds it.
    let scratch_dir = scratch("add-prop-then-prop");
    let path = scratch_dir.join("vm.ovf");
    std::fs::write(&path, &xml).unwrap();
    let again = edit(path.to_str().unwrap(), &["--prop", "domain=example.org"]);
    assert!(again.contains("ovf:value=\"example.org\""));

    // Already declared: the descriptor has it (1). Malformed: usage (2).
    let code = |args: &[&str]| {
        let mut all = vec!["ovf", "edit", path.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = tern(&all);
        assert!(out.stdout.is_empty(), "{args:?}: {}", show(&out));
        out.status.code()
    };
    assert_eq!(code(&["--add-prop", "domain=x"]), Some(1));
    assert_eq!(
        code(&["--add-prop", "port=99999", "--type", "uint16"]),
        Some(2)
    );
    assert_eq!(code(&["--add-prop", "port=1", "--type", "int"]), Some(2));
    assert_eq!(code(&["--add-prop", "=1"]), Some(2));
    assert_eq!(
        code(&["--type", "uint16"]),
        Some(2),
        "--type without --add-prop"
    );
}

#[test]
fn profile_is_cots_name_for_the_deployment_option() {
    let by_profile = edit(
        &overrides(),
        &["--profile", "large", "--cpus", "6", "--memory", "12G"],
    );
    let by_option = edit(
        &overrides(),
        &[
            "--deployment-option",
            "large",
            "--cpus",
            "6",
            "--memory",
            "12288",
        ],
    );
    assert_eq!(by_profile, by_option);
    let info = info(&by_profile, "profile");
    let large = &info["content"]["hardware"][0]["options"][2];
    assert_eq!(
        (large["id"].as_str(), large["cpus"].as_u64()),
        (Some("large"), Some(6))
    );
    assert_eq!(large["memory_bytes"], 12 * GIB);
    let medium = &info["content"]["hardware"][0]["options"][1];
    assert_eq!(medium["cpus"], 2, "the other options keep theirs");
    // An undeclared profile is a usage error naming the declared ones; --profile alone too.
    let out = tern(&[
        "ovf",
        "edit",
        &overrides(),
        "--profile",
        "tiny",
        "--cpus",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr_words(&out).contains("known: small, medium, large, huge"));
    let out = tern(&["ovf", "edit", &overrides(), "--profile", "large"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn nic_type_changes_every_adapter_or_those_named() {
    let all = edit(&appliance(), &["--nic-type", "E1000"]);
    let info_all = info(&all, "nic-type-all");
    let subtypes = |info: &Value| -> Vec<String> {
        info["content"]["hardware"][0]["nics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["subtype"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(subtypes(&info_all), ["E1000", "E1000"]);
    assert!(all.contains("E1000 ethernet adapter on &quot;Data&quot;"));
    let one = edit(
        &appliance(),
        &["--nic-type", "virtio", "--nic", "GigabitEthernet2"],
    );
    assert_eq!(subtypes(&info(&one, "nic-type-one")), ["VmxNet3", "virtio"]);
    let by_id = edit(&appliance(), &["--nic-type", "virtio", "--nic", "6"]);
    assert_eq!(by_id, one);
    // Per profile: the huge option's second NIC only.
    let huge = edit(
        &overrides(),
        &["--profile", "huge", "--nic-type", "virtio", "--nic", "4"],
    );
    let info = info(&huge, "nic-type-profile");
    let options = info["content"]["hardware"][0]["options"]
        .as_array()
        .unwrap();
    let nics = |o: &Value| -> Vec<String> {
        o["nics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["subtype"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(nics(&options[3]), ["VMXNET3", "virtio"]);
    assert_eq!(nics(&options[2]), ["VMXNET3"]);
    // No such adapter: the descriptor lacks it (1), and the adapters there are are listed.
    let out = tern(&[
        "ovf",
        "edit",
        &appliance(),
        "--nic-type",
        "virtio",
        "--nic",
        "eth9",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(stderr_words(&out).contains("(there are: 5 GigabitEthernet1; 6 GigabitEthernet2)"));
    // --nic without --nic-type: usage.
    let out = tern(&["ovf", "edit", &appliance(), "--nic", "6"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn add_serial_adds_a_connected_serial_port() {
    let xml = edit(
        &appliance(),
        &["--add-serial", "telnet://:9001", "--add-serial", ""],
    );
    assert!(
        xml.contains(
            "      <Item ovf:required=\"false\">
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>telnet://:9001</rasd:Connection>
        <rasd:ElementName>Serial port 1</rasd:ElementName>
        <rasd:InstanceID>7</rasd:InstanceID>
        <rasd:ResourceType>21</rasd:ResourceType>
      </Item>
      <Item ovf:required=\"false\">
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:ElementName>Serial port 2</rasd:ElementName>
        <rasd:InstanceID>8</rasd:InstanceID>
        <rasd:ResourceType>21</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>"
        ),
        "{xml}"
    );
    info(&xml, "serial");
    let for_huge = edit(
        &overrides(),
        &["--profile", "huge", "--add-serial", "telnet://:9001"],
    );
    assert!(for_huge.contains("<Item ovf:required=\"false\" ovf:configuration=\"huge\">"));
    info(&for_huge, "serial-profile");
}
