//! Writes: containers and data objects created and updated in CDMI and as plain HTTP,
//! partial writes (`Content-Range`, `?value:a-b`), POST with a server-assigned name; every
//! value written as a new durable blob before its row is switched to it.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::stream::{StreamExt, TryStreamExt};
use serde_json::Value;
use tern_cdmi::body::{self, CdmiObject, OneOrMany, ParseOptions};
use tern_cdmi::media::{Interface, object_type_of};
use tern_cdmi::metadata::{Metadata, apply_update};
use tern_cdmi::object::{BodyKind, ObjectType, TransferEncoding};
use tern_cdmi::objectid::ObjectId;
use tern_cdmi::version::Version;
use tern_store::{BlobError, ByteStream, CdmiRecord, Decision, StoreError, transact};

use super::copy::sourced;
use super::extents::Extent;
use super::ops::{
    CONTAINER, DATA_OBJECT, Reply, Request, Saved, blob_failed, exists, finish_container, load,
    no_parent, parse_query, redirect, represent, store_failed,
};
use super::partial;
use super::plan::store_value;
use super::read::value_ranges;
use super::{Cdmi, CdmiPath, Stored, empty, error, findings, json_response, stored};
use super::{digest, occi_export};

// Reads a CDMI JSON body (at most the inline limit) as UTF-8 text.
pub(super) async fn body_text(cdmi: &Cdmi, body: Body) -> Result<String, Response> {
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
    String::from_utf8(Vec::from(bytes))
        .map_err(|_| error(400, "CDMI-JSON", "the request body is not UTF-8 text"))
}

pub(super) fn parse_body(
    text: &str,
    object_type: ObjectType,
    kind: BodyKind,
) -> Result<CdmiObject, Response> {
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
        .filter(|s| {
            !matches!(
                *s,
                "value" | "move" | "copy" | "serialize" | "deserialize" | "deserializevalue"
            )
        })
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

pub(super) async fn write(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
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

pub(super) async fn plain_container(cdmi: &Cdmi, path: &CdmiPath) -> Reply {
    let outcome = save_container(cdmi, path, None, None).await?;
    finish_container(cdmi, path, outcome, false)
}

// A CDMI request body for `path`, parsed as a create or an update (whether the object
// exists), and whether it existed.
async fn cdmi_body(
    cdmi: &Cdmi,
    path: &CdmiPath,
    body: Body,
    object_type: ObjectType,
) -> Result<(CdmiObject, bool), Response> {
    let text = body_text(cdmi, body).await?;
    let existed = exists(cdmi, path.key()).await?;
    let kind = if existed {
        BodyKind::UpdateRequest
    } else {
        BodyKind::CreateRequest
    };
    Ok((parse_body(&text, object_type, kind)?, existed))
}

pub(super) async fn cdmi_container(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let (object, existed) = cdmi_body(cdmi, path, r.body, ObjectType::Container).await?;
    if let Some(reply) = sourced(cdmi, path, &object, existed).await {
        return reply;
    }
    let selected = parse_query(r.query.as_deref())?.and_then(|q| q.metadata_names());
    let outcome = save_container(cdmi, path, Some(object), selected).await?;
    finish_container(cdmi, path, outcome, true)
}

pub(super) async fn save_container(
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
    let written = super::precondition::written();
    transact(cdmi.store.as_ref(), move |tx| {
        let existing = tx.cdmi_get(&key)?;
        if !super::precondition::holds(if_match.as_deref(), existing.as_ref()) {
            return Ok((Saved::Precondition, Decision::Rollback));
        }
        if let Some(mut row) = existing {
            let Some(object) = object else {
                // Unchanged: its version is still the current one.
                written.set(&row);
                return Ok((Saved::Updated, Decision::Rollback));
            };
            let mut s = Stored::from_json(&row.body);
            if let Some(update) = &object.metadata {
                s.metadata = apply_update(&Metadata(s.metadata), update, selected.as_deref()).0;
            }
            if let Some(exports) = object.exports {
                s.exports = Some(exports.0);
                occi_export::sync(tx, &row, &mut s.exports)?;
            }
            s.modified(&now);
            row.body = s.to_json();
            tx.cdmi_put(&row)?;
            written.set(&row);
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
        let mut row = CdmiRecord {
            path: key,
            object_id: id,
            parent,
            object_type: CONTAINER.into(),
            body: String::new(),
        };
        if s.exports.is_some() {
            occi_export::sync(tx, &row, &mut s.exports)?;
        }
        row.body = s.to_json();
        tx.cdmi_put(&row)?;
        written.set(&row);
        Ok((Saved::New(Box::new((row, parent_row))), Decision::Commit))
    })
    .await
    .map_err(|e| store_failed(&e))
}

pub(super) async fn cdmi_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let (object, existed) = cdmi_body(cdmi, path, r.body, ObjectType::DataObject).await?;
    if let Some(reply) = sourced(cdmi, path, &object, existed).await {
        return reply;
    }
    let query = parse_query(r.query.as_deref())?;
    let value_range = value_ranges(query.as_ref());
    let selected = query.and_then(|q| q.metadata_names());
    let saved = match value_range.as_slice() {
        [] => {
            let (upload, change) = cdmi_change(cdmi, object, selected)?;
            save_object(cdmi, path, upload, change, existed, None).await?
        }
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
    match saved {
        Saved::New(new) => {
            cdmi.remember_top(path, true);
            let (row, parent) = *new;
            Ok(created(&row, parent.as_ref()))
        }
        other => finish_container(cdmi, path, other, true),
    }
}

// The 201 answer to a data object's creation: its representation, with the stored metadata
// moved into the JSON rather than copied by `represent` and again by `to_json` (a million
// metadata items were held three times at once).
fn created(row: &CdmiRecord, parent: Option<&CdmiRecord>) -> Response {
    let mut stored = Stored::from_json(&row.body);
    let metadata = std::mem::take(&mut stored.metadata);
    let mut object = represent(row, parent, &stored);
    object.mimetype = stored.mimetype.map(OneOrMany::One);
    let mut json = object.to_json();
    if let Some(slot) = json.as_object_mut().and_then(|m| m.get_mut("metadata")) {
        *slot = Value::Object(metadata);
    }
    json_response(201, DATA_OBJECT, &json)
}

// `?value:first-last` with a CDMI body: the value (always Base64, 8.4.8 example 3) spliced
// into the object's.
pub(super) async fn range_change(
    cdmi: &Cdmi,
    path: &CdmiPath,
    object: CdmiObject,
    selected: Option<Vec<String>>,
    first: u64,
    last: u64,
) -> Result<Saved, Response> {
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
    let mimetype = match &object.mimetype {
        Some(OneOrMany::One(m)) => Some(m.to_ascii_lowercase()),
        _ => None,
    };
    let change = Change {
        mimetype,
        encoding: Some("base64".to_owned()),
        metadata: object.metadata,
        selected,
        base: None,
    };
    partial::write(cdmi, path, first, len, data, change).await
}

// A plain-HTTP write: the body streamed into a blob, the Content-Type as the mimetype.
pub(super) async fn plain_object(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    let key = path.key();
    let existed = exists(cdmi, key).await?;
    if !existed
        && let Some(parent) = path.parent_key()
        && !exists(cdmi, parent).await?
    {
        return Err(no_parent(path));
    }
    let (mimetype, utf8) = plain_type(r.content_type.as_deref());
    let stream: ByteStream = r
        .body
        .into_data_stream()
        .map_err(|e| BlobError::Upload(e.to_string()))
        .boxed();
    let change = Change::plain(mimetype, utf8);
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
        let saved = partial::write(cdmi, path, first, len, exact(stream, len), change).await?;
        return finish_container(cdmi, path, saved, false);
    }
    match save_object(cdmi, path, Some(stream), change, existed, None).await? {
        Saved::New(_) => {
            cdmi.remember_top(path, true);
            Ok(empty(201))
        }
        other => finish_container(cdmi, path, other, false),
    }
}

pub(super) struct Change {
    pub(super) mimetype: Option<String>,
    pub(super) encoding: Option<String>,
    pub(super) metadata: Option<Metadata>,
    pub(super) selected: Option<Vec<String>>,
    // For a partial write: the extents the new value was spliced from; the write fails with
    // 409 when another write replaced them meanwhile.
    pub(super) base: Option<Splice>,
}

impl Change {
    // The change a plain-HTTP body makes: its media type, and the value's encoding as CDMI
    // reports it (UTF-8 text, or base64 for anything else).
    pub(super) fn plain(mimetype: String, utf8: bool) -> Change {
        Change {
            mimetype: Some(mimetype),
            encoding: Some(if utf8 { "utf-8" } else { "base64" }.to_owned()),
            metadata: None,
            selected: None,
            base: None,
        }
    }
}

// The value a partial write spliced its piece into, as extents.
pub(super) struct Splice(pub(super) Vec<Extent>);

// `bytes FIRST-LAST/SIZE` (or `/*`).
pub(super) fn content_range(header: &str) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes")?.trim_start();
    let (span, _) = spec.split_once('/')?;
    let (a, b) = span.split_once('-')?;
    let (first, last): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (first <= last).then_some((first, last))
}

// Fails the stream unless it carries exactly `len` bytes.
pub(super) fn exact(stream: ByteStream, len: u64) -> ByteStream {
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

// POST to a container: a data object named by its new object ID (clause 9.6), from a CDMI
// body or raw bytes; 201 with `Location`. POST to anything else is the client's mistake:
// nothing there (404), or a data object, which answers POST only as a queue (clause 11), and
// this server offers no queues (405 with `Allow`).
pub(super) async fn post(cdmi: &Cdmi, path: &CdmiPath, r: Request) -> Reply {
    if !path.container {
        if !exists(cdmi, path.key()).await? {
            return Err(error(
                404,
                "CDMI-NOT-FOUND",
                format!(
                    "no data object at {} (POST creates in a container: its path ends in /)",
                    path.key()
                ),
            ));
        }
        let mut refusal = error(
            405,
            "CDMI-METHOD",
            "a data object answers GET, HEAD, PUT and DELETE; POST enqueues into a queue object, which this server does not offer",
        );
        refusal.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, PUT, DELETE"),
        );
        return Err(refusal);
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
    let location = format!("{}/{id}", r.raw_path.trim_end_matches('/'));
    let body_type = r.content_type.as_deref().and_then(object_type_of);
    let mut response = match body_type {
        Some(ObjectType::DataObject) => {
            let text = body_text(cdmi, r.body).await?;
            let object = parse_body(&text, ObjectType::DataObject, BodyKind::CreateRequest)?;
            let (upload, change) = cdmi_change(cdmi, object, None)?;
            match save_object(cdmi, &target, upload, change, false, Some(id)).await? {
                Saved::New(new) => {
                    let (row, parent) = *new;
                    created(&row, parent.as_ref())
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
            let change = Change::plain(mimetype, utf8);
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
pub(super) fn plain_type(content_type: Option<&str>) -> (String, bool) {
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
pub(super) fn cdmi_change(
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

pub(super) fn decode_value(
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
pub(super) struct Switch {
    pub(super) key: String,
    pub(super) id: String,
    pub(super) parent: Option<String>,
    pub(super) now: String,
    // The new blob, its size and SHA-256.
    pub(super) blob: Option<(String, u64, Option<String>)>,
    // Or the new extents (a partial write) and the value's SHA-256.
    pub(super) pieces: Option<(Vec<Extent>, Option<String>)>,
    pub(super) existed: bool,
    pub(super) change: Change,
    // The request's `If-Match`.
    pub(super) if_match: Option<String>,
    // Where the committed version's tag goes (the answer's `ETag`).
    pub(super) written: super::precondition::Written,
}

pub(super) type Switched = ((Saved, Vec<String>), Decision);

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
            pieces,
            existed,
            change,
            if_match,
            written: tag,
        } = self;
        let existing = tx.cdmi_get(&key)?;
        if !super::precondition::holds(if_match.as_deref(), existing.as_ref()) {
            return Ok(((Saved::Precondition, Vec::new()), Decision::Rollback));
        }
        if existed && existing.is_none() {
            return Ok(((Saved::Gone, Vec::new()), Decision::Rollback));
        }
        let parent_row = match &parent {
            Some(p) => match tx.cdmi_get(p)? {
                Some(row) => Some(row),
                None => return Ok(((Saved::NoParent, Vec::new()), Decision::Rollback)),
            },
            None => None,
        };
        if let Some(Splice(base)) = &change.base
            && existing
                .as_ref()
                .is_none_or(|row| Stored::from_json(&row.body).pieces() != *base)
        {
            return Ok(((Saved::Conflict, Vec::new()), Decision::Rollback));
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
        let mut old_blobs = Vec::new();
        let before = s.blob_keys();
        let written = match (blob, pieces) {
            (Some((blob, size, hash)), _) => {
                s.set_blob(Some(blob));
                s.sized(size);
                Some(hash)
            }
            (None, Some((pieces, hash))) => {
                s.set_pieces(pieces);
                Some(hash)
            }
            (None, None) => None,
        };
        if let Some(hash) = written {
            let now_named = s.blob_keys();
            old_blobs = before
                .into_iter()
                .filter(|k| !now_named.contains(k))
                .collect();
            match hash {
                Some(h) => s.metadata.insert("cdmi_hash".into(), h.into()),
                None => s.metadata.shift_remove("cdmi_hash"),
            };
            if let Some(e) = change.encoding {
                s.encoding = Some(e);
            }
        }
        s.modified(&now);
        row.body = s.to_json();
        tx.cdmi_put(&row)?;
        tag.set(&row);
        let outcome = if created {
            Saved::New(Box::new((row, parent_row)))
        } else {
            Saved::Updated
        };
        Ok(((outcome, old_blobs), Decision::Commit))
    }
}

// Writes the value (when given) as a new blob, durably, then switches the row to it in one
// transaction; the old blob goes after the commit. A failure leaves the old state.
pub(super) async fn save_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    upload: Option<ByteStream>,
    change: Change,
    existed: bool,
    id: Option<String>,
) -> Result<Saved, Response> {
    let written = match upload {
        Some(stream) => {
            let mut hash = change
                .metadata
                .as_ref()
                .is_some_and(|m| digest::wanted(&m.0));
            if existed && !hash {
                hash = load(cdmi, path.key())
                    .await?
                    .is_some_and(|(row, _)| digest::wanted(&Stored::from_json(&row.body).metadata));
            }
            Some(store_value(cdmi, stream, hash, None, false).await?)
        }
        None => None,
    };
    commit_object(cdmi, path, written, change, existed, id).await
}

/// Switches the row at `path` to a blob already written (`written`: key, size, SHA-256),
/// or changes its fields only; the old blob goes after the commit, the new one when the
/// switch fails.
pub(super) async fn commit_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    written: Option<(String, u64, Option<String>)>,
    change: Change,
    existed: bool,
    id: Option<String>,
) -> Result<Saved, Response> {
    let id = match id {
        Some(id) => id,
        None => ObjectId::generate(cdmi.enterprise)
            .map_err(|e| error(500, e.rule_id(), e.to_string()))?
            .to_string(),
    };
    let new_blobs: Vec<String> = written.iter().map(|(k, _, _)| k.clone()).collect();
    let switch = Switch {
        key: path.key(),
        id,
        parent: path.parent_key(),
        now: stored::now(),
        blob: written,
        pieces: None,
        existed,
        change,
        if_match: super::precondition::expected(),
        written: super::precondition::written(),
    };
    commit(cdmi, switch, new_blobs).await
}

/// Switches the row at `path` to the extents `pieces` (a partial write: `change.base` the
/// extents it spliced into), whose new blobs are `new_blobs` (deleted when the switch
/// fails); the blobs no longer named go after the commit.
pub(super) async fn commit_pieces(
    cdmi: &Cdmi,
    path: &CdmiPath,
    pieces: Vec<Extent>,
    hash: Option<String>,
    new_blobs: Vec<String>,
    change: Change,
) -> Result<Saved, Response> {
    let id = ObjectId::generate(cdmi.enterprise)
        .map_err(|e| error(500, e.rule_id(), e.to_string()))?
        .to_string();
    let switch = Switch {
        key: path.key(),
        id,
        parent: path.parent_key(),
        now: stored::now(),
        blob: None,
        pieces: Some((pieces, hash)),
        existed: true,
        change,
        if_match: super::precondition::expected(),
        written: super::precondition::written(),
    };
    commit(cdmi, switch, new_blobs).await
}

async fn commit(cdmi: &Cdmi, switch: Switch, new_blobs: Vec<String>) -> Result<Saved, Response> {
    let outcome = transact(cdmi.store.as_ref(), move |tx| switch.run(tx)).await;
    match outcome {
        Ok((outcome, old_blobs)) => {
            if !matches!(outcome, Saved::New(_) | Saved::Updated) {
                cdmi.delete_blobs(new_blobs).await;
            }
            cdmi.delete_blobs(old_blobs).await;
            Ok(outcome)
        }
        Err(e) => {
            cdmi.delete_blobs(new_blobs).await;
            Err(store_failed(&e))
        }
    }
}
