//! `application/occi+json`: a positioned JSON tree, the reader and writer of the OCCI JSON
//! objects, and the schema validator the output is checked with.

mod read;
pub mod schema;
pub mod tree;
mod write;

pub(crate) use read::from_json;
pub use schema::{Schema, SchemaError, Violation};
pub use tree::{Json, JsonValue, parse_json};
pub use write::{schema_definition, to_json};
