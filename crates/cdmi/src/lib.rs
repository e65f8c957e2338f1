//! The SNIA CDMI side of tern: object IDs, JSON bodies, metadata, capabilities, exports, the
//! HTTP-level rules (media types, version negotiation, query strings, status codes) and the
//! mapping rows onto OCCI storage. CDMI 1.1.1 semantics, aware of 2.0's differences.
//!
//! ```
//! use tern_cdmi::objectid::ObjectId;
//!
//! let id = ObjectId::parse("00007ed90010d891022876a8de0bc0fd")?;
//! assert_eq!(id.enterprise_number(), 32473);
//! assert_eq!(id.to_string(), "00007ED90010D891022876A8DE0BC0FD");
//! # Ok::<(), tern_cdmi::objectid::ObjectIdError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod objectid;
