//! References read through tern-ovf: dialects, hostile XML, and the reference samples.

use tern_ova::{Compression, OvaError, read_references};

#[test]
fn file_attributes_are_read_by_local_name_in_every_dialect() {
    let dmtf = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/2" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2">
  <References><File ovf:id="f1" ovf:href="a &amp; b.vmdk" ovf:size="10" ovf:compression="gzip" ovf:chunkSize="4"/></References>
  <DiskSection><Info>x</Info><Disk ovf:diskId="d" ovf:fileRef="f1"/></DiskSection></Envelope>"#;
    let files = read_references(dmtf, "dmtf.ovf").unwrap();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(
        (
            f.id.as_deref(),
            f.href.as_str(),
            f.size,
            &f.compression,
            f.chunk_size
        ),
        (
            Some("f1"),
            "a & b.vmdk",
            Some(10),
            &Compression::Gzip,
            Some(4)
        )
    );
    assert_eq!(f.chunk_name(12), "a & b.vmdk.000000012");

    // oVirt writes unqualified attributes and a namespace with a trailing slash.
    let ovirt = br#"<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" ovf:version="0.9">
  <References><File ovf:href="disk-uuid" ovf:id="disk-uuid" ovf:size="4096"/><File href="second"/></References></ovf:Envelope>"#;
    let hrefs: Vec<String> = read_references(ovirt, "ovirt.ovf")
        .unwrap()
        .into_iter()
        .map(|f| f.href)
        .collect();
    assert_eq!(hrefs, ["disk-uuid", "second"]);

    // File elements elsewhere (not children of References) are not references.
    let elsewhere = br#"<Envelope><Other><File href="no"/></Other><References/></Envelope>"#;
    assert!(read_references(elsewhere, "x.ovf").unwrap().is_empty());
}

#[test]
fn hostile_or_broken_descriptors_are_refused_with_a_position() {
    let doctype = b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<Envelope/>";
    match read_references(doctype, "evil.ovf") {
        Err(OvaError::Descriptor {
            member,
            position,
            reason,
        }) => {
            assert_eq!((member.as_str(), position.line), ("evil.ovf", 2));
            assert!(reason.contains("DOCTYPE"), "{reason}");
        }
        other => panic!("DOCTYPE accepted: {other:?}"),
    }
    let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
    let err = read_references(deep.as_bytes(), "deep.ovf").expect_err("too deep");
    assert_eq!(err.to_finding().rule, "OVF-XML");
    // The limit and its wording are tern-ovf's.
    assert!(
        err.to_string()
            .contains("nested deeper than the limit of 256"),
        "{err}"
    );

    let bad = b"<Envelope>\n  <References><File href=\"x\"></Refs></Envelope>";
    let err = read_references(bad, "bad.ovf").expect_err("mismatched tags");
    let finding = err.to_finding();
    assert_eq!(
        (&*finding.rule, finding.file.as_deref()),
        ("OVF-XML", Some("bad.ovf"))
    );
    assert!(err.to_string().starts_with("bad.ovf:2:"), "{err}");

    // Malformed numbers are not this scan's business (tern-ovf validates them): unknown.
    let size = br##"<Envelope><References><File href="x" size="-1" chunkSize="#N#"/></References></Envelope>"##;
    let files = read_references(size, "size.ovf").unwrap();
    assert_eq!((files[0].size, files[0].chunk_size), (None, None));
}

#[test]
fn a_file_without_an_href_is_refused_at_the_element() {
    let xml = b"<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References>\n    <File id=\"f1\"/></References></Envelope>";
    let err = read_references(xml, "x.ovf").expect_err("no href");
    let finding = err.to_finding();
    assert_eq!(
        (
            &*finding.rule,
            finding.file.as_deref(),
            finding.message.as_str()
        ),
        ("OVF-XML", Some("x.ovf"), "File without an href")
    );
    assert_eq!(finding.position, Some(tern_diag::Position::new(3, 5)));
}

#[test]
fn every_reference_sample_yields_its_references() {
    let Some(samples) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let mut named = 0;
    for path in tern_testkit::files(&samples, &[".ovf"], 20) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let files = read_references(&bytes, &name).unwrap_or_else(|e| panic!("{e}"));
        match name.as_str() {
            "vmware-chunked-disk.ovf" => {
                named += 1;
                assert_eq!(files[0].chunk_size, Some(7_516_192_768));
                assert_eq!(files[0].size, Some(6_872_576));
            }
            "vmware-gzip-compression.ovf" => {
                named += 1;
                assert_eq!(files[0].compression, Compression::Gzip);
                assert_eq!(files[0].href, "comp002-disk1.vmdk.gz");
            }
            _ => {}
        }
    }
    assert_eq!(
        named,
        2,
        "the chunked and gzip samples in {}",
        samples.display()
    );
}
