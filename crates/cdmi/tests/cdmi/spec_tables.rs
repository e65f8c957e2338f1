//! The field tables of `rules` checked against the request and response body tables printed
//! in the CDMI 1.1.1 specification text (clauses 8-12).

use std::collections::BTreeMap;

use tern_cdmi::object::{BodyKind, ObjectType};
use tern_cdmi::rules::{self, Presence};

use crate::reference;

/// Table number → (field, requirement letter M/O/C) in printed order.
fn body_tables(spec: &str) -> BTreeMap<u32, Vec<(String, char)>> {
    let mut tables: BTreeMap<u32, Vec<(String, char)>> = BTreeMap::new();
    let mut current = None;
    for line in spec.lines() {
        if let Some(i) = line.find("Table ") {
            let rest = &line[i + 6..];
            let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if !number.is_empty() && rest[number.len()..].starts_with(" — ") {
                let body =
                    rest.contains("Request message body") || rest.contains("Response message body");
                current = body.then(|| number.parse().unwrap());
                continue;
            }
        }
        let Some(table) = current else { continue };
        let mut words = line.split_whitespace().peekable();
        if words
            .peek()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        {
            words.next(); // the margin line number
        }
        let (Some(name), Some("JSON")) = (words.next(), words.next()) else {
            continue;
        };
        if !name.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let requirement = ["Mandatory", "Optional", "Conditional"]
            .into_iter()
            .filter_map(|r| line.rfind(r).map(|at| (at, r)))
            .max()
            .map(|(_, r)| r.chars().next().unwrap());
        let Some(requirement) = requirement else {
            continue;
        };
        let fields = tables.entry(table).or_default();
        if !fields.iter().any(|(n, _)| n == name) {
            fields.push((name.to_owned(), requirement));
        }
    }
    tables
}

const MAPPED: &[(u32, ObjectType, BodyKind)] = &[
    (21, ObjectType::DataObject, BodyKind::CreateRequest),
    (23, ObjectType::DataObject, BodyKind::CreateResponse),
    (27, ObjectType::DataObject, BodyKind::ReadResponse),
    (30, ObjectType::DataObject, BodyKind::UpdateRequest),
    (37, ObjectType::Container, BodyKind::CreateRequest),
    (39, ObjectType::Container, BodyKind::CreateResponse),
    (43, ObjectType::Container, BodyKind::ReadResponse),
    (46, ObjectType::Container, BodyKind::UpdateRequest),
    (52, ObjectType::DataObject, BodyKind::CreateRequest),
    (54, ObjectType::DataObject, BodyKind::CreateResponse),
    (57, ObjectType::Queue, BodyKind::CreateRequest),
    (59, ObjectType::Queue, BodyKind::CreateResponse),
    (66, ObjectType::Domain, BodyKind::CreateRequest),
    (68, ObjectType::Domain, BodyKind::CreateResponse),
    (72, ObjectType::Domain, BodyKind::ReadResponse),
    (75, ObjectType::Domain, BodyKind::UpdateRequest),
    (81, ObjectType::Queue, BodyKind::CreateRequest),
    (83, ObjectType::Queue, BodyKind::CreateResponse),
    (87, ObjectType::Queue, BodyKind::ReadResponse),
    (90, ObjectType::Queue, BodyKind::UpdateRequest),
    (96, ObjectType::Queue, BodyKind::Enqueue),
    (109, ObjectType::Capability, BodyKind::ReadResponse),
];

// Fields tern allows beyond the 1.1.1 tables, with the reason.
fn extension(field: &str, object_type: ObjectType) -> bool {
    // Capabilities Selection (1.1c, a 2.0 extension) makes capabilitiesURI settable;
    // 2.0 capability objects carry metadata.
    field == "capabilitiesURI" || (object_type == ObjectType::Capability && field == "metadata")
}

#[test]
fn field_tables_match_the_printed_tables() {
    let Some(spec) = reference::text("spec/CDMI_Spec_v1.1.1.txt") else {
        return;
    };
    let tables = body_tables(&spec);
    for &(number, object_type, kind) in MAPPED {
        let printed = &tables[&number];
        assert!(printed.len() >= 4, "Table {number}: {printed:?}");
        let ours = rules::fields(object_type, kind).unwrap();
        for (field, requirement) in printed {
            let Some((_, presence)) = ours.iter().find(|(f, _)| f == field) else {
                panic!(
                    "Table {number}: {field} missing from the {object_type} {} table",
                    kind.name()
                )
            };
            let agrees = match (requirement, presence) {
                ('M', Presence::Mandatory)
                | ('O', Presence::Optional)
                | ('C', Presence::Conditional) => true,
                // One table serves PUT (name mandatory) and POST to /cdmi_objectid/ (no name).
                ('M', Presence::Conditional) => {
                    matches!(field.as_str(), "objectName" | "parentURI" | "parentID")
                }
                _ => false,
            };
            assert!(
                agrees,
                "Table {number}: {field} is {requirement} in the spec, {presence:?} here"
            );
        }
        for (field, _) in ours {
            let printed_here = printed.iter().any(|(f, _)| f == field);
            // A kind may merge two tables (PUT and POST create); accept a field printed in any.
            let printed_for_kind = MAPPED
                .iter()
                .filter(|(_, t, k)| *t == object_type && *k == kind)
                .any(|(n, _, _)| tables[n].iter().any(|(f, _)| f == field));
            assert!(
                printed_here || printed_for_kind || extension(field, object_type),
                "Table {number}: {field} is not in the printed table"
            );
        }
    }
}
