//! The lossless document: the original text plus a tree of spans. Writing copies every
//! unedited element verbatim and regenerates only what was touched.

use std::io;

use tern_diag::{LineIndex, Position, Span};

use crate::encoding::Encoding;
use crate::error::{ParseError, ParseFailure};
use crate::escape;
use crate::node::{Attribute, Element, Node, Offsets, Raw, SourceId};
use crate::reader::{self, ParseOptions};

/// An XML document read without loss.
///
/// ```
/// let xml = "<?xml version='1.0'?>\n<a x = 'y'><!-- c --><b>t&amp;u</b></a>\n";
/// let doc = tern_ovf::Document::parse(xml.as_bytes()).unwrap();
/// assert_eq!(doc.root().name().local, "a");
/// assert_eq!(doc.to_bytes(), xml.as_bytes());
/// ```
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    source: SourceId,
    encoding: Encoding,
    bom: bool,
    nodes: Vec<Node>,
    lines: LineIndex,
}

impl Document {
    /// Reads a document with the default limits.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        Self::parse_with(bytes, &ParseOptions::default())
    }

    /// Reads a document with explicit limits.
    pub fn parse_with(bytes: &[u8], options: &ParseOptions) -> Result<Self, ParseError> {
        let parsed = reader::parse(bytes, options)?;
        Ok(Document {
            text: parsed.text,
            source: parsed.source,
            encoding: parsed.encoding,
            bom: parsed.bom,
            nodes: parsed.nodes,
            lines: parsed.lines,
        })
    }

    /// [`Document::parse_with`], taking the bytes: UTF-8 input becomes the document's text
    /// in place, so a large descriptor is not held twice while it is read.
    ///
    /// ```
    /// let doc = tern_ovf::Document::parse_owned(b"<a/>".to_vec(), &Default::default()).unwrap();
    /// assert_eq!(doc.to_bytes(), b"<a/>");
    /// ```
    pub fn parse_owned(bytes: Vec<u8>, options: &ParseOptions) -> Result<Self, ParseFailure> {
        let parsed = reader::parse_owned(bytes, options)?;
        Ok(Document {
            text: parsed.text,
            source: parsed.source,
            encoding: parsed.encoding,
            bom: parsed.bom,
            nodes: parsed.nodes,
            lines: parsed.lines,
        })
    }

    /// Reads `bytes` as [`Document::parse_with`] does, with the same errors, without
    /// keeping the tree: memory follows the nesting depth, not the size of the document.
    /// An unedited document is written back as its input, so a well-formed input is its own
    /// [`Document::to_bytes`].
    ///
    /// ```
    /// assert!(tern_ovf::Document::check(b"<a><b/></a>", &Default::default()).is_ok());
    /// assert!(tern_ovf::Document::check(b"<a><b></a>", &Default::default()).is_err());
    /// ```
    pub fn check(bytes: &[u8], options: &ParseOptions) -> Result<(), ParseError> {
        reader::check(bytes, options)
    }

    /// The root element.
    ///
    /// # Panics
    ///
    /// Never: the reader refuses documents without exactly one root element.
    pub fn root(&self) -> &Element {
        self.nodes
            .iter()
            .find_map(Node::as_element)
            .expect("a parsed document has exactly one root element")
    }

    /// The root element, for editing.
    ///
    /// # Panics
    ///
    /// Never: the reader refuses documents without exactly one root element.
    pub fn root_mut(&mut self) -> &mut Element {
        self.nodes
            .iter_mut()
            .find_map(Node::as_element_mut)
            .expect("a parsed document has exactly one root element")
    }

    /// The top-level nodes (declaration, comments, the root element...).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The original text (decoded from UTF-16 if it was, without a byte order mark).
    pub fn source(&self) -> &str {
        &self.text
    }

    /// The encoding the document was read from, and is written back in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The text a descriptor's bytes hold, as the reader decodes them (UTF-8, or UTF-16
    /// with a byte order mark or starting with `<`), for showing source lines of findings
    /// whose positions point into it; an encoding tern does not read is a [`ParseError`]
    /// naming it.
    ///
    /// ```
    /// let utf16: Vec<u8> = "\u{feff}<a/>".encode_utf16().flat_map(u16::to_le_bytes).collect();
    /// assert_eq!(tern_ovf::Document::decode(&utf16).unwrap(), "<a/>");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
        crate::encoding::decode(bytes).map(|d| d.text)
    }

    /// Line and column of a byte offset in the original text.
    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// Line and column of an element's start tag (1:1 for elements created in memory or
    /// read from another document).
    pub fn element_position(&self, element: &Element) -> Position {
        match element.start_span() {
            Some(s) if element.source == self.source => self.position(s.start),
            _ => Position::START,
        }
    }

    /// True when something was edited since reading (or reached for editing through
    /// [`Document::root_mut`]'s `children_mut`, `elements_mut`, setters...): then
    /// [`Document::to_bytes`] may differ from the input. False means it is the input.
    pub fn is_modified(&self) -> bool {
        self.nodes.iter().any(|n| match n {
            Node::Element(e) => e.is_modified() || e.source != self.source,
            other => other.span().is_none(),
        })
    }

    /// The document as bytes, in the encoding it was read from: identical to the input
    /// when nothing was edited.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::with_capacity(self.text.len());
        for node in &self.nodes {
            self.write_node(node, &mut s);
        }
        self.encoding.encode_owned(s, self.bom)
    }

    /// Writes [`Document::to_bytes`] to `out`.
    pub fn write_to(&self, out: &mut impl io::Write) -> io::Result<()> {
        out.write_all(&self.to_bytes())
    }

    fn raw(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }

    // The original bytes of a text or markup node, when it was read from this document and
    // not changed since.
    fn own(&self, raw: Option<Raw>) -> Option<&str> {
        raw.filter(|r| r.source == self.source)
            .map(|r| self.raw(r.span()))
    }

    fn write_node(&self, node: &Node, out: &mut String) {
        let raw = match node {
            Node::Element(e) => return self.write_element(e, out),
            Node::Text(t) => t.raw,
            Node::CData(m)
            | Node::Comment(m)
            | Node::ProcessingInstruction(m)
            | Node::Declaration(m) => m.raw,
        };
        if let Some(raw) = self.own(raw) {
            out.push_str(raw);
            return;
        }
        match node {
            Node::Element(_) => {}
            Node::Text(t) => escape::text(&t.value, out),
            Node::CData(m) => {
                // `]]>` cannot occur inside CDATA: split it across two sections.
                out.push_str("<![CDATA[");
                out.push_str(&m.value.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            Node::Comment(m) => {
                out.push_str("<!--");
                out.push_str(&m.value.replace("--", "- -"));
                out.push_str("-->");
            }
            Node::ProcessingInstruction(m) | Node::Declaration(m) => {
                // `?>` would end the instruction early.
                out.push_str("<?");
                out.push_str(&m.value.replace("?>", "? >"));
                out.push_str("?>");
            }
        }
    }

    fn write_element(&self, e: &Element, out: &mut String) {
        // Spans of an element read from another document point into another text.
        let (span, start_tag, end_tag) = if e.source == self.source {
            (e.span(), e.start_span(), e.end_span())
        } else {
            (None, None, None)
        };
        if let (false, false, Some(span)) = (e.start_dirty, e.content_dirty, span) {
            out.push_str(self.raw(span));
            return;
        }
        let self_closed = end_tag.is_none();
        let empty = e.children.is_empty();
        match (e.start_dirty, start_tag) {
            // A `<a/>` that gained children needs a new `<a>`.
            (false, Some(tag)) if !self_closed || empty => out.push_str(self.raw(tag)),
            _ => {
                out.push('<');
                out.push_str(&e.name.qualified());
                for attr in &e.attributes {
                    self.write_attribute(attr, start_tag.is_some(), out);
                }
                out.push_str(if empty && self_closed { "/>" } else { ">" });
            }
        }
        if empty && self_closed {
            return;
        }
        for child in &e.children {
            self.write_node(child, out);
        }
        if let Some(tag) = end_tag {
            out.push_str(self.raw(tag));
        } else {
            out.push_str("</");
            out.push_str(&e.name.qualified());
            out.push('>');
        }
    }

    // `own`: the attribute's span (if any) points into this document.
    fn write_attribute(&self, attr: &Attribute, own: bool, out: &mut String) {
        let (lead, quote) = match attr.raw.map(Offsets::span).filter(|_| own) {
            Some(span) if !attr.edited => {
                out.push_str(self.raw(span));
                return;
            }
            // An edited value keeps the spacing before it and its quote character.
            Some(span) => {
                let raw = self.raw(span);
                let lead = &raw[..raw.len() - raw.trim_start().len()];
                let quote = raw
                    .chars()
                    .rev()
                    .find(|c| *c == '"' || *c == '\'')
                    .unwrap_or('"');
                (lead, quote)
            }
            None => (" ", '"'),
        };
        out.push_str(if lead.is_empty() { " " } else { lead });
        out.push_str(&attr.name.qualified());
        out.push('=');
        out.push(quote);
        escape::attribute(&attr.value, out);
        out.push(quote);
    }
}
