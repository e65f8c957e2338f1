//! CPU, memory and NIC type edits for one deployment option. The Item to change is the one
//! the option actually uses (tern-ovf's resolver: overrides by InstanceID combined as DSP0243 says).
//! It is changed in place when no other option takes the changed values from it; otherwise
//! an override for the option is added after it (`ovf:configuration="<option>"`, a copy of
//! the combined Item with the new values), so the other options keep their hardware.

use tern_units::AllocationUnit;

use super::tree::{self, Path};
use super::{EditError, Restated, element_at, hardware_path, is_item, restate, set_field};
use crate::document::Document;
use crate::model::{Cx, Envelope, Item, ResolvedItem, VirtualHardware, resolve_items};
use crate::node::{Element, Node};
use crate::vocab;

const PROCESSOR: u16 = 3;
const MEMORY: u16 = 4;

/// Sets the number of virtual CPUs of a system for its default deployment option (the only
/// hardware when the descriptor declares no options); see [`set_cpus_for`].
pub fn set_cpus(
    doc: &mut Document,
    system: Option<&str>,
    count: u64,
) -> Result<Vec<Restated>, EditError> {
    set_cpus_for(doc, system, None, count)
}

/// Sets the number of virtual CPUs that deployment option `option` (`None`: the default one)
/// gives a system; other options keep theirs. The Item's ElementName, Caption or
/// Description is said again when it states the old count (`2 virtual CPU(s)` → `4 virtual
/// CPU(s)`); the texts changed are returned.
pub fn set_cpus_for(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    count: u64,
) -> Result<Vec<Restated>, EditError> {
    if count == 0 {
        return Err(EditError::Size("a system needs at least one CPU".into()));
    }
    let pick = first_of(PROCESSOR, "processor Item (ResourceType 3)");
    set_item_fields(doc, system, option, &pick, |item| {
        Ok(Change {
            values: vec![("VirtualQuantity", count.to_string())],
            texts: texts(item, |text| restate::count(text, item.cpu_count()?, count)),
        })
    })
}

/// Sets the memory of a system in bytes for its default deployment option; see
/// [`set_memory_for`].
pub fn set_memory(
    doc: &mut Document,
    system: Option<&str>,
    bytes: u128,
) -> Result<Vec<Restated>, EditError> {
    set_memory_for(doc, system, None, bytes)
}

/// Sets the memory that deployment option `option` (`None`: the default one) gives a system,
/// in bytes. Keeps the Item's AllocationUnits when the size is a whole number of them,
/// otherwise writes the largest binary unit that holds it exactly. The Item's texts are said
/// again when they state the old size (`4096MB of memory` → `8192MB of memory`).
pub fn set_memory_for(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    bytes: u128,
) -> Result<Vec<Restated>, EditError> {
    if bytes == 0 {
        return Err(EditError::Size("a system needs some memory".into()));
    }
    let pick = first_of(MEMORY, "memory Item (ResourceType 4)");
    set_item_fields(doc, system, option, &pick, |item| {
        let old_unit = item
            .allocation_units()
            .and_then(|u| AllocationUnit::parse(u).ok());
        let (quantity, written) = super::in_units(item.allocation_units(), bytes);
        let mut values = Vec::new();
        if let Some(unit) = written {
            values.push(("AllocationUnits", unit.to_string()));
        }
        values.push(("VirtualQuantity", quantity.to_string()));
        let texts = match (item.quantity_bytes(), written.or(old_unit)) {
            (Some(old_bytes), Some(new_unit)) => {
                let sizes = restate::Sizes {
                    old_bytes,
                    old_unit,
                    new_bytes: bytes,
                    new_unit,
                };
                texts(item, |text| restate::size(text, &sizes))
            }
            _ => Vec::new(),
        };
        Ok(Change { values, texts })
    })
}

/// Sets the ResourceSubType (`E1000`, `VMXNET3`, `virtio`…, written as given) of the
/// network adapters that deployment option `option` (`None`: the default one) gives a
/// system: all of them, or those `nics` names by InstanceID or ElementName. Texts that name
/// the old type (`VmxNet3 ethernet adapter`) name the new one. Returns the texts changed.
pub fn set_nic_type(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    nics: &[&str],
    subtype: &str,
) -> Result<Vec<Restated>, EditError> {
    let subtype = subtype.trim();
    if subtype.is_empty() {
        return Err(EditError::BadNicType(subtype.to_string()));
    }
    let indices = {
        let env = Envelope::read(doc);
        let config = env.choose_configuration(option)?.map(str::to_owned);
        let hw = hardware_path(doc, system)?;
        let section = VirtualHardware::read(&Cx::new(doc), element_at(doc, &hw));
        let resolved = section.resolve(config.as_deref());
        let adapters: Vec<(usize, &Item)> = resolved
            .items
            .iter()
            .enumerate()
            .filter(|(_, r)| r.item.is_nic())
            .map(|(i, r)| (i, r.item.as_ref()))
            .collect();
        let unknown = nics.iter().find(|wanted| {
            !adapters
                .iter()
                .any(|(_, a)| names(a).contains(&wanted.trim()))
        });
        if adapters.is_empty() || unknown.is_some() {
            return Err(EditError::NoNic {
                selector: unknown.map(|s| (*s).to_string()),
                known: adapters.iter().map(|(_, a)| names(a).join(" ")).collect(),
            });
        }
        adapters
            .iter()
            .filter(|(_, a)| nics.is_empty() || nics.iter().any(|n| names(a).contains(&n.trim())))
            .map(|(i, _)| *i)
            .collect::<Vec<_>>()
    };
    let mut restated = Vec::new();
    for index in indices {
        restated.extend(set_item_fields(
            doc,
            system,
            option,
            &Pick {
                find: move |_: &[ResolvedItem<'_>]| Some(index),
                what: "network adapter",
            },
            |item| {
                let old = item
                    .resource_sub_type()
                    .map(str::to_string)
                    .unwrap_or_default();
                Ok(Change {
                    values: vec![("ResourceSubType", subtype.to_string())],
                    texts: texts(item, |text| restate::word(text, &old, subtype)),
                })
            },
        )?);
    }
    Ok(restated)
}

// ---------------------------------------------------------------------------------------

type Fields = Vec<(&'static str, String)>;

/// What an edit writes on an Item: values, and the descriptive texts that state them said
/// again (field, text before, text after).
struct Change {
    values: Fields,
    texts: Vec<(&'static str, String, String)>,
}

/// The descriptive texts of `item` that `restate` says again.
fn texts(
    item: &Item,
    restate: impl Fn(&str) -> Option<String>,
) -> Vec<(&'static str, String, String)> {
    [
        ("Caption", &item.caption()),
        ("Description", &item.description()),
        ("ElementName", &item.element_name()),
    ]
    .into_iter()
    .filter_map(|(field, text)| {
        let text = text.as_deref()?;
        let after = restate(text)?;
        Some((field, text.to_string(), after))
    })
    .collect()
}

/// Which resolved Item an edit changes (its index), and what it is when there is none.
struct Pick<F> {
    find: F,
    what: &'static str,
}

/// The first resolved Item of `resource_type`.
fn first_of(
    resource_type: u16,
    what: &'static str,
) -> Pick<impl Fn(&[ResolvedItem<'_>]) -> Option<usize>> {
    Pick {
        find: move |items: &[ResolvedItem<'_>]| {
            items
                .iter()
                .position(|r| r.item.resource_type_code() == Some(resource_type))
        },
        what,
    }
}

/// Applies `change` (computed from the combined Item) to the resolved Item `pick` chooses
/// among those `option` uses, in place or through a new override. Texts are said again on
/// the Item written when it has them.
fn set_item_fields(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    pick: &Pick<impl Fn(&[ResolvedItem<'_>]) -> Option<usize>>,
    change: impl FnOnce(&Item) -> Result<Change, EditError>,
) -> Result<Vec<Restated>, EditError> {
    let env = Envelope::read(doc);
    let config = env.choose_configuration(option)?.map(str::to_owned);
    let others: Vec<String> = env
        .configuration_ids()
        .into_iter()
        .filter(|c| Some(*c) != config.as_deref())
        .map(str::to_owned)
        .collect();
    let hw = hardware_path(doc, system)?;
    let section = VirtualHardware::read(&Cx::new(doc), element_at(doc, &hw));
    let resolved = section.resolve(config.as_deref());
    let missing = || EditError::NoResource {
        what: pick.what,
        option: config.clone(),
    };
    let target = (pick.find)(&resolved.items)
        .and_then(|i| resolved.items.get(i))
        .ok_or_else(missing)?;
    let change = change(&target.item)?;
    let fields = &change.values;
    let &last = target.sources.last().ok_or_else(missing)?;
    // Only the options `last` applies to can take anything from it, and only through the
    // Items of its InstanceID: resolve those alone for each of them.
    let id = last.instance_id().map(str::trim);
    let group: Vec<Item> = section
        .items
        .iter()
        .filter(|i| {
            std::ptr::eq(*i, last) || (id.is_some() && i.instance_id().map(str::trim) == id)
        })
        .cloned()
        .collect();
    let at = section.items[..item_index(&section, last)]
        .iter()
        .filter(|i| id.is_some() && i.instance_id().map(str::trim) == id)
        .count();
    let shared = others
        .iter()
        .filter(|other| last.configuration.is_empty() || last.configuration.contains(other))
        .any(|other| {
            takes_from(
                &resolve_items(&group, Some(other)).items,
                &group[at],
                fields,
            )
        });
    let last_index = item_index(&section, last);
    let item_path = {
        let children = item_children(element_at(doc, &hw));
        let mut p = hw.clone();
        p.push(children[last_index]);
        p
    };
    let instance_id = target.item.instance_id().map(str::to_string);
    let path = match (&config, shared) {
        (Some(config), true) => add_override(doc, &hw, &section, target, last, config),
        _ => item_path,
    };
    for (field, value) in fields {
        set_field(doc, &path, field, value);
    }
    // A text is said again where the option reads it: on the Item written, when that Item
    // has it (an override copies every child the option combines).
    let mut restated = Vec::new();
    for (field, before, after) in change.texts {
        // The text as written, blanks around it kept.
        let Some(raw) = raw_field(element_at(doc, &path), field) else {
            continue;
        };
        let Some(at) = raw.find(before.as_str()).filter(|_| raw.trim() == before) else {
            continue;
        };
        let written = format!("{}{after}{}", &raw[..at], &raw[at + before.len()..]);
        set_field(doc, &path, field, &written);
        restated.push(Restated {
            instance_id: instance_id.clone(),
            field: field.to_string(),
            before,
            after,
        });
    }
    Ok(restated)
}

/// The names a NIC is selected by: its InstanceID and ElementName.
fn names(item: &Item) -> Vec<&str> {
    [item.instance_id(), item.element_name()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .collect()
}

/// The untrimmed text of the CIM child `field` of `item`.
fn raw_field(item: &Element, field: &str) -> Option<String> {
    item.elements()
        .find(|c| vocab::is_item_field(*c) && c.name().local == field)
        .map(Element::text)
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
        for child in from.elements().filter(|c| local_name(c) == name.as_str()) {
            let at = super::field_slot(&copy, name).1;
            tree::insert_element(&mut copy, at, child.clone(), &indent);
        }
    }
    // After every Item with this InstanceID, so that it is the latest for `config`.
    let id = last.instance_id().map(str::trim);
    let after = section
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            std::ptr::eq(*i, last) || (id.is_some() && i.instance_id().map(str::trim) == id)
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
