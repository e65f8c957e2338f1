//! OCCI 1.1 and 1.2 renderings for tern: `text/plain`, `text/occi+plain`, `text/occi` (a
//! header block), `text/uri-list` and `application/occi+json`, read and written both ways.
//!
//! Reading goes through three layers: an RFC 7230 field lexer ([`field`]), the OCCI field
//! grammar of GFD.229 ([`syntax`]), and the binding to the shared model. Strict by default;
//! every deviation real servers produce is a named [`Leniency`] that, when enabled, turns the
//! error into a warning with a position.
//!
//! ```
//! use tern_occi::{MediaType, ParseOptions, parse_text, render_text};
//!
//! let src = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n\
//!            X-OCCI-Attribute: occi.core.title=\"a, b\", occi.compute.cores=2\r\n";
//! let doc = parse_text(src, MediaType::TextOcci, &ParseOptions::strict()).unwrap().value;
//! assert_eq!(doc.attributes.len(), 2);
//! let plain = render_text(&doc, MediaType::TextPlain).text;
//! assert!(plain.contains("X-OCCI-Attribute: occi.compute.cores=2\r\n"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// `ParseOptions` is passed by reference everywhere: it is small today but grows with options.
#![allow(clippy::trivially_copy_pass_by_ref)]
// Readers report a finding and return `None`; `match` with both arms spelled out reads better.
#![allow(clippy::single_match_else)]

mod bind;
mod codec;
pub mod diagnostic;
mod document;
pub mod field;
pub mod json;
pub mod leniency;
pub mod media;
pub mod position;
pub mod syntax;
pub mod text;

pub use codec::{Unknowns, read, validate, write};
pub use diagnostic::{Diagnostic, Diagnostics, ParseError, Parsed, Rule, Severity};
pub use document::{ActionInvocation, Document, Listing};
pub use leniency::{Leniency, LeniencySet, ParseOptions};
pub use media::MediaType;
pub use position::{Located, Position};
pub use tern_model::OcciVersion;
pub use text::{Rendered, TextDocument, parse_text, render_text};
