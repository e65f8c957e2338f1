//! The catalogue on large inputs: a mixin declaring 100 000 attributes (an OVF with that many
//! ProductSection properties becomes one), long `depends` and parent chains, catalogue
//! documents listing children before parents. Each shape is sized so that a quadratic
//! lookup would run for minutes; the assertions are about what is found.

use tern_model::{
    AttributeDef, AttributeType, Catalogue, CategoryId, Entity, Kind, Mixin, OcciVersion, Resource,
    ValidationError, ValidationMode,
};

use crate::infra;

fn mixin(id: &CategoryId, depends: Vec<CategoryId>, attributes: Vec<AttributeDef>) -> Mixin {
    Mixin {
        id: id.clone(),
        title: None,
        depends,
        applies: Vec::new(),
        attributes,
        actions: Vec::new(),
        location: None,
    }
}

fn provider(term: &str) -> CategoryId {
    CategoryId::new("http://provider.example/occi#", term)
}

#[test]
fn a_mixin_with_a_hundred_thousand_attributes_validates_linearly() {
    const N: usize = 100_000;
    let mut catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let defs = (0..N)
        .map(|i| AttributeDef::new(format!("x.p{i}"), AttributeType::Integer))
        .collect();
    let big = provider("big");
    catalogue.add_mixin(mixin(&big, Vec::new(), defs)).unwrap();
    let mut vm = Entity::new("vm", infra("compute"));
    vm.mixins.push(big);
    for i in 0..N {
        vm.attributes
            .insert(format!("x.p{i}"), i64::try_from(i).unwrap());
    }
    // One value of the wrong type and one unknown name, found among the 100 000.
    vm.attributes.insert("x.p77777", "seven");
    vm.attributes.insert("x.unknown", 1i64);

    let all = catalogue.attribute_defs(&vm);
    assert_eq!(
        all.len(),
        N + catalogue
            .attribute_defs(&Entity::new("o", infra("compute")))
            .len()
    );
    for i in (0..N).step_by(1) {
        let name = format!("x.p{i}");
        assert_eq!(
            catalogue.attribute_def(&vm, &name).map(|d| &d.name),
            Some(&name)
        );
    }
    let errors = catalogue
        .validate_resource(&Resource::new(vm), ValidationMode::Request)
        .unwrap_err()
        .0;
    assert!(
        matches!(&errors[..], [
            ValidationError::BadValue { attribute: a, .. },
            ValidationError::UnknownAttribute { attribute: b, .. },
        ] if a == "x.p77777" && b == "x.unknown"),
        "{errors:?}"
    );
}

#[test]
fn a_mixin_overrides_the_kind_and_a_later_mixin_an_earlier_one() {
    let mut catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let mut cores = AttributeDef::new("occi.compute.cores", AttributeType::Integer);
    cores.range = Some((1, 4));
    let (small, base) = (provider("small"), provider("base"));
    let mut base_cores = cores.clone();
    base_cores.range = Some((1, 64));
    catalogue
        .add_mixin(mixin(&base, Vec::new(), vec![base_cores]))
        .unwrap();
    catalogue
        .add_mixin(mixin(&small, vec![base.clone()], vec![cores]))
        .unwrap();
    let mut vm = Entity::new("vm", infra("compute"));
    let kind_only = catalogue
        .attribute_def(&vm, "occi.compute.cores")
        .unwrap()
        .range;
    assert_eq!(kind_only, None);
    vm.mixins.push(small.clone());
    // `small` depends on `base`: the mixin itself refines what it builds on.
    let def = catalogue.attribute_def(&vm, "occi.compute.cores").unwrap();
    assert_eq!(def.range, Some((1, 4)));
    vm.mixins.push(base);
    let def = catalogue.attribute_def(&vm, "occi.compute.cores").unwrap();
    assert_eq!(def.range, Some((1, 64)), "the later mixin wins");
    // The list agrees with the single lookup, and keeps the Kind's position.
    let list = catalogue.attribute_defs(&vm);
    let at = list
        .iter()
        .position(|d| d.name == "occi.compute.cores")
        .unwrap();
    assert_eq!(list[at].range, Some((1, 64)));
    let plain = catalogue.attribute_defs(&Entity::new("o", infra("compute")));
    assert_eq!(
        plain.iter().position(|d| d.name == "occi.compute.cores"),
        Some(at)
    );
    for d in &list {
        assert_eq!(
            catalogue.attribute_def(&vm, &d.name),
            Some(*d),
            "{}",
            d.name
        );
    }
}

#[test]
fn overrides_hold_across_the_switch_from_a_short_list_to_a_map() {
    // The index of an entity's definitions is a short list up to a few dozen and a map
    // beyond: the kind's definitions, a mixin that crosses the threshold while overriding
    // one of them, and a later mixin overriding both.
    let mut catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let mut cores = AttributeDef::new("occi.compute.cores", AttributeType::Integer);
    cores.range = Some((1, 8));
    let mut wide: Vec<AttributeDef> = (0..40)
        .map(|i| AttributeDef::new(format!("x.a{i}"), AttributeType::Integer))
        .collect();
    wide.insert(20, cores.clone());
    let mut later_cores = cores;
    later_cores.range = Some((1, 2));
    let later_a3 = AttributeDef::new("x.a3", AttributeType::String);
    let (first, second) = (provider("wide"), provider("later"));
    catalogue
        .add_mixin(mixin(&first, Vec::new(), wide))
        .unwrap();
    catalogue
        .add_mixin(mixin(&second, Vec::new(), vec![later_a3, later_cores]))
        .unwrap();
    let plain = Entity::new("o", infra("compute"));
    let kind_defs: Vec<String> = catalogue
        .attribute_defs(&plain)
        .iter()
        .map(|d| d.name.clone())
        .collect();
    for mixins in [vec![first.clone()], vec![first.clone(), second.clone()]] {
        let mut vm = Entity::new("vm", infra("compute"));
        vm.mixins = mixins;
        let index = catalogue.attribute_index(&vm);
        let names: Vec<&str> = index.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(index.len(), kind_defs.len() + 40);
        assert_eq!(
            names[..kind_defs.len()],
            kind_defs[..],
            "the kind's come first"
        );
        assert_eq!(names[kind_defs.len()], "x.a0");
        for d in index.iter() {
            assert_eq!(index.get(&d.name), Some(d));
            assert_eq!(catalogue.attribute_def(&vm, &d.name), Some(d), "{}", d.name);
        }
        let range = index.get("occi.compute.cores").and_then(|d| d.range);
        let a3 = index.get("x.a3").map(|d| d.kind.clone());
        if vm.mixins.len() == 1 {
            assert_eq!((range, a3), (Some((1, 8)), Some(AttributeType::Integer)));
        } else {
            assert_eq!((range, a3), (Some((1, 2)), Some(AttributeType::String)));
        }
    }
}

#[test]
fn a_depends_chain_of_fifty_thousand_mixins_closes_linearly() {
    const N: usize = 50_000;
    let mut catalogue = Catalogue::empty(None);
    catalogue
        .add_mixin(mixin(&provider("m0"), Vec::new(), Vec::new()))
        .unwrap();
    for i in 1..N {
        let depends = vec![provider(&format!("m{}", i - 1))];
        catalogue
            .add_mixin(mixin(&provider(&format!("m{i}")), depends, Vec::new()))
            .unwrap();
    }
    let closure = catalogue.mixin_closure(&provider(&format!("m{}", N - 1)));
    assert_eq!(closure.len(), N);
    assert_eq!(closure[N - 1].id, provider("m0"));
}

#[test]
fn a_catalogue_listing_children_before_parents_loads_linearly() {
    const N: usize = 20_000;
    // kind k0's parent is k1, …, the last one's is core#resource: every kind is listed
    // before its parent.
    let kinds: Vec<String> = (0..N)
        .map(|i| {
            let parent = if i + 1 == N {
                "http://schemas.ogf.org/occi/core#resource".to_owned()
            } else {
                format!("http://provider.example/occi#k{}", i + 1)
            };
            format!(
                r#"{{"id":"http://provider.example/occi#k{i}","parent":"{parent}","actions":["http://provider.example/occi/action#a{}"]}}"#,
                i % 1000
            )
        })
        .collect();
    let actions: Vec<String> = (0..N)
        .map(|i| format!(r#"{{"id":"http://provider.example/occi/action#a{i}"}}"#))
        .collect();
    let text = format!(
        r#"{{"kinds":[{}],"actions":[{}]}}"#,
        kinds.join(","),
        actions.join(",")
    );
    let mut catalogue = Catalogue::core(OcciVersion::V1_2);
    catalogue.extend_from_json(&text).unwrap();
    let leaf = provider("k0");
    assert_eq!(catalogue.ancestors(&leaf).len(), N + 2);
    assert!(catalogue.is_a(
        &leaf,
        &"http://schemas.ogf.org/occi/core#entity".parse().unwrap()
    ));
    let kind: &Kind = catalogue.kind(&leaf).unwrap();
    assert_eq!(kind.actions.len(), 1);
}

#[test]
fn a_catalogue_kind_declaring_a_hundred_thousand_attributes_loads_linearly() {
    const N: usize = 100_000;
    let rows: Vec<String> = (0..N)
        .map(|i| {
            format!(r#"{{"name":"x.a{i}","type":"string","multiplicity":"0..1","mutable":true}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"kinds":[{{"id":"http://provider.example/occi#wide","parent":"http://schemas.ogf.org/occi/core#resource","attributes":[{}]}}]}}"#,
        rows.join(",")
    );
    let mut catalogue = Catalogue::core(OcciVersion::V1_2);
    catalogue.extend_from_json(&text).unwrap();
    let kind = catalogue.kind(&provider("wide")).unwrap();
    assert_eq!(kind.attributes.len(), N);
    // A repeated name is still refused.
    let twice = text.replace("x.a99999", "x.a0");
    let error = Catalogue::core(OcciVersion::V1_2)
        .extend_from_json(&twice)
        .unwrap_err();
    assert!(
        error.to_string().contains("x.a0: declared twice"),
        "{error}"
    );
}

#[test]
fn a_parent_cycle_or_a_missing_parent_is_refused_naming_the_first_row() {
    let kind = |term: &str, parent: &str| {
        format!(
            r#"{{"id":"http://provider.example/occi#{term}","parent":"http://provider.example/occi#{parent}"}}"#
        )
    };
    let text = format!(
        r#"{{"kinds":[{},{},{}]}}"#,
        kind("ok", "b"),
        kind("a", "b"),
        kind("b", "a")
    );
    let error = Catalogue::core(OcciVersion::V1_2)
        .extend_from_json(&text)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "http://provider.example/occi#ok: parent http://provider.example/occi#b is not in the catalogue"
    );
}
