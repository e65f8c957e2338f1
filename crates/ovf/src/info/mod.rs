//! The `tern ovf info` report: what a person (or a program, as JSON) wants to know about a
//! descriptor. Shape documented in `schemas/ovf-info.schema.json`.

mod text;

use serde::Serialize;

use crate::model::{
    Content, Envelope, Item, MAX_RESOLVED_OPTIONS, Resolved, ResolvedItem, Sections, UnusedReason,
    VirtualHardware,
};

pub use text::human_bytes;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Info {
    /// Dialect id (`dmtf1`, `vmware09`...).
    pub dialect: crate::Dialect,
    /// Human name of the dialect.
    pub dialect_label: String,
    /// Envelope namespace URI.
    pub namespace: Option<String>,
    /// `ovf:version` of the Envelope.
    pub version: Option<String>,
    /// Tolerated deviations.
    pub quirks: Vec<crate::Quirk>,
    /// References/File.
    pub files: Vec<FileInfo>,
    /// DiskSection/Disk.
    pub disks: Vec<DiskInfo>,
    /// NetworkSection/Network.
    pub networks: Vec<NetworkInfo>,
    /// DeploymentOptionSection/Configuration.
    pub deployment_options: Vec<OptionInfo>,
    /// The content tree.
    pub content: Option<ContentInfo>,
}

/// A File reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct FileInfo {
    pub id: Option<String>,
    pub href: Option<String>,
    /// Bytes, when `ovf:size` is a number.
    pub size: Option<u64>,
    pub compression: Option<String>,
    pub chunk_size: Option<u64>,
    /// Member names in an OVA (several when chunked).
    pub chunks: Vec<String>,
}

/// A Disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct DiskInfo {
    pub id: Option<String>,
    pub file_ref: Option<String>,
    /// `ovf:capacity` as written.
    pub capacity: Option<String>,
    pub capacity_allocation_units: Option<String>,
    /// Capacity in bytes (`${key}` resolved to the property default), when computable.
    pub capacity_bytes: Option<u128>,
    pub format: Option<String>,
    pub format_kind: Option<crate::model::DiskFormat>,
    pub populated_size: Option<String>,
    pub parent_ref: Option<String>,
}

/// A Network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct NetworkInfo {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A deployment option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct OptionInfo {
    pub id: Option<String>,
    pub label: Option<String>,
    pub default: bool,
}

/// A VirtualSystem or VirtualSystemCollection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentInfo {
    /// `VirtualSystem` or `VirtualSystemCollection`.
    pub kind: &'static str,
    /// `ovf:id`.
    pub id: Option<String>,
    /// Name (or Info when there is no Name).
    pub name: Option<String>,
    /// OperatingSystemSection.
    pub os: Option<OsInfo>,
    /// Hardware sections (systems only).
    pub hardware: Vec<HardwareInfo>,
    /// Properties of every ProductSection.
    pub properties: Vec<PropertyInfo>,
    /// Products (name, vendor, version) of every ProductSection.
    pub products: Vec<ProductInfo>,
    /// An EulaSection is present.
    pub eula: bool,
    /// AnnotationSection text.
    pub annotation: Option<String>,
    /// Other sections by name.
    pub other_sections: Vec<String>,
    /// Members (collections only).
    pub members: Vec<ContentInfo>,
}

/// Guest OS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct OsInfo {
    /// CIM OSType code as written.
    pub id: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub vmw_os_type: Option<String>,
}

/// Product identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct ProductInfo {
    pub class: Option<String>,
    pub instance: Option<String>,
    pub product: Option<String>,
    pub vendor: Option<String>,
    pub version: Option<String>,
}

/// A VirtualHardwareSection: the hardware of the default deployment option, then that of
/// every declared option (Items resolved per option as DSP0243 says: see
/// [`crate::model::Resolved`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HardwareInfo {
    /// `ovf:id`.
    pub id: Option<String>,
    /// VirtualSystemType values.
    pub virtual_system_types: Vec<String>,
    /// `ovf:transport` values.
    pub transport: Vec<String>,
    /// The deployment option the figures below are for: the default one (`None` without
    /// DeploymentOptionSection).
    pub option: Option<String>,
    /// Number of virtual CPUs.
    pub cpus: Option<u64>,
    /// Memory in bytes.
    pub memory_bytes: Option<u128>,
    /// Memory as written (quantity and unit), for when bytes are not computable.
    pub memory: Option<String>,
    /// Disk drives.
    pub disks: Vec<DeviceInfo>,
    /// Network adapters.
    pub nics: Vec<DeviceInfo>,
    /// Values bounded by `ovf:bound` range markers.
    pub ranges: Vec<RangeInfo>,
    /// InstanceIDs whose Item comes (at least in part) from an Item with `ovf:configuration`.
    pub configured: Vec<String>,
    /// Items the default option does not use (for another option: `tern ovf2occi
    /// --deployment-option NAME --report FILE`, or [`VirtualHardware::resolve`]; listing
    /// them for every option would grow as options × Items).
    pub unused: Vec<UnusedInfo>,
    /// Total number of items (all configurations and bounds).
    pub item_count: usize,
    /// The hardware of every declared deployment option, in declaration order (the first
    /// [`MAX_RESOLVED_OPTIONS`] of a descriptor that declares more).
    pub options: Vec<OptionHardwareInfo>,
}

/// The hardware of one deployment option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionHardwareInfo {
    /// The Configuration's `ovf:id`.
    pub id: String,
    /// It is the default option.
    pub default: bool,
    /// Number of virtual CPUs.
    pub cpus: Option<u64>,
    /// Memory in bytes.
    pub memory_bytes: Option<u128>,
    /// Memory as written (quantity and unit).
    pub memory: Option<String>,
    /// Disk drives.
    pub disks: Vec<DeviceInfo>,
    /// Network adapters.
    pub nics: Vec<DeviceInfo>,
    /// Values bounded by `ovf:bound` range markers.
    pub ranges: Vec<RangeInfo>,
    /// InstanceIDs whose Item comes (at least in part) from an Item with `ovf:configuration`.
    pub configured: Vec<String>,
}

/// A value that `ovf:bound="min"`/`"max"` range markers bound.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RangeInfo {
    /// InstanceID of the bounded Item.
    pub instance_id: Option<String>,
    /// The bounded Item's label.
    pub label: Option<String>,
    /// The bounded CIM field (`VirtualQuantity`, `Reservation`, `Limit`, `Weight`).
    pub field: String,
    /// The normal Item's value, as written.
    pub normal: Option<String>,
    /// The lower bound, as written (`None`: unbounded downwards).
    pub min: Option<String>,
    /// The upper bound, as written (`None`: unbounded upwards).
    pub max: Option<String>,
    /// AllocationUnits of the values (`Weight` has none).
    pub units: Option<String>,
    /// The three values in bytes, when the units are an amount of data.
    pub normal_bytes: Option<u128>,
    /// Lower bound in bytes.
    pub min_bytes: Option<u128>,
    /// Upper bound in bytes.
    pub max_bytes: Option<u128>,
}

/// An Item a deployment option does not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnusedInfo {
    /// InstanceID.
    pub instance_id: Option<String>,
    /// Label (ElementName, Caption or Description).
    pub label: Option<String>,
    /// Its `ovf:configuration` list.
    pub configuration: Vec<String>,
    /// 1-based line of its start tag.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Why: `other-configuration`, `replaced` or `range-without-item`.
    pub reason: UnusedKind,
    /// For `replaced`: where the Item that replaces it starts.
    pub replaced_by: Option<tern_diag::Position>,
}

/// Why an Item is not used (the JSON spelling of [`UnusedReason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnusedKind {
    /// Its `ovf:configuration` does not list the option.
    OtherConfiguration,
    /// A later Item with the same InstanceID gives every child again.
    Replaced,
    /// A range marker without a normal Item.
    RangeWithoutItem,
}

/// A disk drive or NIC.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub struct DeviceInfo {
    pub instance_id: Option<String>,
    pub label: Option<String>,
    /// Disk id (disks) or network name (NICs).
    pub target: Option<String>,
    pub subtype: Option<String>,
}

/// A property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct PropertyInfo {
    pub key: Option<String>,
    /// `class.key.instance`.
    pub qualified_key: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub qualifiers: Option<String>,
    /// Default value for the default deployment option (hidden for passwords).
    pub value: Option<String>,
    pub user_configurable: bool,
    pub password: bool,
    pub label: Option<String>,
    pub category: Option<String>,
}

impl Info {
    /// Summarises `env` with the texts as written.
    pub fn new(env: &Envelope) -> Info {
        Info::localized(env, None)
    }

    /// Summarises `env`, translating texts that carry an `ovf:msgid` into `lang` from the
    /// inline Strings bundles (falling back to the default text).
    pub fn localized(env: &Envelope, lang: Option<&str>) -> Info {
        let t = Tr { env, lang };
        let config = env.default_configuration();
        let deployment_options: Vec<OptionInfo> = env
            .deployment_options
            .iter()
            .map(|c| OptionInfo {
                id: c.id.clone(),
                label: c.label.as_ref().map(|m| t.msg(m)),
                default: c.id.as_deref() == config,
            })
            .collect();
        Info {
            dialect: env.dialect.dialect,
            dialect_label: env.dialect.dialect.label().to_string(),
            namespace: env.dialect.namespace.clone(),
            version: env.dialect.version.clone(),
            quirks: env.dialect.quirks.clone(),
            files: env
                .files
                .iter()
                .map(|f| FileInfo {
                    id: f.id.clone(),
                    href: f.href.clone(),
                    size: f.size_bytes(),
                    compression: f.compression.clone(),
                    chunk_size: f.chunk_size_bytes(),
                    chunks: f.chunk_names(),
                })
                .collect(),
            disks: env
                .disks
                .iter()
                .map(|d| DiskInfo {
                    id: d.disk_id.clone(),
                    file_ref: d.file_ref.clone(),
                    capacity: d.capacity_raw.clone(),
                    capacity_allocation_units: d.capacity_allocation_units.clone(),
                    capacity_bytes: d.capacity_bytes(|k| env.property_default(k)),
                    format: d.format.clone(),
                    format_kind: d.format_kind,
                    populated_size: d.populated_size.clone(),
                    parent_ref: d.parent_ref.clone(),
                })
                .collect(),
            networks: env
                .networks
                .iter()
                .map(|n| NetworkInfo {
                    name: n.name.clone(),
                    description: n.description.as_ref().map(|m| t.msg(m)),
                })
                .collect(),
            content: env
                .content
                .as_ref()
                .map(|c| content_info(c, &deployment_options, config, &t)),
            deployment_options,
        }
    }

    /// A plain-text rendering for terminals.
    pub fn to_text(&self) -> String {
        text::render(self)
    }
}

/// Text lookup in the requested language.
struct Tr<'a> {
    env: &'a Envelope,
    lang: Option<&'a str>,
}

impl Tr<'_> {
    fn msg(&self, m: &crate::model::Msg) -> String {
        match self.lang {
            Some(lang) => self.env.localize(m, lang).to_string(),
            None => m.text.clone(),
        }
    }
}

fn content_info(
    content: &Content,
    options: &[OptionInfo],
    config: Option<&str>,
    t: &Tr<'_>,
) -> ContentInfo {
    let (kind, id, name, info, sections, members) = match content {
        Content::VirtualSystem(v) => (
            "VirtualSystem",
            &v.id,
            &v.name,
            &v.info,
            &v.sections,
            &[][..],
        ),
        Content::VirtualSystemCollection(c) => (
            "VirtualSystemCollection",
            &c.id,
            &c.name,
            &c.info,
            &c.sections,
            &c.members[..],
        ),
    };
    ContentInfo {
        kind,
        id: id.clone(),
        name: name.as_ref().or(info.as_ref()).map(|m| t.msg(m)),
        os: sections.operating_system.as_ref().map(|os| OsInfo {
            id: os.id.clone(),
            version: os.version.clone(),
            description: os.description.as_ref().map(|m| t.msg(m)),
            vmw_os_type: os.vmw_os_type.clone().or(os.vbox_os_type.clone()),
        }),
        hardware: sections
            .hardware
            .iter()
            .map(|h| hardware_info(h, options, config))
            .collect(),
        properties: properties(sections, config, t),
        products: sections
            .product
            .iter()
            .map(|p| ProductInfo {
                class: p.class.clone(),
                instance: p.instance.clone(),
                product: p.product.as_ref().map(|m| t.msg(m)),
                vendor: p.vendor.as_ref().map(|m| t.msg(m)),
                version: p.version.clone(),
            })
            .collect(),
        eula: !sections.eula.is_empty(),
        annotation: sections.annotation.as_ref().map(|m| t.msg(m)),
        other_sections: sections.other.iter().map(|s| s.name.clone()).collect(),
        members: members
            .iter()
            .map(|m| content_info(m, options, config, t))
            .collect(),
    }
}

fn hardware_info(
    hw: &VirtualHardware,
    options: &[OptionInfo],
    config: Option<&str>,
) -> HardwareInfo {
    let resolved = hw.resolve(config);
    let default = Figures::of(&resolved);
    HardwareInfo {
        id: hw.id.clone(),
        virtual_system_types: hw
            .system
            .as_ref()
            .map(|s| s.virtual_system_types.clone())
            .unwrap_or_default(),
        transport: hw.transport.clone(),
        option: config.map(str::to_owned),
        cpus: default.cpus,
        memory_bytes: default.memory_bytes,
        memory: default.memory,
        disks: default.disks,
        nics: default.nics,
        ranges: default.ranges,
        configured: default.configured,
        unused: unused(&resolved),
        item_count: hw.items.len(),
        options: options
            .iter()
            .take(MAX_RESOLVED_OPTIONS)
            .filter_map(|o| {
                let id = o.id.clone()?;
                let f = Figures::of(&hw.resolve(Some(&id)));
                Some(OptionHardwareInfo {
                    id,
                    default: o.default,
                    cpus: f.cpus,
                    memory_bytes: f.memory_bytes,
                    memory: f.memory,
                    disks: f.disks,
                    nics: f.nics,
                    ranges: f.ranges,
                    configured: f.configured,
                })
            })
            .collect(),
    }
}

/// What one resolution gives the report.
struct Figures {
    cpus: Option<u64>,
    memory_bytes: Option<u128>,
    memory: Option<String>,
    disks: Vec<DeviceInfo>,
    nics: Vec<DeviceInfo>,
    ranges: Vec<RangeInfo>,
    configured: Vec<String>,
}

impl Figures {
    fn of(resolved: &Resolved<'_>) -> Figures {
        let items: Vec<&Item> = resolved.items.iter().map(|r| r.item.as_ref()).collect();
        let cpu = items.iter().find(|i| i.is_processor());
        let memory = items.iter().find(|i| i.is_memory());
        let device = |i: &&Item, target: Option<String>| DeviceInfo {
            instance_id: i.instance_id().map(str::to_string),
            label: i.label().map(str::to_string),
            target,
            subtype: i.resource_sub_type().map(str::to_string),
        };
        Figures {
            cpus: cpu.and_then(|i| i.cpu_count()),
            memory_bytes: memory.and_then(|i| i.quantity_bytes()),
            memory: memory.map(|i| {
                format!(
                    "{} {}",
                    i.virtual_quantity().unwrap_or("?"),
                    i.allocation_units().unwrap_or("(no AllocationUnits)")
                )
            }),
            disks: items
                .iter()
                .filter(|i| i.is_disk())
                .map(|i| device(i, i.disk_ref().map(str::to_string)))
                .collect(),
            nics: items
                .iter()
                .filter(|i| i.is_nic())
                .map(|i| device(i, i.connection().next().map(str::to_string)))
                .collect(),
            ranges: resolved.items.iter().flat_map(ranges).collect(),
            configured: resolved
                .items
                .iter()
                .filter(|r| r.is_configured())
                .filter_map(|r| r.item.instance_id().map(str::to_string))
                .collect(),
        }
    }
}

/// The Items `resolved` leaves unused, for the report.
fn unused(resolved: &Resolved<'_>) -> Vec<UnusedInfo> {
    resolved
        .unused
        .iter()
        .map(|u| UnusedInfo {
            instance_id: u.item.instance_id().map(str::to_string),
            label: u.item.label().map(str::to_string),
            configuration: u.item.configuration.clone(),
            line: u.item.position.line,
            column: u.item.position.column,
            reason: match u.reason {
                UnusedReason::Replaced { .. } => UnusedKind::Replaced,
                UnusedReason::RangeWithoutItem => UnusedKind::RangeWithoutItem,
                _ => UnusedKind::OtherConfiguration,
            },
            replaced_by: match u.reason {
                UnusedReason::Replaced { by } => Some(by),
                _ => None,
            },
        })
        .collect()
}

/// The bounded values of one combined Item: each field a range marker gives.
fn ranges(r: &ResolvedItem<'_>) -> Vec<RangeInfo> {
    const BOUNDED: [&str; 4] = ["VirtualQuantity", "Reservation", "Limit", "Weight"];
    let value = |item: &Item, field: &str| match field {
        "VirtualQuantity" => item.virtual_quantity().map(str::to_string),
        "Reservation" => item.reservation().map(str::to_string),
        "Limit" => item.limit().map(str::to_string),
        _ => item.weight().map(str::to_string),
    };
    let mut out = Vec::new();
    for field in BOUNDED {
        let min = r.min.as_ref().and_then(|m| value(m, field));
        let max = r.max.as_ref().and_then(|m| value(m, field));
        if min.is_none() && max.is_none() {
            continue;
        }
        // A marker's own AllocationUnits, else the normal Item's.
        let units_of = |marker: Option<&Item>| {
            marker
                .and_then(|m| m.allocation_units().map(str::to_string))
                .or_else(|| r.item.allocation_units().map(str::to_string))
        };
        let bytes = |v: &Option<String>, units: Option<String>| -> Option<u128> {
            let unit = tern_units::AllocationUnit::parse(units.as_deref()?).ok()?;
            unit.bytes(v.as_deref()?.trim().parse().ok()?).ok()
        };
        let normal = value(&r.item, field);
        let weight = field == "Weight";
        let units = (!weight).then(|| units_of(None)).flatten();
        out.push(RangeInfo {
            instance_id: r.item.instance_id().map(str::to_string),
            label: r.item.label().map(str::to_string),
            field: field.to_owned(),
            normal_bytes: if weight {
                None
            } else {
                bytes(&normal, units_of(None))
            },
            min_bytes: if weight {
                None
            } else {
                bytes(&min, units_of(r.min.as_deref()))
            },
            max_bytes: if weight {
                None
            } else {
                bytes(&max, units_of(r.max.as_deref()))
            },
            normal,
            min,
            max,
            units,
        });
    }
    out
}

fn properties(sections: &Sections, config: Option<&str>, t: &Tr<'_>) -> Vec<PropertyInfo> {
    let mut out = Vec::new();
    for ps in &sections.product {
        let mut category = None;
        for entry in &ps.entries {
            match entry {
                crate::model::ProductEntry::Category(c) => category = Some(t.msg(c)),
                crate::model::ProductEntry::Property(p) => out.push(PropertyInfo {
                    key: p.key.clone(),
                    qualified_key: p.key.as_deref().map(|k| ps.qualified_key(k)),
                    ty: p.ty.clone(),
                    qualifiers: p.qualifiers.clone(),
                    value: if p.password {
                        None
                    } else {
                        p.value_for(config).map(str::to_string)
                    },
                    user_configurable: p.user_configurable,
                    password: p.password,
                    label: p.label.as_ref().map(|m| t.msg(m)),
                    category: category.clone(),
                }),
            }
        }
    }
    out
}
