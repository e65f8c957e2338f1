//! Shapes whose cost used to grow with the square of their size (issue 14): one element with
//! 100 000 attributes or 50 000 namespace declarations, and a descriptor of thousands of
//! Items on one line (every position counted from the start of the line). The sizes are
//! chosen so that quadratic work takes minutes here (a debug build) and linear work well
//! under a second. No work counter is visible through quick-xml and the position index, so
//! each shape is run once under a generous bound (`within`), and its results are checked.

use std::time::{Duration, Instant};

use tern_ovf::{Document, Envelope, ParseErrorKind, Position};

const ENVELOPE: &str = "http://schemas.dmtf.org/ovf/envelope/1";
const RASD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";

// Runs `f` once and fails when it takes longer than `limit`: far above what the linear code
// needs (a few seconds in a debug build on a loaded machine), far below what the quadratic
// code took here (attributes 224 s, declarations 285 s, 60 000 Items on one line 46 s).
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    out
}

// The pieces `piece(i)` for every `i`, one after the other.
fn joined(range: impl Iterator<Item = usize>, piece: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in range {
        out.push_str(&piece(i));
    }
    out
}

#[test]
fn an_element_with_100k_attributes_reads_in_linear_time() {
    let n = 100_000;
    let attrs = joined(0..n, |i| format!(" a{i}=\"{i}\""));
    let xml = format!("<Envelope xmlns=\"{ENVELOPE}\"><References{attrs}/></Envelope>");
    let doc = within(Duration::from_secs(60), "100k attributes", || {
        Document::parse(xml.as_bytes()).unwrap()
    });
    let refs = doc.root().elements().next().unwrap();
    assert_eq!(refs.attributes().len(), n);
    assert_eq!(refs.attribute(None, "a99999"), Some("99999"));
    assert_eq!(doc.to_bytes(), xml.as_bytes());

    // The same attribute again, last: still found, at its place.
    let repeated = format!("<Envelope{attrs} a0=\"x\"/>");
    let e = within(Duration::from_secs(60), "a repeated attribute", || {
        Document::parse(repeated.as_bytes()).unwrap_err()
    });
    assert!(matches!(e.kind, ParseErrorKind::Syntax(_)), "{e}");
    assert_eq!(e.span.start, repeated.len() - " a0=\"x\"/>".len());
}

#[test]
fn an_element_with_50k_namespace_declarations_reads_in_linear_time() {
    let n = 50_000;
    let decls = joined(0..n, |i| format!(" xmlns:p{i}=\"urn:example:{i}\""));
    let attrs = joined(0..n, |i| format!(" p{i}:a=\"{i}\""));
    let xml = format!(
        "<Envelope xmlns=\"{ENVELOPE}\"><References{decls}{attrs}><p7:File/></References></Envelope>"
    );
    let doc = within(Duration::from_secs(60), "50k declarations", || {
        Document::parse(xml.as_bytes()).unwrap()
    });
    let refs = doc.root().elements().next().unwrap();
    assert_eq!(refs.attributes().len(), 2 * n);
    assert_eq!(
        refs.attribute(Some("urn:example:49999"), "a"),
        Some("49999")
    );
    let file = refs.elements().next().unwrap();
    assert_eq!(file.name().namespace.as_deref(), Some("urn:example:7"));
    assert_eq!(doc.to_bytes(), xml.as_bytes());
}

#[test]
fn namespace_scopes_nest_and_end_with_their_element() {
    let xml = "<a xmlns='urn:one' xmlns:p='urn:p1'>\
               <b xmlns='urn:two' xmlns:p='urn:p2' p:x='1'><p:c/><d/></b>\
               <p:e xml:lang='en'/><f xmlns=''><g/></f><h/></a>";
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let root = doc.root();
    let ns = |e: &tern_ovf::Element| e.name().namespace.as_deref().map(str::to_string);
    let [rebinds, prefixed, unsets, last] = root.elements().collect::<Vec<_>>()[..] else {
        panic!("four children")
    };
    assert_eq!(ns(root).as_deref(), Some("urn:one"));
    assert_eq!(ns(rebinds).as_deref(), Some("urn:two"));
    assert_eq!(rebinds.attribute(Some("urn:p2"), "x"), Some("1"));
    let inner: Vec<_> = rebinds.elements().map(ns).collect();
    assert_eq!(inner, [Some("urn:p2".into()), Some("urn:two".into())]);
    assert_eq!(ns(prefixed).as_deref(), Some("urn:p1"));
    assert_eq!(
        prefixed.attribute(Some("http://www.w3.org/XML/1998/namespace"), "lang"),
        Some("en")
    );
    assert_eq!(ns(unsets), None);
    assert_eq!(ns(unsets.elements().next().unwrap()), None);
    assert_eq!(ns(last).as_deref(), Some("urn:one"));
}

#[test]
fn forbidden_bindings_and_undeclared_prefixes_are_refused() {
    for xml in [
        "<a xmlns:xml='urn:other'/>",
        "<a xmlns:xmlns='urn:other'/>",
        "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
        "<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
    ] {
        let e = Document::parse(xml.as_bytes()).unwrap_err();
        assert!(matches!(e.kind, ParseErrorKind::Syntax(_)), "{xml}: {e}");
    }
    for (xml, prefix) in [
        ("<a><b xmlns:p='urn:p'/><p:c/></a>", "p"),
        ("<a xmlns:p='urn:p'><b xmlns:p=''><p:c/></b></a>", "p"),
        ("<a q:x='1'/>", "q"),
    ] {
        let e = Document::parse(xml.as_bytes()).unwrap_err();
        assert_eq!(
            e.kind,
            ParseErrorKind::UnboundPrefix(prefix.into()),
            "{xml}"
        );
    }
    // The binding of the `xml` prefix may be declared, to its own namespace.
    Document::parse(b"<a xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en'/>")
        .unwrap();
}

#[test]
fn positions_on_a_one_line_descriptor_cost_no_more_than_on_an_indented_one() {
    let n = 100_000;
    // Non-ASCII names: columns count characters, not bytes.
    let item = |i: usize| {
        format!(
            "<Item><rasd:ElementName>carte réseau {i}</rasd:ElementName>\
             <rasd:InstanceID>{i}</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>"
        )
    };
    let items = joined(1..=n, item);
    let head = format!(
        "<Envelope xmlns=\"{ENVELOPE}\" xmlns:ovf=\"{ENVELOPE}\" xmlns:rasd=\"{RASD}\"><References/>\
         <VirtualSystem ovf:id=\"vm\"><Info>i</Info><VirtualHardwareSection><Info>h</Info>"
    );
    let xml = format!("{head}{items}</VirtualHardwareSection></VirtualSystem></Envelope>");
    let items = within(Duration::from_secs(60), "100k Items on one line", || {
        let doc = Document::parse(xml.as_bytes()).unwrap();
        let env = Envelope::read(&doc);
        let items: Vec<Position> = env.virtual_systems()[0]
            .sections
            .hardware
            .iter()
            .flat_map(|h| h.items.iter().map(|i| i.position))
            .collect();
        items
    });
    assert_eq!(items.len(), n);
    // Item k (1-based) starts after the head and k - 1 Items of known length in characters.
    let chars = |s: &str| s.chars().count();
    let mut column = chars(&head) + 1;
    for (k, position) in items.iter().enumerate() {
        assert_eq!(*position, Position::new(1, column), "Item {}", k + 1);
        column += chars(&item(k + 1));
    }
}

/// Three thousand unknown OVF elements, each one a finding: every finding was kept (3 million
/// of them held 3.3 GB for an 18 MB descriptor). The first `Bounded::PER_RULE` are kept, in
/// document order, and one note, last, counts the rest.
#[test]
fn findings_of_one_rule_are_kept_up_to_the_bound_and_the_rest_counted() {
    let n = 3000;
    let xml = format!(
        "<Envelope xmlns=\"{ENVELOPE}\">{}</Envelope>",
        "<Foo/>".repeat(n)
    );
    let report = tern_ovf::validate_bytes(xml.as_bytes(), &tern_ovf::ValidateOptions::default());
    let unknown = tern_testkit::bounded_findings(&report.findings, "OVF-UNKNOWN-REQUIRED", n);
    assert_eq!(
        unknown[0].position.map(|p| p.column),
        Some(ENVELOPE.len() + 20)
    );
}
