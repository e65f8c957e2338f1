//! The lossless XML tree: elements, attributes, text and markup, each remembering the byte
//! span it came from so that untouched parts are written back verbatim.
//!
//! The tree is sealed like toml_edit's `Formatted<T>`: values are read through getters and
//! changed only through setters that mark what they touch as edited, so that whatever is
//! changed is written back and whatever is not is copied. Spans point into the text of the
//! document that read them ([`SourceId`]); a node moved into another document is written from
//! its values, never from the other document's bytes.

use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tern_diag::Span;

use crate::names;

/// A node of the document tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element with its attributes and children (boxed: text nodes, most of a
    /// document's nodes, stay small).
    Element(Box<Element>),
    /// Character data (entity and character references already resolved in `value`).
    Text(Text),
    /// A `<![CDATA[...]]>` section.
    CData(Markup),
    /// A `<!-- ... -->` comment.
    Comment(Markup),
    /// A `<?target ...?>` processing instruction.
    ProcessingInstruction(Markup),
    /// The `<?xml ...?>` declaration.
    Declaration(Markup),
}

/// A qualified name: the prefix as written and the namespace URI it is bound to. Its parts
/// read as fields (`name.local`, through [`NameParts`]); the parts are shared, so that the
/// thousands of elements a descriptor spells `rasd:InstanceID` hold one name between them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(Arc<Classified>);

/// The parts of a name and the class of its namespace, found once when the name is made:
/// the rules ask "is this an OVF element?" of every element, which is then an integer
/// comparison instead of comparing URIs as strings.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Classified {
    parts: NameParts,
    class: NamespaceClass,
    /// What the name may tell of the dialect ([`crate::dialect::name_facts`]): most names
    /// tell nothing, and the walk for quirks passes their elements by.
    facts: u8,
}

/// What a namespace URI is to the OVF vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NamespaceClass {
    /// No namespace.
    Unqualified,
    /// Any spelling of the OVF envelope namespace ([`names::is_ovf_namespace`]).
    Ovf,
    /// CIM ResourceAllocationSettingData ([`names::RASD`]).
    Rasd,
    /// CIM VirtualSystemSettingData ([`names::VSSD`]).
    Vssd,
    /// The other item namespaces: EPASD, SASD, with or without `.xsd`.
    Item,
    /// Anything else.
    Other,
}

impl NamespaceClass {
    /// The class of `namespace`.
    pub(crate) fn of(namespace: Option<&str>) -> Self {
        match namespace {
            None => NamespaceClass::Unqualified,
            Some(ns) if names::is_ovf_namespace(ns) => NamespaceClass::Ovf,
            Some(names::RASD) => NamespaceClass::Rasd,
            Some(names::VSSD) => NamespaceClass::Vssd,
            Some(ns) if names::is_item_namespace(ns) => NamespaceClass::Item,
            Some(_) => NamespaceClass::Other,
        }
    }
}

/// The parts of a [`Name`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameParts {
    /// The prefix as written (`rasd` in `rasd:Caption`), `None` when unprefixed.
    pub prefix: Option<Sym>,
    /// The local part.
    pub local: Sym,
    /// The namespace URI the name is bound to (`None`: no namespace). Shared: a document
    /// binds a handful of URIs to thousands of names.
    pub namespace: Option<Arc<str>>,
}

/// A part of a name (`rasd`, `Item`), shared by every name of a document that spells it:
/// a descriptor repeats a few dozen names on thousands of elements. Reads and compares as a
/// `&str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(Arc<str>);

/// An attribute: its name, unescaped value, and the original text when unedited. Attributes
/// are changed through their element ([`Element::set_attribute`]), which knows to regenerate
/// its start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub(crate) name: Name,
    pub(crate) value: String,
    /// Original text including the leading whitespace (`  ovf:id="x"`), in the text of the
    /// element's source; `None` for new ones.
    pub(crate) raw: Option<Offsets>,
    /// The value changed: written with the original spacing and quote, but the new value.
    pub(crate) edited: bool,
}

/// Character data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Shared: indentation and short values repeat across a document.
    pub(crate) value: Arc<str>,
    /// Where it was read; `None` for text created or changed in memory.
    pub(crate) raw: Option<Raw>,
}

/// Markup copied through untouched (comments, CDATA, processing instructions, declaration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markup {
    pub(crate) value: Box<str>,
    /// Where the whole markup was read; `None` for markup created or changed in memory.
    pub(crate) raw: Option<Raw>,
}

/// The bytes a text or markup node was read from (offsets as `u32`: the reader refuses
/// texts of 4 GiB or more, and a document's nodes are its most numerous values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Raw {
    pub(crate) source: SourceId,
    start: u32,
    end: u32,
}

/// The document text that spans point into: every parse draws a new id (a clone of a
/// document shares its text, and so its id). Nodes made in memory have [`SourceId::MEMORY`].
/// Never zero, so that an `Option<Raw>` costs nothing more than a `Raw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SourceId(NonZeroU64);

/// A span as two `u32` offsets (see [`Raw`]): half the size of a [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Offsets {
    start: u32,
    end: u32,
}

impl From<Span> for Offsets {
    fn from(span: Span) -> Offsets {
        Offsets {
            start: offset(span.start),
            end: offset(span.end),
        }
    }
}

impl Offsets {
    pub(crate) fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

/// Where a read element is: its start tag, its end tag (none when written `<a/>`, or when
/// an edit dropped it), as `u32` offsets in the text of its source (see [`Raw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tags {
    start: u32,
    start_end: u32,
    end_start: u32,
    end: u32,
}

/// An element. Unedited elements are written back as their original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub(crate) name: Name,
    pub(crate) attributes: Vec<Attribute>,
    pub(crate) children: Vec<Node>,
    /// The text the tags (and the attributes' spans) point into.
    pub(crate) source: SourceId,
    /// Where the element was read (`None` for elements created in memory).
    pub(crate) tags: Option<Tags>,
    /// The attributes changed: the start tag must be regenerated.
    pub(crate) start_dirty: bool,
    /// Some descendant changed: the content must be written child by child.
    pub(crate) content_dirty: bool,
}

impl Name {
    /// A name in `namespace` written with `prefix`.
    pub fn new(prefix: Option<&str>, local: &str, namespace: Option<&str>) -> Self {
        Name::from(NameParts {
            prefix: prefix.map(Sym::from),
            local: Sym::from(local),
            namespace: namespace.map(Arc::from),
        })
    }

    /// The same name with another local part.
    #[must_use]
    pub fn with_local(&self, local: &str) -> Self {
        Name::from(NameParts {
            local: Sym::from(local),
            ..NameParts::clone(self)
        })
    }

    /// Binds the name to another namespace (the name copied first if it is shared).
    pub(crate) fn set_namespace(&mut self, namespace: Option<Arc<str>>) {
        let inner = Arc::make_mut(&mut self.0);
        inner.class = NamespaceClass::of(namespace.as_deref());
        inner.parts.namespace = namespace;
    }

    /// The class of the name's namespace.
    pub(crate) fn class(&self) -> NamespaceClass {
        self.0.class
    }

    /// What the name may tell of the dialect ([`crate::dialect::name_facts`]).
    pub(crate) fn dialect_facts(&self) -> u8 {
        self.0.facts
    }

    /// In an OVF envelope namespace, or in none (oVirt's unqualified names).
    pub(crate) fn is_ovf_or_unqualified(&self) -> bool {
        matches!(
            self.0.class,
            NamespaceClass::Ovf | NamespaceClass::Unqualified
        )
    }

    /// In a namespace of item fields: RASD, EPASD, SASD (with or without `.xsd`), VSSD.
    pub(crate) fn is_field(&self) -> bool {
        matches!(
            self.0.class,
            NamespaceClass::Rasd | NamespaceClass::Vssd | NamespaceClass::Item
        )
    }

    /// The name as written (`prefix:local` or `local`).
    pub fn qualified(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }

    /// True when the name is `local` in `namespace`.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.local == local && self.namespace.as_deref() == Some(namespace)
    }
}

impl From<NameParts> for Name {
    fn from(parts: NameParts) -> Self {
        let class = NamespaceClass::of(parts.namespace.as_deref());
        let facts = crate::dialect::name_facts(&parts, class);
        Name(Arc::new(Classified {
            parts,
            class,
            facts,
        }))
    }
}

impl std::ops::Deref for Name {
    type Target = NameParts;
    fn deref(&self) -> &NameParts {
        &self.0.parts
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Name")
            .field("prefix", &self.prefix)
            .field("local", &self.local)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl Sym {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name part sharing `shared`'s text.
    pub(crate) fn shared(shared: &Arc<str>) -> Sym {
        Sym(Arc::clone(shared))
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Self {
        Sym(Arc::from(s))
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Self {
        Sym(Arc::from(s))
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SourceId {
    /// Nodes created in memory: no text of their own (a value the counter never reaches).
    pub(crate) const MEMORY: SourceId = SourceId(NonZeroU64::MAX);

    /// A new id for a freshly read text.
    pub(crate) fn fresh() -> SourceId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let next = NEXT.fetch_add(1, Ordering::Relaxed);
        SourceId(NonZeroU64::new(next).unwrap_or(NonZeroU64::MIN))
    }
}

/// A text offset as stored in the tree; the reader refuses texts whose offsets do not fit.
pub(crate) fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Raw {
    pub(crate) fn new(source: SourceId, span: Span) -> Raw {
        Raw {
            source,
            start: offset(span.start),
            end: offset(span.end),
        }
    }

    /// The bytes read.
    pub(crate) fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

impl Tags {
    /// An element whose start tag is at `tag`, without an end tag yet (`<a/>`).
    pub(crate) fn start(tag: Span) -> Tags {
        Tags {
            start: offset(tag.start),
            start_end: offset(tag.end),
            end_start: offset(tag.end),
            end: offset(tag.end),
        }
    }

    /// The end tag read at `tag`.
    pub(crate) fn close(&mut self, tag: Span) {
        self.end_start = offset(tag.start);
        self.end = offset(tag.end);
    }

    /// The whole element.
    pub(crate) fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// The start tag (`<a x="1">` or `<a/>`).
    pub(crate) fn start_tag(self) -> Span {
        Span::new(self.start as usize, self.start_end as usize)
    }

    /// The end tag; `None` when the element was written `<a/>` (an end tag is never empty).
    pub(crate) fn end_tag(self) -> Option<Span> {
        (self.end_start < self.end).then(|| Span::new(self.end_start as usize, self.end as usize))
    }

    /// Forgets the end tag (it is written anew).
    pub(crate) fn drop_end_tag(&mut self) {
        self.end_start = self.end;
    }
}

impl Attribute {
    /// A new attribute (written as `name="value"` with escaping).
    pub fn new(name: Name, value: impl Into<String>) -> Self {
        Attribute {
            name,
            value: value.into(),
            raw: None,
            edited: false,
        }
    }

    /// The attribute name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The value with references resolved.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Changes the value; the owner must regenerate its start tag (`start_dirty`).
    pub(crate) fn set_value(&mut self, value: impl Into<String>) {
        self.value = value.into();
        self.edited = true;
    }

    /// True for namespace declarations (`xmlns` and `xmlns:p`).
    pub fn is_namespace_declaration(&self) -> bool {
        (self.name.prefix.is_none() && self.name.local == "xmlns")
            || self.name.prefix.as_deref() == Some("xmlns")
    }
}

impl Text {
    /// New text (escaped when written).
    pub fn new(value: impl Into<String>) -> Self {
        Text {
            value: Arc::from(value.into()),
            raw: None,
        }
    }

    /// The text with entity and character references resolved.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Replaces the text; it is written escaped instead of copied.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.value = Arc::from(value.into());
        self.raw = None;
    }

    /// True for whitespace only (indentation between elements).
    pub fn is_whitespace(&self) -> bool {
        self.value.trim().is_empty()
    }
}

impl Markup {
    /// New markup: the content between the delimiters (`<!--` and `-->` for a comment...).
    pub fn new(value: impl Into<String>) -> Self {
        Markup {
            value: value.into().into_boxed_str(),
            raw: None,
        }
    }

    /// The content between the delimiters (for CDATA: the character data).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Replaces the content; it is written instead of the original bytes.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.value = value.into().into_boxed_str();
        self.raw = None;
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Self {
        Node::Element(Box::new(element))
    }
}

impl Node {
    /// The element, when this node is one.
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The element, mutably, when this node is one.
    pub fn as_element_mut(&mut self) -> Option<&mut Element> {
        match self {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The byte span the node was read from: `None` for nodes created in memory and for
    /// text or markup whose value was set since.
    pub fn span(&self) -> Option<Span> {
        match self {
            Node::Element(e) => e.span(),
            Node::Text(t) => t.raw.map(Raw::span),
            Node::CData(m)
            | Node::Comment(m)
            | Node::ProcessingInstruction(m)
            | Node::Declaration(m) => m.raw.map(Raw::span),
        }
    }
}

impl Element {
    /// A new, empty element (written `<name/>` until it gets children).
    pub fn new(name: Name) -> Self {
        Element {
            name,
            attributes: Vec::new(),
            children: Vec::new(),
            source: SourceId::MEMORY,
            tags: None,
            start_dirty: true,
            content_dirty: true,
        }
    }

    /// A copy of this element that has no place in any source: its own tags and attributes
    /// are written from their values and it reads as made in memory (position 1:1); its
    /// children are unchanged copies. Used for a new element modelled on an existing one.
    pub(crate) fn detached_copy(&self) -> Element {
        Element {
            source: SourceId::MEMORY,
            tags: None,
            start_dirty: true,
            content_dirty: true,
            ..self.clone()
        }
    }

    /// The element name (read-only: renaming would desynchronise the original tags).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The attributes in document order (namespace declarations included).
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// The child nodes in document order.
    pub fn children(&self) -> &[Node] {
        &self.children
    }

    /// The child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(Node::as_element)
    }

    /// The first child element named `local` in `namespace`.
    pub fn child(&self, namespace: &str, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.name.is(namespace, local))
    }

    /// The value of the attribute `local` in `namespace` (`None` namespace: unqualified).
    pub fn attribute(&self, namespace: Option<&str>, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name.local == local && a.name.namespace.as_deref() == namespace)
            .map(|a| a.value.as_str())
    }

    /// The concatenated text and CDATA content of this element (not of descendants).
    pub fn text(&self) -> String {
        self.text_ref().into_owned()
    }

    /// [`Element::text`], borrowed when the content is one text or CDATA node (a field's
    /// value usually is): no copy to read it.
    pub(crate) fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match &self.children[..] {
            [] => return "".into(),
            [Node::Text(t)] => return (&*t.value).into(),
            [Node::CData(m)] => return (&*m.value).into(),
            _ => {}
        }
        let mut out = String::new();
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(&t.value),
                Node::CData(m) => out.push_str(&m.value),
                _ => {}
            }
        }
        out.into()
    }

    /// The original span of the whole element (`None` for elements created in memory).
    pub fn span(&self) -> Option<Span> {
        self.tags.map(Tags::span)
    }

    /// The span of the start tag.
    pub fn start_span(&self) -> Option<Span> {
        self.tags.map(Tags::start_tag)
    }

    /// The span of the end tag (`None` for `<a/>` and elements created in memory).
    pub(crate) fn end_span(&self) -> Option<Span> {
        self.tags.and_then(Tags::end_tag)
    }

    /// True when this element was edited or made in memory, or its children were reached
    /// for editing (then some descendant may have changed, and the element is written child
    /// by child).
    pub fn is_modified(&self) -> bool {
        self.start_dirty || self.content_dirty
    }

    /// Sets (or adds) an attribute; the start tag is regenerated when written.
    pub fn set_attribute(&mut self, name: Name, value: impl Into<String>) {
        let value = value.into();
        self.start_dirty = true;
        if let Some(a) = self.attributes.iter_mut().find(|a| {
            a.name.local == name.local
                && a.name.namespace == name.namespace
                && a.name.prefix == name.prefix
        }) {
            a.set_value(value);
        } else {
            self.attributes.push(Attribute::new(name, value));
        }
    }

    /// Removes the attribute `local` in `namespace`; true when one was removed.
    pub fn remove_attribute(&mut self, namespace: Option<&str>, local: &str) -> bool {
        let before = self.attributes.len();
        self.attributes
            .retain(|a| !(a.name.local == local && a.name.namespace.as_deref() == namespace));
        let removed = self.attributes.len() != before;
        self.start_dirty |= removed;
        removed
    }

    /// Replaces the content with a single text node.
    pub fn set_text(&mut self, value: impl Into<String>) {
        self.children = vec![Node::Text(Text::new(value))];
        self.content_dirty = true;
    }

    /// Mutable access to the children; marks the content as edited, so that the element is
    /// written child by child: each child still unedited is copied, anything changed through
    /// the setters, added, removed or moved is written from its values.
    pub fn children_mut(&mut self) -> &mut Vec<Node> {
        self.content_dirty = true;
        &mut self.children
    }

    /// Mutable access to the child elements; marks the content as edited.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.content_dirty = true;
        self.children.iter_mut().filter_map(Node::as_element_mut)
    }

    /// The whitespace text that precedes the first child element, used to indent new children
    /// like their siblings (`"\n      "`).
    pub fn child_indent(&self) -> Option<&str> {
        let mut last_text = None;
        for child in &self.children {
            match child {
                Node::Text(t) if t.is_whitespace() => last_text = Some(&*t.value),
                Node::Element(_) => return last_text,
                _ => last_text = None,
            }
        }
        None
    }

    /// The prefix bound to `namespace` by a declaration on this element, if any.
    pub fn declared_prefix(&self, namespace: &str) -> Option<Option<&str>> {
        self.attributes
            .iter()
            .filter(|a| a.is_namespace_declaration() && a.value == namespace)
            .map(|a| {
                if a.name.prefix.is_none() {
                    None
                } else {
                    Some(a.name.local.as_str())
                }
            })
            .next()
    }
}
