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

/// A package in `dir/pkg` whose descriptor references `hrefs` (each listed in the manifest
/// with the digest of `secret`, as a hostile package would), beside a file outside it.
fn hostile_package(dir: &Scratch, hrefs: &[&str]) -> std::path::PathBuf {
    let files: Vec<(&str, &str)> = hrefs.iter().map(|h| (*h, " ovf:size=\"1\"")).collect();
    let ovf_text = descriptor(&files);
    std::fs::create_dir(dir.join("pkg")).unwrap();
    let ovf = dir.write("pkg/vm.ovf", &ovf_text);
    dir.write("secret", "the secret bytes");
    let mut lines = format!(
        "SHA1(vm.ovf)= {}\n",
        hex_digest(Algorithm::Sha1, ovf_text.as_bytes())
    );
    for h in hrefs {
        let _ = writeln!(
            lines,
            "SHA1({h})= {}",
            hex_digest(Algorithm::Sha1, b"the secret bytes")
        );
    }
    dir.write("pkg/vm.mf", lines);
    ovf
}

#[test]
fn hrefs_leading_out_of_the_package_are_refused_never_opened() {
    let dir = Scratch::new("package-href");
    let secret = dir.join("secret");
    let absolute = secret.to_str().unwrap();
    let ovf = hostile_package(&dir, &["../secret", absolute, "sub/../../secret"]);
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    let hrefs: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "OVA-HREF")
        .collect();
    assert_eq!(hrefs.len(), 3, "{:?}", report.findings);
    for f in &hrefs {
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.file.as_deref(), Some("vm.ovf"));
        assert!(f.position.is_some(), "at the File element: {f:?}");
    }
    // Not digested, not measured: no OVA-SIZE, and nothing verified but the descriptor.
    assert!(
        report.findings.iter().all(|f| f.rule != "OVA-SIZE"),
        "{:?}",
        report.findings
    );
    assert_eq!(report.verified, ["vm.ovf"]);
    assert!(!report.is_valid());
}

#[cfg(unix)]
#[test]
fn symbolic_links_leading_out_of_the_package_are_refused() {
    let dir = Scratch::new("package-link");
    let ovf = hostile_package(&dir, &["disk.img", "sub/secret"]);
    std::os::unix::fs::symlink(dir.join("secret"), dir.join("pkg/disk.img")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.join("pkg/sub")).unwrap();
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    let refused: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "OVA-HREF")
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(refused.len(), 2, "{:?}", report.findings);
    assert!(refused[0].contains("symbolic link"), "{refused:?}");
    assert_eq!(report.verified, ["vm.ovf"], "the secret is never digested");

    // A manifest that is a link out of the package is not read either.
    std::fs::remove_file(dir.join("pkg/vm.mf")).unwrap();
    std::os::unix::fs::symlink(dir.join("secret"), dir.join("pkg/vm.mf")).unwrap();
    let report = verify_package(&ovf, &mut |_| {}).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "OVA-HREF" && f.file.as_deref() == Some("vm.mf")),
        "{:?}",
        report.findings
    );
    assert!(
        report.findings.iter().all(|f| !f.rule.starts_with("MF-")),
        "{:?}",
        report.findings
    );
}

#[test]
fn pack_refuses_the_same_hrefs() {
    let dir = Scratch::new("package-pack-href");
    let ovf = hostile_package(&dir, &["../secret"]);
    let e = tern_ova::referenced_files(&ovf).unwrap_err();
    assert!(
        matches!(&e, tern_ova::OvaError::Href { href, .. } if href == "../secret"),
        "{e:?}"
    );
    let finding = e.to_finding();
    assert_eq!(finding.rule, "OVA-HREF");
    assert!(finding.position.is_some());
}
