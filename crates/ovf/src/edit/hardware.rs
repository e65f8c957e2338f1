//! CPU and memory edits for one deployment option. The Item to change is the one the option
//! actually uses (tern-ovf's resolver: overrides by InstanceID combined as DSP0243 says).
//! It is changed in place when no other option takes the changed values from it; otherwise
//! an override for the option is added after it (`ovf:configuration="<option>"`, a copy of
//! the combined Item with the new values), so the other options keep their hardware.

use super::tree::{self, Path};
use super::{EditError, element_at, hardware_path, is_item, set_field};
use crate::document::Document;
use crate::model::{Cx, Envelope, Item, ResolvedItem, VirtualHardware, resolve_items};
use crate::node::{Element, Node};

const PROCESSOR: u16 = 3;
const MEMORY: u16 = 4;

/// Sets the number of virtual CPUs of a system for its default deployment option (the only
/// hardware when the descriptor declares no options).
pub fn set_cpus(doc: &mut Document, system: Option<&str>, count: u64) -> Result<(), EditError> {
    set_cpus_for(doc, system, None, count)
}

/// Sets the number of virtual CPUs that deployment option `option` (`None`: the default one)
/// gives a system; other options keep theirs.
pub fn set_cpus_for(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    count: u64,
) -> Result<(), EditError> {
    set_item_fields(doc, system, option, PROCESSOR, |_| {
        Ok(vec![("VirtualQuantity", count.to_string())])
    })
}

/// Sets the memory of a system in bytes for its default deployment option; see
/// [`set_memory_for`].
pub fn set_memory(doc: &mut Document, system: Option<&str>, bytes: u128) -> Result<(), EditError> {
    set_memory_for(doc, system, None, bytes)
}

/// Sets the memory that deployment option `option` (`None`: the default one) gives a system,
/// in bytes. Keeps the Item's AllocationUnits when the size is a whole number of them,
/// otherwise writes the largest binary unit that holds it exactly.
pub fn set_memory_for(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    bytes: u128,
) -> Result<(), EditError> {
    set_item_fields(doc, system, option, MEMORY, |item| {
        Ok(
            match super::in_units(item.allocation_units.as_deref(), bytes) {
                (q, None) => vec![("VirtualQuantity", q.to_string())],
                (q, Some(unit)) => vec![
                    ("AllocationUnits", unit.to_string()),
                    ("VirtualQuantity", q.to_string()),
                ],
            },
        )
    })
}

// ---------------------------------------------------------------------------------------

type Fields = Vec<(&'static str, String)>;

/// Sets `fields` (computed from the combined Item) on the Item of `resource_type` that
/// `option` uses, in place or through a new override.
fn set_item_fields(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    resource_type: u16,
    fields: impl FnOnce(&Item) -> Result<Fields, EditError>,
) -> Result<(), EditError> {
    let env = Envelope::read(doc);
    let config = env.choose_configuration(option)?.map(str::to_owned);
    let others: Vec<String> = env
        .configuration_ids()
        .into_iter()
        .filter(|c| Some(*c) != config.as_deref())
        .map(str::to_owned)
        .collect();
    let hw = hardware_path(doc, system)?;
    let section = VirtualHardware::read(&Cx { doc }, element_at(doc, &hw));
    let resolved = section.resolve(config.as_deref());
    let Some(target) = resolved
        .items
        .iter()
        .find(|r| r.item.resource_type_code() == Some(resource_type))
    else {
        return Err(EditError::NoItem(match &config {
            Some(c) => format!("(ResourceType {resource_type} for deployment option {c})"),
            None => format!("(ResourceType {resource_type})"),
        }));
    };
    let fields = fields(&target.item)?;
    let Some(&last) = target.sources.last() else {
        return Err(EditError::NoItem(format!("(ResourceType {resource_type})")));
    };
    // Only the options `last` applies to can take anything from it, and only through the
    // Items of its InstanceID: resolve those alone for each of them.
    let id = last.instance_id.as_deref().map(str::trim);
    let group: Vec<Item> = section
        .items
        .iter()
        .filter(|i| {
            std::ptr::eq(*i, last)
                || (id.is_some() && i.instance_id.as_deref().map(str::trim) == id)
        })
        .cloned()
        .collect();
    let at = section.items[..item_index(&section, last)]
        .iter()
        .filter(|i| id.is_some() && i.instance_id.as_deref().map(str::trim) == id)
        .count();
    let shared = others
        .iter()
        .filter(|other| last.configuration.is_empty() || last.configuration.contains(other))
        .any(|other| {
            takes_from(
                &resolve_items(&group, Some(other)).items,
                &group[at],
                &fields,
            )
        });
    let last_index = item_index(&section, last);
    let item_path = {
        let children = item_children(element_at(doc, &hw));
        let mut p = hw.clone();
        p.push(children[last_index]);
        p
    };
    let path = match (&config, shared) {
        (Some(config), true) => add_override(doc, &hw, &section, target, last, config),
        _ => item_path,
    };
    for (field, value) in &fields {
        set_field(doc, &path, field, value);
    }
    Ok(())
}

/// True when another option's Item takes one of `fields` from `source` (or would, once the
/// field is set there): `source` is one of its sources and no later source gives the field.
fn takes_from(items: &[ResolvedItem<'_>], source: &Item, fields: &Fields) -> bool {
    items.iter().any(|r| {
        let Some(at) = r.sources.iter().position(|s| std::ptr::eq(*s, source)) else {
            return false;
        };
        fields.iter().any(|(field, _)| {
            !r.sources[at + 1..]
                .iter()
                .any(|later| later.children.iter().any(|c| c == field))
        })
    })
}

/// Adds, after the last Item with the same InstanceID, an override of `target` for
/// `config`: a copy of its latest source with the children the earlier sources give, so
/// that consumers that replace rather than combine Items read the same hardware.
fn add_override(
    doc: &mut Document,
    hw: &[usize],
    section: &VirtualHardware,
    target: &ResolvedItem<'_>,
    last: &Item,
    config: &str,
) -> Path {
    let children = item_children(element_at(doc, hw));
    let element = |item: &Item| -> &Element {
        let index = children[item_index(section, item)];
        element_at(doc, hw).children()[index]
            .as_element()
            .expect("item indices point at elements")
    };
    let mut copy = element(last).detached_copy();
    let existing = copy
        .attributes()
        .iter()
        .find(|a| {
            a.name().local == "configuration"
                && a.name()
                    .namespace
                    .as_deref()
                    .is_none_or(crate::names::is_ovf_namespace)
        })
        .map(|a| a.name().clone());
    copy.set_attribute(
        existing.unwrap_or_else(|| tree::ovf_attr_name(doc, "configuration")),
        config,
    );
    // Children only an earlier source gives, from the source the option takes them from.
    for name in &target.item.children {
        if last.children.contains(name) {
            continue;
        }
        let Some(provider) = target.provider(name) else {
            continue;
        };
        let from = element(provider);
        let indent = tree::indent_of_children(&copy, "      ");
        for child in from.elements().filter(|c| local_name(c) == name) {
            let at = super::field_slot(&copy, name).1;
            tree::insert_element(&mut copy, at, child.clone(), &indent);
        }
    }
    // After every Item with this InstanceID, so that it is the latest for `config`.
    let id = last.instance_id.as_deref().map(str::trim);
    let after = section
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            std::ptr::eq(*i, last)
                || (id.is_some() && i.instance_id.as_deref().map(str::trim) == id)
        })
        .map(|(k, _)| children[k])
        .max()
        .unwrap_or(children[item_index(section, last)]);
    let indent = tree::indent_of_children(element_at(doc, hw), "    ");
    let parent = tree::at_mut(doc, hw);
    tree::insert_element(parent, after + 1, copy, &indent);
    // `insert_element` puts the element before its indentation when `after + 1` is not an
    // element; find it again rather than assume.
    let index = parent
        .children()
        .iter()
        .enumerate()
        .skip(after + 1)
        .find(|(_, c)| matches!(c, Node::Element(_)))
        .map_or(after + 1, |(i, _)| i);
    let mut path = hw.to_vec();
    path.push(index);
    path
}

/// Indices (into the section's children) of its item elements, in the order the typed view
/// reads them.
fn item_children(section: &Element) -> Vec<usize> {
    section
        .children()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.as_element().is_some_and(is_item))
        .map(|(i, _)| i)
        .collect()
}

fn item_index(section: &VirtualHardware, item: &Item) -> usize {
    section
        .items
        .iter()
        .position(|i| std::ptr::eq(i, item))
        .unwrap_or_default()
}

fn local_name(e: &Element) -> &str {
    match e.name().local.as_str() {
        "InstanceId" => "InstanceID",
        other => other,
    }
}
