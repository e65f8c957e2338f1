//! What a plan is: stages of OCCI calls whose operations may run concurrently, each call
//! with its method, location, action and body, and their serialisation
//! (`schemas/plan.schema.json`). How a plan is made is in `adaptation`.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use serde_json::{Map, Value as Json, json};
use tern_model::{Attributes, CategoryId, Entity, Link, Resource};

/// Stages in execution order; the operations of one stage are independent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// The stages.
    pub stages: Vec<Stage>,
}

/// Operations that may run concurrently.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stage {
    /// The operations.
    pub operations: Vec<Operation>,
}

/// One call against the OCCI endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// What the call does.
    pub op: OperationKind,
    /// The entity's location (for creations: where it will live).
    pub location: String,
    /// The action to invoke (for [`OperationKind::Action`]).
    pub action: Option<CategoryId>,
    /// What is sent.
    pub body: Option<Body>,
}

/// The four kinds of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    /// `DELETE location`.
    Delete,
    /// `PUT location` with the whole entity.
    Create,
    /// `POST location` with the changed attributes (partial update).
    Update,
    /// `POST location?action=term`.
    Action,
}

/// What a call sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A resource to create (without its links, which are created on their own).
    Resource(Resource),
    /// A link to create, its ends given as the locations they have at that point.
    Link(Link),
    /// A partial update: the kind, the attributes to set, the title and the mixin set when
    /// they change.
    Partial {
        /// The entity's kind.
        kind: CategoryId,
        /// Attributes to set.
        attributes: Attributes,
        /// New title.
        title: Option<String>,
        /// New mixin set.
        mixins: Option<Vec<CategoryId>>,
    },
}

impl OperationKind {
    /// `delete`, `create`, `update` or `action`.
    pub fn name(self) -> &'static str {
        match self {
            OperationKind::Delete => "delete",
            OperationKind::Create => "create",
            OperationKind::Update => "update",
            OperationKind::Action => "action",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            OperationKind::Delete => "DELETE",
            OperationKind::Create => "PUT",
            OperationKind::Update | OperationKind::Action => "POST",
        }
    }
}

impl Plan {
    /// Total number of operations.
    pub fn len(&self) -> usize {
        self.stages.iter().map(|s| s.operations.len()).sum()
    }

    /// True when nothing needs to be done.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// Every operation in order.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.stages.iter().flat_map(|s| s.operations.iter())
    }

    // Appends a stage, unless it is empty.
    pub(crate) fn push(&mut self, operations: Vec<Operation>) {
        if !operations.is_empty() {
            self.stages.push(Stage { operations });
        }
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Operation", 5)?;
        s.serialize_field("op", self.op.name())?;
        s.serialize_field("method", self.op.method())?;
        s.serialize_field("location", &self.location)?;
        if let Some(action) = &self.action {
            s.serialize_field("action", &action.to_string())?;
        }
        if let Some(body) = &self.body {
            s.serialize_field("entity", &occi_json(body))?;
        }
        s.end()
    }
}

// The `application/occi+json` rendering of an operation body.
fn occi_json(body: &Body) -> Json {
    match body {
        Body::Resource(r) => {
            let mut o = entity_json(&r.entity);
            if let Some(summary) = &r.summary {
                o.insert("summary".into(), json!(summary));
            }
            Json::Object(o)
        }
        Body::Link(l) => Json::Object(link_json(l)),
        Body::Partial {
            kind,
            attributes,
            title,
            mixins,
        } => {
            let mut o = Map::new();
            o.insert("kind".into(), json!(kind.to_string()));
            if let Some(m) = mixins {
                o.insert(
                    "mixins".into(),
                    json!(m.iter().map(ToString::to_string).collect::<Vec<_>>()),
                );
            }
            let mut a = Map::new();
            if let Some(t) = title {
                a.insert("occi.core.title".into(), json!(t));
            }
            for (n, v) in attributes.iter() {
                a.insert(n.into(), v.to_json());
            }
            o.insert("attributes".into(), Json::Object(a));
            Json::Object(o)
        }
    }
}

fn entity_json(e: &Entity) -> Map<String, Json> {
    let mut o = Map::new();
    o.insert("kind".into(), json!(e.kind.to_string()));
    if !e.mixins.is_empty() {
        o.insert(
            "mixins".into(),
            json!(e.mixins.iter().map(ToString::to_string).collect::<Vec<_>>()),
        );
    }
    let mut a = Map::new();
    for (n, v) in e.attributes.iter() {
        a.insert(n.into(), v.to_json());
    }
    if !a.is_empty() {
        o.insert("attributes".into(), Json::Object(a));
    }
    o.insert("id".into(), json!(e.id));
    if let Some(t) = &e.title {
        o.insert("title".into(), json!(t));
    }
    o
}

fn link_json(l: &Link) -> Map<String, Json> {
    let mut o = entity_json(&l.entity);
    let end = |loc: &str, kind: Option<&tern_model::CategoryId>| {
        let mut m = Map::new();
        m.insert("location".into(), json!(loc));
        if let Some(k) = kind {
            m.insert("kind".into(), json!(k.to_string()));
        }
        Json::Object(m)
    };
    o.insert(
        "source".into(),
        end(&l.source.location, l.source.kind.as_ref()),
    );
    o.insert(
        "target".into(),
        end(&l.target.location, l.target.kind.as_ref()),
    );
    o
}
