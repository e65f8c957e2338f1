//! An unedited document is written back byte for byte.

use tern_ovf::Document;

fn assert_identical(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    let doc = Document::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!doc.is_modified());
    let out = doc.to_bytes();
    if out != bytes {
        let at = out
            .iter()
            .zip(&bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(out.len().min(bytes.len()));
        panic!(
            "{}: round trip differs at byte {at}: wrote {:?}, read {:?}",
            path.display(),
            String::from_utf8_lossy(&out[at..(at + 40).min(out.len())]),
            String::from_utf8_lossy(&bytes[at..(at + 40).min(bytes.len())])
        );
    }
}

#[test]
fn own_samples_round_trip_byte_identical() {
    let samples = crate::own_samples();
    assert!(
        samples.len() >= 8,
        "expected the samples under samples/ovf, found {}",
        samples.len()
    );
    for path in samples {
        // The one sample that breaks OVF-XML is refused by design.
        if path.ends_with("invalid/ovf-xml.ovf") {
            let err = Document::parse(&std::fs::read(&path).unwrap()).expect_err("refused");
            assert_eq!(err.to_finding().rule, "OVF-XML");
            continue;
        }
        assert_identical(&path);
    }
}

#[test]
fn reference_samples_round_trip_byte_identical() {
    let Some(samples) = crate::reference_samples() else {
        return;
    };
    assert_eq!(samples.len(), 20);
    for path in samples {
        assert_identical(&path);
    }
}

#[test]
fn markup_of_every_kind_survives() {
    let xml = "\u{FEFF}<?xml version=\"1.0\" encoding='UTF-8' standalone=\"yes\"?>\r\n\
<!-- lead -->\n<?pi data?>\n<o:E xmlns:o='urn:x' o:a = \"1\"\tb='&lt;&#x41;&#65;'>\
<o:T>a &amp; b &gt; c &quot;&apos; &#233;</o:T><![CDATA[ <raw> & ]]><e  /><f></f>\r\n</o:E>\n<!-- tail -->";
    let doc = Document::parse(xml.as_bytes()).unwrap();
    assert_eq!(doc.to_bytes(), xml.as_bytes());
    let root = doc.root();
    assert_eq!(root.name().namespace.as_deref(), Some("urn:x"));
    assert_eq!(root.attribute(None, "b"), Some("<AA"));
    let t = root.elements().next().unwrap();
    assert_eq!(t.text(), "a & b > c \"' \u{e9}");
}

#[test]
fn editing_one_element_leaves_the_rest_verbatim() {
    let xml = "<a xmlns:p='urn:p'>\n  <p:b  x='1'/>\n  <!-- keep -->\n  <c>old</c>\n</a>";
    let mut doc = Document::parse(xml.as_bytes()).unwrap();
    let c = doc.root_mut().elements_mut().nth(1).unwrap();
    c.set_text("new & <improved>");
    let out = String::from_utf8(doc.to_bytes()).unwrap();
    assert_eq!(
        out,
        "<a xmlns:p='urn:p'>\n  <p:b  x='1'/>\n  <!-- keep -->\n  <c>new &amp; &lt;improved&gt;</c>\n</a>"
    );
    assert!(Document::parse(out.as_bytes()).is_ok());
}

#[test]
fn values_read_as_xml_says() {
    // A literal tab, line feed or CR LF in an attribute value is one space (attribute-value
    // normalisation); character references keep their character. Text reads CR LF and a
    // lone CR as LF. The bytes are written back unchanged all the same.
    let xml = "<a v='one\r\ntwo\tthree\nfour' r='one&#10;two&#13;&#9;x'>l1\r\nl2\rl3&#13;</a>";
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let root = doc.root();
    assert_eq!(root.attribute(None, "v"), Some("one two three four"));
    assert_eq!(root.attribute(None, "r"), Some("one\ntwo\r\tx"));
    assert_eq!(root.text(), "l1\nl2\nl3\r");
    assert_eq!(doc.to_bytes(), xml.as_bytes());
}
