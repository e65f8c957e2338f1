//! The logical streams of References files: chunks reassembled, gzip decompressed, and both.

use std::io::{Cursor, Read, Write};

use flate2::Compression as Level;
use flate2::write::GzEncoder;
use tern_diag::Severity;
use tern_ova::{Compression, Ova, PackOptions, pack, referenced_files};

use crate::support::{Scratch, descriptor, file, hex_digest, tar};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Level::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn read_all(mut r: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    out
}

fn disk_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 256) as u8).collect()
}

#[test]
fn chunked_files_are_reassembled_in_chunk_order() {
    let disk = disk_bytes(2500);
    let ovf = descriptor(&[("disk.vmdk", " ovf:size=\"2500\" ovf:chunkSize=\"1000\"")]);
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[
            file("vm.ovf", &ovf),
            file("disk.vmdk.000000000", &disk[..1000]),
            file("disk.vmdk.000000001", &disk[1000..2000]),
            file("disk.vmdk.000000002", &disk[2000..]),
        ])),
        "chunked.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(refs[0].chunk_size, Some(1000));
    let parts: Vec<&str> = ova
        .stored_parts(&refs[0])
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "disk.vmdk.000000000",
            "disk.vmdk.000000001",
            "disk.vmdk.000000002"
        ]
    );
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), disk);
    // ovf:size is the total of the chunks: no OVA-SIZE finding.
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule != "OVA-SIZE" && f.rule != "OVA-REFERENCE"),
        "{:?}",
        report.findings
    );
}

#[test]
fn a_chunked_file_stored_whole_is_read_too() {
    let disk = disk_bytes(300);
    let ovf = descriptor(&[("disk.vmdk", " ovf:chunkSize=\"7516192768\"")]);
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[file("vm.ovf", &ovf), file("disk.vmdk", &disk)])),
        "x.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), disk);
}

#[test]
fn gzip_members_are_decompressed_and_digested_as_stored() {
    let disk = disk_bytes(50_000);
    let stored = gzip(&disk);
    let ovf = descriptor(&[(
        "disk.vmdk.gz",
        &format!(" ovf:compression=\"gzip\" ovf:size=\"{}\"", stored.len()),
    )]);
    let manifest = format!(
        "SHA1(vm.ovf)= {}\nSHA1(disk.vmdk.gz)= {}\n",
        hex_digest(tern_ova::Algorithm::Sha1, ovf.as_bytes()),
        hex_digest(tern_ova::Algorithm::Sha1, &stored)
    );
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[
            file("vm.ovf", &ovf),
            file("vm.mf", &manifest),
            file("disk.vmdk.gz", &stored),
        ])),
        "gzip.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(refs[0].compression, Compression::Gzip);
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), disk);
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn gzip_split_into_chunks_is_reassembled_then_decompressed() {
    let disk = disk_bytes(100_000);
    let stored = gzip(&disk);
    let half = stored.len() / 2;
    let ovf = descriptor(&[(
        "d.vmdk.gz",
        " ovf:compression=\"gzip\" ovf:chunkSize=\"1024\"",
    )]);
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[
            file("vm.ovf", &ovf),
            file("d.vmdk.gz.000000000", &stored[..half]),
            file("d.vmdk.gz.000000001", &stored[half..]),
        ])),
        "both.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), disk);
}

#[test]
fn a_corrupt_gzip_member_is_an_error_while_reading() {
    let mut stored = gzip(&disk_bytes(10_000));
    let n = stored.len();
    stored[n - 6] ^= 0xff; // inside the CRC32 trailer
    let ovf = descriptor(&[("d.gz", " ovf:compression=\"gzip\"")]);
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[file("vm.ovf", &ovf), file("d.gz", &stored)])),
        "bad.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    let mut out = Vec::new();
    let err = ova
        .open_file(&refs[0])
        .unwrap()
        .read_to_end(&mut out)
        .expect_err("bad CRC");
    // flate2 reports a corrupt stream as invalid input.
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
}

#[test]
fn packing_a_chunked_package_ships_its_chunk_files_in_order() {
    let dir = Scratch::new("pack-chunks");
    let ovf = dir.write(
        "vm.ovf",
        descriptor(&[("disk.vmdk", " ovf:chunkSize=\"4\"")]),
    );
    dir.write("disk.vmdk.000000000", "abcd");
    dir.write("disk.vmdk.000000001", "efgh");
    dir.write("disk.vmdk.000000002", "ij");
    let found = referenced_files(&ovf).unwrap();
    let names: Vec<&str> = found.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "disk.vmdk.000000000",
            "disk.vmdk.000000001",
            "disk.vmdk.000000002"
        ]
    );
    let out = dir.join("vm.ova");
    pack(
        &ovf,
        &found.files,
        &out,
        &PackOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let mut ova = Ova::open(&out).unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), b"abcdefghij");
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity != Severity::Error),
        "{:?}",
        report.findings
    );
    assert_eq!(report.verified.len(), 4);
}

#[test]
fn a_missing_referenced_file_stops_packing() {
    let dir = Scratch::new("pack-missing");
    let ovf = dir.write("vm.ovf", descriptor(&[("absent.vmdk", "")]));
    let err = referenced_files(&ovf).expect_err("absent file");
    assert!(
        matches!(&err, tern_ova::OvaError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert!(err.to_string().contains("absent.vmdk"), "{err}");
}

#[test]
fn hrefs_with_a_leading_dot_slash_find_their_member() {
    let ovf = descriptor(&[("./disk.vmdk", "")]);
    let mut ova = Ova::from_reader(
        Cursor::new(tar(&[file("./vm.ovf", &ovf), file("./disk.vmdk", "D")])),
        "dot.ova",
    )
    .unwrap();
    let refs = ova.references().unwrap();
    assert_eq!(read_all(ova.open_file(&refs[0]).unwrap()), b"D");
    let report = ova.verify(&mut |_| {}).unwrap();
    let rules: Vec<&str> = report.findings.iter().map(|f| &*f.rule).collect();
    assert_eq!(rules, ["OVA-NO-MANIFEST"]);
}
