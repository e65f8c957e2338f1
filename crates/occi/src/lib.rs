//! OCCI 1.1 and 1.2 renderings for tern: `text/plain`, `text/occi+plain`, `text/occi` (a
//! header block), `text/uri-list` and `application/occi+json`, read and written both ways.
//!
//! Reading goes through three layers: an RFC 7230 field lexer ([`field`]: case-insensitive
//! names, repeated fields ≡ comma lists, quote-aware splitting, positions), the OCCI field
//! grammar of GFD.229 / GFD.185 ([`syntax`], values keep their lexical class), and the binding
//! to the shared model (`tern_model`), where the catalogue decides integer vs float vs enum.
//! [`read`] and [`write()`] convert between any media type and a [`Document`]; [`validate`]
//! adds the catalogue's checks. JSON output is checked against `schemas/occi-1.2.schema.json`
//! with the small validator in [`json::schema`].
//!
//! A named input (a file, standard input) is a [`Source`]: its media type is the declared one
//! or the one its content shows ([`MediaType::detect`]), and its findings name it.
//! [`read_collection`] is the one reader of entity collections (conversions, `diff`, `plan`);
//! in `text/plain` it also reads tern's bodies form (one rendering per entity, blank lines
//! between), which [`write_with`] writes ([`CollectionForm`]) beside GFD.229's locations.
//! Findings are `tern_diag::Finding`s whose rule ids are the [`Rule`]s of this crate.
//!
//! Strict by default: exactly the ABNF. Every deviation real servers produce is a named
//! [`Leniency`] (trailing `;`, missing `;`, bare tokens, header aliases, obs-fold, quoted
//! booleans, signed/exponent numbers, JSON in a quoted string, JSON without `id`, extra
//! `location`, rOCCI 4.x nested attributes, `application/json`); when enabled it turns the
//! error into a warning carrying its position, so nothing is accepted silently.
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
mod source;
pub mod syntax;
pub mod text;

pub use codec::{CollectionForm, Unknowns, WriteOptions, read, validate, write, write_with};
pub use diagnostic::{Diagnostics, ParseError, Parsed, Rule};
pub use document::{ActionInvocation, Document, Listing};
pub use leniency::{Leniency, LeniencySet, ParseOptions};
pub use media::MediaType;
pub use position::Located;
pub use source::{EntityCollection, Source, read_collection};
pub use tern_model::{OcciVersion, ValidationMode};
pub use text::{Rendered, TextDocument, parse_text, render_text};
