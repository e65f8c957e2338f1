//! What a plan is: stages of OCCI calls whose operations may run concurrently, each call
//! with its method, location, action and body, and their serialisation
//! (`schemas/plan.schema.json`). How a plan is made is in `adaptation`.

use serde::Serialize;
use serde::ser::{Error as _, SerializeStruct, Serializer};
use serde_json::{Map, Value as Json};
use tern_model::{Attributes, CategoryId, Entity, Link, Resource};
use tern_occi::{Document, MediaType};

use crate::attributes::{Change, ChangesJson};

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
    /// Why the call is made.
    pub reason: Reason,
}

/// Why an operation is in the plan: what the comparison found and which rule of the
/// catalogue turned it into this call.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// The entity is only in the target.
    New,
    /// The entity is only at runtime.
    Missing,
    /// Mutable attributes, the title or the mixin set changed: a partial update with just
    /// these changes.
    Update {
        /// The changes sent.
        changes: Vec<Change>,
    },
    /// The state attribute changed and the kind's state machine reaches the new state:
    /// one action per step.
    State {
        /// The state attribute, e.g. `occi.compute.state`.
        attribute: String,
        /// The runtime state.
        from: String,
        /// The target state.
        to: String,
        /// This call's step, from 1.
        step: usize,
        /// Steps of the path.
        steps: usize,
    },
    /// The entity is deleted and created again (both calls carry the same reason).
    Replace(Forced),
}

/// What forces a replacement.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Forced {
    /// Attributes the catalogue (the kind's or a mixin's definition) declares immutable
    /// changed.
    Immutable {
        /// The immutable changes.
        changes: Vec<Change>,
    },
    /// The state changed to one that no action of the kind's state machine reaches (a
    /// link's state, which only the provider changes, or an unknown state).
    State {
        /// The state attribute.
        attribute: String,
        /// The runtime state (empty when unset).
        from: String,
        /// The target state.
        to: String,
    },
    /// A link one of whose ends is replaced: it is created again with that end.
    End {
        /// The replaced end's runtime location.
        location: String,
    },
    /// A link whose source stays but whose target changed: the link alone is replaced.
    Target {
        /// The runtime target's location.
        from: String,
        /// The target's location in the target topology.
        to: String,
    },
}

impl Reason {
    /// True for the calls of a replacement.
    pub fn is_replace(&self) -> bool {
        matches!(self, Reason::Replace(_))
    }

    /// The reason in a few words for people: `new`, `missing`,
    /// `occi.compute.memory: 4096 -> 8192`, `occi.compute.state: active -> inactive`,
    /// `occi.compute.state: suspended -> inactive (step 1 of 2)`, `occi.networkinterface.interface: eth0 -> eth1 forces replacement`.
    pub fn text(&self) -> String {
        match self {
            Reason::New => "new".into(),
            Reason::Missing => "missing".into(),
            Reason::Update { changes } => changes_text(changes),
            Reason::State {
                attribute,
                from,
                to,
                step,
                steps,
            } if *steps > 1 => format!("{attribute}: {from} -> {to} (step {step} of {steps})"),
            Reason::State {
                attribute,
                from,
                to,
                ..
            } => format!("{attribute}: {from} -> {to}"),
            Reason::Replace(forced) => match forced {
                Forced::Immutable { changes } => {
                    format!("{} forces replacement", changes_text(changes))
                }
                Forced::State {
                    attribute,
                    from,
                    to,
                } => {
                    format!("{attribute}: {from} -> {to} forces replacement (no action reaches it)")
                }
                Forced::End { location } => format!("its end {location} is replaced"),
                Forced::Target { from, to } => {
                    format!("target {from} -> {to} forces replacement of the link")
                }
            },
        }
    }
}

fn changes_text(changes: &[Change]) -> String {
    changes
        .iter()
        .map(Change::text)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Reason", 6)?;
        match self {
            Reason::New => s.serialize_field("cause", "new")?,
            Reason::Missing => s.serialize_field("cause", "missing")?,
            Reason::Update { changes } => {
                s.serialize_field("cause", "update")?;
                s.serialize_field("attributes", &ChangesJson(changes))?;
            }
            Reason::State {
                attribute,
                from,
                to,
                step,
                steps,
            } => {
                s.serialize_field("cause", "state")?;
                s.serialize_field("attribute", attribute)?;
                s.serialize_field("from", from)?;
                s.serialize_field("to", to)?;
                s.serialize_field("step", step)?;
                s.serialize_field("steps", steps)?;
            }
            Reason::Replace(forced) => {
                s.serialize_field("cause", "replace")?;
                match forced {
                    Forced::Immutable { changes } => {
                        s.serialize_field("forced_by", "immutable")?;
                        s.serialize_field("attributes", &ChangesJson(changes))?;
                    }
                    Forced::State {
                        attribute,
                        from,
                        to,
                    } => {
                        s.serialize_field("forced_by", "state")?;
                        s.serialize_field("attribute", attribute)?;
                        s.serialize_field("from", from)?;
                        s.serialize_field("to", to)?;
                    }
                    Forced::End { location } => {
                        s.serialize_field("forced_by", "end")?;
                        s.serialize_field("end", location)?;
                    }
                    Forced::Target { from, to } => {
                        s.serialize_field("forced_by", "target")?;
                        s.serialize_field("from", from)?;
                        s.serialize_field("to", to)?;
                    }
                }
            }
        }
        s.end()
    }
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
        let mut s = serializer.serialize_struct("Operation", 6)?;
        s.serialize_field("op", self.op.name())?;
        s.serialize_field("method", self.op.method())?;
        s.serialize_field("location", &self.location)?;
        if let Some(action) = &self.action {
            s.serialize_field("action", &action.to_string())?;
        }
        if let Some(body) = &self.body {
            s.serialize_field("entity", &body.occi_json().map_err(S::Error::custom)?)?;
        }
        s.serialize_field("reason", &self.reason)?;
        s.end()
    }
}

impl Body {
    // The `application/occi+json` rendering, written by tern-occi. A partial update is
    // written as a resource without id whose attributes are those to set (the title as
    // `occi.core.title`, first); it always has `attributes`, and `mixins` whenever the mixin
    // set changes, even to none (`[]`), which a resource rendering leaves out.
    fn occi_json(&self) -> Result<Json, serde_json::Error> {
        let document = match self {
            Body::Resource(r) => Document::Resource(r.clone()),
            Body::Link(l) => Document::Link(l.clone()),
            Body::Partial {
                kind,
                attributes,
                title,
                mixins,
            } => {
                let mut entity = Entity::new("", kind.clone());
                if let Some(t) = title {
                    entity.attributes.insert("occi.core.title", t.as_str());
                }
                for (n, v) in attributes.iter() {
                    entity.attributes.insert(n, v.clone());
                }
                entity.mixins = mixins.clone().unwrap_or_default();
                Document::Resource(Resource::new(entity))
            }
        };
        // Notes are about what this body lacks on purpose (a location, a partial update's
        // id); the body itself is complete.
        let rendered = tern_occi::write(&document, MediaType::OcciJson);
        let mut json: Json = serde_json::from_str(&rendered.text)?;
        if let (Body::Partial { mixins, .. }, Json::Object(written)) = (self, &mut json) {
            let mut members = std::mem::take(written);
            let mut o = Map::new();
            if let Some(kind) = members.remove("kind") {
                o.insert("kind".into(), kind);
            }
            if mixins.is_some() {
                let m = members.remove("mixins").unwrap_or(Json::Array(Vec::new()));
                o.insert("mixins".into(), m);
            }
            let a = members
                .remove("attributes")
                .unwrap_or(Json::Object(Map::new()));
            o.insert("attributes".into(), a);
            o.extend(members);
            *written = o;
        }
        Ok(json)
    }
}
