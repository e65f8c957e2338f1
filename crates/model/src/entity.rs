//! Entity instances (GFD.221 §4.6): resources and links with their attribute values.

use indexmap::IndexMap;
use serde::Serialize;

use crate::{CategoryId, Value};

/// The parts every entity has. `occi.core.id` and `occi.core.title` are fields here; the
/// renderings map them to and from their attribute names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// Unique identifier (a URI; `urn:uuid:…` recommended).
    pub id: String,
    /// The Kind identifying the entity's type.
    pub kind: CategoryId,
    /// Associated mixins, in rendering order.
    pub mixins: Vec<CategoryId>,
    /// Display title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// All other attribute values, in rendering order.
    pub attributes: Attributes,
    /// Actions currently exposed (rendered as action links).
    pub actions: Vec<CategoryId>,
    /// Where the entity lives on a server, e.g. `/compute/vm1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A Resource: an entity with a summary and the links it owns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// Identity, kind, mixins, attributes.
    #[serde(flatten)]
    pub entity: Entity,
    /// `occi.core.summary`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Links whose source is this resource.
    pub links: Vec<Link>,
}

/// A Link between a source resource and a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Identity, kind, mixins, attributes.
    #[serde(flatten)]
    pub entity: Entity,
    /// `occi.core.source` (and `occi.core.source.kind`).
    pub source: Endpoint,
    /// `occi.core.target` (and `occi.core.target.kind`).
    pub target: Endpoint,
}

/// One end of a link: where it is, and optionally what Kind it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Location or identifier of the resource.
    pub location: String,
    /// Its Kind, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<CategoryId>,
}

/// Attribute values by name, in the order they were given.
///
/// A hash table over an insertion-ordered vector: [`get`](Attributes::get) and
/// [`insert`](Attributes::insert) take O(1) expected time whatever the number of attributes,
/// [`iter`](Attributes::iter) walks them in document order, [`remove`](Attributes::remove)
/// takes O(n) (the attributes after the removed one move up, so the order stays). Equality
/// compares names, values *and* order: two renderings listing the same attributes in another
/// order are different documents.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Attributes(#[serde(serialize_with = "serialize_pairs")] Table);

// The names come from documents (also over the network): a keyed hash with a random seed
// (foldhash; crafted names cannot be made to collide), cheaper than SipHash on short names.
type Table = IndexMap<String, Value, foldhash::fast::RandomState>;

impl Entity {
    /// An entity with no title, mixins, attributes or actions.
    pub fn new(id: impl Into<String>, kind: CategoryId) -> Self {
        Entity {
            id: id.into(),
            kind,
            mixins: Vec::new(),
            title: None,
            attributes: Attributes::default(),
            actions: Vec::new(),
            location: None,
        }
    }

    /// True when `mixin` is associated with the entity.
    pub fn has_mixin(&self, mixin: &CategoryId) -> bool {
        self.mixins.contains(mixin)
    }

    /// Where the entity lives: its [`location`](Entity::location) when it has one, else
    /// `/<kind term>/<name>`, where OCCI servers put an entity by convention. The name is
    /// the id, or for a URN its last `:`-separated part, as in the JSON rendering's example
    /// (`urn:uuid:996a…` lives at `/compute/996a…`). For an id made of one path segment this
    /// is the [implied location](Entity::implied_location).
    ///
    /// ```
    /// use tern_model::{CategoryId, Entity};
    /// let compute = CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", "compute");
    /// let mut vm = Entity::new("vm1", compute.clone());
    /// assert_eq!(vm.location_or_default(), "/compute/vm1");
    /// vm.location = Some("/vms/1".into());
    /// assert_eq!(vm.location_or_default(), "/vms/1");
    /// let urn = Entity::new("urn:uuid:996ad860-2a9a-504f-8861-aeafd0b2ae29", compute);
    /// assert_eq!(urn.location_or_default(), "/compute/996ad860-2a9a-504f-8861-aeafd0b2ae29");
    /// ```
    pub fn location_or_default(&self) -> String {
        self.location
            .clone()
            .unwrap_or_else(|| format!("/{}/{}", self.kind.term(), default_name(&self.id)))
    }

    /// The location the id alone implies, whatever location the entity has: an id made of a
    /// single relative path segment names the entity within its kind's collection (`ni1` is
    /// at `/<kind term>/ni1`), so a reader that derives ids from locations
    /// ([`Entity::id_from_location`]) gives the same id back. An absolute URI as id
    /// (`urn:uuid:…`) implies no location: a rendering that drops such a location loses it.
    /// Nor does an id holding a character no URI holds as it stands (a space, a control
    /// character, `"`, `<`, `>`, `\`, `^`, a backquote, `{`, `|` or `}`): written as a
    /// location it would not read back as one.
    ///
    /// ```
    /// use tern_model::{CategoryId, Entity};
    /// let nic = CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", "networkinterface");
    /// assert_eq!(Entity::new("ni1", nic.clone()).implied_location().as_deref(), Some("/networkinterface/ni1"));
    /// assert_eq!(Entity::new("urn:uuid:1", nic.clone()).implied_location(), None);
    /// assert_eq!(Entity::new("a->b", nic).implied_location(), None);
    /// ```
    pub fn implied_location(&self) -> Option<String> {
        let segment = !self.id.is_empty()
            && !self.id.contains([':', '/', '?', '#'])
            && crate::is_uri_text(&self.id);
        segment.then(|| format!("/{}/{}", self.kind.term(), self.id))
    }

    /// The identifier of an entity a rendering names only by its location: the location's
    /// last path segment, without query or fragment. `None` when that segment is empty (a
    /// collection's location ends in `/`).
    ///
    /// ```
    /// use tern_model::Entity;
    /// assert_eq!(Entity::id_from_location("/networkinterface/ni1"), Some("ni1"));
    /// assert_eq!(Entity::id_from_location("http://example.com/compute/42?x=1"), Some("42"));
    /// assert_eq!(Entity::id_from_location("/compute/"), None);
    /// ```
    pub fn id_from_location(location: &str) -> Option<&str> {
        let path = location.split(['?', '#']).next().unwrap_or_default();
        path.rsplit('/')
            .next()
            .filter(|segment| !segment.is_empty())
    }
}

impl Resource {
    /// A resource without summary or links.
    pub fn new(entity: Entity) -> Self {
        Resource {
            entity,
            summary: None,
            links: Vec::new(),
        }
    }
}

impl Link {
    /// A link from `source` to `target` (locations or identifiers).
    pub fn new(entity: Entity, source: impl Into<String>, target: impl Into<String>) -> Self {
        Link {
            entity,
            source: Endpoint::at(source),
            target: Endpoint::at(target),
        }
    }
}

impl Endpoint {
    /// An endpoint of unknown Kind.
    pub fn at(location: impl Into<String>) -> Self {
        Endpoint {
            location: location.into(),
            kind: None,
        }
    }
}

impl Attributes {
    /// No attributes.
    pub fn new() -> Self {
        Attributes::default()
    }

    /// The value of `name`, in O(1).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// Makes room for `additional` more attributes, so that a reader that knows how many
    /// follow inserts them without growing the table step by step.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    /// Sets `name`, keeping its position when it was already present (else appending it);
    /// returns the old value. O(1).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0.insert(name.into(), value.into())
    }

    /// Removes `name`, returning its value; the others keep their order. O(n).
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.shift_remove(name)
    }

    /// Name–value pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for Attributes {
    // IndexMap's own equality ignores order; a document's attributes have one.
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().eq(other.0.iter())
    }
}

impl<N: Into<String>, V: Into<Value>> FromIterator<(N, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut attributes = Attributes::new();
        for (n, v) in iter {
            attributes.insert(n, v);
        }
        attributes
    }
}

// The last part of a URN (`urn:NID:…:NAME`), else the whole id.
fn default_name(id: &str) -> &str {
    let is_urn = id.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
    match id.rsplit_once(':') {
        Some((_, name)) if is_urn && !name.is_empty() => name,
        _ => id,
    }
}

fn serialize_pairs<S: serde::Serializer>(pairs: &Table, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs)
}
