//! The topology the page draws: the snapshot's entities in the OCCI JSON rendering the API
//! serves (tern-occi's writer), each with its `location` (a member GFD.226 allows and the
//! rendering of a single entity leaves out), plus what was looked at.

use serde_json::{Value as Json, json};
use tern_model::{Collection, Entity};
use tern_occi::{Document, MediaType};

use super::Viewed;
use crate::provider::{MAX_RESOURCES, Snapshot};

/// `GET /ui/api/topology`.
pub(crate) fn json(snapshot: &Snapshot, viewed: &Viewed) -> Json {
    json!({
        "version": snapshot.version,
        "scope": if viewed.deployment.is_some() { "deployment" } else { "server" },
        "deployment": viewed.deployment,
        "note": viewed.note,
        "truncated": snapshot.truncated,
        "limit": MAX_RESOURCES,
        "collection": collection(&snapshot.collection),
    })
}

/// A collection as OCCI JSON (`resources` with their links, standalone `links`), every
/// entity with its location.
pub(crate) fn collection(collection: &Collection) -> Json {
    let resources: Vec<Json> = collection
        .resources()
        .iter()
        .map(|r| {
            let mut rendered = render(&Document::Resource(r.clone()), &r.entity);
            if let Some(Json::Array(links)) = rendered.get_mut("links") {
                for (json, link) in links.iter_mut().zip(&r.links) {
                    with_location(json, &link.entity);
                }
            }
            rendered
        })
        .collect();
    let links: Vec<Json> = collection
        .standalone_links()
        .iter()
        .map(|l| render(&Document::Link(l.clone()), &l.entity))
        .collect();
    json!({ "resources": resources, "links": links })
}

fn render(document: &Document, entity: &Entity) -> Json {
    let text = tern_occi::write(document, MediaType::OcciJson).text;
    let mut json = serde_json::from_str(&text).unwrap_or(Json::Null);
    with_location(&mut json, entity);
    json
}

fn with_location(json: &mut Json, entity: &Entity) {
    if let Json::Object(o) = json {
        o.insert(
            "location".into(),
            Json::String(entity.location_or_default()),
        );
    }
}
