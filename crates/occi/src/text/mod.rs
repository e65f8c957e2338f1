//! The text renderings: a body or header block read into a [`TextDocument`] (layers a and b)
//! and rendered back canonically.

mod render;

pub use render::{Rendered, render_text};

use std::collections::HashMap;

use tern_diag::Position;

use crate::diagnostic::{Diagnostics, ParseError, Parsed, Rule};
use crate::field::{FieldName, Layout, lex};
use crate::leniency::ParseOptions;
use crate::media::MediaType;
use crate::syntax::{
    AttributeValue, CategoryValue, LinkValue, LocationValue, check_absolute_uri, check_location,
    parse_attribute, parse_category, parse_link,
};

/// The OCCI fields of one text rendering, in source order per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextDocument {
    /// `Category` values.
    pub categories: Vec<CategoryValue>,
    /// `Link` values.
    pub links: Vec<LinkValue>,
    /// `X-OCCI-Attribute` values.
    pub attributes: Vec<AttributeValue>,
    /// `X-OCCI-Location` values (or `text/uri-list` lines).
    pub locations: Vec<LocationValue>,
}

/// Reads a text rendering. `media` must be one of the four text types.
pub fn parse_text(
    src: &str,
    media: MediaType,
    options: &ParseOptions,
) -> Result<Parsed<TextDocument>, ParseError> {
    let mut diags = Diagnostics::new();
    let mut doc = TextDocument::default();
    match media {
        MediaType::UriList => parse_uri_list(src, &mut doc, &mut diags),
        MediaType::TextPlain | MediaType::TextOcciPlain | MediaType::TextOcci => {
            let layout = if media == MediaType::TextOcci {
                Layout::Headers
            } else {
                Layout::Body
            };
            for field in lex(src, layout, options, &mut diags) {
                match field.name {
                    FieldName::Category => {
                        doc.categories
                            .extend(parse_category(&field.value, options, &mut diags));
                    }
                    FieldName::Link => {
                        doc.links
                            .extend(parse_link(&field.value, options, &mut diags));
                    }
                    FieldName::Attribute => {
                        doc.attributes
                            .extend(parse_attribute(&field.value, options, &mut diags));
                    }
                    FieldName::Location => {
                        let uri = field.value.text();
                        if check_location(uri) {
                            doc.locations.push(LocationValue {
                                uri: uri.to_owned(),
                                position: field.value.position(),
                            });
                        } else {
                            diags.error(
                                Rule::BadUri,
                                field.value.position(),
                                format!("`{uri}` is not a URI reference"),
                            );
                        }
                    }
                }
            }
            check_duplicates(&doc, &mut diags);
        }
        MediaType::OcciJson | MediaType::Json => {
            diags.error(
                Rule::Composition,
                Position::START,
                format!("{media} is not a text rendering"),
            );
        }
    }
    diags.finish(doc)
}

fn parse_uri_list(src: &str, doc: &mut TextDocument, diags: &mut Diagnostics) {
    for (index, line) in src.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let position = Position::new(index + 1, 1);
        // RFC 2483: comment lines start with `#`.
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if check_absolute_uri(line) {
            doc.locations.push(LocationValue {
                uri: line.to_owned(),
                position,
            });
        } else {
            diags.error(
                Rule::BadUri,
                position,
                format!("`{line}` is not an absolute URI (RFC 2483: a text/uri-list holds URIs)"),
            );
        }
    }
}

fn check_duplicates(doc: &TextDocument, diags: &mut Diagnostics) {
    // The few categories of an entity are compared pairwise; many go through a map keyed by
    // the borrowed parts of the identifier. No id is built unless repeated.
    if doc.categories.len() <= 8 {
        for (i, category) in doc.categories.iter().enumerate() {
            let key = TypeId(category.scheme.as_str(), category.term.as_str());
            // The latest earlier occurrence, as the map below reports it.
            if let Some(first) = doc.categories[..i]
                .iter()
                .rev()
                .find(|c| TypeId(c.scheme.as_str(), c.term.as_str()) == key)
            {
                diags.error(
                    Rule::DuplicateCategory,
                    category.position,
                    format!(
                        "category `{}` already given at {}",
                        category.type_id(),
                        first.position
                    ),
                );
            }
        }
        return;
    }
    let mut seen: HashMap<TypeId<'_>, Position> = HashMap::new();
    for category in &doc.categories {
        let key = TypeId(category.scheme.as_str(), category.term.as_str());
        if let Some(first) = seen.insert(key, category.position) {
            diags.error(
                Rule::DuplicateCategory,
                category.position,
                format!("category `{}` already given at {first}", category.type_id()),
            );
        }
    }
}

// A type identifier as its two parts; equal and hashed as their concatenation, as the
// identifier itself is (`scheme#` + `term`).
struct TypeId<'a>(&'a str, &'a str);

impl TypeId<'_> {
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.bytes().chain(self.1.bytes())
    }
}

impl PartialEq for TypeId<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() + self.1.len() == other.0.len() + other.1.len()
            && self.bytes().eq(other.bytes())
    }
}

impl Eq for TypeId<'_> {}

impl std::hash::Hash for TypeId<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Equal keys must make the same calls: the concatenation goes in fixed-size chunks,
        // whatever the split between scheme and term.
        let mut chunk = [0u8; 32];
        let mut filled = 0;
        for b in self.bytes() {
            chunk[filled] = b;
            filled += 1;
            if filled == chunk.len() {
                state.write(&chunk);
                filled = 0;
            }
        }
        state.write(&chunk[..filled]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use tern_diag::Severity;
    use tern_model::OcciVersion;

    #[test]
    fn text_occi_is_never_truncated_and_notes_large_headers() {
        let mut attributes = String::new();
        for i in 0..400 {
            let _ = writeln!(
                attributes,
                "X-OCCI-Attribute: org.example.a{i}=\"{}\"",
                "x".repeat(20)
            );
        }
        let src = format!(
            "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n{attributes}"
        );
        let doc = parse_text(&src, MediaType::TextPlain, &ParseOptions::strict())
            .unwrap()
            .value;
        let out = render_text(&doc, MediaType::TextOcci);
        assert_eq!(out.notes.len(), 1);
        assert_eq!(
            (out.notes[0].severity, out.notes[0].rule.as_ref()),
            (Severity::Note, Rule::HeaderSize.id())
        );
        let back = parse_text(&out.text, MediaType::TextOcci, &ParseOptions::strict())
            .unwrap()
            .value;
        assert_eq!(back.attributes.len(), 400);
        assert!(render_text(&doc, MediaType::TextPlain).notes.is_empty());
    }

    #[test]
    fn occi_1_1_grammar_is_stricter_about_terms_and_names() {
        let v11 = ParseOptions {
            version: OcciVersion::V1_1,
            ..ParseOptions::strict()
        };
        let upper = "Category: Compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n";
        assert!(parse_text(upper, MediaType::TextPlain, &ParseOptions::strict()).is_ok());
        let e = parse_text(upper, MediaType::TextPlain, &v11).unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::BadTerm);
        let name = "X-OCCI-Attribute: occi.compute.Cores=2\n";
        assert!(parse_text(name, MediaType::TextPlain, &ParseOptions::strict()).is_ok());
        assert_eq!(
            parse_text(name, MediaType::TextPlain, &v11)
                .unwrap_err()
                .findings()[0]
                .rule,
            Rule::BadAttributeName
        );
    }

    #[test]
    fn a_category_repeated_with_another_split_is_a_duplicate() {
        // The identifier is scheme and term concatenated: the same one, cut elsewhere.
        let src = "Category: ab; scheme=\"http://example.org/x#\"; class=\"mixin\"\n\
                   Category: b; scheme=\"http://example.org/x#a\"; class=\"mixin\"\n";
        let e = parse_text(src, MediaType::TextPlain, &ParseOptions::strict()).unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::DuplicateCategory);
        assert_eq!(e.findings()[0].position, Some(Position::new(2, 11)));
        let long = "x".repeat(70);
        let twice = format!(
            "Category: t{long}; scheme=\"http://example.org/{long}#\"; class=\"mixin\"\n\
             Category: {long}; scheme=\"http://example.org/{long}#t\"; class=\"mixin\"\n"
        );
        let e = parse_text(&twice, MediaType::TextPlain, &ParseOptions::strict()).unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::DuplicateCategory);
        // A third occurrence names the one before it, with few categories as with many.
        for extra in [0, 20] {
            let mut three = String::new();
            for i in 0..extra {
                let _ = writeln!(
                    three,
                    "Category: m{i}; scheme=\"http://example.org/x#\"; class=\"mixin\""
                );
            }
            three.push_str(
                &"Category: k; scheme=\"http://example.org/x#\"; class=\"mixin\"\n".repeat(3),
            );
            let e = parse_text(&three, MediaType::TextPlain, &ParseOptions::strict()).unwrap_err();
            let messages: Vec<&str> = e.findings().iter().map(|f| f.message.as_str()).collect();
            assert_eq!(
                messages,
                [
                    format!(
                        "category `http://example.org/x#k` already given at {}:11",
                        extra + 1
                    ),
                    format!(
                        "category `http://example.org/x#k` already given at {}:11",
                        extra + 2
                    ),
                ]
            );
        }
        let distinct = src.replace("x#a", "x#c");
        assert!(parse_text(&distinct, MediaType::TextPlain, &ParseOptions::strict()).is_ok());
    }

    #[test]
    fn uri_list_skips_comments_and_wants_absolute_uris() {
        let doc = parse_text(
            "# listing\r\nhttps://a.example/compute/1\r\n\r\nurn:uuid:2\r\n",
            MediaType::UriList,
            &ParseOptions::strict(),
        )
        .unwrap()
        .value;
        assert_eq!(doc.locations.len(), 2);
        let e =
            parse_text("/compute/1\n", MediaType::UriList, &ParseOptions::strict()).unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::BadUri);
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;
    use crate::syntax::{AttributeValue, TextValue};
    use tern_diag::Severity;

    #[test]
    fn line_breaks_cannot_be_rendered_as_text() {
        let doc = TextDocument {
            attributes: vec![AttributeValue {
                name: "occi.core.title".into(),
                value: TextValue::String("two\nlines".into()),
                position: Position::START,
            }],
            ..TextDocument::default()
        };
        let out = render_text(&doc, MediaType::TextPlain);
        assert_eq!(out.notes.len(), 1);
        assert_eq!(
            (out.notes[0].severity, out.notes[0].rule.as_ref()),
            (Severity::Error, Rule::Unrepresentable.id())
        );
        let tab = TextDocument {
            attributes: vec![AttributeValue {
                name: "a".into(),
                value: TextValue::String("tab\there".into()),
                position: Position::START,
            }],
            ..TextDocument::default()
        };
        let out = render_text(&tab, MediaType::TextPlain);
        assert!(out.notes.is_empty());
        let back = parse_text(&out.text, MediaType::TextPlain, &ParseOptions::strict())
            .unwrap()
            .value;
        assert_eq!(back.attributes[0].value, tab.attributes[0].value);
    }
}
