//! The `exports` object of containers (1.1.1 clause 13; 2.0 `cdmi_exports`), including the
//! `OCCI/<protocol>` entries that bridge a container to OCCI compute resources.

use serde_json::{Map, Value, json};
use tern_diag::Bounded;

use crate::metadata::json_kind;
use crate::objectid::ObjectId;
use crate::pointer::{Record, child};

/// The `exports` object, in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exports(pub Map<String, Value>);

/// An `OCCI/<protocol>` export (13.1, 13.6): the container exported to virtual machines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcciExport {
    /// The protocol after `OCCI/`, e.g. `iSCSI`, `NFS`, `NFSv4`.
    pub protocol: String,
    /// The container's object ID.
    pub identifier: String,
    /// OCCI compute resource URIs allowed to attach it. The spec's example 9.4.9-2 prints one
    /// string instead of an array; both are read, an array is written.
    pub permissions: Vec<String>,
}

impl Exports {
    /// The `OCCI/...` entries, in order. An entry without `identifier` (a create request,
    /// before the server has assigned the container ID) reads as an empty identifier.
    pub fn occi(&self) -> Vec<OcciExport> {
        self.0
            .iter()
            .filter_map(|(key, value)| {
                let protocol = key.strip_prefix("OCCI/")?;
                let identifier = value
                    .get("identifier")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                Some(OcciExport {
                    protocol: protocol.to_owned(),
                    identifier: identifier.to_owned(),
                    permissions: permissions(value.get("permissions")),
                })
            })
            .collect()
    }

    /// Adds or replaces an `OCCI/<protocol>` entry.
    pub fn set_occi(&mut self, export: &OcciExport) {
        self.0.insert(
            format!("OCCI/{}", export.protocol),
            json!({"identifier": export.identifier, "permissions": export.permissions}),
        );
    }
}

impl OcciExport {
    /// An export of `container_id` over `protocol` with no compute yet.
    pub fn new(protocol: &str, container_id: &ObjectId) -> Self {
        Self {
            protocol: protocol.to_owned(),
            identifier: container_id.to_string(),
            permissions: Vec::new(),
        }
    }

    /// Step 3 of the 13.1 workflow: let a compute resource attach the container.
    pub fn permit(&mut self, compute_uri: &str) {
        if !self.permissions.iter().any(|p| p == compute_uri) {
            self.permissions.push(compute_uri.to_owned());
        }
    }
}

fn permissions(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks an `exports` object at `pointer`.
pub(crate) fn check(map: &Map<String, Value>, pointer: &str, findings: &mut Bounded) {
    for (key, value) in map {
        let at = child(pointer, key);
        let Value::Object(entry) = value else {
            findings.error(
                "CDMI-EXPORT",
                at,
                format!(
                    "export {key:?} must be a JSON object, not {}",
                    json_kind(value)
                ),
            );
            continue;
        };
        if !key.contains('/') && !matches!(key.as_str(), "s3" | "S3") {
            findings.warning(
                "CDMI-EXPORT",
                &at,
                format!("export key {key:?} is not of the form <family>/<protocol> (e.g. OCCI/iSCSI, Network/NFSv4)"),
            );
        }
        if key.starts_with("OCCI/") {
            check_occi(key, entry, &at, findings);
        }
    }
}

fn check_occi(key: &str, entry: &Map<String, Value>, at: &str, findings: &mut Bounded) {
    match entry.get("identifier") {
        Some(Value::String(id)) => {
            if let Err(e) = ObjectId::parse(id) {
                findings.warning(
                    e.rule_id(),
                    child(at, "identifier"),
                    format!("{key} identifier should be the container's object ID: {e}"),
                );
            }
        }
        Some(_) => findings.error(
            "CDMI-EXPORT",
            child(at, "identifier"),
            format!("{key} identifier must be a string"),
        ),
        // A create request may leave it to the server (13.1 step 1 returns the ID).
        None => {}
    }
    match entry.get("permissions") {
        Some(Value::String(_)) | None => {}
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
        Some(_) => findings.error(
            "CDMI-EXPORT",
            child(at, "permissions"),
            format!("{key} permissions must be OCCI compute URIs (an array of strings)"),
        ),
    }
}
