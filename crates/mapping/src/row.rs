//! One mapping row and its parts.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use tern_model::{CategoryId, OcciVersion};

/// One fact and where each standard keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingRow {
    /// Stable row id, e.g. `compute.memory`.
    pub id: String,
    /// Where the OVF descriptor holds it (absent: OVF has no place for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ovf: Option<OvfSource>,
    /// The OCCI category (and attribute) holding it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occi: Option<OcciField>,
    /// The CDMI counterpart, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdmi: Option<CdmiField>,
    /// How values convert.
    pub convert: Conversion,
    /// Which ways the row holds.
    pub direction: Direction,
    /// OCCI versions the row holds in (absent: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<OcciVersion>>,
    /// What does not survive the mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<String>,
}

/// A place in an OVF descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "lowercase", deny_unknown_fields)]
pub enum OvfSource {
    /// A child of a hardware Item (RASD) of a CIM ResourceType.
    Rasd {
        /// CIM ResourceType (3 processor, 4 memory, 10 Ethernet, 17 disk…).
        resource_type: u16,
        /// The RASD child, e.g. `VirtualQuantity` (absent: the Item itself).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        element: Option<String>,
        /// The sibling holding the value's units, e.g. `AllocationUnits`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        units: Option<String>,
        /// Units assumed when the sibling is absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_units: Option<String>,
    },
    /// A ProductSection property.
    Property {
        /// The property key; `*` is every property no other row maps.
        key: String,
    },
    /// An attribute of DiskSection/Disk.
    Disk {
        /// The attribute, e.g. `ovf:capacity`.
        attribute: String,
        /// The attribute holding the value's units.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        units: Option<String>,
        /// Units assumed when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_units: Option<String>,
    },
    /// Any other element or attribute, by path.
    Element {
        /// Path from the Envelope or the VirtualSystem, `@` for attributes.
        path: String,
    },
}

/// The OCCI side of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcciField {
    /// Kind or Mixin.
    pub category: CategoryId,
    /// The attribute (absent: the entity or mixin itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// True when the category is a Mixin applied to the entity.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mixin: bool,
}

/// The CDMI side of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdmiField {
    /// CDMI object type (`dataobject`, `container`).
    pub object: String,
    /// Field or `metadata.<name>` (absent: the object itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Named, exact conversions between the standards' representations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversion {
    /// The value is copied.
    Identity,
    /// An OVF id ⇄ `urn:ovf:<kind>:<id>` (and the location `/<kind>/<id>`).
    Urn,
    /// An address given ⇄ `static` allocation.
    AddressAllocation,
    /// Bytes (with DSP0004 units) ⇄ GiB as an exact decimal.
    BytesToGib,
    /// Hertz (with DSP0004 units) ⇄ GHz as an exact decimal.
    HertzToGhz,
    /// CIM OS type (DSP1043 ValueMap) → x86 / x64.
    CimOsArchitecture,
    /// OperatingSystemSection ⇄ an os_tpl mixin.
    CimOsTemplate,
    /// DeploymentOption configuration ⇄ a resource_tpl mixin.
    DeploymentOptionTemplate,
    /// The ids of the enclosing VirtualSystemCollections ⇄ `a/b` in a tern attribute.
    CollectionPath,
    /// `Connection` network name ⇄ the network resource's location.
    NetworkReference,
    /// `ovf:/disk/ID` ⇄ the storage resource's location.
    DiskReference,
    /// The RASD `Parent` controller ⇄ tern's controller attribute.
    ControllerReference,
    /// File href ⇄ the CDMI data object URL.
    CdmiUri,
    /// The disk's file ⇄ the CDMI object ID of the data object holding it.
    CdmiObjectid,
    /// Disk format URI ⇄ CDMI mimetype.
    DiskFormatMimetype,
    /// A ProductSection property ⇄ an attribute of the section's product mixin, typed after
    /// `ovf:type`, its declaration in the attribute definition.
    OvfProperty,
}

/// Which ways a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// OVF → OCCI and OCCI → OVF.
    Both,
    /// Only OVF → OCCI.
    OvfToOcci,
    /// Only OCCI → OVF.
    OcciToOvf,
    /// Only OCCI → CDMI.
    OcciToCdmi,
    /// Only CDMI → OCCI.
    CdmiToOcci,
    /// Neither: the fact is reported as unmapped.
    None,
}

impl OvfSource {
    /// A short human-readable location, e.g. `Item[ResourceType=4]/VirtualQuantity`.
    pub fn describe(&self) -> String {
        match self {
            OvfSource::Rasd {
                resource_type,
                element,
                units,
                ..
            } => {
                let mut s = format!("Item[ResourceType={resource_type}]");
                if let Some(e) = element {
                    s.push('/');
                    s.push_str(e);
                }
                if let Some(u) = units {
                    let _ = write!(s, " (+{u})");
                }
                s
            }
            OvfSource::Property { key } if key == "*" => {
                "ProductSection/Property (every other key)".to_owned()
            }
            OvfSource::Property { key } => format!("ProductSection/Property[@ovf:key={key}]"),
            OvfSource::Disk {
                attribute, units, ..
            } => {
                let mut s = format!("DiskSection/Disk/@{attribute}");
                if let Some(u) = units {
                    let _ = write!(s, " (+@{u})");
                }
                s
            }
            OvfSource::Element { path } => path.clone(),
        }
    }
}

impl Direction {
    /// The arrow shown in tables.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Both => "⇄",
            Direction::OvfToOcci | Direction::CdmiToOcci => "→ OCCI",
            Direction::OcciToOvf => "OCCI →",
            Direction::OcciToCdmi => "OCCI → CDMI",
            Direction::None => "reported",
        }
    }
}
