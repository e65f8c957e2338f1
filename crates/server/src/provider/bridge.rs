//! The OCCI ⇄ CDMI bridge, inside the OCCI request's transaction: an OCCI `storage` is backed
//! by a CDMI data object under `/volumes/` (sparse: sized by `occi.storage.size`, no blob until
//! a value is written, zeros read back); a `storagelink` to it carries the data object's ID in
//! `occi.storagelink.deviceid`; the data object's metadata names the storage
//! (`tern_occi_storage`) and every compute linked to it (`tern_occi_computes`), kept current
//! as links come and go. A compute created with an image's `os_tpl` mixin gets a storage
//! holding a copy of the image (`images.rs`).
//!
//! A storage whose `tern.cdmi.uri` (a URL on this server, or `/cdmi_objectid/<ID>`) or else
//! `tern.cdmi.objectid` names a data object already stored here — an OVA's disk, a file an
//! OVF descriptor's href names that was uploaded before — is backed by *that* object: no
//! sparse volume is made, the reverse links live on it, and deleting the storage leaves the
//! object (without the reverse links) where it was. One rule for every way a storage is
//! created ([`backing`]).

use serde_json::Value as Json;
use tern_cdmi::objectid::ObjectId;
use tern_model::{CategoryId, Entity, Link};
use tern_store::{CdmiRecord, Transaction};
use tern_units::Ratio;

use super::stored::Stored;
use super::{Ctx, Fail, Outcome};
use crate::cdmi::Stored as CdmiStored;
use crate::cdmi::occi_export;
use crate::render::Reply;

/// The CDMI container that holds the storage volumes.
pub(crate) const VOLUMES: &str = "/volumes/";
/// The metadata item naming the OCCI storage a data object backs.
pub(crate) const STORAGE_ITEM: &str = "tern_occi_storage";
/// The metadata item naming the image a data object is a copy of.
pub(crate) const IMAGE_ITEM: &str = "tern_image";
/// The metadata item listing the computes linked to that storage.
pub(crate) const COMPUTES_ITEM: &str = "tern_occi_computes";
const DEVICE_ID: &str = "occi.storagelink.deviceid";
const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn is(ctx: &Ctx, kind: &CategoryId, term: &str) -> bool {
    ctx.catalogue.is_a(kind, &CategoryId::new(INFRA, term))
}

/// Whether `kind` is OCCI's storage or a kind related to it.
pub(crate) fn is_storage(ctx: &Ctx, kind: &CategoryId) -> bool {
    is(ctx, kind, "storage")
}

// `/storage/abc` → `/volumes/abc`.
fn volume_path(storage: &str) -> String {
    let last = storage
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    format!("{VOLUMES}{last}")
}

// `occi.storage.size` (GiB, decimal) in bytes, exactly, rounded up.
fn size_bytes(entity: &Entity) -> Outcome<u64> {
    let Some(value) = entity.attributes.get("occi.storage.size") else {
        return Ok(0);
    };
    let text = match value {
        tern_model::Value::Number(n) => n.as_str().to_owned(),
        other => other.to_string(),
    };
    let gib = Ratio::parse_decimal(&text)
        .and_then(|r| r.checked_mul(Ratio::power(2, 30)?))
        .ok_or_else(|| bad(format!("occi.storage.size {text} is no size in GiB")))?;
    let bytes = gib.numer().div_ceil(gib.denom());
    u64::try_from(bytes).map_err(|_| bad(format!("occi.storage.size {text} is too large")))
}

// The data object a storage's attributes name on this server, if there is one: by
// `tern.cdmi.uri` (this server's base URL or a bare path, then a CDMI path or
// `/cdmi_objectid/<ID>`), else by `tern.cdmi.objectid`. Containers do not count.
fn named_object(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    entity: &Entity,
) -> Outcome<Option<CdmiRecord>> {
    let text = |name: &str| match entity.attributes.get(name) {
        Some(tern_model::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let mut found = None;
    if let Some(uri) = text("tern.cdmi.uri") {
        let uri = uri.split(['?', '#']).next().unwrap_or_default();
        let path = match uri.strip_prefix(ctx.base.trim_end_matches('/')) {
            Some(rest) if rest.starts_with('/') => Some(rest),
            _ => uri.starts_with('/').then_some(uri),
        };
        if let Some(path) = path {
            if let Some(id) = path.strip_prefix("/cdmi_objectid/") {
                found = tx.cdmi_by_id(id.trim_end_matches('/'))?;
            } else if let Ok(path) = crate::cdmi::CdmiPath::parse(path)
                && !path.container
            {
                found = tx.cdmi_get(&path.key())?;
            }
        }
    }
    if found.is_none()
        && let Some(id) = text("tern.cdmi.objectid")
    {
        found = tx.cdmi_by_id(&id)?;
    }
    Ok(
        found
            .filter(|row| row.object_type == "application/cdmi-object" && !row.path.ends_with('/')),
    )
}

// Whether a data object's reverse link names `storage`.
fn backs(row: &CdmiRecord, storage: &str) -> bool {
    CdmiStored::from_json(&row.body).metadata.get(STORAGE_ITEM)
        == Some(&Json::String(storage.to_owned()))
}

/// The data object backing the storage at `storage`: its sparse volume, or the data object
/// its attributes name (see the module's documentation); `None` for a storage without one
/// (an exported container's, or one made before the bridge).
pub(crate) fn backing(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    storage: &str,
) -> Outcome<Option<CdmiRecord>> {
    if let Some(row) = tx.cdmi_get(&volume_path(storage))?
        && backs(&row, storage)
    {
        return Ok(Some(row));
    }
    let Some(record) = tx.get(storage)? else {
        return Ok(None);
    };
    let Stored::Resource(r) = Stored::from_record(ctx, &record)? else {
        return Ok(None);
    };
    Ok(named_object(ctx, tx, &r.entity)?.filter(|row| backs(row, storage)))
}

fn bad(message: String) -> Fail {
    Fail::Reply(Reply::error(400, message))
}

fn now() -> String {
    crate::cdmi::now()
}

// The CDMI `/volumes/` container, created on first use.
fn volumes(ctx: &Ctx, tx: &mut dyn Transaction) -> Outcome<()> {
    if tx.cdmi_get(VOLUMES)?.is_some() {
        return Ok(());
    }
    let mut s = CdmiStored::default();
    s.created(&now());
    tx.cdmi_put(&CdmiRecord {
        path: VOLUMES.into(),
        object_id: new_id(ctx)?,
        parent: Some("/".into()),
        object_type: "application/cdmi-container".into(),
        body: s.to_json(),
    })?;
    Ok(())
}

fn new_id(ctx: &Ctx) -> Outcome<String> {
    ObjectId::generate(ctx.cdmi_enterprise)
        .map(|id| id.to_string())
        .map_err(|e| Fail::Reply(Reply::error(500, e.to_string())))
}

/// After an entity is stored: a storage gets its data object, a storage link adds its
/// compute to the data object's metadata.
pub(crate) fn created(ctx: &Ctx, tx: &mut dyn Transaction, stored: &Stored) -> Outcome<()> {
    match stored {
        Stored::Resource(r) if is(ctx, &r.entity.kind, "storage") => {
            let location = stored.location();
            if let Some(mut row) = named_object(ctx, tx, &r.entity)? {
                let mut s = CdmiStored::from_json(&row.body);
                match s.metadata.get(STORAGE_ITEM) {
                    Some(Json::String(other)) if *other != location => {
                        return Err(Fail::Reply(Reply::error(
                            409,
                            format!(
                                "the data object {} backs the storage {other} already: {location} cannot share it",
                                row.path
                            ),
                        )));
                    }
                    _ => {}
                }
                s.metadata
                    .insert(STORAGE_ITEM.into(), location.clone().into());
                s.metadata
                    .insert(COMPUTES_ITEM.into(), Json::Array(Vec::new()));
                s.modified(&now());
                row.body = s.to_json();
                tx.cdmi_put(&row)?;
                return Ok(());
            }
            volumes(ctx, tx)?;
            let mut s = CdmiStored::default();
            let t = now();
            s.created(&t);
            s.mimetype = Some("application/octet-stream".into());
            s.encoding = Some("base64".into());
            s.sized(size_bytes(&r.entity)?);
            s.metadata
                .insert(STORAGE_ITEM.into(), location.clone().into());
            s.metadata
                .insert(COMPUTES_ITEM.into(), Json::Array(Vec::new()));
            tx.cdmi_put(&CdmiRecord {
                path: volume_path(&location),
                object_id: new_id(ctx)?,
                parent: Some(VOLUMES.into()),
                object_type: "application/cdmi-object".into(),
                body: s.to_json(),
            })?;
        }
        Stored::Link(l) if is(ctx, &l.entity.kind, "storagelink") => {
            update_computes(ctx, tx, l, true)?;
            update_export(ctx, tx, l, true)?;
        }
        Stored::Resource(r) if is(ctx, &r.entity.kind, "compute") => {
            super::images::link_copies(ctx, tx, r)?;
        }
        _ => {}
    }
    Ok(())
}

/// The data object backing `storage` takes a copy of an image's value (a blob already
/// written, `None` for a sparse image), its size and mimetype; its metadata names the image
/// (`tern_image`).
pub(crate) fn fill_volume(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    storage: &str,
    blob: Option<String>,
    size: u64,
    mimetype: Option<String>,
    image: &str,
) -> Outcome<()> {
    let Some(mut row) = backing(ctx, tx, storage)? else {
        return Err(Fail::Reply(Reply::error(
            500,
            format!("the storage {storage} has no data object"),
        )));
    };
    let mut s = CdmiStored::from_json(&row.body);
    s.set_blob(blob);
    s.sized(size);
    if mimetype.is_some() {
        s.mimetype = mimetype;
    }
    s.metadata.insert(IMAGE_ITEM.into(), image.into());
    row.body = s.to_json();
    tx.cdmi_put(&row)?;
    Ok(())
}

/// Before a storage link is stored: a device ID the request leaves out is the backing data
/// object's ID. One the client gives is kept, as for every provider-assigned attribute:
/// otherwise a client applying a target that names its own device ID (ovf2occi writes the OVF
/// disk's) would see it changed back on every run and never converge.
pub(crate) fn before_link(ctx: &Ctx, tx: &mut dyn Transaction, link: &mut Link) -> Outcome<()> {
    if !is(ctx, &link.entity.kind, "storagelink") || link.entity.attributes.get(DEVICE_ID).is_some()
    {
        return Ok(());
    }
    if let Some(row) = backing(ctx, tx, &link.target.location)? {
        link.entity
            .attributes
            .insert(DEVICE_ID, row.object_id.as_str());
    } else if let Some(container) = exported(tx, &link.target.location)? {
        // A storage of type CDMI: attached by the container's object ID (13.1).
        link.entity
            .attributes
            .insert(DEVICE_ID, container.object_id.as_str());
    }
    Ok(())
}

/// After an update: a storage's new size is its data object's.
pub(crate) fn updated(ctx: &Ctx, tx: &mut dyn Transaction, stored: &Stored) -> Outcome<()> {
    if let Stored::Resource(r) = stored
        && is(ctx, &r.entity.kind, "storage")
        && let Some(mut row) = backing(ctx, tx, &stored.location())?
    {
        let mut s = CdmiStored::from_json(&row.body);
        let size = size_bytes(&r.entity)?;
        if s.is_sparse() && s.size != size {
            s.sized(size);
            s.modified(&now());
            row.body = s.to_json();
            tx.cdmi_put(&row)?;
        }
    }
    Ok(())
}

/// Before an entity is deleted: a storage's data object goes with it, a storage link's
/// compute leaves the data object's metadata.
pub(crate) fn deleted(ctx: &Ctx, tx: &mut dyn Transaction, stored: &Stored) -> Outcome<()> {
    match stored {
        Stored::Resource(r) if is(ctx, &r.entity.kind, "storage") => {
            let location = stored.location();
            unexport(tx, &location)?;
            let path = volume_path(&location);
            if let Some(row) = tx.cdmi_get(&path)?
                && backs(&row, &location)
            {
                ctx.orphans
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(CdmiStored::from_json(&row.body).blob_keys());
                tx.cdmi_delete(&path)?;
            } else if let Some(mut row) = named_object(ctx, tx, &r.entity)?
                && backs(&row, &location)
            {
                // Not the bridge's to delete: it stays, without the reverse links.
                let mut s = CdmiStored::from_json(&row.body);
                s.metadata.remove(STORAGE_ITEM);
                s.metadata.remove(COMPUTES_ITEM);
                s.modified(&now());
                row.body = s.to_json();
                tx.cdmi_put(&row)?;
            }
        }
        Stored::Link(l) if is(ctx, &l.entity.kind, "storagelink") => {
            update_computes(ctx, tx, l, false)?;
            update_export(ctx, tx, l, false)?;
        }
        _ => {}
    }
    Ok(())
}

// The container a storage stands for when it is an exported container's (`cdmi/occi_export`).
fn exported(tx: &mut dyn Transaction, storage: &str) -> Outcome<Option<CdmiRecord>> {
    let Some(id) = occi_export::container_id(storage) else {
        return Ok(None);
    };
    Ok(tx
        .cdmi_by_id(id)?
        .filter(|row| occi_export::is_exported(CdmiStored::from_json(&row.body).exports.as_ref())))
}

// A link to an exported container's storage adds its compute to the exports' permissions (or
// removes it).
fn update_export(ctx: &Ctx, tx: &mut dyn Transaction, link: &Link, add: bool) -> Outcome<()> {
    let Some(mut row) = exported(tx, &link.target.location)? else {
        return Ok(());
    };
    let mut s = CdmiStored::from_json(&row.body);
    let compute = format!("{}{}", ctx.base, link.source.location);
    if let Some(exports) = s.exports.as_mut() {
        occi_export::permit(exports, &compute, add);
    }
    s.modified(&now());
    row.body = s.to_json();
    tx.cdmi_put(&row)?;
    Ok(())
}

// An exported container's storage deleted through OCCI: the container is no longer exported
// to OCCI (its OCCI entries go; the others stay).
fn unexport(tx: &mut dyn Transaction, storage: &str) -> Outcome<()> {
    let Some(mut row) = exported(tx, storage)? else {
        return Ok(());
    };
    let mut s = CdmiStored::from_json(&row.body);
    if let Some(exports) = s.exports.as_mut() {
        exports.retain(|key, _| !key.starts_with("OCCI/"));
    }
    s.modified(&now());
    row.body = s.to_json();
    tx.cdmi_put(&row)?;
    Ok(())
}

// Adds or removes the link's source in the target's data object metadata.
fn update_computes(ctx: &Ctx, tx: &mut dyn Transaction, link: &Link, add: bool) -> Outcome<()> {
    let Some(mut row) = backing(ctx, tx, &link.target.location)? else {
        return Ok(());
    };
    let mut s = CdmiStored::from_json(&row.body);
    let mut computes: Vec<String> = s
        .metadata
        .get(COMPUTES_ITEM)
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let compute = link.source.location.clone();
    if add {
        if !computes.contains(&compute) {
            computes.push(compute);
        }
    } else {
        computes.retain(|c| *c != compute);
    }
    s.metadata.insert(
        COMPUTES_ITEM.into(),
        Json::Array(computes.into_iter().map(Json::String).collect()),
    );
    s.modified(&now());
    row.body = s.to_json();
    tx.cdmi_put(&row)?;
    Ok(())
}
