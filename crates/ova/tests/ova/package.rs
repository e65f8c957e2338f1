//! `verify_package`: an OVF package on disk checked like an OVA.

use std::fmt::Write as _;

use tern_diag::Severity;
use tern_ova::{Algorithm, verify_package};

use crate::support::{Scratch, descriptor, hex_digest, rules};

fn package(dir: &Scratch) -> std::path::PathBuf {
    let ovf_text = descriptor(&[
        ("disk.img", " ovf:size=\"4\""),
        ("d.vmdk", " ovf:chunkSize=\"2\""),
    ]);
    let ovf = dir.write("vm.ovf", &ovf_text);
    dir.write("disk.img", "DISK");
    dir.write("d.vmdk.000000000", "ab");
    dir.write("d.vmdk.000000001", "c");
    dir.write("unrelated.txt", "not part of the package");
    let mut lines = String::new();
    for (n, d) in [
        ("vm.ovf", ovf_text.as_bytes()),
        ("disk.img", &b"DISK"[..]),
        ("d.vmdk.000000000", b"ab"),
        ("d.vmdk.000000001", b"c"),
    ] {
        let _ = writeln!(lines, "SHA1({n})= {}", hex_digest(Algorithm::Sha1, d));
    }
    dir.write("vm.mf", lines);
    ovf
}

#[test]
fn a_consistent_package_verifies() {
    let dir = Scratch::new("package-ok");
    let ovf = package(&dir);
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(
        report.verified,
        ["vm.ovf", "disk.img", "d.vmdk.000000000", "d.vmdk.000000001"]
    );
}

#[test]
fn changed_missing_and_unlisted_files_are_reported() {
    let dir = Scratch::new("package-bad");
    let ovf = package(&dir);
    dir.write("disk.img", "DISC");
    std::fs::remove_file(dir.join("d.vmdk.000000001")).unwrap();
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    assert_eq!(
        rules(&report),
        [
            (Severity::Error, "OVA-DIGEST", Some("disk.img".into())),
            (Severity::Error, "OVA-MISSING", Some("vm.mf".into())),
        ]
    );
    assert!(
        report.findings[1]
            .message
            .contains("the directory has no such file"),
        "{:?}",
        report.findings
    );

    // Without a manifest: a warning, and References are still checked.
    std::fs::remove_file(dir.join("vm.mf")).unwrap();
    std::fs::remove_file(dir.join("disk.img")).unwrap();
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    assert_eq!(
        rules(&report),
        [
            (Severity::Warning, "OVA-NO-MANIFEST", None),
            (Severity::Error, "OVA-REFERENCE", Some("vm.ovf".into())),
        ]
    );
}
