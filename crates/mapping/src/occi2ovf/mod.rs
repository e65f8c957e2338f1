//! OCCI → OVF: a descriptor made from an OCCI collection (one VirtualSystem per compute,
//! a VirtualSystemCollection when there are several), whose File hrefs are the CDMI data
//! objects of the storage resources; and a report of the OCCI facts OVF cannot carry.

mod defaults;
mod hardware;
mod names;
mod products;
mod restore;

pub use defaults::{DefaultError, Defaults};
pub use restore::restore;

use tern_model::{Collection, Resource, Value};
use tern_ovf::build::{BuildError, Builder};
use tern_units::{AllocationUnit, Ratio};

use crate::{Direction, MappingTable, extensions};
use names::Names;

/// What the export needs besides the collection.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Write an OVF 2.x envelope (default 1.x).
    pub ovf2: bool,
    /// Base URL of the CDMI container holding disk images without a `tern.cdmi.uri`.
    pub cdmi_base: Option<String>,
    /// The categories the collection uses (provider templates): an os_tpl mixin that is not
    /// one of tern's CIM templates becomes the OperatingSystemSection's description.
    pub catalogue: Option<tern_model::Catalogue>,
    /// Values for what the collection does not state (CPU count, memory…); without one the
    /// element is left out. Either way [`Export::missing`] says so.
    pub defaults: Defaults,
}

/// The descriptor and what it could not carry.
#[derive(Debug, Clone)]
pub struct Export {
    /// The OVF descriptor.
    pub xml: String,
    /// OCCI facts with no place in OVF (`entity: attribute: why`).
    pub dropped: Vec<String>,
    /// What the OVF would carry and the collection does not state (`entity: …`): left out,
    /// taken from [`ExportOptions::defaults`], or derived (a network a NIC reaches).
    pub missing: Vec<String>,
}

/// Why a collection cannot be exported.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// There is no compute resource to make a VirtualSystem of.
    #[error(
        "the collection has no compute resource: an OVF package needs at least one VirtualSystem"
    )]
    NoCompute,
    /// A value that XML cannot carry (a control character, say).
    #[error("the descriptor cannot be written: {0}")]
    Xml(#[from] BuildError),
    /// A value that cannot be written exactly.
    #[error("{entity}: {attribute}: {message}")]
    BadValue {
        /// The entity id.
        entity: String,
        /// The attribute.
        attribute: String,
        /// What is wrong.
        message: String,
    },
}

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";
const ENVELOPE_1: &str = "http://schemas.dmtf.org/ovf/envelope/1";
const ENVELOPE_2: &str = "http://schemas.dmtf.org/ovf/envelope/2";
const RASD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
const VSSD: &str = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";

/// Exports `collection` as an OVF descriptor.
///
/// ```
/// use tern_mapping::occi2ovf::{occi_to_ovf, ExportOptions};
/// use tern_model::{Collection, Entity, Resource};
/// let mut vm = Entity::new("urn:uuid:1", "http://schemas.ogf.org/occi/infrastructure#compute".parse().unwrap());
/// vm.attributes.insert("occi.compute.cores", 2);
/// let mut c = Collection::new();
/// c.push_resource(Resource::new(vm)).unwrap();
/// let export = occi_to_ovf(&c, &ExportOptions::default()).unwrap();
/// assert!(export.xml.contains("<rasd:VirtualQuantity>2</rasd:VirtualQuantity>"));
/// ```
pub fn occi_to_ovf(
    collection: &Collection,
    options: &ExportOptions,
) -> Result<Export, ExportError> {
    let of_kind = |term: &str| -> Vec<&Resource> {
        collection
            .resources()
            .iter()
            .filter(|r| r.entity.kind.scheme() == INFRA && r.entity.kind.term() == term)
            .collect()
    };
    let (computes, networks, storages) =
        (of_kind("compute"), of_kind("network"), of_kind("storage"));
    if computes.is_empty() {
        return Err(ExportError::NoCompute);
    }
    let names = Names::new(&computes, &networks, &storages, collection);
    let mut cx = Cx {
        names: &names,
        collection,
        defaults: &options.defaults,
        written_disks: Vec::new(),
        missing: Vec::new(),
    };
    let mut x = Builder::new();
    let envelope = if options.ovf2 { ENVELOPE_2 } else { ENVELOPE_1 };
    let disks = disks(&storages, &mut cx, options)?;
    let mut namespaces = vec![
        ("xmlns", envelope),
        ("xmlns:ovf", envelope),
        ("xmlns:rasd", RASD),
        ("xmlns:vssd", VSSD),
    ];
    if disks
        .iter()
        .any(|d| d.object_id.is_some() && d.href.is_some())
    {
        namespaces.push(("xmlns:tern", crate::cdmi::TERN_OVF_NAMESPACE));
    }
    namespaces.push(("xml:lang", "en-US"));
    x.open("Envelope", &namespaces);
    references_and_disks(&mut x, &disks);
    network_section(&mut x, &networks, &mut cx);
    let products = products::plan(
        &computes,
        &networks,
        &names,
        collection,
        options.catalogue.as_ref(),
        computes.len() > 1,
        // The export describes the converted configuration only: no DeploymentOptionSection.
        &[],
    );
    if computes.len() == 1 {
        system(&mut x, computes[0], &mut cx, &products, options)?;
    } else {
        // OVF needs an id for the collection; OCCI has no entity for it.
        let group = common_collection(&computes)
            .or_else(|| options.defaults.collection.clone())
            .unwrap_or_else(|| "collection".to_owned());
        if common_collection(&computes).is_none() {
            cx.missing.push(format!(
                "{} computes and no common tern.ovf.collection: their VirtualSystemCollection is `{group}`{}",
                computes.len(),
                if options.defaults.collection.is_some() {
                    " (the default collection)"
                } else {
                    " (default collection=… names it)"
                }
            ));
        }
        x.open("VirtualSystemCollection", &[("ovf:id", &group)]);
        x.text("Info", &[], "Virtual systems exported from OCCI");
        products::write(&mut x, &products.collection);
        for c in &computes {
            system(&mut x, c, &mut cx, &products, options)?;
        }
        x.close("VirtualSystemCollection");
    }
    x.close("Envelope");
    let mut dropped = products.dropped;
    for r in collection.resources() {
        dropped_facts(&r.entity, &mut dropped);
        for l in &r.links {
            dropped_facts(&l.entity, &mut dropped);
            let storage = collection
                .resource(&l.target.location)
                .filter(|s| s.entity.kind.term() == "storage");
            if l.entity.kind.term() == "storagelink" && storage.is_none() {
                dropped.push(format!(
                    "{}: its storage {} is not in the collection: no disk written",
                    l.entity.id, l.target.location
                ));
            }
        }
    }
    Ok(Export {
        xml: x.finish()?,
        dropped,
        missing: cx.missing,
    })
}

/// What the parts of an export share, and what they report.
pub(crate) struct Cx<'a> {
    names: &'a Names,
    collection: &'a Collection,
    defaults: &'a Defaults,
    /// Ids of the storages whose Disk is written (drives only point at those).
    written_disks: Vec<String>,
    missing: Vec<String>,
}

impl Cx<'_> {
    /// The value the collection states; else the default, or nothing: both reported as
    /// "`entity`: no `attribute`: `what` is …".
    fn fill<T: std::fmt::Display>(
        &mut self,
        entity: &str,
        stated: Option<T>,
        attribute: &str,
        what: &str,
        key: &str,
        default: Option<T>,
    ) -> Option<T> {
        if stated.is_some() {
            return stated;
        }
        self.missing.push(match &default {
            Some(v) => {
                format!("{entity}: no {attribute}: {what} is written from the default {key}={v}")
            }
            None => {
                format!("{entity}: no {attribute}: {what} is left out (default {key}=… fills it)")
            }
        });
        default
    }
}

// The collection's networks, then those that network interfaces reach outside it (named
// from the link's target, and reported).
fn network_section(x: &mut Builder, networks: &[&Resource], cx: &mut Cx<'_>) {
    let outside = cx.names.outside_networks();
    if networks.is_empty() && outside.is_empty() {
        return;
    }
    x.open("NetworkSection", &[]);
    x.text("Info", &[], "Logical networks");
    for n in networks {
        x.open("Network", &[("ovf:name", cx.names.of(n))]);
        if let Some(summary) = &n.summary {
            x.text("Description", &[], summary);
        }
        x.close("Network");
    }
    for (target, name) in outside {
        x.empty("Network", &[("ovf:name", name)]);
        cx.missing.push(format!(
            "network {target} is not in the collection: its network interfaces connect to `{name}`, declared from the target"
        ));
    }
    x.close("NetworkSection");
}

struct DiskOut {
    id: String,
    href: Option<String>,
    object_id: Option<String>,
    capacity: u128,
    unit: AllocationUnit,
    format: Option<String>,
}

fn disks(
    storages: &[&Resource],
    cx: &mut Cx<'_>,
    options: &ExportOptions,
) -> Result<Vec<DiskOut>, ExportError> {
    let mut out = Vec::new();
    for s in storages {
        let id = cx.names.of(s).to_owned();
        let entity = s.entity.id.as_str();
        let stated = match s.entity.attributes.get("occi.storage.size") {
            Some(Value::Number(n)) => {
                Some(
                    gib_to_bytes(n.as_str()).map_err(|message| ExportError::BadValue {
                        entity: entity.to_owned(),
                        attribute: "occi.storage.size".into(),
                        message,
                    })?,
                )
            }
            _ => None,
        };
        let what = "its Disk (and the drives using it)";
        let default = cx.defaults.disk_size;
        let Some(bytes) = cx.fill(
            entity,
            stated,
            "occi.storage.size",
            what,
            "disk-size",
            default,
        ) else {
            continue;
        };
        let (capacity, unit) = AllocationUnit::largest_binary_unit(bytes);
        let string = |name: &str| {
            s.entity
                .attributes
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let stated_format = string("tern.ovf.disk.format");
        let href = match (string("tern.cdmi.uri"), string("tern.ovf.disk.file")) {
            (Some(uri), _) => Some(uri),
            (None, Some(file)) => Some(match &options.cdmi_base {
                Some(base) => crate::cdmi::data_object_url(base, &file),
                None => file,
            }),
            (None, None) => options.cdmi_base.as_ref().map(|base| {
                let vmdk = stated_format
                    .as_deref()
                    .or(cx.defaults.disk_format.as_deref())
                    .is_some_and(|f| f.contains("vmdk"));
                let file = if vmdk { format!("{id}.vmdk") } else { id.clone() };
                cx.missing.push(format!(
                    "{entity}: no tern.ovf.disk.file: its data object is named `{file}` after the storage"
                ));
                crate::cdmi::data_object_url(base, &file)
            }),
        };
        // A disk image's format matters to the importer; a blank disk has none.
        let format = if href.is_some() {
            let default = cx.defaults.disk_format.clone();
            let what = "the Disk's ovf:format";
            cx.fill(
                entity,
                stated_format,
                "tern.ovf.disk.format",
                what,
                "disk-format",
                default,
            )
        } else {
            stated_format
        };
        cx.written_disks.push(s.entity.id.clone());
        out.push(DiskOut {
            id,
            href,
            object_id: string("tern.cdmi.objectid"),
            capacity,
            unit,
            format,
        });
    }
    Ok(out)
}

fn references_and_disks(x: &mut Builder, disks: &[DiskOut]) {
    let files: Vec<(String, &str, Option<&str>)> = disks
        .iter()
        .filter_map(|d| {
            d.href
                .as_deref()
                .map(|h| (format!("file-{}", d.id), h, d.object_id.as_deref()))
        })
        .collect();
    if files.is_empty() {
        x.empty("References", &[]);
    } else {
        x.open("References", &[]);
        for (id, href, object_id) in &files {
            // OVF has no attribute for the CDMI object ID; File takes foreign attributes.
            let mut attrs = vec![("ovf:id", id.as_str()), ("ovf:href", *href)];
            if let Some(object_id) = object_id {
                attrs.push(("tern:objectID", object_id));
            }
            x.empty("File", &attrs);
        }
        x.close("References");
    }
    if disks.is_empty() {
        return;
    }
    x.open("DiskSection", &[]);
    x.text("Info", &[], "Virtual disks");
    for d in disks {
        let capacity = d.capacity.to_string();
        let unit = d.unit.to_string();
        let file = format!("file-{}", d.id);
        let mut attrs = vec![
            ("ovf:diskId", d.id.as_str()),
            ("ovf:capacity", capacity.as_str()),
            ("ovf:capacityAllocationUnits", unit.as_str()),
        ];
        if d.href.is_some() {
            attrs.push(("ovf:fileRef", file.as_str()));
        }
        if let Some(format) = &d.format {
            attrs.push(("ovf:format", format.as_str()));
        }
        x.empty("Disk", &attrs);
    }
    x.close("DiskSection");
}

fn system(
    x: &mut Builder,
    vm: &Resource,
    cx: &mut Cx<'_>,
    products: &products::Plan,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    let id = cx.names.of(vm).to_owned();
    x.open("VirtualSystem", &[("ovf:id", &id)]);
    x.text("Info", &[], "A virtual machine exported from OCCI");
    if let Some(title) = &vm.entity.title {
        x.text("Name", &[], title);
    }
    if let Some(summary) = &vm.summary {
        x.open("AnnotationSection", &[]);
        x.text("Info", &[], "A description of the machine");
        x.text("Annotation", &[], summary);
        x.close("AnnotationSection");
    }
    products::write(x, products.of_system(vm));
    let os = operating_system(vm, options.catalogue.as_ref()).or_else(|| {
        let what = "the OperatingSystemSection";
        cx.fill(
            &vm.entity.id,
            None,
            "OS template",
            what,
            "os",
            options.defaults.os,
        )
        .map(|code| (code.to_string(), None))
    });
    if let Some((os, description)) = os {
        x.open("OperatingSystemSection", &[("ovf:id", &os)]);
        x.text("Info", &[], "The guest operating system");
        if let Some(description) = description {
            x.text("Description", &[], &description);
        }
        x.close("OperatingSystemSection");
    }
    hardware::section(x, vm, cx)?;
    x.close("VirtualSystem");
    Ok(())
}

// The CIM OS type of tern's `cim-N` template; else "Other" (1) described by the title of
// the provider's os_tpl mixin, when the catalogue knows one; else nothing is stated.
fn operating_system(
    vm: &Resource,
    catalogue: Option<&tern_model::Catalogue>,
) -> Option<(String, Option<String>)> {
    if let Some(code) = vm
        .entity
        .mixins
        .iter()
        .find(|m| m.scheme() == extensions::OS_TEMPLATE_SCHEME)
        .and_then(|m| m.term().strip_prefix("cim-"))
    {
        return Some((code.to_owned(), None));
    }
    let os_tpl = tern_model::CategoryId::new(INFRA, "os_tpl");
    let description = catalogue.and_then(|c| {
        vm.entity.mixins.iter().find_map(|m| {
            let closure = c.mixin_closure(m);
            let is_template = closure.iter().skip(1).any(|d| d.id == os_tpl);
            is_template.then(|| {
                closure[0]
                    .title
                    .clone()
                    .unwrap_or_else(|| m.term().to_owned())
            })
        })
    });
    description.map(|d| ("1".to_owned(), Some(d)))
}

fn common_collection(computes: &[&Resource]) -> Option<String> {
    let first = computes
        .first()?
        .entity
        .attributes
        .get("tern.ovf.collection")?
        .as_str()?
        .to_owned();
    let all_same = computes.iter().all(|c| {
        c.entity
            .attributes
            .get("tern.ovf.collection")
            .and_then(Value::as_str)
            == Some(first.as_str())
    });
    all_same.then(|| first.split('/').next().unwrap_or(&first).to_owned())
}

// Every attribute no row writes to OVF (runtime state, tern bookkeeping aside). Values the
// import derives again (architecture from the OS type, `static` from a given address) are
// only reported when the derivation would give something else.
fn dropped_facts(entity: &tern_model::Entity, out: &mut Vec<String>) {
    let table = MappingTable::builtin();
    for (name, value) in entity.attributes.iter() {
        if name.starts_with("tern.") {
            continue;
        }
        let row = table.rows().iter().find(|r| {
            r.occi.as_ref().is_some_and(|o| {
                o.attribute.as_deref() == Some(name)
                    && (o.category == entity.kind || entity.mixins.contains(&o.category))
            })
        });
        match row {
            Some(r) if matches!(r.direction, Direction::Both | Direction::OcciToOvf) => {}
            Some(r) if rederived(r.convert, entity, value) => {}
            Some(r) => out.push(format!(
                "{}: {name}: {}",
                entity.id,
                r.loss.as_deref().unwrap_or("no OVF counterpart")
            )),
            None => out.push(format!("{}: {name}: no mapping row", entity.id)),
        }
    }
}

fn rederived(conversion: crate::Conversion, entity: &tern_model::Entity, value: &Value) -> bool {
    match conversion {
        crate::Conversion::CimOsArchitecture => entity
            .mixins
            .iter()
            .filter(|m| m.scheme() == extensions::OS_TEMPLATE_SCHEME)
            .filter_map(|m| m.term().strip_prefix("cim-")?.parse::<u16>().ok())
            .filter_map(crate::os::cim_os_type)
            .any(|t| t.architecture.as_deref() == value.as_str()),
        crate::Conversion::AddressAllocation => value.as_str() == Some("static"),
        _ => false,
    }
}

pub(crate) fn gib_to_bytes(decimal: &str) -> Result<u128, String> {
    let gib = Ratio::parse_decimal(decimal)
        .ok_or_else(|| format!("`{decimal}` is not a non-negative decimal"))?;
    AllocationUnit::GIBIBYTE
        .convert_whole(gib, &AllocationUnit::BYTE)
        .map_err(|_| format!("{decimal} GiB is not a whole number of bytes"))
}

pub(crate) fn bad(vm: &Resource, attribute: &str, message: String) -> ExportError {
    ExportError::BadValue {
        entity: vm.entity.id.clone(),
        attribute: attribute.into(),
        message,
    }
}
