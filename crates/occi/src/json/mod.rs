//! `application/occi+json`: the reader and writer of the OCCI JSON objects over
//! `tern_diag::json` (a JSON tree that keeps byte offsets and the text of numbers), and the
//! schema validator the output is checked with.

mod read;
pub mod schema;
mod write;

pub(crate) use read::from_json;
pub use schema::{Schema, SchemaError, Violation};
pub use tern_diag::json::{Json, JsonValue, Member};
pub use write::{schema_definition, to_json};

use tern_diag::Finding;

use crate::diagnostic::Rule;

/// Reads a JSON text as OCCI does: duplicate member names refused, nesting bounded (64
/// levels), numbers kept as written. What is not JSON is a finding of rule `json.syntax`.
///
/// ```
/// let json = tern_occi::json::parse_json("{\"occi.compute.memory\": 2.50}").unwrap();
/// assert_eq!(json.to_compact(), "{\"occi.compute.memory\":2.50}");
/// let twice = tern_occi::json::parse_json("{\"a\": 1, \"a\": 2}").unwrap_err();
/// assert_eq!(twice.rule, "json.syntax");
/// ```
// The finding is the error, returned once per text: its size does not matter.
#[allow(clippy::result_large_err)]
pub fn parse_json(src: &str) -> Result<Json, Finding> {
    tern_diag::json::parse(src).map_err(|e| Rule::JsonSyntax.error(e.position, e.message))
}
