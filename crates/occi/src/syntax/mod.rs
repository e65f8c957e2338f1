//! Layer (b): the OCCI field grammar of GFD.229 (and the GFD.185 differences), one parser per
//! field, producing syntax trees that keep each value's lexical class and position.

mod attribute;
mod category;
mod lexeme;
mod link;

pub use attribute::parse_attribute;
pub use category::parse_category;
pub(crate) use lexeme::{check_absolute_uri, check_location, escape_quoted, is_abnf_number};
pub use link::parse_link;

use tern_diag::Position;

/// The lexical class of a value in the text renderings. The model, not the text, decides
/// integer vs float vs enum; the class is kept so conversions lose nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextValue {
    /// A quoted string, unescaped.
    String(String),
    /// A bare number, its exact text (`2`, `2.50`, or with a leniency `-1`, `1e9`).
    Number(String),
    /// A bare `true` or `false`.
    Bool(bool),
    /// A bare token that is neither number nor boolean (`static`): legal in Link attributes,
    /// a leniency in `X-OCCI-Attribute`.
    Token(String),
}

/// `class` of a Category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CategoryClass {
    /// A Kind.
    Kind,
    /// A Mixin.
    Mixin,
    /// An Action.
    Action,
}

impl CategoryClass {
    /// `kind`, `mixin` or `action`.
    pub fn as_str(self) -> &'static str {
        match self {
            CategoryClass::Kind => "kind",
            CategoryClass::Mixin => "mixin",
            CategoryClass::Action => "action",
        }
    }
}

/// One entry of `attributes="…"`: a name and its `{required immutable}` properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDecl {
    /// The attribute name.
    pub name: String,
    /// `{required}`.
    pub required: bool,
    /// `{immutable}`.
    pub immutable: bool,
}

/// A `Category` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryValue {
    /// The term.
    pub term: String,
    /// The scheme (ends in `#` in every known model).
    pub scheme: String,
    /// kind, mixin or action.
    pub class: CategoryClass,
    /// `title`.
    pub title: Option<String>,
    /// `rel`: the parent Kind, or a Mixin's (first) dependency.
    pub rel: Vec<String>,
    /// `location`.
    pub location: Option<String>,
    /// `attributes`.
    pub attributes: Vec<AttributeDecl>,
    /// `actions` (type identifiers).
    pub actions: Vec<String>,
    /// Where the value starts.
    pub position: Position,
}

impl CategoryValue {
    /// `scheme` + `term`, the category's identity.
    pub fn type_id(&self) -> String {
        format!("{}{}", self.scheme, self.term)
    }
}

/// `name=value` from an `X-OCCI-Attribute` field or a Link attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    /// The attribute name.
    pub name: String,
    /// The value with its lexical class.
    pub value: TextValue,
    /// Where the name starts.
    pub position: Position,
}

/// A `Link` value: a link to another resource, or an action link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkValue {
    /// `<target>; rel="…"; self="…"; category="…"; attr=value…`.
    Resource(ResourceLink),
    /// `<uri?action=term>; rel="action type identifier"`.
    Action(ActionLink),
}

/// An inline link to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceLink {
    /// The target resource location.
    pub target: String,
    /// `rel`: the target's Kind (and more type identifiers).
    pub rel: Vec<String>,
    /// `self`: the link's own location.
    pub self_location: Option<String>,
    /// `category`: the link's Kind then its Mixins.
    pub category: Vec<String>,
    /// Link attributes.
    pub attributes: Vec<AttributeValue>,
    /// Where the value starts.
    pub position: Position,
}

/// An action link (an action applicable to the rendered entity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionLink {
    /// The full URI, `…?action=term`.
    pub uri: String,
    /// The action's type identifier.
    pub rel: String,
    /// Where the value starts.
    pub position: Position,
}

/// An `X-OCCI-Location` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationValue {
    /// The URI reference.
    pub uri: String,
    /// Where it starts.
    pub position: Position,
}
