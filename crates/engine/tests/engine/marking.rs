//! The marking rules of the `tern` strategy's plans, from the catalogue: a changed state
//! becomes actions along the kind's state machine, a changed mutable attribute a partial
//! update, a changed immutable attribute a replace (with the attribute that forced it);
//! and matching treats state and mutable attributes as weak evidence, so a changed replica
//! keeps its structural position instead of being deleted and created again.

use tern_engine::{OperationKind, Plan, Strategy, apply, compare, plan};
use tern_model::{Catalogue, CategoryId, Collection, Entity, Link, OcciVersion, Resource};

use crate::support::shape;

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn kind(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

/// The shape: a load balancer, a database with its volume, identical web replicas,
/// identical workers each with its own data volume, a front and a back network. Every id
/// carries `prefix`, so two calls give the same topology with every id renamed.
fn n_tier(prefix: &str, webs: usize, workers: usize) -> Vec<Resource> {
    let net = |name: &str| {
        let mut e = Entity::new(format!("{prefix}net-{name}"), kind("network"));
        e.attributes.insert("occi.network.state", "active");
        Resource::new(e)
    };
    let mut out = vec![net("front"), net("back")];
    let front = out[0].entity.location_or_default();
    let back = out[1].entity.location_or_default();
    let vm = |role: &str, i: usize, nets: &[&String], volume: Option<i64>| {
        let id = format!("{prefix}{role}-{i}");
        let mut e = Entity::new(id.clone(), kind("compute"));
        e.attributes.insert("occi.compute.hostname", role);
        e.attributes.insert("occi.compute.state", "active");
        e.attributes.insert("occi.compute.cores", 2i64);
        e.attributes.insert("occi.compute.memory", 4096i64);
        let source = e.location_or_default();
        let mut r = Resource::new(e);
        for (j, n) in nets.iter().enumerate() {
            let mut nic = Entity::new(format!("{id}-nic{j}"), kind("networkinterface"));
            nic.attributes
                .insert("occi.networkinterface.interface", format!("eth{j}"));
            r.links.push(Link::new(nic, source.clone(), (*n).clone()));
        }
        let mut extra = Vec::new();
        if let Some(size) = volume {
            let mut v = Entity::new(format!("{id}-data"), kind("storage"));
            v.attributes.insert("occi.storage.size", size);
            v.attributes.insert("occi.storage.state", "online");
            let sl = Entity::new(format!("{id}-sl"), kind("storagelink"));
            r.links
                .push(Link::new(sl, source.clone(), v.location_or_default()));
            extra.push(Resource::new(v));
        }
        let mut all = vec![r];
        all.extend(extra);
        all
    };
    out.extend(vm("lb", 0, &[&front, &back], None));
    out.extend(vm("db", 0, &[&back], Some(500)));
    for i in 0..webs {
        out.extend(vm("web", i, &[&front, &back], None));
    }
    for i in 0..workers {
        out.extend(vm("worker", i, &[&back], Some(100)));
    }
    out
}

fn collection(resources: Vec<Resource>) -> Collection {
    let mut c = Collection::new();
    for r in resources {
        c.push_resource(r).unwrap();
    }
    c
}

fn edit(resources: &mut [Resource], id: &str, f: impl FnOnce(&mut Resource)) {
    f(resources.iter_mut().find(|r| r.entity.id == id).unwrap());
}

fn tern_plan(runtime: &Collection, target: &Collection) -> Plan {
    let p = plan(&compare(runtime, target, &Strategy::Tern), &catalogue());
    let applied = apply(runtime, &p, &catalogue()).unwrap();
    assert_eq!(shape(&applied), shape(target));
    p
}

fn ops(p: &Plan) -> Vec<(OperationKind, String)> {
    p.operations()
        .map(|o| {
            let what = o
                .action
                .as_ref()
                .map_or_else(|| o.location.clone(), |a| a.term().to_owned());
            (o.op, what)
        })
        .collect()
}

#[test]
fn a_stopped_worker_is_stopped_not_replaced() {
    let runtime = collection(n_tier("", 3, 4));
    let mut target = n_tier("t-", 3, 4);
    edit(&mut target, "t-worker-2", |r| {
        r.entity.attributes.insert("occi.compute.state", "inactive");
    });
    let p = tern_plan(&runtime, &collection(target));
    assert_eq!(ops(&p), vec![(OperationKind::Action, "stop".to_owned())]);
}

#[test]
fn a_resized_replica_is_updated_in_place() {
    let runtime = collection(n_tier("", 3, 4));
    let mut target = n_tier("t-", 3, 4);
    edit(&mut target, "t-web-1", |r| {
        r.entity.attributes.insert("occi.compute.memory", 8192i64);
    });
    let p = tern_plan(&runtime, &collection(target));
    assert_eq!(p.len(), 1, "{:?}", ops(&p));
    assert_eq!(p.operations().next().unwrap().op, OperationKind::Update);
}

#[test]
fn a_stopped_and_resized_worker_with_its_volume_resized_costs_three_calls() {
    let runtime = collection(n_tier("", 3, 4));
    let mut target = n_tier("t-", 3, 4);
    edit(&mut target, "t-worker-1", |r| {
        r.entity.attributes.insert("occi.compute.state", "inactive");
        r.entity.attributes.insert("occi.compute.memory", 8192i64);
    });
    edit(&mut target, "t-worker-1-data", |r| {
        r.entity.attributes.insert("occi.storage.size", 200i64);
    });
    let p = tern_plan(&runtime, &collection(target));
    let kinds: Vec<OperationKind> = p.operations().map(|o| o.op).collect();
    assert_eq!(
        kinds,
        vec![
            OperationKind::Update,
            OperationKind::Update,
            OperationKind::Action
        ]
    );
}

#[test]
fn tmp_large() {
    for (webs, workers) in [(50, 60), (200, 300), (1000, 1500)] {
        let runtime = collection(n_tier("", webs, workers));
        let mut target = n_tier("t-", webs, workers);
        edit(&mut target, "t-worker-2", |r| {
            r.entity.attributes.insert("occi.compute.state", "inactive");
        });
        edit(&mut target, "t-web-7", |r| {
            r.entity.attributes.insert("occi.compute.memory", 8192i64);
        });
        edit(&mut target, "t-worker-9-data", |r| {
            r.entity.attributes.insert("occi.storage.size", 200i64);
        });
        let p = tern_plan(&runtime, &collection(target));
        assert_eq!(p.len(), 3, "{webs} {workers} {:?}", ops(&p));
    }
}
