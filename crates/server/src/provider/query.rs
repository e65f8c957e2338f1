//! The query interface (`/-/`, `/.well-known/org/ogf/occi/-/`): the catalogue, filtered by
//! Category; user-defined mixins added by POST and removed by DELETE.

use tern_model::{Catalogue, CategoryId, Mixin, OcciVersion};
use tern_occi::{Document, Listing, MediaType, ParseOptions, read, write};
use tern_store::{MixinRecord, Query, StoreError, Transaction};

use super::entity::{bad, conflict};
use super::stored::Stored;
use super::{After, Ctx, Fail, Method, OcciRequest, Outcome};
use crate::render::Reply;

/// The catalogue served: OCCI Infrastructure of `version` plus the stored user mixins (one
/// the catalogue no longer accepts is skipped, with a log line).
pub(crate) fn load_catalogue(
    version: OcciVersion,
    options: &ParseOptions,
    tx: &mut dyn Transaction,
) -> Result<Catalogue, StoreError> {
    let mut catalogue = Catalogue::infrastructure(version);
    for record in tx.mixins()? {
        match read(&record.body, MediaType::OcciJson, options, &catalogue).map(|p| p.value) {
            Ok(Document::Mixin(m)) => {
                if let Err(e) = catalogue.add_mixin(m) {
                    tracing::warn!("user mixin {} skipped: {e}", record.id);
                }
            }
            _ => tracing::warn!("user mixin {} skipped: unreadable", record.id),
        }
    }
    Ok(catalogue)
}

pub(crate) fn handle(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    media: MediaType,
    after: &mut After,
) -> Outcome<Reply> {
    match request.method {
        Method::Get | Method::Head => {
            let listing = filtered(ctx, request)?;
            Ok(Reply::document(
                200,
                &Document::Listing(listing),
                media,
                &ctx.base,
            ))
        }
        Method::Post => {
            let mixins = mixins_in(ctx, request)?;
            let mut catalogue = (*ctx.catalogue).clone();
            for m in mixins {
                add(tx, &mut catalogue, m)?;
            }
            after.catalogue = Some(catalogue);
            Ok(Reply::empty(200))
        }
        Method::Delete => {
            let mixins = mixins_in(ctx, request)?;
            let stored: Vec<String> = tx.mixins()?.into_iter().map(|m| m.id).collect();
            for m in &mixins {
                let id = m.id.to_string();
                if !stored.contains(&id) {
                    let why = if ctx.catalogue.category(&m.id).is_some() {
                        format!("{id} is not user-defined: it cannot be removed")
                    } else {
                        format!("no user mixin {id}")
                    };
                    return Err(Fail::Reply(Reply::error(404, why)));
                }
                untag_all(ctx, tx, &m.id)?;
                tx.delete_mixin(&id)?;
            }
            after.catalogue = Some(load_catalogue(ctx.version, &ctx.options, tx)?);
            Ok(Reply::empty(200))
        }
        _ => Err(Fail::Reply(
            Reply::error(
                405,
                "the query interface answers GET, HEAD, POST and DELETE",
            )
            .with_header("Allow", "GET, HEAD, POST, DELETE"),
        )),
    }
}

// The categories, narrowed to those related to the `category` parameter or the Category
// header fields: the category, its actions, and for a Kind the Mixins applying to it.
fn filtered(ctx: &Ctx, request: &OcciRequest) -> Outcome<Listing> {
    let catalogue = &ctx.catalogue;
    let mut wanted: Vec<CategoryId> = Vec::new();
    for (k, v) in request.params() {
        if k == "category" {
            wanted.push(
                v.parse()
                    .map_err(|_| bad(format!("category={v} is no category identifier")))?,
            );
        }
    }
    if let Some(fields) = request.header_fields(ctx)? {
        wanted.extend(
            fields
                .categories
                .into_iter()
                .map(|c| CategoryId::new(c.scheme, c.term)),
        );
    }
    let all = Listing::from_catalogue(catalogue);
    if wanted.is_empty() {
        return Ok(all);
    }
    let mut actions: Vec<CategoryId> = Vec::new();
    let mut kinds = Vec::new();
    let mut mixins = Vec::new();
    for k in all.kinds {
        if wanted.contains(&k.id) {
            actions.extend(k.actions.iter().cloned());
            kinds.push(k);
        }
    }
    for m in all.mixins {
        let applies = m.applies.iter().any(|a| kinds.iter().any(|k| &k.id == a));
        if wanted.contains(&m.id) || applies {
            if wanted.contains(&m.id) {
                actions.extend(m.actions.iter().cloned());
            }
            mixins.push(m);
        }
    }
    let actions = all
        .actions
        .into_iter()
        .filter(|a| wanted.contains(&a.id) || actions.contains(&a.id))
        .collect();
    Ok(Listing {
        kinds,
        mixins,
        actions,
        ..Listing::default()
    })
}

// The mixins a POST or DELETE renders.
fn mixins_in(ctx: &Ctx, request: &OcciRequest) -> Outcome<Vec<Mixin>> {
    match request.document(ctx)? {
        Document::Mixin(m) => Ok(vec![m]),
        Document::Listing(l)
            if l.kinds.is_empty() && l.actions.is_empty() && !l.mixins.is_empty() =>
        {
            Ok(l.mixins)
        }
        other => Err(bad(format!(
            "the query interface takes Mixin renderings, not a {}",
            other.composition()
        ))),
    }
}

// Adds a user mixin: a new identifier, a location of its own ending in `/`.
pub(crate) fn add(tx: &mut dyn Transaction, catalogue: &mut Catalogue, m: Mixin) -> Outcome<()> {
    let id = m.id.to_string();
    if catalogue.category(&m.id).is_some() {
        return Err(conflict(format!("{id} exists already")));
    }
    let Some(location) = m.location.clone() else {
        return Err(bad(format!(
            "the user mixin {id} needs a location (its collection, e.g. /my_stuff/)"
        )));
    };
    let well_formed = location.starts_with('/')
        && location.ends_with('/')
        && location.len() > 1
        && !location.starts_with("/-/")
        && !location.starts_with("/.well-known/")
        && location[1..location.len() - 1].split('/').all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        });
    if !well_formed {
        return Err(bad(format!(
            "{location} cannot be a collection: a path of letters, digits and `-._~` segments ending in `/`"
        )));
    }
    let taken = catalogue
        .kinds()
        .iter()
        .filter_map(|k| k.location.as_deref())
        .chain(
            catalogue
                .mixins()
                .iter()
                .filter_map(|m| m.location.as_deref()),
        )
        .any(|l| l == location);
    if taken {
        return Err(conflict(format!(
            "{location} is the collection of another category"
        )));
    }
    let body = write(&Document::Mixin(m.clone()), MediaType::OcciJson).text;
    catalogue
        .add_mixin(m)
        .map_err(|e| bad(format!("the mixin {id} is refused: {e}")))?;
    tx.put_mixin(&MixinRecord { id, location, body })?;
    Ok(())
}

fn untag_all(ctx: &Ctx, tx: &mut dyn Transaction, mixin: &CategoryId) -> Outcome<()> {
    let q = Query {
        mixin: Some(mixin.to_string()),
        ..Query::default()
    };
    for record in tx.list(&q)? {
        let mut e = Stored::from_record(ctx, &record)?;
        e.entity_mut().mixins.retain(|m| m != mixin);
        tx.put(&e.to_record())?;
    }
    Ok(())
}
