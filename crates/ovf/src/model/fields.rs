//! The values of a resource item, stored compactly: one string holding every value one
//! after another and a small index of (field, end offset). A descriptor may hold hundreds of
//! thousands of Items, each with a handful of the twenty fields it may carry: twenty
//! `Option<String>`s and an allocation per value made the typed view several times the
//! size of the descriptor.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::hardware::Item;

/// A CIM field of a resource item ([`Item::get`], [`Item::all`]): RASD (and 2.x
/// EPASD/SASD) properties, and the CPU topology oVirt and VMware write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ItemField {
    /// `Address`.
    Address,
    /// `AddressOnParent`.
    AddressOnParent,
    /// `AllocationUnits`.
    AllocationUnits,
    /// `AutomaticAllocation`.
    AutomaticAllocation,
    /// `Caption`.
    Caption,
    /// `Connection` (repeatable).
    Connection,
    /// `Description`.
    Description,
    /// `ElementName`.
    ElementName,
    /// `HostResource` (repeatable).
    HostResource,
    /// `InstanceID` (or the 0.9 casing `InstanceId`).
    InstanceId,
    /// `Limit`.
    Limit,
    /// `Parent`.
    Parent,
    /// `Reservation`.
    Reservation,
    /// `ResourceSubType`.
    ResourceSubType,
    /// `ResourceType`.
    ResourceType,
    /// `VirtualQuantity`.
    VirtualQuantity,
    /// `VirtualQuantityUnits`.
    VirtualQuantityUnits,
    /// `Weight`.
    Weight,
    /// Sockets of a processor item: oVirt's `rasd:num_of_sockets`.
    Sockets,
    /// Cores per socket: oVirt's `rasd:cpu_per_socket` or VMware's `vmw:CoresPerSocket`.
    CoresPerSocket,
}

impl ItemField {
    /// Every field, in the order the typed view serializes them.
    pub const ALL: [ItemField; 20] = [
        ItemField::Address,
        ItemField::AddressOnParent,
        ItemField::AllocationUnits,
        ItemField::AutomaticAllocation,
        ItemField::Caption,
        ItemField::Connection,
        ItemField::Description,
        ItemField::ElementName,
        ItemField::HostResource,
        ItemField::InstanceId,
        ItemField::Limit,
        ItemField::Parent,
        ItemField::Reservation,
        ItemField::ResourceSubType,
        ItemField::ResourceType,
        ItemField::VirtualQuantity,
        ItemField::VirtualQuantityUnits,
        ItemField::Weight,
        ItemField::Sockets,
        ItemField::CoresPerSocket,
    ];

    /// True for the fields an Item may give several times (`Connection`, `HostResource`).
    pub fn is_repeatable(self) -> bool {
        matches!(self, ItemField::Connection | ItemField::HostResource)
    }

    /// The field a child element of an item namespace (RASD, EPASD, SASD) gives, by its
    /// local name (`InstanceId` is `InstanceID`; oVirt's `num_of_sockets` and
    /// `cpu_per_socket`).
    pub fn from_element(local: &str) -> Option<ItemField> {
        Some(match local {
            "Address" => ItemField::Address,
            "AddressOnParent" => ItemField::AddressOnParent,
            "AllocationUnits" => ItemField::AllocationUnits,
            "AutomaticAllocation" => ItemField::AutomaticAllocation,
            "Caption" => ItemField::Caption,
            "Connection" => ItemField::Connection,
            "Description" => ItemField::Description,
            "ElementName" => ItemField::ElementName,
            "HostResource" => ItemField::HostResource,
            "InstanceID" | "InstanceId" => ItemField::InstanceId,
            "Limit" => ItemField::Limit,
            "Parent" => ItemField::Parent,
            "Reservation" => ItemField::Reservation,
            "ResourceSubType" => ItemField::ResourceSubType,
            "ResourceType" => ItemField::ResourceType,
            "VirtualQuantity" => ItemField::VirtualQuantity,
            "VirtualQuantityUnits" => ItemField::VirtualQuantityUnits,
            "Weight" => ItemField::Weight,
            "num_of_sockets" => ItemField::Sockets,
            "cpu_per_socket" => ItemField::CoresPerSocket,
            _ => return None,
        })
    }

    /// The key of the field in the typed view's serialization (`address_on_parent`).
    pub fn key(self) -> &'static str {
        match self {
            ItemField::Address => "address",
            ItemField::AddressOnParent => "address_on_parent",
            ItemField::AllocationUnits => "allocation_units",
            ItemField::AutomaticAllocation => "automatic_allocation",
            ItemField::Caption => "caption",
            ItemField::Connection => "connection",
            ItemField::Description => "description",
            ItemField::ElementName => "element_name",
            ItemField::HostResource => "host_resource",
            ItemField::InstanceId => "instance_id",
            ItemField::Limit => "limit",
            ItemField::Parent => "parent",
            ItemField::Reservation => "reservation",
            ItemField::ResourceSubType => "resource_sub_type",
            ItemField::ResourceType => "resource_type",
            ItemField::VirtualQuantity => "virtual_quantity",
            ItemField::VirtualQuantityUnits => "virtual_quantity_units",
            ItemField::Weight => "weight",
            ItemField::Sockets => "sockets",
            ItemField::CoresPerSocket => "cores_per_socket",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// The values of one Item: `text` holds them one after another, `index` says which field
/// each is and where it ends, in the order they were given. A field that is not
/// repeatable appears at most once.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Values {
    text: Box<str>,
    index: Box<[(ItemField, u32)]>,
}

impl Values {
    /// Each value with its field, in the order given.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ItemField, &str)> {
        let mut start = 0;
        self.index.iter().map(move |&(field, end)| {
            let end = end as usize;
            let value = self.text.get(start..end).unwrap_or_default();
            start = end;
            (field, value)
        })
    }

    /// The value of `field` (the first, for a repeatable one).
    pub(crate) fn get(&self, field: ItemField) -> Option<&str> {
        self.iter().find(|(f, _)| *f == field).map(|(_, v)| v)
    }

    /// Every value of `field`, in the order given.
    pub(crate) fn all(&self, field: ItemField) -> impl Iterator<Item = &str> {
        self.iter()
            .filter(move |(f, _)| *f == field)
            .map(|(_, v)| v)
    }

    /// `later` laid over `self`, as Items sharing an InstanceID combine: each field from
    /// `later` when it gives it, from `self` otherwise (a repeatable field: all its values
    /// from the one that gives any).
    pub(crate) fn overlay(&self, later: &Values) -> Values {
        // Which fields each side gives, found in one pass: the fields neither gives (most
        // of them) are not looked for.
        let (mine, theirs) = (self.given(), later.given());
        let mut out = ValuesBuilder::with_capacity(self.index.len() + later.index.len());
        for field in ItemField::ALL {
            let bit = field.bit();
            let from = if theirs & bit != 0 {
                later
            } else if mine & bit != 0 {
                self
            } else {
                continue;
            };
            for value in from.all(field) {
                out.push(field, value);
            }
        }
        out.finish()
    }

    // The fields given, as a set of bits.
    fn given(&self) -> u32 {
        self.index
            .iter()
            .fold(0, |bits, (field, _)| bits | field.bit())
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(field, value)| (field.key(), value)))
            .finish()
    }
}

/// Collects [`Values`]: a field that is not repeatable keeps its first value.
#[derive(Default)]
pub(crate) struct ValuesBuilder {
    text: String,
    index: Vec<(ItemField, u32)>,
    given: u32,
}

impl ValuesBuilder {
    /// A builder for about `fields` values (sized once: an Item's children are known).
    pub(crate) fn with_capacity(fields: usize) -> Self {
        ValuesBuilder {
            text: String::with_capacity(fields * 16),
            index: Vec::with_capacity(fields),
            given: 0,
        }
    }

    /// True when `field` already has its (only) value.
    pub(crate) fn has(&self, field: ItemField) -> bool {
        !field.is_repeatable() && self.given & field.bit() != 0
    }

    /// Adds a value of `field` (ignored when the field already has its only value).
    pub(crate) fn push(&mut self, field: ItemField, value: &str) {
        if self.has(field) {
            return;
        }
        // Offsets are u32: the reader refuses texts of 4 GiB or more, and an Item's values
        // are parts of its text.
        let Ok(end) = u32::try_from(self.text.len() + value.len()) else {
            return;
        };
        self.text.push_str(value);
        self.index.push((field, end));
        self.given |= field.bit();
    }

    pub(crate) fn finish(self) -> Values {
        Values {
            text: self.text.into_boxed_str(),
            index: self.index.into_boxed_slice(),
        }
    }
}

/// The typed view's serialization of an Item: every field by its key, a missing one as
/// `null` (an empty list for the repeatable ones), as when they were struct fields.
impl Serialize for Item {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct All<'a>(&'a Item, ItemField);
        impl Serialize for All<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.all(self.1))
            }
        }
        let mut s = serializer.serialize_struct("Item", 4 + ItemField::ALL.len())?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("required", &self.required)?;
        s.serialize_field("configuration", &self.configuration)?;
        s.serialize_field("bound", &self.bound)?;
        for field in ItemField::ALL {
            if field.is_repeatable() {
                s.serialize_field(field.key(), &All(self, field))?;
            } else {
                s.serialize_field(field.key(), &self.get(field))?;
            }
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A descriptor may hold hundreds of thousands of Items: an Item stays small (it was
    /// about 600 bytes with a `String` per field).
    #[test]
    fn an_item_is_small() {
        let size = std::mem::size_of::<Item>();
        assert!(size <= 128, "an Item is {size} bytes");
    }

    #[test]
    fn a_field_keeps_its_first_value_a_repeatable_one_every_value() {
        let mut b = ValuesBuilder::default();
        b.push(ItemField::Caption, "a");
        b.push(ItemField::HostResource, "ovf:/disk/1");
        b.push(ItemField::Caption, "b");
        b.push(ItemField::HostResource, "");
        b.push(ItemField::HostResource, "ovf:/disk/2");
        let v = b.finish();
        assert_eq!(v.get(ItemField::Caption), Some("a"));
        assert_eq!(
            v.all(ItemField::HostResource).collect::<Vec<_>>(),
            ["ovf:/disk/1", "", "ovf:/disk/2"]
        );
        assert_eq!(v.get(ItemField::Weight), None);
        let mut later = ValuesBuilder::default();
        later.push(ItemField::Weight, "7");
        later.push(ItemField::HostResource, "x");
        let o = v.overlay(&later.finish());
        assert_eq!(o.get(ItemField::Caption), Some("a"));
        assert_eq!(o.get(ItemField::Weight), Some("7"));
        assert_eq!(o.all(ItemField::HostResource).collect::<Vec<_>>(), ["x"]);
    }

    /// The layout the typed view had when every field was a struct field: the
    /// serialization must not change (`ovf info --json` users, snapshots).
    #[derive(serde::Serialize)]
    struct Fields<'a> {
        kind: Option<super::super::ItemKind>,
        required: bool,
        configuration: &'a [String],
        bound: Option<&'a super::super::Bound>,
        address: Option<&'a str>,
        address_on_parent: Option<&'a str>,
        allocation_units: Option<&'a str>,
        automatic_allocation: Option<&'a str>,
        caption: Option<&'a str>,
        connection: Vec<&'a str>,
        description: Option<&'a str>,
        element_name: Option<&'a str>,
        host_resource: Vec<&'a str>,
        instance_id: Option<&'a str>,
        limit: Option<&'a str>,
        parent: Option<&'a str>,
        reservation: Option<&'a str>,
        resource_sub_type: Option<&'a str>,
        resource_type: Option<&'a str>,
        virtual_quantity: Option<&'a str>,
        virtual_quantity_units: Option<&'a str>,
        weight: Option<&'a str>,
        sockets: Option<&'a str>,
        cores_per_socket: Option<&'a str>,
    }

    #[test]
    fn items_serialize_as_when_their_fields_were_struct_fields() {
        let mut files =
            tern_testkit::files(&tern_testkit::repo_root().join("samples/ovf"), &[".ovf"], 5);
        if let Some(reference) = tern_testkit::reference("ovf/samples") {
            files.extend(tern_testkit::files(&reference, &[".ovf"], 5));
        }
        let mut seen = 0;
        for file in files {
            let Ok(doc) = crate::Document::parse(&std::fs::read(&file).unwrap()) else {
                continue;
            };
            let env = crate::Envelope::read(&doc);
            for system in env.virtual_systems() {
                for item in system.sections.hardware.iter().flat_map(|h| &h.items) {
                    let fields = Fields {
                        kind: item.kind,
                        required: item.required,
                        configuration: &item.configuration,
                        bound: item.bound.as_ref(),
                        address: item.address(),
                        address_on_parent: item.address_on_parent(),
                        allocation_units: item.allocation_units(),
                        automatic_allocation: item.automatic_allocation(),
                        caption: item.caption(),
                        connection: item.connection().collect(),
                        description: item.description(),
                        element_name: item.element_name(),
                        host_resource: item.host_resource().collect(),
                        instance_id: item.instance_id(),
                        limit: item.limit(),
                        parent: item.parent(),
                        reservation: item.reservation(),
                        resource_sub_type: item.resource_sub_type(),
                        resource_type: item.resource_type(),
                        virtual_quantity: item.virtual_quantity(),
                        virtual_quantity_units: item.virtual_quantity_units(),
                        weight: item.weight(),
                        sockets: item.sockets(),
                        cores_per_socket: item.cores_per_socket(),
                    };
                    assert_eq!(
                        serde_json::to_string(item).unwrap(),
                        serde_json::to_string(&fields).unwrap(),
                        "{}",
                        file.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 100, "{seen} Items");
    }
}
