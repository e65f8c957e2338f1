//! `info` reports: snapshots of the JSON for every sample, plus checks that do not depend on
//! a reviewed snapshot.

use tern_ovf::info::{Info, human_bytes};
use tern_ovf::{Document, Envelope};

fn info_of(path: &std::path::Path) -> Info {
    let bytes = std::fs::read(path).unwrap();
    Info::new(&Envelope::read(&Document::parse(&bytes).unwrap()))
}

#[test]
fn info_json_snapshots_of_own_samples() {
    for path in crate::own_samples() {
        if path.components().any(|c| c.as_os_str() == "invalid") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_json_snapshot!(format!("info-{name}"), info_of(&path));
    }
}

#[test]
fn hadoop_sizes_are_exact_bytes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf/hadoop-cluster.ovf");
    let info = info_of(&path);
    assert_eq!(info.disks[0].capacity_bytes, Some(5 << 30));
    assert_eq!(info.disks[1].capacity_bytes, Some(100 << 30));
    let content = info.content.unwrap();
    let memory: Vec<_> = content
        .members
        .iter()
        .map(|m| m.hardware[0].memory_bytes)
        .collect();
    assert_eq!(memory, [Some(2 << 30), Some(8 << 30), Some(16 << 30)]);
    let cpus: Vec<_> = content.members.iter().map(|m| m.hardware[0].cpus).collect();
    assert_eq!(cpus, [Some(1), Some(2), Some(4)]);
}

#[test]
fn spaced_units_and_property_capacities_convert() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf/vmware-webserver.ovf");
    let info = info_of(&path);
    // `byte * 2 ^ 20` (VMware's spacing) is still MiB: 4096 MiB.
    assert_eq!(
        info.content.as_ref().unwrap().hardware[0].memory_bytes,
        Some(4 << 30)
    );
    // `${data.disk.size}` GiB with the property default 40.
    assert_eq!(info.disks[1].capacity_bytes, Some(40 << 30));
    // Passwords never show their value.
    let pw = info
        .content
        .unwrap()
        .properties
        .into_iter()
        .find(|p| p.password)
        .unwrap();
    assert_eq!(pw.value, None);
}

#[test]
fn default_deployment_option_drives_the_summary() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf/deployment-options.ovf");
    let info = info_of(&path);
    assert!(info.deployment_options[1].default);
    let hw = &info.content.as_ref().unwrap().hardware[0];
    assert_eq!(hw.cpus, Some(2), "the medium option");
    assert_eq!(
        hw.memory_bytes,
        Some(4 << 30),
        "the normal item, not the bounds"
    );
    let prop = &info.content.unwrap().properties[0];
    assert_eq!(prop.value.as_deref(), Some("500"));
}

#[test]
fn human_bytes_formats() {
    assert_eq!(human_bytes(4 << 30), "4 GiB");
    assert_eq!(human_bytes(1_879_048_192), "1.75 GiB");
    assert_eq!(human_bytes(512 << 20), "512 MiB");
    assert_eq!(human_bytes(1000), "1000 B");
}

#[test]
fn every_reference_sample_summarises() {
    let Some(samples) = crate::reference_samples() else {
        return;
    };
    for path in samples {
        let info = info_of(&path);
        assert_ne!(
            info.dialect,
            tern_ovf::Dialect::Unknown,
            "{}",
            path.display()
        );
        assert!(info.content.is_some(), "{}", path.display());
    }
}

#[test]
fn localized_report_uses_the_strings_bundle() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf/localized-strings.ovf");
    let bytes = std::fs::read(path).unwrap();
    let env = Envelope::read(&Document::parse(&bytes).unwrap());
    let de = Info::localized(&env, Some("de-DE"));
    let content = de.content.unwrap();
    assert_eq!(
        content.products[0].product.as_deref(),
        Some("Informationskiosk")
    );
    assert_eq!(
        content.properties[0].label.as_deref(),
        Some("Begrüßungstext")
    );
    // Unknown language: the texts as written.
    assert_eq!(Info::localized(&env, Some("pt-BR")), Info::new(&env));
}
