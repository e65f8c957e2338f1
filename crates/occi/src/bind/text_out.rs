//! Model → text fields: the canonical composition of each document.

use tern_model::{Action, AttributeDef, Entity, Kind, Link, Mixin, Resource};

use tern_diag::{Finding, Position, Severity};

use crate::diagnostic::Rule;
use crate::document::Document;
use crate::syntax::{
    ActionLink, AttributeDecl, AttributeValue, CategoryClass, CategoryValue, LinkValue,
    LocationValue, ResourceLink, TextValue,
};
use crate::text::TextDocument;

use super::text_value;

/// The text fields of a document; what the text cannot carry is reported in `notes`.
pub(crate) fn to_text(doc: &Document, notes: &mut Vec<Finding>) -> TextDocument {
    let mut out = TextDocument::default();
    match doc {
        Document::Resource(r) => resource(r, &mut out, notes),
        Document::Link(l) => standalone_link(l, &mut out, notes),
        Document::ActionInvocation(a) => {
            out.categories.push(bare_category(
                a.action.scheme(),
                a.action.term(),
                CategoryClass::Action,
            ));
            for (name, value) in a.attributes.iter() {
                out.attributes
                    .push(attr(name, text_value(name, value, notes)));
            }
        }
        Document::Kind(k) => out.categories.push(kind(k)),
        Document::Mixin(m) => out.categories.push(mixin(m, notes)),
        Document::Action(a) => out.categories.push(action(a)),
        Document::Listing(l) if l.is_categories() => {
            out.categories.extend(l.kinds.iter().map(kind));
            out.categories
                .extend(l.mixins.iter().map(|m| mixin(m, notes)));
            out.categories.extend(l.actions.iter().map(action));
        }
        // GFD.229's entity collection: locations only.
        Document::Listing(l) => {
            let entities = l
                .resources
                .iter()
                .map(|r| &r.entity)
                .chain(l.links.iter().map(|k| &k.entity));
            out.locations = entities
                .map(|e| LocationValue {
                    uri: e
                        .location
                        .clone()
                        .or_else(|| e.implied_location())
                        .unwrap_or_else(|| e.id.clone()),
                    position: Position::START,
                })
                .collect();
            notes.push(Rule::Unrepresentable.finding(
                Severity::Note,
                format!("{} entities rendered as their locations only (GFD.229's entity collection): their kinds, attributes and links were left out (the bodies form keeps them)", out.locations.len()),
            ));
            if !l.is_entities() {
                notes.push(left_out(l));
            }
        }
        Document::Locations(l) => {
            out.locations = l
                .iter()
                .map(|uri| LocationValue {
                    uri: uri.clone(),
                    position: Position::START,
                })
                .collect();
        }
    }
    out
}

fn bare_category(scheme: &str, term: &str, class: CategoryClass) -> CategoryValue {
    CategoryValue {
        term: term.to_owned(),
        scheme: scheme.to_owned(),
        class,
        title: None,
        rel: Vec::new(),
        location: None,
        attributes: Vec::new(),
        actions: Vec::new(),
        position: Position::START,
    }
}

fn attr(name: &str, value: TextValue) -> AttributeValue {
    AttributeValue {
        name: name.to_owned(),
        value,
        position: Position::START,
    }
}

fn entity_categories(e: &Entity, out: &mut TextDocument) {
    out.categories.push(bare_category(
        e.kind.scheme(),
        e.kind.term(),
        CategoryClass::Kind,
    ));
    for m in &e.mixins {
        out.categories
            .push(bare_category(m.scheme(), m.term(), CategoryClass::Mixin));
    }
}

fn core_attributes(e: &Entity, out: &mut Vec<AttributeValue>) {
    if !e.id.is_empty() {
        out.push(attr("occi.core.id", TextValue::String(e.id.clone())));
    }
    if let Some(title) = &e.title {
        out.push(attr("occi.core.title", TextValue::String(title.clone())));
    }
}

fn other_attributes(e: &Entity, out: &mut Vec<AttributeValue>, notes: &mut Vec<Finding>) {
    for (name, value) in e.attributes.iter() {
        out.push(attr(name, text_value(name, value, notes)));
    }
}

fn action_links(e: &Entity, out: &mut TextDocument) {
    let base = e.location.as_deref().unwrap_or(&e.id);
    for a in &e.actions {
        out.links.push(LinkValue::Action(ActionLink {
            uri: format!("{base}?action={}", a.term()),
            rel: a.to_string(),
            position: Position::START,
        }));
    }
}

fn resource(r: &Resource, out: &mut TextDocument, notes: &mut Vec<Finding>) {
    entity_categories(&r.entity, out);
    // Where a reader takes the resource to be: the location its action links show, else
    // its id (a location without action links is not rendered).
    let here = r
        .entity
        .location
        .clone()
        .filter(|_| !r.entity.actions.is_empty())
        .unwrap_or_else(|| r.entity.id.clone());
    for l in &r.links {
        let mut attributes = Vec::new();
        core_attributes(&l.entity, &mut attributes);
        // The source of an inline link is the resource itself unless it says otherwise.
        if l.source.location != here {
            attributes.push(attr(
                "occi.core.source",
                TextValue::String(l.source.location.clone()),
            ));
        }
        if let Some(kind) = &l.source.kind {
            attributes.push(attr(
                "occi.core.source.kind",
                TextValue::String(kind.to_string()),
            ));
        }
        other_attributes(&l.entity, &mut attributes, notes);
        let rel = l
            .target
            .kind
            .as_ref()
            .map_or_else(|| tern_model::RESOURCE.to_owned(), ToString::to_string);
        if l.target.kind.is_none() {
            notes.push(Rule::Unrepresentable.finding(
                Severity::Note,
                format!(
                    "link to {} has no target kind; `rel` says {rel}",
                    l.target.location
                ),
            ));
        }
        let mut category = vec![l.entity.kind.to_string()];
        category.extend(l.entity.mixins.iter().map(ToString::to_string));
        out.links.push(LinkValue::Resource(ResourceLink {
            target: l.target.location.clone(),
            rel: vec![rel],
            self_location: l
                .entity
                .location
                .clone()
                .or_else(|| l.entity.implied_location()),
            category,
            attributes,
            position: Position::START,
        }));
        if !l.entity.actions.is_empty() {
            notes.push(Rule::Unrepresentable.finding(
                Severity::Note,
                "actions of inline links have no text rendering and were left out",
            ));
        }
    }
    action_links(&r.entity, out);
    core_attributes(&r.entity, &mut out.attributes);
    if let Some(summary) = &r.summary {
        out.attributes.push(attr(
            "occi.core.summary",
            TextValue::String(summary.clone()),
        ));
    }
    other_attributes(&r.entity, &mut out.attributes, notes);
}

fn standalone_link(l: &Link, out: &mut TextDocument, notes: &mut Vec<Finding>) {
    entity_categories(&l.entity, out);
    action_links(&l.entity, out);
    core_attributes(&l.entity, &mut out.attributes);
    out.attributes.push(attr(
        "occi.core.source",
        TextValue::String(l.source.location.clone()),
    ));
    if let Some(kind) = &l.source.kind {
        out.attributes.push(attr(
            "occi.core.source.kind",
            TextValue::String(kind.to_string()),
        ));
    }
    out.attributes.push(attr(
        "occi.core.target",
        TextValue::String(l.target.location.clone()),
    ));
    if let Some(kind) = &l.target.kind {
        out.attributes.push(attr(
            "occi.core.target.kind",
            TextValue::String(kind.to_string()),
        ));
    }
    other_attributes(&l.entity, &mut out.attributes, notes);
}

fn decls(defs: &[AttributeDef]) -> Vec<AttributeDecl> {
    defs.iter()
        .map(|d| AttributeDecl {
            name: d.name.clone(),
            required: d.required(),
            immutable: !d.mutable,
        })
        .collect()
}

fn kind(k: &Kind) -> CategoryValue {
    let mut c = bare_category(k.id.scheme(), k.id.term(), CategoryClass::Kind);
    c.title.clone_from(&k.title);
    c.rel = k.parent.iter().map(ToString::to_string).collect();
    c.location.clone_from(&k.location);
    c.attributes = decls(&k.attributes);
    c.actions = k.actions.iter().map(ToString::to_string).collect();
    c
}

fn mixin(m: &Mixin, notes: &mut Vec<Finding>) -> CategoryValue {
    let mut c = bare_category(m.id.scheme(), m.id.term(), CategoryClass::Mixin);
    c.title.clone_from(&m.title);
    // GFD.229: a Mixin's `rel` renders only the first of its `depends`.
    c.rel = m.depends.iter().take(1).map(ToString::to_string).collect();
    if m.depends.len() > 1 || !m.applies.is_empty() {
        notes.push(Rule::Unrepresentable.finding(
            Severity::Note,
            format!(
                "mixin {}: text renders only the first `depends` and no `applies`",
                m.id
            ),
        ));
    }
    c.location.clone_from(&m.location);
    c.attributes = decls(&m.attributes);
    c.actions = m.actions.iter().map(ToString::to_string).collect();
    c
}

fn action(a: &Action) -> CategoryValue {
    let mut c = bare_category(a.id.scheme(), a.id.term(), CategoryClass::Action);
    c.title.clone_from(&a.title);
    c.attributes = decls(&a.attributes);
    c
}

/// The note that a listing's category definitions were left out of an entity rendering.
pub(crate) fn left_out(listing: &crate::document::Listing) -> Finding {
    let defined: Vec<String> = listing
        .kinds
        .iter()
        .map(|k| k.id.to_string())
        .chain(listing.mixins.iter().map(|m| m.id.to_string()))
        .chain(listing.actions.iter().map(|a| a.id.to_string()))
        .collect();
    Rule::Unrepresentable.finding(
        Severity::Note,
        format!(
            "the definitions of {} were left out: a text entity collection carries entities, and a category's text form has no attribute types (application/occi+json carries them)",
            defined.join(", ")
        ),
    )
}
