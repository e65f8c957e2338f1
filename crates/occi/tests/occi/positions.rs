//! Where the model's findings point: at the entity they are about (a missing attribute at the
//! entity's rendering, a bad value at that entity's own attribute), never at `1:1` or at an
//! attribute of the same name in another entity.

use tern_diag::Position;
use tern_model::{Catalogue, OcciVersion, ValidationMode};
use tern_occi::{ParseOptions, Rule, Source, Unknowns};

const MISSING: &[Rule] = &[Rule::MissingAttribute, Rule::MissingProviderValue];

fn judge(name: &str, text: &str, mode: ValidationMode) -> Vec<tern_diag::Finding> {
    Source::new(name, text, None).validate(
        &ParseOptions::strict(),
        &Catalogue::infrastructure(OcciVersion::V1_2),
        Unknowns::Reject,
        mode,
    )
}

fn at(findings: &[tern_diag::Finding], rules: &[Rule]) -> Vec<Position> {
    findings
        .iter()
        .filter(|f| rules.iter().any(|r| f.rule == *r))
        .filter_map(|f| f.position)
        .collect()
}

// Line 8 holds the second compute, line 13 its NIC (without a MAC), line 17 a top-level link
// without its target's required attribute.
const COLLECTION: &str = r#"{
  "resources": [
    {
      "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
      "id": "urn:uuid:vm1",
      "attributes": { "occi.compute.cores": 2, "occi.compute.state": "active" }
    },
    {
      "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
      "id": "urn:uuid:vm2",
      "attributes": { "occi.compute.cores": "two", "occi.compute.state": "active" },
      "links": [
        {
          "kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
          "id": "urn:uuid:nic1",
          "attributes": { "occi.networkinterface.interface": "eth0", "occi.networkinterface.state": "active" },
          "target": { "location": "/network/lan" }
        }
      ]
    }
  ],
  "links": [
    {
      "kind": "http://schemas.ogf.org/occi/infrastructure#storagelink",
      "id": "urn:uuid:sl1",
      "attributes": { "occi.storagelink.state": "active" },
      "source": { "location": "/compute/vm1" },
      "target": { "location": "/storage/disk" }
    }
  ]
}
"#;

#[test]
fn json_missing_attributes_point_at_their_entity() {
    let found = judge("vms.json", COLLECTION, ValidationMode::Instance);
    let missing = at(&found, MISSING);
    // The NIC's MAC: its object starts on line 13.
    assert!(
        missing.contains(&Position::new(13, 9)),
        "the NIC's missing MAC points at the NIC: {found:#?}"
    );
    assert!(
        !missing.contains(&Position::START),
        "nothing points at 1:1: {found:#?}"
    );
}

#[test]
fn json_bad_values_point_at_their_own_entity() {
    let found = judge("vms.json", COLLECTION, ValidationMode::Instance);
    let typed = at(&found, &[Rule::AttributeType]);
    // `"two"` is the second compute's cores, on line 11 (the first compute's is on line 6).
    assert_eq!(typed.len(), 1, "{found:#?}");
    assert_eq!(typed[0].line, 11, "{found:#?}");
}

#[test]
fn text_missing_attributes_of_an_inline_link_point_at_its_link_line() {
    let text = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
                Link: </network/lan>; rel=\"http://schemas.ogf.org/occi/infrastructure#network\"; category=\"http://schemas.ogf.org/occi/infrastructure#networkinterface\"; occi.core.id=\"urn:uuid:nic\"; occi.networkinterface.interface=\"eth0\"; occi.networkinterface.state=\"active\"\n\
                X-OCCI-Attribute: occi.core.id=\"urn:uuid:vm1\", occi.compute.state=\"active\"\n";
    let found = judge("vm.txt", text, ValidationMode::Instance);
    let missing = at(&found, MISSING);
    assert_eq!(missing, [Position::new(2, 7)], "{found:#?}");
}
