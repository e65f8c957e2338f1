//! Model → JSON objects, in the member order of the specification's examples.

use tern_model::{Action, AttributeDef, Entity, Kind, Link, Mixin, Resource};

use crate::bind::value_to_json;
use tern_diag::{Finding, Severity};

use crate::diagnostic::Rule;
use crate::document::{Document, Listing};

use super::{Json, JsonValue, Member, parse_json};

/// Renders a document as `application/occi+json`; what JSON cannot carry is reported in
/// `notes` (an error finding when nothing sensible can be written).
pub fn to_json(doc: &Document, notes: &mut Vec<Finding>) -> Json {
    match doc {
        Document::Resource(r) => resource(r, notes),
        Document::Link(l) => link(l, notes),
        Document::ActionInvocation(a) => {
            let mut o = vec![("action".to_owned(), string(&a.action.to_string()))];
            if !a.attributes.is_empty() {
                o.push((
                    "attributes".to_owned(),
                    object(
                        a.attributes
                            .iter()
                            .map(|(k, v)| (k.to_owned(), value_to_json(v)))
                            .collect(),
                    ),
                ));
            }
            object(o)
        }
        Document::Kind(k) => kind(k),
        Document::Mixin(m) => mixin(m, notes),
        Document::Action(a) => action(a),
        Document::Listing(l) => listing(l, notes),
        // No entity: the empty collection.
        Document::Locations(l) if l.is_empty() => object(Vec::new()),
        Document::Locations(_) => {
            notes.push(Rule::Unrepresentable.finding(
                Severity::Error,
                "the JSON rendering has no list of locations; render the entities themselves",
            ));
            object(Vec::new())
        }
    }
}

/// The definition of the OCCI schema a document's JSON rendering must satisfy.
pub fn schema_definition(doc: &Document) -> &'static str {
    match doc {
        Document::Resource(_) => "resource",
        Document::Link(_) => "link",
        Document::ActionInvocation(_) => "action_invocation",
        Document::Kind(_) => "kind",
        Document::Mixin(_) => "mixin",
        Document::Action(_) => "action",
        Document::Listing(l) => match listing_key(l) {
            Some("kinds") => "kind_collection",
            Some("mixins") => "mixin_collection",
            Some("actions") => "action_collection",
            Some("resources") => "resource_collection",
            Some("links") => "link_collection",
            _ => "model",
        },
        Document::Locations(_) => "model",
    }
}

fn string(s: &str) -> Json {
    Json::new(JsonValue::String(s.to_owned()))
}

fn object(members: Vec<(String, Json)>) -> Json {
    Json::new(JsonValue::Object(
        members
            .into_iter()
            .map(|(name, value)| Member {
                name,
                offset: 0,
                value,
            })
            .collect(),
    ))
}

fn strings<'a>(items: impl IntoIterator<Item = &'a tern_model::CategoryId>) -> Json {
    Json::new(JsonValue::Array(
        items.into_iter().map(|i| string(&i.to_string())).collect(),
    ))
}

fn push_ids(o: &mut Vec<(String, Json)>, name: &str, ids: &[tern_model::CategoryId]) {
    if !ids.is_empty() {
        o.push((name.to_owned(), strings(ids)));
    }
}

fn entity_head(e: &Entity, what: &str, notes: &mut Vec<Finding>) -> Vec<(String, Json)> {
    let mut o = vec![("kind".to_owned(), string(&e.kind.to_string()))];
    // A location the id implies (`/networkinterface/ni1` of `ni1`) is not lost.
    if let Some(location) = e
        .location
        .as_ref()
        .filter(|l| e.implied_location().as_ref() != Some(*l))
    {
        notes.push(Rule::Unrepresentable.finding(
            Severity::Note,
            format!(
                "the JSON rendering has no member for the location {location} of {what} {}",
                e.id
            ),
        ));
    }
    push_ids(&mut o, "mixins", &e.mixins);
    if !e.attributes.is_empty() {
        o.push((
            "attributes".to_owned(),
            object(
                e.attributes
                    .iter()
                    .map(|(k, v)| (k.to_owned(), value_to_json(v)))
                    .collect(),
            ),
        ));
    }
    push_ids(&mut o, "actions", &e.actions);
    if e.id.is_empty() {
        notes.push(Rule::Schema.finding(Severity::Warning, format!("{what} of kind {} has no id; the output is a create request, not a valid {what} rendering", e.kind)));
    } else {
        o.push(("id".to_owned(), string(&e.id)));
    }
    o
}

fn resource(r: &Resource, notes: &mut Vec<Finding>) -> Json {
    let mut o = entity_head(&r.entity, "resource", notes);
    if let Some(title) = &r.entity.title {
        o.push(("title".to_owned(), string(title)));
    }
    if let Some(summary) = &r.summary {
        o.push(("summary".to_owned(), string(summary)));
    }
    if !r.links.is_empty() {
        o.push((
            "links".to_owned(),
            Json::new(JsonValue::Array(
                r.links.iter().map(|l| link(l, notes)).collect(),
            )),
        ));
    }
    object(o)
}

fn endpoint(e: &tern_model::Endpoint) -> Json {
    let mut o = vec![("location".to_owned(), string(&e.location))];
    if let Some(kind) = &e.kind {
        o.push(("kind".to_owned(), string(&kind.to_string())));
    }
    object(o)
}

fn link(l: &Link, notes: &mut Vec<Finding>) -> Json {
    let mut o = entity_head(&l.entity, "link", notes);
    if let Some(title) = &l.entity.title {
        o.push(("title".to_owned(), string(title)));
    }
    o.push(("target".to_owned(), endpoint(&l.target)));
    o.push(("source".to_owned(), endpoint(&l.source)));
    object(o)
}

fn definitions(defs: &[AttributeDef]) -> Json {
    object(
        defs.iter()
            .map(|d| (d.name.clone(), definition(d)))
            .collect(),
    )
}

fn definition(d: &AttributeDef) -> Json {
    let mut o = vec![
        ("mutable".to_owned(), Json::new(JsonValue::Bool(d.mutable))),
        (
            "required".to_owned(),
            Json::new(JsonValue::Bool(d.required())),
        ),
        ("type".to_owned(), string(d.json_type())),
    ];
    if let Some(pattern) = &d.pattern {
        // A pattern read from JSON is a JSON Schema already; one from text is an ERE.
        let schema = parse_json(pattern)
            .ok()
            .filter(|p| p.members().is_some())
            .unwrap_or_else(|| {
                object(vec![
                    (
                        "$schema".to_owned(),
                        string("http://json-schema.org/draft-04/schema#"),
                    ),
                    ("type".to_owned(), string("string")),
                    ("pattern".to_owned(), string(pattern)),
                ])
            });
        o.push(("pattern".to_owned(), schema));
    }
    if let Some(default) = d
        .default
        .as_ref()
        .filter(|v| !matches!(v, tern_model::Value::List(_) | tern_model::Value::Hash(_)))
    {
        o.push(("default".to_owned(), value_to_json(default)));
    }
    if let Some(description) = &d.description {
        o.push(("description".to_owned(), string(description)));
    }
    object(o)
}

fn category_head(id: &tern_model::CategoryId, title: Option<&String>) -> Vec<(String, Json)> {
    let mut o = vec![
        ("term".to_owned(), string(id.term())),
        ("scheme".to_owned(), string(id.scheme())),
    ];
    if let Some(title) = title {
        o.push(("title".to_owned(), string(title)));
    }
    o
}

fn kind(k: &Kind) -> Json {
    let mut o = category_head(&k.id, k.title.as_ref());
    if let Some(parent) = &k.parent {
        o.push(("parent".to_owned(), string(&parent.to_string())));
    }
    if !k.attributes.is_empty() {
        o.push(("attributes".to_owned(), definitions(&k.attributes)));
    }
    push_ids(&mut o, "actions", &k.actions);
    if let Some(location) = &k.location {
        o.push(("location".to_owned(), string(location)));
    }
    object(o)
}

fn mixin(m: &Mixin, notes: &mut Vec<Finding>) -> Json {
    let mut o = category_head(&m.id, m.title.as_ref());
    push_ids(&mut o, "depends", &m.depends);
    push_ids(&mut o, "applies", &m.applies);
    if !m.attributes.is_empty() {
        o.push(("attributes".to_owned(), definitions(&m.attributes)));
    }
    push_ids(&mut o, "actions", &m.actions);
    match &m.location {
        Some(location) => o.push(("location".to_owned(), string(location))),
        None => notes.push(Rule::Schema.finding(
            Severity::Warning,
            format!(
                "mixin {} has no location, which the JSON rendering requires",
                m.id
            ),
        )),
    }
    object(o)
}

fn action(a: &Action) -> Json {
    let mut o = category_head(&a.id, a.title.as_ref());
    if !a.attributes.is_empty() {
        o.push(("attributes".to_owned(), definitions(&a.attributes)));
    }
    object(o)
}

/// The single collection key of a listing holding one sort of item (`None`: several sorts).
fn listing_key(l: &Listing) -> Option<&'static str> {
    let present: Vec<&'static str> = [
        ("kinds", l.kinds.is_empty()),
        ("mixins", l.mixins.is_empty()),
        ("actions", l.actions.is_empty()),
        ("resources", l.resources.is_empty()),
        ("links", l.links.is_empty()),
    ]
    .into_iter()
    .filter(|(_, empty)| !empty)
    .map(|(k, _)| k)
    .collect();
    match present.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn listing(l: &Listing, notes: &mut Vec<Finding>) -> Json {
    let mut o = Vec::new();
    let mut push = |name: &str, items: Vec<Json>| {
        if !items.is_empty() {
            o.push((name.to_owned(), Json::new(JsonValue::Array(items))));
        }
    };
    push("kinds", l.kinds.iter().map(kind).collect());
    push("mixins", l.mixins.iter().map(|m| mixin(m, notes)).collect());
    push("actions", l.actions.iter().map(action).collect());
    push(
        "resources",
        l.resources.iter().map(|r| resource(r, notes)).collect(),
    );
    push("links", l.links.iter().map(|k| link(k, notes)).collect());
    object(o)
}
