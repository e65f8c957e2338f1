//! Plan bodies are `application/occi+json` as tern-occi writes it: one owner for the OCCI
//! JSON rendering. Partial updates keep their shape (kind, mixins when they change, the
//! attributes to set).

use serde_json::{Value as Json, json};
use tern_engine::{Body, OperationKind, Strategy, compare, plan};
use tern_model::{Catalogue, CategoryId, Collection, Entity, OcciVersion, Resource};
use tern_occi::{Document, MediaType};

use crate::support::{topology, variant};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

// The serialised operations of a plan, in order.
fn operations(runtime: &Collection, target: &Collection) -> Vec<Json> {
    let p = plan(&compare(runtime, target, &Strategy::Tern), &catalogue());
    let json = serde_json::to_value(&p).unwrap();
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["operations"].as_array().unwrap().clone())
        .collect()
}

// What tern-occi writes for `document`, as compact text (member order kept).
fn occi_json(document: &Document) -> String {
    let rendered = tern_occi::write(document, MediaType::OcciJson);
    let value: Json = serde_json::from_str(&rendered.text).unwrap();
    serde_json::to_string(&value).unwrap()
}

#[test]
fn create_bodies_are_tern_occis_renderings() {
    let runtime = topology("A");
    let mut target = variant(&topology("E"), true, true);
    // Actions an entity exposes are part of its rendering.
    let stop = CategoryId::new(format!("{INFRA}compute/action#").as_str(), "stop");
    for r in target.resources_mut() {
        if r.entity.kind.term() == "compute" {
            r.entity.actions.push(stop.clone());
        }
    }
    let p = plan(&compare(&runtime, &target, &Strategy::Tern), &catalogue());
    let mut seen = (0, 0);
    for op in p.operations() {
        let expected = match &op.body {
            Some(Body::Resource(r)) => {
                seen.0 += 1;
                occi_json(&Document::Resource(r.clone()))
            }
            Some(Body::Link(l)) => {
                seen.1 += 1;
                occi_json(&Document::Link(l.clone()))
            }
            other => panic!("A to E only creates, found {other:?}"),
        };
        let written = serde_json::to_value(op).unwrap();
        assert_eq!(
            serde_json::to_string(&written["entity"]).unwrap(),
            expected,
            "{}",
            op.location
        );
    }
    assert_eq!(seen, (3, 3));
    let json = serde_json::to_value(&p).unwrap();
    let vm = &json["stages"][0]["operations"][0]["entity"];
    assert_eq!(vm["actions"], json!([stop.to_string()]), "{vm}");
}

#[test]
fn a_partial_update_sets_the_title_and_an_emptied_mixin_set() {
    let compute = CategoryId::new(INFRA, "compute");
    let small = CategoryId::new("http://example.org/occi/templates#", "small");
    let mut vm = Entity::new("vm1", compute.clone());
    vm.title = Some("web".into());
    vm.mixins.push(small);
    vm.attributes.insert("occi.compute.memory", 4096i64);
    let mut runtime = Collection::new();
    runtime.push_resource(Resource::new(vm.clone())).unwrap();

    vm.title = Some("front".into());
    vm.mixins.clear();
    vm.attributes.insert("occi.compute.memory", 8192i64);
    let mut target = Collection::new();
    target.push_resource(Resource::new(vm)).unwrap();

    let ops = operations(&runtime, &target);
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(ops[0]["op"], OperationKind::Update.name());
    assert_eq!(ops[0]["location"], "/compute/vm1");
    // Member order matters to people reading the plan: kind, mixins, attributes.
    assert_eq!(
        serde_json::to_string(&ops[0]["entity"]).unwrap(),
        serde_json::to_string(&json!({
            "kind": compute.to_string(),
            "mixins": [],
            "attributes": {"occi.core.title": "front", "occi.compute.memory": 8192}
        }))
        .unwrap()
    );
}

#[test]
fn a_partial_update_of_mixins_alone_has_empty_attributes() {
    let compute = CategoryId::new(INFRA, "compute");
    let large = CategoryId::new("http://example.org/occi/templates#", "large");
    let vm = Entity::new("vm1", compute.clone());
    let mut runtime = Collection::new();
    runtime.push_resource(Resource::new(vm.clone())).unwrap();
    let mut grown = vm;
    grown.mixins.push(large.clone());
    let mut target = Collection::new();
    target.push_resource(Resource::new(grown)).unwrap();

    let ops = operations(&runtime, &target);
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(
        serde_json::to_string(&ops[0]["entity"]).unwrap(),
        serde_json::to_string(&json!({
            "kind": compute.to_string(),
            "mixins": [large.to_string()],
            "attributes": {}
        }))
        .unwrap()
    );
}
