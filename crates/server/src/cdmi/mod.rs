//! CDMI 1.1.1 on the OCCI listener: the root container, containers and data objects in CDMI
//! media types and as plain HTTP, access by object ID, the capabilities tree.
//!
//! Bodies are read and written through tern-cdmi only ([`tern_cdmi::body::parse`],
//! [`CdmiObject::to_json`]); the media-type dispatch, version negotiation, query strings and
//! object IDs are tern-cdmi's too. Rows (path, object ID, parent, [`stored::Stored`]) live in
//! the [`Store`]; values are blobs of the [`BlobStore`], streamed both ways: a plain-HTTP PUT
//! or GET holds one chunk at a time, whatever the object's size.
//!
//! Which requests are CDMI's ([`Cdmi::claims`]): the reserved paths (`/cdmi_capabilities/`,
//! `/cdmi_objectid/`, `/.well-known/com/snia/cdmi`), any request with
//! `X-CDMI-Specification-Version` or a CDMI media type in `Content-Type` or `Accept`, any path
//! under a top-level CDMI container or object, and a PUT with a non-OCCI `Content-Type` to a
//! path outside OCCI's locations (or without `Content-Type`: a plain container create). Everything else is OCCI's.

mod blobs;
mod copy;
mod digest;
mod extents;
mod ids;
mod names;
pub(crate) mod occi_export;
mod ops;
mod partial;
mod plan;
mod precondition;
mod read;
mod remote;
mod scan;
mod serialize;
mod stored;
mod top;
mod transcode;
mod write;

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tern_cdmi::capability::{CapabilityTree, CapabilityValue};
use tern_cdmi::media::{Interface, RequestHead, dispatch, dispatch_1x, names_cdmi_type};
use tern_cdmi::objectid::ObjectId;
use tern_cdmi::version::{SpecVersion, negotiate};
use tern_diag::Finding;
use tern_store::{BlobStore, CdmiRecord, Decision, Store, transact};

use crate::ServerError;
use crate::config::Config;

pub(crate) use extents::{Extent, open as open_value, size as extents_size};
pub(crate) use names::CdmiPath;
pub(crate) use remote::FetchPolicy;
pub(crate) use stored::{Stored, now};

/// The header that carries CDMI versions.
pub(crate) const VERSION_HEADER: &str = "x-cdmi-specification-version";

/// The CDMI side of the server.
pub(crate) struct Cdmi {
    store: Arc<dyn Store>,
    blobs: Arc<dyn BlobStore>,
    // Reads other CDMI servers (copy and move from their URLs).
    http: reqwest::Client,
    // Which of them (`--cdmi-fetch-from`).
    fetch: remote::FetchPolicy,
    enterprise: u32,
    object_limit: u64,
    inline_limit: u64,
    capabilities: CapabilityTree,
    // The names directly in the root container: requests under them are CDMI's.
    top: RwLock<HashSet<String>>,
}

// The versions served: 1.1.1, and 1.0.2 for the 1.0.x clients still about (libcdmi, Droplet).
fn supported() -> [SpecVersion; 2] {
    [
        SpecVersion::new(1, 0, Some(2)),
        SpecVersion::new(1, 1, Some(1)),
    ]
}

impl Cdmi {
    /// Opens the CDMI side over `store`, with blobs under `DATA/blobs/`; creates the root
    /// container when absent.
    pub(crate) async fn open(config: &Config, store: Arc<dyn Store>) -> Result<Cdmi, ServerError> {
        let blobs = crate::backends::open_blobs(config)?;
        let enterprise = config.cdmi_enterprise_number;
        let root = ObjectId::generate(enterprise)
            .map_err(|e| ServerError::Config(e.to_string()))?
            .to_string();
        let hidden = ObjectId::generate(enterprise)
            .map_err(|e| ServerError::Config(e.to_string()))?
            .to_string();
        let top = transact(store.as_ref(), move |tx| {
            if tx.cdmi_get("/")?.is_none() {
                let mut stored = Stored::default();
                stored.created(&stored::now());
                tx.cdmi_put(&CdmiRecord {
                    path: "/".into(),
                    object_id: root,
                    parent: None,
                    object_type: "application/cdmi-container".into(),
                    body: stored.to_json(),
                })?;
            }
            if tx.cdmi_get(ids::ID_ONLY)?.is_none() {
                let mut stored = Stored::default();
                stored.created(&stored::now());
                tx.cdmi_put(&CdmiRecord {
                    path: ids::ID_ONLY.into(),
                    object_id: hidden,
                    parent: None,
                    object_type: "application/cdmi-container".into(),
                    body: stored.to_json(),
                })?;
            }
            let children = tx.cdmi_children("/", 0, u64::MAX >> 1)?;
            let mut names = children
                .iter()
                .filter_map(|c| {
                    let name = c.path.trim_start_matches('/').trim_end_matches('/');
                    (!name.is_empty()).then(|| name.to_owned())
                })
                .collect::<HashSet<_>>();
            // The OCCI storage volumes' container (created with the first storage).
            names.insert(crate::provider::VOLUMES_NAME.to_owned());
            Ok((names, Decision::Commit))
        })
        .await?;
        collect_garbage(
            store.as_ref(),
            blobs.as_ref(),
            crate::backends::grace(config),
        )
        .await?;
        let fetch =
            remote::FetchPolicy::new(&config.cdmi_fetch_from).map_err(ServerError::Config)?;
        Ok(Cdmi {
            store,
            blobs,
            http: remote::client(&fetch)
                .map_err(|e| ServerError::Config(format!("the HTTP client: {e}")))?,
            fetch,
            enterprise,
            object_limit: config.cdmi_object_limit,
            inline_limit: config.body_limit as u64,
            capabilities: capabilities(config),
            top: RwLock::new(top),
        })
    }

    /// Whether a request is CDMI's (see the module documentation). `occi_segment` tells
    /// whether a first path segment is one of OCCI's locations.
    pub(crate) fn claims(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        occi_segment: impl Fn(&str) -> bool,
    ) -> bool {
        if path.starts_with("/cdmi_capabilities")
            || path.starts_with("/cdmi_objectid")
            || path.starts_with("/.well-known/com/snia/cdmi")
        {
            return true;
        }
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let head = RequestHead {
            method,
            path,
            content_type: text("content-type"),
            accept: text("accept"),
            spec_version: text(VERSION_HEADER),
        };
        if dispatch(&head) != Interface::Http {
            return true;
        }
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        let decoded = CdmiPath::parse(&format!("/{first}"))
            .ok()
            .and_then(|p| p.segments.first().cloned())
            .unwrap_or_default();
        if !decoded.is_empty()
            && self
                .top
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&decoded)
        {
            return true;
        }
        method == "PUT"
            && !first.is_empty()
            && !occi_segment(first)
            && head.content_type.is_none_or(|ct| !is_occi_type(ct))
    }

    fn remember_top(&self, path: &CdmiPath, present: bool) {
        if path.segments.len() != 1 {
            return;
        }
        let mut top = self.top.write().unwrap_or_else(PoisonError::into_inner);
        if present {
            top.insert(path.segments[0].clone());
        } else {
            top.remove(&path.segments[0]);
        }
    }

    /// Answers a CDMI request.
    pub(crate) async fn handle(&self, request: axum::extract::Request) -> Response {
        let (parts, body) = request.into_parts();
        let text = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let head = RequestHead {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            accept: parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok()),
            spec_version: parts
                .headers
                .get(VERSION_HEADER)
                .and_then(|v| v.to_str().ok()),
        };
        // This server speaks 1.x: the version header alone makes a read CDMI (libcdmi reads raw
        // bytes with `Accept: application/cdmi-object` and no header; NOTES §1.4). Bodies are
        // told by their `Content-Type` whatever the header says.
        let interface = dispatch_1x(&head);
        let mut served = None;
        if let Some(asked) = head.spec_version.filter(|v| !v.trim().is_empty()) {
            match negotiate(asked, &supported()) {
                Ok(v) => served = Some(v.to_string()),
                Err(e) => {
                    return error(400, "CDMI-VERSION", e.to_string());
                }
            }
        }
        let if_match = text("if-match");
        let request = ops::Request {
            method: parts.method.as_str().to_owned(),
            raw_path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            interface,
            content_type: text("content-type"),
            accept: text("accept"),
            range: text("range"),
            content_range: text("content-range"),
            body,
        };
        let method = request.method.clone();
        let mut response =
            precondition::scoped(&method, if_match, Box::pin(ops::answer(self, request))).await;
        if let Some(v) = served.and_then(|v| HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert(VERSION_HEADER, v);
        }
        response
    }

    /// Deletes blobs no row names any more (after the transaction that dropped their rows
    /// committed); a failure leaves them to the collection at the next start.
    pub(crate) async fn delete_blobs(&self, keys: Vec<String>) {
        for key in keys {
            if let Err(e) = self.blobs.delete(&key).await {
                tracing::warn!("blob {key} left for the next start: {e}");
            }
        }
    }

    /// Copies the value of the data object at `path` into a new blob (streamed): its key
    /// (`None` for a sparse object, which has no blob) and size.
    pub(crate) async fn copy_value(&self, path: &str) -> Result<(Option<String>, u64), String> {
        let key = path.to_owned();
        let row = tern_store::read(self.store.as_ref(), move |tx| tx.cdmi_get(&key))
            .await
            .map_err(|e| e.to_string())?
            .filter(|row| row.object_type == "application/cdmi-object")
            .ok_or_else(|| format!("no data object at {path}"))?;
        let stored = Stored::from_json(&row.body);
        if stored.is_sparse() {
            return Ok((None, stored.size));
        }
        let failed = |r: Response| format!("copying {path} failed ({})", r.status());
        let stream = read::value_stream(self, &stored, 0..stored.size)
            .await
            .map_err(failed)?;
        let (key, size, _) = plan::store_value(self, stream, false, None, false)
            .await
            .map_err(failed)?;
        Ok((Some(key), size))
    }

    fn capability_id(&self, path: &str) -> String {
        // A stable ID per capability node: the opaque part names the node.
        let opaque = format!("cap:{path}");
        let bytes = opaque.as_bytes();
        let bytes = &bytes[..bytes.len().min(tern_cdmi::objectid::MAX_OPAQUE_LEN)];
        ObjectId::new(self.enterprise, bytes)
            .map(|id| id.to_string())
            .unwrap_or_default()
    }
}

// Deletes the blobs no row names: left by a crash between a blob's commit and its row's, or
// by an OCCI storage deleted with its volume (the bridge runs in a store transaction, which
// cannot delete blobs). Returns how many went.
pub(crate) async fn collect_garbage(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    grace: std::time::Duration,
) -> Result<usize, ServerError> {
    let failed = |e: &dyn std::fmt::Display| ServerError::Io(std::io::Error::other(e.to_string()));
    // Listed before the rows are read: a blob listed is either named by a row committed
    // before that read, or orphaned (or younger than the grace period, and left alone).
    let keys = blobs.keys_older_than(grace).await.map_err(|e| failed(&e))?;
    if keys.is_empty() {
        return Ok(0);
    }
    let named = tern_store::read(store, |tx| {
        let mut named = HashSet::new();
        let mut pending = vec!["/".to_owned(), ids::ID_ONLY.to_owned()];
        while let Some(container) = pending.pop() {
            for row in tx.cdmi_children(&container, 0, u64::MAX >> 1)? {
                if row.object_type == "application/cdmi-container" {
                    pending.push(row.path.clone());
                }
                named.extend(Stored::from_json(&row.body).blob_keys());
            }
        }
        Ok(named)
    })
    .await?;
    let mut deleted = 0;
    for key in keys.iter().filter(|k| !named.contains(*k)) {
        blobs.delete(key).await.map_err(|e| failed(&e))?;
        deleted += 1;
    }
    Ok(deleted)
}

// The capabilities this server has, truthfully: what `ops` implements.
fn capabilities(config: &Config) -> CapabilityTree {
    let mut tree = CapabilityTree::new();
    let yes = CapabilityValue::Text("true".into());
    for name in [
        "cdmi_dataobjects",
        "cdmi_object_access_by_ID",
        "cdmi_object_copy_from_local",
        "cdmi_object_move_from_local",
        "cdmi_object_move_from_ID",
        "cdmi_post_dataobject_by_ID",
        "cdmi_serialization_json",
        "cdmi_export_occi_iscsi",
        "cdmi_size",
        "cdmi_ctime",
        "cdmi_mtime",
        "cdmi_atime",
    ] {
        tree.node_mut("").set(name, &yes);
    }
    for name in [
        "cdmi_list_children",
        "cdmi_list_children_range",
        "cdmi_read_metadata",
        "cdmi_modify_metadata",
        "cdmi_create_dataobject",
        "cdmi_create_container",
        "cdmi_delete_container",
        "cdmi_post_dataobject",
        "cdmi_move_container",
        "cdmi_move_dataobject",
        "cdmi_copy_dataobject",
        "cdmi_copy_container",
        "cdmi_export_container_occi",
        "cdmi_serialize_dataobject",
        "cdmi_serialize_container",
        "cdmi_deserialize_dataobject",
        "cdmi_deserialize_container",
        "cdmi_create_value_range",
        "cdmi_size",
        "cdmi_ctime",
        "cdmi_mtime",
        "cdmi_atime",
    ] {
        tree.node_mut("container/").set(name, &yes);
    }
    for name in [
        "cdmi_read_value",
        "cdmi_read_value_range",
        "cdmi_read_metadata",
        "cdmi_modify_value",
        "cdmi_modify_value_range",
        "cdmi_modify_metadata",
        "cdmi_delete_dataobject",
        "cdmi_size",
        "cdmi_ctime",
        "cdmi_mtime",
        "cdmi_atime",
    ] {
        tree.node_mut("dataobject/").set(name, &yes);
    }
    // Remote sources only when `--cdmi-fetch-from` allows some.
    if FetchPolicy::new(&config.cdmi_fetch_from).is_ok_and(|p| p.is_open()) {
        for name in [
            "cdmi_object_copy_from_remote",
            "cdmi_object_move_from_remote",
        ] {
            tree.node_mut("").set(name, &yes);
        }
    }
    // tern-specific: the disk formats wanted, preferred first (`tern migrate` converts to
    // the first); absent when any format is accepted.
    if !config.disk_formats.is_empty() {
        tree.node_mut("").set(
            "tern_disk_formats",
            &CapabilityValue::Text(config.disk_formats.join(",")),
        );
    }
    let hashes = CapabilityValue::List(vec!["SHA256".into()]);
    tree.node_mut("container/").set("cdmi_value_hash", &hashes);
    tree.node_mut("dataobject/").set("cdmi_value_hash", &hashes);
    // CDMI 1.1.1 names no capability for the largest value a server takes: tern's own.
    tree.node_mut("dataobject/").set(
        "tern_max_object_size",
        &CapabilityValue::Text(config.cdmi_object_limit.to_string()),
    );
    tree
}

// The media types OCCI reads: a PUT with one of them is OCCI's.
fn is_occi_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "text/occi" | "text/plain" | "application/occi+json" | "application/json" | "text/uri-list"
    ) || names_cdmi_type(content_type)
}

/// A refusal: JSON `{"error": …, "rule": …}`.
pub(crate) fn error(status: u16, rule: &str, message: impl Into<String>) -> Response {
    let body = json!({ "error": message.into(), "rule": rule });
    json_response(status, "application/json", &body)
}

/// A refusal carrying tern-cdmi's findings (rule ids, JSON pointers, lines and columns).
pub(crate) fn findings(status: u16, message: &str, found: &[Finding]) -> Response {
    let body = json!({
        "error": message,
        "rule": found.iter().find(|f| f.is_error()).map(|f| f.rule.to_string()),
        "findings": found.iter().map(|f| serde_json::to_value(f).unwrap_or(Value::Null)).collect::<Vec<_>>(),
    });
    json_response(status, "application/json", &body)
}

pub(crate) fn json_response(status: u16, content_type: &str, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = serde_json::to_string_pretty(body).unwrap_or_default();
    let mut response = (status, Body::from(text)).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

pub(crate) fn empty(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Body::empty()).into_response()
}
