//! The entry points: read any OCCI media type into a [`Document`], write a document in any
//! media type, and validate an input against grammar, JSON shape and catalogue.

use tern_model::{Catalogue, Entity, Format, Link, Resource, ValidationError, ValidationMode};

use crate::bind::{EntityPath, SourceIndex, from_text, to_text};
use tern_diag::{Finding, Lines, Position, Severity};

use crate::diagnostic::{Diagnostics, ParseError, Parsed, Rule};
use crate::document::{Document, Listing};
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
    // Nothing is judged: nothing to place.
    read_indexed(src, media, options, catalogue, &mut SourceIndex::none())
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
            Ok(mut json) => {
                let lines = Lines::new(src);
                from_json(&mut json, &lines, catalogue, options, &mut diags, index)
            }
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
        from_text(parsed.value, catalogue, options, &mut diags, index)
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

/// How a text rendering renders an entity collection (resources and links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CollectionForm {
    /// GFD.229's entity collection: the entities' locations (`X-OCCI-Location` fields, or
    /// the lines of `text/uri-list`); their kinds, attributes and links are left out, and a
    /// note says so.
    #[default]
    Locations,
    /// tern's export form: every resource and link rendered in full, one rendering per body,
    /// bodies separated by one blank line; `text/plain` and `text/occi+plain` only
    /// (`text/occi` carries one entity, in the headers of one message). [`Source::read`]
    /// and [`read_collection`] read it back. Category definitions are left out (their text
    /// form has no attribute types), with a note.
    ///
    /// [`Source::read`]: crate::Source::read
    /// [`read_collection`]: crate::read_collection
    Bodies,
}

impl CollectionForm {
    /// The form's name: `locations` or `bodies`.
    pub fn name(self) -> &'static str {
        match self {
            CollectionForm::Locations => "locations",
            CollectionForm::Bodies => "bodies",
        }
    }
}

impl std::str::FromStr for CollectionForm {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "locations" => Ok(CollectionForm::Locations),
            "bodies" => Ok(CollectionForm::Bodies),
            _ => Err(format!(
                "`{s}` is no collection form (known: locations, bodies)"
            )),
        }
    }
}

/// How [`write_with`] renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteOptions {
    /// The form of an entity collection in a text rendering.
    pub collection: CollectionForm,
}

/// Renders `doc` in `media` with `options`: [`write()`], except that an entity collection
/// may be rendered as bodies ([`CollectionForm::Bodies`]).
///
/// ```
/// use tern_model::{CategoryId, Entity, Resource};
/// use tern_occi::{CollectionForm, Document, Listing, MediaType, WriteOptions, write_with};
///
/// let kind = CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", "network");
/// let listing = Listing {
///     resources: vec![Resource::new(Entity::new("lan", kind.clone())), Resource::new(Entity::new("wan", kind))],
///     ..Listing::default()
/// };
/// let doc = Document::Listing(listing);
/// let spec = write_with(&doc, MediaType::TextPlain, &WriteOptions::default());
/// assert_eq!(spec.text, "X-OCCI-Location: /network/lan\r\nX-OCCI-Location: /network/wan\r\n");
/// let bodies = write_with(&doc, MediaType::TextPlain, &WriteOptions { collection: CollectionForm::Bodies });
/// assert_eq!(bodies.text.matches("\r\n\r\n").count(), 1, "two bodies, one blank line");
/// ```
pub fn write_with(doc: &Document, media: MediaType, options: &WriteOptions) -> Rendered {
    match (doc, options.collection) {
        (Document::Listing(l), CollectionForm::Bodies)
            if !media.is_json() && !l.is_categories() =>
        {
            write_bodies(l, media)
        }
        _ => write(doc, media),
    }
}

/// Renders `doc` in `media`. JSON output is checked against the specific definition of the
/// OCCI schema; any violation, and anything the media type cannot carry, is in `notes`
/// (severity error: the output is incomplete). A text rendering of an entity collection is
/// GFD.229's, its locations ([`CollectionForm::Locations`]); [`write_with`] offers bodies.
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

// One text rendering per entity, separated by blank lines.
fn write_bodies(listing: &Listing, media: MediaType) -> Rendered {
    let refused = match media {
        MediaType::TextOcci => Some(
            "text/occi carries one entity, in the headers of one message: render the collection as locations, as text/plain or text/occi+plain bodies, or as application/occi+json",
        ),
        MediaType::UriList => Some(
            "text/uri-list holds locations only: render the collection as locations, as text/plain or text/occi+plain bodies, or as application/occi+json",
        ),
        _ => None,
    };
    if let Some(message) = refused {
        return Rendered {
            text: String::new(),
            notes: vec![Rule::Unrepresentable.finding(Severity::Error, message)],
        };
    }
    let mut notes = Vec::new();
    if !listing.is_entities() {
        notes.push(crate::bind::left_out(listing));
    }
    let entities = listing
        .resources
        .iter()
        .map(|r| Document::Resource(r.clone()))
        .chain(listing.links.iter().map(|l| Document::Link(l.clone())));
    let mut text = String::new();
    for entity in entities {
        let mut rendered = write(&entity, media);
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        text.push_str(&rendered.text);
        notes.append(&mut rendered.notes);
    }
    Rendered { text, notes }
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
/// validation of the entities against `catalogue`, judged as instances (what a server
/// renders: ids, states, MACs) or as create requests (what a client sends) by `mode`.
///
/// ```
/// use tern_model::{Catalogue, OcciVersion, ValidationMode};
/// use tern_occi::{MediaType, ParseOptions, Unknowns, validate};
///
/// let nic = "Category: networkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
///            X-OCCI-Attribute: occi.core.source=\"/compute/vm1\", occi.core.target=\"/network/lan\"\n";
/// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
/// let judge = |mode| validate(nic, MediaType::TextPlain, &ParseOptions::strict(), &catalogue, Unknowns::Warn, mode);
/// let request = judge(ValidationMode::Request);
/// assert!(!tern_diag::has_errors(&request));
/// assert_eq!(request[0].to_string(), "1:11: note[model.missing-attribute]: networkinterface (no id): required attribute occi.networkinterface.mac is missing: the provider assigns it (a create request may leave it out)");
/// assert_eq!(judge(ValidationMode::Instance).len(), 4, "an instance has an id, an interface, a MAC and a state");
/// ```
pub fn validate(
    src: &str,
    media: MediaType,
    options: &ParseOptions,
    catalogue: &Catalogue,
    unknowns: Unknowns,
    mode: ValidationMode,
) -> Vec<Finding> {
    let mut index = SourceIndex::default();
    let parsed = match read_indexed(src, media, options, catalogue, &mut index) {
        Ok(p) => p,
        Err(e) => return e.into_findings(),
    };
    let mut out = parsed.warnings;
    judge(&parsed.value, &index, catalogue, unknowns, mode, &mut out);
    out.sort_by_key(|d| (d.position, std::cmp::Reverse(d.severity)));
    out
}

// The model's findings about a document read with `index`, into `out`: each entity judged
// on its own, so that every finding points into that entity's rendering.
pub(crate) fn judge(
    document: &Document,
    index: &SourceIndex,
    catalogue: &Catalogue,
    unknowns: Unknowns,
    mode: ValidationMode,
    out: &mut Vec<Finding>,
) {
    let judged = Judged {
        index,
        unknowns,
        mode,
    };
    match document {
        Document::Resource(r) => judged.resource(catalogue, r, 0, out),
        Document::Link(l) => judged.link(catalogue, l, EntityPath::Link(0), out),
        Document::Listing(l) => {
            // Categories the document itself defines (a model rendering, or an export that
            // carries its provider mixins) are known to the entities beside them.
            let own = with_listed_categories(catalogue, l, index, unknowns, out);
            for (n, r) in l.resources.iter().enumerate() {
                judged.resource(&own, r, n, out);
            }
            for (n, k) in l.links.iter().enumerate() {
                judged.link(&own, k, EntityPath::Link(n), out);
            }
        }
        Document::ActionInvocation(a) => judged.invocation(catalogue, a, out),
        _ => {}
    }
}

// How the entities of one document are judged.
struct Judged<'a> {
    index: &'a SourceIndex,
    unknowns: Unknowns,
    mode: ValidationMode,
}

impl Judged<'_> {
    // The n-th resource, then each of its links.
    fn resource(&self, catalogue: &Catalogue, r: &Resource, n: usize, out: &mut Vec<Finding>) {
        let mut bare = r.clone();
        bare.links.clear();
        let path = EntityPath::Resource(n);
        let errors = catalogue.validate_resource(&bare, self.mode);
        self.report(catalogue, path, errors, out);
        self.uris(path, &r.entity, None, out);
        for (m, l) in r.links.iter().enumerate() {
            self.link(catalogue, l, EntityPath::ResourceLink(n, m), out);
        }
    }

    fn link(&self, catalogue: &Catalogue, l: &Link, path: EntityPath, out: &mut Vec<Finding>) {
        let errors = catalogue.validate_link(l, self.mode);
        self.report(catalogue, path, errors, out);
        self.uris(path, &l.entity, Some(l), out);
    }

    fn invocation(
        &self,
        catalogue: &Catalogue,
        a: &crate::document::ActionInvocation,
        out: &mut Vec<Finding>,
    ) {
        let index = self.index;
        let Some(action) = catalogue.action(&a.action) else {
            out.push(finding(
                self.unknowns,
                Rule::UnknownCategory,
                index.categories.get(&a.action.to_string()),
                format!("action {} is not in the catalogue", a.action),
            ));
            return;
        };
        for (name, value) in a.attributes.iter() {
            let at = index.attributes.get(name);
            match action.attributes.iter().find(|d| d.name == name) {
                None => out.push(finding(
                    self.unknowns,
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

    // The model's findings about the entity at `path`, each placed at what it is about in
    // that entity (or at the entity, for what is missing).
    fn report(
        &self,
        catalogue: &Catalogue,
        path: EntityPath,
        result: Result<(), tern_model::ValidationErrors>,
        out: &mut Vec<Finding>,
    ) {
        let Err(errors) = result else {
            return;
        };
        let index = self.index;
        for e in errors.0 {
            let (rule, at) = match &e {
                ValidationError::UnknownKind { kind, .. } => (
                    Rule::UnknownCategory,
                    index.category_in(path, &kind.to_string()),
                ),
                ValidationError::UnknownMixin { mixin, .. }
                | ValidationError::MixinNotApplicable { mixin, .. } => {
                    let rule = if matches!(e, ValidationError::UnknownMixin { .. }) {
                        Rule::UnknownCategory
                    } else {
                        Rule::CategoryMisuse
                    };
                    (rule, index.category_in(path, &mixin.to_string()))
                }
                ValidationError::NotAKind { category, .. } => (
                    Rule::CategoryMisuse,
                    index.category_in(path, &category.to_string()),
                ),
                ValidationError::WrongBaseKind { kind, .. } => (
                    Rule::CategoryMisuse,
                    index.category_in(path, &kind.to_string()),
                ),
                ValidationError::UnknownAttribute { attribute, .. } => {
                    (Rule::UnknownAttribute, index.attribute_in(path, attribute))
                }
                ValidationError::BadValue { attribute, .. } => {
                    (Rule::AttributeType, index.attribute_in(path, attribute))
                }
                ValidationError::MissingRequired { .. } => {
                    (Rule::MissingAttribute, index.entity_start(path))
                }
                ValidationError::MissingProviderSet { .. } | ValidationError::MissingId { .. } => {
                    (Rule::MissingProviderValue, index.entity_start(path))
                }
                _ => (Rule::Composition, index.entity_start(path)),
            };
            // A create request may leave what the provider assigns (a NIC's MAC) out: noted.
            if let ValidationError::MissingRequired { attribute, .. } = &e
                && self.mode == ValidationMode::Request
                && provider_assigned(catalogue, attribute)
            {
                out.push(rule.note(
                    at.unwrap_or(Position::START),
                    format!("{e}: the provider assigns it (a create request may leave it out)"),
                ));
                continue;
            }
            let severity_policy = if matches!(rule, Rule::UnknownCategory | Rule::UnknownAttribute)
            {
                self.unknowns
            } else {
                Unknowns::Reject
            };
            out.push(finding(severity_policy, rule, at.as_ref(), e.to_string()));
        }
    }

    // Ids and link ends must be URIs.
    fn uris(&self, path: EntityPath, entity: &Entity, link: Option<&Link>, out: &mut Vec<Finding>) {
        let mut values = Vec::new();
        if !entity.id.is_empty() {
            values.push(("occi.core.id", entity.id.as_str()));
        }
        if let Some(l) = link {
            for (name, end) in [
                ("occi.core.source", &l.source),
                ("occi.core.target", &l.target),
            ] {
                if !end.location.is_empty() {
                    values.push((name, end.location.as_str()));
                }
            }
        }
        for (attribute, text) in values {
            if Format::Uri.accepts(text) {
                continue;
            }
            out.push(Rule::AttributeType.error(
                self.index
                    .attribute_in(path, attribute)
                    .unwrap_or(Position::START),
                format!(
                    "{} {}: {attribute} `{text}` is not a URI (GFD.221: ids and link ends are URIs; percent-encode spaces)",
                    entity.kind.term(),
                    if entity.id.is_empty() { "(no id)" } else { &entity.id }
                ),
            ));
        }
    }
}

fn provider_assigned(catalogue: &Catalogue, attribute: &str) -> bool {
    let kinds = catalogue.kinds().iter().flat_map(|k| &k.attributes);
    let mixins = catalogue.mixins().iter().flat_map(|m| &m.attributes);
    kinds
        .chain(mixins)
        .any(|d| d.name == attribute && d.provider_assigned)
}

fn finding(policy: Unknowns, rule: Rule, at: Option<&Position>, message: String) -> Finding {
    let severity = match policy {
        Unknowns::Warn => Severity::Warning,
        Unknowns::Reject => Severity::Error,
    };
    rule.finding(severity, message)
        .at(at.copied().unwrap_or(Position::START))
}
