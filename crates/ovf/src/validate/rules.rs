//! The rule catalogue: stable ids, one-line descriptions and how modes relax them.

use serde::{Serialize, Serializer};

/// A validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// The document is well-formed, safe XML (no DTD, known entities, sane depth).
    Xml,
    /// The root is an OVF Envelope in a supported namespace.
    Envelope,
    /// `ovf:version` agrees with the Envelope namespace.
    Version,
    /// The Envelope has a References element.
    References,
    /// Every Section and Content has an Info.
    Info,
    /// Every Content has an `ovf:id`.
    ContentId,
    /// Exactly one top-level Content.
    Content,
    /// Sections only where allowed.
    Placement,
    /// File ids are unique.
    DuplicateFileId,
    /// File hrefs are unique.
    DuplicateHref,
    /// Disk ids are unique.
    DuplicateDiskId,
    /// InstanceIDs are unique within a hardware section.
    DuplicateInstanceId,
    /// Property keys are unique within a ProductSection.
    DuplicatePropertyKey,
    /// At most one ProductSection per class/instance in a Content.
    DuplicateProductSection,
    /// Content ids are unique.
    DuplicateContentId,
    /// Network names are unique.
    DuplicateNetwork,
    /// Deployment option ids are unique and at most one is the default.
    DeploymentOption,
    /// Two devices do not share a Parent and AddressOnParent.
    AddressOnParent,
    /// Every `fileRef` names a File.
    FileRef,
    /// Every Disk `parentRef` names a Disk.
    ParentRef,
    /// HostResource is `ovf:/disk/ID` or `ovf:/file/ID` and resolves.
    HostResource,
    /// NIC Connections name a declared Network.
    Connection,
    /// `ovf:configuration` names declared deployment options.
    Configuration,
    /// Item Parent names an InstanceID of the same section.
    ItemParent,
    /// Disk capacity is present and a number or a declared `${property}`.
    Capacity,
    /// A Disk with `ovf:capacity="0"`: DSP0243 §9.1 makes the capacity the size of the
    /// virtual disk the consumer creates (and `ovf:populatedSize` at most that), so a disk
    /// of no bytes cannot hold its image or be created blank. Error.
    CapacityZero,
    /// `populatedSize` is a number no larger than the capacity.
    PopulatedSize,
    /// File `chunkSize` is a non-negative integer and `compression` identity or gzip.
    FileSize,
    /// File `ovf:size` is an `xs:unsignedLong` (DSP8023 `File_Type`; DSP0243 §7.1: the size
    /// of the referenced file in bytes): empty, negative or non-numeric sizes are errors.
    /// VMware's OVF 0.9 tooling ignored a size it could not read, so the 0.9 dialect
    /// gets a warning.
    FileSizeValue,
    /// Two Disks name the same File in `ovf:fileRef`. DSP0243 §9.1: a Disk's fileRef
    /// identifies the File holding *its* content; two disks made from one image need two
    /// Files (a streamed OVA provides each File once, §5.3), and disks shared between
    /// systems are 2.x's SharedDiskSection. Error; `--lax` makes it a warning.
    DiskSharedFile,
    /// Items have ResourceType and InstanceID.
    ItemRequiredField,
    /// RASD/EPASD/SASD fields whose CIM type is an unsigned integer (`ResourceType`,
    /// `VirtualQuantity`, `Reservation`, `Limit`, `Weight`…) hold one in range. DSP0243
    /// §8.3: Item elements are CIM settings data whose values follow the CIM schemas
    /// (DSP8023's CIM_*AllocationSettingData XSDs: `cimUnsignedLong`, `xs:unsignedShort`…).
    /// Error.
    RasdInteger,
    /// `ovf:bound` ranges are well formed.
    Bound,
    /// Property `ovf:type` and qualifiers are from the allowed set.
    PropertyType,
    /// Properties have an `ovf:key`.
    PropertyKey,
    /// A section or element tern does not understand must say `ovf:required="false"`
    /// (the attribute defaults to `true` in DSP8023 0.9/1.0/1.1/2.0 alike). DSP0243 §7.3
    /// and §8.2: a consumer that meets a required extension it does not understand shall
    /// fail; for a known section this holds for its direct children too (the whole section
    /// is then not understood). Error in every dialect; `--lax` makes vendor-namespace ones
    /// warnings (unknown OVF/CIM vocabulary stays an error).
    UnknownRequired,
    /// Children follow the schema order.
    ElementOrder,
    /// Allocation units are DSP0004 programmatic units.
    Units,
    /// Several VirtualHardwareSections of one VirtualSystem differ in id or
    /// VirtualSystemType.
    HardwareSection,
    /// A VirtualSystem without a VirtualHardwareSection. DSP0243 §8.1: the
    /// VirtualHardwareSection describes the hardware the virtual system needs, and
    /// a VirtualSystem carries one or more (DSP0243 §7.2: a VirtualSystem describes one
    /// virtual machine). Error; the legacy dialects (0.9, oVirt) get a warning.
    HardwareMissing,
    /// StartupSection items name a member of the collection.
    StartupRef,
    /// Referenced local files exist.
    FileMissing,
    /// A File href names a file of the package: relative, not leaving its directory (no
    /// `..`), no drive letter, not empty (DSP0243 §7.1: a relative URL is resolved against
    /// the descriptor's location). Such a file is never opened. Warning; an error with
    /// `--check-files`.
    FileHref,
    /// With `--check-files`, a referenced local file (or the sum of its chunks) has the
    /// size `ovf:size` declares. DSP0243 §7.1: `ovf:size` is the size of the referenced
    /// file in bytes. Error.
    FileSizeMismatch,
    /// CIM namespaces are the DMTF URIs (not VirtualBox's `.xsd` spelling).
    Namespace,
    /// Legacy dialects and tolerated quirks.
    Dialect,
}

impl Rule {
    /// Every rule, in catalogue order.
    pub const ALL: &'static [Rule] = &[
        Rule::Xml,
        Rule::Envelope,
        Rule::Version,
        Rule::References,
        Rule::Info,
        Rule::ContentId,
        Rule::Content,
        Rule::Placement,
        Rule::DuplicateFileId,
        Rule::DuplicateHref,
        Rule::DuplicateDiskId,
        Rule::DuplicateInstanceId,
        Rule::DuplicatePropertyKey,
        Rule::DuplicateProductSection,
        Rule::DuplicateContentId,
        Rule::DuplicateNetwork,
        Rule::DeploymentOption,
        Rule::AddressOnParent,
        Rule::FileRef,
        Rule::ParentRef,
        Rule::HostResource,
        Rule::Connection,
        Rule::Configuration,
        Rule::ItemParent,
        Rule::Capacity,
        Rule::CapacityZero,
        Rule::PopulatedSize,
        Rule::FileSize,
        Rule::FileSizeValue,
        Rule::DiskSharedFile,
        Rule::ItemRequiredField,
        Rule::RasdInteger,
        Rule::Bound,
        Rule::PropertyType,
        Rule::PropertyKey,
        Rule::UnknownRequired,
        Rule::ElementOrder,
        Rule::Units,
        Rule::HardwareSection,
        Rule::HardwareMissing,
        Rule::StartupRef,
        Rule::FileMissing,
        Rule::FileHref,
        Rule::FileSizeMismatch,
        Rule::Namespace,
        Rule::Dialect,
    ];

    /// The stable id printed in findings (`OVF-INFO`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::Xml => "OVF-XML",
            Rule::Envelope => "OVF-ENVELOPE",
            Rule::Version => "OVF-VERSION",
            Rule::References => "OVF-REFERENCES",
            Rule::Info => "OVF-INFO",
            Rule::ContentId => "OVF-CONTENT-ID",
            Rule::Content => "OVF-CONTENT",
            Rule::Placement => "OVF-PLACEMENT",
            Rule::DuplicateFileId => "OVF-DUPLICATE-FILE-ID",
            Rule::DuplicateHref => "OVF-DUPLICATE-HREF",
            Rule::DuplicateDiskId => "OVF-DUPLICATE-DISK-ID",
            Rule::DuplicateInstanceId => "OVF-DUPLICATE-INSTANCE-ID",
            Rule::DuplicatePropertyKey => "OVF-DUPLICATE-PROPERTY-KEY",
            Rule::DuplicateProductSection => "OVF-DUPLICATE-PRODUCT-SECTION",
            Rule::DuplicateContentId => "OVF-DUPLICATE-CONTENT-ID",
            Rule::DuplicateNetwork => "OVF-DUPLICATE-NETWORK",
            Rule::DeploymentOption => "OVF-DEPLOYMENT-OPTION",
            Rule::AddressOnParent => "OVF-ADDRESS-ON-PARENT",
            Rule::FileRef => "OVF-FILE-REF",
            Rule::ParentRef => "OVF-PARENT-REF",
            Rule::HostResource => "OVF-HOST-RESOURCE",
            Rule::Connection => "OVF-CONNECTION",
            Rule::Configuration => "OVF-CONFIGURATION",
            Rule::ItemParent => "OVF-ITEM-PARENT",
            Rule::Capacity => "OVF-CAPACITY",
            Rule::CapacityZero => "OVF-CAPACITY-ZERO",
            Rule::FileSizeValue => "OVF-FILE-SIZE-VALUE",
            Rule::DiskSharedFile => "OVF-DISK-SHARED-FILE",
            Rule::RasdInteger => "OVF-RASD-INTEGER",
            Rule::HardwareMissing => "OVF-HARDWARE-MISSING",
            Rule::FileSizeMismatch => "OVF-FILE-SIZE-MISMATCH",
            Rule::PopulatedSize => "OVF-POPULATED-SIZE",
            Rule::FileSize => "OVF-FILE-SIZE",
            Rule::ItemRequiredField => "OVF-ITEM-REQUIRED-FIELD",
            Rule::Bound => "OVF-BOUND",
            Rule::PropertyType => "OVF-PROPERTY-TYPE",
            Rule::PropertyKey => "OVF-PROPERTY-KEY",
            Rule::UnknownRequired => "OVF-UNKNOWN-REQUIRED",
            Rule::ElementOrder => "OVF-ELEMENT-ORDER",
            Rule::Units => "OVF-UNITS",
            Rule::HardwareSection => "OVF-HARDWARE-SECTION",
            Rule::StartupRef => "OVF-STARTUP-REF",
            Rule::FileMissing => "OVF-FILE-MISSING",
            Rule::FileHref => "OVF-FILE-HREF",
            Rule::Namespace => "OVF-NAMESPACE",
            Rule::Dialect => "OVF-DIALECT",
        }
    }

    /// A one-line description.
    pub fn description(self) -> &'static str {
        match self {
            Rule::Xml => "the document is well-formed XML without DTD or custom entities",
            Rule::Envelope => "the root is an OVF Envelope in a supported namespace",
            Rule::Version => "ovf:version agrees with the Envelope namespace",
            Rule::References => "the Envelope has a References element",
            Rule::Info => "every Section and Content has an Info",
            Rule::ContentId => "every VirtualSystem/VirtualSystemCollection has an ovf:id",
            Rule::Content => "exactly one top-level VirtualSystem or VirtualSystemCollection",
            Rule::Placement => "sections appear only where DSP0243 allows them",
            Rule::DuplicateFileId => "File ids are unique",
            Rule::DuplicateHref => "File hrefs are unique",
            Rule::DuplicateDiskId => "Disk ids are unique",
            Rule::DuplicateInstanceId => "InstanceIDs are unique within a hardware section",
            Rule::DuplicatePropertyKey => "Property keys are unique within a ProductSection",
            Rule::DuplicateProductSection => "one ProductSection per class and instance",
            Rule::DuplicateContentId => "VirtualSystem/VirtualSystemCollection ids are unique",
            Rule::DuplicateNetwork => "Network names are unique",
            Rule::DeploymentOption => {
                "deployment option ids are unique and at most one is the default"
            }
            Rule::AddressOnParent => "two devices never share a Parent and AddressOnParent",
            Rule::FileRef => "every fileRef names a declared File",
            Rule::ParentRef => "every Disk parentRef names a declared Disk",
            Rule::HostResource => "HostResource is ovf:/disk/ID or ovf:/file/ID and resolves",
            Rule::Connection => "NIC Connections name a declared Network",
            Rule::Configuration => "ovf:configuration names declared deployment options",
            Rule::ItemParent => "Item Parent names an InstanceID of the same section",
            Rule::Capacity => "Disk capacity is present and a number or a declared ${property}",
            Rule::CapacityZero => "Disk capacity is not 0",
            Rule::FileSizeValue => "File ovf:size is an unsigned integer (not empty, not negative)",
            Rule::DiskSharedFile => "no two Disks name the same File",
            Rule::RasdInteger => {
                "integer-typed RASD/EPASD/SASD fields hold an unsigned integer in range"
            }
            Rule::HardwareMissing => "every VirtualSystem has a VirtualHardwareSection",
            Rule::FileSizeMismatch => "a referenced local file has the size ovf:size declares",
            Rule::PopulatedSize => "populatedSize is a number not larger than the capacity",
            Rule::FileSize => {
                "File chunkSize is a non-negative integer, compression identity or gzip"
            }
            Rule::ItemRequiredField => "Items have a ResourceType and an InstanceID",
            Rule::Bound => "ovf:bound ranges are well formed",
            Rule::PropertyType => "Property types and qualifiers are from the allowed set",
            Rule::PropertyKey => "Properties have an ovf:key",
            Rule::UnknownRequired => "unknown elements and sections need ovf:required=\"false\"",
            Rule::ElementOrder => "children follow the schema order",
            Rule::Units => "allocation units are DSP0004 programmatic units",
            Rule::HardwareSection => "several VirtualHardwareSections differ in id or type",
            Rule::StartupRef => "StartupSection items name a member of the collection",
            Rule::FileMissing => "referenced local files exist",
            Rule::FileHref => "File hrefs are relative and stay inside the package",
            Rule::Namespace => "CIM namespaces are the DMTF URIs, not VirtualBox's .xsd spelling",
            Rule::Dialect => "legacy dialects and tolerated quirks (never an error)",
        }
    }

    /// Rules that `--lax` turns into warnings (as ovftool `--lax` relaxes conformance and
    /// virtual hardware compliance checks). VirtualBox 3.x/4.x exports put the CD-ROM and
    /// the first disk at the same AddressOnParent of one IDE controller.
    pub(crate) fn relaxed_by_lax(self) -> bool {
        matches!(
            self,
            Rule::ElementOrder
                | Rule::UnknownRequired
                | Rule::Units
                | Rule::HostResource
                | Rule::Namespace
                | Rule::AddressOnParent
                | Rule::DiskSharedFile
        )
    }

    /// Rules that legacy dialects (0.9, oVirt) are not held to.
    pub(crate) fn relaxed_for_legacy(self) -> bool {
        matches!(
            self,
            Rule::ElementOrder
                | Rule::Info
                | Rule::HostResource
                | Rule::Version
                | Rule::HardwareSection
                | Rule::HardwareMissing
        )
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}
