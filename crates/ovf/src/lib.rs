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

mod dialect;
mod document;
mod error;
pub mod model;
pub mod names;
mod node;
mod reader;
mod vocab;

pub use dialect::{Dialect, DialectInfo, Quirk};
pub use document::Document;
pub use error::{LineIndex, ParseError, ParseErrorKind, Position, Span};
pub use model::Envelope;
pub use node::{Attribute, Element, Markup, Name, Node, Text};
pub use reader::{ParseOptions, XMLNS_NAMESPACE};
