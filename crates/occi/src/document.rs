//! What an OCCI rendering carries, in terms of the shared model.

use tern_model::{Action, Attributes, CategoryId, Kind, Link, Mixin, Resource};

/// One OCCI rendering read into the model: the compositions of GFD.229 §5 and the JSON
/// objects of the JSON rendering.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A resource with its links.
    Resource(Resource),
    /// A link on its own.
    Link(Link),
    /// `POST …?action=term`: the action and its parameters.
    ActionInvocation(ActionInvocation),
    /// A single Kind.
    Kind(Kind),
    /// A single Mixin.
    Mixin(Mixin),
    /// A single Action.
    Action(Action),
    /// Categories and/or entities: the query interface (category collection), the JSON
    /// collections and the full JSON model.
    Listing(Listing),
    /// An entity collection as the text renderings list it: locations only.
    Locations(Vec<String>),
}

/// An action invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionInvocation {
    /// The action's identifier.
    pub action: CategoryId,
    /// The invocation's parameters.
    pub attributes: Attributes,
}

/// Kinds, mixins, actions, resources and links listed together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    /// Kinds.
    pub kinds: Vec<Kind>,
    /// Mixins.
    pub mixins: Vec<Mixin>,
    /// Actions.
    pub actions: Vec<Action>,
    /// Resources.
    pub resources: Vec<Resource>,
    /// Links.
    pub links: Vec<Link>,
}

impl Listing {
    /// True when the listing holds categories only (a query-interface rendering).
    pub fn is_categories(&self) -> bool {
        self.resources.is_empty() && self.links.is_empty()
    }

    /// True when the listing holds entities only.
    pub fn is_entities(&self) -> bool {
        self.kinds.is_empty() && self.mixins.is_empty() && self.actions.is_empty()
    }
}

impl Document {
    /// A short name of the composition (`resource`, `link`, `category collection`…).
    pub fn composition(&self) -> &'static str {
        match self {
            Document::Resource(_) => "resource",
            Document::Link(_) => "link",
            Document::ActionInvocation(_) => "action invocation",
            Document::Kind(_) => "kind",
            Document::Mixin(_) => "mixin",
            Document::Action(_) => "action",
            Document::Listing(l) if l.is_categories() => "category collection",
            Document::Listing(l) if l.is_entities() => "entity collection",
            Document::Listing(_) => "model",
            Document::Locations(_) => "location list",
        }
    }
}
