//! Editing: only touched elements change, the result re-parses and validates, and random
//! edit sequences keep those properties (proptest).

use proptest::prelude::*;
use tern_ovf::edit::{self, EditError};
use tern_ovf::info::Info;
use tern_ovf::{Document, Envelope, ValidateOptions, validate};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../samples/ovf/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn info(doc: &Document) -> Info {
    Info::new(&Envelope::read(doc))
}

/// Lines that differ between two texts (same line count assumed by callers that care).
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn cpus_and_memory_change_their_lines_only() {
    let before = sample("vmware-webserver.ovf");
    let mut doc = Document::parse(&before).unwrap();
    edit::set_cpus(&mut doc, None, 6).unwrap();
    // 6 GiB is a whole number of the item's `byte * 2 ^ 20`: the unit is kept as written.
    edit::set_memory(&mut doc, None, 6 << 30).unwrap();
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    let before = String::from_utf8(before).unwrap();
    assert_eq!(before.lines().count(), after.lines().count());
    // The values, and the names that state them.
    let line = |tag: &str, value: &str| format!("        <rasd:{tag}>{value}</rasd:{tag}>");
    assert_eq!(
        changed_lines(&before, &after),
        [
            (
                line("ElementName", "2 virtual CPU(s)"),
                line("ElementName", "6 virtual CPU(s)")
            ),
            (line("VirtualQuantity", "2"), line("VirtualQuantity", "6")),
            (
                line("ElementName", "4096MB of memory"),
                line("ElementName", "6144MB of memory")
            ),
            (
                line("VirtualQuantity", "4096"),
                line("VirtualQuantity", "6144")
            ),
        ]
    );
    let reread = Document::parse(after.as_bytes()).unwrap();
    let hw = &info(&reread).content.unwrap().hardware[0];
    assert_eq!((hw.cpus, hw.memory_bytes), (Some(6), Some(6 << 30)));
}

#[test]
fn memory_that_does_not_fit_the_unit_switches_unit() {
    let mut doc = Document::parse(&sample("hadoop-cluster.ovf")).unwrap();
    // hadoop-master's memory is in `byte * 2^30`; 1536 MiB is not a whole number of GiB.
    edit::set_memory(&mut doc, Some("hadoop-master"), 1536 << 20).unwrap();
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    // The name said 8 GB: 1536 MiB is no whole number of GB, so it says 1536 MB.
    assert!(text.contains("<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n          <rasd:ElementName>1536 MB of memory"), "{text}");
    let reread = Document::parse(text.as_bytes()).unwrap();
    let master = &info(&reread).content.unwrap().members[1];
    assert_eq!(master.hardware[0].memory_bytes, Some(1536 << 20));
}

#[test]
fn a_missing_field_is_inserted_in_schema_order() {
    // The oVirt CPU item has no VirtualQuantity; it goes between ResourceType and the
    // oVirt-specific children that follow it.
    let mut doc = Document::parse(&sample("ovirt-export.ovf")).unwrap();
    edit::set_cpus(&mut doc, None, 2).unwrap();
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    assert!(
        text.contains("<rasd:ResourceType>3</rasd:ResourceType>\n        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>\n        <rasd:num_of_sockets>"),
        "{text}"
    );
    let mut doc = Document::parse(&sample("minimal.ovf")).unwrap();
    edit::set_memory(&mut doc, None, 1 << 30).unwrap();
    // An existing field is updated in place, never duplicated.
    assert_eq!(
        String::from_utf8(doc.to_bytes())
            .unwrap()
            .matches("<rasd:VirtualQuantity>")
            .count(),
        2
    );
}

#[test]
fn properties_are_escaped_and_type_checked() {
    let mut doc = Document::parse(&sample("vmware-webserver.ovf")).unwrap();
    edit::set_property(&mut doc, "org.example.web.ip0", "10.0.0.5").unwrap();
    edit::set_property(&mut doc, "log.level", "a\"<&>'").unwrap();
    assert_eq!(
        edit::set_property(&mut doc, "data.disk.size", "big"),
        Err(EditError::BadValue {
            key: "data.disk.size".into(),
            ty: "uint16".into(),
            value: "big".into()
        })
    );
    assert!(matches!(
        edit::set_property(&mut doc, "nope", "1"),
        Err(EditError::NoProperty { key, known }) if key == "nope" && known.contains(&"org.example.web.log.level".to_string())
    ));
    let reread = Document::parse(&doc.to_bytes()).unwrap();
    let props = info(&reread).content.unwrap().properties;
    let get = |k: &str| {
        props
            .iter()
            .find(|p| p.key.as_deref() == Some(k))
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(get("ip0").as_deref(), Some("10.0.0.5"));
    assert_eq!(get("log.level").as_deref(), Some("a\"<&>'"));
}

#[test]
fn ovf09_properties_use_default_value() {
    let mut doc = Document::parse(&sample("vmware-ovf09.ovf")).unwrap();
    edit::set_property(&mut doc, "greeting", "bonjour").unwrap();
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    assert!(text.contains("ovf:defaultValue=\"bonjour\""), "{text}");
    assert!(!text.contains("ovf:value="));
}

#[test]
fn nics_disks_and_removal_keep_the_descriptor_valid() {
    let mut doc = Document::parse(&sample("hadoop-cluster.ovf")).unwrap();
    let nic = edit::add_nic(&mut doc, Some("hadoop-slave"), "public").unwrap();
    let disk = edit::add_disk(&mut doc, Some("hadoop-slave"), 200 << 30).unwrap();
    assert_eq!(
        edit::add_nic(&mut doc, None, "dmz"),
        Err(EditError::NoNetwork("dmz".into()))
    );
    let reread = Document::parse(&doc.to_bytes()).unwrap();
    let report = validate(&reread, &ValidateOptions::default());
    assert!(report.is_valid(), "{:#?}", report.findings);
    let summary = info(&reread);
    assert_eq!(
        summary.disks.last().unwrap().capacity_bytes,
        Some(200 << 30)
    );
    let slave = &summary.content.as_ref().unwrap().members[2].hardware[0];
    assert_eq!(slave.nics.len(), 2);
    assert_eq!(
        slave.disks.last().unwrap().target.as_deref(),
        Some(disk.as_str())
    );

    let mut doc = reread;
    edit::remove_item(&mut doc, Some("hadoop-slave"), &nic).unwrap();
    assert_eq!(
        edit::remove_item(&mut doc, Some("hadoop-slave"), &nic),
        Err(EditError::NoItem(nic))
    );
    let reread = Document::parse(&doc.to_bytes()).unwrap();
    assert_eq!(
        info(&reread).content.unwrap().members[2].hardware[0]
            .nics
            .len(),
        1
    );
}

#[test]
fn default_deployment_option_moves() {
    let mut doc = Document::parse(&sample("deployment-options.ovf")).unwrap();
    edit::set_default_deployment_option(&mut doc, "large").unwrap();
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    assert_eq!(text.matches("ovf:default=\"true\"").count(), 1);
    let reread = Document::parse(text.as_bytes()).unwrap();
    let summary = info(&reread);
    assert_eq!(summary.content.unwrap().hardware[0].cpus, Some(8));
    assert!(matches!(
        edit::set_default_deployment_option(&mut doc, "huge"),
        Err(EditError::UnknownDeploymentOption(e)) if e.known == ["small", "medium", "large"]
    ));
}

#[test]
fn sizes_parse_with_units() {
    assert_eq!(edit::parse_size("4GiB").unwrap(), 4 << 30);
    assert_eq!(edit::parse_size("512 MiB").unwrap(), 512 << 20);
    assert_eq!(edit::parse_size("1048576").unwrap(), 1 << 20);
    for bad in ["byte", "4 parsecs", "", "-1 MiB"] {
        assert!(
            matches!(edit::parse_size(bad), Err(edit::EditError::Size(_))),
            "{bad}"
        );
    }
}

#[derive(Debug, Clone)]
enum Op {
    Cpus(u64),
    MemoryMiB(u64),
    Hostname(String),
    AddNic,
    RemoveNic,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..=128).prop_map(Op::Cpus),
        (1u64..=262_144).prop_map(Op::MemoryMiB),
        "[ -~\u{e9}\u{4e2d}]{0,20}".prop_map(Op::Hostname),
        Just(Op::AddNic),
        Just(Op::RemoveNic),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_reparse_and_keep_untouched_bytes(ops in proptest::collection::vec(op(), 1..8)) {
        let original = sample("minimal.ovf");
        let mut doc = Document::parse(&original).unwrap();
        let (mut cpus, mut memory, mut hostname, mut nics) = (1u64, 512u128 << 20, "vm".to_string(), 1usize);
        for op in &ops {
            match op {
                Op::Cpus(n) => { edit::set_cpus(&mut doc, None, *n).unwrap(); cpus = *n; }
                Op::MemoryMiB(m) => {
                    edit::set_memory(&mut doc, None, u128::from(*m) << 20).unwrap();
                    memory = u128::from(*m) << 20;
                }
                Op::Hostname(h) => { edit::set_property(&mut doc, "hostname", h).unwrap(); hostname.clone_from(h); }
                Op::AddNic => { edit::add_nic(&mut doc, None, "lan").unwrap(); nics += 1; }
                Op::RemoveNic => {
                    let ids: Vec<String> = info(&doc).content.unwrap().hardware[0].nics.iter()
                        .filter_map(|n| n.instance_id.clone()).collect();
                    if let Some(id) = ids.last() {
                        edit::remove_item(&mut doc, None, id).unwrap();
                        nics -= 1;
                    }
                }
            }
        }
        let bytes = doc.to_bytes();
        let reread = Document::parse(&bytes).unwrap();
        // Writing the re-read document changes nothing.
        prop_assert_eq!(reread.to_bytes(), bytes.clone());
        let summary = info(&reread);
        let content = summary.content.unwrap();
        let hw = &content.hardware[0];
        prop_assert_eq!(hw.cpus, Some(cpus));
        prop_assert_eq!(hw.memory_bytes, Some(memory));
        prop_assert_eq!(hw.nics.len(), nics);
        prop_assert_eq!(content.properties[0].value.as_deref(), Some(hostname.as_str()));
        let report = validate(&reread, &ValidateOptions::default());
        prop_assert!(report.is_valid(), "{:#?}", report.findings);
        // Everything before the VirtualSystem is untouched.
        let cut = original.windows(16).position(|w| w == b"<VirtualSystem o").unwrap();
        prop_assert_eq!(&bytes[..cut], &original[..cut]);
    }
}

#[test]
fn ovf2_converts_down_to_rasd_items_and_back_byte_identically() {
    let original = sample("ovf2-epasd-sasd.ovf");
    let mut doc = Document::parse(&original).unwrap();
    let dropped = edit::convert_version(&mut doc, edit::OvfVersion::V1).unwrap();
    assert!(dropped.is_empty());
    let v1 = doc.to_bytes();
    let v1_doc = Document::parse(&v1).unwrap();
    let env = Envelope::read(&v1_doc);
    assert_eq!(env.dialect.dialect, tern_ovf::Dialect::Dmtf1);
    assert_eq!(env.dialect.version.as_deref(), Some("1.0"));
    let hw = &env.virtual_systems()[0].sections.hardware[0];
    assert!(
        hw.items
            .iter()
            .all(|i| i.kind == Some(tern_ovf::model::ItemKind::Item))
    );
    assert_eq!(hw.items.iter().filter(|i| i.is_nic()).count(), 2);
    assert_eq!(
        hw.items
            .iter()
            .filter_map(|i| i.disk_ref())
            .collect::<Vec<_>>(),
        ["root"]
    );
    let report = validate(&v1_doc, &ValidateOptions::default());
    assert!(report.is_valid(), "{:#?}", report.findings);

    let mut back = v1_doc;
    edit::convert_version(&mut back, edit::OvfVersion::V2).unwrap();
    assert_eq!(back.to_bytes(), original, "2 -> 1 -> 2 restores every byte");
}

#[test]
fn virtualbox_ovf20_becomes_an_ovf1_that_strict_mode_accepts() {
    let Some(dir) = crate::reference_dir() else {
        return;
    };
    let bytes = std::fs::read(dir.join("virtualbox-ovf20-ubuntu.ovf")).unwrap();
    let mut doc = Document::parse(&bytes).unwrap();
    assert!(!validate(&doc, &ValidateOptions::default()).is_valid());
    edit::convert_version(&mut doc, edit::OvfVersion::V1).unwrap();
    edit::set_virtual_system_type(&mut doc, None, "vmx-13").unwrap();
    let reread = Document::parse(&doc.to_bytes()).unwrap();
    let report = validate(&reread, &ValidateOptions::default());
    assert!(report.is_valid(), "{:#?}", report.findings);
    let hw = info(&reread).content.unwrap().hardware.remove(0);
    assert_eq!(hw.virtual_system_types, ["vmx-13"]);
    assert_eq!(hw.nics.len(), 1);
}

#[test]
fn ovf1_items_go_up_to_port_and_storage_items() {
    let mut doc = Document::parse(&sample("minimal.ovf")).unwrap();
    edit::convert_version(&mut doc, edit::OvfVersion::V2).unwrap();
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    assert!(text.contains("xmlns:epasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData\""));
    assert!(
        text.contains("<EthernetPortItem>\n        <epasd:AutomaticAllocation>"),
        "{text}"
    );
    assert!(
        text.contains("<sasd:HostResource>ovf:/disk/disk1</sasd:HostResource>"),
        "{text}"
    );
    let reread = Document::parse(text.as_bytes()).unwrap();
    assert_eq!(
        Envelope::read(&reread).dialect.dialect,
        tern_ovf::Dialect::Dmtf2
    );
    assert!(validate(&reread, &ValidateOptions::default()).is_valid());
}
