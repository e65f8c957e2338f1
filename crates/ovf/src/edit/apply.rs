//! Many edits at once (`tern ovf edit`), in a fixed order, with a report of what they did.

use serde::Serialize;

use super::{
    EditError, NewProperty, OvfVersion, Restated, add_disk, add_nic, add_property, add_serial,
    convert_version, remove_item, set_cpus_for, set_default_deployment_option, set_memory_for,
    set_nic_type, set_property, set_virtual_system_type,
};
use crate::document::Document;

/// The edits of one `tern ovf edit`. Hardware edits (CPUs, memory, NIC type, serial ports)
/// apply to one deployment option: `option`, else the default one.
///
/// ```
/// use tern_ovf::{Document, edit};
/// let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/ovf/minimal.ovf")).unwrap();
/// let mut doc = Document::parse(&xml).unwrap();
/// let mut edits = edit::Edits::default();
/// edits.cpus = Some(2);
/// edits.add_serials.push("telnet://:9001".into());
/// let applied = edit::apply(&mut doc, &edits).unwrap();
/// assert_eq!(applied.restated[0].after, "2 virtual CPU");
/// assert_eq!(applied.added[0].kind, "serial port");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edits {
    /// The VirtualSystem to edit by `ovf:id` (for a new property, a VirtualSystemCollection
    /// too); `None`: the first VirtualSystem.
    pub system: Option<String>,
    /// The deployment option whose hardware changes; `None`: the default one.
    pub option: Option<String>,
    /// Number of virtual CPUs.
    pub cpus: Option<u64>,
    /// Memory in bytes.
    pub memory: Option<u128>,
    /// A property to declare (before `properties` are set).
    pub new_property: Option<NewProperty>,
    /// Property defaults to set: key (plain or qualified), value.
    pub properties: Vec<(String, String)>,
    /// InstanceIDs of Items to remove.
    pub remove_items: Vec<String>,
    /// Networks to add a NIC on.
    pub add_nics: Vec<String>,
    /// The NIC type (ResourceSubType) to give the NICs `nics` selects (after `add_nics`).
    pub nic_type: Option<String>,
    /// The NICs `nic_type` applies to, by InstanceID or ElementName; empty: all of them.
    pub nics: Vec<String>,
    /// Serial ports to add, by connection (empty: not connected).
    pub add_serials: Vec<String>,
    /// Blank disks to add, in bytes.
    pub add_disks: Vec<u128>,
    /// The deployment option to make the default.
    pub default_option: Option<String>,
    /// `vssd:VirtualSystemType`.
    pub virtual_system_type: Option<String>,
    /// The OVF version to convert to, last.
    pub ovf_version: Option<OvfVersion>,
}

/// What [`apply`] did besides setting the values asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Applied {
    /// New Items and Disks, with their ids.
    pub added: Vec<Added>,
    /// Descriptive texts said again because the value they state changed.
    pub restated: Vec<Restated>,
    /// EPASD/SASD fields dropped going down to OVF 1.x (they have no RASD equivalent).
    pub dropped: Vec<String>,
}

/// Something [`apply`] added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Added {
    /// `network adapter`, `serial port` or `disk`.
    pub kind: &'static str,
    /// The InstanceID of the new Item (for a disk: the new `ovf:diskId`).
    pub id: String,
}

/// Applies `edits` in this order: CPUs, memory, the new property, property values, removed
/// Items, new NICs, the NIC type, new serial ports, new disks, the default option, the
/// virtual system type, the OVF version. Stops at the first error (the document is then
/// partly edited: write it only on success).
pub fn apply(doc: &mut Document, edits: &Edits) -> Result<Applied, EditError> {
    let system = edits.system.as_deref();
    let option = edits.option.as_deref();
    let mut applied = Applied::default();
    if let Some(n) = edits.cpus {
        applied
            .restated
            .extend(set_cpus_for(doc, system, option, n)?);
    }
    if let Some(bytes) = edits.memory {
        applied
            .restated
            .extend(set_memory_for(doc, system, option, bytes)?);
    }
    if let Some(p) = &edits.new_property {
        add_property(doc, system, p)?;
    }
    for (key, value) in &edits.properties {
        set_property(doc, key, value)?;
    }
    for id in &edits.remove_items {
        remove_item(doc, system, id)?;
    }
    for network in &edits.add_nics {
        let id = add_nic(doc, system, network)?;
        applied.added.push(Added {
            kind: "network adapter",
            id,
        });
    }
    if let Some(subtype) = &edits.nic_type {
        let nics: Vec<&str> = edits.nics.iter().map(String::as_str).collect();
        applied
            .restated
            .extend(set_nic_type(doc, system, option, &nics, subtype)?);
    }
    for connection in &edits.add_serials {
        let id = add_serial(doc, system, option, Some(connection))?;
        applied.added.push(Added {
            kind: "serial port",
            id,
        });
    }
    for &bytes in &edits.add_disks {
        let id = add_disk(doc, system, bytes)?;
        applied.added.push(Added { kind: "disk", id });
    }
    if let Some(o) = &edits.default_option {
        set_default_deployment_option(doc, o)?;
    }
    if let Some(ty) = &edits.virtual_system_type {
        set_virtual_system_type(doc, system, ty)?;
    }
    if let Some(version) = edits.ovf_version {
        applied.dropped = convert_version(doc, version)?;
    }
    Ok(applied)
}
