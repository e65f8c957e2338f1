//! The VirtualHardwareSection of an exported system: CPU, memory, disk controllers and
//! drives from storage links, NICs from network interfaces.

use std::collections::BTreeMap;

use tern_model::{Collection, Link, Resource, Value};
use tern_ovf::build::Builder;
use tern_units::{AllocationUnit, Ratio};

use super::names::Names;
use super::{ExportError, bad, gib_to_bytes};

/// InstanceIDs in document order.
struct Instances(u32);

impl Instances {
    fn next(&mut self) -> String {
        self.0 += 1;
        self.0.to_string()
    }
}

/// Writes the section for `vm`.
pub(super) fn section(
    x: &mut Builder,
    vm: &Resource,
    names: &Names,
    collection: &Collection,
) -> Result<(), ExportError> {
    x.open("VirtualHardwareSection", &[]);
    x.text("Info", &[], "Virtual hardware requirements");
    x.open("System", &[]);
    x.text("vssd:ElementName", &[], "Virtual Hardware Family");
    x.text("vssd:InstanceID", &[], "0");
    x.text("vssd:VirtualSystemIdentifier", &[], names.of(vm));
    let family = vm
        .entity
        .attributes
        .get("tern.ovf.system_type")
        .and_then(Value::as_str)
        .unwrap_or("vmx-13");
    x.text("vssd:VirtualSystemType", &[], family);
    x.close("System");
    let mut ids = Instances(0);
    cpu(x, vm, &mut ids)?;
    memory(x, vm, &mut ids)?;
    storage(x, vm, names, collection, &mut ids);
    nics(x, vm, names, collection, &mut ids);
    x.close("VirtualHardwareSection");
    Ok(())
}

fn cpu(x: &mut Builder, vm: &Resource, ids: &mut Instances) -> Result<(), ExportError> {
    let attr = |name: &str| vm.entity.attributes.get(name);
    let cores = match attr("occi.compute.cores") {
        Some(Value::Number(n)) => n.as_str().to_owned(),
        _ => "1".to_owned(),
    };
    let mut cpu = BTreeMap::from([
        ("AllocationUnits", "hertz * 10^6".to_owned()),
        ("ElementName", format!("{cores} virtual CPU(s)")),
        ("InstanceID", ids.next()),
        ("ResourceType", "3".to_owned()),
        ("VirtualQuantity", cores),
    ]);
    if let Some(Value::Number(ghz)) = attr("occi.compute.speed") {
        let mhz = Ratio::parse_decimal(ghz.as_str())
            .and_then(|r| {
                AllocationUnit::GIGAHERTZ
                    .convert_whole(r, &AllocationUnit::MEGAHERTZ)
                    .ok()
            })
            .ok_or_else(|| {
                bad(
                    vm,
                    "occi.compute.speed",
                    format!("{ghz} GHz is not a whole number of MHz"),
                )
            })?;
        cpu.insert("Reservation", mhz.to_string());
    }
    if let Some(Value::Number(share)) = attr("occi.compute.share") {
        cpu.insert("Weight", share.as_str().to_owned());
    }
    item(x, &cpu);
    Ok(())
}

fn memory(x: &mut Builder, vm: &Resource, ids: &mut Instances) -> Result<(), ExportError> {
    let Some(Value::Number(gib)) = vm.entity.attributes.get("occi.compute.memory") else {
        return Ok(());
    };
    let bytes = gib_to_bytes(gib.as_str()).map_err(|m| bad(vm, "occi.compute.memory", m))?;
    // Importers expect megabytes; fall back to the largest exact unit.
    let (q, unit) = match AllocationUnit::MEBIBYTE.from_base(bytes) {
        Ok(mib) if mib << 20 == bytes => (mib, AllocationUnit::MEBIBYTE),
        _ => AllocationUnit::largest_binary_unit(bytes),
    };
    item(
        x,
        &BTreeMap::from([
            ("AllocationUnits", unit.to_string()),
            ("ElementName", format!("{gib} GiB of memory")),
            ("InstanceID", ids.next()),
            ("ResourceType", "4".to_owned()),
            ("VirtualQuantity", q.to_string()),
        ]),
    );
    Ok(())
}

// One controller per distinct `tern.ovf.controller` (SCSI LSI Logic when unknown), then the
// drives on them.
fn storage(
    x: &mut Builder,
    vm: &Resource,
    names: &Names,
    collection: &Collection,
    ids: &mut Instances,
) {
    let links: Vec<&Link> = vm
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "storagelink")
        .collect();
    let controller_of = |l: &Link| -> String {
        l.entity
            .attributes
            .get("tern.ovf.controller")
            .and_then(Value::as_str)
            .unwrap_or("scsi lsilogic")
            .to_owned()
    };
    let mut controllers: Vec<(String, String)> = Vec::new();
    for link in &links {
        let controller = controller_of(link);
        if controllers.iter().any(|(c, _)| *c == controller) {
            continue;
        }
        let id = ids.next();
        let (kind, sub) = controller
            .split_once(' ')
            .unwrap_or((controller.as_str(), ""));
        let mut fields = BTreeMap::from([
            ("Address", controllers.len().to_string()),
            (
                "ElementName",
                format!("{kind} controller {}", controllers.len()),
            ),
            ("InstanceID", id.clone()),
            ("ResourceType", controller_type(kind).to_owned()),
        ]);
        if !sub.is_empty() {
            fields.insert("ResourceSubType", sub.to_owned());
        }
        item(x, &fields);
        controllers.push((controller, id));
    }
    for (slot, link) in links.iter().enumerate() {
        let Some(disk) = collection.resource(&link.target.location) else {
            continue;
        };
        let controller = controller_of(link);
        let parent = controllers
            .iter()
            .find(|(c, _)| *c == controller)
            .map(|(_, id)| id.clone())
            .unwrap_or_default();
        let address = link
            .entity
            .attributes
            .get("tern.ovf.address_on_parent")
            .and_then(Value::as_str)
            .map_or_else(|| slot.to_string(), str::to_owned);
        item(
            x,
            &BTreeMap::from([
                ("AddressOnParent", address),
                ("ElementName", format!("Hard disk {}", slot + 1)),
                ("HostResource", format!("ovf:/disk/{}", names.of(disk))),
                ("InstanceID", ids.next()),
                ("Parent", parent),
                ("ResourceType", "17".to_owned()),
            ]),
        );
    }
}

fn nics(
    x: &mut Builder,
    vm: &Resource,
    names: &Names,
    collection: &Collection,
    ids: &mut Instances,
) {
    for link in vm
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "networkinterface")
    {
        let network = collection
            .resource(&link.target.location)
            .map_or_else(|| link.target.location.clone(), |n| names.of(n).to_owned());
        let get = |name: &str| {
            link.entity
                .attributes
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let mut fields = BTreeMap::from([
            ("AutomaticAllocation", "true".to_owned()),
            ("Connection", network.clone()),
            (
                "ElementName",
                get("occi.networkinterface.interface")
                    .unwrap_or_else(|| format!("Ethernet adapter on {network}")),
            ),
            ("InstanceID", ids.next()),
            (
                "ResourceSubType",
                get("tern.ovf.nic.model").unwrap_or_else(|| "E1000".to_owned()),
            ),
            ("ResourceType", "10".to_owned()),
        ]);
        if let Some(mac) = get("occi.networkinterface.mac") {
            fields.insert("Address", mac);
        }
        item(x, &fields);
    }
}

// RASD children in the schema's (alphabetical) order: BTreeMap keeps them sorted.
fn item(x: &mut Builder, fields: &BTreeMap<&str, String>) {
    x.open("Item", &[]);
    for (name, value) in fields {
        x.text(&format!("rasd:{name}"), &[], value);
    }
    x.close("Item");
}

fn controller_type(kind: &str) -> &'static str {
    match kind {
        "ide" => "5",
        "fc" => "7",
        "iscsi" => "8",
        "infiniband" => "9",
        "sata" => "20",
        "other" => "1",
        _ => "6",
    }
}
