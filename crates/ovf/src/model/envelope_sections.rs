//! References/File, DiskSection/Disk, NetworkSection/Network, DeploymentOptionSection and
//! Strings: the Envelope-level vocabulary.

use serde::Serialize;
use tern_diag::Position;

use super::{Cx, Msg, attr_string, child_msg, msg};
use crate::vocab;
use crate::xml::ReadElement;

/// A `References/File`. Attributes are kept as written (the validator reports malformed
/// ones); the methods interpret them, reading a malformed number as unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRef {
    /// `ovf:id`.
    pub id: Option<String>,
    /// `ovf:href` (relative to the descriptor, or a URL).
    pub href: Option<String>,
    /// `ovf:size` as written: the size as stored (compressed, all chunks together).
    pub size: Option<String>,
    /// `ovf:compression` as written (`identity`, `gzip`, or absent).
    pub compression: Option<String>,
    /// `ovf:chunkSize` as written.
    pub chunk_size: Option<String>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// What `ovf:compression` says about the stored bytes of a File.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Absent, empty or `identity`: stored as is.
    Identity,
    /// `gzip`: the stored bytes (all chunks together) are a gzip stream.
    Gzip,
    /// Any other value (OVF defines none; the validator warns).
    Other(String),
}

/// The most chunk names [`FileRef::chunk_names`] lists: a File whose `ovf:size` and
/// `ovf:chunkSize` declare more (a hostile `chunkSize="1"`) is listed up to this many, so that
/// reading a descriptor never costs more than its own size suggests.
pub const MAX_CHUNK_NAMES: u64 = 10_000;

/// What `ovf:capacity` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Capacity {
    /// A number of allocation units.
    Number(u64),
    /// A `${key}` reference to a ProductSection property.
    Property(String),
    /// Anything else, kept verbatim (e.g. a template placeholder).
    Invalid(String),
    /// No `ovf:capacity` attribute.
    Missing,
}

/// The disk image format, classified from the `ovf:format` URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiskFormat {
    /// VMDK stream-optimized (the usual OVF export format).
    VmdkStreamOptimized,
    /// VMDK sparse / monolithicSparse.
    VmdkSparse,
    /// VMDK monolithicFlat.
    VmdkFlat,
    /// Other VMDK subformats.
    VmdkOther,
    /// Microsoft VHD.
    Vhd,
    /// QCOW/QCOW2.
    Qcow,
    /// Raw bytes (oVirt's `http://en.wikipedia.org/wiki/Byte`).
    Raw,
    /// An unrecognised URI.
    Unknown,
}

/// A `DiskSection/Disk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disk {
    /// `ovf:diskId`.
    pub disk_id: Option<String>,
    /// `ovf:fileRef` (absent: a blank disk created at deployment).
    pub file_ref: Option<String>,
    /// `ovf:capacity`, interpreted.
    pub capacity: Capacity,
    /// `ovf:capacity` as written.
    pub capacity_raw: Option<String>,
    /// `ovf:capacityAllocationUnits` as written (default `byte`).
    pub capacity_allocation_units: Option<String>,
    /// `ovf:format` URI as written.
    pub format: Option<String>,
    /// The classified format.
    pub format_kind: Option<DiskFormat>,
    /// `ovf:populatedSize` as written.
    pub populated_size: Option<String>,
    /// `ovf:parentRef` (delta disks).
    pub parent_ref: Option<String>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `NetworkSection/Network`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Network {
    /// `ovf:name`.
    pub name: Option<String>,
    /// Description.
    pub description: Option<Msg>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `DeploymentOptionSection/Configuration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Configuration {
    /// `ovf:id`.
    pub id: Option<String>,
    /// `ovf:default="true"`.
    pub default: bool,
    /// Label.
    pub label: Option<Msg>,
    /// Description.
    pub description: Option<Msg>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `Strings` bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Strings {
    /// `xml:lang`.
    pub lang: Option<String>,
    /// `ovf:fileRef` of an external bundle.
    pub file_ref: Option<String>,
    /// Inline `Msg` elements as (msgid, text).
    pub messages: Vec<(String, String)>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// Classifies a disk format URI by its known prefixes and fragment.
pub fn classify_format(uri: &str) -> DiskFormat {
    let lower = uri.to_ascii_lowercase();
    if lower.contains("vmdk") {
        let fragment = lower.rsplit('#').next().unwrap_or("");
        return match fragment {
            "streamoptimized" => DiskFormat::VmdkStreamOptimized,
            "sparse" | "monolithicsparse" => DiskFormat::VmdkSparse,
            "monolithicflat" | "flat" => DiskFormat::VmdkFlat,
            _ => DiskFormat::VmdkOther,
        };
    }
    if lower.contains("vhd") {
        DiskFormat::Vhd
    } else if lower.contains("qcow") {
        DiskFormat::Qcow
    } else if lower.ends_with("/wiki/byte") || lower.ends_with("#raw") {
        DiskFormat::Raw
    } else {
        DiskFormat::Unknown
    }
}

impl FileRef {
    /// The Files of a References element.
    pub(crate) fn read_all<'a, 'c, E: ReadElement<'a>>(
        cx: &'c Cx<'c, E>,
        references: E,
    ) -> impl Iterator<Item = FileRef> + 'c
    where
        'a: 'c,
    {
        vocab::children(references, "File").map(|f| FileRef::read(cx, f))
    }

    fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> FileRef {
        FileRef {
            id: attr_string(e, "id"),
            href: attr_string(e, "href"),
            size: attr_string(e, "size"),
            compression: attr_string(e, "compression"),
            chunk_size: attr_string(e, "chunkSize"),
            position: cx.pos(e),
        }
    }

    /// `ovf:size` as a number, when it is one.
    pub fn size_bytes(&self) -> Option<u64> {
        self.size.as_deref()?.trim().parse().ok()
    }

    /// `ovf:chunkSize` as a number, when it is one.
    pub fn chunk_size_bytes(&self) -> Option<u64> {
        self.chunk_size.as_deref()?.trim().parse().ok()
    }

    /// What `ovf:compression` says.
    pub fn compression_kind(&self) -> Compression {
        match self.compression.as_deref() {
            None | Some("" | "identity") => Compression::Identity,
            Some("gzip") => Compression::Gzip,
            Some(other) => Compression::Other(other.to_string()),
        }
    }

    /// True when the href names a file beside the descriptor (no `scheme://`).
    pub fn is_local(&self) -> bool {
        self.href.as_deref().is_some_and(|h| !h.contains("://"))
    }

    /// The stored name of chunk `index`: the href and a nine-digit suffix
    /// (`disk.vmdk.000000012`, DSP0243); `None` without an href.
    pub fn chunk_name(&self, index: u32) -> Option<String> {
        self.href
            .as_deref()
            .map(|href| format!("{href}.{index:09}"))
    }

    /// How many chunks `ovf:size` and `ovf:chunkSize` declare (at least one); `None` when the
    /// file is not chunked or either number is unknown.
    pub fn chunk_count(&self) -> Option<u64> {
        match (self.chunk_size_bytes(), self.size_bytes()) {
            (Some(chunk), Some(size)) if chunk > 0 => Some(size.div_ceil(chunk).max(1)),
            _ => None,
        }
    }

    /// The member names of a chunked file (`href.000000000`, `href.000000001`, ...; at most
    /// [`MAX_CHUNK_NAMES`]), or just the href when the file is not chunked or its size is
    /// unknown.
    pub fn chunk_names(&self) -> Vec<String> {
        let Some(href) = &self.href else {
            return Vec::new();
        };
        match self.chunk_count() {
            Some(count) => (0..count.min(MAX_CHUNK_NAMES))
                .map(|i| format!("{href}.{i:09}"))
                .collect(),
            None => vec![href.clone()],
        }
    }
}

impl Disk {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Disk {
        let capacity_raw = attr_string(e, "capacity");
        let format = attr_string(e, "format");
        Disk {
            disk_id: attr_string(e, "diskId"),
            file_ref: attr_string(e, "fileRef"),
            capacity: capacity_raw
                .as_deref()
                .map_or(Capacity::Missing, Capacity::parse),
            capacity_raw,
            capacity_allocation_units: attr_string(e, "capacityAllocationUnits"),
            format_kind: format.as_deref().map(classify_format),
            format,
            populated_size: attr_string(e, "populatedSize"),
            parent_ref: attr_string(e, "parentRef"),
            position: cx.pos(e),
        }
    }
}

impl Disk {
    /// The capacity unit (`ovf:capacityAllocationUnits`, default `byte`).
    pub fn capacity_unit(&self) -> Result<tern_units::AllocationUnit, tern_units::UnitError> {
        tern_units::AllocationUnit::parse(
            self.capacity_allocation_units.as_deref().unwrap_or("byte"),
        )
    }

    /// The capacity in bytes; a `${key}` capacity is resolved through `property` (which
    /// returns the property's default value).
    pub fn capacity_bytes(&self, property: impl Fn(&str) -> Option<String>) -> Option<u128> {
        let count = match &self.capacity {
            Capacity::Number(n) => *n,
            Capacity::Property(key) => property(key)?.trim().parse().ok()?,
            Capacity::Invalid(_) | Capacity::Missing => return None,
        };
        self.capacity_unit().ok()?.bytes(count).ok()
    }
}

impl Capacity {
    /// Interprets an `ovf:capacity` value.
    pub fn parse(raw: &str) -> Capacity {
        let t = raw.trim();
        if let Some(key) = t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            return Capacity::Property(key.to_string());
        }
        t.parse()
            .map_or_else(|_| Capacity::Invalid(raw.to_string()), Capacity::Number)
    }
}

impl Network {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Network {
        Network {
            name: attr_string(e, "name"),
            description: child_msg(e, "Description"),
            position: cx.pos(e),
        }
    }
}

impl Configuration {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Configuration {
        Configuration {
            id: attr_string(e, "id"),
            default: vocab::attr(e, "default")
                .and_then(vocab::boolean)
                .unwrap_or(false),
            label: child_msg(e, "Label"),
            description: child_msg(e, "Description"),
            position: cx.pos(e),
        }
    }
}

impl Strings {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Strings {
        Strings {
            lang: e
                .attribute(Some(crate::names::XML), "lang")
                .map(str::to_string),
            file_ref: attr_string(e, "fileRef"),
            messages: vocab::children(e, "Msg")
                .filter_map(|m| {
                    let text = msg(m);
                    Some((text.msgid?, text.text))
                })
                .collect(),
            position: cx.pos(e),
        }
    }
}
