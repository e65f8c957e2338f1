//! The one XML reader of tern-ovf: quick-xml's events, checked (well-formedness, namespaces,
//! references, the refusals a descriptor never needs: DTDs, custom entities, absurd nesting
//! or size) and handed with their byte spans to a [`Sink`]. Three sinks: the lossless tree
//! ([`crate::Document`]), nothing ([`check`]) and the compact tree ([`crate::Tree`]), so the
//! three read alike, with the same errors at the same places.

use std::borrow::Cow;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::escape::{EscapeError, resolve_predefined_entity, unescape};
use quick_xml::events::attributes::Attribute as XmlAttribute;
use quick_xml::events::{BytesStart, Event};

use tern_diag::{LineIndex, Span};

use crate::encoding::{Decoded, Encoding};
use crate::error::{ParseError, ParseErrorKind, ParseFailure};
use crate::escape;
use crate::hash::HashSet;
use crate::node::{Attribute, Element, Markup, Name, Node, Raw, SourceId, Tags, Text};
use crate::scope::{Resolved, Scopes, same_text};

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

/// What the reader hands a [`Sink`]: one call per node, in document order.
pub(crate) trait Sink {
    /// A start tag; `tag.empty`: written `<a/>`, no [`Sink::end`] follows. The sink may
    /// take the attributes out of `tag.attributes`.
    fn start(&mut self, text: &str, names: &Scopes<'_>, tag: Tag<'_>)
    -> Result<(), ParseErrorKind>;
    /// The end tag (at `span`) of the innermost open element.
    fn end(&mut self, span: Span);
    /// A run of character data (references resolved, line ends normalised).
    fn text(&mut self, text: &str, run: TextRun);
    /// A comment, CDATA section, processing instruction or declaration: `content` is what
    /// lies between its delimiters.
    fn markup(&mut self, text: &str, kind: MarkupKind, content: Value, span: Span);
    /// The text about to be read (to size what the sink keeps).
    fn begin(&mut self, _text: &str) {}
}

/// A start tag as the reader hands it to a [`Sink`].
pub(crate) struct Tag<'r> {
    /// The element's name (an id of [`Scopes`]).
    pub(crate) name: u32,
    /// Its attributes in document order, namespace declarations included.
    pub(crate) attributes: &'r mut Vec<ReadAttribute>,
    /// The whole start tag.
    pub(crate) span: Span,
    /// Written `<a/>`.
    pub(crate) empty: bool,
}

/// An attribute as the reader hands it to a [`Sink`].
pub(crate) struct ReadAttribute {
    /// Where its name is written.
    key: Span,
    /// Its name (an id of [`Scopes`]).
    pub(crate) name: u32,
    /// Its value, normalised and with references resolved.
    pub(crate) value: Value,
    /// The attribute with the whitespace before it.
    pub(crate) span: Span,
}

/// A run of character data as the reader hands it to a [`Sink`].
pub(crate) struct TextRun {
    /// Where it is written.
    pub(crate) span: Span,
    /// What it reads as (a part of the text, or decoded), `None` when that is the text at
    /// `span`.
    pub(crate) value: Option<Value>,
    /// The text at `span` is spaces, tabs and line feeds only, and reads as it stands.
    pub(crate) blank: bool,
    /// Within the root element (else between top-level nodes).
    pub(crate) inside: bool,
}

/// A value the reader read: the text at a span as it stands, or decoded (references,
/// normalisation) into a string of its own.
pub(crate) enum Value {
    /// The text at this span.
    Raw(Span),
    /// Decoded.
    Decoded(String),
}

/// The kinds of markup copied through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkupKind {
    CData,
    Comment,
    ProcessingInstruction,
    Declaration,
}

impl Value {
    /// The value as a string slice of `text` or of its own.
    pub(crate) fn as_str<'v>(&'v self, text: &'v str) -> &'v str {
        match self {
            Value::Raw(span) => text.get(span.range()).unwrap_or_default(),
            Value::Decoded(s) => s,
        }
    }

    /// The value, owned.
    pub(crate) fn into_string(self, text: &str) -> String {
        match self {
            Value::Raw(span) => text.get(span.range()).unwrap_or_default().to_string(),
            Value::Decoded(s) => s,
        }
    }
}

/// What reading a decoded text gave: the sink's result, the names it refers to by id, and
/// the reader's steps (see [`Scopes::steps`]).
pub(crate) struct Read<T> {
    pub(crate) text: String,
    pub(crate) encoding: Encoding,
    pub(crate) bom: bool,
    pub(crate) out: T,
    pub(crate) names: Vec<Name>,
    pub(crate) steps: u64,
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

impl Parsed {
    fn new(read: Read<Vec<Node>>, source: SourceId) -> Parsed {
        let lines = LineIndex::new(&read.text);
        Parsed {
            text: read.text,
            source,
            encoding: read.encoding,
            bom: read.bom,
            nodes: read.out,
            lines,
        }
    }
}

/// Reads `bytes` into a tree.
pub(crate) fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, ParseError> {
    let source = SourceId::fresh();
    let read = read(bytes, options, Lossless::new(source))?;
    Ok(Parsed::new(read, source))
}

/// [`parse`], taking the bytes: UTF-8 input becomes the document's text without a copy. On
/// error, the text when the bytes could be decoded (to show the finding's source line).
pub(crate) fn parse_owned(bytes: Vec<u8>, options: &ParseOptions) -> Result<Parsed, ParseFailure> {
    let source = SourceId::fresh();
    let read = read_owned(bytes, options, Lossless::new(source))?;
    Ok(Parsed::new(read, source))
}

/// Reads `bytes` into `sink`.
pub(crate) fn read<S: Sink + Finish>(
    bytes: &[u8],
    options: &ParseOptions,
    sink: S,
) -> Result<Read<S::Out>, ParseError> {
    check_size(bytes, options)?;
    // UTF-16 is decoded to text first: spans are offsets into the decoded text, lines and
    // columns (characters) are those of the document as an editor shows it.
    build(crate::encoding::decode(bytes)?, options, sink).map_err(|(e, _)| e)
}

/// [`read`], taking the bytes (UTF-8 input becomes the text without a copy); on error, the
/// text when the bytes could be decoded.
pub(crate) fn read_owned<S: Sink + Finish>(
    bytes: Vec<u8>,
    options: &ParseOptions,
    sink: S,
) -> Result<Read<S::Out>, ParseFailure> {
    let failed = |error, text| ParseFailure { error, text };
    if let Err(e) = check_size(&bytes, options) {
        return Err(failed(e, None));
    }
    let decoded = crate::encoding::decode_owned(bytes).map_err(|(e, _)| failed(e, None))?;
    build(decoded, options, sink).map_err(|(e, text)| failed(e, Some(text)))
}

/// A sink's result, once the whole text is read.
pub(crate) trait Finish {
    /// What the sink made.
    type Out;
    /// The result.
    fn finish(self) -> Self::Out;
}

// The tree keeps offsets as `u32` (`node::Raw`): whatever `max_size` says, a text of 4 GiB
// or more is refused (checked on the bytes, and again on a text decoded from UTF-16).
fn check_size(bytes: &[u8], options: &ParseOptions) -> Result<(), ParseError> {
    let limit = options.max_size.min(MAX_TEXT);
    if bytes.len() > limit {
        return Err(error_at(
            "",
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

// The sink's result over a decoded text; on error, the text back.
fn build<S: Sink + Finish>(
    decoded: Decoded,
    options: &ParseOptions,
    mut sink: S,
) -> Result<Read<S::Out>, (ParseError, String)> {
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
        return Err((error_at("", Span::new(0, 0), kind), text));
    }
    // The scopes (which borrow the text) are done with before the text moves on.
    let built = (Builder {
        text: &text,
        options,
    })
    .build(&mut sink)
    .map(|scopes| (scopes.steps, scopes.into_names()));
    let (steps, names) = match built {
        Ok(read) => read,
        Err(e) => return Err((e, text)),
    };
    Ok(Read {
        out: sink.finish(),
        text,
        encoding,
        bom,
        names,
        steps,
    })
}

/// Reads `bytes` as [`parse`] does, with the same errors, without keeping the tree: memory
/// follows the nesting depth and the largest start tag, not the document.
pub(crate) fn check(bytes: &[u8], options: &ParseOptions) -> Result<(), ParseError> {
    check_size(bytes, options)?;
    let (text, _, _) = crate::encoding::decode_borrowed(bytes)?;
    Builder {
        text: &text,
        options,
    }
    .build(&mut Nothing)
    .map(drop)
}

/// The sink of [`check`]: keeps nothing.
struct Nothing;

impl Sink for Nothing {
    fn start(&mut self, _: &str, _: &Scopes<'_>, _: Tag<'_>) -> Result<(), ParseErrorKind> {
        Ok(())
    }
    fn end(&mut self, _: Span) {}
    fn text(&mut self, _: &str, _: TextRun) {}
    fn markup(&mut self, _: &str, _: MarkupKind, _: Value, _: Span) {}
}

/// The sink of the lossless tree ([`crate::Document`]).
struct Lossless {
    source: SourceId,
    top: Vec<Node>,
    // The open elements, each with where its children start in `children`: the children of
    // all open elements share one vector and move to their element, at its end tag, in one
    // allocation of the exact size.
    stack: Vec<(Element, usize)>,
    children: Vec<Node>,
    texts: Texts,
}

impl Lossless {
    fn new(source: SourceId) -> Lossless {
        Lossless {
            source,
            top: Vec::new(),
            stack: Vec::new(),
            children: Vec::new(),
            texts: Texts::default(),
        }
    }

    fn push(&mut self, node: Node) {
        if self.stack.is_empty() {
            self.top.push(node);
        } else {
            self.children.push(node);
        }
    }
}

impl Finish for Lossless {
    type Out = Vec<Node>;
    fn finish(self) -> Vec<Node> {
        self.top
    }
}

impl Sink for Lossless {
    fn start(
        &mut self,
        text: &str,
        names: &Scopes<'_>,
        tag: Tag<'_>,
    ) -> Result<(), ParseErrorKind> {
        let attributes = tag
            .attributes
            .drain(..)
            .map(|a| Attribute {
                name: names.get(a.name).clone(),
                value: a.value.into_string(text),
                raw: Some(a.span.into()),
                edited: false,
            })
            .collect();
        let element = Element {
            name: names.get(tag.name).clone(),
            attributes,
            children: Vec::new(),
            source: self.source,
            tags: Some(Tags::start(tag.span)),
            start_dirty: false,
            content_dirty: false,
        };
        if tag.empty {
            self.push(Node::from(element));
        } else {
            self.stack.push((element, self.children.len()));
        }
        Ok(())
    }

    fn end(&mut self, span: Span) {
        if let Some((mut element, first)) = self.stack.pop() {
            if let Some(tags) = &mut element.tags {
                tags.close(span);
            }
            element.children = self.children.drain(first..).collect();
            self.push(Node::from(element));
        }
    }

    fn text(&mut self, text: &str, run: TextRun) {
        let value = run.value.as_ref().map(|v| v.as_str(text));
        let node = self.texts.node(text, run.span, value, self.source);
        self.push(node);
    }

    fn markup(&mut self, text: &str, kind: MarkupKind, content: Value, span: Span) {
        let markup = Markup {
            value: content.into_string(text).into_boxed_str(),
            raw: Some(Raw::new(self.source, span)),
        };
        self.push(match kind {
            MarkupKind::CData => Node::CData(markup),
            MarkupKind::Comment => Node::Comment(markup),
            MarkupKind::ProcessingInstruction => Node::ProcessingInstruction(markup),
            MarkupKind::Declaration => Node::Declaration(markup),
        });
    }
}

struct Builder<'a> {
    text: &'a str,
    options: &'a ParseOptions,
}

/// What the top level held, checked once the whole text is read (as the lossless tree
/// always did: a syntax error further on is reported first).
#[derive(Default)]
struct TopLevel {
    roots: usize,
    /// The first text that is not whitespace.
    stray: Option<Span>,
    /// The second root element's start, and end once read.
    second: Option<Span>,
}

impl<'a> Builder<'a> {
    fn build<S: Sink>(&self, sink: &mut S) -> Result<Scopes<'a>, ParseError> {
        sink.begin(self.text);
        self.refuse_second_mark()?;
        let mut reader = Reader::from_str(self.text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;

        // The open elements: name and start tag.
        let mut open: Vec<(u32, Span)> = Vec::new();
        let mut top = TopLevel::default();
        let mut scopes = Scopes::default();
        // quick-xml splits text at every reference: the run is gathered and handed on as
        // one text when something else comes. Its span, and its value when that is not the
        // text at the span.
        let mut run: Option<TextRun> = None;
        // Buffers reused from one start tag to the next.
        let mut attributes: Vec<ReadAttribute> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
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
            self.check_span(span)?;
            let empty = matches!(event, Event::Empty(_));
            match &event {
                Event::Text(_) => {
                    let (value, blank) = self.line_ends(span);
                    self.gather(&mut run, value, blank, span);
                    continue;
                }
                Event::GeneralRef(r) => {
                    let value = Value::Decoded(self.reference(r, span)?);
                    self.gather(&mut run, Some(value), false, span);
                    continue;
                }
                _ => {
                    if let Some(mut text) = run.take() {
                        text.inside = !open.is_empty();
                        self.flush(sink, &mut top, text);
                    }
                }
            }
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    self.check_depth(open.len(), span)?;
                    let name =
                        self.element(&mut scopes, &e, (span, empty), &mut attributes, &mut spans)?;
                    if empty {
                        scopes.close();
                    }
                    if open.is_empty() {
                        top.root(span);
                    }
                    if !empty {
                        open.push((name, span));
                    }
                    let tag = Tag {
                        name,
                        attributes: &mut attributes,
                        span,
                        empty,
                    };
                    sink.start(self.text, &scopes, tag)
                        .map_err(|kind| self.err(span, kind))?;
                }
                Event::End(_) => {
                    if open.pop().is_none() {
                        return Err(
                            self.err(span, ParseErrorKind::Syntax("unmatched end tag".into()))
                        );
                    }
                    scopes.close();
                    if open.is_empty() {
                        top.closed(span);
                    }
                    sink.end(span);
                }
                // Gathered above.
                Event::Text(_) | Event::GeneralRef(_) => {}
                Event::CData(c) => self.markup(sink, MarkupKind::CData, &c.into_inner(), span),
                Event::Comment(c) => self.markup(sink, MarkupKind::Comment, &c.into_inner(), span),
                Event::PI(p) => {
                    self.markup(
                        sink,
                        MarkupKind::ProcessingInstruction,
                        &p.into_inner(),
                        span,
                    );
                }
                Event::Decl(d) => self.markup(sink, MarkupKind::Declaration, &d, span),
                Event::DocType(_) => return Err(self.err(span, ParseErrorKind::Dtd)),
                Event::Eof => break,
            }
        }
        self.finish(&open, &top, &scopes)?;
        Ok(scopes)
    }

    // What can only be refused at the end: an element never closed, text around the root,
    // no root or a second one.
    fn finish(
        &self,
        open: &[(u32, Span)],
        top: &TopLevel,
        scopes: &Scopes<'_>,
    ) -> Result<(), ParseError> {
        if let Some((name, span)) = open.last() {
            return Err(self.err(
                *span,
                ParseErrorKind::Syntax(format!(
                    "element <{}> is never closed",
                    scopes.get(*name).qualified()
                )),
            ));
        }
        if let Some(stray) = top.stray {
            return Err(self.err(
                stray,
                ParseErrorKind::Syntax("text outside the root element".into()),
            ));
        }
        if top.roots != 1 {
            let at = top
                .second
                .unwrap_or(Span::new(self.text.len(), self.text.len()));
            return Err(self.err(at, ParseErrorKind::NoRoot));
        }
        Ok(())
    }

    // A text run read: handed on, and remembered when it stands outside the root element.
    fn flush<S: Sink>(&self, sink: &mut S, top: &mut TopLevel, run: TextRun) {
        if !run.inside && top.stray.is_none() {
            let read = run
                .value
                .as_ref()
                .map_or(&self.text[run.span.range()], |v| v.as_str(self.text));
            if !read.trim().is_empty() {
                top.stray = Some(run.span);
            }
        }
        sink.text(self.text, run);
    }

    fn markup<S: Sink>(&self, sink: &mut S, kind: MarkupKind, content: &[u8], span: Span) {
        sink.markup(self.text, kind, self.content(content), span);
    }

    // Adds a piece to the text run: `value` is what the text at `span` reads as; `None`
    // when it is the text itself.
    fn gather(&self, run: &mut Option<TextRun>, value: Option<Value>, blank: bool, span: Span) {
        let text = self.text;
        match run {
            Some(run) if run.span.end == span.start => {
                let mut joined = match run.value.take() {
                    Some(Value::Decoded(s)) => s,
                    Some(Value::Raw(part)) => text[part.range()].to_string(),
                    None => text[run.span.range()].to_string(),
                };
                joined.push_str(
                    value
                        .as_ref()
                        .map_or(&text[span.range()], |v| v.as_str(text)),
                );
                run.value = Some(Value::Decoded(joined));
                run.blank = false;
                run.span.end = span.end;
            }
            _ => {
                *run = Some(TextRun {
                    span,
                    value,
                    blank,
                    inside: true,
                });
            }
        }
    }

    // End-of-line handling (XML 1.0 §2.11): CR LF and a lone CR read as LF. `None`: the text
    // at `span` reads as it stands. The indentation of a descriptor written with CR LF
    // (`\r\n` then spaces) reads as the same text without its first byte: a part of the
    // text, not a copy.
    // Also tells whether the text is blank (spaces, tabs and line feeds only).
    fn line_ends(&self, span: Span) -> (Option<Value>, bool) {
        let bytes = &self.text.as_bytes()[span.range()];
        // The indentation of a descriptor written with LF and spaces, told eight bytes at a
        // time.
        if let Some((b'\n', rest)) = bytes.split_first()
            && all_spaces(rest)
        {
            return (None, true);
        }
        // Most runs are a line's indentation: one pass without branches classifies them
        // sooner than the set-up of a vectorised search.
        let (first, blank) = if bytes.len() < 64 {
            let seen = bytes
                .iter()
                .fold(0u8, |seen, &b| seen | TEXT_CLASS[usize::from(b)]);
            let first = if seen & CR == 0 {
                None
            } else {
                bytes.iter().position(|&b| b == b'\r')
            };
            (first, seen == 0)
        } else {
            let first = memchr::memchr(b'\r', bytes);
            let blank = first.is_none() && bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\n'));
            (first, blank)
        };
        match first {
            Some(first) => (Some(self.normalized_line_ends(span, first)), false),
            None => (None, blank),
        }
    }

    // The text at `span`, whose first CR is at `first`, with its line ends read as LF.
    fn normalized_line_ends(&self, span: Span, first: usize) -> Value {
        let raw = &self.text[span.range()];
        let rest = &raw.as_bytes()[first + 1..];
        if first == 0 && rest.first() == Some(&b'\n') && memchr::memchr(b'\r', rest).is_none() {
            return Value::Raw(Span::new(span.start + 1, span.end));
        }
        // Each CR (with the LF after it, if any) becomes one LF; the text between is copied
        // as it stands (a CR is ASCII: every cut falls between characters).
        let bytes = raw.as_bytes();
        let mut out = String::with_capacity(raw.len());
        let mut from = 0;
        let mut at = first;
        while at < bytes.len() {
            if bytes[at] == b'\r' {
                out.push_str(&raw[from..at]);
                out.push('\n');
                if bytes.get(at + 1) == Some(&b'\n') {
                    at += 1;
                }
                from = at + 1;
            }
            at += 1;
        }
        out.push_str(&raw[from..]);
        Value::Decoded(out)
    }

    // The decoder took the byte order mark; a U+FEFF after it is a character outside the
    // root element. quick-xml would skip it as a mark and count its offsets from after it,
    // so that every span would point three bytes early.
    fn refuse_second_mark(&self) -> Result<(), ParseError> {
        if self.text.starts_with('\u{feff}') {
            return Err(self.err(
                Span::new(0, '\u{feff}'.len_utf8()),
                ParseErrorKind::Syntax(
                    "text outside the root element (a second byte order mark, U+FEFF)".into(),
                ),
            ));
        }
        Ok(())
    }

    // Every span is sliced from the text: one that does not fall on characters is refused
    // rather than trusted (it would be a reader bug, not the input's). Checked inline on
    // every event; the error is made apart.
    #[inline]
    fn check_span(&self, span: Span) -> Result<(), ParseError> {
        if self.text.is_char_boundary(span.start) && self.text.is_char_boundary(span.end) {
            return Ok(());
        }
        Err(self.off_chars(span))
    }

    #[cold]
    fn off_chars(&self, span: Span) -> ParseError {
        self.err(
            Span::new(span.start, span.start),
            ParseErrorKind::Syntax("unreadable text: an offset inside a character".into()),
        )
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

    // A start tag: its namespace declarations open a scope (closed by the caller at the end
    // tag), then the element and attribute names are resolved in it, the attributes left in
    // `read`. Repeated attributes are found with a hash set: an element with 100 000
    // attributes is read in linear time.
    fn element(
        &self,
        scopes: &mut Scopes<'a>,
        start: &BytesStart<'_>,
        (span, empty): (Span, bool),
        read: &mut Vec<ReadAttribute>,
        spans: &mut Vec<Span>,
    ) -> Result<u32, ParseError> {
        read.clear();
        spans.clear();
        let element = self.span_of(start.name().into_inner(), span)?;
        if self.plain_attributes(span, element.end, empty, read) {
            self.refuse_repeated(scopes, read)?;
        } else {
            self.attributes(scopes, start, span, element.end, read, spans)?;
        }
        let text = self.text;
        let declarations = read.iter().filter_map(|a| {
            let key = &text[a.key.range()];
            let prefix = if key == "xmlns" {
                ""
            } else {
                key.strip_prefix("xmlns:")?
            };
            Some((prefix, a.value.as_str(text)))
        });
        scopes.open(declarations).map_err(|e| {
            self.err(
                span,
                ParseErrorKind::Syntax(quick_xml::Error::Namespace(e).to_string()),
            )
        })?;
        let name = self.name(scopes, &text[element.range()], true, span)?;
        for attr in read.iter_mut() {
            let key: &'a str = &text[attr.key.range()];
            attr.name = if key == "xmlns" || key.starts_with("xmlns:") {
                let (prefix, local) = match key.split_once(':') {
                    Some((prefix, local)) => (Some(prefix), local),
                    None => (None, key),
                };
                let namespace = Some(scopes.intern(XMLNS_NAMESPACE));
                scopes.qualified(key, prefix, local, namespace, None)
            } else {
                self.name(scopes, key, false, attr.span)?
            };
        }
        Ok(name)
    }

    // The attributes of a start tag written the usual way (whitespace, then `name="value"`,
    // values without references, tabs or line ends), found in the text in one pass instead
    // of through quick-xml's attribute iterator; `false` (and `read` left empty) for any
    // other start tag, which [`Builder::attributes`] reads, with its errors. Both read the
    // same attributes with the same spans.
    fn plain_attributes(
        &self,
        tag: Span,
        after_name: usize,
        empty: bool,
        read: &mut Vec<ReadAttribute>,
    ) -> bool {
        let bytes = self.text.as_bytes();
        // The tag ends with `>`, or `/>` when empty.
        let end = tag.end.saturating_sub(1 + usize::from(empty));
        let mut i = after_name;
        let unusual = |read: &mut Vec<ReadAttribute>| {
            read.clear();
            false
        };
        loop {
            let segment = i;
            while i < end && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if i == end {
                return true;
            }
            if i > end {
                return unusual(read);
            }
            if i == segment {
                return unusual(read);
            }
            let key = i;
            while i < end && TAG_CLASS[usize::from(bytes[i])] == KEY {
                i += 1;
            }
            if i == key || i + 1 >= end || bytes[i] != b'=' {
                return unusual(read);
            }
            let key = Span::new(key, i);
            let quote = bytes[i + 1];
            if quote != b'"' && quote != b'\'' {
                return unusual(read);
            }
            // The value runs to the quote: one pass finds it and checks every byte reads as
            // it stands (a reference, a tab or line end, a control character or U+FFFE/
            // U+FFFF leave the tag to the general reader).
            let start = i + 2;
            i = start;
            while i < end && TAG_CLASS[usize::from(bytes[i])] & NOT_PLAIN == 0 {
                i += 1;
            }
            if i >= end || bytes[i] != quote {
                // The other quote is plain inside this value.
                while i < end && bytes[i] != quote && plain_value_byte(bytes[i]) {
                    i += 1;
                }
                if i >= end || bytes[i] != quote {
                    return unusual(read);
                }
            }
            let value = Span::new(start, i);
            i += 1;
            read.push(ReadAttribute {
                key,
                name: 0,
                value: Value::Raw(value),
                span: Span::new(segment, i),
            });
        }
    }

    // Refuses a name given twice among `read`, as [`Builder::attributes`] does.
    fn refuse_repeated(
        &self,
        scopes: &mut Scopes<'a>,
        read: &[ReadAttribute],
    ) -> Result<(), ParseError> {
        let mut seen: Option<HashSet<&str>> = None;
        for (index, attr) in read.iter().enumerate() {
            let key = &self.text[attr.key.range()];
            if self.repeated(scopes, &read[..index], &mut seen, key) {
                return Err(self.err(
                    attr.span,
                    ParseErrorKind::Syntax(format!("attribute `{key}` is repeated")),
                ));
            }
        }
        Ok(())
    }

    // Whether `key` is among the keys of `before` (the attributes read before it on the
    // same start tag). A few are compared directly; beyond, through a set of them all
    // (made only for a start tag of more than 16 attributes: a new set draws its keys from
    // a thread-local, not a cost to pay per element). An element with 100 000 attributes
    // is read in linear time.
    fn repeated(
        &self,
        scopes: &mut Scopes<'a>,
        before: &[ReadAttribute],
        seen: &mut Option<HashSet<&'a str>>,
        key: &'a str,
    ) -> bool {
        if before.len() < 16 {
            scopes.steps += before.len() as u64;
            return before
                .iter()
                .any(|a| same_text(&self.text[a.key.range()], key));
        }
        let seen = seen.get_or_insert_with(|| {
            scopes.steps += before.len() as u64;
            before.iter().map(|a| &self.text[a.key.range()]).collect()
        });
        scopes.steps += 1;
        !seen.insert(key)
    }

    // The attributes of a start tag through quick-xml's iterator, each checked.
    fn attributes(
        &self,
        scopes: &mut Scopes<'a>,
        start: &BytesStart<'_>,
        span: Span,
        after_name: usize,
        read: &mut Vec<ReadAttribute>,
        spans: &mut Vec<Span>,
    ) -> Result<(), ParseError> {
        // Each attribute's span runs from the end of what precedes it (so it has the
        // whitespace before it) to its closing quote; when quick-xml's slices do not show
        // that (or on error), the start tag is split by `attribute_spans`.
        let mut previous = after_name;
        let mut seen: Option<HashSet<&str>> = None;
        for (index, attr) in start.attributes().with_checks(false).enumerate() {
            let quoted = match &attr {
                Ok(a) if spans.is_empty() => self.offset(&a.value).and_then(|at| {
                    let end = at + a.value.len();
                    matches!(self.text.as_bytes().get(end), Some(b'"' | b'\''))
                        .then_some(Span::new(previous, end + 1))
                }),
                _ => None,
            };
            let attr_span = if let Some(quoted) = quoted {
                quoted
            } else {
                if spans.is_empty() {
                    attribute_spans(self.text, span, spans);
                }
                spans.get(index).copied().unwrap_or(span)
            };
            previous = attr_span.end;
            let attr =
                attr.map_err(|e| self.err(attr_span, ParseErrorKind::Syntax(e.to_string())))?;
            let key_span = self.span_of(attr.key.into_inner(), attr_span)?;
            let key = &self.text[key_span.range()];
            if self.repeated(scopes, read, &mut seen, key) {
                return Err(self.err(
                    attr_span,
                    ParseErrorKind::Syntax(format!("attribute `{key}` is repeated")),
                ));
            }
            let value = self.value(&attr, attr_span)?;
            read.push(ReadAttribute {
                key: key_span,
                name: 0,
                value,
                span: attr_span,
            });
        }
        Ok(())
    }

    // An attribute value as XML reads it: normalised (§3.3.3), references resolved.
    fn value(&self, attr: &XmlAttribute<'_>, span: Span) -> Result<Value, ParseError> {
        // Most values have no reference, no whitespace to normalise and no character that
        // needs a closer look: one pass over the bytes tells, and the value is its text.
        if attr.value.iter().all(|&b| plain_value_byte(b))
            && let Some(at) = self.offset(&attr.value)
        {
            return Ok(Value::Raw(Span::new(at, at + attr.value.len())));
        }
        // XML 1.0 §3.1 (AttValue): a `<` is written `&lt;` in an attribute value.
        if attr.value.contains(&b'<') {
            return Err(self.err(
                span,
                ParseErrorKind::Syntax(
                    "an attribute value holds `<` (XML 1.0 §3.1: write it `&lt;`)".into(),
                ),
            ));
        }
        let literal = normalize_attribute(self.slice(&attr.value));
        let value = unescape(&literal).map_err(|e| self.err(span, value_error_kind_escape(&e)))?;
        check_char_refs(&value).map_err(|kind| self.err(span, kind))?;
        Ok(match value {
            Cow::Borrowed(v) => match self.offset(v.as_bytes()) {
                Some(at) => Value::Raw(Span::new(at, at + v.len())),
                None => Value::Decoded(v.to_string()),
            },
            Cow::Owned(v) => Value::Decoded(v),
        })
    }

    // The content of markup: where it is in the text.
    fn content(&self, part: &[u8]) -> Value {
        match self.offset(part) {
            Some(at) => Value::Raw(Span::new(at, at + part.len())),
            None => Value::Decoded(lossy(part)),
        }
    }

    fn name(
        &self,
        scopes: &mut Scopes<'a>,
        qualified: &'a str,
        element: bool,
        span: Span,
    ) -> Result<u32, ParseError> {
        if let Some(known) = scopes.recent(qualified, element) {
            return Ok(known);
        }
        if let Some(known) = scopes.known(qualified, element) {
            scopes.remember(qualified, element, known);
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
        let id = scopes.qualified(qualified, prefix, local, namespace, Some(element));
        scopes.remember(qualified, element, id);
        Ok(id)
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
        match self.offset(part) {
            Some(at) => &self.text[at..at + part.len()],
            None => text(part),
        }
    }

    // Where `part` is in `self.text`, when it is a part of it (a reader over a `&str` hands
    // back parts of it, cut at ASCII delimiters).
    fn offset(&self, part: &[u8]) -> Option<usize> {
        let start = (part.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        self.text.get(start..start.checked_add(part.len())?)?;
        Some(start)
    }

    // The span of a name quick-xml cut from the text (always, for a reader over it).
    fn span_of(&self, part: &[u8], at: Span) -> Result<Span, ParseError> {
        match self.offset(part) {
            Some(start) => Ok(Span::new(start, start + part.len())),
            None => Err(self.err(
                at,
                ParseErrorKind::Syntax("a name outside the text read".into()),
            )),
        }
    }

    fn err(&self, span: Span, kind: ParseErrorKind) -> ParseError {
        error_at(self.text, span, kind)
    }
}

impl TopLevel {
    fn root(&mut self, tag: Span) {
        self.roots += 1;
        if self.roots == 2 {
            self.second = Some(tag);
        }
    }

    // The end tag of a top-level element.
    fn closed(&mut self, tag: Span) {
        if self.roots == 2
            && let Some(second) = &mut self.second
            && second.end < tag.end
        {
            second.end = tag.end;
        }
    }
}

// The index of lines is made for the error only: a successful read never needs it.
fn error_at(text: &str, span: Span, kind: ParseErrorKind) -> ParseError {
    ParseError {
        kind,
        span,
        position: LineIndex::new(text).position(text, span.start),
    }
}

/// The last indentations and short values seen: whitespace between elements repeats across
/// a descriptor, and is stored once.
#[derive(Default)]
struct Texts {
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

    /// A run of text as one Text node.
    fn node(&mut self, text: &str, span: Span, owned: Option<&str>, source: SourceId) -> Node {
        let run = owned.unwrap_or(&text[span.range()]);
        let value = if run.bytes().all(|b| b.is_ascii_whitespace()) {
            Self::shared(&mut self.recent, &mut self.next, run)
        } else if run.len() <= Self::SHORT {
            Self::shared(&mut self.values, &mut self.next_value, run)
        } else {
            Arc::from(run)
        };
        Node::Text(Text {
            value,
            raw: Some(Raw::new(source, span)),
        })
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

// A byte of an attribute value that reads as it stands: not a reference, not a tab or line
// end (normalised to a space), not a control character, not the first byte of U+FFFE or
// U+FFFF (which are no XML characters), and not `<` (which no attribute value may hold).
const fn plain_value_byte(b: u8) -> bool {
    b != b'&' && b != b'<' && b >= 0x20 && b != 0xEF
}

// What a byte of a start tag is to `Builder::plain_attributes`: part of an attribute's name
// ([`KEY`]: ASCII letters and digits, `_:-.`, and every byte of a non-ASCII character), and
// whether it ends or spoils a value read as it stands ([`NOT_PLAIN`]: a quote, or what
// `plain_value_byte` refuses).
const KEY: u8 = 1;
const NOT_PLAIN: u8 = 2;
const TAG_CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b':' | b'-' | b'.') || byte >= 0x80
        {
            class[b] |= KEY;
        }
        if !plain_value_byte(byte) || byte == b'"' || byte == b'\'' {
            class[b] |= NOT_PLAIN;
        }
        b += 1;
    }
    class
};

// `bytes` are spaces only (eight compared at a time).
fn all_spaces(bytes: &[u8]) -> bool {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut words = bytes.chunks_exact(8);
    words.by_ref().all(|w| {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        u64::from_ne_bytes(word) == SPACES
    }) && words.remainder().iter().all(|&b| b == b' ')
}

// What a byte of character data is to `Builder::line_ends`: 0 for a space, tab or line
// feed, [`CR`] for a carriage return, [`OTHER`] for anything else.
const CR: u8 = 1;
const OTHER: u8 = 2;
const TEXT_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    class[b' ' as usize] = 0;
    class[b'\t' as usize] = 0;
    class[b'\n' as usize] = 0;
    class[b'\r' as usize] = CR | OTHER;
    class
};

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
    // Only control characters and U+FFFE/U+FFFF (bytes EF BF BE/BF) are not XML
    // characters in a `str`: most values are scanned a byte at a time, without decoding.
    let suspect = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if !value.as_bytes().iter().any(suspect) {
        return Ok(());
    }
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

/// Splits the raw start tag at `tag` into one span per attribute (in `spans`), each
/// including the whitespace before it, so an unedited attribute keeps its quotes and spacing.
fn attribute_spans(text: &str, tag: Span, spans: &mut Vec<Span>) {
    spans.clear();
    let bytes = text.as_bytes();
    let end = tag.end;
    let mut i = tag.start + 1;
    while i < end && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    loop {
        let seg = i;
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end || bytes[i] == b'>' || bytes[i] == b'/' {
            return;
        }
        while i < end && bytes[i] != b'=' {
            i += 1;
        }
        i += 1;
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end {
            return;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Key, value and span of each attribute found.
    type Found = Vec<(Span, Span, Span)>;

    // The attributes the two readers of start tags find: whether the fast one took the tag,
    // what it found, what quick-xml's iterator found.
    fn both(tag: &str) -> (bool, Found, Found) {
        let options = ParseOptions::default();
        let builder = Builder {
            text: tag,
            options: &options,
        };
        let mut reader = Reader::from_str(tag);
        let (start, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            other => panic!("not a start tag: {other:?}"),
        };
        let span = Span::new(0, tag.len());
        let name = builder
            .span_of(start.name().into_inner(), span)
            .expect("name");
        let found = |read: &[ReadAttribute]| {
            read.iter()
                .map(|a| match a.value {
                    Value::Raw(v) => (a.key, v, a.span),
                    Value::Decoded(_) => (a.key, Span::new(0, 0), a.span),
                })
                .collect::<Vec<_>>()
        };
        let mut fast = Vec::new();
        let plain = builder.plain_attributes(span, name.end, empty, &mut fast);
        let mut scopes = Scopes::default();
        let mut slow = Vec::new();
        let mut spans = Vec::new();
        let general =
            builder.attributes(&mut scopes, &start, span, name.end, &mut slow, &mut spans);
        assert!(
            general.is_ok() || !plain,
            "{tag}: the fast reader took a tag the other refuses"
        );
        (plain, found(&fast), found(&slow))
    }

    #[test]
    fn plain_start_tags_read_as_through_quick_xml() {
        for tag in [
            "<a>",
            "<a/>",
            "<a />",
            r#"<a b="1">"#,
            r#"<a b="1"/>"#,
            r#"<a  b='x y'	c="">"#,
            "<a\r\n  ovf:id=\"vm\"\n  xmlns:ovf=\"urn:x\" >",
            r#"<rasd:Item b="é€" c='"' d="'">"#,
        ] {
            let (plain, fast, slow) = both(tag);
            assert!(plain, "{tag}: read the usual way");
            assert_eq!(fast, slow, "{tag}");
        }
    }

    #[test]
    fn every_start_tag_of_the_samples_reads_alike_through_both_readers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf");
        let mut tags = 0;
        for entry in std::fs::read_dir(&dir).expect("samples/ovf") {
            let path = entry.expect("entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut reader = Reader::from_str(&text);
            loop {
                let at = pos(reader.buffer_position());
                match reader.read_event() {
                    Ok(Event::Start(_) | Event::Empty(_)) => {
                        let tag = &text[at..pos(reader.buffer_position())];
                        let (plain, fast, slow) = both(tag);
                        if plain {
                            assert_eq!(fast, slow, "{}: {tag}", path.display());
                        }
                        tags += 1;
                    }
                    Ok(Event::Eof) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
        assert!(tags > 500, "{tags} start tags read");
    }

    #[test]
    fn unusual_start_tags_are_left_to_quick_xml() {
        for tag in [
            r#"<a b = "1">"#,
            r#"<a b="1"c="2">"#,
            r#"<a b="&amp;">"#,
            "<a b=\"x\ty\">",
            "<a b=\"x\ny\">",
            r#"<a b="x<y">"#,
            "<a b>",
            "<a b=1>",
            r#"<a "b"="1">"#,
        ] {
            let (plain, fast, _) = both(tag);
            assert!(
                !plain && fast.is_empty(),
                "{tag}: left to the general reader"
            );
        }
    }

    #[test]
    fn a_repeated_attribute_is_refused_alike_by_both_readers() {
        let tag = r#"<a b="1" c="2" b="3">"#;
        let options = ParseOptions::default();
        let builder = Builder {
            text: tag,
            options: &options,
        };
        let Ok(Event::Start(start)) = Reader::from_str(tag).read_event() else {
            panic!("a start tag");
        };
        let span = Span::new(0, tag.len());
        let mut fast = Vec::new();
        assert!(builder.plain_attributes(span, 2, false, &mut fast));
        let fast = builder.refuse_repeated(&mut Scopes::default(), &fast);
        let slow = builder.attributes(
            &mut Scopes::default(),
            &start,
            span,
            2,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        let (Err(fast), Err(slow)) = (fast, slow) else {
            panic!("both refuse the tag");
        };
        assert_eq!(fast.to_string(), slow.to_string());
        assert!(
            fast.to_string().contains("attribute `b` is repeated"),
            "{fast}"
        );
    }
}
