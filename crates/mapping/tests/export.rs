//! OCCI → OVF writes only what the collection states: a fact it lacks is left out and
//! reported, or taken from an explicit default and reported; a network interface reaching a
//! network outside the collection declares that network. The export stays strictly valid.

use tern_mapping::occi2ovf::{DefaultError, Defaults, Export, ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};
use tern_model::{CategoryId, Collection, Entity, Link, Resource};
use tern_ovf::{Document, Envelope};

fn infra(term: &str) -> CategoryId {
    CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", term)
}

/// A compute, a storage and links, none of them saying anything but their ids: the NICs
/// reach networks the collection does not hold (one by URL, one by location, one sharing
/// the name of the collection's own network).
fn bare() -> Collection {
    let mut vm = Resource::new(Entity::new("urn:uuid:vm-1", infra("compute")));
    vm.links.push(Link::new(
        Entity::new("sl-1", infra("storagelink")),
        "/compute/vm-1",
        "/storage/disk-1",
    ));
    for (id, target) in [
        ("ni-1", "http://cloud.example.org:8080/network/wan"),
        ("ni-2", "/network/lan"),
        ("ni-3", "/network/VM%20Network"),
    ] {
        vm.links.push(Link::new(
            Entity::new(id, infra("networkinterface")),
            "/compute/vm-1",
            target,
        ));
    }
    let mut named_lan = Entity::new("urn:uuid:net-9", infra("network"));
    named_lan.title = Some("lan".into());
    let mut c = Collection::new();
    c.push_resource(vm).unwrap();
    c.push_resource(Resource::new(Entity::new("disk-1", infra("storage"))))
        .unwrap();
    c.push_resource(Resource::new(named_lan)).unwrap();
    c
}

fn strictly_valid(xml: &str) {
    let doc = Document::parse(xml.as_bytes()).expect("the export parses");
    let report =
        tern_ovf::validate::validate(&doc, &tern_ovf::validate::ValidateOptions::default());
    let problems: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{}\n{xml}", problems.join("\n"));
}

fn export(collection: &Collection, defaults: Defaults) -> Export {
    let options = ExportOptions {
        defaults,
        ..ExportOptions::default()
    };
    occi_to_ovf(collection, &options).unwrap()
}

fn mentions(missing: &[String], entity: &str, attribute: &str) -> bool {
    missing
        .iter()
        .any(|m| m.starts_with(&format!("{entity}: no {attribute}")))
}

#[test]
fn nothing_is_invented_for_a_collection_that_states_nothing() {
    let e = export(&bare(), Defaults::default());
    strictly_valid(&e.xml);
    for absent in [
        "<rasd:ResourceType>3</rasd:ResourceType>",
        "<rasd:ResourceType>4</rasd:ResourceType>",
        "VirtualSystemType",
        "OperatingSystemSection",
        "ResourceSubType",
        "<Disk ",
        "<rasd:Parent>",
        "<Name>",
        "<Description>",
        "ovf:format",
    ] {
        assert!(!e.xml.contains(absent), "{absent} invented:\n{}", e.xml);
    }
    for (entity, attribute) in [
        ("urn:uuid:vm-1", "occi.compute.cores"),
        ("urn:uuid:vm-1", "occi.compute.memory"),
        ("urn:uuid:vm-1", "tern.ovf.system_type"),
        ("urn:uuid:vm-1", "OS template"),
        ("disk-1", "occi.storage.size"),
        ("ni-1", "tern.ovf.nic.model"),
    ] {
        assert!(
            mentions(&e.missing, entity, attribute),
            "{entity} {attribute}: {:#?}",
            e.missing
        );
    }
}

#[test]
fn defaults_fill_what_the_collection_does_not_state_and_are_reported() {
    let mut defaults = Defaults::default();
    for (key, value) in [
        ("cpus", "2"),
        ("memory", "1536MiB"),
        ("disk-size", "10GiB"),
        (
            "disk-format",
            "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
        ),
        ("controller", "sata ahci"),
        ("nic-model", "VmxNet3"),
        ("system-type", "vmx-13"),
        ("os", "101"),
    ] {
        defaults.set(key, value).unwrap();
    }
    let mut collection = bare();
    collection.resources_mut()[1]
        .entity
        .attributes
        .insert("tern.ovf.disk.file", "disk-1.vmdk");
    let e = export(&collection, defaults);
    strictly_valid(&e.xml);
    for present in [
        "<rasd:VirtualQuantity>2</rasd:VirtualQuantity>",
        "<rasd:VirtualQuantity>1536</rasd:VirtualQuantity>",
        r#"ovf:capacity="10" ovf:capacityAllocationUnits="byte * 2^30""#,
        "vmdk.html#streamOptimized",
        "<rasd:ResourceSubType>ahci</rasd:ResourceSubType>",
        "<rasd:ResourceType>20</rasd:ResourceType>",
        "<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>",
        "<vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>",
        r#"<OperatingSystemSection ovf:id="101">"#,
    ] {
        assert!(e.xml.contains(present), "{present} missing:\n{}", e.xml);
    }
    assert!(
        e.missing
            .iter()
            .any(|m| m == "urn:uuid:vm-1: no occi.compute.cores: the processor item is written from the default cpus=2"),
        "{:#?}",
        e.missing
    );
}

#[test]
fn unknown_keys_and_bad_values_are_refused() {
    let mut d = Defaults::default();
    assert!(matches!(
        d.set("colour", "blue"),
        Err(DefaultError::UnknownKey { .. })
    ));
    let message = d.set("colour", "blue").unwrap_err().to_string();
    for (key, _) in Defaults::KEYS {
        assert!(message.contains(key), "{message}");
    }
    for (key, value) in [
        ("cpus", "0"),
        ("cpus", "two"),
        ("memory", "0"),
        ("memory", "lots"),
        ("disk-size", "-1"),
        ("controller", "floppy"),
        ("os", "70000"),
        ("system-type", " "),
    ] {
        assert!(
            matches!(d.set(key, value), Err(DefaultError::BadValue { .. })),
            "{key}={value}"
        );
    }
    assert_eq!(d, Defaults::default(), "nothing was set");
}

#[test]
fn networks_outside_the_collection_are_declared_from_the_link_target() {
    let e = export(&bare(), Defaults::default());
    let doc = Document::parse(e.xml.as_bytes()).unwrap();
    let env = Envelope::read(&doc);
    let names: Vec<Option<&str>> = env.networks.iter().map(|n| n.name.as_deref()).collect();
    // The collection's own `lan` keeps its name; the outside `lan` gets another one.
    assert_eq!(
        names,
        [Some("lan"), Some("wan"), Some("lan-2"), Some("VM-Network")]
    );
    let connections: Vec<String> = env.virtual_systems()[0]
        .sections
        .hardware
        .iter()
        .flat_map(|h| &h.items)
        .filter(|i| i.is_nic())
        .flat_map(|i| i.connection().map(str::to_string))
        .collect();
    assert_eq!(connections, ["wan", "lan-2", "VM-Network"]);
    assert!(
        e.missing.iter().any(|m| m.starts_with(
            "network http://cloud.example.org:8080/network/wan is not in the collection"
        )),
        "{:#?}",
        e.missing
    );
}

const NO_CPU: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References/>
  <NetworkSection><Info>n</Info><Network ovf:name="lan"/></NetworkSection>
  <VirtualSystem ovf:id="vm"><Info>no CPU item, no memory item, no OS section</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:Connection>lan</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"#;

#[test]
fn a_system_without_a_cpu_item_comes_back_without_one() {
    let doc = Document::parse(NO_CPU.as_bytes()).unwrap();
    let conversion = ovf_to_occi(&doc, &Options::default()).unwrap();
    let e = export(&conversion.collection, Defaults::default());
    strictly_valid(&e.xml);
    let back = Document::parse(e.xml.as_bytes()).unwrap();
    let env = Envelope::read(&back);
    let vs = &env.virtual_systems()[0];
    let items: Vec<_> = vs.sections.hardware.iter().flat_map(|h| &h.items).collect();
    assert!(!items.iter().any(|i| i.is_processor()), "{}", e.xml);
    assert!(!items.iter().any(|i| i.is_memory()), "{}", e.xml);
    assert!(vs.sections.operating_system.is_none(), "{}", e.xml);
    assert!(mentions(
        &e.missing,
        "urn:ovf:compute:vm",
        "occi.compute.cores"
    ));
}
