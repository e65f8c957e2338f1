//! Edits that touch only what they change: every other byte of the document is written back
//! as it was read. New RASD children are inserted in the schema's (alphabetical) order.
//!
//! ```
//! use tern_ovf::{Document, edit};
//! let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/ovf/minimal.ovf")).unwrap();
//! let mut doc = Document::parse(&xml).unwrap();
//! edit::set_cpus(&mut doc, None, 4).unwrap();
//! edit::set_memory(&mut doc, None, 8 << 30).unwrap();
//! let out = String::from_utf8(doc.to_bytes()).unwrap();
//! assert!(out.contains("<rasd:VirtualQuantity>4</rasd:VirtualQuantity>"));
//! assert!(out.contains("<rasd:VirtualQuantity>8192</rasd:VirtualQuantity>"));
//! ```

mod apply;
mod convert;
mod hardware;
mod property;
mod restate;
mod size;
mod tree;

pub use apply::{Added, Applied, Edits, apply};
pub use convert::{OvfVersion, convert_version};
pub use hardware::{set_cpus, set_cpus_for, set_memory, set_memory_for, set_nic_type};
pub use property::{NewProperty, PROPERTY_TYPES, add_property, set_property};
pub use size::{parse_memory, parse_size, parse_size_in};

use tern_units::AllocationUnit;

use crate::document::Document;
use crate::names;
use crate::node::{Element, Node};
use crate::vocab;

use tree::Path;

/// Why an edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// No VirtualSystem with that id (or none at all).
    #[error("no VirtualSystem {0}")]
    NoSystem(String),
    /// The system has no VirtualHardwareSection.
    #[error("VirtualSystem {0} has no VirtualHardwareSection")]
    NoHardware(String),
    /// No ProductSection property has that key.
    #[error("no Property with key \"{key}\" ({})", known_keys(.known))]
    NoProperty {
        /// The key asked for.
        key: String,
        /// The keys the descriptor declares (qualified `class.key.instance` where the
        /// section has a class or instance), in document order.
        known: Vec<String>,
    },
    /// The key is already declared in the ProductSection a new property would go to.
    #[error("the ProductSection already declares a Property with key \"{0}\"")]
    DuplicateProperty(String),
    /// A property key that cannot be declared (empty, or with blanks).
    #[error("\"{0}\" cannot be a property key (a key is a non-empty word without blanks)")]
    BadKey(String),
    /// A property type DSP0243 does not define.
    #[error("\"{0}\" is not a property type ({types})", types = PROPERTY_TYPES.join(", "))]
    BadType(String),
    /// The value does not fit the property's type.
    #[error("value \"{value}\" is not a valid {ty} for property \"{key}\"")]
    BadValue {
        /// Property key.
        key: String,
        /// Property type.
        ty: String,
        /// The refused value.
        value: String,
    },
    /// The value given for a new property does not fit the type given for it.
    #[error("value \"{value}\" is not a valid {ty} for the new property \"{key}\"")]
    BadNewValue {
        /// Property key.
        key: String,
        /// Property type.
        ty: String,
        /// The refused value.
        value: String,
    },
    /// No item has that InstanceID.
    #[error("no Item with InstanceID \"{0}\"")]
    NoItem(String),
    /// The hardware (of the deployment option) has no Item of the kind an edit changes.
    #[error("{}", no_resource(.what, .option.as_deref()))]
    NoResource {
        /// The kind: `processor Item (ResourceType 3)`.
        what: &'static str,
        /// The deployment option whose hardware was searched, if the descriptor has options.
        option: Option<String>,
    },
    /// No network adapter (of the deployment option) matches: none at all, or none with
    /// that InstanceID or ElementName.
    #[error("{}", no_nic(.selector.as_deref(), .known))]
    NoNic {
        /// The InstanceID or ElementName asked for (`None`: any adapter).
        selector: Option<String>,
        /// The adapters there are, each as "InstanceID ElementName".
        known: Vec<String>,
    },
    /// A NIC type that cannot be written (empty).
    #[error("\"{0}\" is not a NIC type (e.g. E1000, VMXNET3, virtio)")]
    BadNicType(String),
    /// The network is not declared in a NetworkSection.
    #[error("network \"{0}\" is not declared in the NetworkSection")]
    NoNetwork(String),
    /// The deployment option is not declared (the error lists the declared ones).
    #[error(transparent)]
    UnknownDeploymentOption(#[from] crate::model::UnknownConfiguration),
    /// The descriptor has no DiskSection to add a disk to.
    #[error("the descriptor has no DiskSection")]
    NoDiskSection,
    /// No Disk has that `ovf:diskId`.
    #[error("no Disk with ovf:diskId \"{0}\"")]
    NoDisk(String),
    /// A size that cannot be expressed.
    #[error("{0}")]
    Size(String),
}

impl EditError {
    /// True when the request itself is wrong whatever the descriptor says (a size or type
    /// that cannot be written, a value outside the type given with it, a deployment option
    /// the descriptor does not declare: the CLI's usage errors, exit 2); false when the
    /// descriptor lacks what the edit needs or refuses the value (no such system, Item,
    /// property or network, a value outside a declared type: invalid input, exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            EditError::Size(_)
                | EditError::BadKey(_)
                | EditError::BadType(_)
                | EditError::BadNewValue { .. }
                | EditError::BadNicType(_)
                | EditError::UnknownDeploymentOption(_)
        )
    }
}

/// A descriptive text of an Item said again because the value it states changed
/// (`2 virtual CPU(s)` → `4 virtual CPU(s)`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Restated {
    /// The Item's InstanceID.
    pub instance_id: Option<String>,
    /// The field: `ElementName`, `Caption` or `Description`.
    pub field: String,
    /// The text before.
    pub before: String,
    /// The text after.
    pub after: String,
}

/// Sets the capacity of the Disk `disk_id` in bytes; keeps its `ovf:capacityAllocationUnits`
/// (default `byte`) when the size is a whole number of them, otherwise writes the largest
/// binary unit that holds it exactly. A capacity given as `${property}` is not changed.
///
/// ```
/// use tern_ovf::{Document, edit};
/// let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/ovf/minimal.ovf")).unwrap();
/// let mut doc = Document::parse(&xml).unwrap();
/// edit::set_disk_capacity(&mut doc, "disk1", 3 << 30).unwrap();
/// let out = String::from_utf8(doc.to_bytes()).unwrap();
/// assert!(out.contains(r#"ovf:capacity="3" ovf:capacityAllocationUnits="byte * 2^30""#));
/// edit::set_disk_capacity(&mut doc, "disk1", (3 << 30) + (1 << 20)).unwrap();
/// let out = String::from_utf8(doc.to_bytes()).unwrap();
/// assert!(out.contains(r#"ovf:capacity="3073" ovf:capacityAllocationUnits="byte * 2^20""#));
/// ```
pub fn set_disk_capacity(doc: &mut Document, disk_id: &str, bytes: u128) -> Result<(), EditError> {
    if bytes == 0 {
        return Err(EditError::Size("a disk needs a positive size".into()));
    }
    let (path, capacity, units) = {
        let disks = tree::find(doc.root(), &|e| {
            vocab::is(e, "Disk") && vocab::attr(e, "diskId") == Some(disk_id)
        });
        let (path, disk) = disks
            .into_iter()
            .next()
            .ok_or_else(|| EditError::NoDisk(disk_id.to_string()))?;
        let name = |local: &str| {
            disk.attributes()
                .iter()
                .find(|a| a.name.local == local && vocab::attr(disk, local).is_some())
                .map(|a| a.name.clone())
        };
        if let Some(current) = vocab::attr(disk, "capacity").filter(|c| c.contains("${")) {
            return Err(EditError::Size(format!(
                "Disk {disk_id} takes its capacity from {current}: set that property instead"
            )));
        }
        let units = vocab::attr(disk, "capacityAllocationUnits").map(str::to_string);
        (
            path,
            name("capacity").unwrap_or_else(|| tree::ovf_attr_name(doc, "capacity")),
            (units, name("capacityAllocationUnits")),
        )
    };
    let (units, units_name) = units;
    let quantity = match in_units(Some(units.as_deref().unwrap_or("byte")), bytes) {
        (q, None) => q,
        (q, Some(unit)) => {
            let name =
                units_name.unwrap_or_else(|| tree::ovf_attr_name(doc, "capacityAllocationUnits"));
            tree::at_mut(doc, &path).set_attribute(name, unit.to_string());
            q
        }
    };
    tree::at_mut(doc, &path).set_attribute(capacity, quantity.to_string());
    Ok(())
}

/// Removes every item (Item, EthernetPortItem, StorageItem) with `instance_id`.
pub fn remove_item(
    doc: &mut Document,
    system: Option<&str>,
    instance_id: &str,
) -> Result<(), EditError> {
    let hw = hardware_path(doc, system)?;
    let indices: Vec<usize> = element_at(doc, &hw)
        .children()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let e = c.as_element()?;
            (is_item(e) && vocab::field(e, "InstanceID").as_deref() == Some(instance_id))
                .then_some(i)
        })
        .collect();
    if indices.is_empty() {
        return Err(EditError::NoItem(instance_id.to_string()));
    }
    let section = tree::at_mut(doc, &hw);
    for i in indices.into_iter().rev() {
        tree::remove_element(section, i);
    }
    Ok(())
}

/// Adds an Ethernet adapter connected to `network` (which must be declared); returns the new
/// InstanceID.
pub fn add_nic(
    doc: &mut Document,
    system: Option<&str>,
    network: &str,
) -> Result<String, EditError> {
    let declared = crate::Envelope::read(doc)
        .networks
        .iter()
        .any(|n| n.name.as_deref() == Some(network));
    if !declared {
        return Err(EditError::NoNetwork(network.to_string()));
    }
    let hw = hardware_path(doc, system)?;
    let (id, subtype) = {
        let section = element_at(doc, &hw);
        let subtype = section
            .elements()
            .filter(|e| is_item(e))
            .find(|e| vocab::field(*e, "ResourceType").as_deref() == Some("10"))
            .and_then(|e| vocab::field(e, "ResourceSubType"));
        (next_instance_id(section), subtype)
    };
    let nics = count_items(element_at(doc, &hw), "10");
    let mut fields = vec![
        ("AutomaticAllocation", "true".to_string()),
        ("Connection", network.to_string()),
        ("ElementName", format!("Network adapter {}", nics + 1)),
        ("InstanceID", id.clone()),
        ("ResourceType", "10".to_string()),
    ];
    if let Some(s) = subtype {
        fields.push(("ResourceSubType", s));
    }
    append_item(doc, &hw, &[], &fields);
    Ok(id)
}

/// Adds a serial port (ResourceType 21, `ovf:required="false"` as VMware and COT write
/// them) connected to `connection` (a URI such as `telnet://:9001`, written as its
/// `Connection`; `None` or empty: not connected). With `option`, the port is for that
/// deployment option only (`ovf:configuration`). Returns the new InstanceID.
pub fn add_serial(
    doc: &mut Document,
    system: Option<&str>,
    option: Option<&str>,
    connection: Option<&str>,
) -> Result<String, EditError> {
    if let Some(option) = option {
        crate::Envelope::read(doc).choose_configuration(Some(option))?;
    }
    let hw = hardware_path(doc, system)?;
    let (id, ports) = {
        let section = element_at(doc, &hw);
        (next_instance_id(section), count_items(section, "21"))
    };
    let mut fields = vec![
        ("AutomaticAllocation", "true".to_string()),
        ("ElementName", format!("Serial port {}", ports + 1)),
        ("InstanceID", id.clone()),
        ("ResourceType", "21".to_string()),
    ];
    if let Some(c) = connection.map(str::trim).filter(|c| !c.is_empty()) {
        fields.push(("Connection", c.to_string()));
    }
    let mut attributes = vec![(tree::ovf_attr_name(doc, "required"), "false".to_string())];
    if let Some(option) = option {
        attributes.push((
            tree::ovf_attr_name(doc, "configuration"),
            option.to_string(),
        ));
    }
    append_item(doc, &hw, &attributes, &fields);
    Ok(id)
}

/// Adds a blank disk of `bytes` (a DiskSection Disk without fileRef plus a disk drive item on
/// the first disk controller); returns the new disk id.
pub fn add_disk(
    doc: &mut Document,
    system: Option<&str>,
    bytes: u128,
) -> Result<String, EditError> {
    if bytes == 0 {
        return Err(EditError::Size("a disk needs a positive size".into()));
    }
    let hw = hardware_path(doc, system)?;
    let disk_section = tree::find(doc.root(), &|e| {
        vocab::section_kind(e) == Some("DiskSection") && vocab::is_ovf(e)
    })
    .into_iter()
    .map(|(p, _)| p)
    .next()
    .ok_or(EditError::NoDiskSection)?;
    let env = crate::Envelope::read(doc);
    let mut n = env.disks.len() + 1;
    let disk_id = loop {
        let candidate = format!("vmdisk{n}");
        if env.disk(&candidate).is_none() {
            break candidate;
        }
        n += 1;
    };
    // The drive goes on the first disk controller, at the next free unit.
    let (controller, unit, instance_id) = {
        let section = element_at(doc, &hw);
        let items: Vec<&Element> = section.elements().filter(|e| is_item(e)).collect();
        let controller = items
            .iter()
            .find(|e| {
                matches!(
                    vocab::field(**e, "ResourceType").as_deref(),
                    Some("6" | "20" | "5")
                )
            })
            .and_then(|e| vocab::field(*e, "InstanceID"));
        let unit = controller.as_deref().map(|c| {
            items
                .iter()
                .filter(|e| vocab::field(**e, "Parent").as_deref() == Some(c))
                .filter_map(|e| vocab::field(*e, "AddressOnParent")?.parse::<u32>().ok())
                .max()
                .map_or(0, |m| m + 1)
        });
        (controller, unit, next_instance_id(section))
    };
    let (quantity, unit_name) = AllocationUnit::largest_binary_unit(bytes);
    {
        let mut disk = Element::new(disk_name(doc, &disk_section));
        let a = |l| tree::ovf_attr_name(doc, l);
        disk.set_attribute(a("diskId"), disk_id.clone());
        disk.set_attribute(a("capacity"), quantity.to_string());
        disk.set_attribute(a("capacityAllocationUnits"), unit_name.to_string());
        disk.set_attribute(
            a("format"),
            "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
        );
        let (indent, after) = {
            let s = element_at(doc, &disk_section);
            let after = s
                .children()
                .iter()
                .rposition(|c| c.as_element().is_some())
                .map_or(s.children().len(), |i| i + 1);
            (tree::indent_of_children(s, "  "), after)
        };
        let section = tree::at_mut(doc, &disk_section);
        tree::insert_element(section, after, disk, &indent);
    }
    let mut fields = vec![
        ("ElementName", format!("Hard disk {disk_id}")),
        ("HostResource", format!("ovf:/disk/{disk_id}")),
        ("InstanceID", instance_id),
        ("ResourceType", "17".to_string()),
    ];
    if let (Some(c), Some(u)) = (controller, unit) {
        fields.push(("AddressOnParent", u.to_string()));
        fields.push(("Parent", c));
    }
    // The Disk went inside the DiskSection: the hardware section's path is unchanged.
    append_item(doc, &hw, &[], &fields);
    Ok(disk_id)
}

/// Makes `option` the default deployment option (`ovf:default="true"`, removed elsewhere).
pub fn set_default_deployment_option(doc: &mut Document, option: &str) -> Result<(), EditError> {
    let configs: Vec<(Path, bool)> = tree::find(doc.root(), &|e| vocab::is(e, "Configuration"))
        .into_iter()
        .map(|(p, e)| (p, vocab::attr(e, "id") == Some(option)))
        .collect();
    if !configs.iter().any(|(_, hit)| *hit) {
        crate::Envelope::read(doc).choose_configuration(Some(option))?;
    }
    let name = tree::ovf_attr_name(doc, "default");
    for (path, hit) in configs {
        let is_default =
            vocab::attr(element_at(doc, &path), "default").and_then(vocab::boolean) == Some(true);
        if hit && !is_default {
            tree::at_mut(doc, &path).set_attribute(name.clone(), "true");
        } else if !hit && is_default {
            let e = tree::at_mut(doc, &path);
            let ns = name.namespace.clone();
            e.remove_attribute(ns.as_deref(), "default");
        }
    }
    Ok(())
}

/// Sets `vssd:VirtualSystemType` of a system's first hardware section (e.g. `vmx-13` so that
/// vSphere accepts a VirtualBox export written with `virtualbox-2.2`).
pub fn set_virtual_system_type(
    doc: &mut Document,
    system: Option<&str>,
    value: &str,
) -> Result<(), EditError> {
    let hw = hardware_path(doc, system)?;
    let index = element_at(doc, &hw)
        .children()
        .iter()
        .position(|c| c.as_element().is_some_and(|e| vocab::is(e, "System")))
        .ok_or_else(|| EditError::NoItem("(System)".into()))?;
    let mut path = hw;
    path.push(index);
    set_field(doc, &path, "VirtualSystemType", value);
    Ok(())
}

// ---------------------------------------------------------------------------------------

fn element_at<'a>(doc: &'a Document, path: &[usize]) -> &'a Element {
    let mut e = doc.root();
    for &i in path {
        e = e.children()[i]
            .as_element()
            .expect("edit paths point at elements");
    }
    e
}

fn is_item(e: &Element) -> bool {
    vocab::is(e, "Item") || vocab::is(e, "EthernetPortItem") || vocab::is(e, "StorageItem")
}

fn system_path(doc: &Document, system: Option<&str>) -> Result<Path, EditError> {
    let systems = tree::find(doc.root(), &|e| {
        vocab::content_kind(e) == Some("VirtualSystem")
    });
    let found = match system {
        Some(id) => systems
            .into_iter()
            .find(|(_, e)| vocab::attr(*e, "id") == Some(id)),
        None => systems.into_iter().next(),
    };
    found.map(|(p, _)| p).ok_or_else(|| {
        EditError::NoSystem(system.unwrap_or("(none in the descriptor)").to_string())
    })
}

fn hardware_path(doc: &Document, system: Option<&str>) -> Result<Path, EditError> {
    let vs = system_path(doc, system)?;
    let e = element_at(doc, &vs);
    let index = e
        .children()
        .iter()
        .position(|c| {
            c.as_element().is_some_and(|c| {
                vocab::section_kind(c) == Some("VirtualHardwareSection") && vocab::is_ovf(c)
            })
        })
        .ok_or_else(|| EditError::NoHardware(vocab::attr(e, "id").unwrap_or("?").to_string()))?;
    let mut path = vs;
    path.push(index);
    Ok(path)
}

/// Sets the CIM child `field` of the item at `path`, creating it in schema order.
fn set_field(doc: &mut Document, path: &[usize], field: &str, value: &str) {
    let (existing, insert_at, ns, indent) = {
        let item = element_at(doc, path);
        let (existing, insert_at) = field_slot(item, field);
        let ns = item
            .elements()
            .find(|e| vocab::is_item_field(*e))
            .and_then(|e| e.name().namespace.clone())
            .map_or_else(|| names::RASD.to_string(), |n| n.to_string());
        let indent = tree::indent_of_children(item, "      ");
        (existing, insert_at, ns, indent)
    };
    if let Some(i) = existing {
        let item = tree::at_mut(doc, path);
        if let Some(e) = item.children_mut()[i].as_element_mut() {
            e.set_text(value);
        }
        return;
    }
    let prefix = if ns == names::RASD { "rasd" } else { "cim" };
    let new = tree::text_element(doc, &ns, field, prefix, value);
    let item = tree::at_mut(doc, path);
    tree::insert_element(item, insert_at, new, &indent);
}

/// Where the CIM child `field` of `item` is (its index, if present) and where a new one goes:
/// before the first field that sorts after it, else after the last field.
fn field_slot(item: &Element, field: &str) -> (Option<usize>, usize) {
    let existing = item.children().iter().position(|c| {
        c.as_element().is_some_and(|e| {
            vocab::is_item_field(e)
                && (e.name().local == field
                    || (field == "InstanceID" && e.name().local == "InstanceId"))
        })
    });
    let mut insert_at = None;
    let mut after_last = None;
    for (i, c) in item.children().iter().enumerate() {
        let Some(e) = c.as_element() else { continue };
        if !vocab::is_item_field(e) {
            continue;
        }
        after_last = Some(i + 1);
        if insert_at.is_none() && e.name().local.as_str() > field {
            insert_at = Some(i);
        }
    }
    (
        existing,
        insert_at.or(after_last).unwrap_or(item.children().len()),
    )
}

fn next_instance_id(section: &Element) -> String {
    let max = section
        .elements()
        .filter(|e| is_item(e) || vocab::is(*e, "System"))
        .filter_map(|e| vocab::field(e, "InstanceID")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    (max + 1).to_string()
}

fn count_items(section: &Element, resource_type: &str) -> usize {
    section
        .elements()
        .filter(|e| {
            is_item(e) && vocab::field(*e, "ResourceType").as_deref() == Some(resource_type)
        })
        .count()
}

/// Appends a new `Item` (named like the existing ones) with `attributes` and `fields` (in
/// schema order).
fn append_item(
    doc: &mut Document,
    hw: &[usize],
    attributes: &[(crate::node::Name, String)],
    fields: &[(&str, String)],
) {
    let (name, indent, field_indent) = {
        let section = element_at(doc, hw);
        let sibling = section.elements().find(|e| vocab::is(*e, "Item"));
        let name = sibling.map_or_else(|| section.name().with_local("Item"), |s| s.name().clone());
        let indent = tree::indent_of_children(section, "    ");
        let field_indent = sibling
            .and_then(Element::child_indent)
            .map_or_else(|| format!("{indent}  "), str::to_string);
        (name, indent, field_indent)
    };
    let mut sorted: Vec<&(&str, String)> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut item = Element::new(name);
    for (name, value) in attributes {
        item.set_attribute(name.clone(), value.clone());
    }
    for (field, value) in sorted {
        let new = tree::text_element(doc, names::RASD, field, "rasd", value);
        let children = item.children_mut();
        children.push(Node::Text(crate::node::Text::new(field_indent.clone())));
        children.push(Node::from(new));
    }
    // Close the item on its own line, aligned with its start tag.
    item.children_mut()
        .push(Node::Text(crate::node::Text::new(indent.clone())));
    let section = tree::at_mut(doc, hw);
    let last_item = section
        .children()
        .iter()
        .rposition(|c| c.as_element().is_some_and(is_item))
        .map_or(section.children().len(), |i| i + 1);
    tree::insert_element(section, last_item, item, &indent);
}

fn disk_name(doc: &Document, section: &[usize]) -> crate::node::Name {
    let s = element_at(doc, section);
    s.elements()
        .find(|e| vocab::is(*e, "Disk"))
        .map_or_else(|| s.name().with_local("Disk"), |d| d.name().clone())
}

// `bytes` as a quantity of `units` when it is a whole number of them; otherwise in the
// largest binary unit that holds it exactly, returned to be written beside it. Sizes keep the
// units the author chose whenever they can.
fn in_units(units: Option<&str>, bytes: u128) -> (u128, Option<AllocationUnit>) {
    let kept = units
        .and_then(|u| AllocationUnit::parse(u).ok())
        .and_then(|unit| unit.from_base(bytes).ok())
        .filter(|q| u64::try_from(*q).is_ok());
    if let Some(q) = kept {
        (q, None)
    } else {
        let (q, unit) = AllocationUnit::largest_binary_unit(bytes);
        (q, Some(unit))
    }
}

fn known_keys(known: &[String]) -> String {
    const SHOWN: usize = 12;
    match known.len() {
        0 => "the descriptor declares no properties".to_string(),
        n if n <= SHOWN => format!("declared: {}", known.join(", ")),
        n => format!(
            "declared: {} and {} more",
            known[..SHOWN].join(", "),
            n - SHOWN
        ),
    }
}

fn no_nic(selector: Option<&str>, known: &[String]) -> String {
    match (selector, known.is_empty()) {
        (_, true) => "the system has no network adapter (ResourceType 10)".to_string(),
        (Some(s), false) => format!(
            "no network adapter with InstanceID or ElementName \"{s}\" (there are: {})",
            known.join("; ")
        ),
        (None, false) => "no network adapter matches".to_string(),
    }
}

fn no_resource(what: &str, option: Option<&str>) -> String {
    match option {
        Some(o) => format!("deployment option {o} gives the system no {what}"),
        None => format!("the system has no {what}"),
    }
}
