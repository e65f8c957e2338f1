//! VirtualBox exports: the dialect they are, and what `--lax` accepts of them. The
//! descriptors in `tests/data/virtualbox` are written in the shape VirtualBox 3.x (OVF 0.9)
//! and 4.x (OVF 1.0) export.

use std::path::{Path, PathBuf};

use tern_diag::Severity;
use tern_ovf::{Dialect, Document, Envelope, Mode, ValidateOptions, validate_bytes};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/virtualbox")
        .join(name)
}

fn judge(path: &Path, mode: Mode) -> tern_ovf::Report {
    validate_bytes(
        &std::fs::read(path).unwrap(),
        &ValidateOptions {
            mode,
            ..ValidateOptions::default()
        },
    )
}

#[test]
fn ide_cd_rom_and_first_disk_at_one_address_are_a_lax_warning() {
    for (name, line) in [("vbox4-ovf10-ide.ovf", 78), ("vbox3-ovf09-ide.ovf", 65)] {
        let path = data(name);
        let strict = judge(&path, Mode::Strict);
        assert_eq!(
            strict.error_rules(),
            ["OVF-ADDRESS-ON-PARENT"],
            "{name}: {:#?}",
            strict.findings
        );
        let lax = judge(&path, Mode::Lax);
        assert!(lax.is_valid(), "{name}: {:#?}", lax.findings);
        let clash = lax
            .findings
            .iter()
            .find(|f| f.rule == "OVF-ADDRESS-ON-PARENT")
            .unwrap();
        assert_eq!(clash.severity, Severity::Warning);
        assert_eq!(
            clash.position.map(|p| (p.line, p.column)).unwrap(),
            (line, 7),
            "{name}"
        );
        assert_eq!(
            clash.message,
            "Item \"cdrom1\" uses AddressOnParent 0 on Parent 3, already taken by \"disk1\""
        );
    }
}

fn dialect(bytes: &[u8]) -> Dialect {
    Envelope::read(&Document::parse(bytes).unwrap())
        .dialect
        .dialect
}

#[test]
fn virtualbox_1_0_exports_are_their_own_dialect() {
    assert_eq!(
        dialect(&std::fs::read(data("vbox4-ovf10-ide.ovf")).unwrap()),
        Dialect::Virtualbox1
    );
    assert_eq!(Dialect::Virtualbox1.label(), "VirtualBox OVF 1.0");
    let own =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/virtualbox-machine.ovf");
    assert_eq!(dialect(&std::fs::read(own).unwrap()), Dialect::Virtualbox1);
    // The VirtualBox hardware family alone says so too (a box.ovf without vbox:Machine).
    let minimal = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf/minimal.ovf"),
    )
    .unwrap();
    assert_eq!(dialect(minimal.as_bytes()), Dialect::Dmtf1);
    let family = minimal.replace("vmx-13", "virtualbox-2.2");
    assert_eq!(dialect(family.as_bytes()), Dialect::Virtualbox1);
    // A VirtualBox 1.0 export is judged as DMTF 1.x: ovf:version 1.0 is right.
    assert!(
        judge(&data("vbox4-ovf10-ide.ovf"), Mode::Lax)
            .findings
            .iter()
            .all(|f| f.rule != "OVF-VERSION")
    );
}

#[test]
fn the_reference_virtualbox_1_0_export_is_reported_as_one() {
    let Some(dir) = crate::reference_dir() else {
        return;
    };
    for name in [
        "vagrant-nxosv-virtualbox-box.ovf",
        "vagrant-archlinux-box-template.ovf",
        "openstack-glance-testserver-pasd.ovf",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(dialect(&bytes), Dialect::Virtualbox1, "{name}");
    }
    // VirtualBox's OVF 2.0 stays its own dialect.
    let bytes = std::fs::read(dir.join("virtualbox-ovf20-ubuntu.ovf")).unwrap();
    assert_eq!(dialect(&bytes), Dialect::Virtualbox2);
}
