//! Structural rules, checked on the tree: the Envelope sequence, Info everywhere, section
//! placement, unknown elements and `ovf:required`, the alphabetical order of CIM children.

use super::{Rule, Sink};
use crate::dialect::{Dialect, Quirk};
use crate::model::Envelope;
use crate::names;
use crate::node::{Name, NamespaceClass};
use crate::vocab;
use crate::xml::{ReadElement, Source};

/// Sections DSP0243 1.x and 2.x define (2.x ones may appear in 1.x envelopes, as vSphere does).
const KNOWN_SECTIONS: &[&str] = &[
    "AnnotationSection",
    "DeploymentOptionSection",
    "DiskSection",
    "EulaSection",
    "InstallSection",
    "NetworkSection",
    "OperatingSystemSection",
    "ProductSection",
    "ResourceAllocationSection",
    "StartupSection",
    "VirtualHardwareSection",
    // 2.x
    "BootDeviceSection",
    "EncryptionSection",
    "EnvironmentFilesSection",
    "PlacementGroupSection",
    "PlacementSection",
    "ScaleOutSection",
    "SharedDiskSection",
];

const ENVELOPE_ONLY: &[&str] = &[
    "DiskSection",
    "NetworkSection",
    "DeploymentOptionSection",
    "SharedDiskSection",
];

/// Every element name of the CIM RASD, EPASD and SASD item types (DSP8023 2.0.1 CIM XSDs);
/// the types list them in this byte-wise alphabetical order.
const ITEM_FIELDS: &[&str] = &[
    "Access",
    "Address",
    "AddressOnParent",
    "AllocationUnits",
    "AllowedPriorities",
    "AllowedToReceiveMACAddresses",
    "AllowedToReceiveVLANs",
    "AllowedToTransmitMACAddresses",
    "AllowedToTransmitVLANs",
    "AutomaticAllocation",
    "AutomaticDeallocation",
    "Caption",
    "ChangeableType",
    "ComponentSetting",
    "ConfigurationName",
    "Connection",
    "ConsumerVisibility",
    "DefaultPortVID",
    "DefaultPriority",
    "Description",
    "DesiredVLANEndpointMode",
    "ElementName",
    "Generation",
    "GroupID",
    "HostExtentName",
    "HostExtentNameFormat",
    "HostExtentNameNamespace",
    "HostExtentStartingAddress",
    "HostResource",
    "HostResourceBlockSize",
    "InstanceID",
    "Limit",
    "ManagerID",
    "MappingBehavior",
    "NetworkPortProfileID",
    "NetworkPortProfileIDType",
    "OtherEndpointMode",
    "OtherHostExtentNameFormat",
    "OtherHostExtentNameNamespace",
    "OtherNetworkPortProfileIDTypeInfo",
    "OtherResourceType",
    "Parent",
    "PoolID",
    "PortCorrelationID",
    "PortVID",
    "Promiscuous",
    "ReceiveBandwidthLimit",
    "ReceiveBandwidthReservation",
    "Reservation",
    "ResourceSubType",
    "ResourceType",
    "SoID",
    "SoOrgID",
    "SourceMACFilteringEnabled",
    "VSITypeID",
    "VSITypeIDVersion",
    "VirtualQuantity",
    "VirtualQuantityUnits",
    "VirtualResourceBlockSize",
    "Weight",
];

/// Element names of CIM VSSD, in schema (alphabetical) order.
const SYSTEM_FIELDS: &[&str] = &[
    "AutomaticRecoveryAction",
    "AutomaticShutdownAction",
    "AutomaticStartupAction",
    "AutomaticStartupActionDelay",
    "AutomaticStartupActionSequenceNumber",
    "Caption",
    "ChangeableType",
    "ComponentSetting",
    "ConfigurationDataRoot",
    "ConfigurationFile",
    "ConfigurationID",
    "ConfigurationName",
    "CreationTime",
    "Description",
    "ElementName",
    "Generation",
    "InstanceID",
    "LogDataRoot",
    "Notes",
    "RecoveryFile",
    "SnapshotDataRoot",
    "SoID",
    "SoOrgID",
    "SuspendDataRoot",
    "SwapFileDataRoot",
    "VirtualSystemIdentifier",
    "VirtualSystemType",
];

/// A sorted list of field names with, for each first byte, the range of names starting with
/// it: a lookup compares a name with the two or three names of its bucket, not the half
/// dozen of a binary search (this runs for every child of every Item).
struct FieldNames {
    names: &'static [&'static str],
    buckets: [(u8, u8); 128],
}

impl FieldNames {
    // The lists hold fewer than 256 ASCII names (a test checks).
    #[allow(clippy::cast_possible_truncation)]
    const fn new(names: &'static [&'static str]) -> FieldNames {
        let mut buckets = [(0u8, 0u8); 128];
        let mut i = 0;
        while i < names.len() {
            let b = names[i].as_bytes()[0] as usize % 128;
            if buckets[b].1 == 0 {
                buckets[b].0 = i as u8;
            }
            buckets[b].1 = (i + 1) as u8;
            i += 1;
        }
        FieldNames { names, buckets }
    }

    /// The index of `name` in the sorted list.
    fn index(&self, name: &str) -> Option<usize> {
        let first = *name.as_bytes().first()?;
        let &(start, end) = self.buckets.get(usize::from(first))?;
        (usize::from(start)..usize::from(end)).find(|&i| self.names[i] == name)
    }
}

const ITEM_FIELD_NAMES: FieldNames = FieldNames::new(ITEM_FIELDS);
const SYSTEM_FIELD_NAMES: FieldNames = FieldNames::new(SYSTEM_FIELDS);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Envelope,
    VirtualSystem,
    Collection,
}

pub(super) fn check<'a, E: ReadElement<'a>>(
    root: E,
    source: &dyn Source<E>,
    env: &Envelope,
    sink: &mut Sink,
) {
    let cx = Walk { source, env };
    if env.dialect.dialect == Dialect::Unknown {
        sink.error(
            Rule::Envelope,
            cx.pos(root),
            format!(
                "the root element <{}> in namespace {} is not an OVF Envelope (supported: {}, {}, {}, {})",
                root.name().qualified(),
                root.name().namespace.as_deref().unwrap_or("(none)"),
                names::OVF_1,
                names::OVF_2,
                names::OVF_09,
                names::OVF_1_OVIRT
            ),
        );
        return;
    }
    dialect_notes(&cx, root, sink);
    cx.envelope(root, sink);
}

fn dialect_notes<'a, E: ReadElement<'a>>(cx: &Walk<'_, E>, root: E, sink: &mut Sink) {
    let info = &cx.env.dialect;
    let pos = cx.pos(root);
    if info.dialect.is_legacy() {
        sink.warning(
            Rule::Dialect,
            pos,
            format!("legacy dialect: {}", info.dialect.label()),
        );
    }
    for quirk in &info.quirks {
        let text = match quirk {
            Quirk::XsiTypeSections => continue,
            Quirk::InstanceIdCasing => {
                "InstanceId (OVF 0.9 casing) used for InstanceID".to_string()
            }
            Quirk::UnqualifiedElements => "OVF elements without a namespace".to_string(),
            Quirk::XsdSuffixedNamespaces => {
                sink.error(
                    Rule::Namespace,
                    pos,
                    "EPASD/SASD namespaces end in `.xsd` (VirtualBox spelling); the DMTF namespaces have no suffix".into(),
                );
                continue;
            }
            Quirk::Ovf2ElementsInOvf1 => "OVF 2.x elements inside an OVF 1.x envelope".to_string(),
            Quirk::EncodingDeclaration(e) => format!(
                "the XML declaration says encoding \"{e}\" but the bytes are {}",
                cx.source.encoding().name()
            ),
        };
        if !(info.dialect.is_legacy() && *quirk == Quirk::InstanceIdCasing) {
            sink.warning(Rule::Dialect, pos, text);
        }
    }
    let version_ok = match (info.dialect, info.version.as_deref()) {
        (_, None) => true,
        (Dialect::Dmtf1 | Dialect::Virtualbox1, Some(v)) => v.starts_with("1."),
        (Dialect::Dmtf2 | Dialect::Virtualbox2, Some(v)) => v.starts_with("2."),
        (Dialect::Vmware09 | Dialect::Ovirt, Some(v)) => v == "0.9",
        (Dialect::Unknown, Some(_)) => false,
    };
    if !version_ok {
        sink.error(
            Rule::Version,
            pos,
            format!(
                "ovf:version=\"{}\" does not match the Envelope namespace {}",
                info.version.as_deref().unwrap_or(""),
                info.namespace.as_deref().unwrap_or("")
            ),
        );
    }
}

struct Walk<'w, E> {
    source: &'w dyn Source<E>,
    env: &'w Envelope,
}

impl<'a, E: ReadElement<'a>> Walk<'_, E> {
    fn pos(&self, e: E) -> tern_diag::Position {
        self.source.position(e)
    }

    fn envelope(&self, root: E, sink: &mut Sink) {
        // References, Section*, Content, Strings*
        let mut stage = 0;
        let mut references = 0;
        let mut contents = 0;
        for child in root.elements() {
            let (this_stage, what) = if vocab::is(child, "References") {
                references += 1;
                (0, "References")
            } else if vocab::content_kind(child).is_some() {
                contents += 1;
                if contents > 1 {
                    sink.error(
                        Rule::Content,
                        self.pos(child),
                        "a second top-level VirtualSystem/VirtualSystemCollection; an Envelope holds exactly one"
                            .into(),
                    );
                }
                self.content(child, sink);
                (2, "the VirtualSystem/VirtualSystemCollection")
            } else if vocab::is(child, "Strings") {
                (3, "Strings")
            } else if vocab::section_kind(child).is_some() {
                self.section(child, Level::Envelope, sink);
                (1, "sections")
            } else {
                self.unknown(child, "Envelope", sink);
                continue;
            };
            if this_stage < stage {
                sink.error(
                    Rule::ElementOrder,
                    self.pos(child),
                    format!(
                        "<{}> is out of order: an Envelope holds References, then sections, then the VirtualSystem/VirtualSystemCollection, then Strings ({what} come too late)",
                        child.name().qualified()
                    ),
                );
            }
            stage = stage.max(this_stage);
        }
        if references == 0 {
            sink.error(
                Rule::References,
                self.pos(root),
                "the Envelope has no References element".into(),
            );
        }
        if contents == 0 {
            sink.error(
                Rule::Content,
                self.pos(root),
                "the Envelope has no VirtualSystem or VirtualSystemCollection".into(),
            );
        }
    }

    fn content(&self, e: E, sink: &mut Sink) {
        let kind = vocab::content_kind(e).unwrap_or("VirtualSystem");
        let level = if kind == "VirtualSystem" {
            Level::VirtualSystem
        } else {
            Level::Collection
        };
        if vocab::attr(e, "id").is_none_or(|id| id.trim().is_empty()) {
            sink.error(
                Rule::ContentId,
                self.pos(e),
                format!("{kind} has no ovf:id"),
            );
        }
        if vocab::child(e, "Info").is_none() {
            sink.error(Rule::Info, self.pos(e), format!("{kind} has no Info"));
        }
        // Info, Name, Section*, then (collections) Content*
        let mut stage = 0;
        let mut hardware: Vec<E> = Vec::new();
        for child in e.elements() {
            let this_stage = if vocab::is(child, "Info") {
                0
            } else if vocab::is(child, "Name") {
                1
            } else if vocab::content_kind(child).is_some() {
                if level == Level::VirtualSystem {
                    sink.error(
                        Rule::Placement,
                        self.pos(child),
                        "a VirtualSystem cannot contain another VirtualSystem or VirtualSystemCollection"
                            .into(),
                    );
                }
                self.content(child, sink);
                3
            } else if vocab::section_kind(child).is_some() {
                if vocab::section_kind(child) == Some("VirtualHardwareSection")
                    && vocab::is_ovf(child)
                {
                    hardware.push(child);
                }
                self.section(child, level, sink);
                2
            } else {
                self.unknown(child, kind, sink);
                continue;
            };
            if this_stage < stage {
                sink.error(
                    Rule::ElementOrder,
                    self.pos(child),
                    format!(
                        "<{}> is out of order in {kind}: Info, Name, sections, then members",
                        child.name().qualified()
                    ),
                );
            }
            stage = stage.max(this_stage);
        }
        if level == Level::VirtualSystem {
            self.hardware_sections(e, &hardware, sink);
        }
    }

    fn hardware_sections(&self, system: E, sections: &[E], sink: &mut Sink) {
        if sections.is_empty() {
            sink.error(
                Rule::HardwareMissing,
                self.pos(system),
                "VirtualSystem has no VirtualHardwareSection: the hardware it needs is not described".into(),
            );
        }
        // A set: a hostile system may hold many sections.
        let mut seen: crate::hash::HashSet<(String, String)> = crate::hash::HashSet::default();
        for &s in sections {
            let id = vocab::attr(s, "id").unwrap_or("").to_string();
            let types = vocab::child(s, "System")
                .and_then(|sys| vocab::field(sys, "VirtualSystemType"))
                .unwrap_or_default();
            let key = (id, types);
            if !seen.insert(key.clone()) {
                sink.error(
                    Rule::HardwareSection,
                    self.pos(s),
                    format!(
                        "a second VirtualHardwareSection with the same ovf:id \"{}\" and VirtualSystemType \"{}\"",
                        key.0, key.1
                    ),
                );
            }
        }
    }

    fn section(&self, e: E, level: Level, sink: &mut Sink) {
        let kind = vocab::section_kind(e).unwrap_or_default();
        if !vocab::is_ovf(e) || !KNOWN_SECTIONS.contains(&kind) {
            let parent = match level {
                Level::Envelope => "Envelope",
                Level::VirtualSystem => "VirtualSystem",
                Level::Collection => "VirtualSystemCollection",
            };
            self.unknown(e, parent, sink);
            return;
        }
        if vocab::child(e, "Info").is_none() {
            sink.error(Rule::Info, self.pos(e), format!("{kind} has no Info"));
        }
        let misplaced = match kind {
            k if ENVELOPE_ONLY.contains(&k) => {
                (level != Level::Envelope).then_some("is only allowed directly in the Envelope")
            }
            "VirtualHardwareSection" => {
                (level != Level::VirtualSystem).then_some("is only allowed in a VirtualSystem")
            }
            "AnnotationSection" => {
                (level == Level::Envelope).then_some("is not allowed directly in the Envelope")
            }
            "ResourceAllocationSection" => (level == Level::VirtualSystem)
                .then_some("is not allowed in a VirtualSystem (only in a VirtualSystemCollection)"),
            _ => None,
        };
        if let Some(why) = misplaced {
            sink.error(Rule::Placement, self.pos(e), format!("{kind} {why}"));
        }
        if kind == "VirtualHardwareSection" {
            self.hardware(e, sink);
        }
        if kind == "ResourceAllocationSection" {
            for child in e.elements() {
                if vocab::is(child, "Item")
                    || vocab::is(child, "EthernetPortItem")
                    || vocab::is(child, "StorageItem")
                {
                    self.item_fields(child, &ITEM_FIELD_NAMES, sink);
                } else if !vocab::is(child, "Info") {
                    self.unknown(child, "ResourceAllocationSection", sink);
                }
            }
        }
        // DSP0243 §7.3: a required child a known section does not define makes the whole
        // section one the consumer does not understand. Not recursive: direct children only.
        if let Some(allowed) = section_children(kind) {
            for child in e.elements() {
                let known = vocab::is_ovf(child)
                    && (child.name().local == "Info"
                        || allowed.contains(&child.name().local.as_str()));
                if !known {
                    self.unknown(child, kind, sink);
                }
            }
        }
    }

    fn hardware(&self, e: E, sink: &mut Sink) {
        for child in e.elements() {
            if vocab::is(child, "Info") {
                continue;
            }
            if vocab::is(child, "System") {
                self.item_fields(child, &SYSTEM_FIELD_NAMES, sink);
            } else if vocab::is(child, "Item")
                || vocab::is(child, "EthernetPortItem")
                || vocab::is(child, "StorageItem")
            {
                self.item_fields(child, &ITEM_FIELD_NAMES, sink);
            } else {
                self.unknown(child, "VirtualHardwareSection", sink);
            }
        }
    }

    fn item_fields(&self, item: E, order: &FieldNames, sink: &mut Sink) {
        // The latest child in schema order so far: its index in `order`, and the child.
        let mut last: Option<(usize, E)> = None;
        let mut order_reported = false;
        for child in item.elements() {
            if !vocab::is_item_field(child) {
                self.unknown(child, &item.name().local, sink);
                continue;
            }
            let local = child.name().local.as_str();
            let normalized = if local == "InstanceId" {
                "InstanceID"
            } else {
                local
            };
            // The index in the schema's (byte-wise sorted) order.
            let Some(index) = order.index(normalized) else {
                self.unknown(child, &item.name().local, sink);
                continue;
            };
            self.integer_field(child, normalized, sink);
            if let Some((prev, prev_child)) = last
                && index < prev
                && !order_reported
            {
                order_reported = true;
                sink.error(
                        Rule::ElementOrder,
                        self.pos(child),
                        format!(
                            "<{}> must come before <{}>: the children of {} follow the schema's alphabetical order",
                            child.name().qualified(),
                            prev_child.name().qualified(),
                            item.name().local
                        ),
                    );
            }
            if last.is_none_or(|(p, _)| index >= p) {
                last = Some((index, child));
            }
        }
    }

    /// An integer-typed CIM field (DSP8023's CIM XSDs) must hold an unsigned integer in
    /// its type's range; an empty `xsi:nil="true"` element is the CIM null.
    fn integer_field(&self, field: E, name: &str, sink: &mut Sink) {
        let Some(max) = integer_field_max(name) else {
            return;
        };
        let text = field.text();
        let value = text.trim();
        if !value.is_empty() && value.len() <= 20 && value.bytes().all(|b| b.is_ascii_digit()) {
            // The common case, decided without parsing the attributes.
            if value.parse::<u64>().is_ok_and(|v| v <= max) {
                return;
            }
        }
        let nil = field
            .attribute(Some(names::XSI), "nil")
            .and_then(vocab::boolean)
            .unwrap_or(false);
        if value.is_empty() && nil {
            return;
        }
        let digits = value.strip_prefix('+').unwrap_or(value);
        let ok = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.parse::<u128>().is_ok_and(|v| v <= u128::from(max));
        if !ok {
            let why = if value.is_empty() {
                "is empty".to_string()
            } else if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() {
                format!("exceeds {max}")
            } else {
                "is not an unsigned integer".to_string()
            };
            sink.error(
                Rule::RasdInteger,
                self.pos(field),
                format!(
                    "<{}> \"{value}\" {why}: the CIM schema types {name} as an unsigned integer (at most {max})",
                    field.name().qualified()
                ),
            );
        }
    }

    /// A section or element tern does not read: fine with `ovf:required="false"` (skipped),
    /// otherwise a consumer must fail (DSP0243 §7.3).
    fn unknown(&self, e: E, parent: &str, sink: &mut Sink) {
        let dialect = self.env.dialect.dialect;
        if understood_extension(e.name())
            || (dialect == Dialect::Ovirt && ovirt_vocabulary(e.name()))
            || (dialect == Dialect::Vmware09 && vmware09_vocabulary(e.name()))
        {
            return;
        }
        if !vocab::required(e) {
            return;
        }
        let ns = e.name().namespace.as_deref();
        let flag = if vocab::attr(e, "required").is_some() {
            "ovf:required=\"true\""
        } else {
            "no ovf:required=\"false\""
        };
        let message = format!(
            "<{}> ({}) in {parent} is not understood and has {flag}: a consumer must refuse the descriptor",
            e.name().qualified(),
            ns.unwrap_or("no namespace")
        );
        if ns.is_none_or(vocab_namespace) {
            // Unknown OVF/CIM vocabulary is an error even in lax mode.
            sink.error_not_lax(Rule::UnknownRequired, self.pos(e), message);
        } else {
            sink.error(Rule::UnknownRequired, self.pos(e), message);
        }
    }
}

/// The children each known section's schema type declares besides Info (DSP8023 1.1.1
/// and 2.0.1); `None` for the sections walked on their own (VirtualHardwareSection,
/// ResourceAllocationSection) and those whose content is another schema's, kept opaque
/// (BootDeviceSection: CIM_BootConfigSetting; EncryptionSection: XML Encryption).
fn section_children(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "AnnotationSection" => &["Annotation"],
        "DeploymentOptionSection" => &["Configuration"],
        "DiskSection" => &["Disk"],
        "EulaSection" => &["License"],
        "InstallSection" | "PlacementSection" => &[],
        "NetworkSection" => &["Network", "NetworkPortProfile"],
        "OperatingSystemSection" | "PlacementGroupSection" => &["Description"],
        "ProductSection" => &[
            "Product",
            "Vendor",
            "Version",
            "FullVersion",
            "ProductUrl",
            "VendorUrl",
            "AppUrl",
            "Icon",
            "Category",
            "Property",
        ],
        "StartupSection" => &["Item"],
        "EnvironmentFilesSection" => &["File"],
        "ScaleOutSection" => &["Description", "InstanceCount"],
        "SharedDiskSection" => &["SharedDisk"],
        _ => return None,
    })
}

/// Vendor elements tern reads, so understands whatever their `ovf:required`:
/// `vmw:CoresPerSocket` (the cores of a CPU Item) and `vbox:OSType` (the guest OS).
fn understood_extension(name: &Name) -> bool {
    name.is(names::VMW, "CoresPerSocket") || name.is(names::VBOX, "OSType")
}

/// The oVirt dialect's own vocabulary (ovirt-engine's OVF writer and virt-v2v's
/// `create_ovf.ml`): unqualified sections and children, and RASD-namespace fields CIM
/// does not define.
fn ovirt_vocabulary(name: &Name) -> bool {
    matches!(
        name.class(),
        NamespaceClass::Unqualified
            | NamespaceClass::Ovf
            | NamespaceClass::Rasd
            | NamespaceClass::Vssd
    )
}

/// What OVF 0.9 defined and 1.x renamed or dropped: ProductSection's `Full-version`
/// (1.x `FullVersion`) and the CIM 2.17 RASD field `BusNumber`.
fn vmware09_vocabulary(name: &Name) -> bool {
    match name.class() {
        NamespaceClass::Rasd => name.local == "BusNumber",
        _ => name.is_ovf_or_unqualified() && name.local == "Full-version",
    }
}

/// The largest value of an integer-typed CIM item field (RASD, EPASD, SASD of DSP8023
/// 1.1.1/2.0.1: `xs:unsignedByte/Short/Int/Long` and the `cimUnsigned*` wrappers), or
/// `None` for fields of other types.
fn integer_field_max(name: &str) -> Option<u64> {
    match name {
        "VSITypeIDVersion" => Some(u64::from(u8::MAX)),
        "ResourceType"
        | "ConsumerVisibility"
        | "MappingBehavior"
        | "ChangeableType"
        | "DesiredVLANEndpointMode"
        | "AllowedPriorities"
        | "AllowedToReceiveVLANs"
        | "AllowedToTransmitVLANs"
        | "DefaultPortVID"
        | "DefaultPriority"
        | "NetworkPortProfileIDType"
        | "PortVID"
        | "Access"
        | "HostExtentNameFormat"
        | "HostExtentNameNamespace" => Some(u64::from(u16::MAX)),
        "Weight" | "GroupID" | "ManagerID" | "VSITypeID" => Some(u64::from(u32::MAX)),
        "VirtualQuantity"
        | "Reservation"
        | "Limit"
        | "Generation"
        | "ReceiveBandwidthLimit"
        | "ReceiveBandwidthReservation"
        | "VirtualResourceBlockSize"
        | "HostResourceBlockSize"
        | "HostExtentStartingAddress" => Some(u64::MAX),
        _ => None,
    }
}

fn vocab_namespace(ns: &str) -> bool {
    names::is_ovf_namespace(ns) || names::is_item_namespace(ns) || ns == names::VSSD
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `item_fields` compares positions in the lists as the schema's order and finds a
    /// name through its first byte: the lists stay sorted byte-wise, short and ASCII.
    #[test]
    fn field_lists_are_sorted_bytewise() {
        for list in [ITEM_FIELDS, SYSTEM_FIELDS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.len() < 256 && list.iter().all(|n| !n.is_empty() && n.is_ascii()));
        }
        for (names, list) in [
            (&ITEM_FIELD_NAMES, ITEM_FIELDS),
            (&SYSTEM_FIELD_NAMES, SYSTEM_FIELDS),
        ] {
            for (i, name) in list.iter().enumerate() {
                assert_eq!(names.index(name), Some(i));
            }
            for other in [
                "",
                "Item",
                "address",
                "Zzz",
                "\u{e9}t\u{e9}",
                "VirtualQuantityX",
            ] {
                assert_eq!(names.index(other), None, "{other}");
            }
        }
    }
}
