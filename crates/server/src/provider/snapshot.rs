//! What the web page (`ui` module) reads of the provider: the entities of the whole server or
//! of one mixin collection (a deployment) as one consistent snapshot, each rendered the way
//! the OCCI API renders it, and the store-wide change counter the page polls.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tern_model::{Catalogue, Collection, OcciVersion};
use tern_occi::{Document, ParseOptions};
use tern_store::{Query, read};

use super::entity;
use super::stored::Stored;
use super::{Fail, Provider};
use crate::render::Reply;

/// The most resources a snapshot holds; beyond, it is cut short and says so.
pub(crate) const MAX_RESOURCES: u64 = 5_000;

/// The entities of one scope at one moment.
pub(crate) struct Snapshot {
    /// The change counter read before the snapshot was taken: a later change gives a
    /// different value.
    pub version: String,
    /// The resources (with their locations and the links they are the source of) and the
    /// links whose source is not among them.
    pub collection: Collection,
    /// True when the scope held more than [`MAX_RESOURCES`] resources.
    pub truncated: bool,
    /// The catalogue the entities were read with (the server's, user mixins included).
    pub catalogue: Arc<Catalogue>,
    /// How the server reads renderings.
    pub options: ParseOptions,
    /// The OCCI version served.
    pub occi_version: OcciVersion,
    /// The CDMI enterprise number of the server's object IDs.
    pub cdmi_enterprise: u32,
}

/// Which entities a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every entity of the server.
    Server,
    /// The members of the mixin collection at this location (`/deployments/NAME/`).
    Mixin(String),
}

/// Counts the store's committed write transactions (see [`Counted`](crate::ui::Counted)),
/// with a random epoch so that a restarted server never repeats an earlier value.
#[derive(Debug)]
pub(crate) struct Changes {
    epoch: String,
    count: Arc<AtomicU64>,
}

impl Changes {
    pub(crate) fn new(count: Arc<AtomicU64>) -> Changes {
        let epoch = crate::ids::uuid().unwrap_or_else(|_| "0".into());
        let epoch = epoch
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(12)
            .collect();
        Changes { epoch, count }
    }

    /// The current value: `EPOCH-COUNT`.
    pub(crate) fn version(&self) -> String {
        format!("{}-{}", self.epoch, self.count.load(Ordering::Acquire))
    }
}

impl Provider {
    /// The store-wide change counter (`EPOCH-COUNT`), as cheap as an atomic load.
    pub(crate) fn changes(&self) -> String {
        self.changes.version()
    }

    /// Whether `location` is a mixin collection of the catalogue.
    pub(crate) fn is_mixin_collection(&self, location: &str) -> bool {
        let ctx = self.ctx("");
        ctx.category_at(location)
            .is_some_and(|id| ctx.catalogue.kind(&id).is_none())
    }

    /// The entities of `scope`, read in one read-only transaction.
    pub(crate) async fn snapshot(&self, scope: Scope) -> Result<Snapshot, Reply> {
        let version = self.changes();
        let ctx = self.ctx("");
        let work = ctx.clone();
        let result = read(self.store.as_ref(), move |tx| {
            let mixin = match &scope {
                Scope::Server => None,
                Scope::Mixin(location) => work.category_at(location).map(|id| id.to_string()),
            };
            let query = Query {
                mixin,
                limit: Some(MAX_RESOURCES * 4),
                ..Query::default()
            };
            let records = tx.list(&query)?;
            let mut collection = Collection::new();
            let mut in_scope = std::collections::HashSet::new();
            let mut resources = 0;
            let mut truncated = records.len() as u64 >= MAX_RESOURCES * 4;
            let mut links = Vec::new();
            for record in &records {
                let stored = match Stored::from_record(&work, record) {
                    Ok(s) => s,
                    Err(Fail::Reply(r)) => return Ok(Err(r)),
                    Err(Fail::Store(e)) => return Err(e),
                };
                match stored {
                    Stored::Link(l) => links.push(l),
                    Stored::Resource(_) if resources >= MAX_RESOURCES => truncated = true,
                    resource @ Stored::Resource(_) => {
                        let document = match entity::document(&work, tx, &resource) {
                            Ok(d) => d,
                            Err(Fail::Reply(r)) => return Ok(Err(r)),
                            Err(Fail::Store(e)) => return Err(e),
                        };
                        if let Document::Resource(r) = document {
                            in_scope.insert(r.entity.location_or_default());
                            resources += 1;
                            if let Err(e) = collection.push_resource(r) {
                                return Ok(Err(Reply::error(500, e.to_string())));
                            }
                        }
                    }
                }
            }
            // A member link whose source is no member (a deployment's link from elsewhere).
            for l in links {
                if !in_scope.contains(&l.source.location) {
                    collection.push_link(l);
                }
            }
            Ok(Ok((collection, truncated)))
        })
        .await;
        match result {
            Ok(Ok((collection, truncated))) => Ok(Snapshot {
                version,
                collection,
                truncated,
                catalogue: Arc::clone(&ctx.catalogue),
                options: ctx.options,
                occi_version: ctx.version,
                cdmi_enterprise: ctx.cdmi_enterprise,
            }),
            Ok(Err(reply)) => Err(reply),
            Err(e) => Err(Reply::error(500, format!("the store failed: {e}"))),
        }
    }
}
