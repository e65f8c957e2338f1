//! State machines of GFD.224 figures 2–5 (and GFD.184 for 1.1): lookups of the action that
//! takes one state to another.

use tern_model::{Catalogue, OcciVersion};

use crate::infra;

fn action(version: OcciVersion, kind: &str, from: &str, to: &str) -> Option<String> {
    let catalogue = Catalogue::infrastructure(version);
    let machine = catalogue.state_machine(&infra(kind))?;
    machine.action_for(from, to).map(|a| a.term().to_owned())
}

#[test]
fn compute_transitions() {
    for v in OcciVersion::ALL {
        assert_eq!(
            action(v, "compute", "inactive", "active").as_deref(),
            Some("start")
        );
        assert_eq!(
            action(v, "compute", "active", "inactive").as_deref(),
            Some("stop")
        );
        assert_eq!(
            action(v, "compute", "active", "suspended").as_deref(),
            Some("suspend")
        );
        assert_eq!(
            action(v, "compute", "suspended", "active").as_deref(),
            Some("start")
        );
        assert_eq!(
            action(v, "compute", "inactive", "suspended"),
            None,
            "no direct edge"
        );
    }
}

#[test]
fn network_and_storage_transitions() {
    for v in OcciVersion::ALL {
        assert_eq!(
            action(v, "network", "inactive", "active").as_deref(),
            Some("up")
        );
        assert_eq!(
            action(v, "network", "active", "inactive").as_deref(),
            Some("down")
        );
        assert_eq!(
            action(v, "storage", "offline", "online").as_deref(),
            Some("online")
        );
        assert_eq!(
            action(v, "storage", "online", "offline").as_deref(),
            Some("offline")
        );
    }
    assert_eq!(
        action(OcciVersion::V1_1, "storage", "online", "backup").as_deref(),
        Some("backup")
    );
    assert_eq!(
        action(OcciVersion::V1_2, "storage", "online", "backup"),
        None
    );
}

#[test]
fn failure_edges_are_never_the_answer() {
    // GFD.224 draws `start` failing into `error`; no plan may aim at it.
    assert_eq!(
        action(OcciVersion::V1_2, "compute", "inactive", "error"),
        None
    );
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let machine = catalogue.state_machine(&infra("compute")).unwrap();
    assert!(machine.states().contains(&"error"));
    assert!(machine.path("active", "error").is_none());
}

#[test]
fn paths_chain_actions() {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let machine = catalogue.state_machine(&infra("compute")).unwrap();
    let terms = |from, to| -> Option<Vec<String>> {
        machine.path(from, to).map(|p| {
            p.iter()
                .map(|t| t.action.as_ref().unwrap().term().to_owned())
                .collect()
        })
    };
    assert_eq!(
        terms("suspended", "inactive"),
        Some(vec!["start".into(), "stop".into()])
    );
    assert_eq!(
        terms("inactive", "suspended"),
        Some(vec!["start".into(), "suspend".into()])
    );
    assert_eq!(terms("active", "active"), Some(vec![]));
    assert_eq!(terms("inactive", "nonsense"), None);
}

#[test]
fn links_change_state_without_actions() {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    for kind in ["networkinterface", "storagelink"] {
        let machine = catalogue.state_machine(&infra(kind)).unwrap();
        let t = machine.transition("inactive", "active").expect(kind);
        assert!(t.action.is_none(), "{kind}: the provider activates links");
    }
}

#[test]
fn every_state_is_a_member_of_the_state_attribute_enum() {
    for v in OcciVersion::ALL {
        let catalogue = Catalogue::infrastructure(v);
        for kind in catalogue.kinds() {
            let Some(machine) = &kind.states else {
                continue;
            };
            let def = kind
                .attributes
                .iter()
                .find(|a| a.name == machine.attribute)
                .expect("state attribute declared");
            let tern_model::AttributeType::Enum(values) = &def.kind else {
                panic!("{} is an enum", def.name)
            };
            for state in machine.states() {
                assert!(
                    values.iter().any(|v| v == state),
                    "{v} {}: state {state} not in {values:?}",
                    kind.id
                );
            }
        }
    }
}
