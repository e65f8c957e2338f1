//! OVA archives and OVF manifests.
//!
//! An OVA is a tar archive holding an OVF package: the `.ovf` descriptor first, then the `.mf`
//! manifest, an optional `.cert`, then the files the descriptor's `References` lists (DSP0243).
//! This crate reads OVAs (ustar, GNU and PAX headers), verifies and unpacks them, and writes them
//! as plain ustar, the only tar flavour that `ovftool` and vSphere accept. Every member is streamed
//! through a fixed-size buffer and digested while it is copied, so a 10 GB disk never sits in
//! memory.
//!
//! ```
//! use tern_ova::{Algorithm, Manifest, Ova, PackFile, PackOptions, pack};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join(format!("tern-ova-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("vm.ovf"), r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
//!   xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>
//!   <File ovf:id="f1" ovf:href="disk.img"/></References></Envelope>"#)?;
//! std::fs::write(dir.join("disk.img"), b"disk bytes")?;
//!
//! let found = tern_ova::referenced_files(&dir.join("vm.ovf"))?;
//! let options = PackOptions { algorithm: Algorithm::Sha1, mtime: Some(0), ..PackOptions::default() };
//! pack(&dir.join("vm.ovf"), &found.files, &dir.join("vm.ova"), &options, &mut |_| {})?;
//!
//! let mut ova = Ova::open(dir.join("vm.ova"))?;
//! let names: Vec<&str> = ova.members().iter().map(|m| m.name.as_str()).collect();
//! assert_eq!(names, ["vm.ovf", "vm.mf", "disk.img"]);
//! let report = ova.verify(&mut |_| {})?;
//! assert!(report.is_valid());
//! assert_eq!(report.verified, ["vm.ovf", "disk.img"]);
//!
//! let text = ova.read_member_to_vec("vm.mf", 1 << 20)?;
//! let manifest = Manifest::parse_strict(&text)?;
//! assert!(manifest.render().starts_with("SHA1(vm.ovf)= "));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```
//!
//! What [`pack`] writes: the descriptor, then `<stem>.mf`, then the files in the order given
//! (References order); POSIX ustar headers only (no PAX, no GNU long names: names longer than
//! 100 bytes use the 155-byte prefix field or are refused); mode 0644; uid/gid 0/0 with empty
//! user and group names (ownership means nothing in an OVA and fixed values keep archives
//! reproducible); integer mtimes; a GNU base-256 size field only for members of 8 GiB or more.
//! The archive is written to a temporary file beside the target and renamed when complete; an
//! existing file is replaced only when [`PackOptions::overwrite`] says so. Temporary files are
//! removed on failure, by [`abandon_in_flight`] (for a signal handler), and, left by a process
//! killed outright, by the next run writing the same target.
//!
//! What is read: ustar, GNU (long names) and PAX (`path`, `size`) headers; the descriptor must
//! be the first file. Absolute names, `..` components, backslashes, links, devices, fifos,
//! duplicate names and more than [`DEFAULT_MAX_MEMBERS`] members (unless
//! [`Ova::open_with_limit`] says otherwise) are refused when the archive is opened. Members
//! are looked up by name through an index: verifying or unpacking costs time linear in the
//! member count.
//!
//! An archive that arrives as a stream (an HTTP request body) is read front to back by
//! [`OvaStream`] under the same rules, without seeking: each member's bytes are passed
//! through as they come. [`ustar_header`] and [`tar_padding`] let a caller stream an archive
//! out itself (a server sending disks from its blob store).
//!
//! [`Ova::verify`] checks an archive, [`Ova::unpack`] extracts it (verifying as it writes,
//! into a private staging directory published atomically), and [`verify_package`] runs the
//! same checks on an unpacked package (descriptor, `.mf`, `.cert` and the referenced files
//! beside it). A File href that leaves the package directory (absolute, `..`, a symbolic link
//! out; tern-ovf's `model::package_file`) is never opened: packing refuses it, verifying
//! reports it.
//!
//! Findings are [`tern_diag::Finding`]s; one about a member names it as its `file` (prefix the
//! archive with [`tern_diag::Finding::in_file`] to get `ARCHIVE/MEMBER`), and manifest and
//! descriptor findings carry a line and column. Rule ids: `MF-SYNTAX`, `MF-ALGORITHM`,
//! `MF-DIGEST`, `MF-DUPLICATE`, `MF-SPELLING` (manifest lines); `OVA-DIGEST`, `OVA-MISSING`,
//! `OVA-UNLISTED`, `OVA-NO-MANIFEST`, `OVA-ORDER`, `OVA-PAX`, `OVA-REFERENCE`, `OVA-SIZE`,
//! `OVA-COMPRESSION`, `OVA-HREF`, `OVA-MEMBERS` (archive); `CERT-SYNTAX`, `CERT-MANIFEST`, `CERT-DIGEST`,
//! `CERT-SIGNATURE` (certificate); `OVF-XML` (the descriptor's References could not be read,
//! by tern-ovf: the one reader of an OVF's file list).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod archive;
mod cert;
mod digest;
mod error;
mod manifest;
mod member;
mod pack;
mod package;
mod pipeline;
mod progress;
mod references;
mod staging;
mod store;
mod tar;
mod unpack;
mod verify;

pub use archive::{DEFAULT_MAX_MEMBERS, MAX_TEXT_MEMBER, MemberReader, Ova};
pub use cert::Certificate;
pub use digest::{Algorithm, DigestValue, Hasher, UnknownAlgorithm};
pub use error::{OvaError, UnsafeKind};
pub use manifest::{Manifest, ManifestEntry, ManifestError, ParsedManifest};
pub use member::{HeaderFormat, Member, MemberKind};
pub use pack::{PackFile, PackOptions, Packed, ReferencedFiles, pack, referenced_files};
pub use package::verify_package;
pub use progress::Progress;
pub use references::{Compression, FileReference, read_references};
pub use staging::abandon_in_flight;
pub use tar::stream::{OvaStream, tar_padding, ustar_header};
pub use unpack::{UnpackOptions, Unpacked};
pub use verify::Verification;
