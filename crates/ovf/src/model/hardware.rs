//! VirtualHardwareSection: System (VSSD) and Items (RASD, 2.x EPASD/SASD).

use serde::Serialize;
use tern_diag::Position;

use super::fields::{ItemField, Values, ValuesBuilder};
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

/// A resource item with every CIM field it may carry, values as written (trimmed): read
/// through the accessors ([`Item::caption`], [`Item::host_resource`]..., or [`Item::get`]
/// and [`Item::all`] by [`ItemField`]). The values are stored compactly (one string and a
/// small index): an Item costs about its values, not twenty empty fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// Which element the item is.
    pub kind: Option<ItemKind>,
    /// `ovf:required` (default true).
    pub required: bool,
    /// `ovf:configuration`, split on whitespace.
    pub configuration: Vec<String>,
    /// `ovf:bound`.
    pub bound: Option<Bound>,
    /// The CIM fields.
    pub(crate) values: Values,
    /// Local names of the child elements in document order, once each (`InstanceId` read as
    /// `InstanceID`): what combining Items with the same InstanceID compares. Shared with
    /// the document's names: no copy per Item.
    pub children: Vec<Sym>,
    /// Start tag position.
    pub position: Position,
}

/// One accessor per field: `Option<&str>` for a field, an iterator for a repeatable one.
macro_rules! accessors {
    ($($(#[$doc:meta])* $name:ident => $field:ident;)*) => {
        impl Item {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Option<&str> {
                    self.get(ItemField::$field)
                }
            )*
        }
    };
}

accessors! {
    /// `Address`.
    address => Address;
    /// `AddressOnParent`.
    address_on_parent => AddressOnParent;
    /// `AllocationUnits`.
    allocation_units => AllocationUnits;
    /// `AutomaticAllocation`.
    automatic_allocation => AutomaticAllocation;
    /// `Caption`.
    caption => Caption;
    /// `Description`.
    description => Description;
    /// `ElementName`.
    element_name => ElementName;
    /// `InstanceID` (or the 0.9 casing `InstanceId`).
    instance_id => InstanceId;
    /// `Limit`.
    limit => Limit;
    /// `Parent`.
    parent => Parent;
    /// `Reservation`.
    reservation => Reservation;
    /// `ResourceSubType`.
    resource_sub_type => ResourceSubType;
    /// `ResourceType`.
    resource_type => ResourceType;
    /// `VirtualQuantity`.
    virtual_quantity => VirtualQuantity;
    /// `VirtualQuantityUnits`.
    virtual_quantity_units => VirtualQuantityUnits;
    /// `Weight`.
    weight => Weight;
    /// Sockets of a processor item: oVirt's `rasd:num_of_sockets`.
    sockets => Sockets;
    /// Cores per socket: oVirt's `rasd:cpu_per_socket` or VMware's `vmw:CoresPerSocket`.
    cores_per_socket => CoresPerSocket;
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
        // One pass over the children: each field from the first child that gives it (the
        // repeatable ones from every child), and the names in document order.
        let children = e.elements().count();
        let mut values = ValuesBuilder::with_capacity(children);
        let mut vmw_cores = None;
        let mut names = ChildNames::with_capacity(children);
        for c in e.elements() {
            let name = c.name();
            names.add(&name.local);
            if !vocab::is_field_name(name) {
                if vmw_cores.is_none() && name.is(crate::names::VMW, "CoresPerSocket") {
                    vmw_cores = Some(c.text());
                }
                continue;
            }
            if let Some(field) = ItemField::from_element(&name.local)
                && !values.has(field)
            {
                values.push(field, c.text().trim());
            }
        }
        if let Some(cores) = vmw_cores {
            values.push(ItemField::CoresPerSocket, cores.trim());
        }
        Some(Item {
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
            values: values.finish(),
            children: names.list,
            position: cx.pos(e),
        })
    }

    /// The value of `field` (the first one, for a repeatable field).
    pub fn get(&self, field: ItemField) -> Option<&str> {
        self.values.get(field)
    }

    /// Every value of `field`, in document order (one at most for a field that is not
    /// repeatable).
    pub fn all(&self, field: ItemField) -> impl Iterator<Item = &str> {
        self.values.all(field)
    }

    /// Every field given, with its value, in document order.
    pub fn fields(&self) -> impl Iterator<Item = (ItemField, &str)> {
        self.values.iter()
    }

    /// The `Connection` values, in document order.
    pub fn connection(&self) -> impl Iterator<Item = &str> {
        self.all(ItemField::Connection)
    }

    /// The `HostResource` values, in document order.
    pub fn host_resource(&self) -> impl Iterator<Item = &str> {
        self.all(ItemField::HostResource)
    }

    /// The CIM ResourceType code, when it is a number.
    pub fn resource_type_code(&self) -> Option<u16> {
        self.resource_type()?.trim().parse().ok()
    }

    /// The number of virtual CPUs of a processor item: VirtualQuantity, or for oVirt (which
    /// leaves it out) sockets × cores per socket.
    pub fn cpu_count(&self) -> Option<u64> {
        self.quantity().or_else(|| {
            let sockets: u64 = self.sockets()?.trim().parse().ok()?;
            let cores: u64 = self.cores_per_socket().unwrap_or("1").trim().parse().ok()?;
            sockets.checked_mul(cores)
        })
    }

    /// VirtualQuantity as a number.
    pub fn quantity(&self) -> Option<u64> {
        self.virtual_quantity()?.trim().parse().ok()
    }

    /// VirtualQuantity scaled by AllocationUnits, in bytes (memory). `None` when either is
    /// missing or the unit is not an amount of data.
    pub fn quantity_bytes(&self) -> Option<u128> {
        let unit = tern_units::AllocationUnit::parse(self.allocation_units()?).ok()?;
        unit.bytes(self.quantity()?).ok()
    }

    /// A human label: ElementName, else Caption, else Description.
    pub fn label(&self) -> Option<&str> {
        self.element_name()
            .or_else(|| self.caption())
            .or_else(|| self.description())
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
        self.host_resource().find_map(|h| {
            h.strip_prefix("ovf:/disk/")
                .or_else(|| h.strip_prefix("/disk/"))
        })
    }

    /// The file id of a `ovf:/file/ID` (or legacy `/file/ID`) HostResource.
    pub fn file_ref(&self) -> Option<&str> {
        self.host_resource().find_map(|h| {
            h.strip_prefix("ovf:/file/")
                .or_else(|| h.strip_prefix("/file/"))
        })
    }
}

/// The local names of an Item's children, once each (`InstanceId` as `InstanceID`): compared
/// with the names so far while they are few (an Item has a dozen), through a set beyond, so
/// that a hostile Item with many children costs linear time.
struct ChildNames {
    list: Vec<Sym>,
    set: crate::hash::HashSet<Sym>,
}

impl ChildNames {
    const LINEAR: usize = 16;

    fn with_capacity(children: usize) -> Self {
        ChildNames {
            list: Vec::with_capacity(children),
            set: crate::hash::HashSet::default(),
        }
    }

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
