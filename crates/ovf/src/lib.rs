//! Lossless reading, typed views, validation and editing of DMTF OVF descriptors.
//!
//! ```
//! let xml = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>"#;
//! let doc = tern_ovf::Document::parse(xml).unwrap();
//! assert_eq!(doc.to_bytes(), xml);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod document;
mod error;
mod node;
mod reader;

pub use document::Document;
pub use error::{LineIndex, ParseError, ParseErrorKind, Position, Span};
pub use node::{Attribute, Element, Markup, Name, Node, Text};
pub use reader::{ParseOptions, XMLNS_NAMESPACE};
