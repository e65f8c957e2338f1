//! The built-in mapping table against the OCCI catalogues: every row names real categories
//! and attributes, conversions fit the attribute's unit, and no infrastructure attribute is
//! left without a row (mapped, or reported as lost).

use tern_mapping::{Conversion, Direction, MappingError, MappingTable};
use tern_model::{Catalogue, Category, OcciVersion};

fn versions_of(row: &tern_mapping::MappingRow) -> Vec<OcciVersion> {
    row.versions
        .clone()
        .unwrap_or_else(|| OcciVersion::ALL.to_vec())
}

#[test]
fn every_row_names_a_catalogue_category_and_attribute() {
    let table = MappingTable::builtin();
    for row in table.rows() {
        let Some(occi) = &row.occi else { continue };
        for version in versions_of(row) {
            // OCCI Infrastructure plus tern's own mixins (the `tern.` attributes).
            let catalogue = tern_mapping::extensions::catalogue(version);
            let category = catalogue
                .category(&occi.category)
                .unwrap_or_else(|| panic!("{}: {} not in OCCI {version}", row.id, occi.category));
            assert_eq!(
                occi.mixin,
                matches!(category, Category::Mixin(_)),
                "{}: mixin flag",
                row.id
            );
            let Some(attribute) = &occi.attribute else {
                continue;
            };
            if attribute.starts_with("tern.") {
                continue; // tern's own namespace carries what OCCI lacks
            }
            let chain: Vec<&tern_model::AttributeDef> = match category {
                Category::Kind(k) => catalogue
                    .ancestors(&k.id)
                    .into_iter()
                    .flat_map(|k| &k.attributes)
                    .collect(),
                Category::Mixin(m) => m.attributes.iter().collect(),
                Category::Action(a) => a.attributes.iter().collect(),
            };
            let def = chain
                .into_iter()
                .find(|d| &d.name == attribute)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {attribute} not defined by {} in {version}",
                        row.id, occi.category
                    )
                });
            let expected_unit = match row.convert {
                Conversion::BytesToGib => Some("GiB"),
                Conversion::HertzToGhz => Some("GHz"),
                _ => None,
            };
            if expected_unit.is_some() {
                assert_eq!(
                    def.unit.as_deref(),
                    expected_unit,
                    "{}: conversion fits the unit",
                    row.id
                );
            }
        }
    }
}

#[test]
fn no_infrastructure_attribute_is_silently_unmapped() {
    let table = MappingTable::builtin();
    for version in OcciVersion::ALL {
        let catalogue = Catalogue::infrastructure(version);
        let categories = catalogue
            .kinds()
            .iter()
            .map(Category::Kind)
            .chain(catalogue.mixins().iter().map(Category::Mixin))
            .filter(|c| {
                c.id()
                    .scheme()
                    .starts_with("http://schemas.ogf.org/occi/infrastructure")
            });
        for category in categories {
            for def in category.attributes() {
                let row = table.rows().iter().find(|r| {
                    r.occi.as_ref().is_some_and(|o| {
                        &o.category == category.id() && o.attribute.as_ref() == Some(&def.name)
                    }) && versions_of(r).contains(&version)
                });
                let row = row
                    .unwrap_or_else(|| panic!("OCCI {version}: {} has no mapping row", def.name));
                if row.direction == Direction::None {
                    assert!(
                        row.loss.is_some(),
                        "{}: a reported row says what is lost",
                        row.id
                    );
                }
            }
        }
    }
}

#[test]
fn the_published_rows_are_there() {
    // The OCCI ⇄ OVF mapping the bridge issue lists, row by row.
    let table = MappingTable::builtin();
    let describe = |id: &str| {
        table
            .row(id)
            .and_then(|r| r.ovf.as_ref())
            .map(tern_mapping::OvfSource::describe)
    };
    assert_eq!(
        describe("compute.cores").as_deref(),
        Some("Item[ResourceType=3]/VirtualQuantity")
    );
    assert_eq!(
        describe("compute.memory").as_deref(),
        Some("Item[ResourceType=4]/VirtualQuantity (+AllocationUnits)")
    );
    assert_eq!(
        describe("compute.hostname").as_deref(),
        Some("ProductSection/Property[@ovf:key=hostname]")
    );
    assert_eq!(
        describe("network.label").as_deref(),
        Some("ProductSection/Property[@ovf:key=label]")
    );
    assert_eq!(
        describe("network.vlan").as_deref(),
        Some("ProductSection/Property[@ovf:key=vlan]")
    );
    assert_eq!(
        describe("storage.size").as_deref(),
        Some("DiskSection/Disk/@ovf:capacity (+@ovf:capacityAllocationUnits)")
    );
    assert_eq!(
        describe("networkinterface.mac").as_deref(),
        Some("Item[ResourceType=10]/Address")
    );
    assert_eq!(
        describe("storagelink").as_deref(),
        Some("Item[ResourceType=17]/HostResource")
    );
    assert_eq!(
        table.row("compute.state").unwrap().direction,
        Direction::None
    );
    let deviceid = table.row("storagelink.deviceid").unwrap();
    assert_eq!(
        deviceid.cdmi.as_ref().unwrap().field.as_deref(),
        Some("objectID")
    );
    assert_eq!(
        table.row("compute.speed").unwrap().versions,
        Some(vec![OcciVersion::V1_1])
    );
}

#[test]
fn malformed_tables_are_refused() {
    let dup = r#"{"rows":[{"id":"a","ovf":{"at":"property","key":"k"},"convert":"identity","direction":"both"},
                          {"id":"a","ovf":{"at":"property","key":"k"},"convert":"identity","direction":"both"}]}"#;
    assert!(matches!(MappingTable::from_json(dup), Err(MappingError::Duplicate(id)) if id == "a"));
    let empty = r#"{"rows":[{"id":"b","convert":"identity","direction":"both"}]}"#;
    assert!(matches!(MappingTable::from_json(empty), Err(MappingError::Empty(id)) if id == "b"));
    let bad = r#"{"rows":[{"id":"c","ovf":{"at":"registry","key":"k"},"convert":"identity","direction":"both"}]}"#;
    let err = MappingTable::from_json(bad).unwrap_err().to_string();
    assert!(err.contains("unknown variant `registry`"), "{err}");
}
