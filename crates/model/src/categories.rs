//! Kinds, Mixins and Actions (GFD.221 §4.5.3–4.5.5).

use serde::Serialize;

use crate::{AttributeDef, CategoryId, StateMachine};

/// Identifies an entity type; every Kind descends from `core#entity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kind {
    /// scheme + term.
    pub id: CategoryId,
    /// Display title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The parent Kind (absent only for `core#entity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<CategoryId>,
    /// Attributes the Kind itself declares (not inherited ones).
    pub attributes: Vec<AttributeDef>,
    /// Actions instances of the Kind expose.
    pub actions: Vec<CategoryId>,
    /// The provider-chosen collection location, e.g. `/compute/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The lifecycle of instances, where the specification draws one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<StateMachine>,
}

/// Adds attributes and actions to entities; templates are mixins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mixin {
    /// scheme + term.
    pub id: CategoryId,
    /// Display title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Mixins this one builds on (1.1: `related`).
    pub depends: Vec<CategoryId>,
    /// Kinds this mixin may be associated with (empty: any).
    pub applies: Vec<CategoryId>,
    /// Attributes the Mixin declares.
    pub attributes: Vec<AttributeDef>,
    /// Actions the Mixin adds.
    pub actions: Vec<CategoryId>,
    /// The provider-chosen collection location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// An operation invocable on entities of a Kind or Mixin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// scheme + term.
    pub id: CategoryId,
    /// Display title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The invocation's parameters.
    pub attributes: Vec<AttributeDef>,
}

/// Any of the three, as a catalogue lookup returns it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Category<'a> {
    /// A Kind.
    Kind(&'a Kind),
    /// A Mixin.
    Mixin(&'a Mixin),
    /// An Action.
    Action(&'a Action),
}

impl Category<'_> {
    /// The identifier.
    pub fn id(&self) -> &CategoryId {
        match self {
            Category::Kind(k) => &k.id,
            Category::Mixin(m) => &m.id,
            Category::Action(a) => &a.id,
        }
    }

    /// Which class the category is.
    pub fn class(&self) -> crate::CategoryClass {
        match self {
            Category::Kind(_) => crate::CategoryClass::Kind,
            Category::Mixin(_) => crate::CategoryClass::Mixin,
            Category::Action(_) => crate::CategoryClass::Action,
        }
    }

    /// The attributes the category declares itself.
    pub fn attributes(&self) -> &[AttributeDef] {
        match self {
            Category::Kind(k) => &k.attributes,
            Category::Mixin(m) => &m.attributes,
            Category::Action(a) => &a.attributes,
        }
    }
}
