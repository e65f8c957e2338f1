//! `file_references`: what an OVA reader or packer needs of References, in every dialect,
//! refusing hostile XML with a position, tolerating malformed numbers, at bounded cost.

use tern_ovf::model::{Compression, MAX_CHUNK_NAMES};
use tern_ovf::{ParseErrorKind, Position, file_references};

#[test]
fn file_attributes_are_read_in_every_dialect() {
    let dmtf = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/2" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2">
  <References><File ovf:id="f1" ovf:href="a &amp; b.vmdk" ovf:size="10" ovf:compression="gzip" ovf:chunkSize="4"/></References>
  <DiskSection><Info>x</Info><Disk ovf:diskId="d" ovf:fileRef="f1"/></DiskSection></Envelope>"#;
    let files = file_references(dmtf).unwrap();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(
        (
            f.id.as_deref(),
            f.href.as_deref(),
            f.size_bytes(),
            f.compression_kind(),
            f.chunk_size_bytes()
        ),
        (
            Some("f1"),
            Some("a & b.vmdk"),
            Some(10),
            Compression::Gzip,
            Some(4)
        )
    );
    assert_eq!(f.position, Position::new(2, 15));
    assert!(f.is_local());
    assert_eq!(f.chunk_name(12).as_deref(), Some("a & b.vmdk.000000012"));
    assert_eq!(f.chunk_count(), Some(3));
    assert_eq!(
        f.chunk_names(),
        [
            "a & b.vmdk.000000000",
            "a & b.vmdk.000000001",
            "a & b.vmdk.000000002"
        ]
    );

    // oVirt writes unqualified attributes and a namespace with a trailing slash.
    let ovirt = br#"<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" ovf:version="0.9">
  <References><File ovf:href="disk-uuid" ovf:id="disk-uuid" ovf:size="4096"/><File href="second" compression="identity"/></References></ovf:Envelope>"#;
    let files = file_references(ovirt).unwrap();
    let hrefs: Vec<_> = files.iter().map(|f| f.href.as_deref()).collect();
    assert_eq!(hrefs, [Some("disk-uuid"), Some("second")]);
    assert_eq!(files[1].compression_kind(), Compression::Identity);
    assert_eq!(files[0].chunk_count(), None);
    assert_eq!(files[0].chunk_names(), ["disk-uuid"]);

    // File elements elsewhere (not children of References) are not references.
    let elsewhere = br#"<Envelope><Other><File href="no"/></Other><References/></Envelope>"#;
    assert!(file_references(elsewhere).unwrap().is_empty());

    // A URL is not a local file; a File without href has none (the validator says so).
    let remote = br#"<Envelope><References><File href="https://example.invalid/d.vmdk" compression="xz"/><File id="x"/></References></Envelope>"#;
    let files = file_references(remote).unwrap();
    assert!(!files[0].is_local());
    assert_eq!(files[0].compression_kind(), Compression::Other("xz".into()));
    assert_eq!(
        (files[1].href.as_deref(), files[1].chunk_name(0)),
        (None, None)
    );
    assert!(!files[1].is_local() && files[1].chunk_names().is_empty());
}

#[test]
fn hostile_or_broken_descriptors_are_refused_with_a_position() {
    let doctype = b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<Envelope/>";
    let err = file_references(doctype).expect_err("DOCTYPE refused");
    assert_eq!((&err.kind, err.position.line), (&ParseErrorKind::Dtd, 2));
    assert_eq!(err.to_finding().rule, "OVF-XML");

    let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
    let err = file_references(deep.as_bytes()).expect_err("too deep");
    assert_eq!(err.kind, ParseErrorKind::TooDeep { limit: 256 });
    assert!(
        err.to_string().contains("deeper than the limit of 256"),
        "{err}"
    );

    let bad = b"<Envelope>\n  <References><File href=\"x\"></Refs></Envelope>";
    let err = file_references(bad).expect_err("mismatched tags");
    assert!(matches!(err.kind, ParseErrorKind::Syntax(_)), "{err}");
    assert_eq!(err.position.line, 2, "{err}");
    assert!(err.to_string().starts_with("2:"), "{err}");
}

#[test]
fn malformed_numbers_read_as_unknown() {
    // oVirt templates carry `#SIZE#`; the validator reports it (OVF-FILE-SIZE), readers of
    // the file list only learn that the size is unknown.
    let size = br##"<Envelope><References><File href="x" size="-1" chunkSize="#N#"/></References></Envelope>"##;
    let files = file_references(size).unwrap();
    assert_eq!(
        (files[0].size_bytes(), files[0].chunk_size_bytes()),
        (None, None)
    );
    assert_eq!(files[0].size.as_deref(), Some("-1"));
    assert_eq!(files[0].chunk_names(), ["x"]);
    // Spaces around a number are tolerated, a zero chunk size means "not chunked".
    let spaced = br#"<Envelope><References><File href="x" size=" 8 " chunkSize="0"/></References></Envelope>"#;
    let files = file_references(spaced).unwrap();
    assert_eq!(
        (files[0].size_bytes(), files[0].chunk_count()),
        (Some(8), None)
    );
}

#[test]
fn absurd_chunk_counts_cost_nothing() {
    let absurd = br#"<Envelope><References><File href="x" size="18446744073709551615" chunkSize="1"/></References></Envelope>"#;
    let files = file_references(absurd).unwrap();
    assert_eq!(files[0].chunk_count(), Some(u64::MAX));
    let names = files[0].chunk_names();
    assert_eq!(names.len() as u64, MAX_CHUNK_NAMES);
    assert_eq!(names[1], "x.000000001");
}

#[test]
fn every_reference_sample_yields_its_references() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let samples = tern_testkit::files(&dir, &[".ovf"], 20);
    for path in &samples {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let files = file_references(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The same Files as the full typed view.
        let doc = tern_ovf::Document::parse(&bytes).unwrap();
        assert_eq!(files, tern_ovf::Envelope::read(&doc).files, "{name}");
        match name.as_str() {
            "vmware-chunked-disk.ovf" => {
                assert_eq!(files[0].chunk_size_bytes(), Some(7_516_192_768));
                assert_eq!(files[0].size_bytes(), Some(6_872_576));
                assert_eq!(files[0].chunk_count(), Some(1));
            }
            "vmware-gzip-compression.ovf" => {
                assert_eq!(files[0].compression_kind(), Compression::Gzip);
                assert_eq!(files[0].href.as_deref(), Some("comp002-disk1.vmdk.gz"));
            }
            _ => {}
        }
    }
}
