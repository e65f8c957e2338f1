//! Deployments: what one OVF (or OVA) import made, kept as a group.
//!
//! A deployment is a user mixin `http://schemas.tern.dev/occi/deployment#<name>` whose
//! collection is `/deployments/<name>/`; every entity an import creates carries it, and a
//! compute created later with it (a scaled-out slave) belongs to the deployment too. Its
//! members are listed by the ordinary mixin-collection code (any OCCI rendering, filters,
//! pages). What this module adds on top:
//!
//! * `POST /deployments/` (name from `?name=`, a `Slug` header, or the envelope's top
//!   VirtualSystem(Collection) id), `POST /deployments/<name>/` and `POST /` import an OVF
//!   descriptor into a new deployment; a name in use is 409.
//! * `GET /deployments/<name>/` with `Accept: application/ovf+xml` exports the deployment
//!   (occi2ovf with the envelope its import kept, under `/.tern/ovf/<name>`).
//! * `DELETE /deployments/<name>/` (without a body) removes its entities and links, the mixin
//!   and the kept envelope in one transaction; with a list of locations it only untags
//!   them, as for any mixin collection. The CDMI data objects its import stored (disks of an OVA,
//!   under `/volumes/<name>/`) stay unless `?purge=true`.
//! * `GET /deployments/` lists the deployments' locations (`text/uri-list`).
//!
//! An import puts each entity at `/<kind>/<name>.<id>` (the conversion's location with the
//! deployment's name before the last segment), so the same descriptor imports under two
//! names side by side; entity ids stay the conversion's, so the kept envelope still matches.

use serde_json::json;
use tern_model::{CategoryId, Mixin};
use tern_store::{CdmiRecord, Query, Transaction};

use super::entity::{bad, conflict};
use super::stored::Stored;
use super::{After, Ctx, Fail, Method, OcciRequest, Outcome};
use crate::render::Reply;

/// The scheme of deployment mixins.
pub(crate) const SCHEME: &str = "http://schemas.tern.dev/occi/deployment#";
/// The collection of deployments.
pub(crate) const COLLECTION: &str = "/deployments/";
/// Where the envelopes imports keep live (store rows outside every CDMI container).
const ENVELOPES: &str = "/.tern/ovf/";
const ENVELOPE_TYPE: &str = "application/x-tern-ovf-envelope";
/// The longest deployment name.
const MAX_NAME: usize = tern_mapping::MAX_DEPLOYMENT_NAME;

/// One deployment, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Deployment {
    name: String,
}

impl Deployment {
    /// A deployment called `name`: lower-case letters, digits, `-` and `_`, starting with a
    /// letter or digit (an OCCI term and a path segment at once); 400 otherwise.
    pub(crate) fn named(name: &str) -> Outcome<Deployment> {
        let ok = !name.is_empty()
            && name.len() <= MAX_NAME
            && name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'));
        if ok {
            Ok(Deployment {
                name: name.to_owned(),
            })
        } else {
            Err(bad(format!(
                "`{name}` cannot name a deployment: 1 to {MAX_NAME} lower-case letters, digits, `-` and `_`, starting with a letter or digit"
            )))
        }
    }

    /// The deployment named after a descriptor's top VirtualSystem(Collection) id, lower-cased,
    /// every other character `-` (`deployment` when it has none).
    pub(crate) fn from_envelope(doc: &tern_ovf::Document) -> Deployment {
        Deployment {
            name: tern_mapping::deployment_name(&tern_ovf::Envelope::read(doc)),
        }
    }

    /// The deployment whose collection is `path` (`/deployments/<name>/`).
    pub(crate) fn at(path: &str) -> Option<Deployment> {
        let name = path.strip_prefix(COLLECTION)?.strip_suffix('/')?;
        Deployment::named(name).ok()
    }

    /// Its name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Its mixin's identifier.
    pub(crate) fn mixin_id(&self) -> CategoryId {
        CategoryId::new(SCHEME, &self.name)
    }

    /// Its collection, `/deployments/<name>/`.
    pub(crate) fn location(&self) -> String {
        format!("{COLLECTION}{}/", self.name)
    }

    /// The CDMI container of the data objects its import stored, `/volumes/<name>/`.
    pub(crate) fn volumes(&self) -> String {
        format!("{}{}/", super::bridge::VOLUMES, self.name)
    }

    /// The store row keeping its envelope.
    fn envelope_path(&self) -> String {
        format!("{ENVELOPES}{}", self.name)
    }

    /// The mixin that tags its members (any kind: resources and links).
    fn mixin(&self) -> Mixin {
        Mixin {
            id: self.mixin_id(),
            title: Some(format!("deployment {}", self.name)),
            depends: Vec::new(),
            applies: Vec::new(),
            attributes: Vec::new(),
            actions: Vec::new(),
            location: Some(self.location()),
        }
    }

    /// Where an entity the conversion put at `location` goes: the deployment's name before
    /// the last segment (`/compute/web` → `/compute/<name>.web`).
    pub(crate) fn place(&self, location: &str) -> String {
        match location.rsplit_once('/') {
            Some((dir, last)) => format!("{dir}/{}.{last}", self.name),
            None => format!("{}.{location}", self.name),
        }
    }

    /// Whether the catalogue has this deployment.
    pub(crate) fn exists(&self, ctx: &Ctx) -> bool {
        ctx.catalogue.category(&self.mixin_id()).is_some()
    }

    /// Adds the deployment's mixin to `catalogue` and the store (409 when the name or its
    /// collection is taken).
    pub(crate) fn register(
        &self,
        tx: &mut dyn Transaction,
        catalogue: &mut tern_model::Catalogue,
    ) -> Outcome<()> {
        if catalogue.category(&self.mixin_id()).is_some() {
            return Err(conflict(format!(
                "the deployment {} exists already ({})",
                self.name,
                self.location()
            )));
        }
        super::query::add(tx, catalogue, self.mixin())
    }

    /// The envelope its import kept.
    pub(crate) fn envelope(&self, tx: &mut dyn Transaction) -> Outcome<Option<String>> {
        let Some(row) = tx.cdmi_get(&self.envelope_path())? else {
            return Ok(None);
        };
        Ok(serde_json::from_str::<serde_json::Value>(&row.body)
            .ok()
            .and_then(|v| {
                v.get("envelope")
                    .and_then(|e| e.as_str())
                    .map(str::to_owned)
            }))
    }

    /// Keeps `envelope` for the deployment's exports.
    pub(crate) fn keep_envelope(&self, tx: &mut dyn Transaction, envelope: &str) -> Outcome<()> {
        tx.cdmi_put(&CdmiRecord {
            path: self.envelope_path(),
            object_id: format!("TERN-OVF-ENVELOPE-{}", self.name),
            parent: None,
            object_type: ENVELOPE_TYPE.into(),
            body: json!({ "envelope": envelope }).to_string(),
        })?;
        Ok(())
    }

    /// The query selecting its members.
    pub(crate) fn members(&self) -> Query {
        Query {
            mixin: Some(self.mixin_id().to_string()),
            ..Query::default()
        }
    }
}

/// Every deployment the catalogue has, in catalogue order.
pub(crate) fn all(ctx: &Ctx) -> Vec<Deployment> {
    ctx.catalogue
        .mixins()
        .iter()
        .filter(|m| m.id.scheme() == SCHEME)
        .filter_map(|m| Deployment::named(m.id.term()).ok())
        .collect()
}

/// Whether the request is the deployments' (an OVF import or export, a deployment's
/// deletion, the list of deployments) rather than the ordinary collection code's.
pub(crate) fn claims(request: &OcciRequest) -> bool {
    let path = request.path.as_str();
    let ovf_in =
        request.method == Method::Post && super::ovf::names_ovf(request.content_type.as_deref());
    let ovf_out = matches!(request.method, Method::Get | Method::Head)
        && super::ovf::names_ovf(request.accept.as_deref());
    if path == "/" {
        return ovf_in || ovf_out;
    }
    if path == COLLECTION {
        return ovf_in || matches!(request.method, Method::Get | Method::Head);
    }
    // A DELETE listing locations keeps GFD.223's meaning (those entities leave the
    // deployment); a bare DELETE deletes the deployment.
    let delete = request.method == Method::Delete && !request.has_rendering();
    Deployment::at(path).is_some() && (ovf_in || ovf_out || delete)
}

/// Whether a request [`claims`] takes changes the catalogue (a deployment's mixin comes or
/// goes): such requests run one at a time.
pub(crate) fn changes_catalogue(request: &OcciRequest) -> bool {
    claims(request) && matches!(request.method, Method::Post | Method::Delete)
}

/// Answers a request [`claims`] took.
pub(crate) fn handle(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    after: &mut After,
) -> Outcome<Reply> {
    let path = request.path.as_str();
    let at = Deployment::at(path);
    match request.method {
        Method::Post => {
            let named = match (&at, request.param("name").or_else(|| request.slug.clone())) {
                (Some(d), _) => Some(d.clone()),
                (None, Some(name)) => Some(Deployment::named(name.trim())?),
                (None, None) => None,
            };
            super::ovf::import(ctx, tx, &request.body, named, after)
        }
        Method::Delete => match at {
            Some(d) => delete(
                ctx,
                tx,
                &d,
                request.param("purge").as_deref() == Some("true"),
                after,
            ),
            None => Err(bad(format!("{path}: nothing to delete"))),
        },
        _ if path == COLLECTION => {
            let list = all(ctx).iter().map(Deployment::location).collect();
            Ok(Reply::document(
                200,
                &tern_occi::Document::Locations(list),
                tern_occi::MediaType::UriList,
                &ctx.base,
            ))
        }
        _ => match at {
            Some(d) if d.exists(ctx) => super::ovf::export(ctx, tx, Some(&d)),
            Some(d) => Err(not_found(&d)),
            None => super::ovf::export(ctx, tx, None),
        },
    }
}

fn not_found(d: &Deployment) -> Fail {
    Fail::Reply(Reply::error(
        404,
        format!("no deployment {} (GET {COLLECTION} lists them)", d.name),
    ))
}

// The deployment's links, then its resources (each with the links it is an end of), its
// mixin and envelope; with `purge`, the data objects its import stored too.
fn delete(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    d: &Deployment,
    purge: bool,
    after: &mut After,
) -> Outcome<Reply> {
    if !d.exists(ctx) {
        return Err(not_found(d));
    }
    let members = tx.list(&d.members())?;
    let (links, resources): (Vec<_>, Vec<_>) =
        members.into_iter().partition(|r| r.source.is_some());
    for record in links.iter().chain(resources.iter()) {
        // A resource deleted before took its links along.
        if tx.get(&record.location)?.is_none() {
            continue;
        }
        let member = Stored::from_record(ctx, record)?;
        super::entity::delete(ctx, tx, &member)?;
    }
    tx.cdmi_delete(&d.envelope_path())?;
    // Every entity tagged with the mixin was a member (however it got the tag): all went.
    tx.delete_mixin(&d.mixin_id().to_string())?;
    if purge {
        purge_objects(ctx, tx, &d.volumes())?;
    }
    after.catalogue = Some(super::query::load_catalogue(ctx.version, &ctx.options, tx)?);
    Ok(Reply::empty(204))
}

// Deletes a CDMI container's tree; the blobs go once the transaction commits.
fn purge_objects(ctx: &Ctx, tx: &mut dyn Transaction, container: &str) -> Outcome<()> {
    let mut pending = vec![container.to_owned()];
    let mut rows = Vec::new();
    while let Some(c) = pending.pop() {
        for child in tx.cdmi_children(&c, 0, u64::MAX >> 1)? {
            if child.path.ends_with('/') {
                pending.push(child.path.clone());
            }
            rows.push(child);
        }
    }
    for row in rows.iter().rev() {
        ctx.orphans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(crate::cdmi::Stored::from_json(&row.body).blob_keys());
        tx.cdmi_delete(&row.path)?;
    }
    tx.cdmi_delete(container)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Deployment;

    #[test]
    fn names() {
        assert!(Deployment::named("hadoop-1").is_ok());
        assert!(Deployment::named("Hadoop").is_err());
        assert!(Deployment::named("-x").is_err());
        assert!(Deployment::named("a/b").is_err());
        assert!(Deployment::named("").is_err());
        assert!(Deployment::named(&"a".repeat(65)).is_err());
        assert_eq!(
            Deployment::at("/deployments/web/").map(|d| d.name),
            Some("web".to_owned())
        );
        assert!(Deployment::at("/deployments/web/x").is_none());
        let d = Deployment::named("d2").ok().unwrap();
        assert_eq!(d.place("/compute/master"), "/compute/d2.master");
    }
}
