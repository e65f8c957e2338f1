//! Images: a data object uploaded through CDMI under the images container (`/images/`) in a
//! disk format becomes an `os_tpl` mixin of the query interface: titled by the object's name,
//! its collection at `/image_tpl/<name>/`, the object's CDMI ID and path as the defaults of
//! `tern.image.objectid` and `tern.image.location`.

use tern_model::{AttributeDef, AttributeType, CategoryId, Mixin, Value};
use tern_occi::{Document, MediaType, write};
use tern_store::{Decision, MixinRecord, transact};

use super::Provider;
use crate::cdmi::Stored as CdmiStored;

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
