//! Tree plumbing for edits: finding elements by path, inserting children with the
//! indentation of their siblings, choosing prefixes for new names.

use crate::document::Document;
use crate::names;
use crate::node::{Attribute, Element, Name, Node, Text};
use crate::reader::XMLNS_NAMESPACE;

/// Indices into `children` from the root element down to an element.
pub(crate) type Path = Vec<usize>;

/// Paths of every element under `root` (depth first) that `pred` accepts, with the element.
pub(crate) fn find<'a>(
    root: &'a Element,
    pred: &dyn Fn(&Element) -> bool,
) -> Vec<(Path, &'a Element)> {
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), pred, &mut out);
    out
}

fn walk<'a>(
    e: &'a Element,
    path: &mut Path,
    pred: &dyn Fn(&Element) -> bool,
    out: &mut Vec<(Path, &'a Element)>,
) {
    if pred(e) {
        out.push((path.clone(), e));
    }
    for (i, child) in e.children().iter().enumerate() {
        if let Node::Element(c) = child {
            path.push(i);
            walk(c, path, pred, out);
            path.pop();
        }
    }
}

/// The element at `path`, mutably; every element on the way is marked as edited so the
/// writer descends into it instead of copying its old bytes.
pub(crate) fn at_mut<'a>(doc: &'a mut Document, path: &[usize]) -> &'a mut Element {
    let mut e = doc.root_mut();
    e.children_mut();
    for &i in path {
        e = e.children_mut()[i]
            .as_element_mut()
            .expect("edit paths point at elements");
        e.children_mut();
    }
    e
}

/// Whitespace before each child of `parent`, guessed from existing children (or from the
/// parent's own indentation plus two spaces).
pub(crate) fn indent_of_children(parent: &Element, parent_indent: &str) -> String {
    parent
        .child_indent()
        .map_or_else(|| format!("{parent_indent}  "), str::to_string)
}

/// Inserts `new` at `index` of `parent.children`, with an indentation text node so the
/// result looks like its siblings: before an element, the new one takes its place and the
/// indentation moves in front of the old one; elsewhere (after an element, before trailing
/// whitespace, at the end) the indentation goes first.
pub(crate) fn insert_element(parent: &mut Element, index: usize, new: Element, indent: &str) {
    let children = parent.children_mut();
    if children.is_empty() {
        let outer = indent.strip_suffix("  ").unwrap_or("").to_string();
        children.push(Node::Text(Text::new(indent)));
        children.push(Node::from(new));
        children.push(Node::Text(Text::new(outer)));
        return;
    }
    let index = index.min(children.len());
    if matches!(children.get(index), Some(Node::Element(_))) {
        children.insert(index, Node::Text(Text::new(indent)));
        children.insert(index, Node::from(new));
    } else {
        children.insert(index, Node::from(new));
        children.insert(index, Node::Text(Text::new(indent)));
    }
}

/// Removes the child element at `index` and the whitespace before it.
pub(crate) fn remove_element(parent: &mut Element, index: usize) {
    let children = parent.children_mut();
    children.remove(index);
    if index > 0
        && let Some(Node::Text(t)) = children.get(index - 1)
        && t.is_whitespace()
    {
        children.remove(index - 1);
    }
}

/// The prefix to write `namespace` with: one already used for it in the document (so new
/// elements look like their neighbours), or `None` with a declaration to add.
pub(crate) fn prefix_for(doc: &Document, namespace: &str, wanted: &str) -> (Option<String>, bool) {
    let root = doc.root();
    if let Some(p) = root.declared_prefix(namespace) {
        return (p.map(str::to_string), false);
    }
    let used = find(root, &|e| e.name().namespace.as_deref() == Some(namespace));
    if let Some((_, e)) = used.first() {
        return (e.name().prefix.as_deref().map(str::to_string), false);
    }
    (Some(wanted.to_string()), true)
}

/// A new element named `local` in `namespace`, declaring the namespace on itself if the
/// document does not already.
pub(crate) fn new_element(
    doc: &Document,
    namespace: &str,
    local: &str,
    wanted_prefix: &str,
) -> Element {
    let (prefix, declare) = prefix_for(doc, namespace, wanted_prefix);
    let mut e = Element::new(Name::new(prefix.as_deref(), local, Some(namespace)));
    if declare {
        let attr_name = match prefix.as_deref() {
            Some(p) => Name::new(Some("xmlns"), p, Some(XMLNS_NAMESPACE)),
            None => Name::new(None, "xmlns", Some(XMLNS_NAMESPACE)),
        };
        e.attributes.push(Attribute::new(attr_name, namespace));
    }
    e
}

/// A new element with text content.
pub(crate) fn text_element(
    doc: &Document,
    namespace: &str,
    local: &str,
    prefix: &str,
    text: &str,
) -> Element {
    let mut e = new_element(doc, namespace, local, prefix);
    e.set_text(text);
    e
}

/// The OVF attribute name `local` in the document's envelope namespace. Attributes need a
/// prefix (an unprefixed attribute is in no namespace), so a prefixed declaration is used.
pub(crate) fn ovf_attr_name(doc: &Document, local: &str) -> Name {
    let root = doc.root();
    let ns = root
        .name()
        .namespace
        .as_deref()
        .unwrap_or(names::OVF_1)
        .to_string();
    let prefix = root
        .attributes()
        .iter()
        .find(|a| a.name.prefix.as_deref() == Some("xmlns") && a.value == ns)
        .map_or_else(|| "ovf".to_string(), |a| a.name.local.to_string());
    Name::new(Some(&prefix), local, Some(&ns))
}
