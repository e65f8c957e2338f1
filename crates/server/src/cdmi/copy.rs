//! `copy` and `move`: from a URI on this server, the object or the container tree.

use axum::response::Response;
use serde_json::Value;
use tern_cdmi::body::{CdmiObject, OneOrMany};
use tern_cdmi::metadata::Metadata;
use tern_store::{Decision, transact};

use super::ids::by_id;
use super::ops::{
    CONTAINER, DATA_OBJECT, Reply, Saved, finish_container, load, no_parent, represent,
    store_failed,
};
use super::read::value_stream;
use super::write::{Change, save_object};
use super::{Cdmi, CdmiPath, Stored, error, json_response};

/// What a create or update body takes from elsewhere (`move`, `copy`): the answer, or `None`
/// when the body carries its own value (or none).
pub(super) async fn sourced(
    cdmi: &Cdmi,
    path: &CdmiPath,
    object: &CdmiObject,
    existed: bool,
) -> Option<Reply> {
    if let Some(source) = &object.move_from {
        return Some(move_object(cdmi, path, source, existed).await);
    }
    if let Some(source) = &object.copy {
        return Some(copy_object(cdmi, path, source, object.clone(), existed).await);
    }
    None
}

// `{"copy": "<URI on this server>"}` (8.2): a new data object (its own ID) with the source's
// value, streamed from blob to blob, its mimetype and user metadata unless the body gives
// its own.
pub(super) async fn copy_object(
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
pub(super) async fn move_source(cdmi: &Cdmi, source: &str) -> Result<CdmiPath, Response> {
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
pub(super) async fn move_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    source: &str,
    existed: bool,
) -> Reply {
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
