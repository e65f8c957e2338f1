//! What the archive index records about each member.

/// One member of an OVA, as found in its tar header(s).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Member {
    /// The name, with any `./` prefix removed (PAX `path` or GNU long name when present).
    pub name: String,
    /// File or directory.
    pub kind: MemberKind,
    /// Size of the data in bytes.
    pub size: u64,
    /// Modification time, whole seconds since the Unix epoch.
    pub mtime: u64,
    /// Permission bits.
    pub mode: u32,
    /// Byte offset of the member's first header (including PAX/GNU extension headers).
    pub header_offset: u64,
    /// Byte offset of the data.
    pub data_offset: u64,
    /// The header dialect this member was written in.
    pub format: HeaderFormat,
}

/// The kinds of member an OVA may hold; links and devices are refused when reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemberKind {
    /// A regular file.
    File,
    /// A directory entry (no data; only created on unpack).
    Directory,
}

/// Which header dialect described a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderFormat {
    /// POSIX ustar (what tern writes).
    Ustar,
    /// ustar preceded by a PAX extended header (what vSphere rejects).
    Pax,
    /// GNU tar's format (possibly with a long-name record).
    Gnu,
    /// Unix V7 (no magic).
    V7,
}

impl HeaderFormat {
    /// A short lower-case name: `ustar`, `pax`, `gnu`, `v7`.
    pub fn name(self) -> &'static str {
        match self {
            HeaderFormat::Ustar => "ustar",
            HeaderFormat::Pax => "pax",
            HeaderFormat::Gnu => "gnu",
            HeaderFormat::V7 => "v7",
        }
    }
}
