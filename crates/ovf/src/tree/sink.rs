//! The compact tree's records, and the reader's sink that writes them.

use tern_diag::Span;

use crate::error::ParseErrorKind;
use crate::reader::{Finish, MarkupKind, Sink, Tag, TextRun, Value};
use crate::scope::Scopes;

/// One node: 24 bytes. Nodes are kept in document order (pre-order), so an element's
/// descendants are the records that follow it, up to `b`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    /// The kind (top 3 bits) and, for an element, its name id; for text and markup,
    /// [`DECODED`] when the value is in the side buffer.
    pub(super) head: u32,
    /// Where the node starts in the text.
    pub(super) start: u32,
    /// Where it ends.
    pub(super) end: u32,
    /// Element: the end of its start tag. Text and markup: where the value starts (in the
    /// text, or in the side buffer when decoded).
    pub(super) a: u32,
    /// Element: the index after its last descendant. Text and markup: where the value ends.
    pub(super) b: u32,
    /// Element: its first attribute ([`NONE`]: none).
    pub(super) c: u32,
}

/// One attribute: 12 bytes. An element's attributes follow one another, the last one
/// marked [`LAST`].
#[derive(Debug, Clone, Copy)]
pub(super) struct AttributeRecord {
    /// The name id, with the [`LAST`] and [`VALUE_DECODED`] flags.
    pub(super) name: u32,
    /// Where the value starts (in the text, or in the side buffer when decoded).
    pub(super) start: u32,
    /// Where it ends.
    pub(super) end: u32,
}

// The sizes the tree's memory depends on (DESIGN.md, "Layers").
const _: () = assert!(std::mem::size_of::<Record>() == 24);
const _: () = assert!(std::mem::size_of::<AttributeRecord>() == 12);

pub(super) const KIND_SHIFT: u32 = 29;
pub(super) const PAYLOAD: u32 = (1 << KIND_SHIFT) - 1;
pub(super) const ELEMENT: u32 = 0;
pub(super) const TEXT: u32 = 1;
pub(super) const CDATA: u32 = 2;
pub(super) const COMMENT: u32 = 3;
pub(super) const PI: u32 = 4;
pub(super) const DECLARATION: u32 = 5;
/// A text or markup value decoded into the side buffer.
pub(super) const DECODED: u32 = 1;
/// No attribute.
pub(super) const NONE: u32 = u32::MAX;
/// The last attribute of its element.
pub(super) const LAST: u32 = 1 << 31;
/// An attribute value decoded into the side buffer.
pub(super) const VALUE_DECODED: u32 = 1 << 30;
pub(super) const NAME: u32 = VALUE_DECODED - 1;

/// The sink: records appended in document order, decoded values in one string.
#[derive(Default)]
pub(crate) struct Compact {
    pub(super) nodes: Vec<Record>,
    pub(super) attributes: Vec<AttributeRecord>,
    pub(super) decoded: String,
    /// The open elements.
    open: Vec<u32>,
    /// The root element.
    pub(super) root: Option<u32>,
}

impl Finish for Compact {
    type Out = Compact;
    fn finish(self) -> Compact {
        self
    }
}

// Offsets and counts: the reader refuses texts of 4 GiB or more, and the tree holds fewer
// nodes, attributes and decoded bytes than the text has bytes.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Compact {
    // A value's range: in the text, or appended to the side buffer (`true`).
    fn value(&mut self, value: Value) -> (u32, u32, bool) {
        match value {
            Value::Raw(span) => (small(span.start), small(span.end), false),
            Value::Decoded(s) => {
                let start = small(self.decoded.len());
                self.decoded.push_str(&s);
                (start, small(self.decoded.len()), true)
            }
        }
    }

    fn push(&mut self, record: Record) {
        if self.open.is_empty() && record.head >> KIND_SHIFT == ELEMENT && self.root.is_none() {
            self.root = Some(small(self.nodes.len()));
        }
        self.nodes.push(record);
    }
}

impl Sink for Compact {
    fn begin(&mut self, text: &str) {
        // About one record per 40 bytes in real descriptors (one line or indented): the
        // first growths are skipped, and the vector stays within twice what it needs.
        self.nodes.reserve(text.len() / 40);
        self.attributes.reserve(text.len() / 100);
    }

    fn start(&mut self, _: &str, _: &Scopes<'_>, tag: Tag<'_>) -> Result<(), ParseErrorKind> {
        let too_many = || ParseErrorKind::Syntax("more distinct names than the tree holds".into());
        if tag.name > PAYLOAD {
            return Err(too_many());
        }
        let first = if tag.attributes.is_empty() {
            NONE
        } else {
            small(self.attributes.len())
        };
        for attribute in tag.attributes.drain(..) {
            if attribute.name > NAME {
                return Err(too_many());
            }
            let (start, end, decoded) = self.value(attribute.value);
            let flag = if decoded { VALUE_DECODED } else { 0 };
            self.attributes.push(AttributeRecord {
                name: attribute.name | flag,
                start,
                end,
            });
        }
        if let Some(last) = self.attributes.last_mut()
            && first != NONE
        {
            last.name |= LAST;
        }
        let index = small(self.nodes.len());
        let span = tag.span;
        self.push(Record {
            head: (ELEMENT << KIND_SHIFT) | tag.name,
            start: small(span.start),
            end: small(span.end),
            a: small(span.end),
            b: index + 1,
            c: first,
        });
        if !tag.empty {
            self.open.push(index);
        }
        Ok(())
    }

    fn end(&mut self, span: Span) {
        let next = small(self.nodes.len());
        if let Some(index) = self.open.pop()
            && let Some(record) = self.nodes.get_mut(index as usize)
        {
            record.end = small(span.end);
            record.b = next;
        }
    }

    fn text(&mut self, _: &str, run: TextRun) {
        // Whitespace read as it stands between the nodes of an element is left implicit:
        // it is the gap between the spans of its neighbours (`El::children` gives it back).
        // A pretty-printed descriptor is one third indentation nodes.
        if run.inside && run.blank {
            return;
        }
        let span = run.span;
        let (a, b, decoded) = match run.value {
            Some(value) => self.value(value),
            None => (small(span.start), small(span.end), false),
        };
        self.push(Record {
            head: (TEXT << KIND_SHIFT) | u32::from(decoded),
            start: small(span.start),
            end: small(span.end),
            a,
            b,
            c: NONE,
        });
    }

    fn markup(&mut self, _: &str, kind: MarkupKind, content: Value, span: Span) {
        let kind = match kind {
            MarkupKind::CData => CDATA,
            MarkupKind::Comment => COMMENT,
            MarkupKind::ProcessingInstruction => PI,
            MarkupKind::Declaration => DECLARATION,
        };
        let (a, b, decoded) = self.value(content);
        self.push(Record {
            head: (kind << KIND_SHIFT) | u32::from(decoded),
            start: small(span.start),
            end: small(span.end),
            a,
            b,
            c: NONE,
        });
    }
}
