//! The sealed tree: every public way of changing a document shows up in what it writes, and
//! nothing that was not changed moves.

use tern_ovf::{Attribute, Document, Element, Markup, Name, Node, Text};

const XML: &str = "<?xml version='1.0'?>\n<a xmlns:p='urn:p' p:k = 'v'>\n  <b>x &amp; y</b>\n  <!-- c -->\n  <p:e z='1'/>\n  <![CDATA[raw]]>\n  <?pi data?>\n</a>\n";

fn doc() -> Document {
    let doc = Document::parse(XML.as_bytes()).unwrap();
    assert!(!doc.is_modified());
    assert_eq!(doc.to_bytes(), XML.as_bytes());
    doc
}

fn written(doc: &Document) -> String {
    let out = String::from_utf8(doc.to_bytes()).unwrap();
    // Whatever the edit, the result reads back.
    Document::parse(out.as_bytes()).unwrap_or_else(|e| panic!("{e}: {out}"));
    out
}

#[test]
fn text_set_through_children_mut_is_written() {
    let mut doc = doc();
    let b = doc.root_mut().children_mut()[1].as_element_mut().unwrap();
    let Node::Text(t) = &mut b.children_mut()[0] else {
        panic!("text")
    };
    assert_eq!(t.value(), "x & y");
    t.set_value("new <text>");
    assert!(doc.is_modified());
    assert_eq!(written(&doc), XML.replace("x &amp; y", "new &lt;text&gt;"));
}

#[test]
fn markup_set_through_children_mut_is_written() {
    let mut doc = doc();
    let children = doc.root_mut().children_mut();
    for node in children.iter_mut() {
        match node {
            Node::Comment(m) => m.set_value(" d "),
            Node::CData(m) => m.set_value("new ]]> raw"),
            Node::ProcessingInstruction(m) => m.set_value("pi other"),
            _ => {}
        }
    }
    assert_eq!(
        written(&doc),
        XML.replace("<!-- c -->", "<!-- d -->")
            .replace("<![CDATA[raw]]>", "<![CDATA[new ]]]]><![CDATA[> raw]]>")
            .replace("<?pi data?>", "<?pi other?>")
    );
}

#[test]
fn nodes_added_removed_and_replaced_are_written() {
    let mut doc = doc();
    let children = doc.root_mut().children_mut();
    // Drop the comment (and the indentation before it), add an element at the end.
    children.drain(2..4);
    let mut f = Element::new(Name::new(None, "f", None));
    f.set_attribute(Name::new(None, "q", None), "1\n2");
    children.insert(children.len() - 1, Node::from(f));
    children.insert(children.len() - 1, Node::Text(Text::new("\n  ")));
    children.push(Node::Comment(Markup::new("tail")));
    assert_eq!(
        written(&doc),
        "<?xml version='1.0'?>\n<a xmlns:p='urn:p' p:k = 'v'>\n  <b>x &amp; y</b>\n  <p:e z='1'/>\n  <![CDATA[raw]]>\n  <?pi data?><f q=\"1&#10;2\"/>\n  \n<!--tail--></a>\n"
    );
}

#[test]
fn attributes_set_and_removed_through_any_path_are_written() {
    let mut doc = doc();
    let root = doc.root_mut();
    root.set_attribute(Name::new(Some("p"), "k", Some("urn:p")), "w'\"");
    let e = root.elements_mut().nth(1).unwrap();
    assert!(e.remove_attribute(None, "z"));
    e.set_attribute(Name::new(None, "n", None), "two\nlines");
    let out = written(&doc);
    assert_eq!(
        out,
        // An edited value keeps the space before the name and its quote.
        XML.replace("p:k = 'v'", "p:k='w&apos;&quot;'")
            .replace("<p:e z='1'/>", "<p:e n=\"two&#10;lines\"/>")
    );
    let back = Document::parse(out.as_bytes()).unwrap();
    let e = back.root().elements().nth(1).unwrap();
    assert_eq!(e.attribute(None, "n"), Some("two\nlines"));
    assert_eq!(back.root().attribute(Some("urn:p"), "k"), Some("w'\""));
}

#[test]
fn set_text_on_a_nested_element_is_written() {
    let mut doc = doc();
    let b = doc.root_mut().elements_mut().next().unwrap();
    b.set_text("a\r\nb");
    let out = written(&doc);
    assert_eq!(out, XML.replace("x &amp; y", "a&#13;\nb"));
    let back = Document::parse(out.as_bytes()).unwrap();
    assert_eq!(back.root().elements().next().unwrap().text(), "a\r\nb");
}

#[test]
fn nodes_from_another_document_are_written_from_their_values() {
    // Spans of another document point into another text: copied as bytes they would be
    // garbage (or slice through a character).
    let other = Document::parse("<z>ééééééé<q  w='1'>t</q><!--m--></z>".as_bytes()).unwrap();
    let mut doc = Document::parse(b"<a/>").unwrap();
    doc.root_mut()
        .children_mut()
        .extend(other.root().children().iter().cloned());
    assert_eq!(written(&doc), "<a>ééééééé<q w=\"1\">t</q><!--m--></a>");

    // Even swapped in behind the parent's back.
    let mut doc = doc_with_child();
    let mut other = Document::parse("<y><o k='x'>é</o></y>".as_bytes()).unwrap();
    let mine = doc.root_mut().elements_mut().next().unwrap();
    let theirs = other.root_mut().elements_mut().next().unwrap();
    std::mem::swap(mine, theirs);
    assert_eq!(written(&doc), "<r>\n  <o k=\"x\">é</o>\n</r>");
    assert_eq!(written(&other), "<y><c a=\"1\">text</c></y>");
    // The root itself.
    let mut a = Document::parse(b"<a x='1'/>").unwrap();
    let mut b = Document::parse(b"<b  y='2'></b>").unwrap();
    std::mem::swap(a.root_mut(), b.root_mut());
    assert!(a.is_modified() && b.is_modified());
    assert_eq!(written(&a), "<b y=\"2\"/>");
    assert_eq!(written(&b), "<a x=\"1\"/>");
}

fn doc_with_child() -> Document {
    Document::parse(b"<r>\n  <c a='1'>text</c>\n</r>").unwrap()
}

#[test]
fn a_clone_shares_its_source_and_still_copies() {
    let doc = doc();
    let mut copy = doc.clone();
    let b = copy.root_mut().elements_mut().next().unwrap().clone();
    copy.root_mut().children_mut().push(Node::from(b));
    assert_eq!(
        written(&copy),
        XML.replace("?>\n</a>", "?>\n<b>x &amp; y</b></a>")
    );
}

#[test]
fn reading_values_needs_no_mutation() {
    let doc = doc();
    let root = doc.root();
    let attr: &Attribute = &root.attributes()[1];
    assert_eq!(
        (attr.name().qualified(), attr.value()),
        ("p:k".to_string(), "v")
    );
    let comment = root.children().iter().find_map(|n| match n {
        Node::Comment(m) => Some(m.value()),
        _ => None,
    });
    assert_eq!(comment, Some(" c "));
    assert!(!doc.is_modified());
}
