//! VirtualHardwareSection: System (VSSD) and Items (RASD, 2.x EPASD/SASD).

use serde::Serialize;
use tern_diag::Position;

use super::{Cx, Msg, attr_string, child_msg};
use crate::node::Sym;
use crate::vocab;
use crate::xml::ReadElement;

/// A `VirtualHardwareSection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualHardware {
    /// `ovf:id` (tells several sections apart).
    pub id: Option<String>,
    /// Info.
    pub info: Option<Msg>,
    /// `ovf:transport`, split on whitespace (`iso`, `com.vmware.guestInfo`...).
    pub transport: Vec<String>,
    /// The System (VSSD).
    pub system: Option<Vssd>,
    /// Items in document order (Item, EthernetPortItem, StorageItem).
    pub items: Vec<Item>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// `System`: CIM VirtualSystemSettingData.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vssd {
    /// ElementName.
    pub element_name: Option<String>,
    /// InstanceID (or 0.9 `InstanceId`).
    pub instance_id: Option<String>,
    /// VirtualSystemIdentifier.
    pub virtual_system_identifier: Option<String>,
    /// VirtualSystemType, split on whitespace and commas (`vmx-10,vmx-11` occurs).
    pub virtual_system_types: Vec<String>,
}

/// Which element an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// `Item` (RASD).
    Item,
    /// `EthernetPortItem` (2.x, EPASD).
    EthernetPortItem,
    /// `StorageItem` (2.x, SASD).
    StorageItem,
}

/// `ovf:bound` of an item that gives a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// `min`.
    Min,
    /// `max`.
    Max,
    /// `normal`.
    Normal,
    /// Anything else, verbatim.
    Other(String),
}

/// A resource item with every CIM field it may carry, values as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[allow(missing_docs)] // Field names are the CIM property names in snake case.
pub struct Item {
    pub kind: Option<ItemKind>,
    /// `ovf:required` (default true).
    pub required: bool,
    /// `ovf:configuration`, split on whitespace.
    pub configuration: Vec<String>,
    /// `ovf:bound`.
    pub bound: Option<Bound>,
    pub address: Option<String>,
    pub address_on_parent: Option<String>,
    pub allocation_units: Option<String>,
    pub automatic_allocation: Option<String>,
    pub caption: Option<String>,
    pub connection: Vec<String>,
    pub description: Option<String>,
    pub element_name: Option<String>,
    pub host_resource: Vec<String>,
    pub instance_id: Option<String>,
    pub limit: Option<String>,
    pub parent: Option<String>,
    pub reservation: Option<String>,
    pub resource_sub_type: Option<String>,
    pub resource_type: Option<String>,
    pub virtual_quantity: Option<String>,
    pub virtual_quantity_units: Option<String>,
    pub weight: Option<String>,
    /// Sockets of a processor item: oVirt's `rasd:num_of_sockets`.
    pub sockets: Option<String>,
    /// Cores per socket: oVirt's `rasd:cpu_per_socket` or VMware's `vmw:CoresPerSocket`.
    pub cores_per_socket: Option<String>,
    /// Local names of the child elements in document order, once each (`InstanceId` read as
    /// `InstanceID`): what combining Items with the same InstanceID compares.
    #[serde(skip)]
    /// Shared with the document's names: no copy per Item.
    pub children: Vec<Sym>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// CIM ResourceType codes used by the typed helpers.
pub(crate) mod resource_type {
    pub(crate) const PROCESSOR: u16 = 3;
    pub(crate) const MEMORY: u16 = 4;
    pub(crate) const ETHERNET: u16 = 10;
    pub(crate) const CD_DRIVE: u16 = 15;
    pub(crate) const DVD_DRIVE: u16 = 16;
    pub(crate) const DISK_DRIVE: u16 = 17;
}

impl VirtualHardware {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> VirtualHardware {
        VirtualHardware {
            id: attr_string(e, "id"),
            info: child_msg(e, "Info"),
            transport: vocab::attr(e, "transport")
                .map(|t| t.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            system: vocab::child(e, "System").map(Vssd::read),
            items: {
                // Sized once: an Item is large, doubling would leave up to half unused.
                let mut items = Vec::with_capacity(e.elements().count());
                items.extend(e.elements().filter_map(|i| Item::read(cx, i)));
                items
            },
            position: cx.pos(e),
        }
    }
}

impl Vssd {
    fn read<'a>(e: impl ReadElement<'a>) -> Vssd {
        Vssd {
            element_name: vocab::field(e, "ElementName"),
            instance_id: vocab::field(e, "InstanceID"),
            virtual_system_identifier: vocab::field(e, "VirtualSystemIdentifier"),
            virtual_system_types: vocab::field(e, "VirtualSystemType")
                .map(|t| {
                    t.split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl Item {
    /// Reads `e` if it is an Item, EthernetPortItem or StorageItem.
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Option<Item> {
        let kind = match e.name().local.as_str() {
            "Item" => ItemKind::Item,
            "EthernetPortItem" => ItemKind::EthernetPortItem,
            "StorageItem" => ItemKind::StorageItem,
            _ => return None,
        };
        if !vocab::is_ovf(e) {
            return None;
        }
        let mut item = Item {
            kind: Some(kind),
            required: vocab::required(e),
            configuration: vocab::attr(e, "configuration")
                .map(|c| c.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            bound: vocab::attr(e, "bound").map(|b| match b.trim() {
                "min" => Bound::Min,
                "max" => Bound::Max,
                "normal" => Bound::Normal,
                other => Bound::Other(other.to_string()),
            }),
            position: cx.pos(e),
            ..Item::default()
        };
        // One pass over the children: each field from the first child that gives it (the
        // repeatable ones from every child), and the names in document order.
        let mut vmw_cores = None;
        let mut names = ChildNames::default();
        for c in e.elements() {
            let name = c.name();
            names.add(&name.local);
            if !vocab::is_field_name(name) {
                if vmw_cores.is_none() && name.is(crate::names::VMW, "CoresPerSocket") {
                    vmw_cores = Some(c.text().trim().to_string());
                }
                continue;
            }
            let slot = match name.local.as_str() {
                "Address" => &mut item.address,
                "AddressOnParent" => &mut item.address_on_parent,
                "AllocationUnits" => &mut item.allocation_units,
                "AutomaticAllocation" => &mut item.automatic_allocation,
                "Caption" => &mut item.caption,
                "Description" => &mut item.description,
                "ElementName" => &mut item.element_name,
                "InstanceID" | "InstanceId" => &mut item.instance_id,
                "Limit" => &mut item.limit,
                "Parent" => &mut item.parent,
                "Reservation" => &mut item.reservation,
                "ResourceSubType" => &mut item.resource_sub_type,
                "ResourceType" => &mut item.resource_type,
                "VirtualQuantity" => &mut item.virtual_quantity,
                "VirtualQuantityUnits" => &mut item.virtual_quantity_units,
                "Weight" => &mut item.weight,
                "num_of_sockets" => &mut item.sockets,
                "cpu_per_socket" => &mut item.cores_per_socket,
                "Connection" => {
                    item.connection.push(c.text().trim().to_string());
                    continue;
                }
                "HostResource" => {
                    item.host_resource.push(c.text().trim().to_string());
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(c.text().trim().to_string());
            }
        }
        if item.cores_per_socket.is_none() {
            item.cores_per_socket = vmw_cores;
        }
        item.children = names.list;
        Some(item)
    }

    /// The CIM ResourceType code, when it is a number.
    pub fn resource_type_code(&self) -> Option<u16> {
        self.resource_type.as_deref()?.trim().parse().ok()
    }

    /// The number of virtual CPUs of a processor item: VirtualQuantity, or for oVirt (which
    /// leaves it out) sockets × cores per socket.
    pub fn cpu_count(&self) -> Option<u64> {
        self.quantity().or_else(|| {
            let sockets: u64 = self.sockets.as_deref()?.trim().parse().ok()?;
            let cores: u64 = self
                .cores_per_socket
                .as_deref()
                .unwrap_or("1")
                .trim()
                .parse()
                .ok()?;
            sockets.checked_mul(cores)
        })
    }

    /// VirtualQuantity as a number.
    pub fn quantity(&self) -> Option<u64> {
        self.virtual_quantity.as_deref()?.trim().parse().ok()
    }

    /// VirtualQuantity scaled by AllocationUnits, in bytes (memory). `None` when either is
    /// missing or the unit is not an amount of data.
    pub fn quantity_bytes(&self) -> Option<u128> {
        let unit = tern_units::AllocationUnit::parse(self.allocation_units.as_deref()?).ok()?;
        unit.bytes(self.quantity()?).ok()
    }

    /// A human label: ElementName, else Caption, else Description.
    pub fn label(&self) -> Option<&str> {
        self.element_name
            .as_deref()
            .or(self.caption.as_deref())
            .or(self.description.as_deref())
    }

    /// True for processors (ResourceType 3).
    pub fn is_processor(&self) -> bool {
        self.resource_type_code() == Some(resource_type::PROCESSOR)
    }

    /// True for memory (ResourceType 4).
    pub fn is_memory(&self) -> bool {
        self.resource_type_code() == Some(resource_type::MEMORY)
    }

    /// True for Ethernet adapters (ResourceType 10, or any EthernetPortItem).
    pub fn is_nic(&self) -> bool {
        self.kind == Some(ItemKind::EthernetPortItem)
            || self.resource_type_code() == Some(resource_type::ETHERNET)
    }

    /// True for disk drives (ResourceType 17).
    pub fn is_disk(&self) -> bool {
        self.resource_type_code() == Some(resource_type::DISK_DRIVE)
    }

    /// True for CD/DVD drives (ResourceType 15/16).
    pub fn is_optical(&self) -> bool {
        matches!(
            self.resource_type_code(),
            Some(resource_type::CD_DRIVE | resource_type::DVD_DRIVE)
        )
    }

    /// The disk id of a `ovf:/disk/ID` (or legacy `/disk/ID`) HostResource.
    pub fn disk_ref(&self) -> Option<&str> {
        self.host_resource.iter().find_map(|h| {
            h.strip_prefix("ovf:/disk/")
                .or_else(|| h.strip_prefix("/disk/"))
        })
    }

    /// The file id of a `ovf:/file/ID` (or legacy `/file/ID`) HostResource.
    pub fn file_ref(&self) -> Option<&str> {
        self.host_resource.iter().find_map(|h| {
            h.strip_prefix("ovf:/file/")
                .or_else(|| h.strip_prefix("/file/"))
        })
    }
}

/// The local names of an Item's children, once each (`InstanceId` as `InstanceID`): compared
/// with the names so far while they are few (an Item has a dozen), through a set beyond, so
/// that a hostile Item with many children costs linear time.
#[derive(Default)]
struct ChildNames {
    list: Vec<Sym>,
    set: std::collections::HashSet<Sym>,
}

impl ChildNames {
    const LINEAR: usize = 16;

    fn add(&mut self, local: &Sym) {
        let name = if *local == "InstanceId" {
            Sym::from("InstanceID")
        } else {
            local.clone()
        };
        if self.list.len() < Self::LINEAR {
            if !self.list.contains(&name) {
                self.list.push(name);
            }
            return;
        }
        if self.set.is_empty() {
            self.set.extend(self.list.iter().cloned());
        }
        if self.set.insert(name.clone()) {
            self.list.push(name);
        }
    }
}
