//! The CDMI request router and what every operation shares: the request, the refusals, the
//! rows' loading, the read representation's identity, the outcome of a save, delete.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tern_cdmi::body::{CdmiObject, Children};
use tern_cdmi::media::{Interface, object_type_of};
use tern_cdmi::metadata::Metadata;
use tern_cdmi::object::{CompletionStatus, ObjectType, Range};
use tern_cdmi::query::Query;
use tern_store::{BlobError, CdmiRecord, Decision, StoreError, read, transact};

use super::ids::{by_id, id_only, is_id_only};
use super::read::read_object;
use super::write::{post, write};
use super::{Cdmi, CdmiPath, Stored, empty, error, json_response, occi_export};

pub(super) const CONTAINER: &str = "application/cdmi-container";
pub(super) const DATA_OBJECT: &str = "application/cdmi-object";

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

pub(super) type Reply = Result<Response, Response>;

// What a container read needs of the request (the body is not `Sync`: it is not kept).
pub(super) struct Head {
    pub(super) interface: Interface,
    pub(super) accept: Option<String>,
    pub(super) query: Option<String>,
}

pub(super) fn store_failed(e: &StoreError) -> Response {
    match e {
        // A race with another instance's transaction, broken by the shared store: the
        // client may send the request again.
        StoreError::Conflict(_) => error(503, "CDMI-RETRY", e.to_string()),
        _ => error(500, "CDMI-STORE", e.to_string()),
    }
}

pub(super) fn blob_failed(e: &BlobError) -> Response {
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

pub(super) async fn route(cdmi: &Cdmi, r: Request) -> Reply {
    let raw = r.raw_path.clone();
    if let Some(rest) = raw.strip_prefix("/.well-known/com/snia/cdmi") {
        return capabilities(cdmi, &r, rest.trim_start_matches('/'));
    }
    if let Some(rest) = raw.strip_prefix("/cdmi_capabilities") {
        return capabilities(cdmi, &r, rest.trim_start_matches('/'));
    }
    if r.method == "POST"
        && raw
            .strip_prefix("/cdmi_objectid")
            .is_some_and(|rest| rest.trim_start_matches('/').is_empty())
    {
        return post(cdmi, &id_only(), r).await;
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

pub(super) fn capabilities(cdmi: &Cdmi, r: &Request, rest: &str) -> Reply {
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
    let value = select(object.to_json(), r.query.as_deref())?;
    Ok(json_response(200, "application/cdmi-capability", &value))
}

// The row at `key` and its parent's.
pub(super) async fn load(
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

pub(super) async fn exists(cdmi: &Cdmi, key: String) -> Result<bool, Response> {
    read(cdmi.store.as_ref(), move |tx| {
        Ok(tx.cdmi_get(&key)?.is_some())
    })
    .await
    .map_err(|e| store_failed(&e))
}

pub(super) fn redirect(raw_path: &str) -> Response {
    let mut response = (StatusCode::MOVED_PERMANENTLY, Body::empty()).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{raw_path}/")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

pub(super) fn parse_query(text: Option<&str>) -> Result<Option<Query>, Response> {
    match text.filter(|q| !q.is_empty()) {
        None => Ok(None),
        Some(q) => Query::parse(q)
            .map(Some)
            .map_err(|e| error(400, "CDMI-QUERY", e.to_string())),
    }
}

// Keeps the fields a query selects (`?objectName;metadata`), all fields without one.
pub(super) fn select(value: Value, query: Option<&str>) -> Result<Value, Response> {
    let query = parse_query(query)?;
    let Some(fields) = query.as_ref().and_then(Query::selected_fields) else {
        return Ok(value);
    };
    let Value::Object(map) = value else {
        return Ok(value);
    };
    Ok(Value::Object(
        map.into_iter()
            .filter(|(k, _)| fields.iter().any(|f| f == k))
            .collect(),
    ))
}

// The read representation's identity and metadata, common to both types.
pub(super) fn represent(
    row: &CdmiRecord,
    parent: Option<&CdmiRecord>,
    stored: &Stored,
) -> CdmiObject {
    let path = CdmiPath::parse(&row.path).ok();
    let container = row.object_type == CONTAINER;
    let path = path.filter(|_| !is_id_only(row.parent.as_deref()));
    let parent_uri = row.parent.clone().filter(|p| !is_id_only(Some(p)));
    let parent = parent.filter(|_| parent_uri.is_some());
    CdmiObject {
        object_type: Some(if container {
            ObjectType::Container
        } else {
            ObjectType::DataObject
        }),
        object_id: Some(row.object_id.clone()),
        object_name: path.as_ref().and_then(CdmiPath::name),
        parent_uri,
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

pub(super) fn check_accept(accept: Option<&str>, object_type: ObjectType) -> Result<(), Response> {
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

pub(super) enum Saved {
    // The new row and its parent's.
    New(Box<(CdmiRecord, Option<CdmiRecord>)>),
    Updated,
    NoParent,
    Gone,
    Conflict,
    // `If-Match` named another version (412).
    Precondition,
}

pub(super) fn finish_container(
    cdmi: &Cdmi,
    path: &CdmiPath,
    outcome: Saved,
    cdmi_mode: bool,
) -> Reply {
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

pub(super) fn no_parent(path: &CdmiPath) -> Response {
    error(
        404,
        "CDMI-NO-PARENT",
        format!(
            "the parent container {} does not exist",
            path.parent_key().unwrap_or_default()
        ),
    )
}

pub(super) async fn delete(cdmi: &Cdmi, path: &CdmiPath) -> Reply {
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
            let stored = Stored::from_json(&row.body);
            blobs.extend(stored.blob_keys());
            if occi_export::is_exported(stored.exports.as_ref()) {
                occi_export::deleted(tx, &row)?;
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
