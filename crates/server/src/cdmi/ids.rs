//! Access by object ID: `/cdmi_objectid/<ID>[/<child>…]` resolved to the object's path.

use axum::response::Response;
use tern_cdmi::objectid::ObjectId;
use tern_store::read;

use super::ops::store_failed;
use super::{Cdmi, CdmiPath, error};

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
            "name an object: /cdmi_objectid/<ID> (ID-only objects are not implemented)",
        ));
    }
    let id = ObjectId::parse(id_text).map_err(|e| error(400, e.rule_id(), e.to_string()))?;
    let wanted = id.to_string();
    let row = read(cdmi.store.as_ref(), move |tx| tx.cdmi_by_id(&wanted))
        .await
        .map_err(|e| store_failed(&e))?
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
