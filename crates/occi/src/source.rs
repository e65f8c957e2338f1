//! Reading a named input (a file, standard input, a request body): the media type declared
//! for it or detected from its content, every finding placed in it, and the one reader of
//! entity collections that the conversions, `diff` and `plan` share.

use std::collections::HashMap;

use tern_diag::{Finding, Position};
use tern_model::{Catalogue, Collection, Link, Resource, ValidationMode};

use crate::bind::SourceIndex;
use crate::codec::{Unknowns, judge, read_indexed, validate, with_listed_categories};
use crate::diagnostic::{Diagnostics, ParseError, Parsed, Rule};
use crate::document::{Document, Listing};
use crate::leniency::ParseOptions;
use crate::media::MediaType;

/// An input: its name (findings are placed in it), its text, and the media type declared
/// for it (`--from`, a `Content-Type`), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    /// The file name, `<stdin>`, or the request the text came with.
    pub name: &'a str,
    /// The text.
    pub text: &'a str,
    /// The declared media type; when absent, [`MediaType::detect`] decides.
    pub declared: Option<MediaType>,
}

/// An entity collection read from a [`Source`], with the categories that describe it.
#[derive(Debug, Clone)]
pub struct EntityCollection {
    /// The resources and links.
    pub collection: Collection,
    /// The catalogue read with, plus the kinds, mixins and actions the input defines (an
    /// ovf2occi export carries the mixins OCCI Infrastructure lacks).
    pub catalogue: Catalogue,
    /// The media type the input was read as.
    pub media: MediaType,
}

impl<'a> Source<'a> {
    /// An input named `name` holding `text`, of the `declared` media type if given.
    pub fn new(name: &'a str, text: &'a str, declared: Option<MediaType>) -> Self {
        Source {
            name,
            text,
            declared,
        }
    }

    /// The declared media type, else the one the content shows.
    pub fn media(&self) -> MediaType {
        self.declared
            .unwrap_or_else(|| MediaType::detect(self.text))
    }

    /// Reads the input as one rendering ([`crate::read`]); every finding names the input.
    ///
    /// A `text/plain` or `text/occi+plain` input of several bodies separated by blank lines
    /// (the form [`CollectionForm::Bodies`](crate::CollectionForm::Bodies) writes, and
    /// `ovf2occi --to text/plain`) is an entity collection: each body one resource or link,
    /// read into a [`Document::Listing`].
    pub fn read(
        &self,
        options: &ParseOptions,
        catalogue: &Catalogue,
    ) -> Result<Parsed<Document>, ParseError> {
        self.read_indexed(options, catalogue, &mut SourceIndex::none())
    }

    // `read`, noting where categories and attributes are (of a single rendering: bodies
    // define no categories).
    fn read_indexed(
        &self,
        options: &ParseOptions,
        catalogue: &Catalogue,
        index: &mut SourceIndex,
    ) -> Result<Parsed<Document>, ParseError> {
        let this = self.decided();
        this.read_decided(options, catalogue, index)
    }

    // This input with its media type decided: detection reads the whole text, so it runs
    // once per read, not once for every body (a text of many bodies was quadratic).
    fn decided(&self) -> Source<'a> {
        Source {
            declared: Some(self.media()),
            ..*self
        }
    }

    // `read_indexed` once the media type is decided.
    fn read_decided(
        &self,
        options: &ParseOptions,
        catalogue: &Catalogue,
        index: &mut SourceIndex,
    ) -> Result<Parsed<Document>, ParseError> {
        let parts = self.parts();
        // One rendering: read whole, blank lines around it and all.
        if parts.len() == 1 {
            return match read_indexed(self.text, self.media(), options, catalogue, index) {
                Ok(parsed) => Ok(Parsed {
                    value: parsed.value,
                    warnings: self.place(parsed.warnings, 0),
                }),
                Err(e) => Err(ParseError::Invalid {
                    findings: self.place(e.into_findings(), 0),
                }),
            };
        }
        let mut found = Diagnostics::new();
        let mut listing = Listing::default();
        let mut ids = BodyIds::default();
        for (lines, text) in parts {
            let mut index = SourceIndex::none();
            let mut here = Vec::new();
            match read_indexed(text, self.media(), options, catalogue, &mut index) {
                Ok(parsed) => {
                    here.extend(parsed.warnings);
                    match self.entity_body(parsed.value, lines, &mut ids, &mut here) {
                        Some(EntityBody::Resource(r)) => listing.resources.push(r),
                        Some(EntityBody::Link(l)) => listing.links.push(l),
                        None => {}
                    }
                }
                Err(e) => here.extend(e.into_findings()),
            }
            found.extend(self.place(here, lines));
        }
        found.finish(Document::Listing(listing))
    }

    /// Every finding about the input ([`crate::validate`]), each naming the input; the
    /// entities judged as instances or as create requests by `mode`. Bodies separated by
    /// blank lines are judged one by one, as [`Source::read`] reads them.
    pub fn validate(
        &self,
        options: &ParseOptions,
        catalogue: &Catalogue,
        unknowns: Unknowns,
        mode: ValidationMode,
    ) -> Vec<Finding> {
        let this = self.decided();
        this.validate_decided(options, catalogue, unknowns, mode)
    }

    // `validate` once the media type is decided.
    fn validate_decided(
        &self,
        options: &ParseOptions,
        catalogue: &Catalogue,
        unknowns: Unknowns,
        mode: ValidationMode,
    ) -> Vec<Finding> {
        let parts = self.parts();
        if parts.len() == 1 {
            let findings = validate(self.text, self.media(), options, catalogue, unknowns, mode);
            return self.place(findings, 0);
        }
        // Bounded: a text of millions of one-line bodies breaks a rule in each.
        let mut out = tern_diag::Bounded::new();
        let mut ids = BodyIds::default();
        for (lines, text) in parts {
            let mut index = SourceIndex::default();
            let mut here = Vec::new();
            match read_indexed(text, self.media(), options, catalogue, &mut index) {
                Ok(parsed) => {
                    here.extend(parsed.warnings);
                    if self
                        .entity_body(parsed.value.clone(), lines, &mut ids, &mut here)
                        .is_some()
                    {
                        judge(&parsed.value, &index, catalogue, unknowns, mode, &mut here);
                    }
                }
                Err(e) => here.extend(e.into_findings()),
            }
            here.sort_by_key(|d| (d.position, std::cmp::Reverse(d.severity)));
            out.extend(self.place(here, lines));
        }
        out.into_vec()
    }

    // The parts the input is read in: the bodies of a text/plain or text/occi+plain input
    // (runs of lines between blank lines), else the whole text.
    fn parts(&self) -> Vec<(usize, &'a str)> {
        match self.media() {
            MediaType::TextPlain | MediaType::TextOcciPlain => bodies(self.text),
            _ => vec![(0, self.text)],
        }
    }

    // One body of several: a resource or a link, whose id no earlier body has; else `None`
    // and the finding (relative to the body) that says what the body is instead.
    fn entity_body(
        &self,
        document: Document,
        lines: usize,
        ids: &mut BodyIds,
        found: &mut Vec<Finding>,
    ) -> Option<EntityBody> {
        let (body, entity) = match document {
            Document::Resource(r) => {
                let e = r.entity.clone();
                (EntityBody::Resource(r), e)
            }
            Document::Link(l) => {
                let e = l.entity.clone();
                (EntityBody::Link(l), e)
            }
            other => {
                found.push(Rule::Composition.error(
                    Position::START,
                    format!(
                        "a {} input of several bodies separated by blank lines is an entity collection, one resource or link per body; this body is a {}",
                        self.media().essence(),
                        other.composition()
                    ),
                ));
                return None;
            }
        };
        if !entity.id.is_empty()
            && let Some(first) = ids.0.insert(entity.id.clone(), lines + 1)
        {
            found.push(Rule::Composition.error(
                Position::START,
                format!(
                    "{} {} is rendered twice (first in the body at line {first})",
                    entity.kind.term(),
                    entity.id
                ),
            ));
            return None;
        }
        Some(body)
    }

    // Findings of a part that starts `lines` lines into the input, placed in it.
    fn place(&self, findings: Vec<Finding>, lines: usize) -> Vec<Finding> {
        findings
            .into_iter()
            .map(|mut f| {
                if let Some(p) = &mut f.position {
                    p.line += lines;
                }
                f.in_file(self.name)
            })
            .collect()
    }
}

// The entity of one body.
enum EntityBody {
    Resource(Resource),
    Link(Link),
}

// The ids of the bodies read so far, with the line each body starts on.
#[derive(Default)]
struct BodyIds(HashMap<String, usize>);

/// Reads an entity collection: a JSON collection (with the categories it defines), a JSON
/// resource or link, or `text/plain` resource renderings separated by blank lines (the
/// bodies of the create requests `ovf2occi --to text/plain` writes). The media type is the
/// declared one or the one the content shows.
///
/// Returns the collection and every warning and note met on the way (leniencies used,
/// categories the input defines that the catalogue refuses), or every finding when the input
/// is no entity collection. Findings name the input and point into it.
///
/// ```
/// use tern_model::{Catalogue, OcciVersion};
/// use tern_occi::{ParseOptions, Source, read_collection};
///
/// let text = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\";\n\
///             X-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n\
///             \n\
///             Category: storage; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
///             X-OCCI-Attribute: occi.core.id=\"urn:uuid:2\", occi.storage.size=2.0\n";
/// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
/// let read = read_collection(&Source::new("vms.txt", text, None), &ParseOptions::lenient(), &catalogue)?;
/// assert_eq!(read.value.collection.resources().len(), 2);
/// assert_eq!(read.warnings[0].to_string(), "vms.txt:1:86: warning[lenient.trailing-semicolon]: `;` after the last parameter");
/// # Ok::<(), tern_occi::ParseError>(())
/// ```
pub fn read_collection(
    source: &Source<'_>,
    options: &ParseOptions,
    catalogue: &Catalogue,
) -> Result<Parsed<EntityCollection>, ParseError> {
    // Decided once: detection reads the whole text.
    let source = source.decided();
    let media = source.media();
    let mut read = EntityCollection {
        collection: Collection::new(),
        catalogue: catalogue.clone(),
        media,
    };
    let mut index = SourceIndex::categories();
    let parsed = source.read_indexed(options, catalogue, &mut index)?;
    let mut found = Vec::new();
    into_collection(parsed.value, &mut read, &index, &mut found);
    let mut all = Diagnostics::new();
    all.extend(parsed.warnings);
    all.extend(source.place(found, 0));
    all.finish(read)
}

// The entities of a document into `read`, with the categories it defines; the findings
// when it holds none.
fn into_collection(
    document: Document,
    read: &mut EntityCollection,
    index: &SourceIndex,
    found: &mut Vec<Finding>,
) {
    let (resources, links) = match document {
        Document::Listing(l) if !l.is_categories() || l.is_entities() => {
            read.catalogue =
                with_listed_categories(&read.catalogue, &l, index, Unknowns::Warn, found);
            (l.resources, l.links)
        }
        Document::Resource(r) => (vec![r], Vec::new()),
        Document::Link(l) => (Vec::new(), vec![l]),
        // GFD.229's entity collection of no entity: an empty body.
        Document::Locations(l) if l.is_empty() => (Vec::new(), Vec::new()),
        other => {
            found.push(Rule::Composition.error(
                Position::START,
                format!(
                    "expected an entity collection (resources and links), found a {}",
                    other.composition()
                ),
            ));
            return;
        }
    };
    for r in resources {
        if let Err(e) = read.collection.push_resource(r) {
            found.push(Finding::error(Rule::Composition, e.to_string()));
        }
    }
    for l in links {
        read.collection.push_link(l);
    }
}

// The runs of non-blank lines, each with the number of lines before it.
fn bodies(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        match (line.trim().is_empty(), start) {
            (false, None) => start = Some((index, offset)),
            (true, Some((lines, from))) => {
                out.push((lines, &text[from..offset]));
                start = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    if let Some((lines, from)) = start {
        out.push((lines, &text[from..]));
    }
    if out.is_empty() {
        // Nothing but blank lines: the reader says what an empty rendering is.
        out.push((0, text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tern_model::OcciVersion;

    const COMPUTE: &str = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n";

    fn catalogue() -> Catalogue {
        Catalogue::infrastructure(OcciVersion::V1_2)
    }

    #[test]
    fn bodies_are_runs_of_lines_with_their_offsets() {
        assert_eq!(bodies("a\nb\n\n\r\nc\n"), [(0, "a\nb\n"), (4, "c\n")]);
        assert_eq!(bodies("\n \n"), [(0, "\n \n")]);
        assert_eq!(bodies("a"), [(0, "a")]);
    }

    #[test]
    fn findings_of_later_bodies_point_into_the_whole_input() {
        let text = format!(
            "{COMPUTE}X-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n\n{COMPUTE}X-OCCI-Attribute: occi.core.id=\"urn:uuid:2\", occi.compute.cores=2x\n"
        );
        let e = read_collection(
            &Source::new("two.txt", &text, None),
            &ParseOptions::lenient(),
            &catalogue(),
        )
        .unwrap_err();
        let first = &e.findings()[0];
        assert_eq!(first.rule, Rule::BadNumber);
        assert_eq!(first.file.as_deref(), Some("two.txt"));
        assert_eq!(first.position, Some(Position::new(5, 65)));
    }

    #[test]
    fn a_category_collection_is_no_entity_collection() {
        let text =
            r#"{"term": "compute", "scheme": "http://schemas.ogf.org/occi/infrastructure#"}"#;
        let source = Source::new("kind.json", text, None);
        let e = read_collection(&source, &ParseOptions::strict(), &catalogue()).unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::Composition);
        assert!(e.findings()[0].message.contains("found a kind"), "{e}");
    }

    #[test]
    fn duplicate_resources_are_refused() {
        let text = format!(
            "{COMPUTE}X-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n\n{COMPUTE}X-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n"
        );
        let e = read_collection(
            &Source::new("twice.txt", &text, None),
            &ParseOptions::strict(),
            &catalogue(),
        )
        .unwrap_err();
        assert_eq!(e.findings()[0].rule, Rule::Composition);
        assert!(e.findings()[0].message.contains("urn:uuid:1"), "{e}");
    }
}
