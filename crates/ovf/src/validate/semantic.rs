//! Semantic rules over the typed view: uniqueness, references that must resolve, sizes,
//! items, bounds, properties.

use crate::hash::{HashMap, HashSet};
use std::borrow::Cow;

use super::{Rule, Sink};
use crate::model::{
    Bound, Capacity, Content, Envelope, Item, MAX_RESOLVED_OPTIONS, ProductSection, VirtualHardware,
};

pub(super) fn check(env: &Envelope, sink: &mut Sink) {
    let cx = Semantic::new(env);
    cx.files(sink);
    cx.disks(sink);
    cx.networks_and_options(sink);
    cx.strings(sink);
    if let Some(content) = &env.content {
        let mut ids = HashSet::default();
        cx.content(content, &mut ids, sink);
    }
}

/// Property types DSP0243 allows (Table 6), without qualifiers.
const PROPERTY_TYPES: &[&str] = &[
    "uint8", "sint8", "uint16", "sint16", "uint32", "sint32", "uint64", "sint64", "boolean",
    "string", "real32", "real64",
];

/// Spellings seen in real files that consumers accept; reported as warnings.
const LEGACY_PROPERTY_TYPES: &[&str] = &["int", "integer", "ip", "password"];

/// ResourceTypes that cannot be the Parent of another item: processors, memory, NICs,
/// drives, ports, graphics, Ethernet connections.
const NOT_PARENTS: &[u16] = &[3, 4, 10, 14, 15, 16, 17, 18, 21, 22, 24, 33];

struct Semantic<'a> {
    env: &'a Envelope,
    file_ids: HashSet<&'a str>,
    file_hrefs: HashSet<&'a str>,
    disk_ids: HashSet<&'a str>,
    networks: HashSet<&'a str>,
    configurations: HashSet<&'a str>,
    property_keys: HashSet<Cow<'a, str>>,
    content_ids: HashSet<&'a str>,
}

impl<'a> Semantic<'a> {
    fn new(env: &'a Envelope) -> Self {
        let mut property_keys = HashSet::default();
        let mut content_ids = HashSet::default();
        if let Some(content) = &env.content {
            collect(content, &mut property_keys, &mut content_ids);
        }
        Semantic {
            env,
            file_ids: env.files.iter().filter_map(|f| f.id.as_deref()).collect(),
            file_hrefs: env.files.iter().filter_map(|f| f.href.as_deref()).collect(),
            disk_ids: env
                .disks
                .iter()
                .filter_map(|d| d.disk_id.as_deref())
                .collect(),
            networks: env
                .networks
                .iter()
                .filter_map(|n| n.name.as_deref())
                .collect(),
            configurations: env
                .deployment_options
                .iter()
                .filter_map(|c| c.id.as_deref())
                .collect(),
            property_keys,
            content_ids,
        }
    }

    fn files(&self, sink: &mut Sink) {
        let mut ids = HashSet::default();
        let mut hrefs = HashSet::default();
        for f in &self.env.files {
            match f.id.as_deref() {
                Some(id) if !ids.insert(id) => sink.error(
                    Rule::DuplicateFileId,
                    f.position,
                    format!("File ovf:id \"{id}\" is declared twice"),
                ),
                None => sink.error(Rule::FileRef, f.position, "File has no ovf:id".into()),
                _ => {}
            }
            match f.href.as_deref() {
                Some(href) if !hrefs.insert(href) => sink.error(
                    Rule::DuplicateHref,
                    f.position,
                    format!("File ovf:href \"{href}\" is used by two Files"),
                ),
                None => sink.error(Rule::FileRef, f.position, "File has no ovf:href".into()),
                _ => {}
            }
            if let Some(v) = &f.size
                && v.trim().parse::<u64>().is_err()
            {
                let what = if v.trim().is_empty() {
                    "is empty"
                } else if v.trim().starts_with('-') {
                    "is negative"
                } else {
                    "is not a number"
                };
                let message = format!(
                    "File ovf:size=\"{v}\" {what}: it is the file's size in bytes, an unsigned integer"
                );
                // VMware's 0.9 tooling ignored a size it could not read.
                if sink.dialect() == crate::Dialect::Vmware09 {
                    sink.warning(Rule::FileSizeValue, f.position, message);
                } else {
                    sink.error(Rule::FileSizeValue, f.position, message);
                }
            }
            if let Some(v) = &f.chunk_size
                && v.trim().parse::<u64>().is_err()
            {
                sink.error(
                    Rule::FileSize,
                    f.position,
                    format!("File ovf:chunkSize=\"{v}\" is not a non-negative integer"),
                );
            }
            if let Some(c) = f.compression.as_deref()
                && !matches!(c, "" | "identity" | "gzip")
            {
                sink.warning(
                    Rule::FileSize,
                    f.position,
                    format!("File ovf:compression=\"{c}\" is neither identity nor gzip"),
                );
            }
        }
    }

    fn disks(&self, sink: &mut Sink) {
        let mut ids = HashSet::default();
        let mut images: HashMap<&str, &str> = HashMap::default();
        for d in &self.env.disks {
            let name = d.disk_id.as_deref().unwrap_or("?");
            match d.disk_id.as_deref() {
                Some(id) if !ids.insert(id) => sink.error(
                    Rule::DuplicateDiskId,
                    d.position,
                    format!("Disk ovf:diskId \"{id}\" is declared twice"),
                ),
                None => sink.error(
                    Rule::DuplicateDiskId,
                    d.position,
                    "Disk has no ovf:diskId".into(),
                ),
                _ => {}
            }
            if let Some(r) = d.file_ref.as_deref().filter(|r| !r.is_empty()) {
                if let Some(first) = images.get(r) {
                    sink.error(
                        Rule::DiskSharedFile,
                        d.position,
                        format!(
                            "Disk \"{name}\" has ovf:fileRef=\"{r}\", the File of Disk \"{first}\" too: each disk needs its own File"
                        ),
                    );
                } else {
                    images.insert(r, name);
                }
            }
            if let Some(r) = d.file_ref.as_deref() {
                // oVirt points fileRef at the File's href ("image-group/volume").
                let ovirt_href = sink.is_legacy() && self.file_hrefs.contains(r);
                if !self.file_ids.contains(r) && !ovirt_href {
                    sink.error(
                        Rule::FileRef,
                        d.position,
                        format!("Disk \"{name}\" has ovf:fileRef=\"{r}\" but no File has that id"),
                    );
                }
            }
            if let Some(p) = d.parent_ref.as_deref().filter(|p| !p.is_empty())
                && !self.disk_ids.contains(p)
            {
                sink.error(
                    Rule::ParentRef,
                    d.position,
                    format!("Disk \"{name}\" has ovf:parentRef=\"{p}\" but no Disk has that id"),
                );
            }
            self.disk_size(d, name, sink);
        }
    }

    fn disk_size(&self, d: &crate::model::Disk, name: &str, sink: &mut Sink) {
        let unit = d.capacity_unit();
        if let Err(e) = &unit {
            sink.error(
                Rule::Units,
                d.position,
                format!("Disk \"{name}\" ovf:capacityAllocationUnits: {e}"),
            );
        }
        let capacity = match &d.capacity {
            Capacity::Number(0) => {
                sink.error(
                    Rule::CapacityZero,
                    d.position,
                    format!("Disk \"{name}\" has ovf:capacity=\"0\": a virtual disk of no bytes"),
                );
                None
            }
            Capacity::Number(n) => Some(*n),
            Capacity::Property(key) => {
                if !self.property_keys.contains(key.as_str()) {
                    sink.error(
                        Rule::Capacity,
                        d.position,
                        format!("Disk \"{name}\" capacity ${{{key}}} names no declared Property"),
                    );
                }
                None
            }
            Capacity::Invalid(raw) => {
                sink.error(
                    Rule::Capacity,
                    d.position,
                    format!(
                        "Disk \"{name}\" ovf:capacity=\"{raw}\" is neither a positive integer nor ${{property}}"
                    ),
                );
                None
            }
            Capacity::Missing => {
                sink.error(
                    Rule::Capacity,
                    d.position,
                    format!("Disk \"{name}\" has no ovf:capacity"),
                );
                None
            }
        };
        if let Some(raw) = d.populated_size.as_deref() {
            match raw.trim().parse::<u64>() {
                Err(_) => sink.error(
                    Rule::PopulatedSize,
                    d.position,
                    format!(
                        "Disk \"{name}\" ovf:populatedSize=\"{raw}\" is not a non-negative integer"
                    ),
                ),
                Ok(populated) => {
                    let capacity_bytes =
                        capacity.and_then(|c| unit.as_ref().ok().and_then(|u| u.bytes(c).ok()));
                    if capacity_bytes.is_some_and(|c| u128::from(populated) > c) {
                        sink.error(
                            Rule::PopulatedSize,
                            d.position,
                            format!(
                                "Disk \"{name}\" ovf:populatedSize {populated} exceeds its capacity of {} bytes",
                                capacity_bytes.unwrap_or(0)
                            ),
                        );
                    }
                }
            }
        }
    }

    fn networks_and_options(&self, sink: &mut Sink) {
        let mut names = HashSet::default();
        for n in &self.env.networks {
            if let Some(name) = n.name.as_deref()
                && !names.insert(name)
            {
                sink.error(
                    Rule::DuplicateNetwork,
                    n.position,
                    format!("Network \"{name}\" is declared twice"),
                );
            }
        }
        let mut ids = HashSet::default();
        let mut defaults = 0;
        for c in &self.env.deployment_options {
            if let Some(id) = c.id.as_deref()
                && !ids.insert(id)
            {
                sink.error(
                    Rule::DeploymentOption,
                    c.position,
                    format!("deployment option \"{id}\" is declared twice"),
                );
            }
            if c.default {
                defaults += 1;
                if defaults == 2 {
                    sink.error(
                        Rule::DeploymentOption,
                        c.position,
                        "a second deployment option with ovf:default=\"true\"".into(),
                    );
                }
            }
        }
    }

    fn strings(&self, sink: &mut Sink) {
        for s in &self.env.strings {
            if let Some(r) = s.file_ref.as_deref() {
                // A missing message bundle only loses translations (consumers fall back to the
                // default texts); ovftool's positive tests contain one.
                if !self.file_ids.contains(r) {
                    sink.warning(
                        Rule::FileRef,
                        s.position,
                        format!("Strings ovf:fileRef=\"{r}\" names no File; its translations are unavailable"),
                    );
                }
            }
        }
    }

    fn content(&self, content: &'a Content, ids: &mut HashSet<&'a str>, sink: &mut Sink) {
        let (position, sections) = match content {
            Content::VirtualSystem(v) => (v.position, &v.sections),
            Content::VirtualSystemCollection(c) => (c.position, &c.sections),
        };
        if let Some(id) = content.id()
            && !ids.insert(id)
        {
            sink.error(
                Rule::DuplicateContentId,
                position,
                format!(
                    "ovf:id \"{id}\" is used by two VirtualSystem/VirtualSystemCollection elements"
                ),
            );
        }
        let mut classes = HashSet::default();
        for ps in &sections.product {
            let key = (
                ps.class.clone().unwrap_or_default(),
                ps.instance.clone().unwrap_or_default(),
            );
            if !classes.insert(key.clone()) {
                sink.error(
                    Rule::DuplicateProductSection,
                    ps.position,
                    format!(
                        "a second ProductSection with class \"{}\" and instance \"{}\"",
                        key.0, key.1
                    ),
                );
            }
            self.product(ps, sink);
        }
        for hw in &sections.hardware {
            self.hardware(hw, sink);
        }
        for item in &sections.resource_allocation {
            self.configuration_refs(&item.configuration, item.position, sink);
        }
        for s in &sections.startup {
            if let Some(id) = s.id.as_deref()
                && !self.content_ids.contains(id)
            {
                sink.error(
                    Rule::StartupRef,
                    s.position,
                    format!(
                        "StartupSection Item ovf:id=\"{id}\" names no VirtualSystem or collection"
                    ),
                );
            }
        }
        if let Content::VirtualSystemCollection(c) = content {
            for m in &c.members {
                self.content(m, ids, sink);
            }
        }
    }

    fn product(&self, ps: &ProductSection, sink: &mut Sink) {
        let mut keys = HashSet::default();
        for p in ps.properties() {
            let Some(key) = p.key.as_deref() else {
                sink.error(
                    Rule::PropertyKey,
                    p.position,
                    "Property has no ovf:key".into(),
                );
                continue;
            };
            if !keys.insert(key) {
                sink.error(
                    Rule::DuplicatePropertyKey,
                    p.position,
                    format!("Property key \"{key}\" is declared twice in this ProductSection"),
                );
            }
            match p.ty.as_deref() {
                None => sink.error(
                    Rule::PropertyType,
                    p.position,
                    format!("Property \"{key}\" has no ovf:type"),
                ),
                Some(t) if PROPERTY_TYPES.contains(&t) => {}
                Some(t) if LEGACY_PROPERTY_TYPES.contains(&t) => sink.warning(
                    Rule::PropertyType,
                    p.position,
                    format!("Property \"{key}\" has the non-standard ovf:type=\"{t}\""),
                ),
                Some(t) => sink.error(
                    Rule::PropertyType,
                    p.position,
                    format!(
                        "Property \"{key}\" has ovf:type=\"{t}\"; allowed: {}",
                        PROPERTY_TYPES.join(", ")
                    ),
                ),
            }
            if let Some(q) = p.qualifiers.as_deref()
                && let Err(bad) = check_qualifiers(q)
            {
                sink.error(
                    Rule::PropertyType,
                    p.position,
                    format!("Property \"{key}\" has an unknown qualifier \"{bad}\""),
                );
            }
            for v in &p.values {
                self.configuration_refs(&v.configuration, p.position, sink);
            }
        }
    }

    fn hardware(&self, hw: &VirtualHardware, sink: &mut Sink) {
        // Each deployment option's hardware, as the resolver combines it, one option at a
        // time. For each Item (by its index), whether every combined Item it is part of has
        // AllocationUnits (a partial override takes them from the Item it combines with);
        // the address clashes of each option.
        let mut with_units: Vec<Option<bool>> = vec![None; hw.items.len()];
        let mut clashes = Vec::new();
        let mut reported = HashSet::default();
        for option in self.options_to_check(hw, sink) {
            let r = hw.resolve(option);
            for x in &r.items {
                for s in &x.sources {
                    if let Some(flag) = index_of(&hw.items, s).and_then(|i| with_units.get_mut(i)) {
                        *flag = Some(flag.unwrap_or(true) & x.item.allocation_units().is_some());
                    }
                }
            }
            let items: Vec<&Item> = r.items.iter().map(|x| x.item.as_ref()).collect();
            check_addresses(&items, &mut reported, &mut clashes);
        }
        // Items by InstanceID (sorted, no hashing: the ids are the descriptor's), each id's
        // Items in document order: what a Parent names, and the groups sharing an id. Built
        // after the resolutions are dropped: the peak is the larger of the two.
        let mut by_id: Vec<(&str, &Item)> = hw
            .items
            .iter()
            .filter_map(|i| Some((i.instance_id()?, i)))
            .collect();
        by_id.sort_by(|a, b| a.0.cmp(b.0));
        for (item, units) in hw.items.iter().zip(&with_units) {
            self.item(item, &by_id, units.unwrap_or(false), sink);
        }
        for group in by_id.chunk_by(|a, b| a.0 == b.0) {
            check_group(group[0].0, group, sink);
        }
        for (position, message) in clashes {
            sink.error(Rule::AddressOnParent, position, message);
        }
    }

    /// The options whose hardware can differ: each declared option that an Item of `hw`
    /// names, and `None` for all the others (they all use the unconditional Items only).
    /// At most [`MAX_RESOLVED_OPTIONS`], with a warning beyond.
    fn options_to_check(&self, hw: &VirtualHardware, sink: &mut Sink) -> Vec<Option<&'a str>> {
        let named: HashSet<&str> = hw
            .items
            .iter()
            .flat_map(|i| i.configuration.iter().map(String::as_str))
            .collect();
        let declared = self.env.configuration_ids();
        let mut out: Vec<Option<&str>> = declared
            .iter()
            .copied()
            .filter(|c| named.contains(c))
            .map(Some)
            .collect();
        if out.len() < declared.len() || declared.is_empty() {
            out.insert(0, None);
        }
        if out.len() > MAX_RESOLVED_OPTIONS {
            sink.warning(
                Rule::DeploymentOption,
                hw.position,
                format!(
                    "{} deployment options give this section different hardware: the hardware of the first {MAX_RESOLVED_OPTIONS} is checked",
                    out.len()
                ),
            );
            out.truncate(MAX_RESOLVED_OPTIONS);
        }
        out
    }

    fn item(&self, item: &Item, by_id: &[(&str, &Item)], units_combined: bool, sink: &mut Sink) {
        let label = item.label().unwrap_or("Item");
        if item.resource_type().is_none() {
            sink.error(
                Rule::ItemRequiredField,
                item.position,
                format!("Item \"{label}\" has no ResourceType"),
            );
        }
        if item.instance_id().is_none() {
            sink.error(
                Rule::ItemRequiredField,
                item.position,
                format!("Item \"{label}\" has no InstanceID"),
            );
        }
        if let Some(parent) = item.parent() {
            // oVirt writes the all-zero GUID for "no parent".
            let null_guid = sink.is_legacy() && parent.chars().all(|c| c == '0' || c == '-');
            // The last Item with that InstanceID, as a map filled in document order holds.
            let end = by_id.partition_point(|(id, _)| *id <= parent);
            let named = by_id[..end]
                .last()
                .filter(|(id, _)| *id == parent)
                .map(|(_, i)| *i);
            match named {
                None if !null_guid => sink.error(
                    Rule::ItemParent,
                    item.position,
                    format!("Item \"{label}\" has Parent {parent} but no item of this section has that InstanceID"),
                ),
                Some(p) if p.resource_type_code().is_some_and(|t| NOT_PARENTS.contains(&t)) => {
                    sink.error(
                        Rule::ItemParent,
                        item.position,
                        format!(
                            "Item \"{label}\" has Parent {parent}, which is \"{}\" (ResourceType {}), not a controller",
                            p.label().unwrap_or("?"),
                            p.resource_type().unwrap_or("?")
                        ),
                    );
                }
                _ => {}
            }
        }
        for h in item.host_resource().filter(|h| !h.trim().is_empty()) {
            self.host_resource(h.trim(), label, item, sink);
        }
        if item.is_nic() {
            for c in item.connection() {
                if !self.networks.contains(c) {
                    sink.error(
                        Rule::Connection,
                        item.position,
                        format!(
                            "Item \"{label}\" connects to \"{c}\", which no NetworkSection declares"
                        ),
                    );
                }
            }
        }
        self.configuration_refs(&item.configuration, item.position, sink);
        if item.is_memory() {
            match item.allocation_units() {
                None if units_combined => {}
                None => sink.warning(
                    Rule::Units,
                    item.position,
                    format!("memory Item \"{label}\" has no AllocationUnits; its size is unknown"),
                ),
                Some(u) => {
                    if let Err(e) = tern_units::AllocationUnit::parse(u) {
                        sink.error(
                            Rule::Units,
                            item.position,
                            format!("memory Item \"{label}\" AllocationUnits: {e}"),
                        );
                    }
                }
            }
        }
    }

    fn host_resource(&self, h: &str, label: &str, item: &Item, sink: &mut Sink) {
        let (kind, id, legacy) = if let Some(id) = h.strip_prefix("ovf:/disk/") {
            ("disk", id, false)
        } else if let Some(id) = h.strip_prefix("ovf:/file/") {
            ("file", id, false)
        } else if let Some(id) = h.strip_prefix("/disk/") {
            ("disk", id, true)
        } else if let Some(id) = h.strip_prefix("/file/") {
            ("file", id, true)
        } else {
            sink.error(
                Rule::HostResource,
                item.position,
                format!(
                    "Item \"{label}\" HostResource \"{h}\" is neither ovf:/disk/ID nor ovf:/file/ID"
                ),
            );
            return;
        };
        let known = if kind == "disk" {
            self.disk_ids.contains(id)
        } else {
            self.file_ids.contains(id)
        };
        if !known {
            // A dangling reference is wrong in every dialect.
            sink.error_not_lax(
                Rule::HostResource,
                item.position,
                format!("Item \"{label}\" HostResource \"{h}\" names no declared {kind}"),
            );
        } else if legacy && !sink.is_legacy() {
            sink.warning(
                Rule::HostResource,
                item.position,
                format!("Item \"{label}\" HostResource \"{h}\" uses the legacy form without ovf:"),
            );
        }
    }

    fn configuration_refs(
        &self,
        configs: &[String],
        position: tern_diag::Position,
        sink: &mut Sink,
    ) {
        for c in configs {
            if !self.configurations.contains(c.as_str()) {
                sink.error(
                    Rule::Configuration,
                    position,
                    format!(
                        "ovf:configuration names \"{c}\", which no DeploymentOptionSection declares"
                    ),
                );
            }
        }
    }
}

/// The index of `item` in `items`, when it is one of them (a resolution borrows them).
fn index_of(items: &[Item], item: &Item) -> Option<usize> {
    let size = std::mem::size_of::<Item>();
    let offset = (std::ptr::from_ref(item) as usize).checked_sub(items.as_ptr() as usize)?;
    (offset % size == 0 && offset / size < items.len()).then_some(offset / size)
}

/// Items sharing an InstanceID: allowed as a bound range (one normal, at most one min and
/// one max) or for disjoint deployment options.
fn check_group(id: &str, group: &[(&str, &Item)], sink: &mut Sink) {
    let items = || group.iter().map(|(_, i)| *i);
    let first = group.first().map(|(_, i)| i.position).unwrap_or_default();
    let count = |b: &Bound| items().filter(|i| i.bound.as_ref() == Some(b)).count();
    let mins = count(&Bound::Min);
    let maxs = count(&Bound::Max);
    let normals = || items().filter(|i| matches!(i.bound, None | Some(Bound::Normal)));
    for i in items() {
        if let Some(Bound::Other(v)) = &i.bound {
            sink.error(
                Rule::Bound,
                i.position,
                format!("ovf:bound=\"{v}\" is not min, max or normal"),
            );
        }
    }
    if mins > 1 || maxs > 1 {
        sink.error(
            Rule::Bound,
            first,
            format!("InstanceID {id} has more than one min or max bound"),
        );
    }
    if (mins > 0 || maxs > 0) && normals().next().is_none() {
        sink.error(
            Rule::Bound,
            first,
            format!("InstanceID {id} has a min/max bound but no normal item"),
        );
    }
    // Items with ovf:configuration override the unconditional item of the same InstanceID
    // (ovftool's positive tests overlap them freely); two unconditional ones clash.
    if let Some(second) = normals().filter(|i| i.configuration.is_empty()).nth(1) {
        sink.error(
            Rule::DuplicateInstanceId,
            second.position,
            format!("InstanceID {id} is used by two items of this VirtualHardwareSection"),
        );
    }
}

/// Devices on the same controller need distinct AddressOnParent values (ESXi refuses the
/// descriptor otherwise), in the hardware of each deployment option: Items of different
/// options and range markers do not clash. A clash is reported once, at the later Item.
fn check_addresses(
    items: &[&Item],
    reported: &mut HashSet<tern_diag::Position>,
    clashes: &mut Vec<(tern_diag::Position, String)>,
) {
    let mut seen: HashMap<(&str, &str), &Item> = HashMap::default();
    for item in items.iter().copied() {
        let (Some(parent), Some(address)) = (item.parent(), item.address_on_parent()) else {
            continue;
        };
        if let Some(first) = seen.get(&(parent, address)) {
            // The same InstanceID twice is already reported as a duplicate.
            if first.instance_id() != item.instance_id() && reported.insert(item.position) {
                clashes.push((
                    item.position,
                    format!(
                        "Item \"{}\" uses AddressOnParent {address} on Parent {parent}, already taken by \"{}\"",
                        item.label().unwrap_or("?"),
                        first.label().unwrap_or("?")
                    ),
                ));
            }
        } else {
            seen.insert((parent, address), item);
        }
    }
}

/// Checks a qualifier list; returns the first unknown qualifier.
fn check_qualifiers(q: &str) -> Result<(), String> {
    let mut rest = q.trim();
    while !rest.is_empty() {
        let name_end = rest.find(['(', '{']).unwrap_or(rest.len());
        let name = rest[..name_end].trim().trim_start_matches(',').trim();
        if !matches!(
            name,
            "MinLen" | "MaxLen" | "ValueMap" | "MinValue" | "MaxValue"
        ) {
            return Err(name.to_string());
        }
        let close = match rest[name_end..].chars().next() {
            Some('(') => ')',
            Some('{') => '}',
            _ => return Err(name.to_string()),
        };
        let end = rest[name_end..]
            .find(close)
            .map(|i| name_end + i + 1)
            .ok_or_else(|| name.to_string())?;
        rest = rest[end..]
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
    }
    Ok(())
}

fn collect<'a>(content: &'a Content, keys: &mut HashSet<Cow<'a, str>>, ids: &mut HashSet<&'a str>) {
    if let Some(id) = content.id() {
        ids.insert(id);
    }
    for ps in &content.sections().product {
        for p in ps.properties() {
            if let Some(k) = p.key.as_deref() {
                keys.insert(Cow::Borrowed(k));
                // `class.key.instance` differs from the key only with a class or instance.
                let qualified = ps.class.as_deref().is_some_and(|c| !c.is_empty())
                    || ps.instance.as_deref().is_some_and(|i| !i.is_empty());
                if qualified {
                    keys.insert(Cow::Owned(ps.qualified_key(k)));
                }
            }
        }
    }
    if let Content::VirtualSystemCollection(c) = content {
        for m in &c.members {
            collect(m, keys, ids);
        }
    }
}
