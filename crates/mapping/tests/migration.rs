//! OCCI → OVF → OCCI over the OCCI samples, the migration scenario's Hadoop service first:
//! every attribute a mapping row carries both ways, every mixin it implies and every link
//! (by kind, source and target, matched by title) survive the trip through OVF.

mod support;

use tern_mapping::MappingTable;
use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};
use tern_model::{Collection, Resource};
use tern_occi::{Document, MediaType, ParseOptions};

fn read(path: &str) -> Collection {
    let text = std::fs::read_to_string(support::repo().join(path)).unwrap();
    let mut catalogue = tern_mapping::extensions::catalogue(tern_model::OcciVersion::V1_2);
    let parsed = tern_occi::read(
        &text,
        MediaType::OcciJson,
        &ParseOptions::lenient(),
        &catalogue,
    )
    .unwrap();
    let resources = match parsed.value {
        Document::Listing(l) => {
            for m in l.mixins {
                if catalogue.mixin(&m.id).is_none() {
                    catalogue.add_mixin(m).unwrap();
                }
            }
            l.resources
        }
        Document::Resource(r) => vec![r],
        other => panic!("{path}: {}", other.composition()),
    };
    let mut c = Collection::new();
    for r in resources {
        c.push_resource(r).unwrap();
    }
    c
}

fn through_ovf(collection: &Collection) -> Collection {
    let export = occi_to_ovf(collection, &ExportOptions::default()).unwrap();
    let doc = tern_ovf::Document::parse(export.xml.as_bytes()).unwrap();
    ovf_to_occi(&doc, &Options::default()).unwrap().collection
}

fn by_title<'a>(c: &'a Collection, r: &Resource) -> &'a Resource {
    let title = r.entity.title.as_deref().unwrap();
    c.resources()
        .iter()
        .find(|x| x.entity.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("{title} survives"))
}

fn title_of(c: &Collection, location: &str) -> Option<String> {
    c.resource(location).and_then(|r| r.entity.title.clone())
}

#[test]
fn the_hadoop_service_survives_the_trip_through_ovf() {
    let before = read("samples/migration/hadoop-occi.json");
    let after = through_ovf(&before);
    assert_eq!(before.resources().len(), after.resources().len());
    let table = MappingTable::builtin();
    let both_ways: Vec<&str> = table
        .rows()
        .iter()
        .filter(|r| r.direction == tern_mapping::Direction::Both)
        .filter_map(|r| r.occi.as_ref()?.attribute.as_deref())
        .filter(|a| !a.starts_with("occi.core.") && !a.starts_with("tern."))
        .collect();
    for r in before.resources() {
        let back = by_title(&after, r);
        assert_eq!(r.entity.kind, back.entity.kind);
        // A Disk has no description in OVF (the storage.title row says so).
        if r.entity.kind.term() != "storage" {
            assert_eq!(r.summary, back.summary, "{:?}", r.entity.title);
        }
        for (name, value) in r
            .entity
            .attributes
            .iter()
            .filter(|(n, _)| both_ways.contains(n) || n.starts_with("tern.cdmi."))
        {
            assert_eq!(
                back.entity.attributes.get(name),
                Some(value),
                "{:?} {name}",
                r.entity.title
            );
        }
        for mixin in r
            .entity
            .mixins
            .iter()
            .filter(|m| m.scheme().starts_with("http://schemas.ogf.org/"))
        {
            assert!(
                back.entity.mixins.contains(mixin),
                "{:?} keeps {mixin}",
                r.entity.title
            );
        }
        let links = |c: &Collection, r: &Resource| -> Vec<(String, Option<String>)> {
            let mut l: Vec<_> = r
                .links
                .iter()
                .map(|l| {
                    (
                        l.entity.kind.term().to_owned(),
                        title_of(c, &l.target.location),
                    )
                })
                .collect();
            l.sort();
            l
        };
        assert_eq!(
            links(&before, r),
            links(&after, back),
            "{:?} links",
            r.entity.title
        );
        for (l, lb) in r.links.iter().zip(&back.links) {
            for (name, value) in l
                .entity
                .attributes
                .iter()
                .filter(|(n, _)| both_ways.contains(n))
            {
                assert_eq!(
                    lb.entity.attributes.get(name),
                    Some(value),
                    "{} {name}",
                    l.entity.id
                );
            }
        }
    }
}

#[test]
fn the_hadoop_export_points_at_the_cdmi_objects() {
    let before = read("samples/migration/hadoop-occi.json");
    let export = occi_to_ovf(&before, &ExportOptions::default()).unwrap();
    assert!(
        export
            .xml
            .contains(r#"ovf:href="https://cdmi.provider-a.example/cdmi/hadoop/storage-b.vmdk""#)
    );
    assert!(
        export
            .xml
            .contains(r#"ovf:capacity="100" ovf:capacityAllocationUnits="byte * 2^30""#)
    );
    assert!(export.dropped.is_empty(), "{:#?}", export.dropped);
}

#[test]
fn a_single_compute_exports() {
    {
        let before = read("samples/occi/compute.json");
        let export = occi_to_ovf(&before, &ExportOptions::default()).unwrap();
        // The sample's storage is not in the file: the export says so instead of inventing it.
        assert!(
            export
                .dropped
                .iter()
                .any(|d| d.contains("is not in the collection")),
            "{:#?}",
            export.dropped
        );
        assert!(
            export
                .dropped
                .iter()
                .any(|d| d.contains("occi.storagelink.mountpoint")),
            "{:#?}",
            export.dropped
        );
        let after = through_ovf(&before);
        let vm = by_title(&after, &before.resources()[0]);
        assert_eq!(
            vm.entity
                .attributes
                .get("occi.compute.cores")
                .unwrap()
                .to_string(),
            "2"
        );
        assert_eq!(
            vm.entity
                .attributes
                .get("occi.compute.memory")
                .unwrap()
                .to_string(),
            "4"
        );
    }
}

#[test]
fn a_provider_os_template_describes_the_operating_system() {
    let mut catalogue = tern_mapping::extensions::catalogue(tern_model::OcciVersion::V1_2);
    let debian: tern_model::CategoryId = "http://provider.example/os#debian12".parse().unwrap();
    catalogue
        .add_mixin(tern_model::Mixin {
            id: debian.clone(),
            title: Some("Debian 12 (bookworm)".into()),
            depends: vec![
                "http://schemas.ogf.org/occi/infrastructure#os_tpl"
                    .parse()
                    .unwrap(),
            ],
            applies: Vec::new(),
            attributes: Vec::new(),
            actions: Vec::new(),
            location: Some("/mixin/os/debian12/".into()),
        })
        .unwrap();
    let mut vm = tern_model::Entity::new(
        "urn:uuid:1",
        "http://schemas.ogf.org/occi/infrastructure#compute"
            .parse()
            .unwrap(),
    );
    vm.mixins.push(debian);
    let mut c = Collection::new();
    c.push_resource(Resource::new(vm)).unwrap();
    let with = occi_to_ovf(
        &c,
        &ExportOptions {
            catalogue: Some(catalogue),
            ..ExportOptions::default()
        },
    )
    .unwrap();
    assert!(
        with.xml.contains(r#"<OperatingSystemSection ovf:id="1">"#),
        "CIM Other"
    );
    assert!(
        with.xml
            .contains("<Description>Debian 12 (bookworm)</Description>"),
        "{}",
        with.xml
    );
    let without = occi_to_ovf(&c, &ExportOptions::default()).unwrap();
    assert!(
        !without.xml.contains("<Description>Debian"),
        "unknown mixins describe nothing"
    );
}

#[test]
fn a_two_line_ssh_key_keeps_its_lines() {
    // Two keys in one OVF property value: written raw, the line feed would be normalised to a
    // space by any XML reader.
    let keys = "ssh-ed25519 AAAAC3Nza one@example\nssh-rsa AAAAB3Nza two@example\r\n\tthird";
    let mut vm = tern_model::Entity::new(
        "urn:uuid:vm",
        "http://schemas.ogf.org/occi/infrastructure#compute"
            .parse()
            .unwrap(),
    );
    vm.title = Some("vm".into());
    vm.mixins.push(tern_model::CategoryId::new(
        "http://schemas.ogf.org/occi/infrastructure/credentials#",
        "ssh_key",
    ));
    vm.attributes.insert("occi.credentials.ssh.publickey", keys);
    let mut before = Collection::new();
    before.push_resource(Resource::new(vm)).unwrap();

    let export = occi_to_ovf(&before, &ExportOptions::default()).unwrap();
    assert!(
        export.xml.contains("one@example&#10;ssh-rsa"),
        "{}",
        export.xml
    );
    let after = through_ovf(&before);
    let back = by_title(&after, &before.resources()[0]);
    assert_eq!(
        back.entity
            .attributes
            .get("occi.credentials.ssh.publickey")
            .and_then(tern_model::Value::as_str),
        Some(keys)
    );
}
