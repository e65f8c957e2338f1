//! OVF 2.x ⇄ 1.x: the Envelope namespace, `ovf:version`, and the 2.x port/storage items
//! (EthernetPortItem/EPASD, StorageItem/SASD) ⇄ RASD Items with ResourceType 10/15/16/17.
//! Only the elements that change are rewritten.

use super::{EditError, element_at, tree};
use crate::document::Document;
use crate::names;
use crate::node::{Element, Name, NameParts, Sym};
use crate::reader::XMLNS_NAMESPACE;
use crate::vocab;

/// The OVF major version to convert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OvfVersion {
    /// DSP0243 1.x (`.../envelope/1`, RASD items only).
    V1,
    /// DSP0243 2.x (`.../envelope/2`, EthernetPortItem and StorageItem).
    V2,
}

/// Element names of CIM RASD: EPASD/SASD children outside this set have no 1.x equivalent.
const RASD_FIELDS: &[&str] = &[
    "Address",
    "AddressOnParent",
    "AllocationUnits",
    "AutomaticAllocation",
    "AutomaticDeallocation",
    "Caption",
    "ChangeableType",
    "ComponentSetting",
    "ConfigurationName",
    "Connection",
    "ConsumerVisibility",
    "Description",
    "ElementName",
    "Generation",
    "HostResource",
    "InstanceID",
    "InstanceId",
    "Limit",
    "MappingBehavior",
    "OtherResourceType",
    "Parent",
    "PoolID",
    "Reservation",
    "ResourceSubType",
    "ResourceType",
    "SoID",
    "SoOrgID",
    "VirtualQuantity",
    "VirtualQuantityUnits",
    "Weight",
];

/// Converts a DMTF 1.x or 2.x descriptor to `target`. Returns the EPASD/SASD fields that
/// had to be dropped going down to 1.x (they have no RASD equivalent).
pub fn convert_version(doc: &mut Document, target: OvfVersion) -> Result<Vec<String>, EditError> {
    let from = doc
        .root()
        .name()
        .namespace
        .as_deref()
        .unwrap_or_default()
        .to_string();
    let (old_ns, new_ns, version) = match target {
        OvfVersion::V1 => (names::OVF_2, names::OVF_1, "1.0"),
        OvfVersion::V2 => (names::OVF_1, names::OVF_2, "2.0"),
    };
    if from == new_ns {
        return Ok(Vec::new());
    }
    if from != old_ns {
        return Err(EditError::Size(format!(
            "only DMTF OVF 1.x and 2.x convert (the Envelope namespace is {from})"
        )));
    }
    let mut dropped = Vec::new();
    // Items first: their paths are computed on the unchanged tree.
    let items: Vec<(tree::Path, String, Option<String>)> = tree::find(doc.root(), &|e| {
        vocab::is_ovf(e)
            && matches!(
                e.name().local.as_str(),
                "Item" | "EthernetPortItem" | "StorageItem"
            )
    })
    .into_iter()
    .map(|(p, e)| {
        (
            p,
            e.name().local.to_string(),
            vocab::field(e, "ResourceType"),
        )
    })
    .collect();
    for (path, local, resource_type) in items {
        match (target, local.as_str(), resource_type.as_deref()) {
            (OvfVersion::V1, "EthernetPortItem" | "StorageItem", _) => {
                let rasd = declare(doc, names::RASD, "rasd");
                dropped.extend(retype(doc, &path, "Item", names::RASD, &rasd, true));
            }
            (OvfVersion::V2, "Item", Some("10")) => {
                let prefix = declare(doc, names::EPASD, "epasd");
                retype(doc, &path, "EthernetPortItem", names::EPASD, &prefix, false);
            }
            (OvfVersion::V2, "Item", Some("15" | "16" | "17")) => {
                let prefix = declare(doc, names::SASD, "sasd");
                retype(doc, &path, "StorageItem", names::SASD, &prefix, false);
            }
            _ => {}
        }
    }
    retarget_namespace(doc, old_ns, new_ns);
    let root = doc.root_mut();
    if let Some(a) = root
        .attributes
        .iter_mut()
        .find(|a| a.name.local == "version" && a.name.namespace.as_deref() == Some(new_ns))
    {
        a.set_value(version.to_string());
        root.start_dirty = true;
    }
    Ok(dropped)
}

/// Makes sure the root declares `namespace`; returns the prefix to use.
fn declare(doc: &mut Document, namespace: &str, wanted: &str) -> String {
    let root = doc.root();
    if let Some(a) = root
        .attributes()
        .iter()
        .find(|a| a.name.prefix.as_deref() == Some("xmlns") && a.value == namespace)
    {
        return a.name.local.to_string();
    }
    let mut prefix = wanted.to_string();
    let mut n = 1;
    while root
        .attributes()
        .iter()
        .any(|a| a.name.prefix.as_deref() == Some("xmlns") && a.name.local == prefix)
    {
        n += 1;
        prefix = format!("{wanted}{n}");
    }
    doc.root_mut().set_attribute(
        Name::new(Some("xmlns"), &prefix, Some(XMLNS_NAMESPACE)),
        namespace,
    );
    prefix
}

/// Renames the item at `path` to `local` and moves its CIM fields to `namespace`. Going down
/// to RASD, fields RASD lacks are removed and returned.
fn retype(
    doc: &mut Document,
    path: &[usize],
    local: &str,
    namespace: &str,
    prefix: &str,
    drop_unknown: bool,
) -> Vec<String> {
    let doomed: Vec<usize> = element_at(doc, path)
        .children()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let e = c.as_element()?;
            (drop_unknown
                && vocab::is_item_field(e)
                && !RASD_FIELDS.contains(&e.name().local.as_str()))
            .then_some(i)
        })
        .collect();
    let dropped: Vec<String> = doomed
        .iter()
        .filter_map(|&i| element_at(doc, path).children()[i].as_element())
        .map(|e| e.name().qualified())
        .collect();
    let item = tree::at_mut(doc, path);
    for i in doomed.into_iter().rev() {
        tree::remove_element(item, i);
    }
    let (item_prefix, item_ns) = (
        item.name.prefix.as_deref().map(str::to_string),
        item.name.namespace.clone(),
    );
    rename(item, item_prefix, local, item_ns);
    for child in item.elements_mut() {
        if vocab::is_item_field(&*child) {
            let field = child.name.local.to_string();
            rename(
                child,
                Some(prefix.to_string()),
                &field,
                Some(namespace.into()),
            );
        }
    }
    dropped
}

/// Renames an element: both tags are regenerated, the content is kept.
fn rename(
    e: &mut Element,
    prefix: Option<String>,
    local: &str,
    namespace: Option<std::sync::Arc<str>>,
) {
    e.name = Name::from(NameParts {
        prefix: prefix.map(Sym::from),
        local: Sym::from(local),
        namespace,
    });
    e.start_dirty = true;
    e.content_dirty = true;
    if !e.children.is_empty() {
        // The old end tag names the old element: write a new one.
        if let Some(tags) = &mut e.tags {
            tags.drop_end_tag();
        }
    }
}

/// Rebinds every declaration of `old` to `new` and updates the resolved names, which are
/// written by prefix and so need no other change.
fn retarget_namespace(doc: &mut Document, old: &str, new: &str) {
    fn walk(e: &mut Element, old: &str, new: &str) -> bool {
        let mut changed = false;
        if e.name.namespace.as_deref() == Some(old) {
            e.name.set_namespace(Some(new.into()));
        }
        for a in &mut e.attributes {
            if a.is_namespace_declaration() && a.value == old {
                a.set_value(new);
                e.start_dirty = true;
                changed = true;
            } else if a.name.namespace.as_deref() == Some(old) {
                a.name.set_namespace(Some(new.into()));
            }
        }
        for child in e
            .children
            .iter_mut()
            .filter_map(crate::node::Node::as_element_mut)
        {
            if walk(child, old, new) {
                e.content_dirty = true;
                changed = true;
            }
        }
        changed
    }
    walk(doc.root_mut(), old, new);
}
