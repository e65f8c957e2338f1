//! The SNIA CDMI side of tern: object IDs, JSON bodies, metadata, capabilities, exports, the
//! HTTP-level rules (media types, version negotiation, query strings, status codes). CDMI 1.1.1
//! semantics, aware of 2.0's differences. The CDMI ⇄ OCCI rows belong to tern-mapping.
//!
//! | module | concern |
//! |---|---|
//! | [`objectid`] | object IDs (clause 5.11): CRC-16/ARC, generate, parse, explain |
//! | [`object`] | the object types, their media types, message kinds and small wire values |
//! | [`representation`] | the typed JSON representation of any object ([`body::CdmiObject`]) |
//! | [`body`], [`rules`] | reading and checking bodies of every object type and message; the field tables |
//! | [`metadata`], [`capability`], [`exports`] | metadata rules, capability names and tree, exports |
//! | [`serialized`] | the serialized form (children as full objects, streamed) |
//! | [`media`], [`version`], [`query`], [`status`] | HTTP-level rules as pure functions and data |
//! | [`pointer`](mod@pointer) | JSON pointers of the members findings are about |
//!
//! Modules depend on one another in one direction only, lower first (each uses only modules
//! above it in this list; check with `grep 'crate::' src/*.rs`):
//!
//! 1. [`version`], [`objectid`], [`pointer`](mod@pointer), [`status`]: nothing of this crate;
//! 2. [`object`];
//! 3. [`media`], [`query`], [`metadata`];
//! 4. [`exports`];
//! 5. [`rules`] (the tables, the exclusive sources, the message-level checks);
//! 6. [`representation`] (the typed body, whose `sources()` follows the rules' order);
//! 7. [`capability`] (a capability object's read response is a representation);
//! 8. [`body`] (reading: every check above, applied to one text);
//! 9. [`serialized`].
//!
//! Findings are [`tern_diag::Finding`]s: a stable rule id (`CDMI-EXCLUSIVE`), the message, the
//! JSON pointer of the member and its line and column. Bodies are read with
//! [`tern_diag::json`], which keeps the byte offset of every member (its line and column
//! computed for the findings only) and reports duplicate member names.
//!
//! Data files under `data/` hold what the specification tabulates (metadata rules, capability
//! names, status codes); tests check them against the reference material.
//!
//! ```
//! use tern_cdmi::objectid::ObjectId;
//! use tern_cdmi::body::{self, ParseOptions};
//! use tern_cdmi::object::ObjectType;
//!
//! let id = ObjectId::parse("00007ed90010d891022876a8de0bc0fd")?;
//! assert_eq!(id.enterprise_number(), 32473);
//! assert_eq!(id.to_string(), "00007ED90010D891022876A8DE0BC0FD");
//!
//! let options = ParseOptions { object_type: Some(ObjectType::DataObject), ..ParseOptions::default() };
//! let parsed = body::parse("{\n  \"copy\": \"/a\",\n  \"move\": \"/b\"\n}", &options);
//! let finding = &parsed.findings[0];
//! assert_eq!(finding.rule, "CDMI-EXCLUSIVE");
//! assert_eq!(finding.position.map(|p| (p.line, p.column)), Some((3, 3)));
//! # Ok::<(), tern_cdmi::objectid::ObjectIdError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod body;
pub mod capability;
pub mod exports;
pub mod media;
pub mod metadata;
pub mod object;
pub mod objectid;
pub mod pointer;
pub mod query;
pub mod representation;
pub mod rules;
pub mod serialized;
pub mod status;
pub mod version;
