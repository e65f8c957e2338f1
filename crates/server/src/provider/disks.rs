//! The data objects an OVA import stores: each disk of the archive, streamed into a blob as
//! it was read, becomes a data object of the deployment's CDMI container
//! (`/volumes/<name>/<href>`) in the import's transaction. Its object ID is the one the
//! conversion gave the storage that names the file (`tern.cdmi.objectid`, also the storage
//! links' device ID) while that ID is free, so the OCCI side and the CDMI side agree.

use tern_cdmi::objectid::ObjectId;
use tern_model::Value;
use tern_store::{CdmiRecord, Transaction};

use super::deploy::Deployment;
use super::entity::{bad, conflict};
use super::{Ctx, Fail, Outcome};
use crate::cdmi::{Stored as CdmiStored, now};
use crate::render::Reply;

const CONTAINER: &str = "application/cdmi-container";

/// One disk written as a blob, waiting for its row.
#[derive(Debug, Clone)]
pub(crate) struct Disk {
    /// The File href (the archive member's name).
    pub href: String,
    /// The blob holding its bytes.
    pub blob: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Whether an href can name a data object directly in the deployment's container: one
/// path segment, no `.`/`..`, nothing CDMI would decode.
pub(crate) fn flat_href(href: &str) -> bool {
    !href.is_empty()
        && href != "."
        && href != ".."
        && href
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Writes the disks' rows (and the containers above them) in this transaction.
pub(crate) fn store(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    deployment: &Deployment,
    conversion: &tern_mapping::ovf2occi::Conversion,
    disks: &[Disk],
) -> Outcome<()> {
    if disks.is_empty() {
        return Ok(());
    }
    let volumes = super::bridge::VOLUMES;
    container(ctx, tx, volumes, "/")?;
    let mine = deployment.volumes();
    container(ctx, tx, &mine, volumes)?;
    for disk in disks {
        if !flat_href(&disk.href) {
            return Err(bad(format!(
                "the File href {} names no data object of {mine}",
                disk.href
            )));
        }
        let path = format!("{mine}{}", disk.href);
        if tx.cdmi_get(&path)?.is_some() {
            return Err(conflict(format!(
                "{path} exists already (kept from an earlier deployment {}, deleted without ?purge=true): delete it through CDMI or import under another name",
                deployment.name()
            )));
        }
        let wanted = conversion
            .collection
            .resources()
            .iter()
            .find(|r| {
                r.entity.attributes.get("tern.ovf.disk.file")
                    == Some(&Value::String(disk.href.clone()))
            })
            .and_then(|r| match r.entity.attributes.get("tern.cdmi.objectid") {
                Some(Value::String(id)) => Some(id.clone()),
                _ => None,
            });
        let object_id = match wanted {
            Some(id) if tx.cdmi_by_id(&id)?.is_none() => id,
            _ => new_id(ctx)?,
        };
        let mut s = CdmiStored::default();
        s.created(&now());
        s.mimetype = Some(mimetype(&disk.href).into());
        s.encoding = Some("base64".into());
        s.blob = Some(disk.blob.clone());
        s.sized(disk.size);
        tx.cdmi_put(&CdmiRecord {
            path,
            object_id,
            parent: Some(mine.clone()),
            object_type: "application/cdmi-object".into(),
            body: s.to_json(),
        })?;
    }
    Ok(())
}

// A container, created when absent.
fn container(ctx: &Ctx, tx: &mut dyn Transaction, path: &str, parent: &str) -> Outcome<()> {
    if tx.cdmi_get(path)?.is_some() {
        return Ok(());
    }
    let mut s = CdmiStored::default();
    s.created(&now());
    tx.cdmi_put(&CdmiRecord {
        path: path.into(),
        object_id: new_id(ctx)?,
        parent: Some(parent.into()),
        object_type: CONTAINER.into(),
        body: s.to_json(),
    })?;
    Ok(())
}

fn new_id(ctx: &Ctx) -> Outcome<String> {
    ObjectId::generate(ctx.cdmi_enterprise)
        .map(|id| id.to_string())
        .map_err(|e| Fail::Reply(Reply::error(500, e.to_string())))
}

// A disk's media type by its extension (octet-stream otherwise).
fn mimetype(href: &str) -> &'static str {
    let extension = href
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "vmdk" => "application/x-vmdk",
        "qcow2" => "application/x-qemu-disk",
        "iso" => "application/x-iso9660-image",
        "vhd" | "vhdx" => "application/x-vhd",
        "vdi" => "application/x-virtualbox-vdi",
        "img" | "raw" => "application/x-raw-disk-image",
        _ => "application/octet-stream",
    }
}
