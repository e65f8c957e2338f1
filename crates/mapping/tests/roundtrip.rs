//! OVF → OCCI → OVF over every descriptor we have: the export is strictly valid OVF and keeps
//! CPUs, memory bytes, disk capacities, networks, NIC connections and the hostname; with the
//! original envelope kept, an unchanged collection comes back byte for byte, and one changed
//! attribute changes exactly its element.

mod support;

use std::path::Path;

use support::descriptors;

use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf, restore};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};
use tern_model::{Number, Value};
use tern_ovf::{Document, Envelope};

/// cpus, memory bytes, hostname, NIC networks.
type System = (Option<u64>, Option<u128>, Option<String>, Vec<String>);

/// Facts that must survive: per system (cpus, memory bytes, hostname, NIC networks),
/// disk capacities in bytes, network names.
#[derive(Debug, PartialEq)]
struct Facts {
    systems: Vec<System>,
    disks: Vec<Option<u128>>,
    networks: Vec<Option<String>>,
}

fn facts(doc: &Document) -> Facts {
    facts_for(doc, None)
}

/// The facts of deployment option `option` (`None`: the default one).
fn facts_for(doc: &Document, option: Option<&str>) -> Facts {
    let env = Envelope::read(doc);
    let config = option.or(env.default_configuration());
    let systems = env
        .virtual_systems()
        .iter()
        .map(|vs| {
            let items: Vec<_> = vs
                .sections
                .hardware
                .iter()
                .flat_map(|h| h.items_for(config))
                .collect();
            let cpus = items
                .iter()
                .find(|i| i.is_processor())
                .and_then(tern_ovf::model::Item::quantity);
            let memory = items.iter().find(|i| i.is_memory()).and_then(|i| {
                let unit = tern_units::AllocationUnit::parse(
                    i.allocation_units().unwrap_or("byte * 2^20"),
                )
                .ok()?;
                unit.bytes(i.quantity()?).ok()
            });
            let hostname = vs
                .sections
                .product
                .iter()
                .flat_map(tern_ovf::model::ProductSection::properties)
                .find(|p| p.key.as_deref() == Some("hostname"))
                .and_then(|p| p.value_for(config).map(str::to_owned));
            let nics = items
                .iter()
                .filter(|i| i.is_nic())
                .filter_map(|i| i.connection().next().map(str::to_string))
                .collect();
            (cpus, memory, hostname, nics)
        })
        .collect();
    let disks = env
        .disks
        .iter()
        .map(|d| match &d.capacity {
            tern_ovf::model::Capacity::Number(q) => {
                let unit = tern_units::AllocationUnit::parse(
                    d.capacity_allocation_units.as_deref().unwrap_or("byte"),
                )
                .ok()?;
                unit.bytes(*q).ok()
            }
            // A `${key}` capacity takes the property's default (OVF 1.1 §9.1).
            tern_ovf::model::Capacity::Property(key) => {
                let q: u64 = env.property_default(key)?.trim().parse().ok()?;
                let unit = tern_units::AllocationUnit::parse(
                    d.capacity_allocation_units.as_deref().unwrap_or("byte"),
                )
                .ok()?;
                unit.bytes(q).ok()
            }
            _ => None,
        })
        .collect();
    Facts {
        systems,
        disks,
        networks: env.networks.iter().map(|n| n.name.clone()).collect(),
    }
}

#[test]
fn export_is_strictly_valid_and_keeps_the_facts() {
    let mut checked = 0;
    for path in descriptors() {
        let Ok(doc) = Document::parse(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        // Every deployment option converts its own hardware, which the export (declaring no
        // options) must keep.
        let envelope = Envelope::read(&doc);
        let mut chosen: Vec<Option<String>> = envelope
            .configuration_ids()
            .into_iter()
            .map(|o| Some(o.to_owned()))
            .collect();
        if chosen.is_empty() {
            chosen.push(None);
        }
        for option in chosen {
            checked += usize::from(keeps_the_facts(&path, &doc, option.as_deref()));
        }
    }
    // Bundled samples (11 pairs) and reference descriptors (23 more), each deployment option.
    let expected = if tern_testkit::reference("ovf/samples").is_some() {
        30
    } else {
        11
    };
    assert!(
        checked >= expected,
        "descriptor × option pairs round-trip ({checked})"
    );
}

// Converts `doc` for `option`, exports, validates strictly and compares the facts; false when
// the descriptor has nothing to convert or export.
fn keeps_the_facts(path: &std::path::Path, doc: &Document, option: Option<&str>) -> bool {
    {
        let Ok(conversion) = ovf_to_occi(
            doc,
            &Options {
                deployment_option: option.map(str::to_owned),
                ..Options::default()
            },
        ) else {
            return false;
        };
        let export = match occi_to_ovf(
            &conversion.collection,
            &ExportOptions {
                cdmi_base: Some("https://cdmi.example.org/c/".into()),
                ..ExportOptions::default()
            },
        ) {
            Ok(e) => e,
            Err(tern_mapping::occi2ovf::ExportError::NoCompute) => return false, // collections without systems
            Err(e) => panic!("{}: {e}", path.display()),
        };
        let exported = Document::parse(export.xml.as_bytes())
            .unwrap_or_else(|e| panic!("{}: export does not parse: {e:?}", path.display()));
        let report = tern_ovf::validate::validate(
            &exported,
            &tern_ovf::validate::ValidateOptions::default(),
        );
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.is_error())
            .map(|f| f.clone().in_file("export.ovf").to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: export is not valid OVF:\n{}\n{}",
            path.display(),
            errors.join("\n"),
            export.xml
        );
        let (before, after) = (facts_for(doc, option), facts(&exported));
        // Disks that are only partly described (a `${property}` capacity) may be absent from
        // the facts on one side only when the value could not be resolved: compare the rest.
        assert_eq!(
            before.networks,
            after.networks,
            "{}: networks",
            path.display()
        );
        assert_eq!(
            before.systems.len(),
            after.systems.len(),
            "{}: systems",
            path.display()
        );
        for (b, a) in before.systems.iter().zip(&after.systems) {
            assert_eq!(b.0, a.0, "{} {option:?}: cpus", path.display());
            assert_eq!(b.1, a.1, "{} {option:?}: memory bytes", path.display());
            assert_eq!(b.2, a.2, "{}: hostname", path.display());
            assert_eq!(b.3, a.3, "{}: NIC connections", path.display());
        }
        assert_eq!(
            before.disks,
            after.disks,
            "{}: disk capacities",
            path.display()
        );
        true
    }
}

#[test]
fn with_the_original_an_unchanged_collection_gives_back_the_same_bytes() {
    for path in descriptors() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(mut doc) = Document::parse(&bytes) else {
            continue;
        };
        let Ok(conversion) = ovf_to_occi(&doc, &Options::default()) else {
            continue;
        };
        let not_written = restore(&mut doc, &conversion.collection, &Options::default()).unwrap();
        assert!(
            not_written.is_empty(),
            "{}: {not_written:?}",
            path.display()
        );
        assert_eq!(doc.to_bytes(), bytes, "{}: byte-identical", path.display());
    }
}

#[test]
fn with_the_original_a_changed_attribute_changes_only_its_element() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/hadoop-cluster.ovf");
    let bytes = std::fs::read(&path).unwrap();
    let mut doc = Document::parse(&bytes).unwrap();
    let mut collection = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    let slave = collection
        .resources_mut()
        .iter_mut()
        .find(|r| r.entity.id == "urn:ovf:compute:hadoop-slave")
        .unwrap();
    slave.entity.attributes.insert(
        "occi.compute.cores",
        Value::Number(Number::parse("6").unwrap()),
    );
    slave.entity.attributes.insert(
        "occi.compute.memory",
        Value::Number(Number::parse("24").unwrap()),
    );
    let not_written = restore(&mut doc, &collection, &Options::default()).unwrap();
    assert!(not_written.is_empty(), "{not_written:?}");
    let (old, new) = (
        String::from_utf8(bytes).unwrap(),
        String::from_utf8(doc.to_bytes()).unwrap(),
    );
    let changed: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(old.lines().count(), new.lines().count());
    // Each value, and the Item's name that states it (tern-ovf's editor says it again).
    assert_eq!(changed.len(), 4, "{changed:#?}");
    assert!(
        changed[0].1.contains(">6 virtual CPUs<")
            && changed[1]
                .1
                .contains("<rasd:VirtualQuantity>6</rasd:VirtualQuantity>"),
        "{changed:#?}"
    );
    // 24 GiB in the item's own unit (byte * 2^20 for this system in the sample).
    assert!(
        changed[2].1.contains(">24576 MB of memory<")
            && changed[3]
                .1
                .contains("<rasd:VirtualQuantity>24576</rasd:VirtualQuantity>"),
        "{changed:#?}"
    );
    let again = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    let slave = again.resource("urn:ovf:compute:hadoop-slave").unwrap();
    assert_eq!(
        slave
            .entity
            .attributes
            .get("occi.compute.memory")
            .unwrap()
            .to_string(),
        "24"
    );
}

#[test]
fn with_the_original_what_cannot_be_written_back_is_listed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/hadoop-cluster.ovf");
    let bytes = std::fs::read(&path).unwrap();
    let mut doc = Document::parse(&bytes).unwrap();
    let mut collection = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    let portal = collection
        .resources_mut()
        .iter_mut()
        .find(|r| r.entity.id == "urn:ovf:compute:portal")
        .unwrap();
    portal.links[1]
        .entity
        .attributes
        .insert("occi.networkinterface.mac", "52:54:00:00:00:01");
    portal
        .entity
        .attributes
        .insert("occi.compute.architecture", "x86");
    let not_written = restore(&mut doc, &collection, &Options::default()).unwrap();
    assert_eq!(
        not_written,
        [
            "urn:ovf:compute:portal: occi.compute.architecture changed to \"x86\": not written back",
            "urn:ovf:compute:portal/nic/5: attributes or mixins changed: not written back",
        ]
    );
    assert_eq!(doc.to_bytes(), bytes, "nothing else changed");
}

/// The collection as the provider has it: converted with `options`, written as OCCI JSON
/// and read back (so without the locations the rendering does not carry).
fn as_rendered(doc: &Document, options: &Options) -> Option<tern_model::Collection> {
    let conversion = ovf_to_occi(doc, options).ok()?;
    Some(support::through_json(&conversion).0)
}

/// With the kept envelope, a collection made with a CDMI container, under another file
/// name, or for a deployment option, and read back from its rendering, is no change: the
/// same bytes and nothing listed (`restore` is given the default options, as
/// `occi2ovf --original` without flags).
#[test]
fn with_the_original_the_way_the_collection_was_made_is_no_change() {
    let mut checked = 0;
    for path in descriptors() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(doc) = Document::parse(&bytes) else {
            continue;
        };
        let mut variants = vec![
            Options {
                cdmi_base: Some("https://cdmi.example.org/images/".into()),
                ..Options::default()
            },
            Options {
                envelope_name: Some("renamed.ovf".into()),
                ..Options::default()
            },
        ];
        for config in Envelope::read(&doc).deployment_options {
            variants.push(Options {
                deployment_option: config.id.clone(),
                ..Options::default()
            });
        }
        for options in variants {
            let Some(collection) = as_rendered(&doc, &options) else {
                continue;
            };
            let mut restored = Document::parse(&bytes).unwrap();
            let not_written = restore(&mut restored, &collection, &Options::default()).unwrap();
            assert!(
                not_written.is_empty(),
                "{} ({options:?}): {not_written:#?}",
                path.display()
            );
            assert_eq!(
                restored.to_bytes(),
                bytes,
                "{}: byte-identical",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 18, "every sample, two ways at least ({checked})");
}

/// Provenance (which file an entity came from) is marked so in tern's catalogue, and what
/// is marked so is never compared: changed or removed, it lists nothing.
#[test]
fn provenance_attributes_are_marked_and_never_compared() {
    let catalogue = tern_mapping::extensions::catalogue(tern_model::OcciVersion::V1_2);
    let marked: Vec<&str> = catalogue
        .mixins()
        .iter()
        .flat_map(|m| &m.attributes)
        .filter(|d| d.provenance)
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(marked, ["tern.ovf.envelope"]);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/hadoop-cluster.ovf");
    let bytes = std::fs::read(&path).unwrap();
    let doc = Document::parse(&bytes).unwrap();
    let mut collection = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    let computes = collection
        .resources_mut()
        .iter_mut()
        .filter(|r| r.entity.kind.term() == "compute");
    for (i, r) in computes.enumerate() {
        for name in &marked {
            if i % 2 == 0 {
                r.entity.attributes.insert(*name, "elsewhere.ova");
            } else {
                r.entity.attributes.remove(name);
            }
        }
    }
    let mut restored = Document::parse(&bytes).unwrap();
    let baseline = Options {
        envelope_name: Some("hadoop-cluster.ovf".into()),
        ..Options::default()
    };
    let not_written = restore(&mut restored, &collection, &baseline).unwrap();
    assert!(not_written.is_empty(), "{not_written:#?}");
    assert_eq!(restored.to_bytes(), bytes);
}

/// A changed storage size goes back into its Disk: in the Disk's own units when the size is
/// a whole number of them, else in a unit that holds it exactly.
#[test]
fn with_the_original_a_changed_storage_size_is_written_back() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/hadoop-cluster.ovf");
    let bytes = std::fs::read(&path).unwrap();
    let mut doc = Document::parse(&bytes).unwrap();
    let mut collection = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    for (id, gib) in [
        ("urn:ovf:storage:hdfs", "200"),
        ("urn:ovf:storage:system", "5.5"),
    ] {
        let storage = collection
            .resources_mut()
            .iter_mut()
            .find(|r| r.entity.id == id)
            .unwrap();
        storage.entity.attributes.insert(
            "occi.storage.size",
            Value::Number(Number::parse(gib).unwrap()),
        );
    }
    let not_written = restore(&mut doc, &collection, &Options::default()).unwrap();
    assert!(not_written.is_empty(), "{not_written:?}");
    let (old, new) = (
        String::from_utf8(bytes).unwrap(),
        String::from_utf8(doc.to_bytes()).unwrap(),
    );
    let changed: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert!(
        changed[0]
            .1
            .contains(r#"ovf:diskId="system" ovf:fileRef="file-system" ovf:capacity="5632" ovf:capacityAllocationUnits="byte * 2^20""#),
        "{changed:#?}"
    );
    assert!(
        changed[1]
            .1
            .contains(r#"ovf:capacity="200" ovf:capacityAllocationUnits="byte * 2^30""#),
        "{changed:#?}"
    );
    let after = facts(&doc);
    assert_eq!(after.disks, [Some(5632 << 20), Some(200 << 30)]);
}
