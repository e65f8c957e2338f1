//! Commands that take an OVA read its descriptor in place: `tern ovf info|validate` (with
//! `--check-files` verifying manifest digests) and `tern ovf2occi`.

use crate::{stderr, stdout, tern, violations};

const DESCRIPTOR: &str = r#"<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References><File ovf:id="f" ovf:href="disk.img" ovf:size="4"/></References>
  <DiskSection><Info>d</Info><Disk ovf:diskId="d1" ovf:fileRef="f" ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>
  <VirtualSystem ovf:id="vm"><Info>vm</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"#;

#[test]
fn info_and_validate_read_an_ova_and_check_files_verifies_digests() {
    let dir = std::env::temp_dir().join(format!("tern-ovf-ova-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ovf = dir.join("vm.ovf");
    std::fs::write(&ovf, DESCRIPTOR).unwrap();
    std::fs::write(dir.join("disk.img"), b"data").unwrap();
    let ova = dir.join("vm.ova");
    let (descriptor_path, archive_path) = (ovf.to_str().unwrap(), ova.to_str().unwrap());
    assert!(
        tern(&["ova", "pack", descriptor_path, "-o", archive_path])
            .status
            .success()
    );

    let info = tern(&["ovf", "info", archive_path, "--format", "json"]);
    assert!(info.status.success(), "{}", stderr(&info));
    let json: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(
        json["disks"][0]["capacity_bytes"], 1_073_741_824_u64,
        "{json:#}"
    );

    let checked = tern(&["ovf", "validate", "--check-files", archive_path]);
    assert!(
        checked.status.success(),
        "{}{}",
        stdout(&checked),
        stderr(&checked)
    );

    // A package directory whose manifest lies about the disk.
    std::fs::write(dir.join("vm.mf"), "SHA256(vm.ovf)= 00\nSHA256(disk.img)= 0000000000000000000000000000000000000000000000000000000000000000\n").unwrap();
    let bad = tern(&["ovf", "validate", "--check-files", descriptor_path]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("disk.img: error[OVA-DIGEST]"),
        "{}",
        stdout(&bad)
    );
    // The same verdict in JSON: the package findings are findings of the report.
    let bad = tern(&[
        "ovf",
        "validate",
        "--check-files",
        "--format",
        "json",
        descriptor_path,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let text = stdout(&bad);
    assert_eq!(
        violations("schemas/findings.schema.json", &text),
        Vec::<String>::new()
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["valid"], false, "{json:#}");
    assert_eq!(json["files"][0]["valid"], false, "{json:#}");
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"OVA-DIGEST"), "{json:#}");
    std::fs::remove_dir_all(&dir).unwrap();
}
