//! OVF by content negotiation on `/`: `GET` with `Accept: application/ovf+xml` exports the
//! stored entities as an OVF descriptor (tern-mapping's occi2ovf; with the envelope the last
//! import kept, an untouched import gives its descriptor back), `POST` with
//! `Content-Type: application/ovf+xml` validates a descriptor (400 with the findings),
//! converts it (ovf2occi) and creates its networks, storages, computes and links in the
//! request's one transaction: all or nothing.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use tern_model::{Collection, Resource};
use tern_occi::{Document, MediaType};
use tern_store::{CdmiRecord, Query, Transaction};

use super::entity::{self, Place};
use super::stored::Stored;
use super::{After, Ctx, Fail, Outcome};
use crate::render::Reply;

/// The media type tern uses for an OVF descriptor (none is registered; DSP0243 names none).
pub(crate) const OVF_XML: &str = "application/ovf+xml";

/// The store row keeping the envelope of the last import (not a CDMI object: no container
/// lists it, it has no value).
const ENVELOPE_PATH: &str = "/.tern/ovf/envelope";
const ENVELOPE_TYPE: &str = "application/x-tern-ovf-envelope";

/// Whether a media-type header (`Accept` or `Content-Type`) asks for OVF: it names
/// `application/ovf+xml` with a non-zero quality no other range of the header beats.
pub(crate) fn names_ovf(header: Option<&str>) -> bool {
    let Some(header) = header else {
        return false;
    };
    let (mut ovf, mut other) = (0, 0);
    for range in header.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .map_or(1000, |q| crate::negotiate::quality(&q));
        if essence.eq_ignore_ascii_case(OVF_XML) {
            ovf = ovf.max(q);
        } else if !essence.is_empty() {
            other = other.max(q);
        }
    }
    ovf > 0 && ovf >= other
}

// A reply with an OVF body.
fn ovf_reply(status: u16, body: String) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        content_type: Some("application/ovf+xml; charset=utf-8"),
        body,
    }
}

/// `GET /` as OVF: every stored resource with the links it is the source of.
pub(crate) fn export(ctx: &Ctx, tx: &mut dyn Transaction) -> Outcome<Reply> {
    let mut collection = Collection::new();
    for record in tx.list(&Query::default())? {
        let stored = Stored::from_record(ctx, &record)?;
        if !matches!(stored, Stored::Resource(_)) {
            continue;
        }
        if let Document::Resource(r) = entity::document(ctx, tx, &stored)? {
            let r = without_actions(r);
            collection
                .push_resource(r)
                .map_err(|e| Fail::Reply(Reply::error(500, e.to_string())))?;
        }
    }
    let cdmi_base = format!("{}{}", ctx.base, super::bridge::VOLUMES);
    if let Some(doc) = kept(ctx, tx, &collection, &cdmi_base)? {
        let mut doc = doc;
        let options = restore_options(ctx, &cdmi_base);
        return match tern_mapping::occi2ovf::restore(&mut doc, &collection, &options) {
            Ok(_) => Ok(ovf_reply(
                200,
                String::from_utf8_lossy(&doc.to_bytes()).into_owned(),
            )),
            Err(e) => Err(Fail::Reply(Reply::error(
                500,
                format!("the entities could not be written into the kept envelope: {e}"),
            ))),
        };
    }
    let options = tern_mapping::occi2ovf::ExportOptions {
        ovf2: false,
        cdmi_base: Some(cdmi_base),
        catalogue: Some((*ctx.catalogue).clone()),
        defaults: tern_mapping::occi2ovf::Defaults::default(),
    };
    match tern_mapping::occi2ovf::occi_to_ovf(&collection, &options) {
        Ok(export) => Ok(ovf_reply(200, export.xml)),
        Err(e) => Err(Fail::Reply(Reply::error(
            409,
            format!("the stored entities make no OVF descriptor: {e}"),
        ))),
    }
}

fn restore_options(ctx: &Ctx, cdmi_base: &str) -> tern_mapping::ovf2occi::Options {
    tern_mapping::ovf2occi::Options {
        version: ctx.version,
        cdmi_base: Some(cdmi_base.to_owned()),
        cdmi_enterprise: ctx.cdmi_enterprise,
        ..tern_mapping::ovf2occi::Options::default()
    }
}

// The kept envelope, while it still describes the stored resources: every resource it
// made is still there (one deleted, and the export is made from the entities alone).
fn kept(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    collection: &Collection,
    cdmi_base: &str,
) -> Outcome<Option<tern_ovf::Document>> {
    let Some(row) = tx.cdmi_get(ENVELOPE_PATH)? else {
        return Ok(None);
    };
    let envelope = serde_json::from_str::<serde_json::Value>(&row.body)
        .ok()
        .and_then(|v| {
            v.get("envelope")
                .and_then(|e| e.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let Ok(doc) = tern_ovf::Document::parse(envelope.as_bytes()) else {
        tracing::warn!("the kept OVF envelope is unreadable: the export is made from the entities");
        return Ok(None);
    };
    let Ok(baseline) = tern_mapping::ovf2occi::ovf_to_occi(&doc, &restore_options(ctx, cdmi_base))
    else {
        return Ok(None);
    };
    let all_there = baseline
        .collection
        .resources()
        .iter()
        .all(|r| collection.resource(&r.entity.id).is_some());
    Ok(all_there.then_some(doc))
}

// The actions a state allows are the server's, not the deployment's.
fn without_actions(mut r: Resource) -> Resource {
    r.entity.actions.clear();
    for l in &mut r.links {
        l.entity.actions.clear();
    }
    r
}

/// `POST /` of an OVF descriptor: validated, converted and created in this transaction;
/// 201 with the created locations (`text/uri-list`).
pub(crate) fn import(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    body: &str,
    after: &mut After,
) -> Outcome<Reply> {
    // The envelope describes `/` when the import is all `/` holds.
    let alone = tx.count(&Query::default())? == 0;
    let conversion = convert(ctx, body)?;
    let work = add_mixins(ctx, tx, &conversion, after)?;
    let created = create_all(&work, tx, &conversion)?;
    // The envelope, for a lossless export; an import beside other entities keeps none.
    if alone {
        tx.cdmi_put(&CdmiRecord {
            path: ENVELOPE_PATH.into(),
            object_id: "TERN-OVF-ENVELOPE".into(),
            parent: None,
            object_type: ENVELOPE_TYPE.into(),
            body: json!({ "envelope": body }).to_string(),
        })?;
    } else {
        tx.cdmi_delete(ENVELOPE_PATH)?;
    }
    let reply = Reply::document(
        201,
        &Document::Locations(created.clone()),
        MediaType::UriList,
        &ctx.base,
    );
    Ok(match created.first() {
        Some(first) => reply.with_header("Location", format!("{}{first}", ctx.base)),
        None => reply,
    })
}

// The descriptor validated (400 with the errors) and converted.
fn convert(ctx: &Ctx, body: &str) -> Outcome<tern_mapping::ovf2occi::Conversion> {
    let bytes = body.as_bytes();
    let report = tern_ovf::validate_bytes(bytes, &tern_ovf::ValidateOptions::default());
    if !report.is_valid() {
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.is_error())
            .cloned()
            .collect();
        return Err(Fail::Reply(Reply::findings(
            400,
            "the OVF descriptor is invalid; nothing was created",
            &errors,
        )));
    }
    let doc = tern_ovf::Document::parse(bytes).map_err(|e| {
        Fail::Reply(Reply::findings(
            400,
            "the OVF descriptor is unreadable",
            &[e.to_finding()],
        ))
    })?;
    let options = tern_mapping::ovf2occi::Options {
        version: ctx.version,
        cdmi_base: Some(format!("{}{}", ctx.base, super::bridge::VOLUMES)),
        cdmi_enterprise: ctx.cdmi_enterprise,
        ..tern_mapping::ovf2occi::Options::default()
    };
    let conversion = tern_mapping::ovf2occi::ovf_to_occi(&doc, &options).map_err(|e| {
        let finding = match &e {
            tern_mapping::ovf2occi::BridgeError::BadValue {
                line,
                column,
                message,
            } => tern_diag::Finding::error("ovf2occi", message.clone())
                .at(tern_diag::Position::new(*line, *column)),
            other => tern_diag::Finding::error("ovf2occi", other.to_string()),
        };
        Fail::Reply(Reply::findings(
            400,
            "the OVF descriptor does not convert to OCCI",
            &[finding],
        ))
    })?;
    Ok(conversion)
}

// The mixins the descriptor brings (templates, tern's OVF mixins) join the catalogue: the
// context the entities are created in.
fn add_mixins(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    conversion: &tern_mapping::ovf2occi::Conversion,
    after: &mut After,
) -> Outcome<Ctx> {
    let mut catalogue = (*ctx.catalogue).clone();
    let used: Vec<_> = conversion
        .catalogue
        .mixins()
        .iter()
        .filter(|m| {
            conversion.collection.resources().iter().any(|r| {
                r.entity.mixins.contains(&m.id)
                    || r.links.iter().any(|l| l.entity.mixins.contains(&m.id))
            })
        })
        .flat_map(|m| conversion.catalogue.mixin_closure(&m.id))
        .cloned()
        .collect();
    let mut added = false;
    // The closure lists what a mixin depends on after it: add dependencies first.
    for m in used.into_iter().rev() {
        if catalogue.category(&m.id).is_some() {
            continue;
        }
        let mut m = m;
        if m.location.is_none() {
            m.location = Some(format!("/ovf/{}/", m.id.term()));
        }
        super::query::add(tx, &mut catalogue, m)?;
        added = true;
    }
    if !added {
        return Ok(ctx.clone());
    }
    let work = Ctx {
        catalogue: Arc::new(catalogue.clone()),
        ..ctx.clone()
    };
    after.catalogue = Some(catalogue);
    Ok(work)
}

// The resources (each after the targets of its links), their links, the standalone links:
// their locations, in creation order.
fn create_all(
    work: &Ctx,
    tx: &mut dyn Transaction,
    conversion: &tern_mapping::ovf2occi::Conversion,
) -> Outcome<Vec<String>> {
    let mut pending: Vec<Resource> = conversion.collection.resources().to_vec();
    let mut done: HashSet<String> = HashSet::new();
    let mut created = Vec::new();
    let in_set: HashSet<String> = pending
        .iter()
        .map(|r| r.entity.location_or_default())
        .collect();
    while !pending.is_empty() {
        let ready = pending.iter().position(|r| {
            r.links.iter().all(|l| {
                let t = &l.target.location;
                !in_set.contains(t) || done.contains(t)
            })
        });
        // A cycle: create in the given order (the links' checks judge it).
        let mut next = pending.remove(ready.unwrap_or(0));
        let location = next.entity.location_or_default();
        let links = std::mem::take(&mut next.links);
        let stored = create(work, tx, Document::Resource(next))?;
        created.push(stored.clone());
        for mut link in links {
            link.source.location.clone_from(&stored);
            created.push(create(work, tx, Document::Link(link))?);
        }
        done.insert(location);
    }
    for link in conversion.collection.standalone_links() {
        created.push(create(work, tx, Document::Link(link.clone()))?);
    }
    Ok(created)
}

// Creates one entity at the location the conversion gave it (or in its kind's collection).
fn create(ctx: &Ctx, tx: &mut dyn Transaction, doc: Document) -> Outcome<String> {
    let (kind, location, id) = match &doc {
        Document::Resource(r) => (
            r.entity.kind.clone(),
            r.entity.location.clone(),
            r.entity.id.clone(),
        ),
        Document::Link(l) => (
            l.entity.kind.clone(),
            l.entity.location.clone(),
            l.entity.id.clone(),
        ),
        _ => return Err(Fail::Reply(Reply::error(500, "not an entity"))),
    };
    let at = ctx
        .catalogue
        .kind(&kind)
        .and_then(|k| k.location.clone())
        .unwrap_or_else(|| format!("/{}/", kind.term()));
    let stored = match location.filter(|l| l.starts_with('/')) {
        Some(given) => entity::create(ctx, tx, doc, &Place::At(&given))?,
        // A link's id is unique under its source (`vm/disk/4`): its location is the whole
        // id, made one path segment.
        None if matches!(doc, Document::Link(_)) => {
            let segment: String = id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let given = format!("{at}{segment}");
            entity::create(ctx, tx, doc, &Place::At(&given))?
        }
        None => entity::create(
            ctx,
            tx,
            doc,
            &Place::In {
                kind: &kind,
                location: &at,
            },
        )?,
    };
    Ok(stored.location())
}

#[cfg(test)]
mod tests {
    use super::names_ovf;

    #[test]
    fn ovf_is_asked_for_when_no_other_range_is_preferred() {
        assert!(names_ovf(Some("application/ovf+xml")));
        assert!(names_ovf(Some("Application/OVF+XML; charset=utf-8")));
        assert!(names_ovf(Some("text/plain;q=0.5, application/ovf+xml")));
        assert!(!names_ovf(Some("application/ovf+xml;q=0")));
        assert!(!names_ovf(Some("application/ovf+xml;q=0.0")));
        assert!(!names_ovf(Some(
            "application/occi+json, application/ovf+xml;q=0.1"
        )));
        assert!(!names_ovf(Some("*/*")));
        assert!(!names_ovf(None));
    }
}
