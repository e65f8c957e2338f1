//! Builds the lossless tree from quick-xml's namespace-aware events, recording the byte span
//! of every node and refusing what a descriptor never needs (DTDs, custom entities, absurd
//! nesting or size).

use std::collections::HashSet;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::escape::{EscapeError, resolve_predefined_entity, unescape};
use quick_xml::events::attributes::Attribute as XmlAttribute;
use quick_xml::events::{BytesStart, Event};

use tern_diag::{LineIndex, Span};

use crate::encoding::{Decoded, Encoding};
use crate::error::{ParseError, ParseErrorKind, ParseFailure};
use crate::escape;
use crate::node::{Attribute, Element, Markup, Name, NameParts, Node, Raw, SourceId, Tags, Text};
use crate::scope::{Resolved, Scopes};

/// Limits applied while reading; the defaults suit any real descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Largest accepted input in bytes (default 64 MiB; real descriptors are < 1 MiB).
    pub max_size: usize,
    /// Deepest accepted element nesting (default 256).
    pub max_depth: usize,
}

/// The namespace of `xmlns` declarations (XML Namespaces 1.0 §3).
pub const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_size: 64 << 20,
            max_depth: 256,
        }
    }
}

/// The parsed pieces a [`crate::Document`] is made of.
pub(crate) struct Parsed {
    pub(crate) text: String,
    pub(crate) source: SourceId,
    pub(crate) encoding: Encoding,
    pub(crate) bom: bool,
    pub(crate) nodes: Vec<Node>,
    pub(crate) lines: LineIndex,
}

/// Reads `bytes` into a tree.
pub(crate) fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, ParseError> {
    check_size(bytes, options)?;
    // UTF-16 is decoded to text first: spans are offsets into the decoded text, lines and
    // columns (characters) are those of the document as an editor shows it.
    build(crate::encoding::decode(bytes)?, options).map_err(|(e, _)| e)
}

/// [`parse`], taking the bytes: UTF-8 input becomes the document's text without a copy. On
/// error, the text when the bytes could be decoded (to show the finding's source line).
pub(crate) fn parse_owned(bytes: Vec<u8>, options: &ParseOptions) -> Result<Parsed, ParseFailure> {
    let failed = |error, text| ParseFailure { error, text };
    if let Err(e) = check_size(&bytes, options) {
        return Err(failed(e, None));
    }
    let decoded = crate::encoding::decode_owned(bytes).map_err(|(e, _)| failed(e, None))?;
    build(decoded, options).map_err(|(e, text)| failed(e, Some(text)))
}

// The tree keeps offsets as `u32` (`node::Raw`): whatever `max_size` says, a text of 4 GiB
// or more is refused (checked on the bytes, and again on a text decoded from UTF-16).
fn check_size(bytes: &[u8], options: &ParseOptions) -> Result<(), ParseError> {
    let limit = options.max_size.min(MAX_TEXT);
    if bytes.len() > limit {
        return Err(error_at(
            "",
            &LineIndex::default(),
            Span::new(0, 0),
            ParseErrorKind::TooLarge {
                size: bytes.len(),
                limit,
            },
        ));
    }
    Ok(())
}

/// The largest text the tree's `u32` offsets can point into.
const MAX_TEXT: usize = u32::MAX as usize - 1;

// The tree of a decoded text; on error, the text back.
fn build(decoded: Decoded, options: &ParseOptions) -> Result<Parsed, (ParseError, String)> {
    let Decoded {
        text,
        encoding,
        bom,
    } = decoded;
    if text.len() > MAX_TEXT {
        let kind = ParseErrorKind::TooLarge {
            size: text.len(),
            limit: MAX_TEXT,
        };
        return Err((
            error_at("", &LineIndex::default(), Span::new(0, 0), kind),
            text,
        ));
    }
    let lines = LineIndex::new(&text);
    let source = SourceId::fresh();
    let built = Builder {
        text: &text,
        source,
        lines: &lines,
        options,
        keep: true,
    }
    .build();
    let nodes = match built {
        Ok(nodes) => nodes,
        Err(e) => return Err((e, text)),
    };
    Ok(Parsed {
        text,
        source,
        encoding,
        bom,
        nodes,
        lines,
    })
}

/// Reads `bytes` as [`parse`] does, with the same errors, without keeping the tree: memory
/// follows the nesting depth and the largest start tag, not the document.
pub(crate) fn check(bytes: &[u8], options: &ParseOptions) -> Result<(), ParseError> {
    check_size(bytes, options)?;
    let (text, _, _) = crate::encoding::decode_borrowed(bytes)?;
    let lines = LineIndex::new(&text);
    Builder {
        text: &text,
        source: SourceId::MEMORY,
        lines: &lines,
        options,
        keep: false,
    }
    .build()
    .map(drop)
}

struct Builder<'a> {
    text: &'a str,
    source: SourceId,
    lines: &'a LineIndex,
    options: &'a ParseOptions,
    /// False: nodes inside the root element are checked and dropped ([`check`]).
    keep: bool,
}

impl<'a> Builder<'a> {
    fn build(&self) -> Result<Vec<Node>, ParseError> {
        let mut reader = Reader::from_str(self.text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;

        let mut top: Vec<Node> = Vec::new();
        // The open elements, each with where its children start in `children`: the children
        // of all open elements share one vector and move to their element, at its end tag,
        // in one allocation of the exact size.
        let mut stack: Vec<(Element, usize)> = Vec::new();
        let mut children: Vec<Node> = Vec::new();
        let mut scopes = Scopes::default();
        let mut texts = Texts::default();
        loop {
            let start = pos(reader.buffer_position());
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let at = pos(reader.error_position());
                    return Err(self.err(Span::new(at, at + 1), syntax_kind(&e)));
                }
            };
            let span = Span::new(start, pos(reader.buffer_position()));
            // quick-xml splits text at every reference: the run is gathered and becomes one
            // Text node when something else comes.
            match &event {
                Event::Text(_) => {
                    // End-of-line handling (XML 1.0 §2.11): CR LF and a lone CR read as LF.
                    let raw = &self.text[span.range()];
                    if raw.contains('\r') {
                        let value = raw.replace("\r\n", "\n").replace('\r', "\n");
                        texts.push(self.text, Some(&value), span);
                    } else {
                        texts.push(self.text, None, span);
                    }
                    continue;
                }
                Event::GeneralRef(r) => {
                    texts.push(self.text, Some(&self.reference(r, span)?), span);
                    continue;
                }
                _ => {
                    if let Some(text) = texts.take(self.text, self.source) {
                        match stack.last() {
                            Some(_) if self.keep => children.push(text),
                            Some(_) => {}
                            None => top.push(text),
                        }
                    }
                }
            }
            let node = match event {
                Event::Start(e) => {
                    self.check_depth(stack.len(), span)?;
                    stack.push((self.element(&mut scopes, &e, span)?, children.len()));
                    continue;
                }
                Event::Empty(e) => {
                    self.check_depth(stack.len(), span)?;
                    let element = self.element(&mut scopes, &e, span)?;
                    scopes.close();
                    Node::from(element)
                }
                Event::End(_) => {
                    let Some((mut element, first)) = stack.pop() else {
                        return Err(
                            self.err(span, ParseErrorKind::Syntax("unmatched end tag".into()))
                        );
                    };
                    scopes.close();
                    if let Some(tags) = &mut element.tags {
                        tags.close(span);
                    }
                    element.children = children.drain(first..).collect();
                    Node::from(element)
                }
                // Gathered above.
                Event::Text(_) | Event::GeneralRef(_) => continue,
                Event::CData(c) => Node::CData(self.markup(&c.into_inner(), span)),
                Event::Comment(c) => Node::Comment(self.markup(&c.into_inner(), span)),
                Event::PI(p) => Node::ProcessingInstruction(self.markup(&p.into_inner(), span)),
                Event::Decl(d) => Node::Declaration(self.markup(&d, span)),
                Event::DocType(_) => return Err(self.err(span, ParseErrorKind::Dtd)),
                Event::Eof => break,
            };
            match stack.last() {
                Some(_) if self.keep => children.push(node),
                Some(_) => {}
                None => top.push(node),
            }
        }
        if let Some((open, _)) = stack.pop() {
            let span = open.start_span().unwrap_or_default();
            return Err(self.err(
                span,
                ParseErrorKind::Syntax(format!(
                    "element <{}> is never closed",
                    open.name.qualified()
                )),
            ));
        }
        self.check_top_level(&top)?;
        Ok(top)
    }

    fn check_depth(&self, depth: usize, span: Span) -> Result<(), ParseError> {
        if depth >= self.options.max_depth {
            return Err(self.err(
                span,
                ParseErrorKind::TooDeep {
                    limit: self.options.max_depth,
                },
            ));
        }
        Ok(())
    }

    fn check_top_level(&self, top: &[Node]) -> Result<(), ParseError> {
        let mut roots = 0;
        for node in top {
            match node {
                Node::Element(_) => roots += 1,
                Node::Text(t) if !t.is_whitespace() => {
                    return Err(self.err(
                        t.raw.map(Raw::span).unwrap_or_default(),
                        ParseErrorKind::Syntax("text outside the root element".into()),
                    ));
                }
                _ => {}
            }
        }
        if roots == 1 {
            Ok(())
        } else {
            let at = top
                .iter()
                .filter_map(Node::as_element)
                .nth(1)
                .and_then(Element::span)
                .unwrap_or(Span::new(self.text.len(), self.text.len()));
            Err(self.err(at, ParseErrorKind::NoRoot))
        }
    }

    // A start tag: its namespace declarations open a scope (closed by the caller at the end
    // tag), then the element and attribute names are resolved in it. Repeated attributes are
    // found with a hash set: an element with 100 000 attributes is read in linear time.
    fn element(
        &self,
        scopes: &mut Scopes<'a>,
        start: &BytesStart<'_>,
        span: Span,
    ) -> Result<Element, ParseError> {
        let raw_attrs = attribute_spans(self.text, span);
        let mut read: Vec<(&str, String, Span)> = Vec::new();
        let mut seen = HashSet::new();
        for (index, attr) in start.attributes().with_checks(false).enumerate() {
            let attr_span = raw_attrs.get(index).copied().unwrap_or(span);
            let attr =
                attr.map_err(|e| self.err(attr_span, ParseErrorKind::Syntax(e.to_string())))?;
            let key = self.slice(attr.key.into_inner());
            // A few attributes are compared directly; beyond, through a set of them all.
            let repeated = if read.len() < 16 {
                read.iter().any(|(k, _, _)| *k == key)
            } else {
                if seen.is_empty() {
                    seen.extend(read.iter().map(|(k, _, _)| *k));
                }
                !seen.insert(key)
            };
            if repeated {
                return Err(self.err(
                    attr_span,
                    ParseErrorKind::Syntax(format!("attribute `{key}` is repeated")),
                ));
            }
            let value = self.value(&attr, attr_span)?;
            read.push((key, value, attr_span));
        }
        let declarations = read.iter().filter_map(|(key, value, _)| {
            let prefix = if *key == "xmlns" {
                ""
            } else {
                key.strip_prefix("xmlns:")?
            };
            Some((prefix, value.as_str()))
        });
        scopes.open(declarations).map_err(|e| {
            self.err(
                span,
                ParseErrorKind::Syntax(quick_xml::Error::Namespace(e).to_string()),
            )
        })?;
        let name = self.name(scopes, self.slice(start.name().into_inner()), true, span)?;
        let mut attributes = Vec::with_capacity(read.len());
        for (key, value, attr_span) in read {
            let name = if key == "xmlns" || key.starts_with("xmlns:") {
                let (prefix, local) = match key.split_once(':') {
                    Some((_, local)) => (Some(scopes.name("xmlns")), scopes.name(local)),
                    None => (None, scopes.name("xmlns")),
                };
                Name::from(NameParts {
                    prefix,
                    local,
                    namespace: Some(scopes.intern(XMLNS_NAMESPACE)),
                })
            } else {
                self.name(scopes, key, false, attr_span)?
            };
            attributes.push(Attribute {
                name,
                value,
                raw: Some(attr_span.into()),
                edited: false,
            });
        }
        Ok(Element {
            name,
            attributes,
            children: Vec::new(),
            source: self.source,
            tags: Some(Tags::start(span)),
            start_dirty: false,
            content_dirty: false,
        })
    }

    // An attribute value as XML reads it: normalised (§3.3.3), references resolved.
    fn value(&self, attr: &XmlAttribute<'_>, span: Span) -> Result<String, ParseError> {
        let literal = normalize_attribute(self.slice(&attr.value));
        let value = unescape(&literal).map_err(|e| self.err(span, value_error_kind_escape(&e)))?;
        check_char_refs(&value).map_err(|kind| self.err(span, kind))?;
        Ok(value.into_owned())
    }

    fn name(
        &self,
        scopes: &mut Scopes<'a>,
        qualified: &str,
        element: bool,
        span: Span,
    ) -> Result<Name, ParseError> {
        if let Some(known) = scopes.recent(qualified, element) {
            return Ok(known);
        }
        let (prefix, local) = match qualified.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, qualified),
        };
        let namespace = match scopes.resolve(prefix, element) {
            Resolved::Bound(ns) => Some(ns),
            Resolved::Unbound => None,
            Resolved::Unknown => {
                return Err(self.err(
                    span,
                    ParseErrorKind::UnboundPrefix(prefix.unwrap_or_default().to_string()),
                ));
            }
        };
        // Names are remembered by their place in the text (always, for a reader over it).
        let Some(key) = self.anchored(qualified.as_bytes()) else {
            return Ok(Name::new(prefix, local, namespace.as_deref()));
        };
        let name = scopes.qualified(key, prefix, local, namespace);
        scopes.remember(key, element, &name);
        Ok(name)
    }

    fn reference(
        &self,
        r: &quick_xml::events::BytesRef<'_>,
        span: Span,
    ) -> Result<String, ParseError> {
        let name = lossy(r);
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if escape::is_xml_char(c) => Ok(c.to_string()),
                _ => Err(self.err(span, ParseErrorKind::InvalidCharRef(name))),
            };
        }
        resolve_predefined_entity(&name)
            .map(str::to_string)
            .ok_or_else(|| self.err(span, ParseErrorKind::UndefinedEntity(name)))
    }

    // A slice quick-xml hands back, as the text it was cut from (no second UTF-8 check: it
    // is a part of `self.text`, cut at ASCII delimiters, as a reader over a `&str` hands
    // back); a slice from elsewhere is checked.
    fn slice<'s>(&self, part: &'s [u8]) -> &'s str
    where
        'a: 's,
    {
        self.anchored(part).unwrap_or_else(|| text(part))
    }

    // `part` as the same bytes of `self.text`, when it is a part of it.
    fn anchored(&self, part: &[u8]) -> Option<&'a str> {
        let start = (part.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let text: &'a str = self.text;
        text.get(start..start.checked_add(part.len())?)
    }

    fn raw(&self, span: Span) -> Raw {
        Raw::new(self.source, span)
    }

    fn markup(&self, content: &[u8], span: Span) -> Markup {
        Markup {
            value: lossy(content).into_boxed_str(),
            raw: Some(self.raw(span)),
        }
    }

    fn err(&self, span: Span, kind: ParseErrorKind) -> ParseError {
        error_at(self.text, self.lines, span, kind)
    }
}

fn error_at(text: &str, lines: &LineIndex, span: Span, kind: ParseErrorKind) -> ParseError {
    ParseError {
        kind,
        span,
        position: lines.position(text, span.start),
    }
}

/// The text run being read (quick-xml splits text at every reference), and the last
/// indentations seen: whitespace between elements repeats across a descriptor, and is
/// stored once.
#[derive(Default)]
struct Texts {
    /// The span of the run, and its value when it is not the span's text as it stands.
    run: Option<(Span, Option<String>)>,
    recent: Vec<Arc<str>>,
    next: usize,
    /// The last short values seen (`10`, `true`, `byte * 2^20`, a network's name): kept
    /// apart from the indentations, which they would otherwise push out.
    values: Vec<Arc<str>>,
    next_value: usize,
}

impl Texts {
    /// The indentations remembered (compared directly, no hashing).
    const RECENT: usize = 8;
    /// The longest value shared through the recent list.
    const SHORT: usize = 16;

    /// Adds a piece: `value` is what the text at `span` reads as; `None` when it is the
    /// text itself.
    fn push(&mut self, text: &str, value: Option<&str>, span: Span) {
        match &mut self.run {
            Some((at, owned)) if at.end == span.start => {
                let run = owned.get_or_insert_with(|| text[at.range()].to_string());
                run.push_str(value.unwrap_or(&text[span.range()]));
                at.end = span.end;
            }
            _ => self.run = Some((span, value.map(str::to_string))),
        }
    }

    /// The run read so far as one Text node.
    fn take(&mut self, text: &str, source: SourceId) -> Option<Node> {
        let (span, owned) = self.run.take()?;
        let run = owned.as_deref().unwrap_or(&text[span.range()]);
        let value = if run.bytes().all(|b| b.is_ascii_whitespace()) {
            Self::shared(&mut self.recent, &mut self.next, run)
        } else if run.len() <= Self::SHORT {
            Self::shared(&mut self.values, &mut self.next_value, run)
        } else {
            Arc::from(run)
        };
        Some(Node::Text(Text {
            value,
            raw: Some(Raw::new(source, span)),
        }))
    }

    // The shared copy of `run` in a list of recent ones (replaced in turn).
    fn shared(recent: &mut Vec<Arc<str>>, next: &mut usize, run: &str) -> Arc<str> {
        if let Some(known) = recent.iter().find(|r| ***r == *run) {
            return Arc::clone(known);
        }
        let new: Arc<str> = Arc::from(run);
        if recent.len() < Self::RECENT {
            recent.push(Arc::clone(&new));
        } else {
            recent[*next] = Arc::clone(&new);
            *next = (*next + 1) % Self::RECENT;
        }
        new
    }
}

fn syntax_kind(e: &quick_xml::Error) -> ParseErrorKind {
    match e {
        quick_xml::Error::Escape(esc) => value_error_kind_escape(esc),
        other => ParseErrorKind::Syntax(other.to_string()),
    }
}

fn value_error_kind_escape(e: &EscapeError) -> ParseErrorKind {
    match e {
        EscapeError::UnrecognizedEntity(_, name) => ParseErrorKind::UndefinedEntity(name.clone()),
        other => ParseErrorKind::Syntax(other.to_string()),
    }
}

/// Attribute-value normalisation (XML 1.0 §3.3.3, every attribute being CDATA without a
/// DTD): each literal tab, line feed, carriage return or CR LF pair becomes one space, so a
/// value reads as any conforming reader reads it. Character references (`&#10;`) are
/// resolved afterwards and keep their character: that is how a writer keeps a line break.
fn normalize_attribute(literal: &str) -> std::borrow::Cow<'_, str> {
    if !literal.contains(['\t', '\n', '\r']) {
        return literal.into();
    }
    literal
        .replace("\r\n", " ")
        .replace(['\t', '\n', '\r'], " ")
        .into()
}

fn check_char_refs(value: &str) -> Result<(), ParseErrorKind> {
    match escape::first_non_xml_char(value) {
        Some(c) => Err(ParseErrorKind::InvalidCharRef(format!("#x{:X}", c as u32))),
        None => Ok(()),
    }
}

// The input was decoded to text, so the slices quick-xml hands back are too (cut at ASCII
// delimiters); the replacement only guards the invariant.
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("\u{fffd}")
}

// As `text`, owned.
fn lossy(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(
        |_| String::from_utf8_lossy(bytes).into_owned(),
        str::to_string,
    )
}

fn pos(p: u64) -> usize {
    usize::try_from(p).unwrap_or(usize::MAX)
}

/// Splits the raw start tag at `tag` into one span per attribute, each including the
/// whitespace before it, so an unedited attribute keeps its quotes and spacing.
fn attribute_spans(text: &str, tag: Span) -> Vec<Span> {
    let bytes = text.as_bytes();
    let end = tag.end;
    let mut i = tag.start + 1;
    while i < end && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let mut spans = Vec::new();
    loop {
        let seg = i;
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end || bytes[i] == b'>' || bytes[i] == b'/' {
            return spans;
        }
        while i < end && bytes[i] != b'=' {
            i += 1;
        }
        i += 1;
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end {
            return spans;
        }
        let quote = bytes[i];
        i += 1;
        while i < end && bytes[i] != quote {
            i += 1;
        }
        i += 1;
        spans.push(Span::new(seg, i.min(end)));
    }
}
