//! Containers exported to OCCI (clauses 13.1, 13.6): a container whose `exports` hold an
//! `OCCI/<protocol>` entry (`OCCI/iSCSI`, `OCCI/NFS`, …) gets an OCCI `storage` standing for
//! it, at `/storage/cdmi-<container ID>` (the existing one when exported already); each such
//! entry is given back with `identifier` = the container's object ID (13.6), its
//! `permissions` (the compute URIs allowed to attach it: the client's, and every compute a
//! storagelink attaches, kept by the OCCI bridge) and `location` = the storage's location.
//!
//! Kept consistent both ways, in the transaction that changes either side: exports without
//! an OCCI entry, or the container's deletion, delete the storage and its links; the
//! storage's deletion through OCCI removes the container's OCCI entries (`provider::bridge`).

use serde_json::{Map, Value};
use tern_model::{CategoryId, Entity, Resource};
use tern_occi::{Document, MediaType, write};
use tern_store::{CdmiRecord, Record, StoreError, Transaction};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";
/// Where the storages of exported containers live: `/storage/cdmi-<ID>`.
const PREFIX: &str = "/storage/cdmi-";

/// The OCCI storage location of the container with this object ID.
pub(crate) fn storage_location(container_id: &str) -> String {
    format!("{PREFIX}{container_id}")
}

/// The container object ID an export storage location names (`None`: not one).
pub(crate) fn container_id(storage: &str) -> Option<&str> {
    storage
        .strip_prefix(PREFIX)
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Whether exports hold an OCCI entry.
pub(crate) fn is_exported(exports: Option<&Map<String, Value>>) -> bool {
    exports.is_some_and(|e| e.keys().any(|k| k.starts_with("OCCI/")))
}

/// After a container's exports are set: its OCCI entries completed and its storage created,
/// or deleted with its links when no OCCI entry is left.
pub(crate) fn sync(
    tx: &mut dyn Transaction,
    container: &CdmiRecord,
    exports: &mut Option<Map<String, Value>>,
) -> Result<(), StoreError> {
    let location = storage_location(&container.object_id);
    if !is_exported(exports.as_ref()) {
        return remove_storage(tx, &location);
    }
    if let Some(exports) = exports {
        for (key, entry) in exports.iter_mut() {
            if !key.starts_with("OCCI/") {
                continue;
            }
            if let Value::Object(entry) = entry {
                entry.insert("identifier".into(), container.object_id.clone().into());
                entry.insert("location".into(), location.clone().into());
                let permissions = match entry.remove("permissions") {
                    // Example 9.4.9-2 prints one string: kept as an array.
                    Some(Value::String(one)) => vec![Value::String(one)],
                    Some(Value::Array(all)) => all,
                    _ => Vec::new(),
                };
                entry.insert("permissions".into(), Value::Array(permissions));
            }
        }
    }
    if tx.get(&location)?.is_none() {
        tx.put(&storage_record(&location, container))?;
    }
    Ok(())
}

/// Before a container is deleted: its storage and the storage's links go.
pub(crate) fn deleted(tx: &mut dyn Transaction, container: &CdmiRecord) -> Result<(), StoreError> {
    remove_storage(tx, &storage_location(&container.object_id))
}

/// Adds or removes a compute in the permissions of every OCCI entry of `exports`.
pub(crate) fn permit(exports: &mut Map<String, Value>, compute: &str, allow: bool) {
    for (key, entry) in exports.iter_mut() {
        if !key.starts_with("OCCI/") {
            continue;
        }
        let Some(entry) = entry.as_object_mut() else {
            continue;
        };
        let mut permissions: Vec<Value> = match entry.remove("permissions") {
            Some(Value::Array(all)) => all,
            Some(Value::String(one)) => vec![Value::String(one)],
            _ => Vec::new(),
        };
        permissions.retain(|p| p.as_str() != Some(compute));
        if allow {
            permissions.push(Value::String(compute.to_owned()));
        }
        entry.insert("permissions".into(), Value::Array(permissions));
    }
}

fn remove_storage(tx: &mut dyn Transaction, location: &str) -> Result<(), StoreError> {
    if tx.get(location)?.is_none() {
        return Ok(());
    }
    for link in tx.links_of(location)? {
        tx.delete(&link.location)?;
    }
    tx.delete(location)?;
    Ok(())
}

// The storage's record: its canonical OCCI JSON, online from the start (the container is).
fn storage_record(location: &str, container: &CdmiRecord) -> Record {
    let kind = CategoryId::new(INFRA, "storage");
    let id = location.rsplit('/').next().unwrap_or_default();
    let mut entity = Entity::new(id, kind.clone());
    entity.location = Some(location.to_owned());
    entity.title = Some(format!("CDMI container {}", container.path));
    entity.attributes.insert("occi.storage.state", "online");
    let body = write(
        &Document::Resource(Resource::new(entity)),
        MediaType::OcciJson,
    )
    .text;
    Record::resource(location, kind.to_string(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_permissions() {
        let at = storage_location("00007ED90010D891022876A8DE0BC0FD");
        assert_eq!(container_id(&at), Some("00007ED90010D891022876A8DE0BC0FD"));
        assert_eq!(container_id("/storage/abc"), None);
        let mut exports: Map<String, Value> = serde_json::from_str(
            r#"{"OCCI/iSCSI": {"permissions": "http://h/compute/0"}, "Network/NFSv4": {"identifier": "/u"}}"#,
        )
        .unwrap();
        permit(&mut exports, "http://h/compute/1", true);
        assert_eq!(
            exports["OCCI/iSCSI"]["permissions"],
            serde_json::json!(["http://h/compute/0", "http://h/compute/1"])
        );
        permit(&mut exports, "http://h/compute/0", false);
        assert_eq!(
            exports["OCCI/iSCSI"]["permissions"],
            serde_json::json!(["http://h/compute/1"])
        );
        assert!(exports["Network/NFSv4"].get("permissions").is_none());
    }
}
