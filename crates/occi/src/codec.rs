//! The entry points: read any OCCI media type into a [`Document`], write a document in any
//! media type, and validate an input against grammar, JSON shape and catalogue.

use tern_model::{Catalogue, ValidationError, ValidationMode};

use crate::bind::{SourceIndex, from_text, to_text};
use tern_diag::{Finding, Position, Severity};

use crate::diagnostic::{Diagnostics, ParseError, Parsed, Rule};
use crate::document::Document;
use crate::json::{Schema, from_json, parse_json, schema_definition, to_json};
use crate::leniency::{Leniency, ParseOptions};
use crate::media::MediaType;
use crate::text::{Rendered, parse_text, render_text};

/// Reads `src` in `media` into the model, typing values through `catalogue`.
///
/// ```
/// use tern_model::{Catalogue, OcciVersion, Value};
/// use tern_occi::{Document, MediaType, ParseOptions, read};
///
/// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
/// let src = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
///            X-OCCI-Attribute: occi.core.id=\"urn:uuid:1\", occi.compute.cores=2\n";
/// let Document::Resource(vm) = read(src, MediaType::TextPlain, &ParseOptions::strict(), &catalogue)?.value else { panic!() };
/// assert_eq!(vm.entity.id, "urn:uuid:1");
/// assert_eq!(vm.entity.attributes.get("occi.compute.cores").unwrap().to_string(), "2");
/// # Ok::<(), tern_occi::ParseError>(())
/// ```
pub fn read(
    src: &str,
    media: MediaType,
    options: &ParseOptions,
    catalogue: &Catalogue,
) -> Result<Parsed<Document>, ParseError> {
    let mut index = SourceIndex::default();
    read_indexed(src, media, options, catalogue, &mut index)
}

pub(crate) fn read_indexed(
    src: &str,
    media: MediaType,
    options: &ParseOptions,
    catalogue: &Catalogue,
    index: &mut SourceIndex,
) -> Result<Parsed<Document>, ParseError> {
    let mut diags = Diagnostics::new();
    let document = if media.is_json() {
        if media == MediaType::Json {
            diags.lenient(
                Leniency::PlainJson,
                options.allows(Leniency::PlainJson),
                Position::START,
                "application/json instead of application/occi+json",
            );
        }
        match parse_json(src) {
            Ok(json) => from_json(&json, catalogue, options, &mut diags, index),
            Err(e) => {
                diags.push(e);
                None
            }
        }
    } else {
        let parsed = parse_text(src, media, options)?;
        for w in parsed.warnings {
            diags.push(w);
        }
        from_text(&parsed.value, catalogue, options, &mut diags, index)
    };
    match document {
        Some(d) => diags.finish(d),
        None => {
            if !diags.has_errors() {
                diags.error(
                    Rule::Composition,
                    Position::START,
                    "the input is no OCCI rendering",
                );
            }
            Err(diags.into_error())
        }
    }
}

/// Renders `doc` in `media`. JSON output is checked against the specific definition of the
/// OCCI schema; any violation, and anything the media type cannot carry, is in `notes`
/// (severity error: the output is incomplete).
pub fn write(doc: &Document, media: MediaType) -> Rendered {
    let mut notes = Vec::new();
    if media.is_json() {
        let json = to_json(doc, &mut notes);
        let definition = schema_definition(doc);
        for v in Schema::occi().validate(Some(definition), &json) {
            notes.push(Rule::Schema.finding(
                Severity::Warning,
                format!(
                    "output fails schema definition `{definition}` at `{}`: {}",
                    v.pointer, v.message
                ),
            ));
        }
        return Rendered {
            text: json.to_pretty(),
            notes,
        };
    }
    let text = to_text(doc, &mut notes);
    let mut rendered = render_text(&text, media);
    notes.append(&mut rendered.notes);
    rendered.notes = notes;
    rendered
}

// `catalogue` plus the kinds, mixins and actions a listing defines; a definition that
// refers to something neither has is a finding.
pub(crate) fn with_listed_categories(
    catalogue: &Catalogue,
    listing: &crate::document::Listing,
    index: &SourceIndex,
    unknowns: Unknowns,
    out: &mut Vec<Finding>,
) -> Catalogue {
    let mut own = catalogue.clone();
    let mut refused = Vec::new();
    for a in &listing.actions {
        if own.category(&a.id).is_some() {
            continue;
        }
        if let Err(e) = own.add_action(a.clone()) {
            refused.push((a.id.to_string(), e));
        }
    }
    for k in &listing.kinds {
        if own.category(&k.id).is_some() {
            continue;
        }
        if let Err(e) = own.add_kind(k.clone()) {
            refused.push((k.id.to_string(), e));
        }
    }
    for m in &listing.mixins {
        if own.category(&m.id).is_some() {
            continue;
        }
        if let Err(e) = own.add_mixin(m.clone()) {
            refused.push((m.id.to_string(), e));
        }
    }
    for (id, e) in refused {
        out.push(finding(
            unknowns,
            Rule::UnknownCategory,
            index.categories.get(&id),
            e.to_string(),
        ));
    }
    own
}

/// How [`validate`] treats categories and attributes the catalogue does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unknowns {
    /// Provider extensions are normal: a warning.
    #[default]
    Warn,
    /// Errors.
    Reject,
}

/// All findings about `src`: grammar (with leniency warnings), JSON shape, and the model
/// validation of the entities (as create requests) against `catalogue`.
// One match over document kinds, then one over validation findings.
#[allow(clippy::too_many_lines)]
pub fn validate(
    src: &str,
    media: MediaType,
    options: &ParseOptions,
    catalogue: &Catalogue,
    unknowns: Unknowns,
) -> Vec<Finding> {
    let mut index = SourceIndex::default();
    let parsed = match read_indexed(src, media, options, catalogue, &mut index) {
        Ok(p) => p,
        Err(e) => return e.into_findings(),
    };
    let mut out = parsed.warnings;
    let mut errors = Vec::new();
    match &parsed.value {
        Document::Resource(r) => collect(
            catalogue.validate_resource(r, ValidationMode::Request),
            &mut errors,
        ),
        Document::Link(l) => collect(
            catalogue.validate_link(l, ValidationMode::Request),
            &mut errors,
        ),
        Document::Listing(l) => {
            // Categories the document itself defines (a model rendering, or an export that
            // carries its provider mixins) are known to the entities beside them.
            let own = with_listed_categories(catalogue, l, &index, unknowns, &mut out);
            for r in &l.resources {
                collect(
                    own.validate_resource(r, ValidationMode::Request),
                    &mut errors,
                );
            }
            for k in &l.links {
                collect(own.validate_link(k, ValidationMode::Request), &mut errors);
            }
        }
        Document::ActionInvocation(a) => match catalogue.action(&a.action) {
            None => out.push(finding(
                unknowns,
                Rule::UnknownCategory,
                index.categories.get(&a.action.to_string()),
                format!("action {} is not in the catalogue", a.action),
            )),
            Some(action) => {
                for (name, value) in a.attributes.iter() {
                    let at = index.attributes.get(name);
                    match action.attributes.iter().find(|d| d.name == name) {
                        None => out.push(finding(
                            unknowns,
                            Rule::UnknownAttribute,
                            at,
                            format!("action {} has no parameter {name}", a.action),
                        )),
                        Some(def) => {
                            if let Err(problem) = def.check(value) {
                                out.push(finding(
                                    Unknowns::Reject,
                                    Rule::AttributeType,
                                    at,
                                    format!("parameter {name}: value {value}: {problem}"),
                                ));
                            }
                        }
                    }
                }
            }
        },
        _ => {}
    }
    for e in errors {
        let (rule, key, attribute) = match &e {
            ValidationError::UnknownKind { kind, .. } => {
                (Rule::UnknownCategory, kind.to_string(), false)
            }
            ValidationError::UnknownMixin { mixin, .. } => {
                (Rule::UnknownCategory, mixin.to_string(), false)
            }
            ValidationError::NotAKind { category, .. } => {
                (Rule::CategoryMisuse, category.to_string(), false)
            }
            ValidationError::WrongBaseKind { kind, .. } => {
                (Rule::CategoryMisuse, kind.to_string(), false)
            }
            ValidationError::MixinNotApplicable { mixin, .. } => {
                (Rule::CategoryMisuse, mixin.to_string(), false)
            }
            ValidationError::UnknownAttribute { attribute, .. } => {
                (Rule::UnknownAttribute, attribute.clone(), true)
            }
            ValidationError::MissingRequired { attribute, .. } => {
                (Rule::MissingAttribute, attribute.clone(), true)
            }
            ValidationError::BadValue { attribute, .. } => {
                (Rule::AttributeType, attribute.clone(), true)
            }
            _ => (Rule::Composition, String::new(), false),
        };
        let at = if attribute {
            index.attributes.get(&key)
        } else {
            index.categories.get(&key)
        };
        let severity_policy = if matches!(rule, Rule::UnknownCategory | Rule::UnknownAttribute) {
            unknowns
        } else {
            Unknowns::Reject
        };
        out.push(finding(severity_policy, rule, at, e.to_string()));
    }
    out.sort_by_key(|d| (d.position, std::cmp::Reverse(d.severity)));
    out
}

fn collect(result: Result<(), tern_model::ValidationErrors>, errors: &mut Vec<ValidationError>) {
    if let Err(e) = result {
        errors.extend(e.0);
    }
}

fn finding(policy: Unknowns, rule: Rule, at: Option<&Position>, message: String) -> Finding {
    let severity = match policy {
        Unknowns::Warn => Severity::Warning,
        Unknowns::Reject => Severity::Error,
    };
    rule.finding(severity, message)
        .at(at.copied().unwrap_or(Position::START))
}
