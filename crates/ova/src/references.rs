//! The descriptor's `References/File` elements, as an archive needs them: which files to
//! ship, where their chunks are, whether they are gzip streams.
//!
//! The descriptor is read by tern-ovf ([`tern_ovf::file_references`]), the one owner of an
//! OVF's file list: every dialect (0.9, 1.x, 2.x, oVirt's unqualified attributes) is read
//! alike, a DOCTYPE is refused (no DTD processing, hence no entity expansion) and nesting is
//! bounded. This module only turns its `FileRef`s into what the packer and the verifier use:
//! an href that is present, numbers that are numbers, the compression as a closed set.

use tern_diag::Position;
use tern_ovf::model::FileRef;

use crate::error::OvaError;

/// One `File` element of `References`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReference {
    /// `ovf:id`, when present.
    pub id: Option<String>,
    /// `ovf:href`: relative to the descriptor, or a URL.
    pub href: String,
    /// `ovf:size`: size of the file as stored (compressed, all chunks together); `None` when
    /// absent or not a non-negative integer.
    pub size: Option<u64>,
    /// `ovf:compression`.
    pub compression: Compression,
    /// `ovf:chunkSize`: the file is stored as `href.000000000`, `href.000000001`, … (`None`
    /// when absent or not a non-negative integer).
    pub chunk_size: Option<u64>,
    /// Where the `File` element starts in the descriptor.
    pub position: Position,
}

/// `ovf:compression` of a File: tern-ovf's.
pub use tern_ovf::model::Compression;

impl FileReference {
    /// Whether the href names a file beside the descriptor rather than a URL.
    pub fn is_local(&self) -> bool {
        !self.href.contains("://")
    }

    /// The stored name of chunk `index`: `href` plus a nine-digit suffix (DSP0243).
    pub fn chunk_name(&self, index: u32) -> String {
        format!("{}.{index:09}", self.href)
    }

    /// The archive's view of tern-ovf's `file`. A File without an href names nothing to
    /// ship or check: it is an error at the element. Malformed numbers (oVirt templates
    /// carry `#SIZE#`) are tern-ovf's validator's to report; here they mean "unknown".
    fn from_ovf(file: FileRef, descriptor: &str) -> Result<FileReference, OvaError> {
        let position = Position::new(file.position.line, file.position.column);
        let size = file.size_bytes();
        let chunk_size = file.chunk_size_bytes();
        let compression = file.compression_kind();
        let href = file
            .href
            .filter(|h| !h.is_empty())
            .ok_or_else(|| OvaError::Descriptor {
                member: descriptor.to_owned(),
                position,
                reason: "File without an href".into(),
            })?;
        Ok(FileReference {
            id: file.id,
            href,
            size,
            compression,
            chunk_size,
            position,
        })
    }
}

/// The `File` elements of the descriptor's `References`, in document order, read by
/// tern-ovf. `name` names the descriptor in errors.
pub fn read_references(descriptor: &[u8], name: &str) -> Result<Vec<FileReference>, OvaError> {
    let files = tern_ovf::file_references(descriptor).map_err(|e| OvaError::Descriptor {
        member: name.to_owned(),
        position: Position::new(e.position.line, e.position.column),
        reason: e.kind.to_string(),
    })?;
    files
        .into_iter()
        .map(|file| FileReference::from_ovf(file, name))
        .collect()
}
