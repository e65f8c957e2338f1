//! Typed views and dialect detection, checked against what the samples say.

use tern_ovf::model::{Bound, Capacity, Content, DiskFormat, ItemKind, ProductEntry};
use tern_ovf::{Dialect, Document, Envelope, Quirk};

fn read(path: &str) -> Envelope {
    let full = format!("{}/../../samples/ovf/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    Envelope::read(&Document::parse(&bytes).unwrap())
}

fn read_reference(name: &str) -> Option<Envelope> {
    let dir = crate::reference_dir()?;
    let bytes = std::fs::read(dir.join(name)).unwrap();
    Some(Envelope::read(&Document::parse(&bytes).unwrap()))
}

#[test]
fn hadoop_collection_has_three_tiers_two_networks_two_disks() {
    let env = read("hadoop-cluster.ovf");
    assert_eq!(env.dialect.dialect, Dialect::Dmtf1);
    let Some(Content::VirtualSystemCollection(vsc)) = &env.content else {
        panic!("expected a collection");
    };
    assert_eq!(vsc.id.as_deref(), Some("hadoop"));
    let ids: Vec<_> = env
        .virtual_systems()
        .iter()
        .map(|v| v.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["portal", "hadoop-master", "hadoop-slave"]);
    let nets: Vec<_> = env
        .networks
        .iter()
        .map(|n| n.name.clone().unwrap())
        .collect();
    assert_eq!(nets, ["public", "private"]);
    assert_eq!(env.disks.len(), 2);
    assert_eq!(env.disks[0].capacity, Capacity::Number(5));
    assert_eq!(env.disks[1].capacity, Capacity::Number(100));
    assert_eq!(
        env.disks[1].capacity_allocation_units.as_deref(),
        Some("byte * 2^30")
    );
    assert_eq!(vsc.sections.startup.len(), 3);
    for vs in env.virtual_systems() {
        let hostname = vs.sections.product[0]
            .properties()
            .find(|p| p.key.as_deref() == Some("hostname"))
            .expect("every tier has a hostname property");
        assert!(hostname.user_configurable);
    }
    let slave = env.virtual_systems()[2];
    let hw = &slave.sections.hardware[0];
    let disks: Vec<_> = hw.items.iter().filter_map(|i| i.disk_ref()).collect();
    assert_eq!(disks, ["system", "hdfs"]);
}

#[test]
fn vmware_export_files_disks_properties() {
    let env = read("vmware-webserver.ovf");
    assert_eq!(env.files[0].compression.as_deref(), Some("gzip"));
    assert_eq!(
        env.files[1].chunk_names(),
        [
            "webserver-disk2.vmdk.000000000",
            "webserver-disk2.vmdk.000000001"
        ]
    );
    assert_eq!(env.files[0].chunk_names(), ["webserver-disk1.vmdk.gz"]);
    assert_eq!(
        env.disks[1].capacity,
        Capacity::Property("data.disk.size".into())
    );
    assert_eq!(
        env.disks[0].format_kind,
        Some(DiskFormat::VmdkStreamOptimized)
    );
    let vs = env.virtual_systems()[0];
    let os = vs.sections.operating_system.as_ref().unwrap();
    assert_eq!(os.id.as_deref(), Some("101"));
    assert_eq!(os.vmw_os_type.as_deref(), Some("other4xLinux64Guest"));
    let hw = &vs.sections.hardware[0];
    assert_eq!(hw.transport, ["com.vmware.guestInfo", "iso"]);
    assert_eq!(
        hw.system.as_ref().unwrap().virtual_system_types,
        ["vmx-14", "vmx-15", "vmx-19"]
    );
    let cd = hw.items.iter().find(|i| i.is_optical()).unwrap();
    assert!(!cd.required);
    assert_eq!(cd.file_ref(), Some("file3"));
    let product = &vs.sections.product[0];
    let order: Vec<String> = product
        .entries
        .iter()
        .map(|e| match e {
            ProductEntry::Category(c) => format!("#{}", c.text),
            ProductEntry::Property(p) => p.key.clone().unwrap(),
        })
        .collect();
    assert_eq!(
        order,
        [
            "#Networking",
            "ip0",
            "admin.password",
            "#Storage",
            "data.disk.size",
            "log.level"
        ]
    );
    let pw = product.properties().find(|p| p.password).unwrap();
    assert_eq!(pw.qualifiers.as_deref(), Some("MinLen(8) MaxLen(64)"));
    assert_eq!(product.vendor.as_ref().unwrap().text, "Example & Co.");
    assert_eq!(product.qualified_key("ip0"), "org.example.web.ip0");
    assert!(
        vs.sections.eula[0]
            .license
            .as_ref()
            .unwrap()
            .text
            .contains("<not legally binding>")
    );
    let other: Vec<_> = vs.sections.other.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(other, ["BootOrderSection", "IpAssignmentSection"]);
}

#[test]
fn deployment_options_and_per_configuration_values() {
    let env = read("deployment-options.ovf");
    let ids: Vec<_> = env
        .deployment_options
        .iter()
        .map(|c| c.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["small", "medium", "large"]);
    assert!(env.deployment_options[1].default);
    let vs = env.virtual_systems()[0];
    let prop = vs.sections.product[0].properties().next().unwrap();
    assert_eq!(prop.value_for(Some("large")), Some("2000"));
    assert_eq!(prop.value_for(Some("small")), Some("100"));
    let hw = &vs.sections.hardware[0];
    let cpus: Vec<_> = hw
        .items_for(Some("large"))
        .iter()
        .filter(|i| i.is_processor())
        .map(tern_ovf::model::Item::quantity)
        .collect();
    assert_eq!(cpus, [Some(8)]);
    let bounds: Vec<_> = hw.items.iter().filter_map(|i| i.bound.clone()).collect();
    assert_eq!(bounds, [Bound::Min, Bound::Max]);
    assert_eq!(
        hw.system.as_ref().unwrap().virtual_system_types,
        ["vmx-10", "vmx-11"]
    );
}

#[test]
fn strings_resolve_by_language() {
    let env = read("localized-strings.ovf");
    let vs = env.virtual_systems()[0];
    let info = vs.info.as_ref().unwrap();
    assert_eq!(
        env.localize(info, "de-DE"),
        "Ein öffentlicher Informationskiosk"
    );
    assert_eq!(
        env.localize(info, "de"),
        "Ein öffentlicher Informationskiosk"
    );
    assert_eq!(env.localize(info, "ja-JP"), "公共情報キオスク");
    assert_eq!(env.localize(info, "en-US"), "A public information kiosk");
    let eula = vs.sections.eula[0].license.as_ref().unwrap();
    assert_eq!(
        env.localize(eula, "ja-JP"),
        eula.text,
        "no Japanese text: fall back"
    );
    assert_eq!(env.strings[2].file_ref.as_deref(), Some("strings-fr"));
}

#[test]
fn ovf_09_sections_by_xsi_type() {
    let env = read("vmware-ovf09.ovf");
    assert_eq!(env.dialect.dialect, Dialect::Vmware09);
    assert!(env.dialect.quirks.contains(&Quirk::XsiTypeSections));
    assert_eq!(env.disks.len(), 1);
    assert_eq!(env.networks[0].name.as_deref(), Some("bridged"));
    let vs = env.virtual_systems()[0];
    assert_eq!(vs.id.as_deref(), Some("legacy-app"));
    let prop = vs.sections.product[0].properties().next().unwrap();
    assert!(prop.user_configurable, "0.9 ovf:configurableByUser");
    assert_eq!(prop.value.as_deref(), Some("hello"), "0.9 ovf:defaultValue");
    let hw = &vs.sections.hardware[0];
    assert_eq!(hw.items.len(), 5);
    assert_eq!(
        hw.items[0].instance_id(),
        Some("1"),
        "0.9 InstanceId casing"
    );
    assert_eq!(hw.items[3].disk_ref(), Some("legacy"));
}

#[test]
fn ovirt_unqualified_children_are_read() {
    let env = read("ovirt-export.ovf");
    assert_eq!(env.dialect.dialect, Dialect::Ovirt);
    assert_eq!(env.dialect.version.as_deref(), Some("0.9"));
    assert!(env.has_references);
    assert_eq!(env.files.len(), 1);
    assert_eq!(env.disks[0].format_kind, Some(DiskFormat::Raw));
    let vs = env.virtual_systems()[0];
    assert_eq!(vs.name.as_ref().unwrap().text, "centos-web");
    let hw = &vs.sections.hardware[0];
    assert_eq!(hw.items.iter().filter(|i| i.is_nic()).count(), 1);
    assert_eq!(hw.items[1].virtual_quantity(), Some("2048"));
    // oVirt leaves VirtualQuantity out of the CPU item: sockets x cores per socket.
    assert_eq!(hw.items[0].quantity(), None);
    assert_eq!(hw.items[0].cpu_count(), Some(2));
}

#[test]
fn ovf2_port_and_storage_items() {
    let env = read("ovf2-epasd-sasd.ovf");
    assert_eq!(env.dialect.dialect, Dialect::Dmtf2);
    let hw = &env.virtual_systems()[0].sections.hardware[0];
    let kinds: Vec<_> = hw.items.iter().map(|i| i.kind.unwrap()).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ItemKind::EthernetPortItem)
            .count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ItemKind::StorageItem)
            .count(),
        2
    );
    let port = hw
        .items
        .iter()
        .find(|i| i.kind == Some(ItemKind::EthernetPortItem))
        .unwrap();
    assert_eq!(port.connection().collect::<Vec<_>>(), ["mgmt"]);
    assert_eq!(port.address(), Some("52:54:00:12:34:01"));
    let seed = hw.items.iter().find(|i| i.file_ref().is_some()).unwrap();
    assert_eq!(seed.file_ref(), Some("seed"));
}

#[test]
fn reference_dialects_are_detected() {
    let Some(vbox) = read_reference("virtualbox-ovf20-ubuntu.ovf") else {
        return;
    };
    assert_eq!(vbox.dialect.dialect, Dialect::Virtualbox2);
    let hw = &vbox.virtual_systems()[0].sections.hardware[0];
    assert!(
        hw.items
            .iter()
            .any(|i| i.kind == Some(ItemKind::StorageItem) && i.instance_id().is_some())
    );

    let nested = read_reference("vmware-nested-vsc-ovf2-scaleout.ovf").unwrap();
    assert!(nested.dialect.quirks.contains(&Quirk::Ovf2ElementsInOvf1));
    let Some(Content::VirtualSystemCollection(root)) = &nested.content else {
        panic!()
    };
    let Content::VirtualSystemCollection(child) = &root.members[0] else {
        panic!()
    };
    let Content::VirtualSystemCollection(grand) = &child.members[0] else {
        panic!()
    };
    assert_eq!(grand.id.as_deref(), Some("grandChildVapp"));
    assert_eq!(root.sections.other[0].name, "ScaleOutSection");

    let xen = read_reference("xenserver-xenadmin-sample.ovf").unwrap();
    assert!(
        xen.dialect
            .quirks
            .contains(&Quirk::EncodingDeclaration("utf-16".into()))
    );

    let ovirt = read_reference("ovirt-virt-v2v-output.ovf").unwrap();
    assert_eq!(ovirt.dialect.dialect, Dialect::Ovirt);

    let v09 = read_reference("vmware-studio-ovf09-legacy.ovf").unwrap();
    assert_eq!(v09.dialect.dialect, Dialect::Vmware09);
    assert_eq!(v09.disks.len(), 2);

    let nvapp = read_reference("vmware-ovftool-vapp-nvapp00n.ovf").unwrap();
    assert_eq!(nvapp.virtual_systems().len(), 2);
    assert!(!nvapp.deployment_options.is_empty());
}
