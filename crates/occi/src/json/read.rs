//! JSON objects → model. The object's members decide what it is: `action` → invocation,
//! `kind` with `source`/`target` → link, `kind` → resource, `term` + `scheme` → a category
//! (a Kind has a `parent` — only `core#entity` has none —, a Mixin a `location`, otherwise
//! an Action; a catalogue entry wins), collection keys → a listing.

use tern_model::{
    Action, AttributeDef, AttributeType, Attributes, Catalogue, CategoryClass, CategoryId,
    Endpoint, Entity, Kind, Link, Mixin, Multiplicity, Resource,
};

use crate::bind::{
    EntityPath, SourceIndex, derive_id, json_into_value, json_to_value, refined_def,
};
use crate::diagnostic::{Diagnostics, Rule};
use crate::document::{ActionInvocation, Document, Listing};
use crate::leniency::{Leniency, ParseOptions};

use tern_diag::{Lines, Position};

use super::{Json, JsonValue, Member};

const COLLECTIONS: [&str; 5] = ["kinds", "mixins", "actions", "resources", "links"];

/// Binds a JSON document to the model. Attribute values (and their names) move from the
/// tree into the entities: the tree is spent. `lines` are the lines of the text it was read
/// from: the tree's byte offsets become positions there, only for findings and the index.
pub(crate) fn from_json(
    json: &mut Json,
    lines: &Lines<'_>,
    catalogue: &Catalogue,
    options: &ParseOptions,
    diags: &mut Diagnostics,
    index: &mut SourceIndex,
) -> Option<Document> {
    let mut r = Reader {
        lines,
        catalogue,
        options,
        diags,
        index,
        resources: 0,
        links: 0,
    };
    if json.members().is_none() {
        r.shape(
            json,
            format!("expected a JSON object, found {}", json.type_name()),
        );
        return None;
    }
    if json.get("action").is_some() {
        return r.action_invocation(json).map(Document::ActionInvocation);
    }
    if json.get("kind").is_some() {
        return if json.get("source").is_some() || json.get("target").is_some() {
            r.top_link(json).map(Document::Link)
        } else {
            r.resource(json).map(Document::Resource)
        };
    }
    if json.get("term").is_some() || json.get("scheme").is_some() {
        let json = &*json;
        let id = r.category_id(json)?;
        let class = catalogue.category(&id).map(|c| c.class());
        return match class {
            Some(CategoryClass::Kind) => r.kind(json).map(Document::Kind),
            Some(CategoryClass::Mixin) => r.mixin(json).map(Document::Mixin),
            None if json.get("parent").is_some() => r.kind(json).map(Document::Kind),
            None if json.get("location").is_some()
                || json.get("depends").is_some()
                || json.get("applies").is_some() =>
            {
                r.mixin(json).map(Document::Mixin)
            }
            Some(CategoryClass::Action) | None => r.action(json).map(Document::Action),
        };
    }
    r.listing(json).map(Document::Listing)
}

struct Reader<'a> {
    lines: &'a Lines<'a>,
    catalogue: &'a Catalogue,
    options: &'a ParseOptions,
    diags: &'a mut Diagnostics,
    index: &'a mut SourceIndex,
    // Resources and links outside resources read so far: the next one's [`EntityPath`].
    resources: usize,
    links: usize,
}

impl Reader<'_> {
    // Where `json` starts.
    fn at(&self, json: &Json) -> Position {
        json.position(self.lines)
    }

    fn shape(&mut self, at: &Json, message: impl Into<String>) {
        let position = self.at(at);
        self.diags.error(Rule::JsonShape, position, message);
    }

    /// Members other than `allowed` are errors (the schema has `additionalProperties: false`).
    fn only(&mut self, json: &Json, what: &str, allowed: &[&str]) -> bool {
        let mut ok = true;
        for Member { name, value, .. } in json.members().unwrap_or(&[]) {
            if !allowed.contains(&name.as_str()) {
                self.diags.error(
                    Rule::JsonShape,
                    value.position(self.lines),
                    format!("member `{name}` is not part of a {what}"),
                );
                ok = false;
            }
        }
        ok
    }

    // Outer `None`: a finding was reported; inner `None`: the optional member is absent.
    #[allow(clippy::option_option)]
    fn string(&mut self, json: &Json, name: &str, required: bool) -> Option<Option<String>> {
        Some(self.text(json, name, required)?.map(str::to_owned))
    }

    // `string`, moving the text out of the tree.
    #[allow(clippy::option_option)]
    fn take_string(
        &mut self,
        json: &mut Json,
        name: &str,
        required: bool,
    ) -> Option<Option<String>> {
        if self.text(json, name, required)?.is_none() {
            return Some(None);
        }
        match member_mut(json, name).map(|v| &mut v.value) {
            Some(JsonValue::String(s)) => Some(Some(std::mem::take(s))),
            _ => Some(None),
        }
    }

    // `string`, borrowed.
    #[allow(clippy::option_option)]
    fn text<'j>(&mut self, json: &'j Json, name: &str, required: bool) -> Option<Option<&'j str>> {
        match json.get(name) {
            None if required => {
                self.shape(json, format!("member `{name}` is missing"));
                None
            }
            None => Some(None),
            Some(v) => match v.as_str() {
                Some(s) => Some(Some(s)),
                None => {
                    self.shape(
                        v,
                        format!("`{name}` must be a string, found {}", v.type_name()),
                    );
                    None
                }
            },
        }
    }

    fn id(&mut self, at: &Json, text: &str) -> Option<CategoryId> {
        match text.parse() {
            Ok(id) => {
                let lines = self.lines;
                self.index.category(text, || at.position(lines));
                Some(id)
            }
            Err(_) => {
                self.diags.error(
                    Rule::BadTypeIdentifier,
                    at.position(self.lines),
                    format!("`{text}` is not a category identifier (`scheme#term`)"),
                );
                None
            }
        }
    }

    fn ids(&mut self, json: &Json, name: &str) -> Option<Vec<CategoryId>> {
        let Some(list) = json.get(name) else {
            return Some(Vec::new());
        };
        let JsonValue::Array(items) = &list.value else {
            self.shape(
                list,
                format!("`{name}` must be an array of category identifiers"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            let Some(text) = item.as_str() else {
                self.shape(item, format!("`{name}` must hold strings"));
                return None;
            };
            out.push(self.id(item, text)?);
        }
        Some(out)
    }

    fn category_id(&mut self, json: &Json) -> Option<CategoryId> {
        let scheme = self.string(json, "scheme", true)??;
        let term = self.string(json, "term", true)??;
        let id = CategoryId::new(scheme, term);
        if self.index.records_categories() {
            let lines = self.lines;
            self.index
                .category(&id.to_string(), || json.position(lines));
        }
        Some(id)
    }

    /// Flat attributes; rOCCI 4.x nesting (`{"occi":{"compute":{"cores":2}}}`) is flattened
    /// with a warning.
    /// The members of `attributes`, moved out of the tree (as they are, unless one must be
    /// flattened: no copy of the list in the common case).
    fn attribute_values(&mut self, json: &mut Json) -> Option<Vec<Member>> {
        let Some(attributes) = member_mut(json, "attributes") else {
            return Some(Vec::new());
        };
        let JsonValue::Object(members) = &mut attributes.value else {
            self.shape(attributes, "`attributes` must be an object");
            return None;
        };
        let members = std::mem::take(members);
        // The value first: most are no objects, and their names (on the heap) are not read.
        let nested = |m: &Member| m.value.members().is_some() && !m.name.contains('.');
        if !members.iter().any(nested) {
            return Some(members);
        }
        let mut out = Vec::with_capacity(members.len());
        for member in members {
            if nested(&member) {
                let Member { name, value, .. } = member;
                self.diags.lenient(Leniency::NestedAttributes, self.options.allows(Leniency::NestedAttributes), value.position(self.lines), format!("nested attribute object `{name}`; OCCI 1.2 attribute names are flat (`{name}.…`)"));
                flatten(&name, value, &mut out);
            } else {
                out.push(member);
            }
        }
        Some(out)
    }

    fn entity(&mut self, json: &mut Json, what: &str) -> Option<(Entity, Vec<Member>)> {
        let kind_text = self.text(json, "kind", true)??;
        let kind = self.id(json.get("kind")?, kind_text)?;
        let mut entity = Entity::new("", kind);
        entity.mixins = self.ids(json, "mixins")?;
        entity.actions = self.ids(json, "actions")?;
        if let Some(location) = json.get("location") {
            self.diags.lenient(
                Leniency::ExtraLocation,
                self.options.allows(Leniency::ExtraLocation),
                location.position(self.lines),
                format!("`location` is not a member of a {what} in OCCI 1.2"),
            );
            entity.location = location.as_str().map(str::to_owned);
        }
        match self.take_string(json, "id", false)? {
            Some(id) => entity.id = id,
            None => {
                let request = if entity.location.is_some() {
                    ""
                } else {
                    " (a create request)"
                };
                let position = json.position(self.lines);
                self.diags.lenient(
                    Leniency::MissingId,
                    self.options.allows(Leniency::MissingId),
                    position,
                    format!("{what} without `id`{request}"),
                );
                derive_id(&mut entity, what, position, self.diags);
            }
        }
        entity.title = self.take_string(json, "title", false)?;
        let values = self.attribute_values(json)?;
        Some((entity, values))
    }

    /// Moves occi.core.* attribute values into the model's fields (members win) and types
    /// the rest; returns the values of `occi.core.summary`, `.source` and `.target`.
    fn attributes(
        &mut self,
        entity: &mut Entity,
        values: Vec<Member>,
    ) -> Option<[Option<String>; 3]> {
        let mut core: [Option<String>; 3] = [None, None, None];
        let mut ok = true;
        entity.attributes.reserve(values.len());
        let lines = self.lines;
        for Member { name, value, .. } in values {
            self.index.attribute(&name, || value.position(lines));
            // The core attributes that are strings go to the model's fields.
            let core_field = match (name.as_str(), value.as_str()) {
                ("occi.core.id", Some(text)) => {
                    if entity.id.is_empty() {
                        text.clone_into(&mut entity.id);
                    }
                    true
                }
                ("occi.core.title", Some(text)) => {
                    entity.title.get_or_insert_with(|| text.to_owned());
                    true
                }
                ("occi.core.summary", Some(text)) => {
                    core[0] = Some(text.to_owned());
                    true
                }
                ("occi.core.source", Some(text)) => {
                    core[1] = Some(text.to_owned());
                    true
                }
                ("occi.core.target", Some(text)) => {
                    core[2] = Some(text.to_owned());
                    true
                }
                _ => false,
            };
            if core_field {
                continue;
            }
            let offset = value.offset;
            match json_into_value(value) {
                Some(v) => {
                    entity.attributes.insert(name, v);
                }
                None => {
                    self.diags.error(
                        Rule::JsonShape,
                        lines.position(offset),
                        format!("attribute `{name}` is null or holds null"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(core)
    }

    fn resource(&mut self, json: &mut Json) -> Option<Resource> {
        let n = self.resources;
        self.resources += 1;
        let lines = self.lines;
        let previous = self
            .index
            .enter(EntityPath::Resource(n), || json.position(lines));
        let resource = self.resource_in(json, n);
        self.index.leave(previous);
        resource
    }

    // A resource whose findings belong to the n-th resource.
    fn resource_in(&mut self, json: &mut Json, n: usize) -> Option<Resource> {
        let allowed = [
            "kind",
            "mixins",
            "attributes",
            "actions",
            "id",
            "links",
            "summary",
            "title",
            "location",
        ];
        let shape_ok = self.only(json, "resource", &allowed);
        let (mut entity, values) = self.entity(json, "resource")?;
        let [summary, _, _] = self.attributes(&mut entity, values)?;
        let mut resource = Resource::new(entity);
        resource.summary = self.string(json, "summary", false)?.or(summary);
        if let Some(links) = member_mut(json, "links") {
            let JsonValue::Array(items) = &mut links.value else {
                self.shape(links, "`links` must be an array of links");
                return None;
            };
            let here = resource
                .entity
                .location
                .clone()
                .unwrap_or_else(|| resource.entity.id.clone());
            for (m, item) in items.iter_mut().enumerate() {
                let path = EntityPath::ResourceLink(n, m);
                resource.links.push(self.link(item, path, Some(&here))?);
            }
        }
        shape_ok.then_some(resource)
    }

    fn endpoint(
        &mut self,
        json: &mut Json,
        name: &str,
        fallback: Option<String>,
    ) -> Option<Endpoint> {
        let Some(end) = member_mut(json, name) else {
            return match fallback {
                Some(location) => Some(Endpoint::at(location)),
                None => {
                    self.shape(json, format!("link without `{name}`"));
                    None
                }
            };
        };
        if end.members().is_none() {
            self.shape(
                end,
                format!("`{name}` must be an object with `location` and optionally `kind`"),
            );
            return None;
        }
        let shape_ok = self.only(end, name, &["location", "kind"]);
        let location = self.take_string(end, "location", true)??;
        let kind = match self.text(end, "kind", false)? {
            Some(k) => Some(self.id(end.get("kind")?, k)?),
            None => None,
        };
        shape_ok.then_some(Endpoint { location, kind })
    }

    // A link outside any resource.
    fn top_link(&mut self, json: &mut Json) -> Option<Link> {
        let n = self.links;
        self.links += 1;
        self.link(json, EntityPath::Link(n), None)
    }

    fn link(&mut self, json: &mut Json, path: EntityPath, owner: Option<&str>) -> Option<Link> {
        let lines = self.lines;
        let previous = self.index.enter(path, || json.position(lines));
        let link = self.link_in(json, owner);
        self.index.leave(previous);
        link
    }

    fn link_in(&mut self, json: &mut Json, owner: Option<&str>) -> Option<Link> {
        if json.members().is_none() {
            self.shape(json, "a link must be an object");
            return None;
        }
        let allowed = [
            "kind",
            "mixins",
            "attributes",
            "actions",
            "id",
            "source",
            "target",
            "rel",
            "title",
            "location",
        ];
        let shape_ok = self.only(json, "link", &allowed);
        let (mut entity, values) = self.entity(json, "link")?;
        let [_, source_attr, target_attr] = self.attributes(&mut entity, values)?;
        let source = self.endpoint(
            json,
            "source",
            source_attr.or_else(|| owner.map(str::to_owned)),
        )?;
        let mut target = self.endpoint(json, "target", target_attr)?;
        // The schema allows `rel` on a link without saying what it holds; the text rendering's
        // `rel` is the target's kind, so it is read as that (and not written back).
        if let Some(rel) = json.get("rel") {
            let text = self.string(json, "rel", false)??;
            let kind = self.id(rel, &text)?;
            self.diags.push(Rule::JsonShape.note(
                rel.position(self.lines),
                format!(
                    "link `rel` read as the target kind {kind}; it is written back as `target.kind`"
                ),
            ));
            target.kind.get_or_insert(kind);
        }
        shape_ok.then_some(Link {
            entity,
            source,
            target,
        })
    }

    fn action_invocation(&mut self, json: &mut Json) -> Option<ActionInvocation> {
        let shape_ok = self.only(json, "action invocation", &["action", "attributes"]);
        let text = self.string(json, "action", true)??;
        let action = self.id(json.get("action")?, &text)?;
        let mut attributes = Attributes::new();
        let lines = self.lines;
        for Member { name, value, .. } in self.attribute_values(json)? {
            self.index.attribute(&name, || value.position(lines));
            let offset = value.offset;
            match json_into_value(value) {
                Some(v) => {
                    attributes.insert(name, v);
                }
                None => {
                    self.diags.error(
                        Rule::JsonShape,
                        lines.position(offset),
                        format!("attribute `{name}` is null"),
                    );
                    return None;
                }
            }
        }
        shape_ok.then_some(ActionInvocation { action, attributes })
    }

    fn definitions(&mut self, json: &Json, category: &CategoryId) -> Option<Vec<AttributeDef>> {
        let Some(attributes) = json.get("attributes") else {
            return Some(Vec::new());
        };
        let Some(members) = attributes.members() else {
            self.shape(
                attributes,
                "`attributes` must be an object of attribute definitions",
            );
            return None;
        };
        let mut out = Vec::new();
        for Member { name, value: d, .. } in members {
            let lines = self.lines;
            self.index.attribute(name, || d.position(lines));
            out.push(self.definition(category, name, d)?);
        }
        Some(out)
    }

    fn definition(&mut self, category: &CategoryId, name: &str, d: &Json) -> Option<AttributeDef> {
        if d.members().is_none() {
            self.shape(d, format!("definition of `{name}` must be an object"));
            return None;
        }
        let shape_ok = self.only(
            d,
            "attribute definition",
            &[
                "mutable",
                "required",
                "type",
                "default",
                "description",
                "pattern",
            ],
        );
        let json_type = self
            .string(d, "type", false)?
            .unwrap_or_else(|| "string".to_owned());
        let kind = match json_type.as_str() {
            "string" => AttributeType::String,
            "number" => AttributeType::Float,
            "boolean" => AttributeType::Boolean,
            "array" => AttributeType::List,
            "object" => AttributeType::Hash,
            other => {
                self.shape(d.get("type")?, format!("attribute type `{other}` is not one of string, number, boolean, array, object"));
                return None;
            }
        };
        let mut def = match refined_def(self.catalogue, category, name, &json_type) {
            Some(known) => {
                let mut plain = AttributeDef::new(name, known.kind);
                plain.format = known.format;
                plain.range = known.range;
                plain.unit = known.unit;
                plain.provider_assigned = known.provider_assigned;
                plain
            }
            None => AttributeDef::new(name, kind),
        };
        // JSON rendering defaults: mutable false, required false.
        def.mutable = self.boolean(d, "mutable")?;
        def.multiplicity = if self.boolean(d, "required")? {
            Multiplicity::One
        } else {
            Multiplicity::Optional
        };
        def.description = self.string(d, "description", false)?;
        if let Some(default) = d.get("default") {
            def.default = json_to_value(default);
        }
        if let Some(pattern) = d.get("pattern") {
            if pattern.members().is_none() {
                self.shape(pattern, "`pattern` must be a JSON Schema object");
                return None;
            }
            def.pattern = Some(pattern.to_compact());
        }
        shape_ok.then_some(def)
    }

    fn boolean(&mut self, json: &Json, name: &str) -> Option<bool> {
        match json.get(name).map(|v| &v.value) {
            None => Some(false),
            Some(JsonValue::Bool(b)) => Some(*b),
            Some(_) => {
                self.shape(json.get(name)?, format!("`{name}` must be a boolean"));
                None
            }
        }
    }

    fn kind(&mut self, json: &Json) -> Option<Kind> {
        let shape_ok = self.only(
            json,
            "kind",
            &[
                "term",
                "scheme",
                "title",
                "attributes",
                "actions",
                "parent",
                "location",
            ],
        );
        let id = self.category_id(json)?;
        let parent = match self.string(json, "parent", false)? {
            Some(p) => Some(self.id(json.get("parent")?, &p)?),
            None => None,
        };
        let kind = Kind {
            title: self.string(json, "title", false)?,
            parent,
            attributes: self.definitions(json, &id)?,
            actions: self.ids(json, "actions")?,
            location: self.string(json, "location", false)?,
            states: None,
            id,
        };
        shape_ok.then_some(kind)
    }

    fn mixin(&mut self, json: &Json) -> Option<Mixin> {
        let shape_ok = self.only(
            json,
            "mixin",
            &[
                "term",
                "scheme",
                "title",
                "attributes",
                "actions",
                "depends",
                "applies",
                "location",
            ],
        );
        let id = self.category_id(json)?;
        let mixin = Mixin {
            title: self.string(json, "title", false)?,
            depends: self.ids(json, "depends")?,
            applies: self.ids(json, "applies")?,
            attributes: self.definitions(json, &id)?,
            actions: self.ids(json, "actions")?,
            location: self.string(json, "location", false)?,
            id,
        };
        shape_ok.then_some(mixin)
    }

    fn action(&mut self, json: &Json) -> Option<Action> {
        let shape_ok = self.only(json, "action", &["term", "scheme", "title", "attributes"]);
        let id = self.category_id(json)?;
        let action = Action {
            title: self.string(json, "title", false)?,
            attributes: self.definitions(json, &id)?,
            id,
        };
        shape_ok.then_some(action)
    }

    fn listing(&mut self, json: &mut Json) -> Option<Listing> {
        if !self.only(json, "collection", &COLLECTIONS) {
            return None;
        }
        let mut listing = Listing::default();
        let JsonValue::Object(members) = &mut json.value else {
            return Some(listing);
        };
        for Member { name, value, .. } in members {
            let JsonValue::Array(items) = &mut value.value else {
                self.shape(value, format!("`{name}` must be an array"));
                return None;
            };
            // Each item is dropped once bound: what the binding allocates next reuses its
            // memory, and the tree is not freed in one sweep at the end.
            for mut item in std::mem::take(items) {
                let item = &mut item;
                if item.members().is_none() {
                    self.shape(item, format!("the items of `{name}` must be objects"));
                    return None;
                }
                match name.as_str() {
                    "kinds" => listing.kinds.push(self.kind(item)?),
                    "mixins" => listing.mixins.push(self.mixin(item)?),
                    "actions" => listing.actions.push(self.action(item)?),
                    "resources" => listing.resources.push(self.resource(item)?),
                    _ => listing.links.push(self.top_link(item)?),
                }
            }
        }
        Some(listing)
    }
}

fn flatten(prefix: &str, value: Json, out: &mut Vec<Member>) {
    match value.value {
        JsonValue::Object(members) => {
            for Member { name, value: v, .. } in members {
                flatten(&format!("{prefix}.{name}"), v, out);
            }
        }
        _ => out.push(Member {
            name: prefix.to_owned(),
            offset: value.offset,
            value,
        }),
    }
}

// The (first) member `name` of an object, to take values from.
fn member_mut<'j>(json: &'j mut Json, name: &str) -> Option<&'j mut Json> {
    match &mut json.value {
        JsonValue::Object(members) => members
            .iter_mut()
            .find(|m| m.name == name)
            .map(|m| &mut m.value),
        _ => None,
    }
}
