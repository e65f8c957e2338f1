//! OVF → OCCI over the bundled samples and the real exporters' files: facts read off the
//! descriptors by hand, and properties every conversion must have.

mod support;

use std::path::Path;

use support::repo;

use tern_mapping::ovf2occi::{BridgeError, Conversion, Options, ovf_to_occi};
use tern_model::{OcciVersion, Resource, Value};

fn convert(path: &Path, options: &Options) -> Result<Conversion, BridgeError> {
    let bytes = std::fs::read(path).unwrap();
    let doc =
        tern_ovf::Document::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    ovf_to_occi(&doc, options)
}

fn hadoop(options: &Options) -> Conversion {
    convert(&repo().join("samples/ovf/hadoop-cluster.ovf"), options).unwrap()
}

fn attr(r: &Resource, name: &str) -> Option<String> {
    r.entity.attributes.get(name).map(Value::to_string)
}

fn resource<'a>(c: &'a Conversion, id: &str) -> &'a Resource {
    c.collection
        .resource(id)
        .unwrap_or_else(|| panic!("{id} converted"))
}

#[test]
fn hadoop_computes_networks_and_storage() {
    let c = hadoop(&Options::default());
    let kinds: Vec<&str> = c
        .collection
        .resources()
        .iter()
        .map(|r| r.entity.kind.term())
        .collect();
    assert_eq!(
        kinds,
        [
            "network", "network", "storage", "storage", "compute", "compute", "compute"
        ]
    );
    // cores, memory (MiB and GiB units in the file), hostname property, as the descriptor says.
    for (id, cores, memory, hostname) in [
        ("/compute/portal", "1", "2", "\"portal\""),
        ("/compute/hadoop-master", "2", "8", "\"hadoop-master\""),
        ("/compute/hadoop-slave", "4", "16", "\"hadoop-slave-1\""),
    ] {
        let vm = resource(&c, id);
        assert_eq!(
            attr(vm, "occi.compute.cores").as_deref(),
            Some(cores),
            "{id} cores"
        );
        assert_eq!(
            attr(vm, "occi.compute.memory").as_deref(),
            Some(memory),
            "{id} memory GiB"
        );
        assert_eq!(
            attr(vm, "occi.compute.hostname").as_deref(),
            Some(hostname),
            "{id} hostname"
        );
        assert_eq!(
            attr(vm, "occi.compute.architecture").as_deref(),
            Some("\"x64\""),
            "CIM 94 is Ubuntu 64-Bit"
        );
        assert_eq!(
            attr(vm, "tern.ovf.collection").as_deref(),
            Some("\"hadoop\"")
        );
    }
    assert_eq!(
        attr(resource(&c, "/storage/system"), "occi.storage.size").as_deref(),
        Some("5")
    );
    assert_eq!(
        attr(resource(&c, "/storage/hdfs"), "occi.storage.size").as_deref(),
        Some("100")
    );
    assert_eq!(
        resource(&c, "/network/private").summary.as_deref(),
        Some("Cluster interconnect (HDFS and YARN traffic)")
    );
}

#[test]
fn hadoop_links_follow_the_hardware_items() {
    let c = hadoop(&Options::default());
    let targets = |id: &str, kind: &str| -> Vec<String> {
        resource(&c, id)
            .links
            .iter()
            .filter(|l| l.entity.kind.term() == kind)
            .map(|l| l.target.location.clone())
            .collect()
    };
    assert_eq!(
        targets("/compute/portal", "networkinterface"),
        ["/network/public", "/network/private"]
    );
    assert_eq!(
        targets("/compute/hadoop-slave", "networkinterface"),
        ["/network/private"]
    );
    assert_eq!(
        targets("/compute/hadoop-slave", "storagelink"),
        ["/storage/system", "/storage/hdfs"]
    );
    let slave = resource(&c, "/compute/hadoop-slave");
    let hdfs = slave
        .links
        .iter()
        .find(|l| l.target.location == "/storage/hdfs")
        .unwrap();
    assert_eq!(
        hdfs.entity
            .attributes
            .get("occi.storagelink.deviceid")
            .unwrap()
            .to_string(),
        "\"hdfs\""
    );
    assert_eq!(
        hdfs.entity
            .attributes
            .get("tern.ovf.address_on_parent")
            .unwrap()
            .to_string(),
        "\"1\""
    );
    // Every link starts at its compute's location and names the target's kind.
    for r in c.collection.resources() {
        for l in &r.links {
            assert_eq!(Some(&l.source.location), r.entity.location.as_ref());
            assert!(l.target.kind.is_some());
            if l.entity.kind.term() == "storagelink" {
                assert!(
                    c.collection.resource(&l.target.location).is_some(),
                    "{} resolves",
                    l.target.location
                );
            }
        }
    }
}

#[test]
fn cdmi_base_makes_data_objects_and_device_ids() {
    let options = Options {
        cdmi_base: Some("https://cdmi.example.org/images/".into()),
        ..Options::default()
    };
    let c = hadoop(&options);
    let hdfs = resource(&c, "/storage/hdfs");
    assert_eq!(
        attr(hdfs, "tern.cdmi.uri").as_deref(),
        Some("\"https://cdmi.example.org/images/hadoop-hdfs.vmdk\"")
    );
    let Some(Value::String(id)) = hdfs.entity.attributes.get("tern.cdmi.objectid") else {
        panic!("object id")
    };
    let parsed = tern_cdmi::objectid::ObjectId::parse(id).expect("a valid CDMI object ID");
    assert_eq!(
        parsed.enterprise_number(),
        tern_cdmi::objectid::DEFAULT_ENTERPRISE_NUMBER
    );
    let slave = resource(&c, "/compute/hadoop-slave");
    let link = slave
        .links
        .iter()
        .find(|l| l.target.location == "/storage/hdfs")
        .unwrap();
    assert_eq!(
        link.entity.attributes.get("occi.storagelink.deviceid"),
        Some(&Value::String(id.clone()))
    );
    // The same URL gives the same ID: conversions are repeatable.
    let again = hadoop(&options);
    assert_eq!(
        resource(&again, "/storage/hdfs")
            .entity
            .attributes
            .get("tern.cdmi.objectid"),
        Some(&Value::String(id.clone()))
    );
}

#[test]
fn properties_given_on_the_command_line_win() {
    let options = Options {
        properties: vec![("hostname".into(), "edge-1".into())],
        ..Options::default()
    };
    let c = hadoop(&options);
    assert_eq!(
        attr(resource(&c, "/compute/portal"), "occi.compute.hostname").as_deref(),
        Some("\"edge-1\"")
    );
}

#[test]
fn unknown_deployment_option_is_refused() {
    let options = Options {
        deployment_option: Some("huge".into()),
        ..Options::default()
    };
    let err = convert(&repo().join("samples/ovf/deployment-options.ovf"), &options).unwrap_err();
    assert!(
        matches!(err, BridgeError::UnknownDeploymentOption { ref name, .. } if name == "huge"),
        "{err}"
    );
}

#[test]
fn the_report_names_unmapped_elements_with_positions() {
    let c = hadoop(&Options::default());
    let startup = c
        .report
        .unmapped
        .iter()
        .find(|u| u.path.ends_with("StartupSection"))
        .expect("StartupSection is unmapped");
    // The StartupSection of the hadoop collection starts on line 45 of the sample.
    assert_eq!((startup.line, startup.column), (45, 5));
    let populated = c
        .report
        .unmapped
        .iter()
        .any(|u| u.path == "Envelope/DiskSection/Disk/@ovf:populatedSize");
    assert!(populated, "{:#?}", c.report.unmapped);
    assert!(
        !c.report
            .unmapped
            .iter()
            .any(|u| u.path.ends_with("VirtualQuantity")),
        "VirtualQuantity is mapped"
    );
}

#[test]
fn occi_1_1_has_no_share_and_1_2_has_no_speed() {
    for version in OcciVersion::ALL {
        let c = hadoop(&Options {
            version,
            ..Options::default()
        });
        for r in c.collection.resources() {
            assert!(
                !(version == OcciVersion::V1_2
                    && r.entity.attributes.get("occi.compute.speed").is_some())
            );
            assert!(
                !(version == OcciVersion::V1_1
                    && r.entity.attributes.get("occi.compute.share").is_some())
            );
        }
    }
}

/// Every descriptor we have: ours and, where present, the real exporters' files. Each either
/// converts into entities that pass the catalogue (checked inside the conversion) or fails
/// with a clear error; never a panic.
#[test]
fn every_sample_converts_or_fails_clearly() {
    let mut converted = 0;
    for path in &support::descriptors() {
        let Ok(doc) = tern_ovf::Document::parse(&std::fs::read(path).unwrap()) else {
            continue;
        };
        match ovf_to_occi(&doc, &Options::default()) {
            Ok(c) => {
                converted += 1;
                let systems = tern_ovf::Envelope::read(&doc).virtual_systems().len();
                let computes = c
                    .collection
                    .resources()
                    .iter()
                    .filter(|r| r.entity.kind.term() == "compute")
                    .count();
                assert_eq!(
                    computes,
                    systems,
                    "{}: one compute per VirtualSystem",
                    path.display()
                );
            }
            Err(e) => {
                let message = e.to_string();
                assert!(!message.is_empty());
                assert!(
                    !matches!(e, BridgeError::Invalid(_)),
                    "{}: the converter produced invalid OCCI: {message}",
                    path.display()
                );
            }
        }
    }
    assert!(converted >= 8, "the bundled samples convert");
}

/// Ids and locations are the mapping rows': `urn:ovf:<kind>:<name>` at `/<kind>/<name>`, the
/// OVF id percent-encoded so both are URIs; links name their ends by those locations; and a
/// program reading either rendering (which carry no resource locations) finds every entity
/// at the same location and every link end.
#[test]
fn locations_agree_with_the_mapping_table_through_every_rendering() {
    let mut checked = 0;
    for path in &support::descriptors() {
        let Ok(doc) = tern_ovf::Document::parse(&std::fs::read(path).unwrap()) else {
            continue;
        };
        let Ok(c) = ovf_to_occi(&doc, &Options::default()) else {
            continue;
        };
        let env = tern_ovf::Envelope::read(&doc);
        let file = path.display();
        for r in c.collection.resources() {
            let kind = r.entity.kind.term();
            let name = r
                .entity
                .id
                .strip_prefix(&format!("urn:ovf:{kind}:"))
                .unwrap_or_else(|| panic!("{file}: id {}", r.entity.id));
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{file}: {} is not a URI",
                r.entity.id
            );
            assert_eq!(
                r.entity.location.as_deref(),
                Some(format!("/{kind}/{name}").as_str()),
                "{file}"
            );
            let ovf_id = support::percent_decoded(name);
            let stated = match kind {
                "compute" => attr(r, "tern.ovf.system").is_some_and(|s| s == format!("{ovf_id:?}")),
                "storage" => {
                    attr(r, "tern.ovf.disk.id").is_some_and(|s| s == format!("{ovf_id:?}"))
                }
                _ => env
                    .networks
                    .iter()
                    .any(|n| n.name.as_deref() == Some(ovf_id.as_str())),
            };
            assert!(stated, "{file}: {} names OVF id {ovf_id}", r.entity.id);
            for l in &r.links {
                assert_eq!(
                    Some(&l.source.location),
                    r.entity.location.as_ref(),
                    "{file}"
                );
                if let Some(target) = c.collection.resource(&l.target.location) {
                    assert_eq!(target.entity.location.as_ref(), Some(&l.target.location));
                }
            }
        }
        let renderings = [
            ("application/occi+json", Some(support::through_json(&c).0)),
            ("text/plain", support::through_text(&c)),
        ];
        for (media, back) in renderings {
            let Some(back) = back else {
                continue;
            };
            for (before, after) in c.collection.resources().iter().zip(back.resources()) {
                assert_eq!(
                    Some(after.entity.location_or_default()),
                    before.entity.location,
                    "{file} ({media}): where a reader puts {}",
                    before.entity.id
                );
                for (l, m) in before.links.iter().zip(&after.links) {
                    let ends = |c: &tern_model::Collection, l: &tern_model::Link| {
                        (
                            c.resource(&l.source.location).map(|r| r.entity.id.clone()),
                            c.resource(&l.target.location).map(|r| r.entity.id.clone()),
                        )
                    };
                    assert_eq!(ends(&c.collection, l), ends(&back, m), "{file} ({media})");
                }
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 16,
        "both renderings of the bundled samples ({checked})"
    );
}
