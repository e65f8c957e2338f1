//! Lossless reading, typed views, validation and editing of DMTF OVF descriptors
//! (VMware 0.9, DSP0243 1.x and 2.x, VirtualBox and oVirt dialects).
//!
//! * [`Document`]: the XML tree with the byte span of every node; written back unedited it
//!   is byte-identical to its input, and whatever is changed (values are behind setters) is
//!   written back. DTDs, custom entities, absurd depth and size are refused with a line and
//!   column.
//! * [`Envelope`]: typed views (References, disks, networks, systems and collections,
//!   hardware items, products and properties, strings) with the dialect detected; the
//!   hardware each deployment option uses is resolved in one place
//!   ([`model::VirtualHardware::resolve`]).
//! * [`validate()`]: [`tern_diag::Finding`]s with stable rule ids (`OVF-INFO`,
//!   `OVF-DUPLICATE-INSTANCE-ID`...); a [`ParseError`] converts into an `OVF-XML` finding.
//! * [`edit`]: CPU and memory (of one deployment option), properties, NICs, disks, the
//!   default option, 2.x ⇄ 1.x, touching only what changes; [`environment()`] builds `ovf-env.xml`.
//! * [`build`]: new descriptors written element by element, escaped so that every value
//!   reads back as it was (an OCCI export is written with it).
//! * [`Tree`]: the same reader into a compact read-only tree (flat arrays of small records,
//!   values borrowed from the text), for callers that only read.
//! * [`file_references()`]: the References of a descriptor, for OVA readers and packers.
//!
//! ```
//! use tern_ovf::{Document, Envelope, ValidateOptions, edit, validate};
//!
//! let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/ovf/hadoop-cluster.ovf"))?;
//! let mut doc = Document::parse(&xml)?;
//! assert_eq!(doc.to_bytes(), xml);
//!
//! let env = Envelope::read(&doc);
//! let names: Vec<_> = env.virtual_systems().iter().filter_map(|v| v.id.clone()).collect();
//! assert_eq!(names, ["portal", "hadoop-master", "hadoop-slave"]);
//! assert!(validate(&doc, &ValidateOptions::default()).is_valid());
//!
//! edit::set_cpus(&mut doc, Some("hadoop-slave"), 8)?;
//! let edited = String::from_utf8(doc.to_bytes())?;
//! assert_eq!(edited.len(), xml.len()); // one digit for another, nothing else moved
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// OVF element names (VirtualSystem, DiskSection, VirtualBox...) are prose in these docs,
// not code; backticking every one would make the docs unreadable.
#![allow(clippy::doc_markdown)]

pub mod build;
mod dialect;
mod document;
pub mod edit;
mod encoding;
mod environment;
mod error;
mod escape;
mod hash;
pub mod info;
pub mod model;
pub mod names;
mod node;
mod reader;
mod scope;
mod tree;
pub mod validate;
mod vocab;
mod xml;

pub use dialect::{Dialect, DialectInfo, Quirk};
pub use document::Document;
pub use encoding::Encoding;
pub use environment::{EnvironmentError, environment};
pub use error::{ParseError, ParseErrorKind, ParseFailure};
pub use model::Envelope;
pub use node::{Attribute, Element, Markup, Name, NameParts, Node, Sym, Text};
pub use reader::{ParseOptions, XMLNS_NAMESPACE};
pub use tern_diag::{LineIndex, Position, Span};
pub use tree::{Attr, El, NodeRef, Tree};
pub use validate::{
    Mode, Report, Rule, ValidateOptions, validate, validate_bytes, validate_owned, validate_tree,
};

/// The File references of a descriptor, in document order: `ovf:id`, `ovf:href`,
/// `ovf:size`, `ovf:chunkSize` and `ovf:compression` (as written, with
/// [`model::FileRef::size_bytes`], [`model::FileRef::chunk_size_bytes`],
/// [`model::FileRef::compression_kind`] interpreting them; a malformed number reads as
/// unknown, not as an error) and the line and column of each `File`. What an OVA reader needs
/// to find chunked and compressed files and what a packer needs to know which files to ship.
///
/// Every dialect reads alike (0.9, 1.x, 2.x, oVirt's unqualified attributes and its
/// namespace with a trailing slash); only `File` children of the Envelope's `References`
/// count. The descriptor is read with the reader's limits ([`ParseOptions`]: no DTD, so no
/// entity expansion, 256 levels, 64 MiB) and refused with a positioned [`ParseError`] when it
/// is not well-formed; only References is looked at after that.
///
/// ```
/// let xml = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
///   xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>
///   <File ovf:id="f1" ovf:href="disk.vmdk" ovf:size="10" ovf:chunkSize="4"/>
/// </References></Envelope>"#;
/// let files = tern_ovf::file_references(xml).unwrap();
/// assert_eq!(files[0].href.as_deref(), Some("disk.vmdk"));
/// assert_eq!(files[0].chunk_names().len(), 3);
/// assert_eq!(files[0].position, tern_ovf::Position::new(3, 3));
/// ```
pub fn file_references(descriptor: &[u8]) -> Result<Vec<model::FileRef>, ParseError> {
    file_references_with(descriptor, &ParseOptions::default())
}

/// [`file_references`] with explicit reader limits.
pub fn file_references_with(
    descriptor: &[u8],
    options: &ParseOptions,
) -> Result<Vec<model::FileRef>, ParseError> {
    let doc = Document::parse_with(descriptor, options)?;
    Ok(model::references(&doc))
}
