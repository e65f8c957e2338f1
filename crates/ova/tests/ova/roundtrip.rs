//! pack → verify → unpack, and what verify reports on archives that do not match their manifest.

use std::fmt::Write as _;

use tern_diag::{Position, Severity};
use tern_ova::{Algorithm, Ova, PackOptions, UnpackOptions, Verification, pack, referenced_files};

use crate::support::{
    Entry, Scratch, descriptor, file, gnu_long_name, hex_digest, pax, rules, tar,
};

/// A packed OVA of a descriptor and two files; returns (scratch, ova path, file contents).
fn packed_appliance(algorithm: Algorithm) -> (Scratch, std::path::PathBuf, Vec<Vec<u8>>) {
    let dir = Scratch::new("roundtrip");
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("vm.ovf"),
        descriptor(&[("disk1.vmdk", ""), ("config.iso", "")]),
    )
    .unwrap();
    let disk: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let iso = b"ISO contents".to_vec();
    std::fs::write(src.join("disk1.vmdk"), &disk).unwrap();
    std::fs::write(src.join("config.iso"), &iso).unwrap();
    let found = referenced_files(&src.join("vm.ovf")).expect("references");
    let out = dir.join("vm.ova");
    let options = PackOptions {
        algorithm,
        mtime: None,
        ..PackOptions::default()
    };
    let mut last = None;
    let packed = pack(
        &src.join("vm.ovf"),
        &found.files,
        &out,
        &options,
        &mut |p| {
            last = Some((p.done, p.total));
        },
    )
    .expect("pack");
    let descriptor_len = std::fs::metadata(src.join("vm.ovf")).unwrap().len();
    let total = descriptor_len + disk.len() as u64 + iso.len() as u64;
    assert_eq!(last, Some((total, total)), "progress reaches the total");
    assert_eq!(
        packed.members,
        ["vm.ovf", "vm.mf", "disk1.vmdk", "config.iso"]
    );
    assert_eq!(packed.size, std::fs::metadata(&out).unwrap().len());
    (dir, out, vec![disk, iso])
}

#[test]
fn pack_verify_unpack_round_trip_for_every_algorithm() {
    for algorithm in Algorithm::ALL {
        let (dir, ova_path, contents) = packed_appliance(algorithm);
        let mut ova = Ova::open(&ova_path).expect("open");
        let report = ova.verify(&mut |_| {}).expect("verify");
        assert!(
            report.findings.is_empty(),
            "{algorithm}: {:?}",
            report.findings
        );
        assert_eq!(report.verified, ["vm.ovf", "disk1.vmdk", "config.iso"]);
        assert_eq!(report.manifest.as_deref(), Some("vm.mf"));

        let manifest =
            String::from_utf8(ova.read_member_to_vec("vm.mf", 1 << 20).unwrap()).unwrap();
        let expected_disk = format!(
            "{algorithm}(disk1.vmdk)= {}\n",
            hex_digest(algorithm, &contents[0])
        );
        assert!(manifest.contains(&expected_disk), "{manifest}");

        let out = dir.join("unpacked");
        let unpacked = ova
            .unpack(&out, &UnpackOptions::default(), &mut |_| {})
            .expect("unpack");
        assert!(unpacked.verification.is_valid());
        assert!(unpacked.rejected.is_empty());
        assert_eq!(std::fs::read(out.join("disk1.vmdk")).unwrap(), contents[0]);
        assert_eq!(std::fs::read(out.join("config.iso")).unwrap(), contents[1]);
        assert_eq!(
            std::fs::read(out.join("vm.ovf")).unwrap(),
            std::fs::read(dir.join("src/vm.ovf")).unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(out.join("vm.mf")).unwrap(),
            manifest
        );

        // The unpacked directory packs again into an archive that verifies.
        let again = referenced_files(&out.join("vm.ovf")).unwrap();
        pack(
            &out.join("vm.ovf"),
            &again.files,
            &dir.join("again.ova"),
            &PackOptions::default(),
            &mut |_| {},
        )
        .expect("repack");
        assert!(
            Ova::open(dir.join("again.ova"))
                .unwrap()
                .verify(&mut |_| {})
                .unwrap()
                .is_valid()
        );
    }
}

#[test]
fn a_corrupted_member_fails_verify_and_is_not_unpacked() {
    let (dir, ova_path, _) = packed_appliance(Algorithm::Sha256);
    let offset = Ova::open(&ova_path)
        .unwrap()
        .member("disk1.vmdk")
        .unwrap()
        .data_offset;
    let mut bytes = std::fs::read(&ova_path).unwrap();
    bytes[usize::try_from(offset).unwrap() + 1234] ^= 0x01;
    std::fs::write(&ova_path, &bytes).unwrap();

    let mut ova = Ova::open(&ova_path).unwrap();
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(!report.is_valid());
    assert_eq!(
        rules(&report),
        [(Severity::Error, "OVA-DIGEST", Some("disk1.vmdk".into()))]
    );
    assert!(
        report.findings[0].message.contains("SHA256 mismatch"),
        "{:?}",
        report.findings
    );
    assert_eq!(report.verified, ["vm.ovf", "config.iso"]);

    let out = dir.join("unpacked");
    let unpacked = ova
        .unpack(&out, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(unpacked.rejected, ["disk1.vmdk"]);
    assert!(
        !out.join("disk1.vmdk").exists(),
        "corrupt data is not written"
    );
    assert!(out.join("config.iso").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unpack_refuses_to_overwrite_unless_asked() {
    let (dir, ova_path, _) = packed_appliance(Algorithm::Sha1);
    let out = dir.join("unpacked");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("config.iso"), b"mine").unwrap();
    let mut ova = Ova::open(&ova_path).unwrap();
    let err = ova
        .unpack(&out, &UnpackOptions::default(), &mut |_| {})
        .expect_err("exists");
    assert!(
        matches!(&err, tern_ova::OvaError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err:?}"
    );
    assert!(err.to_string().contains("config.iso"), "{err}");
    assert!(
        !out.join("vm.ovf").exists(),
        "nothing written before the refusal"
    );
    let options = UnpackOptions { overwrite: true };
    ova.unpack(&out, &options, &mut |_| {}).expect("overwrite");
    assert_eq!(
        std::fs::read(out.join("config.iso")).unwrap(),
        b"ISO contents"
    );
}

fn manifest_of(entries: &[(&str, &[u8])]) -> String {
    let mut text = String::new();
    for (name, data) in entries {
        let hex = hex_digest(Algorithm::Sha256, data);
        let _ = writeln!(text, "SHA256({name})= {hex}");
    }
    text
}

fn verify_bytes(bytes: Vec<u8>) -> Verification {
    let mut ova = Ova::from_reader(std::io::Cursor::new(bytes), "test.ova").expect("readable");
    ova.verify(&mut |_| {}).expect("verify runs")
}

#[test]
fn missing_and_unlisted_members_are_reported() {
    let ovf = descriptor(&[("a.img", "")]);
    let manifest = manifest_of(&[
        ("vm.ovf", ovf.as_bytes()),
        ("a.img", b"A"),
        ("gone.img", b"G"),
    ]);
    let report = verify_bytes(tar(&[
        file("vm.ovf", &ovf),
        file("vm.mf", &manifest),
        file("a.img", "A"),
        file("extra.img", "E"),
    ]));
    assert_eq!(
        rules(&report),
        [
            (Severity::Error, "OVA-MISSING", Some("vm.mf".into())),
            (Severity::Error, "OVA-UNLISTED", Some("extra.img".into())),
        ]
    );
    assert_eq!(
        report.findings[0].position,
        Some(Position::new(3, 1)),
        "the manifest line of the missing file"
    );
}

#[test]
fn references_without_members_and_wrong_sizes_are_reported() {
    let ovf = descriptor(&[
        ("a.img", " ovf:size=\"5\""),
        ("b.img", ""),
        ("http://example.invalid/c.iso", ""),
    ]);
    let manifest = manifest_of(&[("vm.ovf", ovf.as_bytes()), ("a.img", b"AAAA")]);
    let report = verify_bytes(tar(&[
        file("vm.ovf", &ovf),
        file("vm.mf", &manifest),
        file("a.img", "AAAA"),
    ]));
    assert_eq!(
        rules(&report),
        [
            (Severity::Error, "OVA-SIZE", Some("a.img".into())),
            (Severity::Error, "OVA-REFERENCE", Some("vm.ovf".into())),
        ]
    );
    assert!(
        report.findings[1].message.contains("'b.img' (File file2)"),
        "{:?}",
        report.findings
    );
    assert_eq!(
        report.findings[1].position,
        Some(Position::new(5, 5)),
        "at the File element in the descriptor"
    );
}

#[test]
fn no_manifest_is_a_warning_and_bad_manifest_lines_are_located() {
    let ovf = descriptor(&[]);
    let report = verify_bytes(tar(&[file("vm.ovf", &ovf)]));
    assert!(report.is_valid());
    assert_eq!(
        rules(&report),
        [(Severity::Warning, "OVA-NO-MANIFEST", None)]
    );

    let manifest = format!(
        "SHA256 (vm.ovf) = {}\nnot a line\n",
        hex_digest(Algorithm::Sha256, ovf.as_bytes())
    );
    let report = verify_bytes(tar(&[file("vm.ovf", &ovf), file("vm.mf", &manifest)]));
    let located: Vec<_> = report
        .findings
        .iter()
        .map(|f| (&*f.rule, f.position.map(|p| p.line), f.severity))
        .collect();
    assert_eq!(
        located,
        [
            ("MF-SPELLING", Some(1), Severity::Warning),
            ("MF-SYNTAX", Some(2), Severity::Error)
        ]
    );
    assert_eq!(report.verified, ["vm.ovf"], "the BSD line still verifies");
}

#[test]
fn an_unreadable_descriptor_is_an_ovf_xml_finding_at_its_position() {
    let ovf = "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References>\n</Envelope>\n";
    let manifest = manifest_of(&[("vm.ovf", ovf.as_bytes())]);
    let report = verify_bytes(tar(&[file("vm.ovf", ovf), file("vm.mf", &manifest)]));
    assert_eq!(
        rules(&report),
        [(Severity::Error, "OVF-XML", Some("vm.ovf".into()))]
    );
    assert_eq!(
        report.findings[0].position.map(|p| p.line),
        Some(3),
        "{:?}",
        report.findings
    );
    assert_eq!(report.verified, ["vm.ovf"], "its digest is still checked");
}

#[test]
fn manifest_out_of_place_is_a_warning() {
    let ovf = descriptor(&[("a.img", "")]);
    let manifest = manifest_of(&[("vm.ovf", ovf.as_bytes()), ("a.img", b"A")]);
    let report = verify_bytes(tar(&[
        file("vm.ovf", &ovf),
        file("a.img", "A"),
        file("vm.mf", &manifest),
    ]));
    assert!(report.is_valid());
    assert_eq!(
        rules(&report),
        [(Severity::Warning, "OVA-ORDER", Some("vm.mf".into()))]
    );
}

#[test]
fn pax_and_gnu_long_name_archives_are_read() {
    let ovf = descriptor(&[("a.img", "")]);
    let long = format!("{}.img", "x".repeat(150));
    let manifest = manifest_of(&[("vm.ovf", ovf.as_bytes()), ("a.img", b"A"), (&long, b"L")]);
    let mut entries: Vec<Entry> = vec![
        // Python's tarfile (COT) puts a PAX header first, with a float mtime.
        pax(&[("mtime", "1700000000.123456"), ("path", "vm.ovf")]),
        file("ignored-name", &ovf),
        file("vm.mf", &manifest),
        file("a.img", "A"),
        gnu_long_name(&long),
    ];
    entries.push(file(&long[..99], "L"));
    let mut ova =
        Ova::from_reader(std::io::Cursor::new(tar(&entries)), "pax.ova").expect("readable");
    let names: Vec<(&str, &str)> = ova
        .members()
        .iter()
        .map(|m| (m.name.as_str(), m.format.name()))
        .collect();
    assert_eq!(
        names,
        [
            ("vm.ovf", "pax"),
            ("vm.mf", "ustar"),
            ("a.img", "ustar"),
            (long.as_str(), "gnu")
        ]
    );
    assert_eq!(
        ova.members()[0].header_offset,
        0,
        "the member starts at its PAX header"
    );
    let report = ova.verify(&mut |_| {}).unwrap();
    assert_eq!(
        rules(&report),
        [(Severity::Warning, "OVA-PAX", Some("vm.ovf".into()))]
    );
    assert_eq!(report.verified.len(), 3);
}

#[test]
fn certificate_digest_lines_are_checked() {
    let ovf = descriptor(&[]);
    let manifest = manifest_of(&[("vm.ovf", ovf.as_bytes())]);
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let digest = hex_digest(Algorithm::Sha256, manifest.as_bytes());
    let build = |cert: String| {
        tar(&[
            file("vm.ovf", &ovf),
            file("vm.mf", &manifest),
            file("vm.cert", cert),
        ])
    };

    let good = verify_bytes(build(format!("SHA256(vm.mf)= {digest}\n{pem}")));
    assert!(good.findings.is_empty(), "{:?}", good.findings);
    assert_eq!(good.certificate.as_deref(), Some("vm.cert"));
    assert!(!good.signature_checked);

    let wrong = verify_bytes(build(format!("SHA256(vm.mf)= {}\n{pem}", "0".repeat(64))));
    assert_eq!(
        rules(&wrong),
        [(Severity::Error, "CERT-DIGEST", Some("vm.cert".into()))]
    );

    let signed = verify_bytes(build(format!("SHA256(vm.mf)= {}\n{pem}", "ab".repeat(256))));
    assert_eq!(
        rules(&signed),
        [(Severity::Warning, "CERT-SIGNATURE", Some("vm.cert".into()))]
    );
    assert!(
        signed.findings[0].message.contains(&digest),
        "names the manifest digest it computed"
    );
    assert!(signed.findings[0].message.contains("NOT checked"));

    let other = verify_bytes(build(format!("SHA256(other.mf)= {digest}\n{pem}")));
    assert_eq!(
        rules(&other),
        [(Severity::Error, "CERT-MANIFEST", Some("vm.cert".into()))]
    );

    let no_pem = verify_bytes(build(format!("SHA256(vm.mf)= {digest}\n")));
    assert_eq!(
        rules(&no_pem),
        [(Severity::Error, "CERT-SYNTAX", Some("vm.cert".into()))]
    );
}

#[test]
fn pack_refuses_to_replace_an_existing_ova_unless_asked() {
    let (dir, ova_path, _) = packed_appliance(Algorithm::Sha256);
    let before = std::fs::read(&ova_path).unwrap();
    let src = dir.join("src/vm.ovf");
    let found = referenced_files(&src).unwrap();
    let options = PackOptions {
        algorithm: Algorithm::Sha512,
        ..PackOptions::default()
    };
    let e = pack(&src, &found.files, &ova_path, &options, &mut |_| {}).expect_err("refused");
    assert!(
        matches!(&e, tern_ova::OvaError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{e}"
    );
    assert_eq!(std::fs::read(&ova_path).unwrap(), before, "untouched");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let overwrite = PackOptions {
        overwrite: true,
        ..options
    };
    pack(&src, &found.files, &ova_path, &overwrite, &mut |_| {}).expect("replaced");
    assert_ne!(std::fs::read(&ova_path).unwrap(), before);
}
