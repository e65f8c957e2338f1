//! Lossless reading, typed views, validation and editing of DMTF OVF descriptors.
//!
//! ```
//! let xml = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>"#;
//! let doc = tern_ovf::Document::parse(xml).unwrap();
//! assert_eq!(doc.to_bytes(), xml);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// OVF element names (VirtualSystem, DiskSection, VirtualBox...) are prose in these docs,
// not code; backticking every one would make the docs unreadable.
#![allow(clippy::doc_markdown)]

mod atomic;
mod dialect;
mod document;
pub mod edit;
mod environment;
mod error;
pub mod info;
pub mod model;
pub mod names;
mod node;
mod reader;
pub mod validate;
mod vocab;

pub use atomic::write_atomically;
pub use dialect::{Dialect, DialectInfo, Quirk};
pub use document::Document;
pub use environment::{EnvironmentError, environment};
pub use error::{LineIndex, ParseError, ParseErrorKind, Position, Span};
pub use model::Envelope;
pub use node::{Attribute, Element, Markup, Name, Node, Text};
pub use reader::{ParseOptions, XMLNS_NAMESPACE};
pub use validate::{
    Finding, Mode, Report, Rule, Severity, ValidateOptions, validate, validate_bytes,
};

/// The File references of a descriptor (id, href, size, compression, chunkSize), for
/// packaging and verifying OVA archives.
///
/// ```
/// let xml = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
///   xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>
///   <File ovf:id="f1" ovf:href="disk.vmdk" ovf:size="10" ovf:chunkSize="4"/>
/// </References></Envelope>"#;
/// let files = tern_ovf::file_references(xml).unwrap();
/// assert_eq!(files[0].href.as_deref(), Some("disk.vmdk"));
/// assert_eq!(files[0].chunk_names().len(), 3);
/// ```
pub fn file_references(descriptor: &[u8]) -> Result<Vec<model::FileRef>, ParseError> {
    let doc = Document::parse(descriptor)?;
    Ok(Envelope::read(&doc).files)
}
