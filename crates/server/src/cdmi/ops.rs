//! The CDMI operations: read, create/update, delete of containers and data objects, in CDMI
//! media types and as plain HTTP; capabilities; access by object ID.

use std::ops::Range as Span;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::stream::{StreamExt, TryStreamExt};
use serde_json::Value;
use tern_cdmi::body::{self, CdmiObject, Children, OneOrMany, ParseOptions};
use tern_cdmi::media::{Interface, object_type_of};
use tern_cdmi::metadata::{Metadata, apply_update};
use tern_cdmi::object::{BodyKind, CompletionStatus, ObjectType, Range, TransferEncoding};
use tern_cdmi::objectid::ObjectId;
use tern_cdmi::query::{Query, QueryItem};
use tern_cdmi::version::Version;
use tern_store::{BlobError, ByteStream, CdmiRecord, Decision, StoreError, read, transact};

use super::{Cdmi, CdmiPath, Stored, empty, error, findings, json_response, stored};

const CONTAINER: &str = "application/cdmi-container";
const DATA_OBJECT: &str = "application/cdmi-object";

/// A CDMI request, its body not read yet.
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) raw_path: String,
    pub(crate) query: Option<String>,
    pub(crate) interface: Interface,
    pub(crate) content_type: Option<String>,
    pub(crate) accept: Option<String>,
    pub(crate) range: Option<String>,
    pub(crate) content_range: Option<String>,
    pub(crate) body: Body,
}

type Reply = Result<Response, Response>;

// What a container read needs of the request (the body is not `Sync`: it is not kept).
struct Head {
    interface: Interface,
    accept: Option<String>,
    query: Option<String>,
}

fn store_failed(e: &StoreError) -> Response {
    match e {
        // A race with another instance's transaction, broken by the shared store: the
        // client may send the request again.
        StoreError::Conflict(_) => error(503, "CDMI-RETRY", e.to_string()),
        _ => error(500, "CDMI-STORE", e.to_string()),
    }
}

fn blob_failed(e: &BlobError) -> Response {
    match e {
        BlobError::TooLarge { limit } => error(
            413,
            "CDMI-TOO-LARGE",
            format!("the value is larger than this server's object size limit ({limit} bytes)"),
        ),
        BlobError::Upload(m) => error(400, "CDMI-UPLOAD", format!("the upload was cut off: {m}")),
        _ => error(500, "CDMI-BLOB", e.to_string()),
    }
}

/// Answers one CDMI request.
pub(crate) async fn answer(cdmi: &Cdmi, r: Request) -> Response {
    let outcome = route(cdmi, r).await;
    match outcome {
        Ok(r) | Err(r) => r,
    }
}

async fn route(cdmi: &Cdmi, r: Request) -> Reply {
    let raw = r.raw_path.clone();
    if let Some(rest) = raw.strip_prefix("/.well-known/com/snia/cdmi") {
        return capabilities(cdmi, &r, rest.trim_start_matches('/'));
    }
    if let Some(rest) = raw.strip_prefix("/cdmi_capabilities") {
        return capabilities(cdmi, &r, rest.trim_start_matches('/'));
    }
    let path = match raw.strip_prefix("/cdmi_objectid") {
        Some(rest) => by_id(cdmi, rest).await?,
        None => CdmiPath::parse(&raw).map_err(|m| error(400, "CDMI-NAME", m))?,
    };
    match r.method.as_str() {
        "GET" | "HEAD" => read_object(cdmi, &path, r).await,
        "PUT" => write(cdmi, &path, r).await,
        "DELETE" => delete(cdmi, &path).await,
        "POST" => post(cdmi, &path, r).await,
        m => Err(error(
            405,
            "CDMI-METHOD",
            format!("{m} is not a CDMI method"),
        )),
    }
}

// `/cdmi_objectid/<ID>[/<child>…]`: the path of the object with that ID.
async fn by_id(cdmi: &Cdmi, rest: &str) -> Result<CdmiPath, Response> {
    let rest = rest.trim_start_matches('/');
    let (id_text, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    if id_text.is_empty() {
        return Err(error(
            400,
            "CDMI-OBJECTID",
            "name an object: /cdmi_objectid/<ID> (ID-only objects are not implemented)",
        ));
    }
    let id = ObjectId::parse(id_text).map_err(|e| error(400, e.rule_id(), e.to_string()))?;
    let wanted = id.to_string();
    let row = read(cdmi.store.as_ref(), move |tx| tx.cdmi_by_id(&wanted))
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(|| error(404, "CDMI-NOT-FOUND", format!("no object has the ID {id}")))?;
    let base = CdmiPath::parse(&row.path).map_err(|m| error(500, "CDMI-NAME", m))?;
    match tail {
        None => Ok(base),
        Some("") => Ok(base.as_container()),
        Some(tail) => {
            if !base.container {
                return Err(error(
                    404,
                    "CDMI-NOT-FOUND",
                    "a data object has no children",
                ));
            }
            let child =
                CdmiPath::parse(&format!("/{tail}")).map_err(|m| error(400, "CDMI-NAME", m))?;
            let mut segments = base.segments;
            segments.extend(child.segments);
            Ok(CdmiPath {
                segments,
                container: child.container,
            })
        }
    }
}

fn capabilities(cdmi: &Cdmi, r: &Request, rest: &str) -> Reply {
    if !matches!(r.method.as_str(), "GET" | "HEAD") {
        return Err(error(405, "CDMI-METHOD", "capabilities are read-only"));
    }
    let object = cdmi
        .capabilities
        .read_response(rest, |p| cdmi.capability_id(p))
        .ok_or_else(|| {
            error(
                404,
                "CDMI-NOT-FOUND",
                format!("no capability object {rest:?}"),
            )
        })?;
    let value = select(&object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, "application/cdmi-capability", &value))
}

// The row at `key` and its parent's.
async fn load(
    cdmi: &Cdmi,
    key: String,
) -> Result<Option<(CdmiRecord, Option<CdmiRecord>)>, Response> {
    let loaded = read(cdmi.store.as_ref(), move |tx| {
        let Some(row) = tx.cdmi_get(&key)? else {
            return Ok(None);
        };
        let parent = match &row.parent {
            Some(p) => tx.cdmi_get(p)?,
            None => None,
        };
        Ok(Some((row, parent)))
    })
    .await
    .map_err(|e| store_failed(&e))?;
    if let Some((row, _)) = &loaded {
        super::precondition::seen(row);
    }
    Ok(loaded)
}

async fn exists(cdmi: &Cdmi, key: String) -> Result<bool, Response> {
    read(cdmi.store.as_ref(), move |tx| {
        Ok(tx.cdmi_get(&key)?.is_some())
    })
    .await
    .map_err(|e| store_failed(&e))
}

fn redirect(raw_path: &str) -> Response {
    let mut response = (StatusCode::MOVED_PERMANENTLY, Body::empty()).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{raw_path}/")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

fn parse_query(text: Option<&str>) -> Result<Option<Query>, Response> {
    match text.filter(|q| !q.is_empty()) {
        None => Ok(None),
        Some(q) => Query::parse(q)
            .map(Some)
            .map_err(|e| error(400, "CDMI-QUERY", e.to_string())),
    }
}

// Keeps the fields a query selects (`?objectName;metadata`), all fields without one.
fn select(value: &Value, query: Option<&str>) -> Result<Value, Response> {
    let query = parse_query(query)?;
    let Some(fields) = query.as_ref().and_then(Query::selected_fields) else {
        return Ok(value.clone());
    };
    let Value::Object(map) = value else {
        return Ok(value.clone());
    };
    Ok(Value::Object(
        map.iter()
            .filter(|(k, _)| fields.iter().any(|f| f == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

// The read representation's identity and metadata, common to both types.
fn represent(row: &CdmiRecord, parent: Option<&CdmiRecord>, stored: &Stored) -> CdmiObject {
    let path = CdmiPath::parse(&row.path).ok();
    let container = row.object_type == CONTAINER;
    CdmiObject {
        object_type: Some(if container {
            ObjectType::Container
        } else {
            ObjectType::DataObject
        }),
        object_id: Some(row.object_id.clone()),
        object_name: path.as_ref().and_then(CdmiPath::name),
        parent_uri: row.parent.clone(),
        parent_id: parent.map(|p| p.object_id.clone()),
        domain_uri: Some("/cdmi_domains/".into()),
        capabilities_uri: Some(
            if container {
                "/cdmi_capabilities/container/"
            } else {
                "/cdmi_capabilities/dataobject/"
            }
            .into(),
        ),
        completion_status: Some(CompletionStatus::Complete),
        metadata: Some(Metadata(stored.metadata.clone())),
        ..CdmiObject::default()
    }
}

fn check_accept(accept: Option<&str>, object_type: ObjectType) -> Result<(), Response> {
    let Some(accept) = accept else {
        return Ok(());
    };
    let fits = accept.split(',').any(|entry| {
        let essence = entry.split(';').next().unwrap_or_default().trim();
        essence == "*/*"
            || essence.eq_ignore_ascii_case("application/*")
            || object_type_of(entry) == Some(object_type)
            || essence.eq_ignore_ascii_case("application/json")
    });
    if fits {
        Ok(())
    } else {
        Err(error(
            406,
            "CDMI-ACCEPT",
            format!("this object is served as {}", object_type.media_type()),
        ))
    }
}

async fn read_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
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
        object.value = Some(Value::String(value));
    } else {
        object.value_transfer_encoding = Some(OneOrMany::One(
            if stored.encoding.as_deref() == Some("utf-8") {
                TransferEncoding::Utf8
            } else {
                TransferEncoding::Base64
            },
        ));
    }
    let value = select(&object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, DATA_OBJECT, &value))
}

// The `value:first-last` items of a query.
fn value_ranges(query: Option<&Query>) -> Vec<(u64, u64)> {
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
fn prefixed(stored: &Stored, query: Option<&Query>) -> Option<Metadata> {
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

async fn read_value(cdmi: &Cdmi, stored: &Stored, span: Span<u64>) -> Result<Vec<u8>, Response> {
    if span.is_empty() {
        return Ok(Vec::new());
    }
    let Some(blob) = stored.blob.as_deref() else {
        // A sparse object (an OCCI volume never written): zeros.
        return Ok(vec![0; usize::try_from(span.end - span.start).unwrap_or(0)]);
    };
    let mut stream = cdmi
        .blobs
        .get(blob, Some(span))
        .await
        .map_err(|e| blob_failed(&e))?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.map_err(|e| blob_failed(&e))?);
    }
    Ok(out)
}

// `cdmi_atime`: the last read of the value or metadata.
async fn touch(cdmi: &Cdmi, key: &str) {
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
async fn plain_get(cdmi: &Cdmi, stored: &Stored, range: Option<&str>) -> Reply {
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
    let stream: ByteStream = match stored.blob.as_deref() {
        Some(blob) if !span.is_empty() => cdmi
            .blobs
            .get(blob, Some(span.clone()))
            .await
            .map_err(|e| blob_failed(&e))?,
        _ => zeros(span.end - span.start),
    };
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

static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

// `len` zero bytes, a chunk at a time: the value of a sparse object with no blob yet.
fn zeros(len: u64) -> ByteStream {
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
fn byte_range(header: &str, size: u64) -> Option<Result<Span<u64>, ()>> {
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

async fn read_container(
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
    let value = select(&object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, CONTAINER, &value))
}

// Reads a CDMI JSON body (at most the inline limit) as UTF-8 text.
async fn body_text(cdmi: &Cdmi, body: Body) -> Result<String, Response> {
    let limit = usize::try_from(cdmi.inline_limit).unwrap_or(usize::MAX);
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        error(
            413,
            "CDMI-TOO-LARGE",
            format!(
                "a CDMI body is limited to {limit} bytes here; send large values as plain HTTP"
            ),
        )
    })?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| error(400, "CDMI-JSON", "the request body is not UTF-8 text"))
}

fn parse_body(text: &str, object_type: ObjectType, kind: BodyKind) -> Result<CdmiObject, Response> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let parsed = body::parse(
        text,
        &ParseOptions {
            version: Version::V1_1_1,
            object_type: Some(object_type),
            kind: Some(kind),
            selected_fields: None,
        },
    );
    // Field order (8.1.3: `value` last, for streaming readers) binds writers; this server
    // reads the whole body first, and libcdmi sends `value` first: the order is not held
    // against a request.
    let fatal = parsed
        .findings
        .iter()
        .any(|f| f.is_error() && f.rule != "CDMI-ORDER");
    if fatal {
        return Err(findings(
            400,
            "the CDMI body breaks the specification's rules",
            &parsed.findings,
        ));
    }
    let object = parsed
        .object
        .ok_or_else(|| findings(400, "the CDMI body is not a JSON object", &parsed.findings))?;
    let unsupported: Vec<&str> = object
        .sources()
        .into_iter()
        .filter(|s| !matches!(*s, "value" | "move" | "copy"))
        .collect();
    if !unsupported.is_empty() {
        return Err(error(
            400,
            "CDMI-UNSUPPORTED",
            format!(
                "{} is not supported by this server (its capabilities do not list it)",
                unsupported.join(", ")
            ),
        ));
    }
    Ok(object)
}

async fn write(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    if path.segments.is_empty() && !path.container {
        return Err(error(400, "CDMI-NAME", "name an object"));
    }
    if let Some(last) = path.segments.last()
        && last.starts_with("cdmi_")
    {
        return Err(error(
            400,
            "CDMI-RESERVED-NAME",
            format!("{last:?}: names starting with cdmi_ are reserved (CDMI 9.1.2)"),
        ));
    }
    let body_type = r.content_type.as_deref().and_then(object_type_of);
    if !path.container && exists(cdmi, path.as_container().key()).await? {
        return Ok(redirect(&r.raw_path));
    }
    match (path.container, body_type) {
        (true, Some(ObjectType::Container)) => cdmi_container(cdmi, path, r).await,
        (true, None) if r.interface == Interface::Cdmi1 => cdmi_container(cdmi, path, r).await,
        (true, None) => plain_container(cdmi, path).await,
        (false, Some(ObjectType::DataObject)) => cdmi_object(cdmi, path, r).await,
        (false, Some(ObjectType::Container)) => Err(error(
            400,
            "CDMI-SLASH",
            "a container's URI ends with / (CDMI 9.2)",
        )),
        (_, Some(other)) => Err(error(
            415,
            "CDMI-CONTENT-TYPE",
            format!(
                "{} cannot be written at {} (this server stores containers and data objects)",
                other.media_type(),
                path.key()
            ),
        )),
        (false, None) => plain_object(cdmi, path, r).await,
    }
}

enum Saved {
    // The new row and its parent's.
    New(Box<(CdmiRecord, Option<CdmiRecord>)>),
    Updated,
    NoParent,
    Gone,
    Conflict,
    // `If-Match` named another version (412).
    Precondition,
}

async fn plain_container(cdmi: &Cdmi, path: &CdmiPath) -> Reply {
    let outcome = save_container(cdmi, path, None, None).await?;
    finish_container(cdmi, path, outcome, false)
}

async fn cdmi_container(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let text = body_text(cdmi, r.body).await?;
    let existed = exists(cdmi, path.key()).await?;
    let kind = if existed {
        BodyKind::UpdateRequest
    } else {
        BodyKind::CreateRequest
    };
    let object = parse_body(&text, ObjectType::Container, kind)?;
    if let Some(source) = &object.move_from {
        return move_object(cdmi, path, source, existed).await;
    }
    if object.copy.is_some() {
        return Err(error(
            400,
            "CDMI-UNSUPPORTED",
            "copying a container is not implemented by this server (data objects are copied)",
        ));
    }
    let selected = parse_query(r.query.as_deref())?.and_then(|q| q.metadata_names());
    let outcome = save_container(cdmi, path, Some(object), selected).await?;
    finish_container(cdmi, path, outcome, true)
}

async fn save_container(
    cdmi: &Cdmi,
    path: &CdmiPath,
    object: Option<CdmiObject>,
    selected: Option<Vec<String>>,
) -> Result<Saved, Response> {
    let key = path.key();
    let parent = path.parent_key();
    let id = ObjectId::generate(cdmi.enterprise)
        .map_err(|e| error(500, e.rule_id(), e.to_string()))?
        .to_string();
    let now = stored::now();
    let if_match = super::precondition::expected();
    transact(cdmi.store.as_ref(), move |tx| {
        let existing = tx.cdmi_get(&key)?;
        if !super::precondition::holds(if_match.as_deref(), existing.as_ref()) {
            return Ok((Saved::Precondition, Decision::Rollback));
        }
        if let Some(mut row) = existing {
            let Some(object) = object else {
                return Ok((Saved::Updated, Decision::Rollback));
            };
            let mut s = Stored::from_json(&row.body);
            if let Some(update) = &object.metadata {
                s.metadata = apply_update(&Metadata(s.metadata), update, selected.as_deref()).0;
            }
            if let Some(exports) = object.exports {
                s.exports = Some(exports.0);
            }
            s.modified(&now);
            row.body = s.to_json();
            tx.cdmi_put(&row)?;
            return Ok((Saved::Updated, Decision::Commit));
        }
        let parent_row = match &parent {
            Some(p) => match tx.cdmi_get(p)? {
                Some(row) => Some(row),
                None => return Ok((Saved::NoParent, Decision::Rollback)),
            },
            None => None,
        };
        let mut s = Stored::default();
        if let Some(object) = object {
            if let Some(given) = &object.metadata {
                s.metadata = apply_update(&Metadata::default(), given, None).0;
            }
            s.exports = object.exports.map(|e| e.0);
        }
        s.created(&now);
        let row = CdmiRecord {
            path: key,
            object_id: id,
            parent,
            object_type: CONTAINER.into(),
            body: s.to_json(),
        };
        tx.cdmi_put(&row)?;
        Ok((Saved::New(Box::new((row, parent_row))), Decision::Commit))
    })
    .await
    .map_err(|e| store_failed(&e))
}

fn finish_container(cdmi: &Cdmi, path: &CdmiPath, outcome: Saved, cdmi_mode: bool) -> Reply {
    match outcome {
        Saved::New(new) => {
            cdmi.remember_top(path, true);
            let (row, parent) = *new;
            if !cdmi_mode {
                return Ok(empty(201));
            }
            let stored = Stored::from_json(&row.body);
            let mut object = represent(&row, parent.as_ref(), &stored);
            object.exports = stored.exports.map(tern_cdmi::exports::Exports);
            object.children_range = Some(Range::Empty);
            object.children = Some(Children::Names(Vec::new()));
            Ok(json_response(201, CONTAINER, &object.to_json()))
        }
        Saved::Updated => Ok(empty(204)),
        Saved::NoParent => Err(no_parent(path)),
        Saved::Gone => Err(error(
            404,
            "CDMI-NOT-FOUND",
            "the object was deleted meanwhile",
        )),
        Saved::Conflict => Err(error(
            409,
            "CDMI-CONFLICT",
            "another write replaced the value meanwhile; try again",
        )),
        Saved::Precondition => Err(super::precondition::failed(&path.key())),
    }
}

fn no_parent(path: &CdmiPath) -> Response {
    error(
        404,
        "CDMI-NO-PARENT",
        format!(
            "the parent container {} does not exist",
            path.parent_key().unwrap_or_default()
        ),
    )
}

async fn cdmi_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let text = body_text(cdmi, r.body).await?;
    let existed = exists(cdmi, path.key()).await?;
    let kind = if existed {
        BodyKind::UpdateRequest
    } else {
        BodyKind::CreateRequest
    };
    let object = parse_body(&text, ObjectType::DataObject, kind)?;
    if let Some(source) = &object.move_from {
        return move_object(cdmi, path, source, existed).await;
    }
    if let Some(source) = object.copy.clone() {
        return copy_object(cdmi, path, &source, object, existed).await;
    }
    let query = parse_query(r.query.as_deref())?;
    let value_range = value_ranges(query.as_ref());
    let selected = query.and_then(|q| q.metadata_names());
    let (upload, change) = match value_range.as_slice() {
        [] => cdmi_change(cdmi, object, selected)?,
        [(first, last)] if existed => {
            range_change(cdmi, path, object, selected, *first, *last).await?
        }
        _ => {
            return Err(error(
                400,
                "CDMI-QUERY",
                "a value range update names one range of an existing data object",
            ));
        }
    };
    match save_object(cdmi, path, upload, change, existed, None).await? {
        Saved::New(new) => {
            cdmi.remember_top(path, true);
            let (row, parent) = *new;
            let stored = Stored::from_json(&row.body);
            let mut object = represent(&row, parent.as_ref(), &stored);
            object.mimetype = stored.mimetype.map(OneOrMany::One);
            Ok(json_response(201, DATA_OBJECT, &object.to_json()))
        }
        other => finish_container(cdmi, path, other, true),
    }
}

// `?value:first-last` with a CDMI body: the value (always Base64, 8.4.8 example 3) spliced
// into the object's.
async fn range_change(
    cdmi: &Cdmi,
    path: &CdmiPath,
    object: CdmiObject,
    selected: Option<Vec<String>>,
    first: u64,
    last: u64,
) -> Result<(Option<ByteStream>, Change), Response> {
    let bytes = decode_value(&object, TransferEncoding::Base64)?
        .ok_or_else(|| error(400, "CDMI-VALUE", "a value range update carries a value"))?;
    let len = bytes.len() as u64;
    let named = last.saturating_sub(first).saturating_add(1);
    if named != len {
        return Err(error(
            400,
            "CDMI-VALUE",
            format!("value:{first}-{last} names {named} bytes; the value has {len}"),
        ));
    }
    let data: ByteStream = futures_util::stream::iter([Ok(Bytes::from(bytes))]).boxed();
    let (stream, old) = splice(cdmi, path, first, len, data).await?;
    let mimetype = match &object.mimetype {
        Some(OneOrMany::One(m)) => Some(m.to_ascii_lowercase()),
        _ => None,
    };
    let change = Change {
        mimetype,
        encoding: Some("base64".to_owned()),
        metadata: object.metadata,
        selected,
        base: Some(Splice(old)),
    };
    Ok((Some(stream), change))
}

// A plain-HTTP write: the body streamed into a blob, the Content-Type as the mimetype.
async fn plain_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let key = path.key();
    let existed = exists(cdmi, key).await?;
    if !existed
        && let Some(parent) = path.parent_key()
        && !exists(cdmi, parent).await?
    {
        return Err(no_parent(path));
    }
    let (mimetype, utf8) = plain_type(r.content_type.as_deref());
    let mut stream: ByteStream = r
        .body
        .into_data_stream()
        .map_err(|e| BlobError::Upload(e.to_string()))
        .boxed();
    let mut base = None;
    if let Some(range) = r.content_range.as_deref() {
        let (first, last) = content_range(range).ok_or_else(|| {
            error(
                400,
                "CDMI-RANGE",
                format!("Content-Range {range:?} is not `bytes FIRST-LAST/SIZE`"),
            )
        })?;
        if !existed {
            return Err(error(
                404,
                "CDMI-NOT-FOUND",
                "a partial write needs an existing object",
            ));
        }
        let len = last - first + 1;
        let (spliced, old) = splice(cdmi, path, first, len, exact(stream, len)).await?;
        stream = spliced;
        base = Some(Splice(old));
    }
    let change = Change {
        mimetype: Some(mimetype),
        encoding: Some(if utf8 { "utf-8" } else { "base64" }.to_owned()),
        metadata: None,
        selected: None,
        base,
    };
    match save_object(cdmi, path, Some(stream), change, existed, None).await? {
        Saved::New(_) => {
            cdmi.remember_top(path, true);
            Ok(empty(201))
        }
        other => finish_container(cdmi, path, other, false),
    }
}

struct Change {
    mimetype: Option<String>,
    encoding: Option<String>,
    metadata: Option<Metadata>,
    selected: Option<Vec<String>>,
    // For a partial write: the blob the new value was spliced from; the write fails with 409
    // when another write replaced it meanwhile.
    base: Option<Splice>,
}

// The blob a partial write read (`None`: a sparse value, no blob yet).
struct Splice(Option<String>);

// `bytes FIRST-LAST/SIZE` (or `/*`).
fn content_range(header: &str) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes")?.trim_start();
    let (span, _) = spec.split_once('/')?;
    let (a, b) = span.split_once('-')?;
    let (first, last): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (first <= last).then_some((first, last))
}

// Fails the stream unless it carries exactly `len` bytes.
fn exact(stream: ByteStream, len: u64) -> ByteStream {
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let tally = std::sync::Arc::clone(&seen);
    let counted = stream.map(move |chunk| {
        if let Ok(c) = &chunk {
            tally.fetch_add(c.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        chunk
    });
    let check = futures_util::stream::once(async move {
        let n = seen.load(std::sync::atomic::Ordering::Relaxed);
        if n == len {
            None
        } else {
            Some(Err(BlobError::Upload(format!(
                "Content-Range names {len} bytes; the body has {n}"
            ))))
        }
    })
    .filter_map(|r| async move { r });
    counted.chain(check).boxed()
}

// The value of `stored`, or zeros for a sparse one, bytes `span`.
async fn value_stream(
    cdmi: &Cdmi,
    stored: &Stored,
    span: Span<u64>,
) -> Result<ByteStream, Response> {
    if span.is_empty() {
        return Ok(futures_util::stream::empty().boxed());
    }
    match stored.blob.as_deref() {
        Some(blob) => cdmi
            .blobs
            .get(blob, Some(span))
            .await
            .map_err(|e| blob_failed(&e)),
        None => Ok(zeros(span.end - span.start)),
    }
}

// The new value of a partial write, streamed: the old bytes before `first`, zeros up to it
// when the value was shorter (clause 6.4: gaps read back as zeros), `data`, then the old bytes
// after it. Returns the blob it splices from.
async fn splice(
    cdmi: &Cdmi,
    path: &CdmiPath,
    first: u64,
    len: u64,
    data: ByteStream,
) -> Result<(ByteStream, Option<String>), Response> {
    let Some((row, _)) = load(cdmi, path.key()).await? else {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {}", path.key()),
        ));
    };
    let old = Stored::from_json(&row.body);
    let end = first.saturating_add(len);
    let head = value_stream(cdmi, &old, 0..first.min(old.size)).await?;
    let gap = zeros(first.saturating_sub(old.size));
    let tail = value_stream(cdmi, &old, end.min(old.size)..old.size).await?;
    Ok((head.chain(gap).chain(data).chain(tail).boxed(), old.blob))
}

// POST to a container: a data object named by its new object ID (clause 9.6), from a CDMI
// body or raw bytes; 201 with `Location`.
async fn post(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    if !path.container {
        return Err(error(
            501,
            "CDMI-UNSUPPORTED",
            "POST to a data object (queues) is not implemented by this server",
        ));
    }
    if !exists(cdmi, path.key()).await? {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no container at {}", path.key()),
        ));
    }
    let id = ObjectId::generate(cdmi.enterprise)
        .map_err(|e| error(500, e.rule_id(), e.to_string()))?
        .to_string();
    let mut segments = path.segments.clone();
    segments.push(id.clone());
    let target = CdmiPath {
        segments,
        container: false,
    };
    let location = format!("{}{id}", r.raw_path);
    let body_type = r.content_type.as_deref().and_then(object_type_of);
    let mut response = match body_type {
        Some(ObjectType::DataObject) => {
            let text = body_text(cdmi, r.body).await?;
            let object = parse_body(&text, ObjectType::DataObject, BodyKind::CreateRequest)?;
            let (upload, change) = cdmi_change(cdmi, object, None)?;
            match save_object(cdmi, &target, upload, change, false, Some(id)).await? {
                Saved::New(new) => {
                    let (row, parent) = *new;
                    let stored = Stored::from_json(&row.body);
                    let mut object = represent(&row, parent.as_ref(), &stored);
                    object.mimetype = stored.mimetype.map(OneOrMany::One);
                    json_response(201, DATA_OBJECT, &object.to_json())
                }
                other => return finish_container(cdmi, &target, other, true),
            }
        }
        Some(other) => {
            return Err(error(
                415,
                "CDMI-CONTENT-TYPE",
                format!("{} cannot be posted here", other.media_type()),
            ));
        }
        None => {
            let (mimetype, utf8) = plain_type(r.content_type.as_deref());
            let stream: ByteStream = r
                .body
                .into_data_stream()
                .map_err(|e| BlobError::Upload(e.to_string()))
                .boxed();
            let change = Change {
                mimetype: Some(mimetype),
                encoding: Some(if utf8 { "utf-8" } else { "base64" }.to_owned()),
                metadata: None,
                selected: None,
                base: None,
            };
            match save_object(cdmi, &target, Some(stream), change, false, Some(id)).await? {
                Saved::New(_) => empty(201),
                other => return finish_container(cdmi, &target, other, false),
            }
        }
    };
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

// The mimetype (lower case, parameters dropped) and whether the value is UTF-8 text, from a
// plain request's `Content-Type` (clause 6.2).
fn plain_type(content_type: Option<&str>) -> (String, bool) {
    let mimetype = content_type.map_or_else(
        || "application/octet-stream".into(),
        |ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        },
    );
    let utf8 = content_type.is_some_and(|ct| {
        ct.split(';')
            .skip(1)
            .any(|p| p.trim().eq_ignore_ascii_case("charset=utf-8"))
    });
    (mimetype, utf8)
}

// A CDMI create body's value and fields, as a whole-value write.
fn cdmi_change(
    cdmi: &Cdmi,
    object: CdmiObject,
    selected: Option<Vec<String>>,
) -> Result<(Option<ByteStream>, Change), Response> {
    let encoding = match &object.value_transfer_encoding {
        Some(OneOrMany::One(e)) => *e,
        None => TransferEncoding::Utf8,
        Some(OneOrMany::Many(_)) => {
            return Err(error(
                400,
                "CDMI-VALUE",
                "one valuetransferencoding for a data object",
            ));
        }
    };
    let value = decode_value(&object, encoding)?;
    let mimetype = match &object.mimetype {
        Some(OneOrMany::One(m)) => Some(m.to_ascii_lowercase()),
        Some(OneOrMany::Many(_)) => {
            return Err(error(400, "CDMI-VALUE", "one mimetype for a data object"));
        }
        None => None,
    };
    let upload = match value {
        Some(bytes) => {
            if bytes.len() as u64 > cdmi.object_limit {
                return Err(blob_failed(&BlobError::TooLarge {
                    limit: cdmi.object_limit,
                }));
            }
            let stream: ByteStream = futures_util::stream::iter([Ok(Bytes::from(bytes))]).boxed();
            Some(stream)
        }
        None => None,
    };
    let change = Change {
        mimetype,
        encoding: Some(encoding.as_str().to_owned()).filter(|_| object.value.is_some()),
        metadata: object.metadata,
        selected,
        base: None,
    };
    Ok((upload, change))
}

fn decode_value(
    object: &CdmiObject,
    encoding: TransferEncoding,
) -> Result<Option<Vec<u8>>, Response> {
    match &object.value {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(match encoding {
            TransferEncoding::Base64 => STANDARD
                .decode(text)
                .map_err(|e| error(400, "CDMI-BASE64", format!("value: not Base64: {e}")))?,
            _ => text.clone().into_bytes(),
        })),
        Some(_) => Err(error(
            400,
            "CDMI-VALUE",
            "a data object's value is a string",
        )),
    }
}

// The row side of a write: what `save_object` commits once the blob is durable.
struct Switch {
    key: String,
    id: String,
    parent: Option<String>,
    now: String,
    // The new blob and its size.
    blob: Option<(String, u64)>,
    existed: bool,
    change: Change,
    // The request's `If-Match`.
    if_match: Option<String>,
}

type Switched = ((Saved, Option<String>), Decision);

impl Switch {
    // Checks that the state is still the one the write assumed, then points the row at the
    // new blob; returns the old blob, to be deleted after the commit.
    fn run(self, tx: &mut dyn tern_store::Transaction) -> Result<Switched, StoreError> {
        let Switch {
            key,
            id,
            parent,
            now,
            blob,
            existed,
            change,
            if_match,
        } = self;
        let existing = tx.cdmi_get(&key)?;
        if !super::precondition::holds(if_match.as_deref(), existing.as_ref()) {
            return Ok(((Saved::Precondition, None), Decision::Rollback));
        }
        if existed && existing.is_none() {
            return Ok(((Saved::Gone, None), Decision::Rollback));
        }
        let parent_row = match &parent {
            Some(p) => match tx.cdmi_get(p)? {
                Some(row) => Some(row),
                None => return Ok(((Saved::NoParent, None), Decision::Rollback)),
            },
            None => None,
        };
        if let Some(Splice(base)) = &change.base
            && existing
                .as_ref()
                .is_none_or(|row| Stored::from_json(&row.body).blob != *base)
        {
            return Ok(((Saved::Conflict, None), Decision::Rollback));
        }
        let (mut row, mut s, created) = match existing {
            Some(row) => {
                let s = Stored::from_json(&row.body);
                (row, s, false)
            }
            None => {
                let mut s = Stored::default();
                s.created(&now);
                s.mimetype = Some("text/plain".into());
                s.sized(0);
                let row = CdmiRecord {
                    path: key,
                    object_id: id,
                    parent,
                    object_type: DATA_OBJECT.into(),
                    body: String::new(),
                };
                (row, s, true)
            }
        };
        if let Some(update) = &change.metadata {
            s.metadata = apply_update(&Metadata(s.metadata), update, change.selected.as_deref()).0;
        }
        if let Some(m) = change.mimetype {
            s.mimetype = Some(m);
        }
        let mut old_blob = None;
        if let Some((blob, size)) = blob {
            old_blob = s.blob.replace(blob);
            s.sized(size);
            if let Some(e) = change.encoding {
                s.encoding = Some(e);
            }
        }
        s.modified(&now);
        row.body = s.to_json();
        tx.cdmi_put(&row)?;
        let outcome = if created {
            Saved::New(Box::new((row, parent_row)))
        } else {
            Saved::Updated
        };
        Ok(((outcome, old_blob), Decision::Commit))
    }
}

// Writes the value (when given) as a new blob, durably, then switches the row to it in one
// transaction; the old blob goes after the commit. A failure leaves the old state.
async fn save_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    upload: Option<ByteStream>,
    change: Change,
    existed: bool,
    id: Option<String>,
) -> Result<Saved, Response> {
    let key = path.key();
    let id = match id {
        Some(id) => id,
        None => ObjectId::generate(cdmi.enterprise)
            .map_err(|e| error(500, e.rule_id(), e.to_string()))?
            .to_string(),
    };
    let mut generation = [0u8; 8];
    getrandom::fill(&mut generation).map_err(|e| error(500, "CDMI-RANDOM", e.to_string()))?;
    let blob_key = format!("{id}.{:016x}", u64::from_be_bytes(generation));
    let written = match upload {
        Some(stream) => Some(
            cdmi.blobs
                .put(&blob_key, stream, cdmi.object_limit)
                .await
                .map_err(|e| blob_failed(&e))?,
        ),
        None => None,
    };
    let switch = Switch {
        key,
        id,
        parent: path.parent_key(),
        now: stored::now(),
        blob: written.map(|size| (blob_key.clone(), size)),
        existed,
        change,
        if_match: super::precondition::expected(),
    };
    let outcome = transact(cdmi.store.as_ref(), move |tx| switch.run(tx)).await;
    match outcome {
        Ok((outcome, old_blob)) => {
            if !matches!(outcome, Saved::New(_) | Saved::Updated) && written.is_some() {
                let _ = cdmi.blobs.delete(&blob_key).await;
            }
            if let Some(old) = old_blob {
                let _ = cdmi.blobs.delete(&old).await;
            }
            Ok(outcome)
        }
        Err(e) => {
            if written.is_some() {
                let _ = cdmi.blobs.delete(&blob_key).await;
            }
            Err(store_failed(&e))
        }
    }
}

// `{"copy": "<URI on this server>"}` (8.2): a new data object (its own ID) with the source's
// value, streamed from blob to blob, its mimetype and user metadata unless the body gives
// its own.
async fn copy_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    source: &str,
    object: CdmiObject,
    existed: bool,
) -> Reply {
    let source_path = move_source(cdmi, source).await?;
    if source_path.container {
        return Err(error(
            400,
            "CDMI-UNSUPPORTED",
            "copying a container is not implemented by this server (data objects are copied)",
        ));
    }
    let Some((row, _)) = load(cdmi, source_path.key()).await? else {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {}", source_path.key()),
        ));
    };
    let old = Stored::from_json(&row.body);
    let value = value_stream(cdmi, &old, 0..old.size).await?;
    let user: serde_json::Map<String, Value> = old
        .metadata
        .iter()
        .filter(|(k, _)| !k.starts_with("cdmi_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mimetype = match &object.mimetype {
        Some(OneOrMany::One(m)) => Some(m.to_ascii_lowercase()),
        _ => old.mimetype.clone(),
    };
    let change = Change {
        mimetype,
        encoding: old.encoding.clone().or_else(|| Some("base64".into())),
        metadata: Some(object.metadata.unwrap_or(Metadata(user))),
        selected: None,
        base: None,
    };
    match save_object(cdmi, path, Some(value), change, existed, None).await? {
        Saved::New(new) => {
            cdmi.remember_top(path, true);
            let (row, parent) = *new;
            let stored = Stored::from_json(&row.body);
            let mut object = represent(&row, parent.as_ref(), &stored);
            object.mimetype = stored.mimetype.map(OneOrMany::One);
            Ok(json_response(201, DATA_OBJECT, &object.to_json()))
        }
        other => finish_container(cdmi, path, other, true),
    }
}

// The path a `move` names: `/…` or `/cdmi_objectid/<ID>…` on this server.
async fn move_source(cdmi: &Cdmi, source: &str) -> Result<CdmiPath, Response> {
    match source.strip_prefix("/cdmi_objectid") {
        Some(rest) => by_id(cdmi, rest).await,
        None if source.starts_with('/') => {
            CdmiPath::parse(source.split('?').next().unwrap_or_default())
                .map_err(|m| error(400, "CDMI-NAME", m))
        }
        None => Err(error(
            400,
            "CDMI-UNSUPPORTED",
            format!("move from {source:?}: only URIs on this server (`/…`) are supported"),
        )),
    }
}

// `{"move": "<URI on this server>"}` on a create (clauses 8.2, 9.2): the object, or the
// container with everything in it, takes the new path and keeps its object ID and value.
async fn move_object(cdmi: &Cdmi, path: &CdmiPath, source: &str, existed: bool) -> Reply {
    if existed {
        return Err(error(
            400,
            "CDMI-MOVE",
            format!("{} exists: a move creates its destination", path.key()),
        ));
    }
    let source_path = move_source(cdmi, source).await?;
    if source_path.container != path.container {
        return Err(error(
            400,
            "CDMI-MOVE",
            "a move keeps the object's type: container to container, data object to data object",
        ));
    }
    let from = source_path.key();
    let to = path.key();
    if from == "/" || (path.container && to.starts_with(&from)) {
        return Err(error(
            400,
            "CDMI-MOVE",
            format!("{from} cannot move into {to}"),
        ));
    }
    let parent = path.parent_key();
    let moved = transact(cdmi.store.as_ref(), move |tx| {
        let Some(root) = tx.cdmi_get(&from)? else {
            return Ok((Err(404), Decision::Rollback));
        };
        let parent_row = match &parent {
            Some(p) => match tx.cdmi_get(p)? {
                Some(row) => Some(row),
                None => return Ok((Err(409), Decision::Rollback)),
            },
            None => None,
        };
        let mut pending = vec![root];
        let mut first = None;
        while let Some(row) = pending.pop() {
            if row.object_type == CONTAINER {
                pending.extend(tx.cdmi_children(&row.path, 0, u64::MAX >> 1)?);
            }
            tx.cdmi_delete(&row.path)?;
            // Every row of the tree lies under `from` (its children were found by parent).
            let suffix = row.path.get(from.len()..).unwrap_or_default().to_owned();
            let mut new = row.clone();
            new.path = format!("{to}{suffix}");
            new.parent = if suffix.is_empty() {
                parent.clone()
            } else {
                row.parent
                    .as_ref()
                    .map(|p| format!("{to}{}", p.get(from.len()..).unwrap_or_default()))
            };
            tx.cdmi_put(&new)?;
            if suffix.is_empty() {
                first = Some(new);
            }
        }
        Ok((
            first.map(|row| (row, parent_row)).ok_or(500),
            Decision::Commit,
        ))
    })
    .await
    .map_err(|e| store_failed(&e))?;
    let (row, parent) = match moved {
        Ok(found) => found,
        Err(404) => {
            return Err(error(
                404,
                "CDMI-NOT-FOUND",
                format!("no object at {}", source_path.key()),
            ));
        }
        Err(409) => return Err(no_parent(path)),
        Err(_) => return Err(error(500, "CDMI-MOVE", "the move lost its object")),
    };
    cdmi.remember_top(&source_path, false);
    cdmi.remember_top(path, true);
    let stored = Stored::from_json(&row.body);
    let mut object = represent(&row, parent.as_ref(), &stored);
    if row.object_type == CONTAINER {
        object.exports = stored.exports.map(tern_cdmi::exports::Exports);
    } else {
        object.mimetype = stored.mimetype.map(OneOrMany::One);
    }
    let media = if row.object_type == CONTAINER {
        CONTAINER
    } else {
        DATA_OBJECT
    };
    Ok(json_response(201, media, &object.to_json()))
}

async fn delete(cdmi: &Cdmi, path: &CdmiPath) -> Reply {
    if path.segments.is_empty() {
        return Err(error(
            400,
            "CDMI-ROOT",
            "the root container cannot be deleted",
        ));
    }
    let key = path.key();
    if !path.container && exists(cdmi, path.as_container().key()).await? {
        return Err(error(
            400,
            "CDMI-SLASH",
            format!("{key} is a container: its URI ends with /"),
        ));
    }
    let if_match = super::precondition::expected();
    let blobs = transact(cdmi.store.as_ref(), move |tx| {
        let Some(row) = tx.cdmi_get(&key)? else {
            return Ok((None, Decision::Rollback));
        };
        if !super::precondition::holds(if_match.as_deref(), Some(&row)) {
            return Ok((Some(None), Decision::Rollback));
        }
        let mut blobs = Vec::new();
        let mut pending = vec![row];
        while let Some(row) = pending.pop() {
            if row.object_type == CONTAINER {
                pending.extend(tx.cdmi_children(&row.path, 0, u64::MAX >> 1)?);
            }
            if let Some(blob) = Stored::from_json(&row.body).blob {
                blobs.push(blob);
            }
            tx.cdmi_delete(&row.path)?;
        }
        Ok((Some(Some(blobs)), Decision::Commit))
    })
    .await
    .map_err(|e| store_failed(&e))?;
    let Some(blobs) = blobs else {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {}", path.key()),
        ));
    };
    let Some(blobs) = blobs else {
        return Err(super::precondition::failed(&path.key()));
    };
    cdmi.remember_top(path, false);
    for blob in blobs {
        let _ = cdmi.blobs.delete(&blob).await;
    }
    Ok(empty(204))
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
