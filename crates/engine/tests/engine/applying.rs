//! `apply` refuses a plan a server would refuse, and says which call and why.

use tern_engine::{ApplyError, Body, Operation, OperationKind, Plan, Reason, Stage, apply};
use tern_model::{Catalogue, CategoryId, Collection, Entity, Link, OcciVersion, Resource};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

// One stopped VM at /compute/vm1.
fn runtime() -> Collection {
    let mut vm = Entity::new("vm1", CategoryId::new(INFRA, "compute"));
    vm.attributes.insert("occi.compute.state", "inactive");
    let mut c = Collection::new();
    c.push_resource(Resource::new(vm)).unwrap();
    c
}

// A plan whose one call is in stage 2 (the first is empty), so the stage number shows.
fn plan(op: Operation) -> Plan {
    Plan {
        stages: vec![
            Stage {
                operations: Vec::new(),
            },
            Stage {
                operations: vec![op],
            },
        ],
    }
}

fn refusal(p: &Plan) -> ApplyError {
    apply(&runtime(), p, &catalogue()).expect_err("the plan is refused")
}

fn call(op: OperationKind, location: &str, body: Option<Body>) -> Operation {
    Operation {
        op,
        location: location.to_owned(),
        action: None,
        body,
        reason: Reason::New,
    }
}

#[test]
fn deleting_what_is_not_there_is_not_found() {
    let p = plan(call(OperationKind::Delete, "/compute/vm2", None));
    assert_eq!(
        refusal(&p),
        ApplyError::NotFound {
            stage: 2,
            location: "/compute/vm2".into()
        }
    );
}

#[test]
fn creating_over_an_entity_is_refused() {
    let vm = Resource::new(Entity::new("vm1", CategoryId::new(INFRA, "compute")));
    let p = plan(call(
        OperationKind::Create,
        "/compute/vm1",
        Some(Body::Resource(vm)),
    ));
    assert_eq!(
        refusal(&p),
        ApplyError::Exists {
            stage: 2,
            location: "/compute/vm1".into()
        }
    );
}

#[test]
fn a_link_to_a_missing_end_is_not_found() {
    let link = Link::new(
        Entity::new("nic1", CategoryId::new(INFRA, "networkinterface")),
        "/compute/vm1",
        "/network/nw1",
    );
    let p = plan(call(
        OperationKind::Create,
        "/networkinterface/nic1",
        Some(Body::Link(link)),
    ));
    assert_eq!(
        refusal(&p),
        ApplyError::NotFound {
            stage: 2,
            location: "/network/nw1".into()
        }
    );
}

#[test]
fn an_action_the_state_machine_does_not_allow_is_refused() {
    let stop: CategoryId = CategoryId::new(format!("{INFRA}compute/action#").as_str(), "stop");
    let mut op = call(OperationKind::Action, "/compute/vm1", None);
    op.action = Some(stop.clone());
    assert_eq!(
        refusal(&plan(op)),
        ApplyError::Action {
            stage: 2,
            location: "/compute/vm1".into(),
            action: stop.to_string(),
            state: "inactive".into()
        }
    );
}

#[test]
fn a_call_without_the_body_it_needs_is_refused() {
    for op in [OperationKind::Update, OperationKind::Create] {
        let p = plan(call(op, "/compute/vm1", None));
        assert_eq!(
            refusal(&p),
            ApplyError::Body {
                stage: 2,
                location: "/compute/vm1".into()
            },
            "{op:?}"
        );
    }
    let err = refusal(&plan(call(OperationKind::Update, "/compute/vm1", None)));
    assert_eq!(
        err.to_string(),
        "stage 2: operation on `/compute/vm1` has no usable body"
    );
}
