//! The edits COT users make (`cot edit-hardware`, `cot edit-properties`), on descriptors
//! written for them in `tests/data/edit`: sizes as typed, texts that state a value said
//! again, NIC types, serial ports, new properties. Each edit changes its own lines and no
//! other byte.

use proptest::prelude::*;
use tern_ovf::edit::{self, EditError, NewProperty};
use tern_ovf::model::ProductEntry;
use tern_ovf::{Document, Envelope, ValidateOptions, validate};

const MIB: u128 = 1 << 20;
const GIB: u128 = 1 << 30;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../samples/ovf/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The lines the edit removed and the lines it added, in order (a line diff that is exact
/// for edits that replace or insert whole lines).
fn diff(before: &[u8], after: &[u8]) -> (Vec<String>, Vec<String>) {
    let before: Vec<&str> = std::str::from_utf8(before).unwrap().lines().collect();
    let after: Vec<&str> = std::str::from_utf8(after).unwrap().lines().collect();
    let head = before
        .iter()
        .zip(&after)
        .take_while(|(a, b)| a == b)
        .count();
    let tail = before[head..]
        .iter()
        .rev()
        .zip(after[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &before[head..before.len() - tail];
    let added = &after[head..after.len() - tail];
    // Lines common to both inside the window are not changes.
    let removed_only = removed
        .iter()
        .filter(|l| !added.contains(l))
        .map(|l| l.trim().to_string())
        .collect();
    let added_only = added
        .iter()
        .filter(|l| !removed.contains(l))
        .map(|l| l.trim().to_string())
        .collect();
    (removed_only, added_only)
}

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn assert_valid(bytes: &[u8]) -> Document {
    let doc = Document::parse(bytes).unwrap();
    let report = validate(&doc, &ValidateOptions::default());
    assert!(report.is_valid(), "{:#?}", report.findings);
    // Writing the re-read document changes nothing.
    assert_eq!(doc.to_bytes(), bytes);
    doc
}

#[test]
fn memory_sizes_are_typed_as_in_cot() {
    // A bare number is MiB (`cot edit-hardware --memory 4096`), not bytes.
    assert_eq!(edit::parse_memory("4096").unwrap(), 4 * GIB);
    for text in [
        "4G",
        "4g",
        "4GiB",
        "4 GiB",
        "4GB",
        "4 GB",
        "4Gi",
        "4096M",
        "4096MiB",
        "4096mb",
        "4194304K",
        "4 gibibyte",
        " 4G ",
    ] {
        assert_eq!(edit::parse_memory(text).unwrap(), 4 * GIB, "{text}");
    }
    assert_eq!(edit::parse_memory("1.5G").unwrap(), 1536 * MIB);
    assert_eq!(edit::parse_memory("0.5 GiB").unwrap(), 512 * MIB);
    // DSP0004's prefixed names are decimal, exactly.
    assert_eq!(edit::parse_memory("4 gigabyte").unwrap(), 4_000_000_000);
    // A bare number for disks is still bytes.
    assert_eq!(edit::parse_size("1048576").unwrap(), MIB);
    for bad in [
        "0",
        "0G",
        "0.1K",
        "4 GHz",
        "-1",
        "",
        "lots",
        "1e3",
        "4 parsecs",
        "4..5G",
        "G",
    ] {
        let err = edit::parse_memory(bad).unwrap_err();
        assert!(matches!(err, EditError::Size(_)), "{bad}: {err:?}");
        assert!(err.is_usage(), "{bad}");
    }
    // 1.5 MiB is whole bytes; 1.5 bytes and 0.1 KiB (102.4 bytes) are not.
    assert_eq!(edit::parse_memory("1.5").unwrap(), 3 * MIB / 2);
    assert_eq!(
        edit::parse_size("1.5").unwrap_err().to_string(),
        "\"1.5\" is not a whole number of bytes"
    );
    assert_eq!(
        edit::parse_memory("0").unwrap_err().to_string(),
        "\"0\" is zero"
    );
    assert_eq!(
        edit::parse_memory("4 GHz").unwrap_err().to_string(),
        "\"4 GHz\" is not an amount of data (the unit is hertz * 10^9)"
    );
}

#[test]
fn cpus_say_the_count_again_where_the_name_states_it() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    let restated = edit::set_cpus(&mut doc, None, 4).unwrap();
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            lines(&[
                "<rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>",
                "<rasd:VirtualQuantity>2</rasd:VirtualQuantity>",
            ]),
            lines(&[
                "<rasd:ElementName>4 virtual CPU(s)</rasd:ElementName>",
                "<rasd:VirtualQuantity>4</rasd:VirtualQuantity>",
            ])
        ),
        "\"Number of Virtual CPUs\" states no count and stays"
    );
    assert_eq!(restated.len(), 1);
    assert_eq!(
        (
            restated[0].field.as_str(),
            restated[0].instance_id.as_deref()
        ),
        ("ElementName", Some("1"))
    );
    assert_valid(&after);
}

#[test]
fn memory_says_the_size_again_in_the_unit_the_name_uses() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    edit::set_memory(&mut doc, None, 8 * GIB).unwrap();
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            lines(&[
                "<rasd:ElementName>4096MB of memory</rasd:ElementName>",
                "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>",
            ]),
            lines(&[
                "<rasd:ElementName>8192MB of memory</rasd:ElementName>",
                "<rasd:VirtualQuantity>8192</rasd:VirtualQuantity>",
            ])
        )
    );
    assert_valid(&after);

    // A name in GB whose new size is no whole number of GB says it in MB.
    let before = data("edit/no-product.ovf");
    let mut doc = Document::parse(&before).unwrap();
    edit::set_memory(&mut doc, Some("one"), 1536 * MIB).unwrap();
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            lines(&[
                "<rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits>",
                "<rasd:ElementName>1 GB of memory</rasd:ElementName>",
                "<rasd:VirtualQuantity>1</rasd:VirtualQuantity>",
            ]),
            lines(&[
                "<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>",
                "<rasd:ElementName>1536 MB of memory</rasd:ElementName>",
                "<rasd:VirtualQuantity>1536</rasd:VirtualQuantity>",
            ])
        )
    );
    assert_valid(&after);
}

#[test]
fn a_name_that_states_another_value_is_left_alone() {
    // "1 virtual CPU" in `two` stays when its count is not what the name says.
    let before = data("edit/no-product.ovf");
    let text = String::from_utf8(before.clone()).unwrap().replacen(
        "<rasd:VirtualQuantity>1</rasd:VirtualQuantity>",
        "<rasd:VirtualQuantity>3</rasd:VirtualQuantity>",
        1,
    );
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    let restated = edit::set_cpus(&mut doc, Some("one"), 2).unwrap();
    assert!(restated.is_empty());
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    assert_eq!(after.matches("1 virtual CPU").count(), 2);
    // A system without the Item says which one it lacks.
    let err = edit::set_memory(&mut doc, Some("two"), GIB).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the system has no memory Item (ResourceType 4)"
    );
    assert!(!err.is_usage());
}

#[test]
fn nic_types_change_all_adapters_or_the_selected_ones() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    edit::set_nic_type(&mut doc, None, None, &[], "E1000").unwrap();
    let after = doc.to_bytes();
    let (removed, added) = diff(&before, &after);
    // (tern-ovf's one escaper writes `"` as `&quot;` in edited text too.)
    assert_eq!(
        added,
        lines(&[
            "<rasd:Description>E1000 ethernet adapter on &quot;VM Network&quot;</rasd:Description>",
            "<rasd:ResourceSubType>E1000</rasd:ResourceSubType>",
            "<rasd:Description>E1000 ethernet adapter on &quot;Data&quot;</rasd:Description>",
            "<rasd:ResourceSubType>E1000</rasd:ResourceSubType>",
        ])
    );
    assert_eq!(
        removed,
        lines(&[
            "<rasd:Description>VmxNet3 ethernet adapter on \"VM Network\"</rasd:Description>",
            "<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>",
            "<rasd:Description>VmxNet3 ethernet adapter on \"Data\"</rasd:Description>",
            "<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>",
        ])
    );
    assert_valid(&after);

    // By ElementName and by InstanceID: only those.
    for selector in ["GigabitEthernet2", "6"] {
        let mut doc = Document::parse(&before).unwrap();
        edit::set_nic_type(&mut doc, None, None, &[selector], "virtio").unwrap();
        let after = String::from_utf8(doc.to_bytes()).unwrap();
        assert_eq!(after.matches(">virtio<").count(), 1, "{selector}");
        assert!(after.contains("<rasd:Description>virtio ethernet adapter on &quot;Data&quot;"));
        assert!(after.contains("<rasd:Description>VmxNet3 ethernet adapter on \"VM Network\""));
    }

    // An adapter that is not there is named, with those that are.
    let mut doc = Document::parse(&before).unwrap();
    let err = edit::set_nic_type(&mut doc, None, None, &["eth9"], "virtio").unwrap_err();
    assert!(!err.is_usage());
    assert_eq!(
        err.to_string(),
        "no network adapter with InstanceID or ElementName \"eth9\" (there are: 5 GigabitEthernet1; 6 GigabitEthernet2)"
    );
    assert_eq!(doc.to_bytes(), before, "nothing changed");
    let mut doc = Document::parse(&data("edit/no-product.ovf")).unwrap();
    assert!(matches!(
        edit::set_nic_type(&mut doc, Some("one"), None, &[], "virtio"),
        Err(EditError::NoNic { selector: None, .. })
    ));
    assert!(matches!(
        edit::set_nic_type(&mut doc, None, None, &[], " "),
        Err(EditError::BadNicType(_))
    ));
}

#[test]
fn nic_types_of_one_deployment_option_leave_the_others_alone() {
    let original = data("deployment/overrides.ovf");
    let mut doc = Document::parse(&original).unwrap();
    // `lan` (InstanceID 3) is one unconditional Item: `large` gets an override.
    edit::set_nic_type(&mut doc, None, Some("large"), &["3"], "E1000").unwrap();
    // `backup` (4) is for `huge` only: changed in place.
    edit::set_nic_type(&mut doc, None, Some("huge"), &["NIC on backup"], "virtio").unwrap();
    let bytes = doc.to_bytes();
    let reread = assert_valid(&bytes);
    let env = Envelope::read(&reread);
    let hw = &env.virtual_systems()[0].sections.hardware[0];
    let types = |option: &str| -> Vec<String> {
        hw.resolve(Some(option))
            .items
            .iter()
            .filter(|r| r.item.is_nic())
            .map(|r| {
                r.item
                    .resource_sub_type()
                    .map(str::to_string)
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(types("small"), ["VMXNET3"]);
    assert_eq!(types("medium"), ["VMXNET3"]);
    assert_eq!(types("large"), ["E1000"]);
    assert_eq!(types("huge"), ["VMXNET3", "virtio"]);
    // An undeclared option is refused and names the declared ones.
    assert!(matches!(
        edit::set_nic_type(&mut doc, None, Some("tiny"), &[], "E1000"),
        Err(EditError::UnknownDeploymentOption(_))
    ));
}

#[test]
fn a_serial_port_is_added_with_its_connection() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    let id = edit::add_serial(&mut doc, None, None, Some("telnet://:9001")).unwrap();
    assert_eq!(id, "7");
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            vec![],
            lines(&[
                "<Item ovf:required=\"false\">",
                "<rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>",
                "<rasd:Connection>telnet://:9001</rasd:Connection>",
                "<rasd:ElementName>Serial port 1</rasd:ElementName>",
                "<rasd:InstanceID>7</rasd:InstanceID>",
                "<rasd:ResourceType>21</rasd:ResourceType>",
                "</Item>",
            ])
        )
    );
    let reread = assert_valid(&after);
    let env = Envelope::read(&reread);
    let serial = env.virtual_systems()[0].sections.hardware[0]
        .items
        .iter()
        .find(|i| i.resource_type_code() == Some(21))
        .unwrap();
    assert_eq!(serial.connection().collect::<Vec<_>>(), ["telnet://:9001"]);
    assert!(!serial.required);

    // For one option, and unconnected.
    let mut doc = Document::parse(&data("deployment/overrides.ovf")).unwrap();
    edit::add_serial(&mut doc, None, Some("huge"), None).unwrap();
    let bytes = doc.to_bytes();
    let reread = assert_valid(&bytes);
    let env = Envelope::read(&reread);
    let hw = &env.virtual_systems()[0].sections.hardware[0];
    let serials = |option: &str| {
        hw.resolve(Some(option))
            .items
            .iter()
            .filter(|r| r.item.resource_type_code() == Some(21))
            .count()
    };
    assert_eq!((serials("medium"), serials("huge")), (0, 1));
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("<Item ovf:required=\"false\" ovf:configuration=\"huge\">")
    );
}

#[test]
fn a_missing_property_is_named_with_the_declared_ones() {
    let mut doc = Document::parse(&data("edit/appliance.ovf")).unwrap();
    let err = edit::set_property(&mut doc, "domain", "example.com").unwrap_err();
    assert!(!err.is_usage());
    assert_eq!(
        err.to_string(),
        "no Property with key \"domain\" (declared: com.example.router.hostname, com.example.router.mgmt-port)"
    );
    let mut doc = Document::parse(&data("edit/no-product.ovf")).unwrap();
    assert_eq!(
        edit::set_property(&mut doc, "domain", "x")
            .unwrap_err()
            .to_string(),
        "no Property with key \"domain\" (the descriptor declares no properties)"
    );
}

#[test]
fn a_new_property_goes_after_the_last_one_of_the_section() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    let mut p = NewProperty::new("domain", "string");
    p.value = Some("example.com".into());
    p.label = Some("Domain <DNS>".into());
    p.description = Some("The \"search\" domain".into());
    p.user_configurable = true;
    edit::add_property(&mut doc, None, &p).unwrap();
    let mut secret = NewProperty::new("enable-secret", "string");
    secret.password = true;
    edit::add_property(&mut doc, None, &secret).unwrap();
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            vec![],
            lines(&[
                "<Property ovf:key=\"domain\" ovf:type=\"string\" ovf:userConfigurable=\"true\" ovf:value=\"example.com\">",
                "<Label>Domain &lt;DNS&gt;</Label>",
                "<Description>The &quot;search&quot; domain</Description>",
                "</Property>",
                "<Property ovf:key=\"enable-secret\" ovf:type=\"string\" ovf:password=\"true\"/>",
            ])
        )
    );
    let text = String::from_utf8(after.clone()).unwrap();
    assert!(
        text.contains("      </Property>\n      <Property ovf:key=\"domain\""),
        "{text}"
    );
    let reread = assert_valid(&after);
    let env = Envelope::read(&reread);
    let section = &env.virtual_systems()[0].sections.product[0];
    let props: Vec<_> = section
        .entries
        .iter()
        .filter_map(|e| match e {
            ProductEntry::Property(p) => Some(p),
            ProductEntry::Category(_) => None,
        })
        .collect();
    assert_eq!(props.len(), 4);
    assert_eq!(props[2].key.as_deref(), Some("domain"));
    assert_eq!(props[2].value.as_deref(), Some("example.com"));
    assert!(props[2].user_configurable && !props[2].password);
    assert_eq!(
        props[2].label.as_ref().map(|l| l.text.as_str()),
        Some("Domain <DNS>")
    );
    assert!(props[3].password && props[3].value.is_none());

    // Declared once per section; the value fits the type; the type is DSP0243's.
    assert_eq!(
        edit::add_property(&mut doc, None, &p),
        Err(EditError::DuplicateProperty("domain".into()))
    );
    let mut port = NewProperty::new("port", "uint16");
    port.value = Some("65536".into());
    let err = edit::add_property(&mut doc, None, &port).unwrap_err();
    assert!(matches!(err, EditError::BadNewValue { .. }) && err.is_usage());
    let err = edit::add_property(&mut doc, None, &NewProperty::new("port", "int")).unwrap_err();
    assert!(matches!(err, EditError::BadType(_)) && err.is_usage());
    let err = edit::add_property(&mut doc, None, &NewProperty::new("a b", "string")).unwrap_err();
    assert!(matches!(err, EditError::BadKey(_)) && err.is_usage());
    assert!(matches!(
        edit::add_property(&mut doc, Some("nosuch"), &NewProperty::new("x", "string")),
        Err(EditError::NoSystem(_))
    ));
}

#[test]
fn a_system_without_product_section_gets_one_in_schema_order() {
    let before = data("edit/no-product.ovf");
    // The collection: after its last section, before its members.
    let mut doc = Document::parse(&before).unwrap();
    let mut p = NewProperty::new("replicas", "uint8");
    p.value = Some("2".into());
    edit::add_property(&mut doc, Some("pair"), &p).unwrap();
    // A member without Name: after its hardware.
    edit::add_property(&mut doc, Some("two"), &NewProperty::new("role", "string")).unwrap();
    let after = doc.to_bytes();
    let text = String::from_utf8(after.clone()).unwrap();
    assert!(
        text.contains(
            "    </ovf:StartupSection>
    <ovf:ProductSection>
      <ovf:Info>Information about the installed software</ovf:Info>
      <ovf:Property ovf:key=\"replicas\" ovf:type=\"uint8\" ovf:value=\"2\"/>
    </ovf:ProductSection>
    <ovf:VirtualSystem ovf:id=\"one\">"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "      </ovf:VirtualHardwareSection>
      <ovf:ProductSection>
        <ovf:Info>Information about the installed software</ovf:Info>
        <ovf:Property ovf:key=\"role\" ovf:type=\"string\"/>
      </ovf:ProductSection>
    </ovf:VirtualSystem>"
        ),
        "{text}"
    );
    let (removed, _) = diff(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    assert_valid(&after);
}

#[test]
fn legacy_09_properties_are_declared_in_their_own_spelling() {
    let before = sample("vmware-ovf09.ovf");
    let mut doc = Document::parse(&before).unwrap();
    let mut p = NewProperty::new("motd", "string");
    p.value = Some("hi".into());
    p.user_configurable = true;
    edit::add_property(&mut doc, None, &p).unwrap();
    let after = doc.to_bytes();
    assert_eq!(
        diff(&before, &after),
        (
            vec![],
            lines(&[
                "<Property ovf:key=\"motd\" ovf:type=\"string\" ovf:configurableByUser=\"true\" ovf:defaultValue=\"hi\"/>"
            ])
        )
    );
    // Without a ProductSection, a 0.9 section is `<Section xsi:type=…>`.
    let text = String::from_utf8(before).unwrap();
    let start = text
        .find("    <Section xsi:type=\"ovf:ProductSection_Type\"")
        .unwrap();
    let end = text[start..].find("</Section>\n").unwrap() + start + "</Section>\n".len();
    let stripped = format!("{}{}", &text[..start], &text[end..]);
    let mut doc = Document::parse(stripped.as_bytes()).unwrap();
    edit::add_property(&mut doc, None, &p).unwrap();
    let out = String::from_utf8(doc.to_bytes()).unwrap();
    assert!(
        out.contains("<Section xsi:type=\"ovf:ProductSection_Type\">\n      <Info>"),
        "{out}"
    );
    let reread = Document::parse(out.as_bytes()).unwrap();
    let env = Envelope::read(&reread);
    assert_eq!(env.virtual_systems()[0].sections.product.len(), 1);
}

#[test]
fn edits_applied_together_report_what_they_did() {
    let before = data("edit/appliance.ovf");
    let mut doc = Document::parse(&before).unwrap();
    let mut edits = edit::Edits::default();
    edits.cpus = Some(8);
    edits.memory = Some(16 * GIB);
    edits.nic_type = Some("VMXNET3".into());
    edits.add_nics.push("Data".into());
    edits.add_serials.push("telnet://:9001".into());
    let mut p = NewProperty::new("domain", "string");
    p.value = Some("example.com".into());
    edits.new_property = Some(p);
    edits
        .properties
        .push(("domain".into(), "example.org".into()));
    let applied = edit::apply(&mut doc, &edits).unwrap();
    let added: Vec<(&str, &str)> = applied
        .added
        .iter()
        .map(|a| (a.kind, a.id.as_str()))
        .collect();
    assert_eq!(added, [("network adapter", "7"), ("serial port", "8")]);
    let restated: Vec<(&str, &str)> = applied
        .restated
        .iter()
        .map(|r| (r.before.as_str(), r.after.as_str()))
        .collect();
    assert_eq!(
        restated,
        [
            ("2 virtual CPU(s)", "8 virtual CPU(s)"),
            ("4096MB of memory", "16384MB of memory"),
            (
                "VmxNet3 ethernet adapter on \"VM Network\"",
                "VMXNET3 ethernet adapter on \"VM Network\""
            ),
            (
                "VmxNet3 ethernet adapter on \"Data\"",
                "VMXNET3 ethernet adapter on \"Data\""
            ),
        ]
    );
    let after = doc.to_bytes();
    let reread = assert_valid(&after);
    let text = String::from_utf8(after).unwrap();
    assert_eq!(text.matches(">VMXNET3<").count(), 3, "the new NIC too");
    assert!(text.contains("ovf:key=\"domain\" ovf:type=\"string\" ovf:value=\"example.org\""));
    // Everything before the hardware is as it was.
    let cut = before
        .windows(23)
        .position(|w| w == b"<VirtualHardwareSection")
        .unwrap();
    assert_eq!(&reread.to_bytes()[..cut], &before[..cut]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every spelling of a binary size gives the same exact bytes, and a bare number is MiB.
    #[test]
    fn sizes_in_any_spelling_are_exact(q in 1u64..1 << 20, k in 0usize..4, half in any::<bool>()) {
        let letters = ["K", "M", "G", "T"];
        let shift = 10 * (k as u32 + 1);
        let bytes = (u128::from(q) << shift) + if half { 1u128 << (shift - 1) } else { 0 };
        let number = if half { format!("{q}.5") } else { q.to_string() };
        for suffix in ["", "i", "iB", "B"] {
            let unit = format!("{}{suffix}", letters[k]);
            for text in [format!("{number}{unit}"), format!("{number} {unit}"), format!("{number}{}", unit.to_lowercase())] {
                prop_assert_eq!(edit::parse_memory(&text).unwrap(), bytes, "{}", text);
            }
        }
        prop_assert_eq!(edit::parse_memory(&q.to_string()).unwrap(), u128::from(q) << 20);
    }

    /// A count stated once in a name is said again, whatever the words around it.
    #[test]
    fn a_stated_count_follows_the_edit(old in 1u64..512, new in 1u64..512, words in "[a-zA-Z() ]{0,20}") {
        let name = format!("{old} virtual CPU(s){words}");
        let xml = sample("minimal.ovf");
        let text = String::from_utf8(xml).unwrap()
            .replace("<rasd:ElementName>1 virtual CPU</rasd:ElementName>", &format!("<rasd:ElementName>{name}</rasd:ElementName>"))
            .replace("<rasd:VirtualQuantity>1</rasd:VirtualQuantity>", &format!("<rasd:VirtualQuantity>{old}</rasd:VirtualQuantity>"));
        let mut doc = Document::parse(text.as_bytes()).unwrap();
        edit::set_cpus(&mut doc, None, new).unwrap();
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        let want = format!("<rasd:ElementName>{}</rasd:ElementName>", name.replacen(&old.to_string(), &new.to_string(), 1));
        prop_assert!(out.contains(&want), "{}", out);
    }
}
