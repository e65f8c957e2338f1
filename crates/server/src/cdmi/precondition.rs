//! CDMI objects' versions (`ETag`) and `If-Match` on their writes.
//!
//! A CDMI object's tag is a digest of what a write changes: its ID, its value's blob (a
//! new key on every value write), its metadata but the access time (a read updates it),
//! its MIME type. The request's `If-Match` is kept for the request's task ([`scoped`]);
//! the write's transaction compares it with the row it read ([`holds`]) and changes nothing
//! when it fails (412), so that of two instances racing on one version only one wins.
//! A write's answer carries the tag of the version it committed ([`Written`], noted inside
//! the transaction), so that a client can chain `If-Match` without a `GET` (RFC 9110 §8.8.3).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tern_store::CdmiRecord;

use super::stored::Stored;
use crate::version;

tokio::task_local! {
    static REQUEST: Scope;
}

struct Scope {
    if_match: Option<String>,
    // The tag of the object a read answered.
    seen: Mutex<Option<String>>,
    // The tag of the version a write committed.
    written: Written,
}

/// Where a write's transaction notes the version it committed; the request's answer gets its
/// tag as `ETag`. Outside a CDMI request, a slot nobody reads.
#[derive(Clone, Default)]
pub(crate) struct Written(Arc<Mutex<Option<String>>>);

impl Written {
    /// Notes `row` as the version the write leaves (call it right before committing).
    pub(crate) fn set(&self, row: &CdmiRecord) {
        if let Ok(mut t) = self.0.lock() {
            *t = Some(tag(row));
        }
    }

    fn get(&self) -> Option<String> {
        self.0.lock().ok().and_then(|t| t.clone())
    }
}

/// The request's [`Written`] slot, taken before its write's transaction starts.
pub(crate) fn written() -> Written {
    REQUEST.try_with(|s| s.written.clone()).unwrap_or_default()
}

/// Runs one CDMI request's answer with its `If-Match` at hand ([`expected`]); a successful
/// `GET`/`HEAD` of an object gets its `ETag`, and so does a successful write (the new
/// version's, [`Written`]).
pub(crate) async fn scoped<F>(method: &str, if_match: Option<String>, answer: F) -> Response
where
    F: Future<Output = Response>,
{
    let read = matches!(method, "GET" | "HEAD");
    let scope = Scope {
        if_match,
        seen: Mutex::new(None),
        written: Written::default(),
    };
    REQUEST
        .scope(scope, async move {
            let mut response = answer.await;
            // A read answers the version it read; a write only the one it committed (the
            // row it loaded before is the old version).
            let tag = REQUEST
                .try_with(|s| {
                    if read {
                        s.seen.lock().ok().and_then(|t| t.clone())
                    } else {
                        s.written.get()
                    }
                })
                .ok()
                .flatten();
            if response.status().is_success()
                && let Some(v) = tag.and_then(|t| HeaderValue::from_str(&t).ok())
            {
                response.headers_mut().insert(header::ETAG, v);
            }
            response
        })
        .await
}

/// The request's `If-Match`, read before its write's transaction starts.
pub(crate) fn expected() -> Option<String> {
    REQUEST.try_with(|s| s.if_match.clone()).ok().flatten()
}

/// Notes the row a read answers (its tag goes into the response).
pub(crate) fn seen(row: &CdmiRecord) {
    let _ = REQUEST.try_with(|s| {
        if let Ok(mut t) = s.seen.lock() {
            *t = Some(tag(row));
        }
    });
}

/// Whether a write assuming `expected` (`If-Match`) may change `row` (`None`: absent).
pub(crate) fn holds(expected: Option<&str>, row: Option<&CdmiRecord>) -> bool {
    match expected {
        None => true,
        Some(h) => version::if_match_holds(h, row.map(tag).as_deref()),
    }
}

/// The answer to a write whose `If-Match` failed.
pub(crate) fn failed(path: &str) -> Response {
    super::error(
        StatusCode::PRECONDITION_FAILED.as_u16(),
        "CDMI-PRECONDITION",
        format!("{path} changed since the version If-Match names (fetch it again)"),
    )
}

/// The object's entity tag.
pub(crate) fn tag(row: &CdmiRecord) -> String {
    let mut stored = Stored::from_json(&row.body);
    stored.metadata.remove("cdmi_atime");
    version::tag(&[&row.object_id, &row.object_type, &stored.to_json()])
}
