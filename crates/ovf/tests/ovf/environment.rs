//! The OVF environment document.

use std::collections::BTreeMap;

use tern_ovf::{Document, Envelope, EnvironmentError, environment};

fn envelope(name: &str) -> Envelope {
    let bytes = std::fs::read(format!(
        "{}/../../samples/ovf/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    Envelope::read(&Document::parse(&bytes).unwrap())
}

#[test]
fn a_system_in_a_collection_sees_its_own_and_the_collection_properties() {
    let env = envelope("hadoop-cluster.ovf");
    let mut values = BTreeMap::new();
    values.insert("cluster.name".to_string(), "prod & <test>".to_string());
    let xml = environment(&env, Some("hadoop-slave"), None, &values).unwrap();
    let doc = Document::parse(xml.as_bytes()).expect("the environment is well-formed XML");
    let root = doc.root();
    assert_eq!(
        root.name().namespace.as_deref(),
        Some("http://schemas.dmtf.org/ovf/environment/1")
    );
    assert_eq!(
        root.attribute(Some("http://schemas.dmtf.org/ovf/environment/1"), "id"),
        Some("hadoop-slave")
    );
    let props: Vec<(String, String)> = root
        .elements()
        .filter(|e| e.name().local == "PropertySection")
        .flat_map(tern_ovf::Element::elements)
        .map(|p| {
            let a = |n| {
                p.attribute(Some("http://schemas.dmtf.org/ovf/environment/1"), n)
                    .unwrap()
                    .to_string()
            };
            (a("key"), a("value"))
        })
        .collect();
    assert_eq!(
        props,
        [
            ("cluster.name".to_string(), "prod & <test>".to_string()),
            ("hdfs.replication".to_string(), "1".to_string()),
            (
                "org.apache.hadoop.hostname.slave".to_string(),
                "hadoop-slave-1".to_string()
            ),
        ]
    );
}

#[test]
fn a_collection_lists_its_members_as_entities() {
    let env = envelope("hadoop-cluster.ovf");
    let xml = environment(&env, None, None, &BTreeMap::new()).unwrap();
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let entities: Vec<&str> = doc
        .root()
        .elements()
        .filter(|e| e.name().local == "Entity")
        .map(|e| {
            e.attribute(Some("http://schemas.dmtf.org/ovf/environment/1"), "id")
                .unwrap()
        })
        .collect();
    assert_eq!(entities, ["portal", "hadoop-master", "hadoop-slave"]);
}

#[test]
fn deployment_option_defaults_apply() {
    let env = envelope("deployment-options.ovf");
    let large = environment(&env, None, Some("large"), &BTreeMap::new()).unwrap();
    assert!(
        large.contains("oe:key=\"max.connections\" oe:value=\"2000\""),
        "{large}"
    );
    let default = environment(&env, None, None, &BTreeMap::new()).unwrap();
    assert!(
        default.contains("oe:value=\"500\""),
        "medium is the default: {default}"
    );
}

#[test]
fn unknown_keys_and_bad_values_are_refused() {
    let env = envelope("hadoop-cluster.ovf");
    let one = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
    assert_eq!(
        environment(&env, None, None, &one("nope", "1")),
        Err(EnvironmentError::UnknownProperty("nope".into()))
    );
    assert!(matches!(
        environment(&env, None, None, &one("hdfs.replication", "300")),
        Err(EnvironmentError::BadValue { .. })
    ));
    assert_eq!(
        environment(&env, Some("ghost"), None, &BTreeMap::new()),
        Err(EnvironmentError::NoEntity("ghost".into()))
    );
}
