//! `copy` and `move`: from a URI on this server or another CDMI server's URL, the data object
//! or the container tree.

use axum::response::Response;
use tern_cdmi::body::{CdmiObject, Children, OneOrMany};
use tern_cdmi::metadata::Metadata;
use tern_cdmi::object::Range;
use tern_store::{CdmiRecord, Decision, read, transact};

use super::ids::by_id;
use super::ops::{
    CONTAINER, DATA_OBJECT, Reply, finish_container, no_parent, represent, store_failed,
};
use super::plan::{Content, Planned, carried, create, open, store_value, update};
use super::read::zeros;
use super::write::{Change, commit_object};
use super::{Cdmi, CdmiPath, Stored, digest, error, json_response, remote, serialize};

/// What a create or update body takes from elsewhere (`move`, `copy`, `serialize`,
/// `deserialize`, `deserializevalue`): the answer, or `None` when the body carries its own
/// value (or none).
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
    if let Some(source) = &object.serialize {
        return Some(serialize::serialize(cdmi, path, source, object, existed).await);
    }
    if object.deserialize.is_some() || object.deserialize_value.is_some() {
        return Some(serialize::deserialize(cdmi, path, object, existed).await);
    }
    None
}

// `{"copy": URI}` (8.2, 9.2): a new object (its own ID) with the source's value — streamed
// from blob to blob, or from another server — its mimetype and the metadata a client may
// write, unless the body gives its own; a container is copied with its whole tree (without
// its exports, 13.1). An existing data object has its value replaced.
pub(super) async fn copy_object(
    cdmi: &Cdmi,
    path: &CdmiPath,
    source: &str,
    object: CdmiObject,
    existed: bool,
) -> Reply {
    let plan = if remote::is_remote(source) {
        remote::plan(cdmi, source, false).await?
    } else {
        let source_path = source_path(cdmi, source).await?;
        local_plan(cdmi, &source_path).await?
    };
    if plan.is_empty() {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {source}"),
        ));
    }
    apply_plan(cdmi, path, plan, &object, existed).await
}

/// Creates `plan` at `path` (201), or replaces an existing data object's value with its
/// root's, or lays it over an existing container (204); the body's `mimetype` and `metadata`
/// replace the source's (8.2, Table 21).
pub(super) async fn apply_plan(
    cdmi: &Cdmi,
    path: &CdmiPath,
    mut plan: Vec<Planned>,
    object: &CdmiObject,
    existed: bool,
) -> Reply {
    let Some(root) = plan.first_mut() else {
        return Err(error(500, "CDMI-PLAN", "nothing to create"));
    };
    if root.container != path.container {
        return Err(error(
            400,
            "CDMI-TYPE",
            "the source and the destination differ in type: container to container, data object to data object",
        ));
    }
    if let Some(OneOrMany::One(m)) = &object.mimetype {
        root.mimetype = Some(m.to_ascii_lowercase());
    }
    if let Some(metadata) = &object.metadata {
        root.metadata.clone_from(&metadata.0);
    }
    if existed && path.container {
        update(cdmi, path, plan).await?;
        return Ok(super::empty(204));
    }
    if existed {
        return replace_value(cdmi, path, plan).await;
    }
    let (row, parent) = create(cdmi, path, plan).await?;
    cdmi.remember_top(path, true);
    Ok(created(cdmi, &row, parent.as_ref()).await)
}

// A copy onto an existing data object: its value (and mimetype, metadata) replaced.
async fn replace_value(cdmi: &Cdmi, path: &CdmiPath, plan: Vec<Planned>) -> Reply {
    let Some(root) = plan.into_iter().next().filter(|p| !p.container) else {
        return Err(error(
            500,
            "CDMI-PLAN",
            "a data object's plan holds a container",
        ));
    };
    let (stream, size, expected) = open(cdmi, root.content).await?;
    let stream = stream.unwrap_or_else(|| zeros(size));
    let change = Change {
        mimetype: root.mimetype,
        encoding: root.encoding.or_else(|| Some("base64".into())),
        metadata: Some(Metadata(carried(&root.metadata))),
        selected: None,
        base: None,
    };
    let hash = digest::wanted(&root.metadata);
    // Written and checked before the switch: a digest mismatch leaves the old value.
    let written = store_value(cdmi, stream, hash, expected.as_deref(), true).await?;
    let outcome = commit_object(cdmi, path, Some(written), change, true, None).await?;
    finish_container(cdmi, path, outcome, true)
}

// The 201 body of a created object (a container with its children's names).
pub(super) async fn created(
    cdmi: &Cdmi,
    row: &CdmiRecord,
    parent: Option<&CdmiRecord>,
) -> Response {
    let stored = Stored::from_json(&row.body);
    let mut object = represent(row, parent, &stored);
    if row.object_type == CONTAINER {
        object.exports = stored.exports.map(tern_cdmi::exports::Exports);
        let key = row.path.clone();
        let names = read(cdmi.store.as_ref(), move |tx| {
            tx.cdmi_children(&key, 0, u64::MAX >> 1)
        })
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|c| CdmiPath::parse(&c.path).ok().and_then(|p| p.name()))
        .collect::<Vec<_>>();
        object.children_range = Some(if names.is_empty() {
            Range::Empty
        } else {
            Range::Span {
                first: 0,
                last: names.len() as u64 - 1,
            }
        });
        object.children = Some(Children::Names(names));
        json_response(201, CONTAINER, &object.to_json())
    } else {
        object.mimetype = stored.mimetype.map(OneOrMany::One);
        json_response(201, DATA_OBJECT, &object.to_json())
    }
}

// The tree under a path of this server, as a plan (its blobs copied later).
pub(super) async fn local_plan(cdmi: &Cdmi, source: &CdmiPath) -> Result<Vec<Planned>, Response> {
    let from = source.key();
    let rows = read(cdmi.store.as_ref(), move |tx| {
        let mut out = Vec::new();
        let Some(root) = tx.cdmi_get(&from)? else {
            return Ok(out);
        };
        // Depth first, parents before children.
        let mut pending = vec![root];
        while let Some(row) = pending.pop() {
            if row.object_type == CONTAINER {
                let mut children = tx.cdmi_children(&row.path, 0, u64::MAX >> 1)?;
                children.reverse();
                pending.extend(children);
            }
            out.push(row);
        }
        Ok(out)
    })
    .await
    .map_err(|e| store_failed(&e))?;
    let base = source.key();
    Ok(rows
        .into_iter()
        .map(|row| {
            let s = Stored::from_json(&row.body);
            let container = row.object_type == CONTAINER;
            let content = match (&s.blob, container) {
                (_, true) => Content::Empty,
                (None, false) if !s.extents.is_empty() => Content::Extents(s.pieces()),
                (Some(key), false) => Content::Blob {
                    key: key.clone(),
                    span: 0..s.size,
                },
                (None, false) => Content::Sparse(s.size),
            };
            Planned {
                suffix: row.path.get(base.len()..).unwrap_or_default().to_owned(),
                container,
                object_id: None,
                mimetype: s.mimetype,
                encoding: s.encoding,
                metadata: s.metadata,
                exports: None,
                content,
            }
        })
        .collect())
}

// The path a `copy` or `move` names: `/…` or `/cdmi_objectid/<ID>…` on this server.
pub(super) async fn source_path(cdmi: &Cdmi, source: &str) -> Result<CdmiPath, Response> {
    match source.strip_prefix("/cdmi_objectid") {
        Some(rest) => by_id(cdmi, rest).await,
        None if source.starts_with('/') => {
            CdmiPath::parse(source.split('?').next().unwrap_or_default())
                .map_err(|m| error(400, "CDMI-NAME", m))
        }
        None => Err(error(
            400,
            "CDMI-UNSUPPORTED",
            format!("{source:?} is neither a path on this server (`/…`) nor an http(s) URL"),
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
    if remote::is_remote(source) {
        return move_remote(cdmi, path, source, existed).await;
    }
    let source_path = source_path(cdmi, source).await?;
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
    let written = super::precondition::written();
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
                written.set(&new);
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

// A move from another server: the tree copied here (keeping its object IDs where free), then
// the source deleted once the copy is committed.
async fn move_remote(cdmi: &Cdmi, path: &CdmiPath, source: &str, existed: bool) -> Reply {
    if existed {
        return Err(error(
            400,
            "CDMI-MOVE",
            format!("{} exists: a move creates its destination", path.key()),
        ));
    }
    let plan = remote::plan(cdmi, source, true).await?;
    if plan
        .first()
        .is_some_and(|root| root.container != path.container)
    {
        return Err(error(
            400,
            "CDMI-MOVE",
            "a move keeps the object's type: container to container, data object to data object",
        ));
    }
    let (row, parent) = create(cdmi, path, plan).await?;
    cdmi.remember_top(path, true);
    if let Err(refused) = remote::delete(cdmi, source).await {
        // The copy stands; the source stays too: say so rather than lose either.
        tracing::warn!("move from {source}: copied, but the source was not deleted");
        return Err(refused);
    }
    Ok(created(cdmi, &row, parent.as_ref()).await)
}
