//! The ProductSections of an export: the sections the product mixins describe (see
//! [`crate::property`]), in their order and with their declarations, each property's value
//! from its attribute (or from the OCCI attribute a mapping row put it in); then what the
//! property rows carry for entities without product mixins (`hostname`, NIC addresses,
//! network labels…), written once.

use std::collections::HashMap;

use tern_model::{Catalogue, Collection, Link, Resource, Value};
use tern_ovf::build::Builder;

use super::names::Names;
use crate::property::declaration::Declaration;
use crate::property::{PRODUCT_SCHEME, PropertyId};
use crate::{Direction, MappingTable, OvfSource};

/// The ProductSections of every system, and of the collection when one is written.
pub(super) struct Plan {
    /// Sections of the VirtualSystemCollection.
    pub(super) collection: Vec<SectionOut>,
    /// Sections of each system, by compute id.
    systems: HashMap<String, Vec<SectionOut>>,
    /// What could not be written.
    pub(super) dropped: Vec<String>,
}

/// One ProductSection to write.
pub(super) struct SectionOut {
    class: String,
    instance: String,
    info: String,
    properties: Vec<Declaration>,
}

impl Plan {
    /// The sections of the system made from `compute`.
    pub(super) fn of_system(&self, compute: &Resource) -> &[SectionOut] {
        self.systems
            .get(&compute.entity.id)
            .map_or(&[], Vec::as_slice)
    }
}

/// Plans the sections of `computes`; `in_collection` says whether they are written inside
/// one VirtualSystemCollection (else each system also takes its collections' sections);
/// `configurations` are the deployment options the export declares.
pub(super) fn plan(
    computes: &[&Resource],
    networks: &[&Resource],
    names: &Names,
    collection: &Collection,
    catalogue: Option<&Catalogue>,
    in_collection: bool,
    configurations: &[&str],
) -> Plan {
    let mut plan = Plan {
        collection: Vec::new(),
        systems: HashMap::new(),
        dropped: Vec::new(),
    };
    let mut network_values = network_values(networks, names);
    let mut collection_sections: Vec<(PropertyId, Vec<Declaration>, String)> = Vec::new();
    for vm in computes {
        let mut carried = property_values(&vm.entity);
        carried.extend(nic_values(vm, names, collection));
        if !in_collection {
            carried.append(&mut network_values);
        }
        let mut own = Vec::new();
        for (section, info, mut properties) in described(vm, catalogue) {
            for d in &mut properties {
                let current = if d.mapped.is_some() {
                    take(&mut carried, &d.key).or_else(|| take(&mut network_values, &d.key))
                } else {
                    vm.entity
                        .attributes
                        .get(&attribute(&section, &d.key))
                        .map(Value::to_plain_string)
                };
                write_back(d, current);
                fold(d, configurations, &vm.entity.id, &mut plan.dropped);
            }
            match &section.collection {
                Some(_) if in_collection => {
                    if let Some((_, first, _)) = collection_sections
                        .iter()
                        .find(|(s, _, _)| same_section(s, &section))
                    {
                        if *first != properties {
                            plan.dropped.push(format!("{}: the properties of collection {}'s ProductSection differ from another system's: the first system's are written", vm.entity.id, section.collection.as_deref().unwrap_or_default()));
                        }
                    } else {
                        collection_sections.push((section, properties, info));
                    }
                }
                // The system's own sections; a collection's, when no collection is written.
                _ => merge(
                    &mut own,
                    section_out(&section, info, properties),
                    &vm.entity.id,
                    &mut plan.dropped,
                ),
            }
        }
        if !carried.is_empty() {
            let rest = SectionOut {
                class: String::new(),
                instance: String::new(),
                info: "Settings of the machine".to_owned(),
                properties: carried
                    .into_iter()
                    .map(|(k, v)| string_property(k, v))
                    .collect(),
            };
            merge(&mut own, rest, &vm.entity.id, &mut plan.dropped);
        }
        plan.systems.insert(vm.entity.id.clone(), own);
    }
    for (section, properties, info) in collection_sections {
        let id = section.collection.clone().unwrap_or_default();
        merge(
            &mut plan.collection,
            section_out(&section, info, properties),
            &id,
            &mut plan.dropped,
        );
    }
    if !network_values.is_empty() {
        let rest = SectionOut {
            class: String::new(),
            instance: String::new(),
            info: "Network settings".to_owned(),
            properties: network_values
                .into_iter()
                .map(|(k, v)| string_property(k, v))
                .collect(),
        };
        merge(
            &mut plan.collection,
            rest,
            "the collection",
            &mut plan.dropped,
        );
    }
    let mut seen = std::collections::HashSet::new();
    plan.dropped.retain(|d| seen.insert(d.clone()));
    plan
}

/// Writes `sections`.
pub(super) fn write(x: &mut Builder, sections: &[SectionOut]) {
    for s in sections {
        let mut attrs = Vec::new();
        if !s.class.is_empty() {
            attrs.push(("ovf:class", s.class.as_str()));
        }
        if !s.instance.is_empty() {
            attrs.push(("ovf:instance", s.instance.as_str()));
        }
        x.open("ProductSection", &attrs);
        x.text("Info", &[], &s.info);
        let mut category: Option<(&str, Option<&str>)> = None;
        for p in &s.properties {
            let heading = p
                .category
                .as_deref()
                .map(|c| (c, p.category_msgid.as_deref()));
            if heading.is_some() && heading != category {
                let (text, msgid) = heading.unwrap_or_default();
                x.text("Category", &msgid_attr(msgid), text);
            }
            category = heading;
            property(x, p);
        }
        x.close("ProductSection");
    }
}

fn property(x: &mut Builder, p: &Declaration) {
    let mut attrs = vec![
        ("ovf:key", p.key.as_str()),
        ("ovf:type", p.ty.as_deref().unwrap_or("string")),
    ];
    if let Some(q) = &p.qualifiers {
        attrs.push(("ovf:qualifiers", q));
    }
    if p.user_configurable {
        attrs.push(("ovf:userConfigurable", "true"));
    }
    if p.password {
        attrs.push(("ovf:password", "true"));
    }
    if let Some(v) = &p.value {
        attrs.push(("ovf:value", v));
    }
    if p.label.is_none() && p.description.is_none() && p.values.is_empty() {
        x.empty("Property", &attrs);
        return;
    }
    x.open("Property", &attrs);
    if let Some(label) = &p.label {
        x.text("Label", &msgid_attr(p.label_msgid.as_deref()), label);
    }
    if let Some(description) = &p.description {
        x.text(
            "Description",
            &msgid_attr(p.description_msgid.as_deref()),
            description,
        );
    }
    for v in &p.values {
        let mut attrs = Vec::new();
        if let Some(value) = &v.value {
            attrs.push(("ovf:value", value.as_str()));
        }
        if let Some(configuration) = &v.configuration {
            attrs.push(("ovf:configuration", configuration.as_str()));
        }
        x.empty("Value", &attrs);
    }
    x.close("Property");
}

fn msgid_attr(msgid: Option<&str>) -> Vec<(&str, &str)> {
    msgid.map(|m| vec![("ovf:msgid", m)]).unwrap_or_default()
}

// The sections the entity's product mixins define, in mixin order (each with its Info);
// then the property attributes no definition covers (a collection read from text/plain,
// which carries no definitions), declared from their names and values.
fn described(
    vm: &Resource,
    catalogue: Option<&Catalogue>,
) -> Vec<(PropertyId, String, Vec<Declaration>)> {
    let mut out: Vec<(PropertyId, String, Vec<Declaration>)> = Vec::new();
    let mut covered = Vec::new();
    for mixin in vm
        .entity
        .mixins
        .iter()
        .filter(|m| m.scheme() == PRODUCT_SCHEME)
    {
        let Some(m) = catalogue.and_then(|c| c.mixin(mixin)) else {
            continue;
        };
        let info = m
            .title
            .clone()
            .unwrap_or_else(|| "ProductSection".to_owned());
        for def in &m.attributes {
            let Some(id) = PropertyId::from_attribute(&def.name) else {
                continue;
            };
            let declaration = Declaration::of(def).unwrap_or_else(|| undeclared(&id, vm));
            covered.push(def.name.clone());
            push(&mut out, id, &info, declaration);
        }
    }
    for (name, _) in vm.entity.attributes.iter() {
        let Some(id) = PropertyId::from_attribute(name) else {
            continue;
        };
        if !covered.iter().any(|c| c == name) {
            let declaration = undeclared(&id, vm);
            push(&mut out, id, "Properties", declaration);
        }
    }
    out
}

fn push(
    out: &mut Vec<(PropertyId, String, Vec<Declaration>)>,
    id: PropertyId,
    info: &str,
    declaration: Declaration,
) {
    match out.iter_mut().find(|(s, _, _)| same_section(s, &id)) {
        Some((_, _, properties)) => properties.push(declaration),
        None => out.push((id, info.to_owned(), vec![declaration])),
    }
}

// A property known only by its attribute: its type from the JSON type of the value.
fn undeclared(id: &PropertyId, vm: &Resource) -> Declaration {
    let ty = match vm.entity.attributes.get(&id.attribute()) {
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::Number(n)) if n.as_i64().is_some() => "sint64",
        Some(Value::Number(_)) => "real64",
        _ => "string",
    };
    Declaration {
        key: id.key.clone(),
        ty: Some(ty.to_owned()),
        ..Declaration::default()
    }
}

fn same_section(a: &PropertyId, b: &PropertyId) -> bool {
    a.collection == b.collection && a.class == b.class && a.instance == b.instance
}

fn attribute(section: &PropertyId, key: &str) -> String {
    PropertyId {
        key: key.to_owned(),
        ..section.clone()
    }
    .attribute()
}

// The declaration with the OCCI side's value written where the descriptor had it: the
// `Value` of the converted configuration, else `ovf:value`. A value equal to what the
// descriptor gave (after `${…}` references, for a mapped property) leaves it as written.
fn write_back(d: &mut Declaration, current: Option<String>) {
    let Some(current) = current else { return };
    let baseline = d.resolved.as_deref().or(d.source_value());
    let same = if d.mapped.is_some() {
        baseline.map(str::trim) == Some(current.trim())
    } else {
        baseline == Some(current.as_str())
    };
    if same {
        return;
    }
    match d.current.and_then(|i| d.values.get_mut(i)) {
        Some(v) => v.value = Some(current),
        None => d.value = Some(current),
    }
}

// `Value`s naming deployment options the export does not declare would make it invalid:
// the value of the converted option becomes `ovf:value`.
fn fold(d: &mut Declaration, configurations: &[&str], owner: &str, dropped: &mut Vec<String>) {
    let declared = |v: &crate::property::declaration::ConfiguredValue| {
        v.configuration.as_deref().is_some_and(|c| {
            c.split_whitespace()
                .all(|one| configurations.contains(&one))
        })
    };
    if d.values.iter().all(declared) {
        return;
    }
    d.value = d.source_value().map(str::to_owned).or(d.value.take());
    d.values.clear();
    d.current = None;
    dropped.push(format!(
        "{owner}: property `{}`: the values of other deployment options are not written (the export declares no such option); ovf:value is the converted option's",
        d.key
    ));
}

fn section_out(section: &PropertyId, info: String, properties: Vec<Declaration>) -> SectionOut {
    SectionOut {
        class: section.class.clone(),
        instance: section.instance.clone(),
        info,
        properties,
    }
}

// Sections with one class and instance are one section (DSP0243: class and instance are
// unique per entity); a key it already has is not written twice.
fn merge(
    target: &mut Vec<SectionOut>,
    section: SectionOut,
    owner: &str,
    dropped: &mut Vec<String>,
) {
    let Some(existing) = target
        .iter_mut()
        .find(|s| s.class == section.class && s.instance == section.instance)
    else {
        target.push(section);
        return;
    };
    for p in section.properties {
        if existing.properties.iter().any(|q| q.key == p.key) {
            dropped.push(format!(
                "{owner}: property `{}` is declared twice in one ProductSection: the first is written",
                p.key
            ));
        } else if p.category.is_none() {
            // A Category heads every property after it: uncategorised ones go first.
            let at = existing
                .properties
                .iter()
                .position(|q| q.category.is_some())
                .unwrap_or(existing.properties.len());
            existing.properties.insert(at, p);
        } else {
            existing.properties.push(p);
        }
    }
}

fn string_property(key: String, value: String) -> Declaration {
    Declaration {
        key,
        ty: Some("string".to_owned()),
        value: Some(value),
        ..Declaration::default()
    }
}

fn take(values: &mut Vec<(String, String)>, key: &str) -> Option<String> {
    let i = values.iter().position(|(k, _)| k == key)?;
    Some(values.remove(i).1)
}

// What the property rows carry for an entity (hostname, public-keys, user-data, label…),
// read backwards: (key, value).
fn property_values(entity: &tern_model::Entity) -> Vec<(String, String)> {
    let table = MappingTable::builtin();
    let mut out = Vec::new();
    for row in table
        .rows()
        .iter()
        .filter(|r| matches!(r.direction, Direction::Both | Direction::OcciToOvf))
    {
        let (Some(OvfSource::Property { key }), Some(occi)) = (&row.ovf, &row.occi) else {
            continue;
        };
        let Some(attribute) = &occi.attribute else {
            continue;
        };
        let applies = occi.category == entity.kind || entity.mixins.contains(&occi.category);
        if let (true, Some(value)) = (applies, entity.attributes.get(attribute)) {
            out.push((key.clone(), value.to_plain_string()));
        }
    }
    out
}

fn network_values(networks: &[&Resource], names: &Names) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in networks {
        for (key, value) in property_values(&n.entity) {
            let key = if networks.len() > 1 {
                format!("{key}.{}", names.of(n))
            } else {
                key
            };
            out.push((key, value));
        }
    }
    out
}

fn nic_values(vm: &Resource, names: &Names, collection: &Collection) -> Vec<(String, String)> {
    let nics: Vec<&Link> = vm
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "networkinterface")
        .collect();
    let mut out = Vec::new();
    for link in &nics {
        for (key, value) in property_values(&link.entity) {
            // The network's name as the NIC's Connection gives it (one outside the
            // collection included).
            let key = if nics.len() > 1 {
                format!(
                    "{key}.{}",
                    names.network_of(collection, &link.target.location)
                )
            } else {
                key
            };
            if !out.iter().any(|(k, _): &(String, String)| *k == key) {
                out.push((key, value));
            }
        }
    }
    out
}
