//! The topology graph: lookups and neighbours.

use tern_model::{Collection, Entity, Link, Resource};

use crate::infra;

fn resource(id: &str, kind: &str, location: &str) -> Resource {
    let mut e = Entity::new(id, infra(kind));
    e.location = Some(location.into());
    Resource::new(e)
}

fn topology() -> Collection {
    let mut c = Collection::new();
    let mut vm = resource("urn:uuid:vm", "compute", "/compute/vm");
    vm.links.push(Link::new(
        Entity::new("urn:uuid:l1", infra("storagelink")),
        "/compute/vm",
        "/storage/disk",
    ));
    vm.links.push(Link::new(
        Entity::new("urn:uuid:l2", infra("networkinterface")),
        "/compute/vm",
        "http://cloud.example.org:8787/network/lan",
    ));
    c.push_resource(vm).unwrap();
    c.push_resource(resource("urn:uuid:disk", "storage", "/storage/disk"))
        .unwrap();
    c.push_resource(resource("urn:uuid:lan", "network", "/network/lan"))
        .unwrap();
    c
}

#[test]
fn lookup_by_id_location_and_absolute_url() {
    let c = topology();
    assert_eq!(
        c.resource("urn:uuid:disk").unwrap().entity.id,
        "urn:uuid:disk"
    );
    assert_eq!(
        c.resource("/network/lan").unwrap().entity.id,
        "urn:uuid:lan"
    );
    assert_eq!(
        c.resource("https://other.example/network/lan")
            .unwrap()
            .entity
            .id,
        "urn:uuid:lan"
    );
    assert!(c.resource("/network/wan").is_none());
}

#[test]
fn resources_without_a_location_are_found_where_they_live_by_convention() {
    let mut c = Collection::new();
    c.push_resource(Resource::new(Entity::new(
        "urn:ovf:network:lan",
        infra("network"),
    )))
    .unwrap();
    c.push_resource(Resource::new(Entity::new("vm1", infra("compute"))))
        .unwrap();
    // A location given to another resource wins over a conventional one, without a clash.
    c.push_resource(resource("urn:uuid:other", "network", "/network/lan2"))
        .unwrap();
    assert_eq!(
        c.resource("/network/lan").unwrap().entity.id,
        "urn:ovf:network:lan"
    );
    assert_eq!(
        c.resource("http://cloud.example.org/network/lan")
            .unwrap()
            .entity
            .id,
        "urn:ovf:network:lan"
    );
    assert_eq!(c.resource("/compute/vm1").unwrap().entity.id, "vm1");
    assert!(c.resource("/network/urn:ovf:network:lan").is_none());
}

#[test]
fn neighbours_by_link_kind() {
    let c = topology();
    let storage: Vec<&str> = c
        .neighbours("urn:uuid:vm", Some(&infra("storagelink")))
        .iter()
        .map(|n| n.resource.unwrap().entity.id.as_str())
        .collect();
    assert_eq!(storage, ["urn:uuid:disk"]);
    assert_eq!(c.neighbours("/compute/vm", None).len(), 2);
    let into_lan = c.incoming("urn:uuid:lan", Some(&infra("networkinterface")));
    assert_eq!(into_lan[0].resource.unwrap().entity.id, "urn:uuid:vm");
    assert!(c.neighbours("urn:uuid:disk", None).is_empty());
}

#[test]
fn order_is_stable_and_duplicates_refused() {
    let mut c = topology();
    let ids: Vec<&str> = c.resources().iter().map(|r| r.entity.id.as_str()).collect();
    assert_eq!(ids, ["urn:uuid:vm", "urn:uuid:disk", "urn:uuid:lan"]);
    let err = c
        .push_resource(resource("urn:uuid:other", "storage", "/storage/disk"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a resource with id or location `/storage/disk` is already in the collection"
    );
    let links: Vec<&str> = c.links().map(|l| l.entity.id.as_str()).collect();
    assert_eq!(links, ["urn:uuid:l1", "urn:uuid:l2"]);
}
