//! The marking rules of the `tern` strategy's plans, from the catalogue: a changed state
//! becomes actions along the kind's state machine, a changed mutable attribute a partial
//! update, a changed immutable attribute a replace (with the attribute that forced it);
//! and matching treats state and mutable attributes as weak evidence, so a changed replica
//! keeps its structural position instead of being deleted and created again.

use tern_engine::{
    Forced, OperationKind, Plan, Reason, Strategy, apply, compare, diff_text, plan, plan_text,
};
use tern_model::{Catalogue, CategoryId, Collection, Entity, Link, OcciVersion, Resource};

use crate::support::shape;

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn kind(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

/// The issue's shape: a load balancer, a database with its volume, identical web replicas,
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

/// Beyond the exact method's budget, replicas go through buckets: still no delete.
#[test]
fn changed_replicas_keep_their_position_in_large_tiers() {
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

fn reasons(p: &Plan) -> Vec<(OperationKind, Reason)> {
    p.operations().map(|o| (o.op, o.reason.clone())).collect()
}

fn state(attribute: &str, from: &str, to: &str, step: usize, steps: usize) -> Reason {
    Reason::State {
        attribute: attribute.into(),
        from: from.into(),
        to: to.into(),
        step,
        steps,
    }
}

/// Ids kept: the rules, not the matching, are under test here.
fn one_change(id: &str, f: impl FnOnce(&mut Resource)) -> (Collection, Collection) {
    let runtime = n_tier("", 2, 2);
    let mut target = runtime.clone();
    edit(&mut target, id, f);
    (collection(runtime), collection(target))
}

#[test]
fn a_compute_state_change_walks_the_state_machine_step_by_step() {
    // suspended -> inactive: no direct edge; start (-> active), then stop.
    let mut runtime = n_tier("", 2, 2);
    edit(&mut runtime, "worker-0", |r| {
        r.entity
            .attributes
            .insert("occi.compute.state", "suspended");
    });
    let mut target = runtime.clone();
    edit(&mut target, "worker-0", |r| {
        r.entity.attributes.insert("occi.compute.state", "inactive");
    });
    let p = tern_plan(&collection(runtime), &collection(target));
    assert_eq!(
        ops(&p),
        vec![
            (OperationKind::Action, "start".to_owned()),
            (OperationKind::Action, "stop".to_owned())
        ]
    );
    assert_eq!(p.stages.len(), 2, "one stage per step");
    let s = "occi.compute.state";
    assert_eq!(
        reasons(&p),
        vec![
            (
                OperationKind::Action,
                state(s, "suspended", "inactive", 1, 2)
            ),
            (
                OperationKind::Action,
                state(s, "suspended", "inactive", 2, 2)
            ),
        ]
    );
    assert!(
        plan_text(&p)
            .contains("?action=start (occi.compute.state: suspended -> inactive (step 1 of 2))")
    );
}

#[test]
fn network_and_storage_states_follow_their_own_machines() {
    let (runtime, mut target) = one_change("net-back", |r| {
        r.entity.attributes.insert("occi.network.state", "inactive");
    });
    for r in target.resources_mut() {
        if r.entity.id == "db-0-data" {
            r.entity.attributes.insert("occi.storage.state", "offline");
        }
    }
    let p = tern_plan(&runtime, &target);
    assert_eq!(
        reasons(&p),
        vec![
            (
                OperationKind::Action,
                state("occi.network.state", "active", "inactive", 1, 1)
            ),
            (
                OperationKind::Action,
                state("occi.storage.state", "online", "offline", 1, 1)
            ),
        ]
    );
    assert_eq!(
        ops(&p),
        vec![
            (OperationKind::Action, "down".to_owned()),
            (OperationKind::Action, "offline".to_owned())
        ]
    );
}

#[test]
fn a_link_state_no_action_reaches_replaces_the_link_only() {
    // Link states change by the provider only: the interface is created again.
    let (runtime, target) = one_change("web-1", |r| {
        r.links[0]
            .entity
            .attributes
            .insert("occi.networkinterface.state", "inactive");
    });
    // The runtime had no state on the link: give it one.
    let mut runtime = runtime;
    for r in runtime.resources_mut() {
        if r.entity.id == "web-1" {
            r.links[0]
                .entity
                .attributes
                .insert("occi.networkinterface.state", "active");
        }
    }
    let p = tern_plan(&runtime, &target);
    let forced = Reason::Replace(Forced::State {
        attribute: "occi.networkinterface.state".into(),
        from: "active".into(),
        to: "inactive".into(),
    });
    assert_eq!(
        reasons(&p),
        vec![
            (OperationKind::Delete, forced.clone()),
            (OperationKind::Create, forced)
        ]
    );
    assert!(
        p.operations()
            .all(|o| o.location.starts_with("/networkinterface/"))
    );
}

#[test]
fn a_mutable_change_is_a_partial_update_of_just_that_attribute() {
    let (runtime, target) = one_change("web-0", |r| {
        r.entity.attributes.insert("occi.compute.memory", 8192i64);
        r.entity.title = Some("web zero".into());
    });
    let p = tern_plan(&runtime, &target);
    let op = p.operations().next().unwrap();
    assert_eq!((p.len(), op.op), (1, OperationKind::Update));
    let json = serde_json::to_value(op).unwrap();
    assert_eq!(
        json["entity"]["attributes"],
        serde_json::json!({"occi.core.title": "web zero", "occi.compute.memory": 8192})
    );
    assert_eq!(
        json["reason"],
        serde_json::json!({"cause": "update", "attributes": {
            "occi.core.title": [null, "web zero"],
            "occi.compute.memory": [4096, 8192]
        }})
    );
}

#[test]
fn an_immutable_change_replaces_the_entity_and_its_links_with_the_attribute_named() {
    // A network interface's name is immutable (GFD.224, table of networkinterface).
    let (runtime, target) = one_change("lb-0", |r| {
        r.links[1]
            .entity
            .attributes
            .insert("occi.networkinterface.interface", "eth7");
    });
    let p = tern_plan(&runtime, &target);
    let json = serde_json::to_value(&p).unwrap();
    let ops = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["operations"].as_array().unwrap().clone())
        .collect::<Vec<_>>();
    assert_eq!(ops.len(), 2);
    for op in &ops {
        assert_eq!(
            op["reason"],
            serde_json::json!({"cause": "replace", "forced_by": "immutable",
                "attributes": {"occi.networkinterface.interface": ["eth1", "eth7"]}})
        );
    }
    let text = plan_text(&p);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("-/+"))
        .unwrap();
    assert!(
        line.ends_with(
            ": replace, occi.networkinterface.interface: eth1 -> eth7 forces replacement"
        ),
        "{text}"
    );
    assert_eq!(text.matches("-/+").count(), 1, "{text}");
    let comparison = compare(&runtime, &target, &Strategy::Tern);
    let diff = diff_text(&comparison);
    assert!(diff.contains("-/+ networkinterface lb-0-nic1\n"), "{diff}");
    assert!(
        diff.contains("    occi.networkinterface.interface: eth1 -> eth7 (forces replacement)"),
        "{diff}"
    );
}

#[test]
fn replacing_a_compute_recreates_its_links_which_say_why() {
    // A mixin of this catalogue declares an immutable attribute: changing it replaces the VM.
    let mut catalogue = catalogue();
    catalogue
        .extend_from_json(
            r#"{"mixins": [{"id": "http://example.org/occi#placement",
                "attributes": [{"name": "example.zone", "type": "string",
                                "multiplicity": "0..1", "mutable": false},
                               {"name": "example.note", "type": "string",
                                "multiplicity": "0..1", "mutable": true}]}]}"#,
        )
        .unwrap();
    let placement: CategoryId = "http://example.org/occi#placement".parse().unwrap();
    let mut runtime = n_tier("", 1, 1);
    edit(&mut runtime, "worker-0", |r| {
        r.entity.mixins.push(placement.clone());
        r.entity.attributes.insert("example.zone", "a");
        r.entity.attributes.insert("example.note", "x");
    });
    let mut noted = runtime.clone();
    edit(&mut noted, "worker-0", |r| {
        r.entity.attributes.insert("example.note", "y");
    });
    let mut moved = runtime.clone();
    edit(&mut moved, "worker-0", |r| {
        r.entity.attributes.insert("example.zone", "b");
    });
    let runtime = collection(runtime);
    let p = plan(
        &compare(&runtime, &collection(noted), &Strategy::Tern),
        &catalogue,
    );
    assert_eq!(
        p.operations().map(|o| o.op).collect::<Vec<_>>(),
        vec![OperationKind::Update]
    );
    let p = plan(
        &compare(&runtime, &collection(moved), &Strategy::Tern),
        &catalogue,
    );
    let summary: Vec<(OperationKind, &str, String)> = p
        .operations()
        .map(|o| (o.op, o.location.split('/').nth(1).unwrap(), o.reason.text()))
        .collect();
    let zone = "example.zone: a -> b forces replacement".to_owned();
    let end = "its end /compute/worker-0 is replaced".to_owned();
    assert_eq!(
        summary,
        vec![
            (OperationKind::Delete, "networkinterface", end.clone()),
            (OperationKind::Delete, "storagelink", end.clone()),
            (OperationKind::Delete, "compute", zone.clone()),
            (OperationKind::Create, "compute", zone),
            (OperationKind::Create, "networkinterface", end.clone()),
            (OperationKind::Create, "storagelink", end),
        ]
    );
}

#[test]
fn a_link_whose_target_changed_is_replaced_alone() {
    // worker-1's volume is swapped for db-0's: the storage link is re-pointed, the VM stays.
    let runtime = n_tier("", 1, 2);
    let mut target = n_tier("t-", 1, 2);
    let db_volume = "/storage/t-db-0-data".to_owned();
    edit(&mut target, "t-worker-1", |r| {
        r.links[1].target.location = db_volume.clone();
    });
    target.retain(|r| r.entity.id != "t-worker-1-data");
    let runtime = collection(runtime);
    let p = tern_plan(&runtime, &collection(target));
    assert!(
        p.operations().all(|o| !o.location.starts_with("/compute/")),
        "{}",
        plan_text(&p)
    );
    let retarget = Reason::Replace(Forced::Target {
        from: "/storage/worker-1-data".into(),
        to: "/storage/db-0-data".into(),
    });
    assert_eq!(
        reasons(&p),
        vec![
            (OperationKind::Delete, retarget.clone()),
            (OperationKind::Delete, Reason::Missing),
            (OperationKind::Create, retarget),
        ]
    );
}
