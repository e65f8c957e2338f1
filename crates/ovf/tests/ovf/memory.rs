//! What reading holds in memory (issue 14: `ovf validate` and `fmt` peaked at 11–21x the
//! input). Memory is not timed or measured here (BENCHMARKS.md and `cargo bench -p tern-ovf
//! --bench memory` do that); these tests pin the mechanisms: the owned parse reads the same
//! document as the borrowed one, the check without a tree refuses exactly what the reader
//! refuses, and the tree shares what repeats.

use std::sync::Arc;

use tern_ovf::{Document, Envelope, ParseOptions, ValidateOptions, validate_bytes, validate_owned};

fn inputs() -> Vec<(String, Vec<u8>)> {
    crate::encoded_samples(false)
}

#[test]
fn the_owned_parse_reads_what_the_borrowed_one_reads() {
    let options = ParseOptions::default();
    for (name, bytes) in inputs() {
        match (
            Document::parse(&bytes),
            Document::parse_owned(bytes.clone(), &options),
        ) {
            (Ok(a), Ok(b)) => {
                assert_eq!(b.to_bytes(), bytes, "{name}");
                assert_eq!(a.source(), b.source(), "{name}");
                assert_eq!(a.encoding(), b.encoding(), "{name}");
                assert_eq!(Envelope::read(&a), Envelope::read(&b), "{name}");
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b.error, "{name}");
                // The text is handed back to show the finding's line.
                assert_eq!(b.text, Document::decode(&bytes).ok(), "{name}");
            }
            (a, b) => panic!("{name}: borrowed {:?}, owned {:?}", a.err(), b.err()),
        }
        let options = ValidateOptions::default();
        assert_eq!(
            validate_bytes(&bytes, &options).findings,
            validate_owned(bytes.clone(), &options).findings,
            "{name}"
        );
    }
}

#[test]
fn the_check_without_a_tree_refuses_what_the_reader_refuses() {
    let options = ParseOptions::default();
    let mut cases: Vec<(String, Vec<u8>)> = inputs();
    // One of each way to be refused, at every depth.
    for bad in [
        "<a><b></a>",
        "<a><b x='1' x='2'/></a>",
        "<a><p:b/></a>",
        "<a>&undefined;</a>",
        "<a>&#0;</a>",
        "<a/><b/>",
        "<a/>text",
        "<!DOCTYPE a><a/>",
        "<a><b>",
        "<a xmlns:xml='urn:x'/>",
        "<a><b c='&#1;'/></a>",
        "\u{feff}<a><![CDATA[x]]></b>",
    ] {
        cases.push((bad.to_string(), bad.as_bytes().to_vec()));
    }
    let deep = "<a>".repeat(300) + &"</a>".repeat(300);
    cases.push(("300 levels".into(), deep.into_bytes()));
    let small = ParseOptions {
        max_size: 10,
        ..ParseOptions::default()
    };
    for (name, bytes) in &cases {
        assert_eq!(
            Document::check(bytes, &options).err(),
            Document::parse(bytes).err(),
            "{name}"
        );
        assert_eq!(
            Document::check(bytes, &small).err(),
            Document::parse_with(bytes, &small).err(),
            "{name}"
        );
    }
}

#[test]
fn elements_spelled_alike_share_one_name_and_items_share_the_child_names() {
    let xml = format!(
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="{}"><VirtualSystem ovf:id="vm" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><Info>i</Info><VirtualHardwareSection><Info>h</Info>{}</VirtualHardwareSection></VirtualSystem></Envelope>"#,
        "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData",
        ["1", "2", "3"]
            .map(|i| format!("<Item><rasd:InstanceID>{i}</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>"))
            .concat()
    );
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let hw = doc
        .root()
        .elements()
        .next()
        .unwrap()
        .elements()
        .nth(1)
        .unwrap();
    let ids: Vec<_> = hw
        .elements()
        .skip(1)
        .map(|item| item.elements().next().unwrap().name())
        .collect();
    assert_eq!(ids.len(), 3);
    // One name between them: the same parts, not equal copies.
    let parts = |i: usize| -> *const tern_ovf::NameParts { std::ptr::from_ref(&**ids[i]) };
    assert!(std::ptr::eq(parts(0), parts(1)) && std::ptr::eq(parts(1), parts(2)));
    assert!(Arc::ptr_eq(
        ids[0].namespace.as_ref().unwrap(),
        ids[2].namespace.as_ref().unwrap()
    ));

    // The same prefix bound to another namespace in another scope is another name.
    let rebound = r#"<a><p:b xmlns:p="urn:1"/><p:b xmlns:p="urn:2"/><p:b xmlns:p="urn:1"/></a>"#;
    let doc = Document::parse(rebound.as_bytes()).unwrap();
    let names: Vec<_> = doc.root().elements().map(|e| e.name().clone()).collect();
    assert_eq!(names[0].namespace.as_deref(), Some("urn:1"));
    assert_eq!(names[1].namespace.as_deref(), Some("urn:2"));
    assert_eq!(names[0], names[2]);
    assert_ne!(names[0], names[1]);

    // Names are remembered per scope: a default namespace changed inside, and back; an
    // attribute spelled like an element (attributes take no default namespace).
    let scoped = r#"<a xmlns="urn:1" b="x"><b/><c xmlns="urn:2"><b b="y"/></c><b/></a>"#;
    let doc = Document::parse(scoped.as_bytes()).unwrap();
    let ns = |e: &tern_ovf::Element| e.name().namespace.as_deref().map(str::to_owned);
    let root = doc.root();
    let bs: Vec<_> = root.elements().collect();
    assert_eq!(ns(bs[0]).as_deref(), Some("urn:1"));
    let inner = bs[1].elements().next().unwrap();
    assert_eq!(ns(inner).as_deref(), Some("urn:2"));
    assert_eq!(inner.attributes()[0].name().namespace, None);
    assert_eq!(ns(bs[2]).as_deref(), Some("urn:1"));
    assert_eq!(root.attribute(None, "b"), Some("x"));

    let doc = Document::parse(xml.as_bytes()).unwrap();
    let env = Envelope::read(&doc);
    let items = &env.virtual_systems()[0].sections.hardware[0].items;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].children, ["InstanceID", "ResourceType"]);
}

// A descriptor is mostly elements and short texts: what each costs is what reading a large
// one costs. Before issue 14's memory work: a Node was 56 bytes, an Element 184, a Name 48
// and a resolved Item (one per Item and deployment option, in validation) over 600.
#[test]
fn the_tree_and_the_resolved_hardware_are_compact() {
    use std::mem::size_of;
    assert!(
        size_of::<tern_ovf::Node>() <= 40,
        "{}",
        size_of::<tern_ovf::Node>()
    );
    assert!(
        size_of::<tern_ovf::Element>() <= 96,
        "{}",
        size_of::<tern_ovf::Element>()
    );
    assert_eq!(size_of::<tern_ovf::Name>(), size_of::<usize>());
    let resolved = size_of::<tern_ovf::model::ResolvedItem<'_>>();
    assert!(resolved <= 128, "{resolved}");
}
