//! An indexed, read-only view of a [`Collection`]: resources by position, links with the
//! positions of their ends, and adjacency lists in document order (the published algorithm's
//! results depend on that order, so it is kept).

use tern_model::{CategoryId, Collection, Link, Resource};

use crate::hashing::FastMap;

/// One side of a comparison: the runtime or the target topology, indexed.
#[derive(Debug)]
pub struct Topology<'a> {
    collection: &'a Collection,
    resources: Vec<&'a Resource>,
    links: Vec<LinkRef<'a>>,
    outgoing: Vec<Vec<usize>>,
    incoming: Vec<Vec<usize>>,
}

/// A link with its ends resolved against the collection.
#[derive(Debug, Clone, Copy)]
pub struct LinkRef<'a> {
    /// The link itself.
    pub link: &'a Link,
    /// Position of the source resource, when it is in the collection.
    pub source: Option<usize>,
    /// Position of the target resource, when it is in the collection.
    pub target: Option<usize>,
}

impl<'a> Topology<'a> {
    /// Indexes `collection`: resource-owned links first (in resource order), then standalone
    /// links.
    pub fn new(collection: &'a Collection) -> Self {
        let resources: Vec<&Resource> = collection.resources().iter().collect();
        let mut position: FastMap<&str, usize> = FastMap::default();
        for (i, r) in resources.iter().enumerate() {
            position.insert(r.entity.id.as_str(), i);
            if let Some(location) = &r.entity.location {
                position.entry(location.as_str()).or_insert(i);
            }
        }
        // Entities without a location live at `/<kind term>/<id>` (see `Entity::location_or_default`).
        let defaults: Vec<(String, usize)> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.entity.location.is_none())
            .map(|(i, r)| (r.entity.location_or_default(), i))
            .collect();
        for (key, i) in &defaults {
            position.entry(key.as_str()).or_insert(*i);
        }
        // Links name their ends by location, id or URL; the collection knows how to resolve
        // all three, the position map is only the fast path.
        let resolve = |key: &str| -> Option<usize> {
            position.get(key).copied().or_else(|| {
                let r = collection.resource(key)?;
                position.get(r.entity.id.as_str()).copied()
            })
        };
        let mut links = Vec::new();
        for link in collection.links() {
            links.push(LinkRef {
                link,
                source: resolve(&link.source.location),
                target: resolve(&link.target.location),
            });
        }
        let mut outgoing = vec![Vec::new(); resources.len()];
        let mut incoming = vec![Vec::new(); resources.len()];
        for (i, l) in links.iter().enumerate() {
            if let Some(s) = l.source {
                outgoing[s].push(i);
            }
            if let Some(t) = l.target {
                incoming[t].push(i);
            }
        }
        Topology {
            collection,
            resources,
            links,
            outgoing,
            incoming,
        }
    }

    /// The indexed collection.
    pub fn collection(&self) -> &'a Collection {
        self.collection
    }

    /// Resources in document order.
    pub fn resources(&self) -> &[&'a Resource] {
        &self.resources
    }

    /// The resource at `i`.
    pub fn resource(&self, i: usize) -> &'a Resource {
        self.resources[i]
    }

    /// Links in document order.
    pub fn links(&self) -> &[LinkRef<'a>] {
        &self.links
    }

    /// The link at `i`.
    pub fn link(&self, i: usize) -> &LinkRef<'a> {
        &self.links[i]
    }

    /// Positions of the links leaving resource `i`.
    pub fn outgoing(&self, i: usize) -> &[usize] {
        &self.outgoing[i]
    }

    /// Positions of the links arriving at resource `i`.
    pub fn incoming(&self, i: usize) -> &[usize] {
        &self.incoming[i]
    }

    /// The kind of resource `i`.
    pub fn kind(&self, i: usize) -> &'a CategoryId {
        &self.resources[i].entity.kind
    }
}
