//! The rows: an entity, a user mixin, and the selection of a collection.

/// One stored entity: its canonical rendering and the columns it is found by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the entity lives (`/compute/1`): the key.
    pub location: String,
    /// Its Kind's identifier (`scheme#term`).
    pub kind: String,
    /// Its Mixins' identifiers.
    pub mixins: Vec<String>,
    /// A link's source location.
    pub source: Option<String>,
    /// A link's target location.
    pub target: Option<String>,
    /// The canonical rendering (tern serve: OCCI JSON).
    pub body: String,
}

impl Record {
    /// A resource without mixins.
    pub fn resource(
        location: impl Into<String>,
        kind: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Record {
            location: location.into(),
            kind: kind.into(),
            mixins: Vec::new(),
            source: None,
            target: None,
            body: body.into(),
        }
    }
}

/// A user-defined mixin (the query interface's `POST`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixinRecord {
    /// Its identifier (`scheme#term`).
    pub id: String,
    /// Its collection's location (`/my_stuff/`).
    pub location: String,
    /// Its canonical rendering (OCCI JSON of the mixin).
    pub body: String,
}

/// Which entities [`Transaction::list`](crate::Transaction::list) returns, by location.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Entities of any of these Kinds; empty: of any Kind.
    pub kinds: Vec<String>,
    /// Only entities tagged with this Mixin.
    pub mixin: Option<String>,
    /// Skip this many entities.
    pub offset: u64,
    /// At most this many entities; `None`: all.
    pub limit: Option<u64>,
}

/// One CDMI object's row: its path, its ID, its parent and its metadata. A data object's
/// value is a blob ([`crate::BlobStore`]) whose key the body names; the store never parses
/// the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdmiRecord {
    /// The object's path (`/c/a.txt`; containers end in `/`, the root container is `/`).
    pub path: String,
    /// Its object ID (Base16 text, upper case).
    pub object_id: String,
    /// The parent container's path (`None` for the root container).
    pub parent: Option<String>,
    /// The CDMI object type (`application/cdmi-object`, `application/cdmi-container`).
    pub object_type: String,
    /// What the server keeps about the object (tern serve: JSON).
    pub body: String,
}
