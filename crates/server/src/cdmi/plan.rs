//! A tree of objects to create at one destination — what `copy` (from this server or another),
//! `move` from another server and `deserialize` produce — created all or nothing: every value
//! is streamed into a new blob first (bounded memory, digests checked), then every row is
//! committed in one transaction (the destination still free, its parent present); a failure
//! deletes the new blobs and leaves nothing behind.

use std::ops::Range;

use axum::response::Response;
use serde_json::{Map, Value};
use tern_cdmi::metadata::{Metadata, apply_update};
use tern_cdmi::objectid::ObjectId;
use tern_store::{BlobError, ByteStream, CdmiRecord, Decision, StoreError, Transaction, transact};

use super::ops::{CONTAINER, DATA_OBJECT, blob_failed, no_parent, store_failed};
use super::read::value_stream;
use super::{Cdmi, CdmiPath, Stored, digest, error, remote, serialize, stored};

/// One object of the tree.
pub(super) struct Planned {
    /// Where it goes, relative to the destination: `""` the destination itself, `a`, `sub/`,
    /// `sub/b`; parents come before their children.
    pub(super) suffix: String,
    pub(super) container: bool,
    /// An object ID to keep when no object here has it (move, deserialize); else a new one.
    pub(super) object_id: Option<String>,
    pub(super) mimetype: Option<String>,
    /// `utf-8` or `base64`.
    pub(super) encoding: Option<String>,
    /// The source's metadata: what a client may write of it is carried over; the storage
    /// system's items (size, times, hash) are this server's own.
    pub(super) metadata: Map<String, Value>,
    pub(super) exports: Option<Map<String, Value>>,
    pub(super) content: Content,
}

/// Where a planned data object's value comes from.
pub(super) enum Content {
    /// A container, or a data object with an empty value.
    Empty,
    /// Zeros (a sparse object with no blob yet).
    Sparse(u64),
    /// Bytes of a blob of this server.
    Blob { key: String, span: Range<u64> },
    /// A value of this server made of extents (after partial writes).
    Extents(Vec<super::extents::Extent>),
    /// A data object of another CDMI server, read as plain HTTP; its SHA-256 when the source
    /// gives one (checked).
    Remote {
        url: String,
        expected: Option<String>,
    },
    /// A JSON string (its escaped text between the quotes) inside a serialized blob: UTF-8
    /// text, or Base64.
    Serialized {
        key: String,
        span: Range<u64>,
        base64: bool,
    },
    /// A value made as it is read (a serialization).
    Stream(ByteStream),
}

/// The metadata a copy keeps: what a client may write (user and data-system items).
pub(super) fn carried(metadata: &Map<String, Value>) -> Map<String, Value> {
    apply_update(&Metadata::default(), &Metadata(metadata.clone()), None).0
}

/// The value of a planned object as a stream (`None`: no blob, the size given), and the
/// digest it must have.
pub(super) async fn open(
    cdmi: &Cdmi,
    content: Content,
) -> Result<(Option<ByteStream>, u64, Option<String>), Response> {
    Ok(match content {
        Content::Empty => (None, 0, None),
        Content::Sparse(size) => (None, size, None),
        Content::Blob { key, span } => {
            let stored = Stored {
                size: span.end,
                blob: Some(key),
                ..Stored::default()
            };
            (Some(value_stream(cdmi, &stored, span).await?), 0, None)
        }
        Content::Extents(pieces) => {
            let size = super::extents::size(&pieces);
            let stream = super::extents::open(&cdmi.blobs, &pieces, 0..size)
                .await
                .map_err(|e| blob_failed(&e))?;
            (Some(stream), 0, None)
        }
        Content::Remote { url, expected } => (Some(remote::value(cdmi, &url).await?), 0, expected),
        Content::Serialized { key, span, base64 } => (
            Some(serialize::decoded(cdmi, &key, span, base64).await?),
            0,
            None,
        ),
        Content::Stream(stream) => (Some(stream), 0, None),
    })
}

/// Streams `stream` into a new blob (hashing it when `hash` or `expected`); returns its key,
/// size and SHA-256. A digest other than `expected` deletes the blob: 502. A stream that
/// fails is the client's upload cut off (400), or when `from_source`, the source's (502).
pub(super) async fn store_value(
    cdmi: &Cdmi,
    stream: ByteStream,
    hash: bool,
    expected: Option<&str>,
    from_source: bool,
) -> Result<(String, u64, Option<String>), Response> {
    let key = blob_key(cdmi)?;
    let (stream, slot) = if hash || expected.is_some() {
        let (s, slot) = digest::hashed(stream);
        (s, Some(slot))
    } else {
        (stream, None)
    };
    let size = cdmi
        .blobs
        .put(&key, stream, cdmi.object_limit)
        .await
        .map_err(|e| match e {
            BlobError::Upload(m) if from_source => error(
                502,
                "CDMI-REMOTE",
                format!("reading the source failed: {m}"),
            ),
            e => blob_failed(&e),
        })?;
    let digest = slot.and_then(|s| s.take());
    if let Some(expected) = expected
        && digest.as_deref() != Some(expected)
    {
        let _ = cdmi.blobs.delete(&key).await;
        return Err(error(
            502,
            "CDMI-DIGEST",
            format!(
                "the value read has SHA-256 {}; the source gives {expected}",
                digest.unwrap_or_default()
            ),
        ));
    }
    Ok((key, size, digest))
}

/// A fresh blob key.
pub(super) fn blob_key(cdmi: &Cdmi) -> Result<String, Response> {
    let id = new_id(cdmi)?;
    let mut generation = [0u8; 8];
    getrandom::fill(&mut generation).map_err(|e| error(500, "CDMI-RANDOM", e.to_string()))?;
    Ok(format!("{id}.{:016x}", u64::from_be_bytes(generation)))
}

fn new_id(cdmi: &Cdmi) -> Result<String, Response> {
    ObjectId::generate(cdmi.enterprise)
        .map(|id| id.to_string())
        .map_err(|e| error(500, e.rule_id(), e.to_string()))
}

// A planned object with its values written: (suffix, container, ID to keep, fresh ID, body).
type Written = (String, bool, Option<String>, String, Stored);

// Streams every planned value into a new blob; on a failure, the blobs written so far go.
async fn write_values(
    cdmi: &Cdmi,
    plan: Vec<Planned>,
) -> Result<(Vec<Written>, Vec<String>), Response> {
    let mut rows = Vec::with_capacity(plan.len());
    let mut blobs = Vec::new();
    let now = stored::now();
    for p in plan {
        match write_value(cdmi, p, &now, &mut blobs).await {
            Ok(row) => rows.push(row),
            Err(e) => {
                cdmi.delete_blobs(blobs).await;
                return Err(e);
            }
        }
    }
    Ok((rows, blobs))
}

async fn write_value(
    cdmi: &Cdmi,
    p: Planned,
    now: &str,
    blobs: &mut Vec<String>,
) -> Result<Written, Response> {
    let (stream, size, expected) = open(cdmi, p.content).await?;
    let mut s = Stored {
        mimetype: p.mimetype,
        metadata: carried(&p.metadata),
        encoding: p.encoding,
        exports: p.exports,
        ..Stored::default()
    };
    s.created(now);
    if !p.container {
        let (blob, size) = match stream {
            None => (None, size),
            Some(stream) => {
                let hash = digest::wanted(&s.metadata);
                let (key, size, digest) =
                    store_value(cdmi, stream, hash, expected.as_deref(), true).await?;
                if hash && let Some(d) = digest {
                    s.metadata.insert("cdmi_hash".into(), d.into());
                }
                blobs.push(key.clone());
                (Some(key), size)
            }
        };
        s.blob = blob;
        s.sized(size);
        s.mimetype.get_or_insert_with(|| "text/plain".into());
    }
    Ok((p.suffix, p.container, p.object_id, new_id(cdmi)?, s))
}

/// The new root row and its parent's.
pub(super) type Created = (CdmiRecord, Option<CdmiRecord>);

/// Creates the tree `plan` at `dest` (which must not exist): 201's material, 409 when the
/// destination appeared meanwhile, 404 without its parent.
pub(super) async fn create(
    cdmi: &Cdmi,
    dest: &CdmiPath,
    plan: Vec<Planned>,
) -> Result<Created, Response> {
    commit(cdmi, dest, plan, false).await
}

/// Lays the tree `plan` over the existing container `dest` (15.3: "an update operation with
/// serialized children shall update the container object and all children"): objects at the
/// same paths are updated in place (their object IDs, creation times and exports kept, their
/// values replaced), the others created, and nothing removed. 409 when a container meets a
/// data object at the same path.
pub(super) async fn update(
    cdmi: &Cdmi,
    dest: &CdmiPath,
    plan: Vec<Planned>,
) -> Result<Created, Response> {
    commit(cdmi, dest, plan, true).await
}

// Why a commit was refused.
enum Refused {
    Exists,
    Gone,
    NoParent,
    TypeClash(String),
    Empty,
}

async fn commit(
    cdmi: &Cdmi,
    dest: &CdmiPath,
    plan: Vec<Planned>,
    merge: bool,
) -> Result<Created, Response> {
    let (rows, blobs) = write_values(cdmi, plan).await?;
    let root = dest.key();
    let parent = dest.parent_key();
    let written = super::precondition::written();
    let committed = transact(cdmi.store.as_ref(), move |tx| {
        let present = tx.cdmi_get(&root)?.is_some();
        if present != merge {
            let why = if merge {
                Refused::Gone
            } else {
                Refused::Exists
            };
            return Ok((Err(why), Decision::Rollback));
        }
        let parent_row = match &parent {
            Some(p) => match tx.cdmi_get(p)? {
                Some(row) => Some(row),
                None => return Ok((Err(Refused::NoParent), Decision::Rollback)),
            },
            None => None,
        };
        let mut first = None;
        let mut replaced = Vec::new();
        for item in rows {
            let row = match lay(tx, &root, parent.as_ref(), merge, item, &mut replaced)? {
                Ok(row) => row,
                Err(why) => return Ok((Err(why), Decision::Rollback)),
            };
            tx.cdmi_put(&row)?;
            first.get_or_insert(row);
        }
        if let Some(row) = &first {
            written.set(row);
        }
        let outcome = first
            .ok_or(Refused::Empty)
            .map(|r| ((r, parent_row), replaced));
        Ok((outcome, Decision::Commit))
    })
    .await;
    match committed {
        Ok(Ok((created, replaced))) => {
            cdmi.delete_blobs(replaced).await;
            Ok(created)
        }
        Ok(Err(why)) => {
            cdmi.delete_blobs(blobs).await;
            Err(refusal(dest, why))
        }
        Err(e) => {
            cdmi.delete_blobs(blobs).await;
            Err(store_failed(&e))
        }
    }
}

// The row one planned object becomes: new, or (when merging) the existing one updated, its
// old blob noted in `replaced`.
fn lay(
    tx: &mut dyn Transaction,
    root: &str,
    parent: Option<&String>,
    merge: bool,
    (suffix, container, keep, fresh, mut s): Written,
    replaced: &mut Vec<String>,
) -> Result<Result<CdmiRecord, Refused>, StoreError> {
    let path = format!("{root}{suffix}");
    let object_type = if container { CONTAINER } else { DATA_OBJECT };
    // A container `/x/` and a data object `/x` cannot share a name.
    let twin = if container {
        path.trim_end_matches('/').to_owned()
    } else {
        format!("{path}/")
    };
    if merge && tx.cdmi_get(&twin)?.is_some() {
        return Ok(Err(Refused::TypeClash(path)));
    }
    let existing = if merge { tx.cdmi_get(&path)? } else { None };
    Ok(Ok(match existing {
        Some(old) if old.object_type != object_type => return Ok(Err(Refused::TypeClash(path))),
        Some(old) => {
            let was = Stored::from_json(&old.body);
            if let Some(ctime) = was.metadata.get("cdmi_ctime") {
                s.metadata.insert("cdmi_ctime".into(), ctime.clone());
            }
            replaced.extend(was.blob_keys());
            s.exports = was.exports;
            CdmiRecord {
                body: s.to_json(),
                ..old
            }
        }
        None => {
            let id = match keep {
                Some(id) if tx.cdmi_by_id(&id)?.is_none() => id,
                _ => fresh,
            };
            let row_parent = if suffix.is_empty() {
                parent.cloned()
            } else {
                CdmiPath::parse(&path).ok().and_then(|p| p.parent_key())
            };
            CdmiRecord {
                path,
                object_id: id,
                parent: row_parent,
                object_type: object_type.into(),
                body: s.to_json(),
            }
        }
    }))
}

fn refusal(dest: &CdmiPath, why: Refused) -> Response {
    match why {
        Refused::Exists => error(
            409,
            "CDMI-CONFLICT",
            format!("{} exists: this operation creates it", dest.key()),
        ),
        Refused::Gone => error(
            404,
            "CDMI-NOT-FOUND",
            format!("{} was deleted meanwhile", dest.key()),
        ),
        Refused::NoParent => no_parent(dest),
        Refused::TypeClash(path) => error(
            409,
            "CDMI-CONFLICT",
            format!("{path}: a container and a data object cannot share a path"),
        ),
        Refused::Empty => error(500, "CDMI-PLAN", "nothing to create"),
    }
}
