//! Reading the OVF side of a mapping row: where a row's `ovf` source points, within the
//! scope of the entity being built (a VirtualSystem, a network, a disk, a hardware item).

use tern_ovf::Position;
use tern_ovf::model::{Disk, Item, Network, ProductSection, Property, VirtualSystem};

use crate::OvfSource;

/// The part of the descriptor an entity comes from.
pub(crate) enum Scope<'a> {
    /// A VirtualSystem with the items of the chosen configuration.
    System {
        system: &'a VirtualSystem,
        items: Vec<&'a Item>,
    },
    /// A NetworkSection network.
    Network { network: &'a Network },
    /// A DiskSection disk.
    Disk { disk: &'a Disk },
    /// One hardware item of a system (a NIC or a disk drive).
    Item { item: &'a Item },
}

/// A value as written in the descriptor, with its units and where it stands.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub(crate) text: String,
    pub(crate) units: Option<String>,
    pub(crate) position: Position,
}

/// Property lookup: command-line values first, then the defaults of the product sections
/// in scope (the system's own, then those of its enclosing collections).
pub(crate) struct Properties<'a> {
    pub(crate) overrides: &'a [(String, String)],
    pub(crate) sections: Vec<&'a ProductSection>,
    pub(crate) config: Option<&'a str>,
    /// `${key}` references that found no value, for the report.
    pub(crate) unresolved: std::cell::RefCell<Vec<(String, Position)>>,
    /// The property the last successful lookup read (before following references).
    pub(crate) last: std::cell::Cell<Option<*const Property>>,
    /// Properties whose value a mapping row carries, with the row.
    pub(crate) consumed: std::cell::RefCell<super::products::Consumed>,
}

impl Properties<'_> {
    /// The value of `key` (plain or qualified `class.key.instance`) and where it is declared;
    /// a value that is itself a `${other}` reference is followed (OVF 1.1 §9.5).
    pub(crate) fn get(&self, key: &str) -> Option<(String, Position)> {
        let (mut found, first) = self.get_direct(key)?;
        for _ in 0..8 {
            let Some(next) = reference(&found.0) else {
                self.last.set(first);
                return Some(found);
            };
            match self.get_direct(next) {
                Some((value, _)) => found = value,
                None => break,
            }
        }
        // An unset deployment-time property (or a cycle): no value, but say so.
        self.unresolved.borrow_mut().push((
            format!(
                "property `{key}` refers to `{}`, which has no value (give it with --prop)",
                reference(&found.0).unwrap_or(found.0.trim())
            ),
            found.1,
        ));
        None
    }

    /// Records that `row` carries the property the last lookup read.
    pub(crate) fn consume(&self, row: &str) {
        if let Some(p) = self.last.take() {
            self.consumed.borrow_mut().push((p, row.to_owned()));
        }
    }

    fn get_direct(&self, key: &str) -> Option<((String, Position), Option<*const Property>)> {
        for ps in &self.sections {
            for p in ps.properties() {
                let Some(k) = p.key.as_deref() else { continue };
                if k != key && ps.qualified_key(k) != key {
                    continue;
                }
                let overridden = self
                    .overrides
                    .iter()
                    .find(|(o, _)| o == k || *o == ps.qualified_key(k))
                    .map(|(_, v)| v.clone());
                let value = overridden.or_else(|| p.value_for(self.config).map(str::to_owned))?;
                return Some(((value, p.position), Some(std::ptr::from_ref(p))));
            }
        }
        // A value given on the command line for a key the descriptor does not declare.
        self.overrides
            .iter()
            .find(|(o, _)| o == key)
            .map(|(_, v)| ((v.clone(), Position::default()), None))
    }
}

// The key of a value that is exactly a `${key}` reference.
fn reference(value: &str) -> Option<&str> {
    value
        .trim()
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
}

/// Reads the value a row's OVF source designates, when the scope has it. `suffix` qualifies
/// property keys where several entities share a product section (`label.<network>`).
pub(crate) fn read(
    source: &OvfSource,
    scope: &Scope<'_>,
    properties: &Properties<'_>,
    suffix: Option<&str>,
) -> Option<Raw> {
    match (source, scope) {
        (
            OvfSource::Rasd {
                resource_type,
                element,
                units,
                default_units,
            },
            _,
        ) => {
            let item = match scope {
                Scope::System { items, .. } => *items
                    .iter()
                    .find(|i| i.resource_type_code() == Some(*resource_type))?,
                // EthernetPortItems are NICs whatever their ResourceType says.
                Scope::Item { item }
                    if item.resource_type_code() == Some(*resource_type)
                        || (*resource_type == 10 && item.is_nic()) =>
                {
                    item
                }
                _ => return None,
            };
            let text = rasd_field(item, element.as_deref()?)?;
            let units = units
                .as_deref()
                .and_then(|u| rasd_field(item, u))
                .or_else(|| default_units.clone());
            Some(Raw {
                text,
                units,
                position: item.position,
            })
        }
        // The pattern `*` is every property: the product mixins carry them.
        (OvfSource::Property { key }, _) if key == "*" => None,
        (OvfSource::Property { key }, _) => {
            let qualified = suffix.map(|s| format!("{key}.{s}"));
            let (text, position) = qualified
                .as_deref()
                .and_then(|k| properties.get(k))
                .or_else(|| properties.get(key))?;
            Some(Raw {
                text,
                units: None,
                position,
            })
        }
        (
            OvfSource::Disk {
                attribute,
                units,
                default_units,
            },
            Scope::Disk { disk },
        ) => {
            let text = match attribute.as_str() {
                "ovf:diskId" => disk.disk_id.clone(),
                "ovf:capacity" => disk.capacity_raw.clone(),
                "ovf:format" => disk.format.clone(),
                "ovf:populatedSize" => disk.populated_size.clone(),
                _ => None,
            }?;
            // A `${key}` capacity takes the property's value (OVF 1.1 §9.1).
            let text = match text
                .trim()
                .strip_prefix("${")
                .and_then(|r| r.strip_suffix('}'))
            {
                Some(key) => properties.get(key)?.0,
                None => text,
            };
            let units = match units.as_deref() {
                Some("ovf:capacityAllocationUnits") => disk.capacity_allocation_units.clone(),
                _ => None,
            }
            .or_else(|| default_units.clone());
            Some(Raw {
                text,
                units,
                position: disk.position,
            })
        }
        (OvfSource::Element { path }, _) => element(path, scope),
        _ => None,
    }
}

fn element(path: &str, scope: &Scope<'_>) -> Option<Raw> {
    let at = |text: Option<String>, position: Position| {
        text.map(|text| Raw {
            text,
            units: None,
            position,
        })
    };
    match (path, scope) {
        ("VirtualSystem/@ovf:id", Scope::System { system, .. }) => {
            at(system.id.clone(), system.position)
        }
        ("VirtualSystem/Name", Scope::System { system, .. }) => at(
            system.name.as_ref().map(|m| m.text.clone()),
            system.position,
        ),
        ("VirtualSystem/AnnotationSection/Annotation", Scope::System { system, .. }) => at(
            system.sections.annotation.as_ref().map(|m| m.text.clone()),
            system.position,
        ),
        ("VirtualSystem/OperatingSystemSection/@ovf:id", Scope::System { system, .. }) => {
            let os = system.sections.operating_system.as_ref()?;
            at(os.id.clone(), os.position)
        }
        (
            "VirtualSystem/VirtualHardwareSection/System/VirtualSystemType",
            Scope::System { system, .. },
        ) => {
            let types: Vec<&str> = system
                .sections
                .hardware
                .iter()
                .filter_map(|h| h.system.as_ref())
                .flat_map(|s| s.virtual_system_types.iter().map(String::as_str))
                .collect();
            at(
                (!types.is_empty()).then(|| types.join(" ")),
                system.position,
            )
        }
        ("NetworkSection/Network/@ovf:name", Scope::Network { network }) => {
            at(network.name.clone(), network.position)
        }
        ("NetworkSection/Network/Description", Scope::Network { network }) => at(
            network.description.as_ref().map(|m| m.text.clone()),
            network.position,
        ),
        _ => None,
    }
}

/// A RASD child by its CIM property name.
pub(crate) fn rasd_field(item: &Item, name: &str) -> Option<String> {
    match name {
        "Address" => item.address().map(str::to_string),
        "AddressOnParent" => item.address_on_parent().map(str::to_string),
        "AllocationUnits" => item.allocation_units().map(str::to_string),
        "Caption" => item.caption().map(str::to_string),
        "Connection" => item.connection().next().map(str::to_string),
        "Description" => item.description().map(str::to_string),
        "ElementName" => item.element_name().map(str::to_string),
        "HostResource" => item.host_resource().next().map(str::to_string),
        "InstanceID" => item.instance_id().map(str::to_string),
        "Limit" => item.limit().map(str::to_string),
        "Parent" => item.parent().map(str::to_string),
        "Reservation" => item.reservation().map(str::to_string),
        "ResourceSubType" => item.resource_sub_type().map(str::to_string),
        "VirtualQuantity" => item.virtual_quantity().map(str::to_string),
        "VirtualQuantityUnits" => item.virtual_quantity_units().map(str::to_string),
        "Weight" => item.weight().map(str::to_string),
        _ => None,
    }
    .map(|v| v.trim().to_owned())
}
