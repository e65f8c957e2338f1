//! The VirtualHardwareSection of an exported system: CPU, memory, disk controllers and
//! drives from storage links, NICs from network interfaces. A fact the collection does not
//! state is written only from the export's defaults; otherwise its element is left out, and
//! either way the export says so.

use std::collections::BTreeMap;

use tern_model::{Link, Resource, Value};
use tern_ovf::build::Builder;
use tern_units::{AllocationUnit, Ratio};

use super::{Cx, ExportError, bad, gib_to_bytes};

/// InstanceIDs in document order.
struct Instances(u32);

impl Instances {
    fn next(&mut self) -> String {
        self.0 += 1;
        self.0.to_string()
    }
}

/// Writes the section for `vm`.
pub(super) fn section(x: &mut Builder, vm: &Resource, cx: &mut Cx<'_>) -> Result<(), ExportError> {
    x.open("VirtualHardwareSection", &[]);
    x.text("Info", &[], "Virtual hardware requirements");
    x.open("System", &[]);
    x.text("vssd:ElementName", &[], "Virtual Hardware Family");
    x.text("vssd:InstanceID", &[], "0");
    x.text("vssd:VirtualSystemIdentifier", &[], cx.names.of(vm));
    let stated = vm
        .entity
        .attributes
        .get("tern.ovf.system_type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let family = cx.fill(
        &vm.entity.id,
        stated,
        "tern.ovf.system_type",
        "the VirtualSystemType",
        "system-type",
        cx.defaults.system_type.clone(),
    );
    if let Some(family) = family {
        x.text("vssd:VirtualSystemType", &[], &family);
    }
    x.close("System");
    let mut ids = Instances(0);
    cpu(x, vm, cx, &mut ids)?;
    memory(x, vm, cx, &mut ids)?;
    storage(x, vm, cx, &mut ids);
    nics(x, vm, cx, &mut ids);
    x.close("VirtualHardwareSection");
    Ok(())
}

fn cpu(
    x: &mut Builder,
    vm: &Resource,
    cx: &mut Cx<'_>,
    ids: &mut Instances,
) -> Result<(), ExportError> {
    let attr = |name: &str| vm.entity.attributes.get(name);
    let stated = match attr("occi.compute.cores") {
        Some(Value::Number(n)) => Some(n.as_str().to_owned()),
        _ => None,
    };
    let Some(cores) = cx.fill(
        &vm.entity.id,
        stated,
        "occi.compute.cores",
        "the processor item",
        "cpus",
        cx.defaults.cpus.map(|c| c.to_string()),
    ) else {
        return Ok(());
    };
    let mut cpu = BTreeMap::from([
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
        // The units of Reservation, written with it.
        cpu.insert("AllocationUnits", "hertz * 10^6".to_owned());
        cpu.insert("Reservation", mhz.to_string());
    }
    if let Some(Value::Number(share)) = attr("occi.compute.share") {
        cpu.insert("Weight", share.as_str().to_owned());
    }
    item(x, &cpu);
    Ok(())
}

fn memory(
    x: &mut Builder,
    vm: &Resource,
    cx: &mut Cx<'_>,
    ids: &mut Instances,
) -> Result<(), ExportError> {
    let stated = match vm.entity.attributes.get("occi.compute.memory") {
        Some(Value::Number(gib)) => {
            Some(gib_to_bytes(gib.as_str()).map_err(|m| bad(vm, "occi.compute.memory", m))?)
        }
        _ => None,
    };
    let Some(bytes) = cx.fill(
        &vm.entity.id,
        stated,
        "occi.compute.memory",
        "the memory item",
        "memory",
        cx.defaults.memory,
    ) else {
        return Ok(());
    };
    // Importers expect megabytes; fall back to the largest exact unit.
    let (q, unit) = match AllocationUnit::MEBIBYTE.from_base(bytes) {
        Ok(mib) if mib << 20 == bytes => (mib, AllocationUnit::MEBIBYTE),
        _ => AllocationUnit::largest_binary_unit(bytes),
    };
    item(
        x,
        &BTreeMap::from([
            ("AllocationUnits", unit.to_string()),
            (
                "ElementName",
                format!("{} GiB of memory", gib_decimal(bytes)),
            ),
            ("InstanceID", ids.next()),
            ("ResourceType", "4".to_owned()),
            ("VirtualQuantity", q.to_string()),
        ]),
    );
    Ok(())
}

// `bytes` in GiB, exactly (every whole number of bytes has a finite decimal in GiB).
fn gib_decimal(bytes: u128) -> String {
    Ratio::new(bytes, 1 << 30)
        .and_then(Ratio::to_decimal)
        .unwrap_or_else(|| format!("{bytes} B / 2^30"))
}

// One controller per distinct `tern.ovf.controller` (or the default controller), then the
// drives: on their controller when there is one, else without a Parent.
fn storage(x: &mut Builder, vm: &Resource, cx: &mut Cx<'_>, ids: &mut Instances) {
    // Only links to a storage whose Disk is written become drives.
    let links: Vec<(&Link, String)> = vm
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "storagelink")
        .filter_map(|l| {
            let disk = cx.collection.resource(&l.target.location)?;
            cx.written_disks
                .contains(&disk.entity.id)
                .then(|| (l, cx.names.of(disk).to_owned()))
        })
        .collect();
    let mut controller_of: Vec<Option<String>> = Vec::new();
    for (link, _) in &links {
        let stated = link
            .entity
            .attributes
            .get("tern.ovf.controller")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let controller = cx.fill(
            &link.entity.id,
            stated,
            "tern.ovf.controller",
            "the drive's controller",
            "controller",
            cx.defaults.controller.clone(),
        );
        controller_of.push(controller);
    }
    let mut controllers: Vec<(String, String)> = Vec::new();
    for controller in controller_of.iter().flatten() {
        if controllers.iter().any(|(c, _)| c == controller) {
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
            (
                "ResourceType",
                controller_type(kind).unwrap_or("1").to_owned(),
            ),
        ]);
        if !sub.is_empty() {
            fields.insert("ResourceSubType", sub.to_owned());
        }
        item(x, &fields);
        controllers.push((controller.clone(), id));
    }
    for (n, ((link, disk), controller)) in links.iter().zip(&controller_of).enumerate() {
        let mut fields = BTreeMap::from([
            ("ElementName", format!("Hard disk {}", n + 1)),
            ("HostResource", format!("ovf:/disk/{disk}")),
            ("InstanceID", ids.next()),
            ("ResourceType", "17".to_owned()),
        ]);
        let parent = controller
            .as_ref()
            .and_then(|c| controllers.iter().find(|(name, _)| name == c))
            .map(|(_, id)| id.clone());
        if let Some(parent) = parent {
            fields.insert("Parent", parent);
            let slot = link
                .entity
                .attributes
                .get("tern.ovf.address_on_parent")
                .and_then(Value::as_str)
                .map(str::to_owned);
            match slot {
                Some(slot) => {
                    fields.insert("AddressOnParent", slot);
                }
                None => cx.missing.push(format!(
                    "{}: no tern.ovf.address_on_parent: the drive's AddressOnParent is left out (the importer picks a slot)",
                    link.entity.id
                )),
            }
        }
        item(x, &fields);
    }
}

fn nics(x: &mut Builder, vm: &Resource, cx: &mut Cx<'_>, ids: &mut Instances) {
    for link in vm
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "networkinterface")
    {
        let network = cx
            .names
            .network_of(cx.collection, &link.target.location)
            .to_owned();
        let get = |name: &str| {
            link.entity
                .attributes
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        // A network interface link is the connection itself: the adapter is connected.
        let mut fields = BTreeMap::from([
            ("AutomaticAllocation", "true".to_owned()),
            ("Connection", network.clone()),
            (
                "ElementName",
                get("occi.networkinterface.interface")
                    .unwrap_or_else(|| format!("Ethernet adapter on {network}")),
            ),
            ("InstanceID", ids.next()),
            ("ResourceType", "10".to_owned()),
        ]);
        let model = cx.fill(
            &link.entity.id,
            get("tern.ovf.nic.model"),
            "tern.ovf.nic.model",
            "the adapter's ResourceSubType",
            "nic-model",
            cx.defaults.nic_model.clone(),
        );
        if let Some(model) = model {
            fields.insert("ResourceSubType", model);
        }
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

/// The CIM ResourceType of a controller name (`tern.ovf.controller`'s first word).
pub(super) fn controller_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "ide" => "5",
        "scsi" => "6",
        "fc" => "7",
        "iscsi" => "8",
        "infiniband" => "9",
        "sata" => "20",
        "other" => "1",
        _ => return None,
    })
}
