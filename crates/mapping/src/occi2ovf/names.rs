//! OVF identifiers for OCCI resources: the OVF id a resource came from (`urn:ovf:kind:ID`,
//! percent-decoded), else its title or the last segment of its id, made unique per kind.
//! Networks that network interfaces reach but the collection does not hold are named the
//! same way from the link's target.

use std::collections::HashMap;

use tern_model::{Collection, Resource};

/// Names chosen once, so every reference to a resource uses the same one.
pub(crate) struct Names {
    by_id: HashMap<String, String>,
    /// Network names for NIC targets outside the collection, by target.
    outside: Vec<(String, String)>,
}

impl Names {
    pub(crate) fn new(
        computes: &[&Resource],
        networks: &[&Resource],
        storages: &[&Resource],
        collection: &Collection,
    ) -> Self {
        let mut by_id = HashMap::new();
        let mut network_names = Vec::new();
        for (group, is_networks) in [(computes, false), (networks, true), (storages, false)] {
            let mut taken: Vec<String> = Vec::new();
            for r in group {
                let name = unique(&natural(r), &taken);
                taken.push(name.clone());
                by_id.insert(r.entity.id.clone(), name);
            }
            if is_networks {
                network_names = taken;
            }
        }
        let mut outside = Vec::new();
        for target in nic_targets_outside(computes, collection) {
            let name = unique(&from_target(&target), &network_names);
            network_names.push(name.clone());
            outside.push((target, name));
        }
        Names { by_id, outside }
    }

    /// The OVF name of `resource`.
    pub(crate) fn of<'a>(&'a self, resource: &Resource) -> &'a str {
        self.by_id
            .get(&resource.entity.id)
            .map_or("unnamed", String::as_str)
    }

    /// The network name for a network interface's target: the network's own, or the one
    /// made for a target outside the collection.
    pub(crate) fn network_of<'a>(&'a self, collection: &Collection, target: &str) -> &'a str {
        match collection.resource(target) {
            Some(n) if is_network(n) => self.of(n),
            _ => self
                .outside
                .iter()
                .find(|(t, _)| t == target)
                .map_or("unnamed", |(_, name)| name.as_str()),
        }
    }

    /// Networks reached but not in the collection: (target, name), in first-use order.
    pub(crate) fn outside_networks(&self) -> &[(String, String)] {
        &self.outside
    }
}

fn is_network(r: &Resource) -> bool {
    r.entity.kind.term() == "network"
}

// Targets of network interfaces that name no network of the collection.
fn nic_targets_outside(computes: &[&Resource], collection: &Collection) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for link in computes.iter().flat_map(|c| &c.links) {
        let target = &link.target.location;
        let inside = collection.resource(target).is_some_and(is_network);
        if link.entity.kind.term() == "networkinterface" && !inside && !out.contains(target) {
            out.push(target.clone());
        }
    }
    out
}

fn unique(base: &str, taken: &[String]) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn natural(r: &Resource) -> String {
    let id = &r.entity.id;
    if let Some(name) = crate::ids::ovf_id(id) {
        return name;
    }
    let raw = r
        .entity
        .title
        .clone()
        .unwrap_or_else(|| last_segment(id).to_owned());
    clean(&raw)
}

// A name from a link target: the OVF id in a `urn:ovf:` id, else the last segment of the
// location, URL or URN, percent-decoded.
fn from_target(target: &str) -> String {
    if let Some(name) = crate::ids::ovf_id(target) {
        return name;
    }
    clean(&crate::ids::decode(last_segment(target)))
}

fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/')
        .rsplit([':', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or("resource")
}

fn clean(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.is_empty() {
        "resource".to_owned()
    } else {
        clean
    }
}
