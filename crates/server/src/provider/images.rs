//! Images: a data object uploaded through CDMI under the images container (`/images/`) in a
//! disk format becomes an `os_tpl` mixin of the query interface: titled by the object's name,
//! its collection at `/image_tpl/<name>/`, the object's CDMI ID and path as the defaults of
//! `tern.image.objectid` and `tern.image.location`.
//!
//! A compute created with such a mixin gets its own copy of the image, in the transaction
//! that creates it: a data object under `/volumes/` holding a copy of the image's value, the
//! OCCI storage it backs, and a storagelink from the compute whose `occi.storagelink.deviceid`
//! is the copy's object ID. Blobs cannot be written inside a store transaction, so the copy is
//! made first: the request's first attempt names the images it lacks a copy of and rolls
//! back, the copies are streamed blob to blob, and the request runs again with them
//! ([`Provider::handle`]); copies a request did not keep are deleted after it.

use std::sync::PoisonError;

use tern_model::{
    AttributeDef, AttributeType, CategoryId, Entity, Link, Mixin, Number, Resource, Value,
};
use tern_occi::{Document, MediaType, write};
use tern_store::{Decision, MixinRecord, Transaction, transact};
use tern_units::Ratio;

use super::entity::{self, Place};
use super::{Ctx, Fail, Outcome, Provider};
use crate::cdmi::Stored as CdmiStored;
use crate::render::Reply;

/// The scheme of image templates.
pub(crate) const IMAGE_SCHEME: &str = "http://schemas.tern.dev/occi/image#";
const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

// Disk formats, by media type or by file extension (OVF's disk formats: VMDK, QCOW2, VHD, raw,
// ISO images).
fn is_disk(path: &str, mimetype: &str) -> bool {
    const TYPES: &[&str] = &[
        "application/x-vmdk",
        "application/x-qemu-disk",
        "application/x-raw-disk-image",
        "application/x-iso9660-image",
        "application/x-vhd",
        "application/x-virtualbox-vdi",
    ];
    const EXTENSIONS: &[&str] = &["vmdk", "qcow2", "img", "raw", "iso", "vhd", "vhdx", "vdi"];
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    TYPES.contains(&mimetype) || extension.is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

// A term from a file name: letters, digits, `-`, `_`, `.`; anything else becomes `_`.
fn term(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn text_default(name: &str, value: &str) -> AttributeDef {
    let mut def = AttributeDef::new(name, AttributeType::String);
    def.mutable = false;
    def.default = Some(Value::String(value.to_owned()));
    def
}

impl Provider {
    /// Registers the image data object at `path` (a CDMI path under the images container)
    /// as an `os_tpl` mixin, unless it is no disk image or is registered already. Returns
    /// the mixin's identifier when one was added.
    pub(crate) async fn register_image(&self, path: String) -> Option<CategoryId> {
        let _guard = self.categories.lock().await;
        let name = path.rsplit('/').next().unwrap_or_default().to_owned();
        let id = CategoryId::new(IMAGE_SCHEME, term(&name));
        let current = self.ctx("").catalogue;
        if name.is_empty() || current.category(&id).is_some() {
            return None;
        }
        let row = tern_store::read(self.store.as_ref(), {
            let path = path.clone();
            move |tx| tx.cdmi_get(&path)
        })
        .await
        .ok()??;
        let stored = CdmiStored::from_json(&row.body);
        if !is_disk(&path, stored.mimetype.as_deref().unwrap_or_default()) {
            return None;
        }
        let mixin = Mixin {
            id: id.clone(),
            title: Some(name.clone()),
            depends: vec![CategoryId::new(INFRA, "os_tpl")],
            applies: vec![CategoryId::new(INFRA, "compute")],
            attributes: vec![
                text_default("tern.image.objectid", &row.object_id),
                text_default("tern.image.location", &path),
            ],
            actions: Vec::new(),
            location: Some(format!("/image_tpl/{}/", term(&name))),
        };
        let mut catalogue = (*current).clone();
        if let Err(e) = catalogue.add_mixin(mixin.clone()) {
            tracing::warn!("image {path} not registered: {e}");
            return None;
        }
        let record = MixinRecord {
            id: id.to_string(),
            location: mixin.location.clone().unwrap_or_default(),
            body: write(&Document::Mixin(mixin), MediaType::OcciJson).text,
        };
        let stored = transact(self.store.as_ref(), move |tx| {
            tx.put_mixin(&record)?;
            Ok(((), Decision::Commit))
        })
        .await;
        if let Err(e) = stored {
            tracing::warn!("image {path} not registered: {e}");
            return None;
        }
        self.replace_catalogue(catalogue);
        Some(id)
    }
}

/// The copies of images one request has made (see the module documentation).
#[derive(Default)]
pub(crate) struct Copies {
    // Images the last attempt lacked a copy of, one entry per compute.
    wanted: Vec<String>,
    // Copies made: the image's path, the blob (`None`: a sparse image), the size.
    ready: Vec<(String, Option<String>, u64)>,
    // Images that could not be copied, and why.
    failed: Vec<(String, String)>,
    // The copies the current attempt linked (indexes into `ready`).
    used: Vec<usize>,
}

impl Copies {
    /// Before an attempt: nothing wanted, nothing used yet.
    pub(crate) fn begin(ctx: &Ctx) {
        let mut c = ctx.images.lock().unwrap_or_else(PoisonError::into_inner);
        c.wanted.clear();
        c.used.clear();
    }

    /// Whether the attempt rolled back for want of copies.
    pub(crate) fn lacking(ctx: &Ctx) -> bool {
        !ctx.images
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .wanted
            .is_empty()
    }
}

impl Provider {
    /// Copies the images the last attempt lacked (streamed blob to blob).
    pub(crate) async fn copy_images(&self, ctx: &Ctx) {
        let wanted = std::mem::take(
            &mut ctx
                .images
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .wanted,
        );
        for image in wanted {
            let copied = self.cdmi.copy_value(&image).await;
            let mut c = ctx.images.lock().unwrap_or_else(PoisonError::into_inner);
            match copied {
                Ok((blob, size)) => c.ready.push((image, blob, size)),
                Err(e) => c.failed.push((image, e)),
            }
        }
    }

    /// After the request: the copies it did not keep (all of them when it was not
    /// committed) are deleted.
    pub(crate) async fn settle_images(&self, ctx: &Ctx, committed: bool) {
        let copies =
            std::mem::take(&mut *ctx.images.lock().unwrap_or_else(PoisonError::into_inner));
        let unused = copies
            .ready
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !committed || !copies.used.contains(i))
            .filter_map(|(_, (_, blob, _))| blob)
            .collect();
        self.cdmi.delete_blobs(unused).await;
    }
}

/// After a compute is stored: each image mixin it carries links it to a copy of the image.
pub(crate) fn link_copies(ctx: &Ctx, tx: &mut dyn Transaction, compute: &Resource) -> Outcome<()> {
    let location = compute.entity.location_or_default();
    for mixin in &compute.entity.mixins {
        if mixin.scheme() != IMAGE_SCHEME {
            continue;
        }
        let image = ctx.catalogue.mixin(mixin).and_then(|m| {
            m.attributes
                .iter()
                .find(|a| a.name == "tern.image.location")
                .and_then(|a| match &a.default {
                    Some(Value::String(s)) => Some(s.clone()),
                    _ => None,
                })
        });
        let Some(image) = image else {
            continue;
        };
        let (blob, size) = take_copy(ctx, &image)?;
        let Some(row) = tx.cdmi_get(&image)? else {
            return Err(entity::conflict(format!(
                "the image {image} of {mixin} is gone"
            )));
        };
        let mimetype = CdmiStored::from_json(&row.body).mimetype;
        // The storage, as large as the image (`occi.storage.size` in GiB, exactly).
        let storage_kind = CategoryId::new(INFRA, "storage");
        let mut storage = Entity::new("", storage_kind.clone());
        storage.title = Some(format!("{location}: copy of {image}"));
        if let Some(gib) = Ratio::new(u128::from(size), 1 << 30)
            .and_then(Ratio::to_decimal)
            .and_then(|d| Number::parse(&d))
        {
            storage
                .attributes
                .insert("occi.storage.size", Value::Number(gib));
        }
        let at = collection(ctx, &storage_kind);
        let storage = entity::create(
            ctx,
            tx,
            Document::Resource(Resource::new(storage)),
            &Place::In {
                kind: &storage_kind,
                location: &at,
            },
        )?;
        let storage = storage.location();
        super::bridge::fill_volume(ctx, tx, &storage, blob, size, mimetype, &image)?;
        let link_kind = CategoryId::new(INFRA, "storagelink");
        let link = Link::new(Entity::new("", link_kind.clone()), &location, &storage);
        let at = collection(ctx, &link_kind);
        entity::create(
            ctx,
            tx,
            Document::Link(link),
            &Place::In {
                kind: &link_kind,
                location: &at,
            },
        )?;
    }
    Ok(())
}

// A copy of `image` made for this request and not linked yet; without one, the attempt
// rolls back naming it (503 if no copy can be made after all).
fn take_copy(ctx: &Ctx, image: &str) -> Outcome<(Option<String>, u64)> {
    let mut c = ctx.images.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, why)) = c.failed.iter().find(|(i, _)| i == image) {
        return Err(entity::conflict(why.clone()));
    }
    let free = (0..c.ready.len()).find(|i| c.ready[*i].0 == image && !c.used.contains(i));
    if let Some(i) = free {
        c.used.push(i);
        let (_, blob, size) = &c.ready[i];
        return Ok((blob.clone(), *size));
    }
    c.wanted.push(image.to_owned());
    Err(Fail::Reply(Reply::error(
        503,
        format!("the image {image} is being copied; try again"),
    )))
}

fn collection(ctx: &Ctx, kind: &CategoryId) -> String {
    ctx.catalogue
        .kind(kind)
        .and_then(|k| k.location.clone())
        .unwrap_or_else(|| format!("/{}/", kind.term()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disks_by_type_or_extension() {
        assert!(is_disk("/images/debian.qcow2", "application/octet-stream"));
        assert!(is_disk("/images/win", "application/x-vmdk"));
        assert!(!is_disk("/images/notes.txt", "text/plain"));
        assert_eq!(term("my disk (1).vmdk"), "my_disk__1_.vmdk");
    }
}
