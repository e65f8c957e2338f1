//! Canonical text rendering: the ABNF's parameter order, quoted strings escaped (`\"`, `\\`),
//! numbers and booleans bare, CRLF line ends. `text/occi` is never truncated; a note says
//! when a header outgrows the 8 KiB many servers accept.

use std::fmt::Write as _;

use tern_diag::{Finding, Severity};

use crate::diagnostic::Rule;
use crate::media::MediaType;
use crate::syntax::{
    AttributeValue, CategoryValue, LinkValue, TextValue, check_location, escape_quoted,
};

use super::TextDocument;

/// A rendering and the notes about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The rendered text.
    pub text: String,
    /// Notes (e.g. header size) and warnings (values outside the grammar).
    pub notes: Vec<Finding>,
}

/// Header length past which a note is emitted (a common server limit).
pub const HEADER_NOTE_BYTES: usize = 8 * 1024;

/// Renders `doc` in one of the text media types. `text/uri-list` carries locations only; any
/// other field is reported as an error finding in the notes and left out.
pub fn render_text(doc: &TextDocument, media: MediaType) -> Rendered {
    let mut notes = Vec::new();
    let categories: Vec<String> = doc.categories.iter().map(render_category).collect();
    let links: Vec<String> = doc.links.iter().map(render_link).collect();
    let attributes: Vec<String> = doc
        .attributes
        .iter()
        .map(|a| render_attribute(a, &mut notes))
        .collect();
    let locations: Vec<String> = doc.locations.iter().map(|l| l.uri.clone()).collect();
    // A field value is one line: a string with a line break or another control character
    // has no quoted-string form (quoted-pair cannot escape them either).
    for value in categories
        .iter()
        .chain(&links)
        .chain(&attributes)
        .chain(&locations)
    {
        if value.chars().any(|c| c.is_control() && c != '\t') {
            notes.push(Rule::Unrepresentable.finding(Severity::Error, format!("`{}` holds a line break or control character, which no text rendering can carry (application/occi+json can)", value.escape_debug()),
            ));
        }
    }
    // What the reader takes as a URI reference (`<target>`, `self`, action links, locations).
    for uri in uris(doc) {
        if !check_location(uri) {
            notes.push(Rule::Unrepresentable.finding(Severity::Error, format!("`{}` is not a URI reference (RFC 3986 has no spaces, quotes, `<>` or control characters): a text rendering cannot carry it as a location; percent-encode it where it is made", uri.escape_debug())));
        }
    }
    let mut text = String::new();
    match media {
        MediaType::UriList => {
            if !(categories.is_empty() && links.is_empty() && attributes.is_empty()) {
                notes.push(Rule::Unrepresentable.finding(Severity::Error, "text/uri-list carries only locations; categories, links and attributes were left out"));
            }
            if let Some(relative) = locations
                .iter()
                .find(|l| !crate::syntax::check_absolute_uri(l))
            {
                notes.push(Rule::Unrepresentable.finding(
                    Severity::Error,
                    format!(
                        "`{relative}` is relative; a text/uri-list holds absolute URIs (RFC 2483)"
                    ),
                ));
            }
            for l in &locations {
                text.push_str(l);
                text.push_str("\r\n");
            }
        }
        MediaType::TextOcci => {
            for (name, values) in [
                ("Category", &categories),
                ("Link", &links),
                ("X-OCCI-Attribute", &attributes),
                ("X-OCCI-Location", &locations),
            ] {
                if values.is_empty() {
                    continue;
                }
                let line = format!("{name}: {}\r\n", values.join(", "));
                if line.len() > HEADER_NOTE_BYTES {
                    notes.push(Rule::HeaderSize.finding(Severity::Note, format!("the {name} header is {} bytes, more than the {HEADER_NOTE_BYTES} many servers accept; it is rendered whole", line.len())));
                }
                text.push_str(&line);
            }
        }
        _ => {
            for (name, values) in [
                ("Category", &categories),
                ("Link", &links),
                ("X-OCCI-Attribute", &attributes),
                ("X-OCCI-Location", &locations),
            ] {
                for v in values {
                    let _ = write!(text, "{name}: {v}\r\n");
                }
            }
        }
    }
    Rendered { text, notes }
}

// The values a text rendering carries as URI references.
fn uris(doc: &TextDocument) -> impl Iterator<Item = &str> {
    let links = doc.links.iter().flat_map(|l| match l {
        LinkValue::Action(a) => vec![a.uri.as_str()],
        LinkValue::Resource(r) => std::iter::once(r.target.as_str())
            .chain(r.self_location.as_deref())
            .collect(),
    });
    links.chain(doc.locations.iter().map(|l| l.uri.as_str()))
}

/// One Category value in the ABNF's order.
pub(crate) fn render_category(c: &CategoryValue) -> String {
    let mut s = format!(
        "{}; scheme={}; class=\"{}\"",
        c.term,
        escape_quoted(&c.scheme),
        c.class.as_str()
    );
    if let Some(title) = &c.title {
        let _ = write!(s, "; title={}", escape_quoted(title));
    }
    if !c.rel.is_empty() {
        let _ = write!(s, "; rel={}", escape_quoted(&c.rel.join(" ")));
    }
    if let Some(location) = &c.location {
        let _ = write!(s, "; location={}", escape_quoted(location));
    }
    if !c.attributes.is_empty() {
        let list: Vec<String> = c
            .attributes
            .iter()
            .map(|a| match (a.required, a.immutable) {
                (false, false) => a.name.clone(),
                (true, false) => format!("{}{{required}}", a.name),
                (false, true) => format!("{}{{immutable}}", a.name),
                (true, true) => format!("{}{{required immutable}}", a.name),
            })
            .collect();
        let _ = write!(s, "; attributes={}", escape_quoted(&list.join(" ")));
    }
    if !c.actions.is_empty() {
        let _ = write!(s, "; actions={}", escape_quoted(&c.actions.join(" ")));
    }
    s
}

fn render_link(l: &LinkValue) -> String {
    match l {
        LinkValue::Action(a) => format!("<{}>; rel={}", a.uri, escape_quoted(&a.rel)),
        LinkValue::Resource(r) => {
            let mut s = format!("<{}>; rel={}", r.target, escape_quoted(&r.rel.join(" ")));
            if let Some(self_location) = &r.self_location {
                let _ = write!(s, "; self={}", escape_quoted(self_location));
            }
            if !r.category.is_empty() {
                let _ = write!(s, "; category={}", escape_quoted(&r.category.join(" ")));
            }
            for a in &r.attributes {
                let _ = write!(s, "; {}={}", a.name, render_value(&a.value));
            }
            s
        }
    }
}

fn render_attribute(a: &AttributeValue, notes: &mut Vec<Finding>) -> String {
    if let TextValue::Number(n) = &a.value
        && !crate::syntax::is_abnf_number(n)
    {
        notes.push(Rule::Lenient(crate::Leniency::ExtendedNumber).finding(Severity::Warning, format!("`{}={n}` is outside the OCCI number grammar; readers need leniency `extended-number`", a.name)));
    }
    format!("{}={}", a.name, render_value(&a.value))
}

/// A value in its lexical class; bare tokens are canonically quoted (`enum-val = string`).
pub(crate) fn render_value(v: &TextValue) -> String {
    match v {
        TextValue::String(s) | TextValue::Token(s) => escape_quoted(s),
        TextValue::Number(n) => n.clone(),
        TextValue::Bool(b) => b.to_string(),
    }
}
