//! Access by object ID: `/cdmi_objectid/<ID>[/<child>…]` resolved to the object's path; and
//! ID-only objects (clause 8.3 / 9.x "create using ID"): `POST /cdmi_objectid/` creates a data
//! object with no name, kept in a hidden container no listing shows (`/cdmi_objectid/`, no
//! parent), readable, updatable and deletable by its ID only.

use axum::response::Response;
use tern_cdmi::objectid::ObjectId;
use tern_store::read;

use super::ops::store_failed;
use super::{Cdmi, CdmiPath, error};

/// The hidden container of ID-only objects: its rows' key prefix, never reachable by path
/// (every `/cdmi_objectid…` request is resolved by ID).
pub(crate) const ID_ONLY: &str = "/cdmi_objectid/";

/// The hidden container's path (where `POST /cdmi_objectid/` creates).
pub(super) fn id_only() -> CdmiPath {
    CdmiPath {
        segments: vec!["cdmi_objectid".into()],
        container: true,
    }
}

/// Whether a row is an ID-only object (it has no name and no parent to show).
pub(super) fn is_id_only(parent: Option<&str>) -> bool {
    parent == Some(ID_ONLY)
}

// `/cdmi_objectid/<ID>[/<child>…]`: the path of the object with that ID.
pub(super) async fn by_id(cdmi: &Cdmi, rest: &str) -> Result<CdmiPath, Response> {
    let rest = rest.trim_start_matches('/');
    let (id_text, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    if id_text.is_empty() {
        return Err(error(
            400,
            "CDMI-OBJECTID",
            "name an object: /cdmi_objectid/<ID> (POST here creates an ID-only data object)",
        ));
    }
    let id = ObjectId::parse(id_text).map_err(|e| error(400, e.rule_id(), e.to_string()))?;
    let wanted = id.to_string();
    let row = read(cdmi.store.as_ref(), move |tx| tx.cdmi_by_id(&wanted))
        .await
        .map_err(|e| store_failed(&e))?
        .filter(|row| row.path != ID_ONLY)
        .ok_or_else(|| error(404, "CDMI-NOT-FOUND", format!("no object has the ID {id}")))?;
    let base = CdmiPath::parse(&row.path).map_err(|m| error(500, "CDMI-NAME", m))?;
    match tail {
        None => Ok(base),
        Some("") => Ok(base.as_container()),
        Some(tail) => {
            if !base.container {
                return Err(error(
                    404,
                    "CDMI-NOT-FOUND",
                    "a data object has no children",
                ));
            }
            let child =
                CdmiPath::parse(&format!("/{tail}")).map_err(|m| error(400, "CDMI-NAME", m))?;
            let mut segments = base.segments;
            segments.extend(child.segments);
            Ok(CdmiPath {
                segments,
                container: child.container,
            })
        }
    }
}
