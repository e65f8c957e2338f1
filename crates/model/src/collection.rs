//! A topology: resources and links as a graph with stable order, lookup by identifier or
//! location, and neighbours by link Kind.

use std::collections::HashMap;

use crate::{CategoryId, Link, Resource};

/// Resources (each owning its links) plus links listed on their own, as an OCCI entity
/// collection renders them.
///
/// Complexity: [`push_resource`](Collection::push_resource) and
/// [`resource`](Collection::resource) (by id, location or URL) in O(1) through hash indexes;
/// [`neighbours`](Collection::neighbours) and [`incoming`](Collection::incoming) walk every
/// link, O(links) per call; to visit the neighbours of every resource, index the links once
/// (tern-engine's `Topology` does).
#[derive(Debug, Clone, Default)]
pub struct Collection {
    resources: Vec<Resource>,
    links: Vec<Link>,
    by_key: HashMap<String, usize>,
    // Where resources without a location live by convention (`Entity::location_or_default`):
    // looked up last, never a clash.
    by_default_location: HashMap<String, usize>,
}

/// Why an entity cannot join a collection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollectionError {
    /// Another resource already has this identifier or location.
    #[error("a resource with id or location `{0}` is already in the collection")]
    Duplicate(String),
}

/// Where a link ends, seen from a resource.
#[derive(Debug, Clone, Copy)]
pub struct Neighbour<'a> {
    /// The link.
    pub link: &'a Link,
    /// The resource at the other end, when it is in the collection.
    pub resource: Option<&'a Resource>,
}

impl Collection {
    /// An empty collection.
    pub fn new() -> Self {
        Collection::default()
    }

    /// Adds a resource; its id and location must be new to the collection.
    pub fn push_resource(&mut self, resource: Resource) -> Result<(), CollectionError> {
        let keys = keys_of(&resource);
        if let Some(taken) = keys.iter().find(|k| self.by_key.contains_key(*k)) {
            return Err(CollectionError::Duplicate(taken.clone()));
        }
        let at = self.resources.len();
        for key in keys {
            self.by_key.insert(key, at);
        }
        if resource.entity.location.is_none() {
            self.by_default_location
                .entry(resource.entity.location_or_default())
                .or_insert(at);
        }
        self.resources.push(resource);
        Ok(())
    }

    /// Adds a link that is not owned by a resource of the collection.
    pub fn push_link(&mut self, link: Link) {
        self.links.push(link);
    }

    /// Resources in insertion order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Mutable access to the resources (identifiers and locations must not change).
    pub fn resources_mut(&mut self) -> &mut [Resource] {
        &mut self.resources
    }

    /// Links listed on their own, in insertion order.
    pub fn standalone_links(&self) -> &[Link] {
        &self.links
    }

    /// Every link: those owned by resources (in resource order), then standalone ones.
    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.resources
            .iter()
            .flat_map(|r| r.links.iter())
            .chain(self.links.iter())
    }

    /// A resource by identifier, location, or URL whose path is its location; a resource
    /// without a location is also found at its conventional one
    /// ([`Entity::location_or_default`](crate::Entity::location_or_default)).
    pub fn resource(&self, key: &str) -> Option<&Resource> {
        self.index_of(key).map(|i| &self.resources[i])
    }

    /// Links leaving `resource` (optionally only of `kind`), with the resources they reach.
    /// O(links).
    pub fn neighbours(&self, resource: &str, kind: Option<&CategoryId>) -> Vec<Neighbour<'_>> {
        let Some(at) = self.index_of(resource) else {
            return Vec::new();
        };
        self.links()
            .filter(|l| self.index_of(&l.source.location) == Some(at))
            .filter(|l| kind.is_none_or(|k| &l.entity.kind == k))
            .map(|link| Neighbour {
                link,
                resource: self.resource(&link.target.location),
            })
            .collect()
    }

    /// Links arriving at `resource` (optionally only of `kind`), with their sources.
    /// O(links).
    pub fn incoming(&self, resource: &str, kind: Option<&CategoryId>) -> Vec<Neighbour<'_>> {
        let Some(at) = self.index_of(resource) else {
            return Vec::new();
        };
        self.links()
            .filter(|l| self.index_of(&l.target.location) == Some(at))
            .filter(|l| kind.is_none_or(|k| &l.entity.kind == k))
            .map(|link| Neighbour {
                link,
                resource: self.resource(&link.source.location),
            })
            .collect()
    }

    /// True when there are neither resources nor links.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.links.is_empty()
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key
            .get(key)
            .or_else(|| self.by_key.get(url_path(key)))
            .or_else(|| self.by_default_location.get(key))
            .or_else(|| self.by_default_location.get(url_path(key)))
            .copied()
    }
}

fn keys_of(resource: &Resource) -> Vec<String> {
    let mut keys = Vec::new();
    if !resource.entity.id.is_empty() {
        keys.push(resource.entity.id.clone());
    }
    if let Some(location) = &resource.entity.location
        && !keys.contains(location)
    {
        keys.push(location.clone());
    }
    keys
}

// `http://host:8080/compute/1` → `/compute/1`, so absolute link targets find resources
// that were given relative locations.
fn url_path(key: &str) -> &str {
    match key.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() && !scheme.contains('/') => {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => key,
    }
}
