//! OVF by content negotiation on `/` and on deployments (`super::deploy`): `GET` with
//! `Accept: application/ovf+xml` exports a deployment (or the whole server) as an OVF
//! descriptor (tern-mapping's occi2ovf; with the envelope the deployment's import kept, an
//! untouched deployment gives its descriptor back), `POST` with
//! `Content-Type: application/ovf+xml` validates a descriptor (400 with the findings),
//! converts it (ovf2occi) and creates a deployment with its networks, storages, computes and
//! links in the request's one transaction: all or nothing.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tern_model::{Collection, Entity, Resource};
use tern_occi::{Document, MediaType};
use tern_store::{Query, Transaction};

use super::deploy::Deployment;
use super::disks::Disk;
use super::entity::{self, Place, conflict};
use super::stored::Stored;
use super::{After, Ctx, Fail, Outcome};
use crate::render::Reply;

/// The media type tern uses for an OVF descriptor (none is registered; DSP0243 names none).
pub(crate) const OVF_XML: &str = "application/ovf+xml";

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

/// A deployment's OVF, or with `None` the whole server's: every resource (of the deployment)
/// with the links it is the source of. The whole server with one deployment and nothing
/// else is that deployment.
pub(crate) fn export(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    deployment: Option<&Deployment>,
) -> Outcome<Reply> {
    let only = scope(ctx, tx, deployment)?;
    let query = only
        .as_ref()
        .map_or_else(Query::default, Deployment::members);
    let mut collection = Collection::new();
    for record in tx.list(&query)? {
        let stored = Stored::from_record(ctx, &record)?;
        if !matches!(stored, Stored::Resource(_)) {
            continue;
        }
        if let Document::Resource(r) = entity::document(ctx, tx, &stored)? {
            let mut r = without_actions(r);
            // Two deployments of one descriptor share entity ids: in the whole server's
            // export, a repeated id gives way to its location's last segment (unique).
            if collection.resource(&r.entity.id).is_some()
                && let Some(segment) = Entity::id_from_location(&record.location)
            {
                segment.clone_into(&mut r.entity.id);
            }
            collection.push_resource(r).map_err(|e| {
                Fail::Reply(Reply::error(
                    409,
                    format!("the stored entities make no OVF descriptor: {e}"),
                ))
            })?;
        }
    }
    let cdmi_base = cdmi_base(ctx, only.as_ref());
    if let Some(d) = &only
        && let Some(doc) = kept(ctx, tx, d, &collection, &cdmi_base)?
    {
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
    name_backing_objects(ctx, tx, &mut collection)?;
    // A deployment's own data objects are files of its package: relative hrefs (what its
    // OVA carries, and what the imported descriptor said); other data objects by URL.
    let cdmi_base = match &only {
        Some(_) => {
            package_relative(&mut collection, &cdmi_base);
            None
        }
        None => Some(cdmi_base),
    };
    let options = tern_mapping::occi2ovf::ExportOptions {
        ovf2: false,
        cdmi_base,
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

// A storage that names neither a data object nor a disk file gets the object backing it (its
// sparse volume, an image copy), so that its File href is that object's URL and not a name
// guessed from its id.
fn name_backing_objects(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    collection: &mut Collection,
) -> Outcome<()> {
    for r in collection.resources_mut() {
        if r.entity.attributes.get("tern.cdmi.uri").is_some()
            || r.entity.attributes.get("tern.ovf.disk.file").is_some()
            || !super::bridge::is_storage(ctx, &r.entity.kind)
        {
            continue;
        }
        let location = r.entity.location_or_default();
        if let Some(row) = super::bridge::backing(ctx, tx, &location)? {
            let url = format!("{}{}", ctx.base.trim_end_matches('/'), row.path);
            r.entity
                .attributes
                .insert("tern.cdmi.uri", tern_model::Value::String(url));
            r.entity.attributes.insert(
                "tern.cdmi.objectid",
                tern_model::Value::String(row.object_id.clone()),
            );
        }
    }
    Ok(())
}

// A storage whose data object is in the deployment's container (`container`) names it by
// its file name alone.
fn package_relative(collection: &mut Collection, container: &str) {
    for r in collection.resources_mut() {
        let file = match r.entity.attributes.get("tern.cdmi.uri") {
            Some(tern_model::Value::String(uri)) => match uri.strip_prefix(container) {
                Some(file) if super::disks::flat_href(file) => file.to_owned(),
                _ => continue,
            },
            _ => continue,
        };
        r.entity.attributes.remove("tern.cdmi.uri");
        r.entity
            .attributes
            .insert("tern.ovf.disk.file", file.as_str());
    }
}

/// The deployment an export describes: the one asked for, or for the whole server its one
/// deployment when nothing else is stored.
pub(crate) fn scope(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    deployment: Option<&Deployment>,
) -> Outcome<Option<Deployment>> {
    Ok(match deployment {
        Some(d) => Some(d.clone()),
        None => match super::deploy::all(ctx).as_slice() {
            [d] if tx.count(&d.members())? == tx.count(&Query::default())? => Some(d.clone()),
            _ => None,
        },
    })
}

// The CDMI container a deployment's File hrefs are data objects of.
fn cdmi_base(ctx: &Ctx, deployment: Option<&Deployment>) -> String {
    match deployment {
        Some(d) => format!("{}{}", ctx.base, d.volumes()),
        None => format!("{}{}", ctx.base, super::bridge::VOLUMES),
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

// The deployment's kept envelope, while it still describes its resources: the resources it
// made are the deployment's resources, no more (one added, say a scaled-out slave, and no
// fewer (one deleted): otherwise the export is made from the entities alone.
fn kept(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    deployment: &Deployment,
    collection: &Collection,
    cdmi_base: &str,
) -> Outcome<Option<tern_ovf::Document>> {
    let Some(envelope) = deployment.envelope(tx)? else {
        return Ok(None);
    };
    let Ok(doc) = tern_ovf::Document::parse(envelope.as_bytes()) else {
        tracing::warn!("the kept OVF envelope is unreadable: the export is made from the entities");
        return Ok(None);
    };
    let Ok(baseline) = tern_mapping::ovf2occi::ovf_to_occi(&doc, &restore_options(ctx, cdmi_base))
    else {
        return Ok(None);
    };
    let made = baseline.collection.resources();
    let same = made.len() == collection.resources().len()
        && made
            .iter()
            .all(|r| collection.resource(&r.entity.id).is_some());
    Ok(same.then_some(doc))
}

// The actions a state allows are the server's, not the deployment's.
fn without_actions(mut r: Resource) -> Resource {
    r.entity.actions.clear();
    for l in &mut r.links {
        l.entity.actions.clear();
    }
    r
}

/// `POST` of an OVF descriptor: validated, converted and created in this transaction as a
/// new deployment (`named`, or named after the descriptor); 201 with the created locations
/// (`text/uri-list`), `Location` the deployment's collection.
pub(crate) fn import(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    body: &str,
    named: Option<Deployment>,
    after: &mut After,
) -> Outcome<Reply> {
    import_with(ctx, tx, body, named, &[], after)
}

/// [`import`], with data objects already written as blobs (an OVA's disks): each becomes a
/// data object of the deployment's CDMI container, named by its File href, in the same
/// transaction.
pub(crate) fn import_with(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    body: &str,
    named: Option<Deployment>,
    disks: &[Disk],
    after: &mut After,
) -> Outcome<Reply> {
    let doc = parse(body)?;
    let deployment = named.unwrap_or_else(|| Deployment::from_envelope(&doc));
    if deployment.exists(ctx) {
        return Err(conflict(format!(
            "the deployment {} exists already ({}): name another with ?name= or a Slug header",
            deployment.name(),
            deployment.location()
        )));
    }
    let cdmi_base = cdmi_base(ctx, Some(&deployment));
    let conversion = convert(ctx, &doc, &cdmi_base)?;
    let work = add_mixins(ctx, tx, &conversion, &deployment, after)?;
    super::disks::store(&work, tx, &deployment, &conversion, disks)?;
    let created = create_all(&work, tx, &conversion, &deployment)?;
    deployment.keep_envelope(tx, body)?;
    let reply = Reply::document(
        201,
        &Document::Locations(created),
        MediaType::UriList,
        &ctx.base,
    );
    Ok(reply.with_header("Location", format!("{}{}", ctx.base, deployment.location())))
}

// The descriptor validated (400 with the errors) and parsed.
pub(crate) fn parse(body: &str) -> Outcome<tern_ovf::Document> {
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
    tern_ovf::Document::parse(bytes).map_err(|e| {
        Fail::Reply(Reply::findings(
            400,
            "the OVF descriptor is unreadable",
            &[e.to_finding()],
        ))
    })
}

// The descriptor converted, its File hrefs data objects under `cdmi_base`.
fn convert(
    ctx: &Ctx,
    doc: &tern_ovf::Document,
    cdmi_base: &str,
) -> Outcome<tern_mapping::ovf2occi::Conversion> {
    let options = tern_mapping::ovf2occi::Options {
        version: ctx.version,
        cdmi_base: Some(cdmi_base.to_owned()),
        cdmi_enterprise: ctx.cdmi_enterprise,
        ..tern_mapping::ovf2occi::Options::default()
    };
    let conversion = tern_mapping::ovf2occi::ovf_to_occi(doc, &options).map_err(|e| {
        Fail::Reply(Reply::findings(
            400,
            "the OVF descriptor does not convert to OCCI",
            &[conversion_finding(&e)],
        ))
    })?;
    Ok(conversion)
}

// The mixins the descriptor brings (templates, tern's OVF mixins) and the deployment's join
// the catalogue: the context the entities are created in.
fn add_mixins(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    conversion: &tern_mapping::ovf2occi::Conversion,
    deployment: &Deployment,
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
    deployment.register(tx, &mut catalogue)?;
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
    }
    let work = Ctx {
        catalogue: Arc::new(catalogue.clone()),
        ..ctx.clone()
    };
    after.catalogue = Some(catalogue);
    Ok(work)
}

// The resources (each after the targets of its links), their links, the standalone links:
// their locations, in creation order. Each is placed in the deployment and tagged with it;
// links follow their ends to their new places.
fn create_all(
    work: &Ctx,
    tx: &mut dyn Transaction,
    conversion: &tern_mapping::ovf2occi::Conversion,
    deployment: &Deployment,
) -> Outcome<Vec<String>> {
    let deployed = as_deployed(&conversion.collection, deployment);
    let mut created = Vec::new();
    for index in creation_order(deployed.resources()) {
        let mut next = deployed.resources()[index].clone();
        let links = std::mem::take(&mut next.links);
        let stored = create(work, tx, Document::Resource(next), deployment)?;
        created.push(stored.clone());
        for mut link in links {
            link.source.location.clone_from(&stored);
            created.push(create(work, tx, Document::Link(link), deployment)?);
        }
    }
    for link in deployed.standalone_links() {
        created.push(create(work, tx, Document::Link(link.clone()), deployment)?);
    }
    Ok(created)
}

// The order resources are created in: each after the resources of this set its links lead
// to, the first ready in the given order; in a cycle, the first left (the links' checks judge
// it). Dependency counts and a sorted ready set: O((n + links) log n), where rescanning the
// pending list for the first ready one was quadratic in the number of resources.
fn creation_order(resources: &[Resource]) -> Vec<usize> {
    let index: HashMap<String, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.entity.location_or_default(), i))
        .collect();
    let mut waiting = vec![0usize; resources.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); resources.len()];
    for (i, r) in resources.iter().enumerate() {
        let targets: HashSet<usize> = r
            .links
            .iter()
            .filter_map(|l| index.get(&l.target.location).copied())
            .collect();
        waiting[i] = targets.len();
        for t in targets {
            dependents[t].push(i);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..resources.len()).filter(|&i| waiting[i] == 0).collect();
    let mut left: std::collections::BTreeSet<usize> = (0..resources.len()).collect();
    let mut order = Vec::with_capacity(resources.len());
    while let Some(next) = ready.pop_first().or_else(|| left.first().copied()) {
        left.remove(&next);
        ready.remove(&next);
        order.push(next);
        for &d in &dependents[next] {
            waiting[d] = waiting[d].saturating_sub(1);
            if waiting[d] == 0 && left.contains(&d) {
                ready.insert(d);
            }
        }
    }
    order
}

/// A failed conversion as a finding (with the descriptor's line and column when it has them).
pub(crate) fn conversion_finding(e: &tern_mapping::ovf2occi::BridgeError) -> tern_diag::Finding {
    match e {
        tern_mapping::ovf2occi::BridgeError::BadValue {
            line,
            column,
            message,
        } => tern_diag::Finding::error("ovf2occi", message.clone())
            .at(tern_diag::Position::new(*line, *column)),
        other => tern_diag::Finding::error("ovf2occi", other.to_string()),
    }
}

/// What `POST` of `doc` would store in the deployment `named` (or, without a valid name, the
/// one named after the descriptor): the conversion with that deployment's CDMI container,
/// placed and tagged as the import places and tags it. For comparisons with the stored state
/// (the web page's plan preview); `base` is the server's URL.
pub(crate) fn imported_view(
    doc: &tern_ovf::Document,
    named: Option<&str>,
    base: &str,
    version: tern_occi::OcciVersion,
    cdmi_enterprise: u32,
) -> Result<Collection, tern_mapping::ovf2occi::BridgeError> {
    let deployment = named
        .and_then(|n| Deployment::named(n).ok())
        .unwrap_or_else(|| Deployment::from_envelope(doc));
    let options = tern_mapping::ovf2occi::Options {
        version,
        cdmi_base: Some(format!("{base}{}", deployment.volumes())),
        cdmi_enterprise,
        ..tern_mapping::ovf2occi::Options::default()
    };
    let conversion = tern_mapping::ovf2occi::ovf_to_occi(doc, &options)?;
    Ok(as_deployed(&conversion.collection, &deployment))
}

/// What an import of `collection` (a conversion's output) into `deployment` stores: every
/// entity at the deployment's place for it, tagged with its mixin, links following their
/// ends. The import creates exactly this; the web page's plan preview compares with it.
pub(crate) fn as_deployed(collection: &Collection, deployment: &Deployment) -> Collection {
    let tag = deployment.mixin_id();
    let moved: HashMap<String, String> = collection
        .resources()
        .iter()
        .map(|r| {
            let at = r.entity.location_or_default();
            let to = deployment.place(&at);
            (at, to)
        })
        .collect();
    let follow = |l: &mut tern_model::Link| {
        if let Some(to) = moved.get(&l.target.location) {
            l.target.location.clone_from(to);
        }
        if let Some(to) = moved.get(&l.source.location) {
            l.source.location.clone_from(to);
        }
        l.entity.mixins.push(tag.clone());
    };
    let mut out = Collection::new();
    for r in collection.resources() {
        let mut r = r.clone();
        let at = r.entity.location_or_default();
        r.entity.location = Some(deployment.place(&at));
        r.entity.mixins.push(tag.clone());
        r.links.iter_mut().for_each(follow);
        // Locations were unique in the conversion and `place` keeps them apart.
        let _ = out.push_resource(r);
    }
    for link in collection.standalone_links() {
        let mut link = link.clone();
        follow(&mut link);
        if let Some(at) = link.entity.location.take() {
            link.entity.location = Some(deployment.place(&at));
        }
        out.push_link(link);
    }
    out
}

// Creates one entity at the location the conversion gave it (or in its kind's collection).
fn create(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    doc: Document,
    deployment: &Deployment,
) -> Outcome<String> {
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
            let given = deployment.place(&format!("{at}{segment}"));
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
    use super::{creation_order, names_ovf};
    use tern_model::{CategoryId, Entity, Link, Resource};

    fn resource(at: &str, targets: &[&str]) -> Resource {
        let mut e = Entity::new("", CategoryId::new("http://x#", "k"));
        e.location = Some(at.into());
        let mut r = Resource::new(e);
        for t in targets {
            r.links.push(Link::new(
                Entity::new("", CategoryId::new("http://x#", "l")),
                at,
                *t,
            ));
        }
        r
    }

    #[test]
    fn resources_are_created_after_what_their_links_reach() {
        // Computes listed before the network they all use: the network first, then the
        // computes in the given order; a target outside the set does not wait.
        let mut set: Vec<Resource> = (0..5)
            .map(|i| resource(&format!("/c/{i}"), &["/n/net", "/elsewhere"]))
            .collect();
        set.push(resource("/n/net", &[]));
        assert_eq!(creation_order(&set), vec![5, 0, 1, 2, 3, 4]);
        // A cycle (and a self-link) does not stop it: the first left goes, in the given order.
        let cycle = vec![
            resource("/a", &["/b"]),
            resource("/b", &["/a"]),
            resource("/s", &["/s"]),
        ];
        assert_eq!(creation_order(&cycle), vec![0, 1, 2]);
    }

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
