//! A compact, read-only document for callers that only read (validation, `info`, the typed
//! view, ovf2occi): the same reader as [`crate::Document`] (same errors, limits and
//! positions) writing into flat arrays instead of a tree of boxes.
//!
//! Nodes are one `Vec` of 24-byte records in document order (pre-order): an element's
//! descendants are the records that follow it, up to an index it keeps, so building is
//! appending (no children list per element, nothing moved at the end tag) and dropping is
//! freeing three vectors. Children are found by skipping from one sibling's record to the
//! index after its subtree. Names are ids into one table of shared [`Name`]s; attributes are
//! one `Vec` of 12-byte records; spans are `u32` offsets into the text; a value whose decoded
//! form is its text (most of them) is that slice, others (references, line ends, attribute
//! normalisation) are decoded once into one side string. Whitespace that stands as written
//! between the nodes of an element is not stored: it is the gap between its neighbours'
//! spans, and [`El::children`] gives it back, so an element's children and text read as the
//! [`crate::Document`]'s do.

mod sink;

use std::borrow::Cow;
use std::fmt;

use tern_diag::{Position, Positions, Span};

use crate::encoding::Encoding;
use crate::error::{ParseError, ParseFailure};
use crate::node::Name;
use crate::reader::{self, ParseOptions, Read};
use sink::{
    AttributeRecord, CDATA, COMMENT, Compact, DECLARATION, DECODED, ELEMENT, KIND_SHIFT, LAST,
    NAME, NONE, PAYLOAD, PI, Record, TEXT, VALUE_DECODED,
};

/// A read-only XML document in arena form.
///
/// ```
/// use tern_ovf::{ParseOptions, Tree};
///
/// let xml = b"<a xmlns='urn:a' x='1'><b>t&amp;u</b><!-- c --></a>";
/// let tree = Tree::parse(xml, &ParseOptions::default()).unwrap();
/// let root = tree.root();
/// assert_eq!(root.name().local, "a");
/// assert_eq!(root.attribute(None, "x"), Some("1"));
/// assert_eq!(root.child("urn:a", "b").unwrap().text(), "t&u");
/// assert_eq!(tree.position(root.elements().next().unwrap().span().unwrap().start).column, 24);
/// ```
pub struct Tree {
    text: String,
    encoding: Encoding,
    nodes: Vec<Record>,
    attributes: Vec<AttributeRecord>,
    names: Vec<Name>,
    decoded: String,
    root: u32,
    /// Counted from the position asked before (a reader asks in document order).
    positions: Positions,
    steps: u64,
}

/// An element of a [`Tree`]: a copyable handle.
#[derive(Clone, Copy)]
pub struct El<'a> {
    tree: &'a Tree,
    index: u32,
}

/// An attribute of an element of a [`Tree`].
#[derive(Clone, Copy)]
pub struct Attr<'a> {
    tree: &'a Tree,
    index: u32,
}

/// A node of a [`Tree`], as [`El::children`] gives it.
#[derive(Debug, Clone, Copy)]
pub enum NodeRef<'a> {
    /// An element.
    Element(El<'a>),
    /// Character data (references resolved, line ends normalised).
    Text(&'a str),
    /// The content of a `<![CDATA[...]]>` section.
    CData(&'a str),
    /// The content of a `<!-- ... -->` comment.
    Comment(&'a str),
    /// The content of a `<?target ...?>` processing instruction.
    ProcessingInstruction(&'a str),
    /// The content of the `<?xml ...?>` declaration.
    Declaration(&'a str),
}

impl Tree {
    /// Every name the document spells, each once.
    pub(crate) fn names_read(&self) -> &[Name] {
        &self.names
    }

    /// Reads a document with explicit limits.
    pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Tree, ParseError> {
        reader::read(bytes, options, Compact::default()).map(Tree::new)
    }

    /// [`Tree::parse`], taking the bytes: UTF-8 input becomes the tree's text in place, so a
    /// large descriptor is not held twice while it is read.
    ///
    /// ```
    /// let tree = tern_ovf::Tree::parse_owned(b"<a/>".to_vec(), &Default::default()).unwrap();
    /// assert_eq!(tree.source(), "<a/>");
    /// ```
    pub fn parse_owned(bytes: Vec<u8>, options: &ParseOptions) -> Result<Tree, ParseFailure> {
        reader::read_owned(bytes, options, Compact::default()).map(Tree::new)
    }

    fn new(read: Read<Compact>) -> Tree {
        let Read {
            text,
            encoding,
            out,
            names,
            steps,
            ..
        } = read;
        Tree {
            text,
            encoding,
            root: out.root.unwrap_or_default(),
            nodes: out.nodes,
            attributes: out.attributes,
            names,
            decoded: out.decoded,
            positions: Positions::default(),
            steps,
        }
    }

    /// The root element.
    pub fn root(&self) -> El<'_> {
        El {
            tree: self,
            index: self.root,
        }
    }

    /// The top-level nodes (declaration, comments, the root element...).
    pub fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> {
        Children {
            tree: self,
            next: 0,
            last: small(self.nodes.len()),
            at: 0,
            content_end: 0,
        }
    }

    /// The original text (decoded from UTF-16 if it was, without a byte order mark).
    pub fn source(&self) -> &str {
        &self.text
    }

    /// The encoding the document was read from.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Line and column of a byte offset in the original text (counted from the one asked
    /// before: asked in document order, they cost one pass over the text in all).
    pub fn position(&self, offset: usize) -> Position {
        self.positions.position(&self.text, offset)
    }

    /// The steps the reader took on namespace bindings and repeated-attribute checks: a
    /// small multiple of the input's attributes and elements whatever its shape (tests of
    /// linear cost count them instead of timing).
    pub fn reader_steps(&self) -> u64 {
        self.steps
    }

    fn record(&self, index: u32) -> Record {
        self.nodes.get(index as usize).copied().unwrap_or(Record {
            head: TEXT << KIND_SHIFT,
            start: 0,
            end: 0,
            a: 0,
            b: 0,
            c: NONE,
        })
    }

    // The index after the node at `index` and its descendants.
    fn after(&self, index: u32) -> u32 {
        let record = self.record(index);
        if record.head >> KIND_SHIFT == ELEMENT {
            record.b.max(index + 1)
        } else {
            index + 1
        }
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    // A text or markup value: in the text, or in the side buffer.
    fn value(&self, start: u32, end: u32, decoded: bool) -> &str {
        if decoded {
            self.decoded
                .get(start as usize..end as usize)
                .unwrap_or_default()
        } else {
            self.slice(start, end)
        }
    }

    fn node(&self, index: u32) -> NodeRef<'_> {
        let record = self.record(index);
        let kind = record.head >> KIND_SHIFT;
        if kind == ELEMENT {
            return NodeRef::Element(El { tree: self, index });
        }
        let value = self.value(record.a, record.b, record.head & DECODED != 0);
        match kind {
            CDATA => NodeRef::CData(value),
            COMMENT => NodeRef::Comment(value),
            PI => NodeRef::ProcessingInstruction(value),
            DECLARATION => NodeRef::Declaration(value),
            _ => NodeRef::Text(value),
        }
    }
}

impl<'a> El<'a> {
    /// The element name.
    pub fn name(self) -> &'a Name {
        let id = self.record().head & PAYLOAD;
        &self.tree.names[id as usize]
    }

    /// The attributes in document order (namespace declarations included).
    pub fn attributes(self) -> impl Iterator<Item = Attr<'a>> + 'a {
        let tree = self.tree;
        let first = self.record().c;
        let mut next = (first != NONE).then_some(first);
        std::iter::from_fn(move || {
            let index = next?;
            let record = tree.attributes.get(index as usize)?;
            next = (record.name & LAST == 0).then_some(index + 1);
            Some(Attr { tree, index })
        })
    }

    /// The value of the attribute `local` in `namespace` (`None` namespace: unqualified).
    pub fn attribute(self, namespace: Option<&str>, local: &str) -> Option<&'a str> {
        self.attributes()
            .find(|a| {
                let name = a.name();
                name.local == local && name.namespace.as_deref() == namespace
            })
            .map(Attr::value)
    }

    /// The child elements in document order.
    pub fn elements(self) -> impl Iterator<Item = El<'a>> + 'a {
        let tree = self.tree;
        let last = self.record().b;
        let mut next = self.index + 1;
        std::iter::from_fn(move || {
            while next < last {
                let index = next;
                next = tree.after(index);
                if tree.record(index).head >> KIND_SHIFT == ELEMENT {
                    return Some(El { tree, index });
                }
            }
            None
        })
    }

    /// The first child element named `local` in `namespace`.
    pub fn child(self, namespace: &str, local: &str) -> Option<El<'a>> {
        self.elements().find(|e| e.name().is(namespace, local))
    }

    /// The child nodes in document order, the whitespace between them included.
    pub fn children(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let record = self.record();
        // The content ends where the end tag starts (`<` is in no end tag but at its
        // start); `<a/>` has none.
        let content_end = if record.a < record.end {
            let tag = self.tree.slice(record.a, record.end);
            // A plain backward loop: the end tag is a few bytes long, shorter than what
            // `rfind`'s search sets up.
            record.a
                + tag
                    .as_bytes()
                    .iter()
                    .rposition(|&b| b == b'<')
                    .map_or(0, small)
        } else {
            record.a
        };
        Children {
            tree: self.tree,
            next: self.index + 1,
            last: record.b,
            at: record.a,
            content_end,
        }
    }

    /// The concatenated text and CDATA content of this element (not of descendants),
    /// borrowed when it is one node.
    pub fn text(self) -> Cow<'a, str> {
        // Most elements asked for their text hold one run of it: its record is the element's
        // only one (text runs are read whole, so no whitespace left implicit lies beside it).
        let record = self.record();
        if record.b == self.index + 2 {
            let child = self.tree.record(self.index + 1);
            if child.head >> KIND_SHIFT == TEXT {
                return Cow::Borrowed(self.tree.value(child.a, child.b, child.head & DECODED != 0));
            }
        }
        let mut parts = self.children().filter_map(|c| match c {
            NodeRef::Text(t) | NodeRef::CData(t) => Some(t),
            _ => None,
        });
        let Some(first) = parts.next() else {
            return Cow::Borrowed("");
        };
        let Some(second) = parts.next() else {
            return Cow::Borrowed(first);
        };
        let mut out = String::with_capacity(first.len() + second.len());
        out.push_str(first);
        out.push_str(second);
        parts.for_each(|p| out.push_str(p));
        Cow::Owned(out)
    }

    /// The span of the whole element (always there: the option is for parity with
    /// [`crate::Element::span`]).
    pub fn span(self) -> Option<Span> {
        let record = self.record();
        Some(Span::new(record.start as usize, record.end as usize))
    }

    /// The span of the start tag.
    pub fn start_span(self) -> Option<Span> {
        let record = self.record();
        Some(Span::new(record.start as usize, record.a as usize))
    }

    /// Line and column of the start tag.
    pub fn position(self) -> Position {
        self.tree.position(self.record().start as usize)
    }

    /// Shows `visit` this element and every element under it in document order, going into
    /// an element's children when `visit` returns `true` (one pass over the records).
    pub(crate) fn walk(self, visit: &mut dyn FnMut(El<'a>) -> bool) {
        let tree = self.tree;
        let last = tree.after(self.index);
        let mut index = self.index;
        while index < last {
            if tree.record(index).head >> KIND_SHIFT != ELEMENT {
                index += 1;
                continue;
            }
            index = if visit(El { tree, index }) {
                index + 1
            } else {
                tree.after(index)
            };
        }
    }

    /// The tree this element belongs to.
    pub fn tree(self) -> &'a Tree {
        self.tree
    }

    fn record(self) -> Record {
        self.tree.record(self.index)
    }
}

impl<'a> Attr<'a> {
    /// The attribute name.
    pub fn name(self) -> &'a Name {
        let id = self.record().name & NAME;
        &self.tree.names[id as usize]
    }

    /// The value with references resolved (normalised as XML 1.0 §3.3.3 says).
    pub fn value(self) -> &'a str {
        let record = self.record();
        self.tree
            .value(record.start, record.end, record.name & VALUE_DECODED != 0)
    }

    /// True for namespace declarations (`xmlns` and `xmlns:p`).
    pub fn is_namespace_declaration(self) -> bool {
        let name = self.name();
        (name.prefix.is_none() && name.local == "xmlns") || name.prefix.as_deref() == Some("xmlns")
    }

    fn record(self) -> AttributeRecord {
        self.tree
            .attributes
            .get(self.index as usize)
            .copied()
            .unwrap_or(AttributeRecord {
                name: LAST,
                start: 0,
                end: 0,
            })
    }
}

/// The children of an element: its records, and the gaps between their spans (whitespace
/// left implicit).
struct Children<'a> {
    tree: &'a Tree,
    next: u32,
    last: u32,
    /// Where the text read so far ends.
    at: u32,
    content_end: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        let tree = self.tree;
        if self.next < self.last {
            let record = tree.record(self.next);
            if record.start > self.at {
                let gap = tree.slice(self.at, record.start);
                self.at = record.start;
                return Some(NodeRef::Text(gap));
            }
            let node = tree.node(self.next);
            self.at = record.end;
            self.next = tree.after(self.next);
            return Some(node);
        }
        if self.content_end > self.at {
            let gap = tree.slice(self.at, self.content_end);
            self.at = self.content_end;
            return Some(NodeRef::Text(gap));
        }
        None
    }
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tree")
            .field("bytes", &self.text.len())
            .field("nodes", &self.nodes.len())
            .field("attributes", &self.attributes.len())
            .field("names", &self.names.len())
            .field("root", &self.root())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for El<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("El")
            .field("name", &self.name().qualified())
            .field("span", &self.span())
            .finish()
    }
}

impl fmt::Debug for Attr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attr")
            .field("name", &self.name().qualified())
            .field("value", &self.value())
            .finish()
    }
}

impl PartialEq for El<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.index == other.index
    }
}

impl Eq for El<'_> {}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
