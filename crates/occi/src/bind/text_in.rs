//! Text fields → model: recognises the composition (resource, link, action invocation,
//! category collection, location list) and types every value through the catalogue.

use std::sync::LazyLock;

use tern_diag::Position;
use tern_model::{
    Action, AttributeDef, AttributeType, Attributes, Catalogue, CategoryId, Endpoint, Entity, Kind,
    Link, Mixin, Multiplicity, Resource,
};

use crate::diagnostic::{Diagnostics, Rule};
use crate::document::{ActionInvocation, Document, Listing};
use crate::leniency::ParseOptions;
use crate::syntax::{
    AttributeDecl, AttributeValue, CategoryClass, CategoryValue, LinkValue, ResourceLink, TextValue,
};
use crate::text::TextDocument;

use super::{EntityPath, SourceIndex, derive_id, typed_value};

// `core#link`, built once.
static LINK_ID: LazyLock<CategoryId> =
    LazyLock::new(|| CategoryId::new("http://schemas.ogf.org/occi/core#", "link"));

/// Binds a parsed text rendering to the model.
pub(crate) fn from_text(
    doc: TextDocument,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<Document> {
    if index.records_categories() {
        for c in &doc.categories {
            index.category(&c.type_id(), || c.position);
        }
    }
    let start = doc
        .categories
        .first()
        .map_or(Position::START, |c| c.position);
    let has_entity_fields = !doc.links.is_empty() || !doc.attributes.is_empty();
    if !doc.locations.is_empty() {
        if has_entity_fields || !doc.categories.is_empty() {
            diags.error(Rule::Composition, doc.locations[0].position, "X-OCCI-Location lists entities; it cannot be mixed with categories, links or attributes");
            return None;
        }
        return Some(Document::Locations(
            doc.locations.iter().map(|l| l.uri.clone()).collect(),
        ));
    }
    if doc.categories.is_empty() {
        if has_entity_fields {
            diags.error(
                Rule::Composition,
                first_position(&doc),
                "an entity rendering needs a Category with its kind",
            );
            return None;
        }
        return Some(Document::Locations(Vec::new()));
    }
    let defines = doc.categories.iter().any(is_definition);
    let kinds = doc
        .categories
        .iter()
        .filter(|c| c.class == CategoryClass::Kind)
        .count();
    let actions = doc
        .categories
        .iter()
        .filter(|c| c.class == CategoryClass::Action)
        .count();
    if has_entity_fields
        || (!defines && kinds == 1)
        || (!defines && actions == 1 && doc.categories.len() == 1)
    {
        if actions == 1 && doc.categories.len() == 1 && doc.links.is_empty() {
            return action_invocation(doc, catalogue, options, diags, index);
        }
        if kinds != 1 || actions != 0 {
            diags.error(Rule::Composition, start, format!("an entity rendering has exactly one kind and no action category (found {kinds} kinds, {actions} actions)"));
            return None;
        }
        return entity(doc, catalogue, options, diags, index);
    }
    Some(match category_collection(&doc, catalogue) {
        // One definition on its own is that category, not a collection of one.
        Listing {
            kinds,
            mixins,
            actions,
            ..
        } if kinds.len() + mixins.len() + actions.len() == 1 => {
            if let Some(k) = kinds.into_iter().next() {
                Document::Kind(k)
            } else if let Some(m) = mixins.into_iter().next() {
                Document::Mixin(m)
            } else {
                actions
                    .into_iter()
                    .next()
                    .map_or_else(|| Document::Listing(Listing::default()), Document::Action)
            }
        }
        listing => Document::Listing(listing),
    })
}

fn start_of(doc: &TextDocument) -> Position {
    doc.categories
        .first()
        .map_or_else(|| first_position(doc), |c| c.position)
}

fn first_position(doc: &TextDocument) -> Position {
    let link = doc.links.first().map(|l| match l {
        LinkValue::Resource(r) => r.position,
        LinkValue::Action(a) => a.position,
    });
    link.or(doc.attributes.first().map(|a| a.position))
        .unwrap_or(Position::START)
}

/// A Category with parameters only a definition carries (query interface), as opposed to
/// the bare `term; scheme; class` of an entity rendering.
fn is_definition(c: &CategoryValue) -> bool {
    c.title.is_some()
        || !c.rel.is_empty()
        || c.location.is_some()
        || !c.attributes.is_empty()
        || !c.actions.is_empty()
}

fn id_of(c: &CategoryValue) -> CategoryId {
    CategoryId::new(c.scheme.clone(), c.term.clone())
}

fn parse_id(text: &str) -> Option<CategoryId> {
    text.parse().ok()
}

fn action_invocation(
    doc: TextDocument,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<Document> {
    let action = id_of(&doc.categories[0]);
    let mut attributes = Attributes::new();
    let mut ok = true;
    for a in doc.attributes {
        index.attribute(&a.name, || a.position);
        let def = catalogue
            .action(&action)
            .and_then(|_| catalogue.declared_attribute(&action, &a.name));
        ok &= insert_unique(&mut attributes, a, def, options, diags);
    }
    ok.then_some(Document::ActionInvocation(ActionInvocation {
        action,
        attributes,
    }))
}

fn insert_unique(
    attributes: &mut Attributes,
    a: AttributeValue,
    def: Option<&AttributeDef>,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> bool {
    if attributes.get(&a.name).is_some() {
        diags.error(
            Rule::Composition,
            a.position,
            format!("attribute `{}` given twice", a.name),
        );
        return false;
    }
    match typed_value(a.value, def, a.position, options, diags) {
        Some(v) => {
            attributes.insert(a.name, v);
            true
        }
        None => false,
    }
}

// The occi.core.* attributes that are fields of the model rather than attribute values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CoreField {
    Id,
    Title,
    Summary,
    Source,
    Target,
    SourceKind,
    TargetKind,
}

fn core_field(name: &str, is_link: bool) -> Option<CoreField> {
    Some(match name {
        "occi.core.id" => CoreField::Id,
        "occi.core.title" => CoreField::Title,
        "occi.core.summary" if !is_link => CoreField::Summary,
        "occi.core.source" if is_link => CoreField::Source,
        "occi.core.target" if is_link => CoreField::Target,
        "occi.core.source.kind" if is_link => CoreField::SourceKind,
        "occi.core.target.kind" if is_link => CoreField::TargetKind,
        _ => return None,
    })
}

fn plain_text(value: TextValue) -> String {
    match value {
        TextValue::String(s) | TextValue::Token(s) | TextValue::Number(s) => s,
        TextValue::Bool(b) => b.to_string(),
    }
}

/// Fills an entity's core fields and typed attributes; returns `(summary, source, target)`.
#[allow(clippy::type_complexity)]
fn fill_entity(
    entity: &mut Entity,
    values: Vec<AttributeValue>,
    is_link: bool,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<(Option<String>, Endpoint, Endpoint)> {
    // Borrowed from the catalogue, not the entity, so the entity can be filled meanwhile.
    let defs = catalogue.attribute_index(entity);
    let mut summary = None;
    let mut source = Endpoint::at("");
    let mut target = Endpoint::at("");
    let mut seen: Vec<CoreField> = Vec::new();
    entity.attributes.reserve(values.len());
    let mut ok = true;
    for a in values {
        index.attribute(&a.name, || a.position);
        let Some(field) = core_field(&a.name, is_link) else {
            let def = defs.get(&a.name);
            ok &= insert_unique(&mut entity.attributes, a, def, options, diags);
            continue;
        };
        if seen.contains(&field) {
            diags.error(
                Rule::Composition,
                a.position,
                format!("attribute `{}` given twice", a.name),
            );
            ok = false;
            continue;
        }
        seen.push(field);
        let text = plain_text(a.value);
        match field {
            CoreField::Id => entity.id = text,
            CoreField::Title => entity.title = Some(text),
            CoreField::Summary => summary = Some(text),
            CoreField::Source => source.location = text,
            CoreField::Target => target.location = text,
            CoreField::SourceKind | CoreField::TargetKind => {
                let Some(id) = parse_id(&text) else {
                    diags.error(
                        Rule::AttributeType,
                        a.position,
                        format!("`{text}` is not a kind identifier"),
                    );
                    ok = false;
                    continue;
                };
                if matches!(field, CoreField::SourceKind) {
                    source.kind = Some(id);
                } else {
                    target.kind = Some(id);
                }
            }
        }
    }
    ok.then_some((summary, source, target))
}

fn entity(
    mut doc: TextDocument,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<Document> {
    let kind_line = doc
        .categories
        .iter()
        .find(|c| c.class == CategoryClass::Kind)?;
    let kind = id_of(kind_line);
    let mut entity = Entity::new("", kind.clone());
    entity.mixins = doc
        .categories
        .iter()
        .filter(|c| c.class == CategoryClass::Mixin)
        .map(id_of)
        .collect();
    let is_link = if catalogue.kind(&kind).is_some() {
        catalogue.is_a(&kind, &LINK_ID)
    } else {
        doc.attributes
            .iter()
            .any(|a| a.name == "occi.core.target" || a.name == "occi.core.source")
    };
    // The values move into the entity.
    let attributes = std::mem::take(&mut doc.attributes);
    let doc = &doc;
    let (summary, source, target) = fill_document_entity(
        &mut entity,
        doc,
        attributes,
        is_link,
        catalogue,
        options,
        diags,
        index,
    )?;
    let mut links = Vec::new();
    let mut ok = true;
    for link in &doc.links {
        match link {
            LinkValue::Action(a) => {
                let Some(action) = parse_id(&a.rel) else {
                    continue;
                };
                if entity.location.is_none() {
                    entity.location = a
                        .uri
                        .split_once("?action=")
                        .map(|(base, _)| base.to_owned())
                        .filter(|b| !b.is_empty() && *b != entity.id);
                }
                entity.actions.push(action);
            }
            LinkValue::Resource(r) if !is_link => {
                let previous = index.enter(EntityPath::ResourceLink(0, links.len()), || r.position);
                let link = inline_link(r, catalogue, options, diags, index);
                index.leave(previous);
                match link {
                    Some(l) => links.push(l),
                    None => ok = false,
                }
            }
            LinkValue::Resource(r) => {
                diags.error(
                    Rule::Composition,
                    r.position,
                    "a link rendering carries action links only, not links to resources",
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let what = if is_link { "link" } else { "resource" };
    derive_id(&mut entity, what, start_of(doc), diags);
    if is_link {
        return Some(Document::Link(Link {
            entity,
            source,
            target,
        }));
    }
    let mut resource = Resource::new(entity);
    resource.summary = summary;
    let here = resource
        .entity
        .location
        .clone()
        .unwrap_or_else(|| resource.entity.id.clone());
    for mut link in links {
        if link.source.location.is_empty() {
            link.source.location.clone_from(&here);
        }
        resource.links.push(link);
    }
    Some(Document::Resource(resource))
}

// `fill_entity` for the one entity of a text rendering, its positions recorded as that
// entity's (the first resource or link of the document).
#[allow(clippy::type_complexity)]
#[allow(clippy::too_many_arguments)]
fn fill_document_entity(
    entity: &mut Entity,
    doc: &TextDocument,
    attributes: Vec<AttributeValue>,
    is_link: bool,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<(Option<String>, Endpoint, Endpoint)> {
    let path = if is_link {
        EntityPath::Link(0)
    } else {
        EntityPath::Resource(0)
    };
    let previous = index.enter(path, || start_of(doc));
    if index.records_categories() {
        for c in &doc.categories {
            index.category(&c.type_id(), || c.position);
        }
    }
    let filled = fill_entity(
        entity, attributes, is_link, catalogue, options, diags, index,
    );
    index.leave(previous);
    filled
}

fn inline_link(
    r: &ResourceLink,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<Link> {
    let mut ids = r.category.iter().filter_map(|c| parse_id(c));
    let kind = ids.next().unwrap_or_else(|| LINK_ID.clone());
    let mut entity = Entity::new("", kind);
    entity.mixins = ids.collect();
    entity.location.clone_from(&r.self_location);
    let (_, source, mut target) = fill_entity(
        &mut entity,
        r.attributes.clone(),
        true,
        catalogue,
        options,
        diags,
        index,
    )?;
    derive_id(&mut entity, "link", r.position, diags);
    if !target.location.is_empty() && target.location != r.target {
        diags.error(
            Rule::Composition,
            r.position,
            format!(
                "occi.core.target `{}` differs from the link target <{}>",
                target.location, r.target
            ),
        );
        return None;
    }
    target.location.clone_from(&r.target);
    if target.kind.is_none() {
        target.kind = r.rel.first().and_then(|t| parse_id(t));
    }
    Some(Link {
        entity,
        source,
        target,
    })
}

fn category_collection(doc: &TextDocument, catalogue: &Catalogue) -> Listing {
    let mut listing = Listing::default();
    for c in &doc.categories {
        let id = id_of(c);
        let attributes = c
            .attributes
            .iter()
            .map(|d| attribute_def(catalogue, &id, d))
            .collect();
        let actions = c.actions.iter().filter_map(|a| parse_id(a)).collect();
        match c.class {
            CategoryClass::Kind => listing.kinds.push(Kind {
                id,
                title: c.title.clone(),
                parent: c.rel.first().and_then(|r| parse_id(r)),
                attributes,
                actions,
                location: c.location.clone(),
                states: None,
            }),
            CategoryClass::Mixin => listing.mixins.push(Mixin {
                id,
                title: c.title.clone(),
                depends: c.rel.iter().filter_map(|r| parse_id(r)).collect(),
                applies: Vec::new(),
                attributes,
                actions,
                location: c.location.clone(),
            }),
            CategoryClass::Action => listing.actions.push(Action {
                id,
                title: c.title.clone(),
                attributes,
            }),
        }
    }
    listing
}

/// The text declares name and flags only; a known category contributes the type.
fn attribute_def(
    catalogue: &Catalogue,
    category: &CategoryId,
    decl: &AttributeDecl,
) -> AttributeDef {
    let known = catalogue.declared_attribute(category, &decl.name).cloned();
    let mut def = match known {
        Some(d) => {
            let mut plain = AttributeDef::new(d.name, d.kind);
            plain.format = d.format;
            plain.range = d.range;
            plain.unit = d.unit;
            plain.provider_assigned = d.provider_assigned;
            plain
        }
        None => AttributeDef::new(decl.name.clone(), AttributeType::String),
    };
    def.mutable = !decl.immutable;
    def.multiplicity = if decl.required {
        Multiplicity::One
    } else {
        Multiplicity::Optional
    };
    def
}
