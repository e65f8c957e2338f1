//! Hubs: a compute with 20 000 volumes attached and a network with 20 000 interfaces on it.
//! Link matching and tern's neighbour grouping used to scan a hub's links for every link
//! (4·10⁸ steps here, minutes in a debug build); they are indexed now. The assertions are
//! about the result: every link is paired with its counterpart.

use tern_engine::{Mark, Strategy, compare};
use tern_model::{CategoryId, Collection, Entity, Link, Resource};

const N: usize = 20_000;

fn infra(term: &str) -> CategoryId {
    CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", term)
}

// One compute `vm` with N storage links to N volumes, and N small computes on one network;
// `prefix` renames every id (the tern strategy pairs them anyway).
fn hubs(prefix: &str) -> Collection {
    let mut c = Collection::new();
    let mut vm = Resource::new(Entity::new(format!("{prefix}vm"), infra("compute")));
    let mut volumes = Vec::new();
    for i in 0..N {
        let mut volume = Entity::new(format!("{prefix}vol{i}"), infra("storage"));
        volume.title = Some(format!("volume {i}"));
        let mut link = Entity::new(format!("{prefix}sl{i}"), infra("storagelink"));
        link.attributes
            .insert("occi.storagelink.deviceid", format!("/dev/vd{i}"));
        vm.links.push(Link::new(
            link,
            vm.entity.location_or_default(),
            volume.location_or_default(),
        ));
        volumes.push(Resource::new(volume));
    }
    c.push_resource(vm).unwrap();
    for v in volumes {
        c.push_resource(v).unwrap();
    }
    let network = Entity::new(format!("{prefix}net"), infra("network"));
    let at = network.location_or_default();
    c.push_resource(Resource::new(network)).unwrap();
    for i in 0..N {
        let mut small = Entity::new(format!("{prefix}small{i}"), infra("compute"));
        small.title = Some(format!("small {i}"));
        let mut r = Resource::new(small);
        let nic = Entity::new(format!("{prefix}nic{i}"), infra("networkinterface"));
        r.links
            .push(Link::new(nic, r.entity.location_or_default(), at.clone()));
        c.push_resource(r).unwrap();
    }
    c
}

#[test]
fn hubs_with_twenty_thousand_links_are_matched_link_for_link() {
    let runtime = hubs("");
    for (target, strategy) in [(hubs(""), Strategy::Identity), (hubs("t-"), Strategy::Tern)] {
        let comparison = compare(&runtime, &target, &strategy);
        assert_eq!(comparison.matching.links.len(), 2 * N, "{strategy}");
        let kept = comparison
            .links
            .iter()
            .filter(|m| matches!(m, Mark::Old { runtime, target } if runtime == target))
            .count();
        assert_eq!(
            kept,
            2 * N,
            "{strategy}: every link with its own counterpart"
        );
    }
}
