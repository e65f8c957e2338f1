//! `serialize` and `deserialize` (clause 15).

use std::ops::Range;

use axum::response::Response;
use tern_store::ByteStream;

use super::{Cdmi, error};

/// The value of a JSON string inside a serialized blob, decoded as it streams.
#[allow(clippy::unused_async)] // filled in next
pub(super) async fn decoded(
    _cdmi: &Cdmi,
    _key: &str,
    _span: Range<u64>,
    _base64: bool,
) -> Result<ByteStream, Response> {
    Err(error(501, "CDMI-UNSUPPORTED", "not yet"))
}
