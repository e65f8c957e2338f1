//! The compact read-only tree (`tern_ovf::Tree`, issue 14) reads what the lossless
//! `Document` reads: the same elements in the same order with the same names, attributes,
//! texts and spans on every sample, and the same errors at the same places on malformed
//! input (one reader feeds both). Hostile shapes stay linear, counted in reader steps.

use std::fmt::Write;

use tern_ovf::{
    Document, El, Element, Envelope, Mode, Node, NodeRef, ParseOptions, Tree, ValidateOptions,
    validate, validate_bytes, validate_tree,
};

fn inputs() -> Vec<(String, Vec<u8>)> {
    crate::encoded_samples(true)
}

// The two trees agree on `element` and everything under it.
fn same(path: &str, doc: &Element, tree: El<'_>) {
    let at = format!("{path}/{}", doc.name().qualified());
    assert_eq!(tree.name(), doc.name(), "{at}: name");
    assert_eq!(tree.name().prefix, doc.name().prefix, "{at}: prefix");
    assert_eq!(tree.span(), doc.span(), "{at}: span");
    assert_eq!(tree.start_span(), doc.start_span(), "{at}: start tag");
    let attrs: Vec<_> = tree
        .attributes()
        .map(|a| (a.name().clone(), a.value().to_string()))
        .collect();
    let expected: Vec<_> = doc
        .attributes()
        .iter()
        .map(|a| (a.name().clone(), a.value().to_string()))
        .collect();
    assert_eq!(attrs, expected, "{at}: attributes");
    for a in doc.attributes() {
        assert_eq!(
            tree.attribute(a.name().namespace.as_deref(), &a.name().local),
            doc.attribute(a.name().namespace.as_deref(), &a.name().local),
            "{at}: attribute {}",
            a.name().qualified()
        );
    }
    assert_eq!(tree.text(), doc.text(), "{at}: text");
    let children: Vec<NodeRef<'_>> = tree.children().collect();
    assert_eq!(children.len(), doc.children().len(), "{at}: children");
    for (t, d) in children.iter().zip(doc.children()) {
        match (t, d) {
            (NodeRef::Element(t), Node::Element(d)) => same(&at, d, *t),
            (NodeRef::Text(t), Node::Text(d)) => assert_eq!(*t, d.value(), "{at}: text child"),
            (NodeRef::CData(t), Node::CData(d))
            | (NodeRef::Comment(t), Node::Comment(d))
            | (NodeRef::ProcessingInstruction(t), Node::ProcessingInstruction(d))
            | (NodeRef::Declaration(t), Node::Declaration(d)) => {
                assert_eq!(*t, d.value(), "{at}: markup");
            }
            (t, d) => panic!("{at}: tree child {t:?}, document child {d:?}"),
        }
    }
    let elements: Vec<_> = tree.elements().map(El::span).collect();
    let expected: Vec<_> = doc.elements().map(Element::span).collect();
    assert_eq!(elements, expected, "{at}: elements");
    for e in doc.elements() {
        let ns = e.name().namespace.as_deref().unwrap_or_default();
        assert_eq!(
            tree.child(ns, &e.name().local).map(El::span),
            doc.child(ns, &e.name().local).map(Element::span),
            "{at}: child {}",
            e.name().qualified()
        );
    }
}

#[test]
fn the_tree_reads_every_sample_as_the_document_does() {
    let options = ParseOptions::default();
    let mut read = 0;
    for (name, bytes) in inputs() {
        let (doc, tree) = match (Document::parse(&bytes), Tree::parse(&bytes, &options)) {
            (Ok(doc), Ok(tree)) => (doc, tree),
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "{name}");
                continue;
            }
            (a, b) => panic!("{name}: document {:?}, tree {:?}", a.err(), b.err()),
        };
        read += 1;
        assert_eq!(tree.source(), doc.source(), "{name}");
        assert_eq!(tree.encoding(), doc.encoding(), "{name}");
        same(&name, doc.root(), tree.root());
        let start = tree.root().span().unwrap().start;
        assert_eq!(tree.position(start), doc.position(start), "{name}");
        let end = tree.source().len();
        assert_eq!(tree.position(end), doc.position(end), "{name}");
        // The owned parse reads the same tree.
        let owned = Tree::parse_owned(bytes.clone(), &options).unwrap();
        assert_eq!(owned.source(), tree.source(), "{name}");
        same(&name, doc.root(), owned.root());
    }
    assert!(read > 30, "{read} samples read");
}

#[test]
fn the_tree_refuses_what_the_document_refuses_at_the_same_place() {
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for bad in crate::MALFORMED.iter().copied().chain([
        "<a><b></a>",
        "<a><b x='1' x='2'/></a>",
        "<a><p:b/></a>",
        "<a>\n<x:b/></a>",
        "<a q:x='1'/>",
        "<a>&undefined;</a>",
        "<a>\n  x &xxe; y</a>",
        "<a b='&xxe;'/>",
        "<a>&#0;</a>",
        "<a b='&#1;'/>",
        "<a/>text",
        "text<a/>",
        "<!DOCTYPE a><a/>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<a>&lol;</a>",
        "<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>",
        "<a><b>",
        "<a xmlns:xml='urn:x'/>",
        "<a xmlns:xmlns='urn:other'/>",
        "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
        "<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
        "<a xmlns:p='urn:p'><b xmlns:p=''><p:c/></b></a>",
        "<a><b c='&#1;'/></a>",
        "\u{feff}<a><![CDATA[x]]></b>",
    ]) {
        cases.push((format!("{bad:?}"), bad.as_bytes().to_vec()));
    }
    cases.push(("not UTF-8".into(), b"<a>\n\xFF</a>".to_vec()));
    cases.push((
        "Latin-1".into(),
        b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>".to_vec(),
    ));
    cases.push(("UTF-32".into(), b"\xFF\xFE\x00\x00<\x00\x00\x00".to_vec()));
    cases.push((
        "broken UTF-16".into(),
        b"\xFF\xFE<\x00a\x00\x00\xD8".to_vec(),
    ));
    let deep = "<a>".repeat(300) + &"</a>".repeat(300);
    cases.push(("300 levels".into(), deep.into_bytes()));
    let small = ParseOptions {
        max_size: 10,
        ..ParseOptions::default()
    };
    let shallow = ParseOptions {
        max_depth: 2,
        ..ParseOptions::default()
    };
    cases.push(("3 levels".into(), b"<a><b><c/></b></a>".to_vec()));
    for (name, bytes) in &cases {
        for options in [ParseOptions::default(), small, shallow] {
            let doc = Document::parse_with(bytes, &options).err();
            let tree = Tree::parse(bytes, &options).err();
            assert_eq!(tree, doc, "{name} {options:?}");
            let owned = Tree::parse_owned(bytes.clone(), &options).err();
            assert_eq!(owned.map(|f| f.error), doc, "{name} {options:?}");
        }
    }
}

#[test]
fn a_utf16_descriptor_reads_with_the_positions_of_its_text() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a xmlns='urn:a' x='&lt;é&gt;'>\n  <b>été &amp; hiver</b><!--c--><![CDATA[d]]>\n</a>\n";
    let bytes: Vec<u8> = std::iter::once(0xFEFF_u16)
        .chain(xml.encode_utf16())
        .flat_map(u16::to_be_bytes)
        .collect();
    let tree = Tree::parse(&bytes, &ParseOptions::default()).unwrap();
    assert_eq!(tree.encoding(), tern_ovf::Encoding::Utf16Be);
    assert_eq!(tree.source(), xml);
    let root = tree.root();
    assert_eq!(root.name().namespace.as_deref(), Some("urn:a"));
    assert_eq!(root.attribute(None, "x"), Some("<é>"));
    let b = root.child("urn:a", "b").unwrap();
    assert_eq!(b.text(), "été & hiver");
    assert_eq!(
        tree.position(b.span().unwrap().start),
        tern_ovf::Position::new(3, 3)
    );
    let kinds: Vec<String> = root.children().map(|c| format!("{c:?}")).collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert!(matches!(
        root.children().nth(2),
        Some(NodeRef::Comment("c"))
    ));
    assert!(matches!(root.children().nth(3), Some(NodeRef::CData("d"))));
    assert_eq!(root.text(), "\n  d\n");
}

#[test]
fn values_equal_to_their_text_are_not_copied() {
    let xml = "<a x='plain' y='a&amp;b'><b>plain text</b><c>a&lt;b</c></a>";
    let tree = Tree::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
    let inside = |s: &str| {
        let range = tree.source().as_bytes().as_ptr_range();
        range.contains(&s.as_ptr())
    };
    let root = tree.root();
    assert!(inside(root.attribute(None, "x").unwrap()));
    assert!(!inside(root.attribute(None, "y").unwrap()));
    assert_eq!(root.attribute(None, "y"), Some("a&b"));
    let [b, c] = root.elements().collect::<Vec<_>>()[..] else {
        panic!("two children")
    };
    assert!(matches!(b.text(), std::borrow::Cow::Borrowed(t) if inside(t)));
    assert!(matches!(c.text(), std::borrow::Cow::Borrowed("a<b")));
}

// One element with 100 000 attributes, and one with 50 000 namespace declarations and as many
// prefixed attributes: the reader's steps (attribute comparisons, scope bindings looked at)
// stay a small multiple of the attribute count. Quadratic checks would take billions.
#[test]
fn hostile_start_tags_stay_linear_in_reader_steps() {
    let n = 100_000;
    let mut attrs = String::new();
    for i in 0..n {
        let _ = write!(attrs, " a{i}=\"{i}\"");
    }
    let xml = format!("<Envelope><References{attrs}/></Envelope>");
    let tree = Tree::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
    let refs = tree.root().elements().next().unwrap();
    assert_eq!(refs.attributes().count(), n);
    assert_eq!(refs.attribute(None, "a99999"), Some("99999"));
    assert!(
        tree.reader_steps() < 20 * n as u64,
        "{}",
        tree.reader_steps()
    );

    let n = 50_000;
    let mut decls = String::new();
    let mut prefixed = String::new();
    for i in 0..n {
        let _ = write!(decls, " xmlns:p{i}=\"urn:example:{i}\"");
        let _ = write!(prefixed, " p{i}:a=\"{i}\"");
    }
    let xml = format!("<Envelope><References{decls}{prefixed}><p7:File/></References></Envelope>");
    let tree = Tree::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
    let refs = tree.root().elements().next().unwrap();
    assert_eq!(refs.attributes().count(), 2 * n);
    assert_eq!(
        refs.attribute(Some("urn:example:49999"), "a"),
        Some("49999")
    );
    let file = refs.elements().next().unwrap();
    assert_eq!(file.name().namespace.as_deref(), Some("urn:example:7"));
    assert!(
        tree.reader_steps() < 20 * 2 * n as u64,
        "{}",
        tree.reader_steps()
    );
}

#[test]
fn names_are_shared_by_every_element_spelled_alike() {
    let xml = "<a xmlns:r='urn:r'><r:b/><r:b/><c xmlns:r='urn:other'><r:b/></c></a>";
    let tree = Tree::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
    let root = tree.root();
    let [b1, b2, c] = root.elements().collect::<Vec<_>>()[..] else {
        panic!("three children")
    };
    assert!(std::ptr::eq(b1.name(), b2.name()));
    let inner = c.elements().next().unwrap();
    assert_eq!(inner.name().namespace.as_deref(), Some("urn:other"));
    assert_eq!(b1.name().namespace.as_deref(), Some("urn:r"));
}

// The typed view and every finding, strict and lax, are the same through both trees: the
// readers are written once over `xml::ReadElement`, and the Tree's handles must give them
// what the Document's elements give.
fn same_view(path: &str, doc: &Document, tree: &Tree) {
    let a = serde_json::to_value(Envelope::read(doc)).unwrap();
    let b = serde_json::to_value(Envelope::read_tree(tree)).unwrap();
    assert_eq!(a, b, "{path}: typed view");
    for mode in [Mode::Strict, Mode::Lax] {
        let options = ValidateOptions {
            mode,
            ..ValidateOptions::default()
        };
        let a = validate(doc, &options);
        let b = validate_tree(tree, &options);
        assert_eq!(a, b, "{path}: findings ({mode:?})");
    }
}

#[test]
fn the_typed_view_and_the_findings_are_the_same_through_the_tree() {
    let options = ParseOptions::default();
    let mut compared = 0;
    for (path, bytes) in inputs() {
        let (Ok(doc), Ok(tree)) = (Document::parse(&bytes), Tree::parse(&bytes, &options)) else {
            continue;
        };
        same_view(&path, &doc, &tree);
        // What the CLI calls: the bytes validated through the tree, with their positions.
        let report = validate_bytes(&bytes, &ValidateOptions::default());
        assert_eq!(
            report,
            validate(&doc, &ValidateOptions::default()),
            "{path}"
        );
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} samples compared");
}

// Mutated samples (markup inserted, ranges deleted or repeated): whatever the Document reads,
// the Tree reads alike, and whatever it refuses, the Tree refuses with the same error.
fn agree(data: &[u8]) {
    let options = ParseOptions::default();
    match (Document::parse(data), Tree::parse(data, &options)) {
        (Ok(doc), Ok(tree)) => {
            same("", doc.root(), tree.root());
            same_view("", &doc, &tree);
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("document {:?}, tree {:?}", a.err(), b.err()),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn mutated_samples_read_alike(
        index in proptest::prelude::any::<usize>(),
        edits in proptest::collection::vec(
            (
                proptest::prelude::any::<usize>(),
                0usize..48,
                proptest::sample::select(vec![
                    "", "<", ">", "&", "&amp;", "&#10;", "\r\n", "\r", " ", "]]>", "<!--x-->",
                    "<![CDATA[c]]>", "<?p d?>", "xmlns:x='u' ", "x:a='1' ", "<x:b/>", "<Item>",
                    "</Item>", "\t", "\u{e9}", "\u{1}", "'", "\"",
                ]),
            ),
            1..5,
        ),
    ) {
        let samples = crate::own_samples();
        let mut data = std::fs::read(&samples[index % samples.len()]).unwrap();
        for (at, delete, insert) in &edits {
            let at = at % (data.len() + 1);
            let end = (at + delete).min(data.len());
            data.splice(at..end, insert.bytes());
        }
        agree(&data);
    }
}

// A declaration after leading whitespace (not well-formed XML, but read by both trees) is
// the document's declaration for both: the encoding it names is reported alike (found by
// fuzzing the parity of the two trees).
#[test]
fn a_declaration_after_whitespace_is_read_alike() {
    let bytes = b"\t<?xml version=\"1.0\" encoding=\"UQF-8\"?>\n<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"/>";
    let doc = Document::parse(bytes).unwrap();
    let tree = Tree::parse(bytes, &ParseOptions::default()).unwrap();
    same_view("leading whitespace", &doc, &tree);
    let quirks = Envelope::read_tree(&tree).dialect.quirks;
    assert!(
        !quirks.is_empty(),
        "the declared encoding is reported: {quirks:?}"
    );
}

// The namespace of every element and attribute, in document order.
fn namespaces(tree: &Tree) -> Vec<(String, Option<String>)> {
    fn walk(e: El<'_>, out: &mut Vec<(String, Option<String>)>) {
        out.push((
            e.name().qualified(),
            e.name().namespace.as_deref().map(str::to_string),
        ));
        for a in e.attributes() {
            let n = a.name();
            out.push((
                format!("@{}", n.qualified()),
                n.namespace.as_deref().map(str::to_string),
            ));
        }
        for c in e.elements() {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

#[test]
fn a_spelling_means_what_each_document_binds_it_to() {
    // The thread remembers what a spelling resolved to under the root's declarations: the
    // same spelling under other declarations, or below a declaration that rebinds its prefix,
    // must resolve afresh. Read in turns on one thread, each document twice.
    let first = r#"<E xmlns="urn:d1" xmlns:x="urn:a" x:k="1"><x:N x:k="2"/><N/></E>"#;
    let other = r#"<E xmlns="urn:d2" xmlns:x="urn:b" x:k="1"><x:N x:k="2"/><N/></E>"#;
    let rebound = r#"<E xmlns="urn:d1" xmlns:x="urn:a" x:k="1"><x:N xmlns:x="urn:c" x:k="2"><x:N/></x:N><x:N/><N xmlns=""/></E>"#;
    let reordered = r#"<E x:k="1" xmlns:x="urn:a" xmlns="urn:d1"><x:N x:k="2"/><N/></E>"#;
    let ns = |s: &str| Some(s.to_string());
    let expected_a = vec![
        ("E".to_string(), ns("urn:d1")),
        ("@xmlns".into(), ns("http://www.w3.org/2000/xmlns/")),
        ("@xmlns:x".into(), ns("http://www.w3.org/2000/xmlns/")),
        ("@x:k".into(), ns("urn:a")),
        ("x:N".into(), ns("urn:a")),
        ("@x:k".into(), ns("urn:a")),
        ("N".into(), ns("urn:d1")),
    ];
    let expected_b: Vec<_> = expected_a
        .iter()
        .map(|(n, u)| {
            let u = u
                .as_deref()
                .map(|u| u.replace("urn:a", "urn:b").replace("urn:d1", "urn:d2"));
            (n.clone(), u)
        })
        .collect();
    let expected_c = vec![
        ("E".to_string(), ns("urn:d1")),
        ("@xmlns".into(), ns("http://www.w3.org/2000/xmlns/")),
        ("@xmlns:x".into(), ns("http://www.w3.org/2000/xmlns/")),
        ("@x:k".into(), ns("urn:a")),
        ("x:N".into(), ns("urn:c")),
        ("@xmlns:x".into(), ns("http://www.w3.org/2000/xmlns/")),
        ("@x:k".into(), ns("urn:c")),
        ("x:N".into(), ns("urn:c")),
        ("x:N".into(), ns("urn:a")),
        ("N".into(), None),
        ("@xmlns".into(), ns("http://www.w3.org/2000/xmlns/")),
    ];
    let mut expected_d = expected_a.clone();
    expected_d[1..4].reverse();
    let options = ParseOptions::default();
    for _ in 0..2 {
        for (text, expected) in [
            (first, &expected_a),
            (other, &expected_b),
            (rebound, &expected_c),
            (reordered, &expected_d),
        ] {
            let tree = Tree::parse(text.as_bytes(), &options).expect(text);
            assert_eq!(&namespaces(&tree), expected, "{text}");
            let doc = Document::parse(text.as_bytes()).expect(text);
            same("", doc.root(), tree.root());
        }
    }
    // A prefix the next document does not bind is refused, whatever the thread read before.
    let unbound = r#"<E xmlns="urn:d1"><x:N/></E>"#;
    assert!(Tree::parse(unbound.as_bytes(), &options).is_err());
}

#[test]
fn line_ends_read_as_line_feeds_in_texts() {
    // XML 1.0 §2.11: CR LF and a lone CR read as LF, also as written twice over (`\r\r\n`,
    // which a descriptor converted twice to CR LF has on every line).
    let text = "<E>\r\n  <a>x\ry</a>\r\r\n  <b>p\r\n\r\nq&amp;\r</b>\r  <c>\r\n</c></E>";
    let tree = Tree::parse(text.as_bytes(), &ParseOptions::default()).expect("parses");
    let root = tree.root();
    let texts: Vec<String> = root.elements().map(|e| e.text().into_owned()).collect();
    assert_eq!(texts, ["x\ny", "p\n\nq&\n", "\n"]);
    let gaps: Vec<String> = root
        .children()
        .filter_map(|n| match n {
            NodeRef::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(gaps, ["\n  ", "\n\n  ", "\n  "]);
    let doc = Document::parse(text.as_bytes()).expect("parses");
    same("", doc.root(), root);
}

#[test]
fn an_end_tag_naming_another_element_is_refused_at_its_start() {
    // XML 1.0 §3 (Element Type Match), also after an end tag with a space before its `>`.
    let text = "<E xmlns=\"urn:a\">\n  <a><b>x</b ></c>\n</E>\n";
    for error in [
        Tree::parse(text.as_bytes(), &ParseOptions::default()).map(drop),
        Document::parse(text.as_bytes()).map(drop),
    ] {
        let error = error.expect_err("a mismatched end tag");
        let shown = error.to_string();
        assert!(
            shown.contains("expected `</a>`, but `</c>` was found"),
            "{shown}"
        );
        assert!(shown.contains("2:15"), "{shown}");
    }
    let nested = "<E><a:b xmlns:a=\"urn:x\"></a:b></E>";
    assert!(Tree::parse(nested.as_bytes(), &ParseOptions::default()).is_ok());
}

#[test]
fn a_less_than_sign_in_an_attribute_value_is_refused() {
    // XML 1.0 §3.1, AttValue: `[^<&"]` — a `<` is written `&lt;`, which reads as `<`.
    let bad = "<E xmlns=\"urn:a\">\n  <a b=\"x<y\"/>\n</E>";
    for error in [
        Tree::parse(bad.as_bytes(), &ParseOptions::default()).map(drop),
        Document::parse(bad.as_bytes()).map(drop),
    ] {
        let shown = error.expect_err("`<` in a value").to_string();
        assert!(shown.contains("2:5") && shown.contains("`<`"), "{shown}");
    }
    let good = "<E xmlns=\"urn:a\"><a b=\"x&lt;y\"/></E>";
    let tree = Tree::parse(good.as_bytes(), &ParseOptions::default()).expect("escaped");
    let a = tree.root().elements().next().expect("a");
    assert_eq!(a.attribute(None, "b"), Some("x<y"));
}
