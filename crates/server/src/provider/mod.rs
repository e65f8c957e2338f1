//! The OCCI provider: GFD.223's operations on the query interface, collections and
//! entities, each request one store transaction.

mod bridge;
mod collection;
mod deploy;
mod disks;
mod entity;
mod images;
mod ova;
mod ovf;
mod query;
mod request;
mod shared_catalogue;
mod snapshot;
mod stored;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use tern_model::{Catalogue, CategoryId, OcciVersion};
use tern_occi::{MediaType, ParseOptions};
use tern_store::{Decision, Store, StoreError, Transaction, read, transact};

use crate::config::Config;
use crate::driver::Driver;
use crate::negotiate::{self, Target};
use crate::render::Reply;
use crate::{ServerError, ids};

pub(crate) use ova::{Answer as OvaAnswer, claims as ova_claims};
pub(crate) use ovf::{conversion_finding, imported_view};
pub(crate) use request::{Method, OcciRequest};
pub(crate) use snapshot::{MAX_RESOURCES, Scope, Snapshot};

/// The top-level CDMI container of the storage volumes (see the `bridge` module).
pub(crate) const VOLUMES_NAME: &str = "volumes";

/// The OCCI side of the server: catalogue, store and driver.
pub struct Provider {
    cdmi: Arc<crate::cdmi::Cdmi>,
    store: Arc<dyn Store>,
    driver: Arc<dyn Driver>,
    version: OcciVersion,
    catalogue: RwLock<Arc<Catalogue>>,
    // With a store other instances share: the catalogue each request's transaction sees.
    shared: Option<shared_catalogue::SharedCatalogue>,
    // User mixins change the catalogue: one such change at a time.
    categories: tokio::sync::Mutex<()>,
    delay: Option<Duration>,
    busy: Arc<Mutex<HashSet<String>>>,
    cdmi_enterprise: u32,
    // The store's committed write transactions, for the web page's polling.
    changes: snapshot::Changes,
}

// What a request's work needs, cheap to clone into the blocking thread.
#[derive(Clone)]
pub(crate) struct Ctx {
    catalogue: Arc<Catalogue>,
    driver: Arc<dyn Driver>,
    options: ParseOptions,
    version: OcciVersion,
    base: String,
    delay: Option<Duration>,
    busy: Arc<Mutex<HashSet<String>>>,
    cdmi_enterprise: u32,
    // Blobs of CDMI objects the request's transaction deleted (an OCCI storage's volume):
    // deleted once it commits.
    orphans: Arc<Mutex<Vec<String>>>,
    // Copies of disk images made before the transaction that links them (images.rs).
    images: Arc<Mutex<images::Copies>>,
}

// A refusal (rolled back, answered) or a store failure (500).
pub(crate) enum Fail {
    Reply(Reply),
    Store(StoreError),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

impl From<Reply> for Fail {
    fn from(r: Reply) -> Self {
        Fail::Reply(r)
    }
}

pub(crate) type Outcome<T> = Result<T, Fail>;

// What happens after the commit.
#[derive(Default)]
pub(crate) struct After {
    catalogue: Option<Catalogue>,
    // (location, state attribute, target state) finishing after the simulated delay.
    pending: Vec<(String, String, String)>,
}

impl Provider {
    /// A provider over `store` and `driver`, serving the catalogue of `config.version` plus
    /// the user mixins the store holds.
    pub async fn open(
        config: &Config,
        store: Arc<dyn Store>,
        driver: Arc<dyn Driver>,
    ) -> Result<Provider, ServerError> {
        let version = config.version;
        let options = parse_options(version);
        let count = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let store: Arc<dyn Store> = Arc::new(crate::ui::Counted::new(store, Arc::clone(&count)));
        let catalogue = transact(store.as_ref(), move |tx| {
            Ok((
                query::load_catalogue(version, &options, tx)?,
                Decision::Commit,
            ))
        })
        .await?;
        let cdmi = Arc::new(crate::cdmi::Cdmi::open(config, Arc::clone(&store)).await?);
        Ok(Provider {
            cdmi,
            store,
            driver,
            version,
            shared: (config.store != crate::config::StoreLocation::Embedded)
                .then(|| shared_catalogue::SharedCatalogue::new(Arc::new(catalogue.clone()))),
            catalogue: RwLock::new(Arc::new(catalogue)),
            categories: tokio::sync::Mutex::new(()),
            delay: config.simulate_delay,
            busy: Arc::new(Mutex::new(HashSet::new())),
            cdmi_enterprise: config.cdmi_enterprise_number,
            changes: snapshot::Changes::new(count),
        })
    }

    /// Finishes the transitions an earlier run left in progress (a simulated delay cut short
    /// by a stop or a crash: the state message still says `<action> in progress`): each
    /// reaches its state after the delay, as if just invoked. Returns how many there were.
    pub async fn resume(&self) -> Result<usize, ServerError> {
        const PAGE: u64 = 1000;
        let mut offset = 0;
        let mut found = Vec::new();
        loop {
            let ctx = self.ctx("");
            let (page, n) = read(self.store.as_ref(), move |tx| {
                let records = tx.list(&tern_store::Query {
                    offset,
                    limit: Some(PAGE),
                    ..tern_store::Query::default()
                })?;
                let n = records.len();
                let pending = records
                    .iter()
                    .filter(|r| r.body.contains(entity::IN_PROGRESS))
                    .filter_map(|r| entity::interrupted(&ctx, r))
                    .collect::<Vec<_>>();
                Ok((pending, n))
            })
            .await?;
            found.extend(page);
            if (n as u64) < PAGE {
                break;
            }
            offset += PAGE;
        }
        let count = found.len();
        for (location, attribute, state) in found {
            self.ctx("").mark_busy(&location);
            self.finish_later(location, attribute, state);
        }
        Ok(count)
    }

    /// The OCCI version served.
    pub fn version(&self) -> OcciVersion {
        self.version
    }

    // Replaces the catalogue the next requests see.
    fn replace_catalogue(&self, catalogue: Catalogue) {
        *self
            .catalogue
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(catalogue);
    }

    /// The CDMI side sharing this provider's store.
    pub(crate) fn cdmi(&self) -> &Arc<crate::cdmi::Cdmi> {
        &self.cdmi
    }

    /// Whether `segment` is the first segment of one of OCCI's locations (a kind's or a
    /// mixin's collection, the query interface): CDMI does not take such paths.
    pub(crate) fn occi_segment(&self, segment: &str) -> bool {
        if matches!(segment, "-" | ".well-known" | "") {
            return true;
        }
        let ctx = self.ctx("");
        let c = &ctx.catalogue;
        let under = |location: Option<&str>| {
            location.is_some_and(|l| l.trim_start_matches('/').split('/').next() == Some(segment))
        };
        c.kinds().iter().any(|k| under(k.location.as_deref()))
            || c.mixins().iter().any(|m| under(m.location.as_deref()))
    }

    fn ctx(&self, base: &str) -> Ctx {
        Ctx {
            catalogue: Arc::clone(
                &self
                    .catalogue
                    .read()
                    .unwrap_or_else(PoisonError::into_inner),
            ),
            driver: Arc::clone(&self.driver),
            options: parse_options(self.version),
            version: self.version,
            base: base.to_owned(),
            delay: self.delay,
            cdmi_enterprise: self.cdmi_enterprise,
            orphans: Arc::new(Mutex::new(Vec::new())),
            images: Arc::default(),
            busy: Arc::clone(&self.busy),
        }
    }

    /// Answers one request.
    pub(crate) async fn handle(&self, request: OcciRequest) -> Reply {
        if let Some(c) = &self.shared {
            // Routing by mixin locations follows what the last request read.
            *self
                .catalogue
                .write()
                .unwrap_or_else(PoisonError::into_inner) = c.current();
        }
        let qi = request.path == "/-/" || request.path == "/.well-known/org/ogf/occi/-/";
        // Query-interface changes rebuild the catalogue: one at a time.
        let _guard = if (qi && matches!(request.method, Method::Post | Method::Delete))
            || deploy::changes_catalogue(&request)
        {
            Some(self.categories.lock().await)
        } else {
            None
        };
        let ctx = self.ctx(&request.base);
        let target = if qi || !request.path.ends_with('/') {
            Target::Single
        } else {
            Target::Collection
        };
        let media = if deploy::claims(&request) {
            // The OVF side answers in OVF (export) or text/uri-list (import, lists).
            MediaType::UriList
        } else {
            match negotiate::output(
                request.accept.as_deref(),
                &negotiate::offered(self.version, target),
            ) {
                Ok(m) => m,
                Err(r) if request.path == "/" => return with_ovf_offered(r),
                Err(r) => return r,
            }
        };
        let work_ctx = ctx.clone();
        // Reads run on a snapshot, beside each other and beside the writer.
        if matches!(request.method, Method::Get | Method::Head) {
            let shared = self.shared.clone();
            let result = read(self.store.as_ref(), move |tx| {
                let mut work_ctx = work_ctx;
                if let Some(c) = &shared {
                    c.refresh(tx, &mut work_ctx)?;
                }
                let mut after = After::default();
                match route(&work_ctx, tx, &request, media, &mut after) {
                    Ok(reply) | Err(Fail::Reply(reply)) => Ok(reply),
                    Err(Fail::Store(e)) => Err(e),
                }
            })
            .await;
            return result.unwrap_or_else(|e| {
                tracing::error!("request failed in the store: {e}");
                Reply::error(500, format!("the request was not carried out: {e}"))
            });
        }
        // A compute created with an image's os_tpl mixin needs a copy of the image: the
        // first attempt names the images it lacks and rolls back; they are copied (blobs,
        // outside the transaction) and the request runs again with them.
        let mut attempts = 0;
        let result = loop {
            images::Copies::begin(&ctx);
            let result = self.write(ctx.clone(), &request, media).await;
            if attempts < 2 && matches!(result, Ok((_, _, false))) && images::Copies::lacking(&ctx)
            {
                self.copy_images(&ctx).await;
                attempts += 1;
                continue;
            }
            break result;
        };
        self.settle_images(&ctx, matches!(result, Ok((_, _, true))))
            .await;
        match result {
            Ok((reply, after, _)) => {
                let orphans = std::mem::take(
                    &mut *ctx.orphans.lock().unwrap_or_else(PoisonError::into_inner),
                );
                self.cdmi.delete_blobs(orphans).await;
                if let Some(c) = after.catalogue {
                    *self
                        .catalogue
                        .write()
                        .unwrap_or_else(PoisonError::into_inner) = Arc::new(c);
                }
                for (location, attribute, state) in after.pending {
                    ctx.mark_busy(&location);
                    self.finish_later(location, attribute, state);
                }
                reply
            }
            Err(e @ StoreError::Conflict(_)) => {
                Reply::error(503, format!("the request was not carried out: {e}"))
                    .with_header("Retry-After", "1")
            }
            Err(e) => {
                tracing::error!("request failed in the store: {e}");
                Reply::error(500, format!("the request was not carried out: {e}"))
            }
        }
    }

    // Runs a changing request in one transaction (committed when it succeeds, rolled back
    // and answered when refused: the `bool`). One that lost a race with another instance's
    // (a deadlock the shared store broke) left nothing: it is carried out again, a few times.
    async fn write(
        &self,
        ctx: Ctx,
        request: &OcciRequest,
        media: MediaType,
    ) -> Result<(Reply, After, bool), StoreError> {
        let mut tries = 0;
        loop {
            let (mut work_ctx, request) = (ctx.clone(), request.clone());
            let shared = self.shared.clone();
            let result = transact(self.store.as_ref(), move |tx| {
                if let Some(c) = &shared {
                    c.refresh(tx, &mut work_ctx)?;
                }
                let mut after = After::default();
                let outcome = route(&work_ctx, tx, &request, media, &mut after);
                match outcome {
                    Ok(reply) => Ok(((reply, after, true), Decision::Commit)),
                    Err(Fail::Reply(reply)) => {
                        work_ctx
                            .orphans
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .clear();
                        Ok(((reply, After::default(), false), Decision::Rollback))
                    }
                    Err(Fail::Store(e)) => Err(e),
                }
            })
            .await;
            tries += 1;
            match result {
                Err(StoreError::Conflict(_)) if tries < CONFLICT_TRIES => {
                    ctx.orphans
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clear();
                }
                result => return result,
            }
        }
    }

    // The simulated driver's transition completes after the delay, in its own transaction.
    fn finish_later(&self, location: String, attribute: String, state: String) {
        let store = Arc::clone(&self.store);
        let ctx = self.ctx("");
        let delay = self.delay.unwrap_or_default();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let busy = Arc::clone(&ctx.busy);
            let done = location.clone();
            let r = transact(store.as_ref(), move |tx| {
                entity::complete(&ctx, tx, &location, &attribute, &state)?;
                Ok(((), Decision::Commit))
            })
            .await;
            busy.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&done);
            if let Err(e) = r {
                tracing::error!("the delayed transition of {done} failed: {e}");
            }
        });
    }
}

/// How many times a request whose transaction lost a race is carried out at most.
const CONFLICT_TRIES: u32 = 3;

fn parse_options(version: OcciVersion) -> ParseOptions {
    ParseOptions {
        version,
        ..ParseOptions::lenient()
    }
}

// A 406 of `/` names OVF among what is served.
fn with_ovf_offered(mut reply: Reply) -> Reply {
    for (name, value) in &mut reply.headers {
        if name.eq_ignore_ascii_case("accept") {
            value.push_str(", ");
            value.push_str(ovf::OVF_XML);
        }
    }
    if reply.body.ends_with('\n') {
        reply.body.pop();
    }
    reply.body.push_str(", ");
    reply.body.push_str(ovf::OVF_XML);
    reply.body.push('\n');
    reply
}

// Which operation a request is.
fn route(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    media: MediaType,
    after: &mut After,
) -> Outcome<Reply> {
    let path = request.path.as_str();
    if deploy::claims(request) {
        return deploy::handle(ctx, tx, request, after);
    }
    if path == "/-/" || path == "/.well-known/org/ogf/occi/-/" {
        return query::handle(ctx, tx, request, media, after);
    }
    if path.ends_with('/') {
        return collection::handle(ctx, tx, request, media, after);
    }
    entity::handle(ctx, tx, request, media, after)
}

impl Ctx {
    // The category (kind or mixin) bound to a collection location.
    fn category_at(&self, location: &str) -> Option<CategoryId> {
        let c = &self.catalogue;
        c.kinds()
            .iter()
            .find(|k| k.location.as_deref() == Some(location))
            .map(|k| k.id.clone())
            .or_else(|| {
                c.mixins()
                    .iter()
                    .find(|m| m.location.as_deref() == Some(location))
                    .map(|m| m.id.clone())
            })
    }

    fn readable(&self) -> Vec<MediaType> {
        negotiate::readable(self.version)
    }

    fn is_busy(&self, location: &str) -> bool {
        self.busy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(location)
    }

    fn mark_busy(&self, location: &str) {
        self.busy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(location.to_owned());
    }
}

fn new_uuid() -> Outcome<String> {
    ids::uuid().map_err(|e| Fail::Reply(Reply::error(500, e)))
}
