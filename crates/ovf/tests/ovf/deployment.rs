//! Deployment options (DSP0243 §9.8): Items overridden per option by repeating their
//! InstanceID with `ovf:configuration`, combined child by child (§8.1), range markers, and
//! the default option. One resolver in tern-ovf; these tests check it and `info`, `edit`
//! and `environment` through it, on a descriptor written for the class
//! (`tests/data/deployment/overrides.ovf`) and on the reference appliances.

use tern_ovf::edit::{self, EditError};
use tern_ovf::info::{Info, UnusedKind};
use tern_ovf::model::{UnknownConfiguration, UnusedReason, VirtualHardware};
use tern_ovf::{Document, Envelope, ValidateOptions, validate};

fn overrides_text() -> String {
    std::fs::read_to_string(format!(
        "{}/tests/data/deployment/overrides.ovf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn parse(text: &str) -> Document {
    Document::parse(text.as_bytes()).unwrap()
}

fn hardware(env: &Envelope) -> &VirtualHardware {
    &env.virtual_systems()[0].sections.hardware[0]
}

/// (cpus, memory bytes, NIC networks) of `option` as `ovf info` reports it.
fn figures(info: &Info, option: &str) -> (Option<u64>, Option<u128>, Vec<String>) {
    let hw = &info.content.as_ref().unwrap().hardware[0];
    let o = hw.options.iter().find(|o| o.id == option).unwrap();
    let nics = o.nics.iter().filter_map(|n| n.target.clone()).collect();
    (o.cpus, o.memory_bytes, nics)
}

const GIB: u128 = 1 << 30;

#[test]
fn the_default_option_uses_its_override_not_the_unconditional_item() {
    // Old behaviour: the first processor Item of `medium` was the unconditional one (1 CPU).
    let info = Info::new(&Envelope::read(&parse(&overrides_text())));
    let hw = &info.content.as_ref().unwrap().hardware[0];
    assert_eq!(hw.option.as_deref(), Some("medium"));
    assert_eq!(hw.cpus, Some(2), "the medium override of InstanceID 1");
    assert_eq!(hw.memory_bytes, Some(GIB));
    assert_eq!(hw.nics.len(), 1);
}

#[test]
fn every_option_reports_its_own_hardware() {
    let info = Info::new(&Envelope::read(&parse(&overrides_text())));
    let lan = || vec!["lan".to_string()];
    assert_eq!(figures(&info, "small"), (Some(1), Some(GIB), lan()));
    assert_eq!(figures(&info, "medium"), (Some(2), Some(GIB), lan()));
    // `large huge` lists two options; its memory override gives only VirtualQuantity, so
    // AllocationUnits comes from the unconditional Item: 8192 MiB.
    assert_eq!(figures(&info, "large"), (Some(4), Some(8 * GIB), lan()));
    // `huge` combines three memory Items (the last wins) and has a NIC of its own.
    assert_eq!(
        figures(&info, "huge"),
        (
            Some(4),
            Some(32 * GIB),
            vec!["lan".to_string(), "backup".to_string()]
        )
    );
    let hw = &info.content.as_ref().unwrap().hardware[0];
    let defaults: Vec<_> = hw.options.iter().map(|o| o.default).collect();
    assert_eq!(defaults, [false, true, false, false]);
}

#[test]
fn without_ovf_default_the_first_option_is_the_default() {
    let text = overrides_text().replace(r#" ovf:default="true""#, "");
    let env = Envelope::read(&parse(&text));
    assert_eq!(env.choose_configuration(None), Ok(Some("small")));
    let info = Info::new(&env);
    let hw = &info.content.as_ref().unwrap().hardware[0];
    assert_eq!((hw.option.as_deref(), hw.cpus), (Some("small"), Some(1)));
    assert!(hw.options[0].default);
}

#[test]
fn resolution_says_what_each_item_is_used_for() {
    let env = Envelope::read(&parse(&overrides_text()));
    let hw = hardware(&env);
    let large = hw.resolve(Some("large"));
    let ids: Vec<_> = large
        .items
        .iter()
        .map(|r| r.item.instance_id().map(str::to_string).unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "5", "6", "3"], "first appearance order");

    let cpu = large.item("1").unwrap();
    assert_eq!(cpu.sources.len(), 2);
    assert!(cpu.is_configured());
    let memory = large.item("2").unwrap();
    assert_eq!(memory.item.quantity_bytes(), Some(8 * GIB));
    // VirtualQuantity from the override, AllocationUnits from the unconditional Item.
    assert_eq!(
        memory.provider("VirtualQuantity").unwrap().configuration,
        ["large", "huge"]
    );
    assert!(
        memory
            .provider("AllocationUnits")
            .unwrap()
            .configuration
            .is_empty()
    );
    let superseded: Vec<_> = memory.superseded.iter().map(|s| s.child.as_str()).collect();
    assert_eq!(superseded, ["ElementName", "VirtualQuantity"]);
    // Range markers bound the combined Item; they are not hardware.
    assert_eq!(memory.min.as_ref().unwrap().quantity_bytes(), Some(GIB / 2));
    assert_eq!(
        memory.max.as_ref().unwrap().quantity_bytes(),
        Some(64 * GIB)
    );
    assert_eq!(memory.markers.len(), 2);

    let unused: Vec<_> = large
        .unused
        .iter()
        .map(|u| (u.item.position.line, u.reason))
        .collect();
    assert_eq!(
        unused,
        [
            (
                52,
                UnusedReason::Replaced {
                    by: tern_ovf::Position::new(66, 7)
                }
            ),
            (59, UnusedReason::OtherConfiguration),
            (100, UnusedReason::OtherConfiguration),
            (130, UnusedReason::OtherConfiguration),
        ]
    );
}

#[test]
fn no_option_chosen_uses_only_unconditional_items() {
    let env = Envelope::read(&parse(&overrides_text()));
    let none = hardware(&env).resolve(None);
    let cpu = none.item("1").unwrap();
    assert_eq!(cpu.item.quantity(), Some(1));
    assert!(!cpu.is_configured());
    assert!(none.item("4").is_none(), "the huge-only NIC");
    assert_eq!(
        none.unused
            .iter()
            .filter(|u| u.reason == UnusedReason::OtherConfiguration)
            .count(),
        5
    );
}

#[test]
fn an_undeclared_option_is_an_error_that_lists_the_declared_ones() {
    let env = Envelope::read(&parse(&overrides_text()));
    let err = env.choose_configuration(Some("tiny")).unwrap_err();
    assert_eq!(
        err,
        UnknownConfiguration {
            name: "tiny".into(),
            known: vec![
                "small".into(),
                "medium".into(),
                "large".into(),
                "huge".into()
            ],
        }
    );
    assert_eq!(
        err.to_string(),
        "deployment option \"tiny\" is not declared (known: small, medium, large, huge)"
    );
    let minimal = std::fs::read(format!(
        "{}/../../samples/ovf/minimal.ovf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let env = Envelope::read(&Document::parse(&minimal).unwrap());
    assert_eq!(env.choose_configuration(None), Ok(None));
    assert!(
        env.choose_configuration(Some("x"))
            .unwrap_err()
            .to_string()
            .ends_with("(the descriptor declares none)")
    );
}

#[test]
fn info_lists_unused_items_and_ranges_per_option() {
    let info = Info::new(&Envelope::read(&parse(&overrides_text())));
    let hw = &info.content.as_ref().unwrap().hardware[0];
    // What the default option (medium) leaves unused.
    let unused: Vec<_> = hw.unused.iter().map(|u| (u.line, u.reason)).collect();
    assert_eq!(
        unused,
        [
            (52, UnusedKind::Replaced),
            (66, UnusedKind::OtherConfiguration),
            (94, UnusedKind::OtherConfiguration),
            (100, UnusedKind::OtherConfiguration),
            (130, UnusedKind::OtherConfiguration),
        ]
    );
    assert_eq!(
        hw.unused[0].replaced_by,
        Some(tern_ovf::Position::new(59, 7))
    );
    let huge = hw.options.iter().find(|o| o.id == "huge").unwrap();
    assert_eq!(huge.configured, ["1", "2", "4"]);
    let range = &huge.ranges[0];
    assert_eq!(
        (range.field.as_str(), range.min_bytes, range.max_bytes),
        ("VirtualQuantity", Some(GIB / 2), Some(64 * GIB))
    );
    assert_eq!(range.normal_bytes, Some(32 * GIB));
    let text = info.to_text();
    assert!(
        text.contains("option huge    4 CPU(s), 32 GiB memory, 1 disk(s), 2 NIC(s)\n"),
        "{text}"
    );
    assert!(
        text.contains("      + nic  NIC on backup -> backup\n"),
        "{text}"
    );
    assert!(
        text.contains("option medium  2 CPU(s), 1 GiB memory, 1 disk(s), 1 NIC(s) (default)"),
        "{text}"
    );
}

#[test]
fn a_partial_override_is_not_a_memory_item_without_units() {
    // Before: OVF-UNITS warned about the `large huge` Item, which takes AllocationUnits
    // from the Item it combines with.
    let report = validate(&parse(&overrides_text()), &ValidateOptions::default());
    let rules: Vec<_> = report.findings.iter().map(|f| f.rule.as_ref()).collect();
    assert!(!rules.contains(&tern_ovf::Rule::Units.id()), "{rules:?}");
    assert!(report.is_valid(), "{:?}", report.findings);
}

#[test]
fn addresses_clash_within_one_option_only() {
    // A second disk on the same controller address, for `huge` only: it clashes in `huge`.
    let text = overrides_text().replace(
        "    </VirtualHardwareSection>",
        r#"      <Item ovf:configuration="huge">
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Data disk</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/d1</rasd:HostResource>
        <rasd:InstanceID>7</rasd:InstanceID>
        <rasd:Parent>5</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>"#,
    );
    let report = validate(&parse(&text), &ValidateOptions::default());
    let clashes: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == tern_ovf::Rule::AddressOnParent.id())
        .collect();
    assert_eq!(clashes.len(), 1, "{:?}", report.findings);
}

#[test]
fn set_cpus_for_an_option_changes_only_that_option() {
    let before = overrides_text();
    let mut doc = parse(&before);
    // `large huge` is shared: `large` gets an override of its own after it (whose name
    // states the new count).
    edit::set_cpus_for(&mut doc, None, Some("large"), 6).unwrap();
    // `medium` has an Item of its own: changed in place.
    edit::set_cpus_for(&mut doc, None, Some("medium"), 3).unwrap();
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    let info = Info::new(&Envelope::read(&parse(&after)));
    let cpus: Vec<_> = ["small", "medium", "large", "huge"]
        .iter()
        .map(|o| figures(&info, o).0)
        .collect();
    assert_eq!(cpus, [Some(1), Some(3), Some(6), Some(4)]);
    assert!(
        after.contains(
            "      <Item ovf:configuration=\"large\">\n        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n        <rasd:ElementName>6 virtual CPUs</rasd:ElementName>\n        <rasd:InstanceID>1</rasd:InstanceID>\n        <rasd:ResourceType>3</rasd:ResourceType>\n        <rasd:VirtualQuantity>6</rasd:VirtualQuantity>\n      </Item>\n"
        ),
        "{after}"
    );
    assert!(validate(&parse(&after), &ValidateOptions::default()).is_valid());
}

#[test]
fn set_memory_for_a_shared_item_adds_a_complete_override() {
    let mut doc = parse(&overrides_text());
    // The unconditional memory Item serves small and medium: small gets an override.
    edit::set_memory_for(&mut doc, None, Some("small"), 2 * GIB).unwrap();
    // `huge` has an Item of its own (in GiB): 48 GiB keeps the unit.
    edit::set_memory_for(&mut doc, None, Some("huge"), 48 * GIB).unwrap();
    // No option named: the default (medium), again through an override.
    edit::set_memory(&mut doc, None, 3 * GIB).unwrap();
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    let info = Info::new(&Envelope::read(&parse(&after)));
    let memory: Vec<_> = ["small", "medium", "large", "huge"]
        .iter()
        .map(|o| figures(&info, o).1)
        .collect();
    assert_eq!(
        memory,
        [Some(2 * GIB), Some(3 * GIB), Some(8 * GIB), Some(48 * GIB)]
    );
    assert!(after.contains("<rasd:VirtualQuantity>48</rasd:VirtualQuantity>"));
    // The override carries the unit itself, for readers that replace instead of combine.
    assert!(after.contains(
        "<Item ovf:configuration=\"small\">\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>"
    ));
    assert!(validate(&parse(&after), &ValidateOptions::default()).is_valid());
}

#[test]
fn an_item_only_one_option_takes_a_value_from_is_edited_in_place() {
    // `large huge` gives VirtualQuantity to `large` only (`huge` has a later Item).
    let before = overrides_text();
    let mut doc = parse(&before);
    edit::set_memory_for(&mut doc, None, Some("large"), 10 * GIB).unwrap();
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    assert_eq!(before.lines().count(), after.lines().count());
    assert!(after.contains("<rasd:VirtualQuantity>10240</rasd:VirtualQuantity>"));
    let info = Info::new(&Envelope::read(&parse(&after)));
    assert_eq!(figures(&info, "large").1, Some(10 * GIB));
    assert_eq!(figures(&info, "huge").1, Some(32 * GIB));
}

#[test]
fn a_partial_override_gets_the_children_it_combines_with() {
    // Without the `huge` memory Item, `large huge` (VirtualQuantity only) serves both: an
    // override for `large` alone must still say which unit, copied from the Item that
    // gives it.
    let text = overrides_text();
    let huge = text
        .find("      <Item ovf:configuration=\"huge\">\n        <rasd:AllocationUnits>")
        .unwrap();
    let end = huge + text[huge..].find("</Item>\n").unwrap() + "</Item>\n".len();
    let text = format!("{}{}", &text[..huge], &text[end..]);
    let mut doc = parse(&text);
    edit::set_memory_for(&mut doc, None, Some("large"), 10 * GIB).unwrap();
    let after = String::from_utf8(doc.to_bytes()).unwrap();
    let start = after.find("<Item ovf:configuration=\"large\">").unwrap();
    let item = &after[start..start + after[start..].find("</Item>").unwrap()];
    assert_eq!(
        item,
        "<Item ovf:configuration=\"large\">\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n        <rasd:ElementName>10240 MB of memory</rasd:ElementName>\n        <rasd:InstanceID>2</rasd:InstanceID>\n        <rasd:ResourceType>4</rasd:ResourceType>\n        <rasd:VirtualQuantity>10240</rasd:VirtualQuantity>\n      "
    );
    let info = Info::new(&Envelope::read(&parse(&after)));
    assert_eq!(figures(&info, "large").1, Some(10 * GIB));
    assert_eq!(figures(&info, "huge").1, Some(8 * GIB));
}

#[test]
fn edits_for_an_undeclared_option_fail_and_change_nothing() {
    let mut doc = parse(&overrides_text());
    let err = edit::set_cpus_for(&mut doc, None, Some("tiny"), 2).unwrap_err();
    assert!(
        matches!(&err, EditError::UnknownDeploymentOption(e) if e.known.len() == 4),
        "{err}"
    );
    assert!(!doc.is_modified());
}

#[test]
fn the_environment_refuses_an_undeclared_option() {
    let env = Envelope::read(&parse(&overrides_text()));
    let err = tern_ovf::environment(&env, None, Some("tiny"), &std::collections::BTreeMap::new())
        .unwrap_err();
    assert!(matches!(
        err,
        tern_ovf::EnvironmentError::UnknownDeploymentOption(_)
    ));
}

// ---- reference appliances ----------------------------------------------------------

fn reference(name: &str) -> Option<Envelope> {
    let path = crate::reference_dir()?.join(name);
    Some(Envelope::read(
        &Document::parse(&std::fs::read(path).unwrap()).unwrap(),
    ))
}

#[test]
fn cisco_csr_profiles_resolve_to_their_own_cpus_and_memory() {
    let Some(env) = reference("cisco-csr1000v-cot.ovf") else {
        return;
    };
    let info = Info::new(&env);
    let got: Vec<_> = ["1CPU-4GB", "2CPU-4GB", "4CPU-4GB", "4CPU-8GB"]
        .iter()
        .map(|o| {
            let (cpus, memory, _) = figures(&info, o);
            (cpus, memory)
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some(1), Some(4 * GIB)),
            (Some(2), Some(4 * GIB)),
            (Some(4), Some(4 * GIB)),
            (Some(4), Some(8 * GIB)),
        ]
    );
}

#[test]
fn ovftool_vapp_combines_partial_overrides_in_each_system() {
    let Some(env) = reference("vmware-ovftool-vapp-nvapp00n.ovf") else {
        return;
    };
    let info = Info::new(&env);
    let content = info.content.as_ref().unwrap();
    assert_eq!(content.members.len(), 2);
    for member in &content.members {
        let hw = &member.hardware[0];
        let got: Vec<_> = hw
            .options
            .iter()
            .map(|o| (o.id.as_str(), o.cpus, o.memory_bytes))
            .collect();
        // medium's Item has no AllocationUnits: 512 × the unconditional Item's MiB.
        assert_eq!(
            got,
            [
                ("small", Some(1), Some(256 << 20)),
                ("medium", Some(1), Some(512 << 20)),
                ("large", Some(2), Some(GIB)),
            ],
            "{:?}",
            member.id
        );
    }
    // The unqualified `configuration = "large"` attribute counts too.
    let vs = env.virtual_systems()[0];
    assert_eq!(vs.sections.hardware[0].items[1].configuration, ["large"]);
}

#[test]
fn vmware_bounds_are_ranges_of_the_normal_item() {
    let Some(env) = reference("vmware-bound-min-max-normal.ovf") else {
        return;
    };
    let hw = hardware(&env);
    let r = hw.resolve(None);
    let memory = r.items.iter().find(|x| x.item.is_memory()).unwrap();
    assert_eq!(memory.item.quantity_bytes(), Some(512 << 20));
    assert_eq!(memory.min.as_ref().unwrap().reservation(), Some("384"));
    assert_eq!(memory.max.as_ref().unwrap().reservation(), Some("1024"));
    assert!(r.unused.is_empty());
    let info = Info::new(&env);
    let range = &info.content.as_ref().unwrap().hardware[0].ranges[0];
    assert_eq!(range.field, "Reservation");
    assert_eq!(
        (range.min_bytes, range.max_bytes),
        (Some(384 << 20), Some(GIB))
    );
}

#[test]
fn cot_profiles_use_only_their_own_items() {
    let Some(env) = reference("cot-invalid-semantic.ovf") else {
        return;
    };
    let hw = hardware(&env);
    let config = env.choose_configuration(None).unwrap();
    assert_eq!(config, Some("myprofile"));
    let mine = hw.resolve(config);
    assert_eq!(mine.item("4").and_then(|r| r.item.quantity()), Some(3));
    let lines: Vec<_> = mine.unused.iter().map(|u| u.item.position.line).collect();
    assert_eq!(lines, [63], "the memory Item of the other profile");
    let other = hw.resolve(Some("howlongofaprofilenamecanweusehere"));
    let lines: Vec<_> = other.unused.iter().map(|u| u.item.position.line).collect();
    assert_eq!(lines, [57, 69]);
}

#[test]
fn thousands_of_options_are_summarised_up_to_the_limit_and_say_so() {
    use std::fmt::Write as _;
    // Each option with a NIC of its own: every option's hardware differs.
    let n = tern_ovf::model::MAX_RESOLVED_OPTIONS + 44;
    let mut xml = String::from(
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"><References/>
<NetworkSection><Info>n</Info><Network ovf:name="lan"/></NetworkSection>
<DeploymentOptionSection><Info>o</Info>
"#,
    );
    for i in 0..n {
        let _ = writeln!(
            xml,
            r#"<Configuration ovf:id="o{i}"><Label>o</Label><Description>o</Description></Configuration>"#
        );
    }
    xml.push_str("</DeploymentOptionSection><VirtualSystem ovf:id=\"v\"><Info>v</Info><VirtualHardwareSection><Info>h</Info>\n");
    for i in 0..n {
        let _ = writeln!(
            xml,
            r#"<Item ovf:configuration="o{i}"><rasd:Connection>lan</rasd:Connection><rasd:InstanceID>{i}</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>"#
        );
    }
    xml.push_str("</VirtualHardwareSection></VirtualSystem></Envelope>\n");
    let doc = parse(&xml);
    let info = Info::new(&Envelope::read(&doc));
    let hw = &info.content.as_ref().unwrap().hardware[0];
    assert_eq!(info.deployment_options.len(), n);
    assert_eq!(hw.options.len(), tern_ovf::model::MAX_RESOLVED_OPTIONS);
    assert!(
        info.to_text()
            .contains("    ... 44 more deployment options not summarised (at most 256 are)\n")
    );
    let report = validate(&doc, &ValidateOptions::default());
    let warnings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == tern_ovf::Rule::DeploymentOption.id())
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        warnings,
        [
            "300 deployment options give this section different hardware: the hardware of the first 256 is checked"
        ]
    );
}

// ---- properties over generated descriptors --------------------------------------------

mod generated {
    use std::fmt::Write as _;

    use proptest::prelude::*;
    use tern_ovf::edit;
    use tern_ovf::info::Info;
    use tern_ovf::model::UnusedReason;
    use tern_ovf::{Document, Envelope};

    /// One Item: processor or memory, the options it names (bit i: option `o{i}`; none:
    /// unconditional), VirtualQuantity (absent when 0), whether it has AllocationUnits, and
    /// its bound (0 normal, 1 min, 2 max).
    #[derive(Debug, Clone)]
    struct Spec {
        cpu: bool,
        options: u8,
        quantity: u8,
        units: bool,
        bound: u8,
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            any::<bool>(),
            0u8..16,
            0u8..64,
            any::<bool>(),
            prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        )
            .prop_map(|(cpu, options, quantity, units, bound)| Spec {
                cpu,
                options,
                quantity,
                units,
                bound,
            })
    }

    fn descriptor(options: usize, default: usize, items: &[Spec]) -> String {
        let mut xml = String::from(
            r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References/>
  <DeploymentOptionSection>
    <Info>o</Info>
"#,
        );
        for i in 0..options {
            let d = if i == default {
                r#" ovf:default="true""#
            } else {
                ""
            };
            let _ = writeln!(
                xml,
                r#"    <Configuration ovf:id="o{i}"{d}><Label>o</Label><Description>o</Description></Configuration>"#
            );
        }
        xml.push_str("  </DeploymentOptionSection>\n  <VirtualSystem ovf:id=\"v\">\n    <Info>v</Info>\n    <VirtualHardwareSection>\n      <Info>h</Info>\n");
        for s in items {
            let names: Vec<String> = (0..options)
                .filter(|i| s.options & (1 << i) != 0)
                .map(|i| format!("o{i}"))
                .collect();
            let mut attrs = String::new();
            if !names.is_empty() {
                let _ = write!(attrs, r#" ovf:configuration="{}""#, names.join(" "));
            }
            match s.bound {
                1 => attrs.push_str(r#" ovf:bound="min""#),
                2 => attrs.push_str(r#" ovf:bound="max""#),
                _ => {}
            }
            let _ = writeln!(xml, "      <Item{attrs}>");
            if s.units {
                let unit = if s.cpu { "hertz * 10^6" } else { "byte * 2^20" };
                let _ = writeln!(
                    xml,
                    "        <rasd:AllocationUnits>{unit}</rasd:AllocationUnits>"
                );
            }
            let (id, ty) = if s.cpu { (1, 3) } else { (2, 4) };
            let _ = writeln!(
                xml,
                "        <rasd:InstanceID>{id}</rasd:InstanceID>\n        <rasd:ResourceType>{ty}</rasd:ResourceType>"
            );
            if s.quantity > 0 {
                let _ = writeln!(
                    xml,
                    "        <rasd:VirtualQuantity>{}</rasd:VirtualQuantity>",
                    s.quantity
                );
            }
            xml.push_str("      </Item>\n");
        }
        xml.push_str("    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n");
        xml
    }

    /// (cpus, memory bytes) of every option.
    fn per_option(doc: &Document) -> Vec<(Option<u64>, Option<u128>)> {
        let info = Info::new(&Envelope::read(doc));
        info.content.unwrap().hardware[0]
            .options
            .iter()
            .map(|o| (o.cpus, o.memory_bytes))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Nothing is dropped silently: for every option, each Item is a source or range
        /// marker of a combined Item, or listed unused with a reason (a wholly replaced
        /// source is both), and each combined field is the latest source's.
        #[test]
        fn every_item_is_used_or_listed(
            options in 1usize..5,
            default in 0usize..5,
            items in proptest::collection::vec(spec(), 1..9),
        ) {
            let xml = descriptor(options, default % options, &items);
            let env = Envelope::read(&Document::parse(xml.as_bytes()).unwrap());
            let hw = &env.virtual_systems()[0].sections.hardware[0];
            for option in env.configuration_ids() {
                let r = hw.resolve(Some(option));
                for item in &hw.items {
                    let used = r.items.iter().any(|x| {
                        x.sources.iter().chain(&x.markers).any(|s| std::ptr::eq(*s, item))
                    });
                    let unused: Vec<_> = r
                        .unused
                        .iter()
                        .filter(|u| std::ptr::eq(u.item, item))
                        .map(|u| u.reason)
                        .collect();
                    match unused.as_slice() {
                        [] => prop_assert!(used, "{option}: {item:?}"),
                        [UnusedReason::Replaced { .. }] => prop_assert!(used),
                        [_] => prop_assert!(!used),
                        more => prop_assert!(false, "listed twice: {more:?}"),
                    }
                }
                for x in &r.items {
                    let latest = x.sources.iter().rev().find_map(|s| s.virtual_quantity().map(str::to_string));
                    prop_assert_eq!(x.item.virtual_quantity().map(str::to_string), latest);
                    let latest = x.sources.iter().rev().find_map(|s| s.allocation_units().map(str::to_string));
                    prop_assert_eq!(x.item.allocation_units().map(str::to_string), latest);
                }
            }
        }

        /// `set_cpus_for(X)` and `set_memory_for(X)` change X's hardware and no other
        /// option's, whatever overrides the descriptor has.
        #[test]
        fn edits_for_one_option_leave_the_others_alone(
            options in 1usize..5,
            default in 0usize..5,
            items in proptest::collection::vec(spec(), 1..9),
            target in 0usize..5,
            cpus in 1u64..100,
            memory_mib in 1u64..100_000,
        ) {
            let xml = descriptor(options, default % options, &items);
            let target = target % options;
            let option = format!("o{target}");
            let mut doc = Document::parse(xml.as_bytes()).unwrap();
            let before = per_option(&doc);
            let mut want = before.clone();
            if edit::set_cpus_for(&mut doc, None, Some(&option), cpus).is_ok() {
                want[target].0 = Some(cpus);
            }
            let bytes = u128::from(memory_mib) << 20;
            if edit::set_memory_for(&mut doc, None, Some(&option), bytes).is_ok() {
                want[target].1 = Some(bytes);
            }
            let reread = Document::parse(&doc.to_bytes()).unwrap();
            prop_assert_eq!(per_option(&reread), want, "{}", String::from_utf8_lossy(&doc.to_bytes()));
        }
    }
}
