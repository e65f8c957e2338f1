//! Reads: data objects in CDMI and as plain HTTP (streamed, `Range`), containers with
//! their children, value streams of stored objects (zeros for a sparse one).

use std::ops::Range as Span;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::stream::{StreamExt, TryStreamExt};
use serde_json::Value;
use tern_cdmi::body::{Children, OneOrMany};
use tern_cdmi::media::Interface;
use tern_cdmi::metadata::Metadata;
use tern_cdmi::object::{ObjectType, Range, TransferEncoding};
use tern_cdmi::query::{Query, QueryItem};
use tern_store::{ByteStream, CdmiRecord, Decision, read, transact};

use super::ops::{
    CONTAINER, DATA_OBJECT, Head, Reply, Request, blob_failed, check_accept, exists, load,
    parse_query, redirect, represent, select, store_failed,
};
use super::{Cdmi, CdmiPath, Stored, error, json_response, stored};

pub(super) async fn read_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let key = path.key();
    let Some((row, parent)) = load(cdmi, key.clone()).await? else {
        if !path.container && exists(cdmi, path.as_container().key()).await? {
            return Ok(redirect(&r.raw_path));
        }
        return Err(error(404, "CDMI-NOT-FOUND", format!("no object at {key}")));
    };
    let stored = Stored::from_json(&row.body);
    if row.object_type == CONTAINER {
        let head = Head {
            interface: r.interface,
            accept: r.accept,
            query: r.query,
        };
        return read_container(cdmi, &row, parent.as_ref(), &stored, head).await;
    }
    touch(cdmi, &row.path).await;
    if r.interface == Interface::Http {
        return plain_get(cdmi, &stored, r.range.as_deref()).await;
    }
    check_accept(r.accept.as_deref(), ObjectType::DataObject)?;
    let query = parse_query(r.query.as_deref())?;
    let mut object = represent(&row, parent.as_ref(), &stored);
    object.mimetype = Some(OneOrMany::One(
        stored
            .mimetype
            .clone()
            .unwrap_or_else(|| "text/plain".into()),
    ));
    if let Some(metadata) = prefixed(&stored, query.as_ref()) {
        object.metadata = Some(metadata);
    }
    let value_ranges = value_ranges(query.as_ref());
    let fields = query.as_ref().and_then(Query::selected_fields);
    let wants_value = fields
        .as_ref()
        .is_none_or(|f| f.iter().any(|n| n == "value"));
    let size = stored.size;
    let (span, ranged) = match value_ranges.as_slice() {
        [] => (0..size, false),
        [(first, last)] => ((*first).min(size)..last.saturating_add(1).min(size), true),
        _ => {
            return Err(error(
                400,
                "CDMI-QUERY",
                "several value ranges in one read need multipart/mixed, which this server does not produce",
            ));
        }
    };
    object.value_range = Some(OneOrMany::One(if span.is_empty() {
        Range::Empty
    } else {
        Range::Span {
            first: span.start,
            last: span.end - 1,
        }
    }));
    if wants_value {
        if span.end - span.start > cdmi.inline_limit {
            return Err(error(
                400,
                "CDMI-VALUE-TOO-LARGE",
                format!(
                    "the value ({} bytes) is larger than a CDMI body may carry here ({} bytes): read it with a plain GET or a value range",
                    span.end - span.start,
                    cdmi.inline_limit
                ),
            ));
        }
        let bytes = read_value(cdmi, &stored, span).await?;
        let utf8 = !ranged && stored.encoding.as_deref() == Some("utf-8");
        let (encoding, value) = match (utf8, String::from_utf8(bytes)) {
            (true, Ok(text)) => (TransferEncoding::Utf8, text),
            (_, Ok(text)) => (TransferEncoding::Base64, STANDARD.encode(text.as_bytes())),
            (_, Err(e)) => (TransferEncoding::Base64, STANDARD.encode(e.as_bytes())),
        };
        object.value_transfer_encoding = Some(OneOrMany::One(encoding));
        // The value (up to a CDMI body's size) joins the JSON last, moved, never copied.
        let mut json = select(object.to_json(), r.query.as_deref())?;
        if let Value::Object(map) = &mut json {
            map.insert("value".into(), Value::String(value));
        }
        return Ok(json_response(200, DATA_OBJECT, &json));
    }
    object.value_transfer_encoding = Some(OneOrMany::One(
        if stored.encoding.as_deref() == Some("utf-8") {
            TransferEncoding::Utf8
        } else {
            TransferEncoding::Base64
        },
    ));
    let value = select(object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, DATA_OBJECT, &value))
}

// The `value:first-last` items of a query.
pub(super) fn value_ranges(query: Option<&Query>) -> Vec<(u64, u64)> {
    query
        .map(|q| {
            q.items
                .iter()
                .filter_map(|i| match i {
                    QueryItem::ValueRange { first, last } => Some((*first, *last)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

// The metadata items whose names start with a `?metadata:prefix` of the query, if it has any.
pub(super) fn prefixed(stored: &Stored, query: Option<&Query>) -> Option<Metadata> {
    let prefixes = query.and_then(Query::metadata_names)?;
    Some(Metadata(
        stored
            .metadata
            .iter()
            .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p.as_str())))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

pub(super) async fn read_value(
    cdmi: &Cdmi,
    stored: &Stored,
    span: Span<u64>,
) -> Result<Vec<u8>, Response> {
    if span.is_empty() {
        return Ok(Vec::new());
    }
    let span_len = span.end - span.start;
    let mut stream = value_stream(cdmi, stored, span).await?;
    let mut out = Vec::with_capacity(usize::try_from(span_len).unwrap_or(0));
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.map_err(|e| blob_failed(&e))?);
    }
    Ok(out)
}

// `cdmi_atime`: the last read of the value or metadata.
pub(super) async fn touch(cdmi: &Cdmi, key: &str) {
    let key = key.to_owned();
    let now = stored::now();
    let _ = transact(cdmi.store.as_ref(), move |tx| {
        let Some(mut row) = tx.cdmi_get(&key)? else {
            return Ok(((), Decision::Rollback));
        };
        let mut s = Stored::from_json(&row.body);
        s.metadata.insert("cdmi_atime".into(), now.into());
        row.body = s.to_json();
        tx.cdmi_put(&row)?;
        Ok(((), Decision::Commit))
    })
    .await;
}

// A plain-HTTP read: the value's bytes, streamed, with `Range` (one range) → 206.
pub(super) async fn plain_get(cdmi: &Cdmi, stored: &Stored, range: Option<&str>) -> Reply {
    let size = stored.size;
    let mime = stored
        .mimetype
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let asked = range.and_then(|r| byte_range(r, size));
    let (status, span) = match asked {
        None => (StatusCode::OK, 0..size),
        Some(Ok(span)) => (StatusCode::PARTIAL_CONTENT, span),
        Some(Err(())) => {
            let mut response = error(416, "CDMI-RANGE", format!("the value has {size} bytes"));
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Err(response);
        }
    };
    let stream = value_stream(cdmi, stored, span.clone()).await?;
    let body = Body::from_stream(stream.map_err(|e| std::io::Error::other(e.to_string())));
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(span.end - span.start),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) =
            HeaderValue::from_str(&format!("bytes {}-{}/{size}", span.start, span.end - 1))
    {
        headers.insert(header::CONTENT_RANGE, v);
    }
    Ok(response)
}

pub(super) static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

// `len` zero bytes, a chunk at a time: the value of a sparse object with no blob yet.
pub(super) fn zeros(len: u64) -> ByteStream {
    futures_util::stream::unfold(len, |left| async move {
        if left == 0 {
            return None;
        }
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(ZEROS.len());
        Some((Ok(Bytes::from_static(&ZEROS[..n])), left - n as u64))
    })
    .boxed()
}

// `Range: bytes=a-b | a- | -n` (RFC 9110 §14.1.2): `None` to serve the whole value (no or
// several ranges, which a server may ignore), `Err` when unsatisfiable.
pub(super) fn byte_range(header: &str, size: u64) -> Option<Result<Span<u64>, ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let span = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        size.saturating_sub(n)..size
    } else {
        let first: u64 = a.parse().ok()?;
        let last = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            b.parse::<u64>().ok()?.min(size.saturating_sub(1))
        };
        if first > last || first >= size {
            return Some(Err(()));
        }
        first..last + 1
    };
    if span.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(span))
}

pub(super) async fn read_container(
    cdmi: &Cdmi,
    row: &CdmiRecord,
    parent: Option<&CdmiRecord>,
    stored: &Stored,
    r: Head,
) -> Reply {
    if r.interface != Interface::Http {
        check_accept(r.accept.as_deref(), ObjectType::Container)?;
    }
    let query = parse_query(r.query.as_deref())?;
    let (first, last) = query
        .as_ref()
        .and_then(|q| {
            q.items.iter().find_map(|i| match i {
                QueryItem::ChildrenRange { first, last } => Some((*first, *last)),
                _ => None,
            })
        })
        .unwrap_or((0, u64::MAX - 1));
    let key = row.path.clone();
    let limit = last
        .saturating_sub(first)
        .saturating_add(1)
        .min(u64::MAX >> 1);
    let (count, children) = read(cdmi.store.as_ref(), move |tx| {
        Ok((
            tx.cdmi_count_children(&key)?,
            tx.cdmi_children(&key, first, limit)?,
        ))
    })
    .await
    .map_err(|e| store_failed(&e))?;
    let mut object = represent(row, parent, stored);
    if let Some(metadata) = prefixed(stored, query.as_ref()) {
        object.metadata = Some(metadata);
    }
    object.exports = stored.exports.clone().map(tern_cdmi::exports::Exports);
    let names: Vec<String> = children
        .iter()
        .filter_map(|c| CdmiPath::parse(&c.path).ok().and_then(|p| p.name()))
        .collect();
    object.children_range = Some(if names.is_empty() || first >= count {
        Range::Empty
    } else {
        Range::Span {
            first,
            last: first + names.len() as u64 - 1,
        }
    });
    object.children = Some(Children::Names(names));
    let value = select(object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, CONTAINER, &value))
}

// The value of `stored` (its blob, its extents, or zeros for a sparse one), bytes `span`:
// every reader of a value's bytes goes through here (or `extents::open`).
pub(super) async fn value_stream(
    cdmi: &Cdmi,
    stored: &Stored,
    span: Span<u64>,
) -> Result<ByteStream, Response> {
    if span.is_empty() {
        return Ok(futures_util::stream::empty().boxed());
    }
    super::extents::open(&cdmi.blobs, &stored.pieces(), span)
        .await
        .map_err(|e| blob_failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Some(Ok(0..10)));
        assert_eq!(byte_range("bytes=90-", 100), Some(Ok(90..100)));
        assert_eq!(byte_range("bytes=-5", 100), Some(Ok(95..100)));
        assert_eq!(byte_range("bytes=95-200", 100), Some(Ok(95..100)));
        assert_eq!(byte_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=0-1,5-6", 100), None);
        assert_eq!(byte_range("items=0-1", 100), None);
    }
}
