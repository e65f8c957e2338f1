//! The one error type of the crate: every variant names the member (or file) and, where the
//! archive is concerned, the byte offset of the header that was being read.

use std::fmt;
use std::io;
use std::path::PathBuf;

use tern_diag::{Finding, Position};

use crate::manifest::ManifestError;

/// Why an OVA could not be read, verified, unpacked or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OvaError {
    /// Reading or writing a file on disk failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// A tar header is malformed (bad checksum, bad number, unsupported entry type…).
    #[error("tar header at byte {offset}{}: {reason}", member_suffix(member.as_deref()))]
    Header {
        /// The member name, when it could be decoded.
        member: Option<String>,
        /// Byte offset of the 512-byte header in the archive.
        offset: u64,
        /// The rule broken.
        reason: String,
    },
    /// The archive ends in the middle of a header or of a member's data.
    #[error("archive truncated: {what} at byte {offset} runs past the end of the file")]
    Truncated {
        /// What was being read.
        what: String,
        /// Byte offset where it starts.
        offset: u64,
    },
    /// A member that could escape the extraction directory or is not a plain file.
    #[error("member '{member}' (header at byte {offset}) refused: {kind}")]
    UnsafeMember {
        /// The member name as stored.
        member: String,
        /// Byte offset of its header.
        offset: u64,
        /// Why it is refused.
        kind: UnsafeKind,
    },
    /// Two members carry the same name; which one a consumer uses is undefined.
    #[error("member '{member}' appears twice (headers at bytes {first} and {second})")]
    DuplicateMember {
        /// The repeated name.
        member: String,
        /// Header offset of the first occurrence.
        first: u64,
        /// Header offset of the second occurrence.
        second: u64,
    },
    /// An OVA starts with its descriptor (DSP0243); this one does not.
    #[error(
        "the first member must be the OVF descriptor (a name ending in .ovf), found '{found}' at byte {offset}"
    )]
    DescriptorNotFirst {
        /// The first member's name.
        found: String,
        /// Byte offset of its header.
        offset: u64,
    },
    /// The archive holds more members than the limit (`--max-members` in the CLI).
    #[error(
        "more than {limit} members (the next header is at byte {offset}); raise the limit if the archive is trusted"
    )]
    TooManyMembers {
        /// The limit.
        limit: usize,
        /// Byte offset of the first header past the limit.
        offset: u64,
    },
    /// The archive holds no member at all.
    #[error("the archive holds no member (an OVA starts with its .ovf descriptor)")]
    Empty,
    /// A member the caller asked for is not in the archive.
    #[error("no member named '{name}' in the archive")]
    MissingMember {
        /// The name asked for.
        name: String,
    },
    /// A member could not be read as needed (too large to load, bad gzip stream…).
    #[error("member '{member}' (data at byte {offset}): {reason}")]
    Member {
        /// The member name.
        member: String,
        /// Byte offset of its data in the archive.
        offset: u64,
        /// What went wrong.
        reason: String,
    },
    /// The descriptor's References could not be read.
    #[error("{member}:{position}: {reason}")]
    Descriptor {
        /// The descriptor's name.
        member: String,
        /// Where in the descriptor.
        position: Position,
        /// The rule broken.
        reason: String,
    },
    /// A File's href cannot name a file of the package: absolute, `..`, or a symbolic link
    /// leading outside the descriptor's directory (tern-ovf's `package_file` rule).
    #[error("{descriptor}:{position}: File href \"{href}\" refused: {reason}")]
    Href {
        /// The descriptor's path.
        descriptor: String,
        /// The `File` element's position.
        position: Position,
        /// The href (or chunk name) refused.
        href: String,
        /// Why.
        reason: String,
    },
    /// A manifest could not be parsed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A name cannot be stored in an OVA (too long for ustar, unsafe, duplicate…).
    #[error("cannot store '{name}': {reason}")]
    Name {
        /// The name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A source file changed size while it was being packed.
    #[error("{}: changed while packing (expected {expected} bytes)", path.display())]
    Changed {
        /// The source file.
        path: PathBuf,
        /// The size read before packing started.
        expected: u64,
    },
}

/// Why a member is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsafeKind {
    /// The name starts with `/`.
    AbsolutePath,
    /// The name has a `..` component.
    ParentComponent,
    /// The name contains a backslash, a NUL byte or is not UTF-8.
    UnportableName,
    /// A symbolic link.
    Symlink,
    /// A hard link.
    Hardlink,
    /// A character or block device.
    Device,
    /// A named pipe.
    Fifo,
}

impl fmt::Display for UnsafeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnsafeKind::AbsolutePath => "absolute path",
            UnsafeKind::ParentComponent => "'..' component in the path",
            UnsafeKind::UnportableName => "name with a backslash, NUL byte or invalid UTF-8",
            UnsafeKind::Symlink => "symbolic link",
            UnsafeKind::Hardlink => "hard link",
            UnsafeKind::Device => "device file",
            UnsafeKind::Fifo => "named pipe (fifo)",
        })
    }
}

impl OvaError {
    /// The error as a finding, for printing beside verification findings: an unreadable
    /// descriptor is `OVF-XML` in the descriptor at its line and column, a manifest error
    /// keeps its rule and position, too many members is `OVA-MEMBERS`, a refused href `OVA-HREF` at its File, anything else is rule `OVA` with the error's text. The
    /// caller adds the archive's name with [`Finding::in_file`].
    pub fn to_finding(&self) -> Finding {
        match self {
            OvaError::Descriptor {
                member,
                position,
                reason,
            } => Finding::error("OVF-XML", reason.clone())
                .at(*position)
                .in_file(member),
            OvaError::Manifest(e) => (*e.finding).clone(),
            OvaError::TooManyMembers { .. } => Finding::error("OVA-MEMBERS", self.to_string()),
            OvaError::Href {
                descriptor,
                position,
                href,
                reason,
            } => href_finding(href, reason).at(*position).in_file(descriptor),
            other => Finding::error("OVA", other.to_string()),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        OvaError::Io {
            path: path.into(),
            source,
        }
    }
}

/// `OVA-HREF`: a File href that is not opened.
pub(crate) fn href_finding(href: &str, reason: &str) -> Finding {
    Finding::error(
        "OVA-HREF",
        format!("File href \"{href}\" refused: {reason}; it is not opened"),
    )
}

fn member_suffix(member: Option<&str>) -> String {
    member
        .map(|m| format!(" (member '{m}')"))
        .unwrap_or_default()
}
