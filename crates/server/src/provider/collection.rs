//! Collections: every Kind's and Mixin's location. GET lists (filtered, paged), POST creates
//! (Kind) or tags (Mixin), PUT replaces a Mixin's members, DELETE deletes (Kind) or untags
//! (Mixin); `?action=` acts on every member.

use tern_model::{Catalogue, CategoryId, Entity, Value};
use tern_occi::syntax::TextValue;
use tern_occi::{Document, Listing, MediaType};
use tern_store::{Query, Transaction};

use super::entity::{self, Place, bad, conflict};
use super::stored::Stored;
use super::{After, Ctx, Fail, Method, OcciRequest, Outcome};
use crate::render::Reply;

/// The largest page served (GFD.223 §6: 413 beyond).
const MAX_PAGE: u64 = 10_000;

// What a collection is.
enum Members {
    Kind(CategoryId),
    Mixin(CategoryId),
    All,
}

pub(crate) fn handle(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    media: MediaType,
    after: &mut After,
) -> Outcome<Reply> {
    let location = request.path.as_str();
    let members = match ctx.category_at(location) {
        Some(id) if ctx.catalogue.kind(&id).is_some() => Members::Kind(id),
        Some(id) => Members::Mixin(id),
        None if location == "/" => Members::All,
        None => {
            return Err(Fail::Reply(Reply::error(
                404,
                format!("{location} is no collection (the query interface at /-/ lists them)"),
            )));
        }
    };
    let action = request.param("action");
    match (request.method, &members, action) {
        (Method::Get | Method::Head, _, _) => list(ctx, tx, request, &members, media),
        (Method::Post, Members::Kind(_) | Members::Mixin(_), Some(term)) => {
            let mut done = Vec::new();
            let mut skipped = Vec::new();
            for record in tx.list(&query(&members))? {
                let member = Stored::from_record(ctx, &record)?;
                let location = member.location();
                match entity::act(ctx, tx, member, &term, request, after) {
                    Ok(_) => done.push(location),
                    Err(Fail::Reply(r)) if r.status == 409 || r.status == 400 => {
                        skipped.push(location);
                    }
                    Err(e) => return Err(e),
                }
            }
            let mut reply = Reply::document(200, &Document::Locations(done), media, &ctx.base);
            if !skipped.is_empty() {
                reply = reply.with_header("X-Tern-Skipped", skipped.join(", "));
            }
            Ok(reply)
        }
        (Method::Post, Members::Kind(kind), None) => {
            let doc = request.document(ctx)?;
            let created = create_all(ctx, tx, doc, kind, location)?;
            let first = created.first().cloned().unwrap_or_default();
            let status = 201;
            let reply = if created.len() == 1 {
                let e = entity::load(ctx, tx, &first)?
                    .ok_or_else(|| Fail::Reply(Reply::error(500, "the created entity is gone")))?;
                entity::render(ctx, tx, &e, media, status)?
            } else {
                Reply::document(status, &Document::Locations(created), media, &ctx.base)
            };
            Ok(reply.with_header("Location", format!("{}{first}", ctx.base)))
        }
        (Method::Post | Method::Put, Members::Mixin(mixin), None) => {
            let given = locations(ctx, request)?;
            if request.method == Method::Put {
                let kept: std::collections::HashSet<&str> =
                    given.iter().map(String::as_str).collect();
                for record in tx.list(&query(&members))? {
                    if !kept.contains(record.location.as_str()) {
                        retag(ctx, tx, &record.location, mixin, false)?;
                    }
                }
            }
            for l in &given {
                retag(ctx, tx, l, mixin, true)?;
            }
            list(ctx, tx, request, &members, media)
        }
        (Method::Delete, Members::Kind(_), _) => {
            for record in tx.list(&query(&members))? {
                let member = Stored::from_record(ctx, &record)?;
                if tx.get(&record.location)?.is_some() {
                    entity::delete(ctx, tx, &member)?;
                }
            }
            Ok(Reply::empty(204))
        }
        (Method::Delete, Members::Mixin(mixin), _) => {
            let given = if request.has_rendering() {
                locations(ctx, request)?
            } else {
                tx.list(&query(&members))?
                    .into_iter()
                    .map(|r| r.location)
                    .collect()
            };
            for l in &given {
                retag(ctx, tx, l, mixin, false)?;
            }
            list(ctx, tx, request, &members, media)
        }
        _ => Err(Fail::Reply(
            Reply::error(
                405,
                "a Kind's collection answers GET, POST and DELETE; a Mixin's also PUT; / only GET",
            )
            .with_header("Allow", "GET, HEAD, POST, PUT, DELETE"),
        )),
    }
}

fn query(members: &Members) -> Query {
    match members {
        Members::Kind(k) => Query {
            kinds: vec![k.to_string()],
            ..Query::default()
        },
        Members::Mixin(m) => Query {
            mixin: Some(m.to_string()),
            ..Query::default()
        },
        Members::All => Query::default(),
    }
}

// Every Kind that is `kind` or below it: a collection holds its sub-kinds' instances too.
fn kinds_below(catalogue: &Catalogue, kind: &CategoryId) -> Vec<String> {
    catalogue
        .kinds()
        .iter()
        .filter(|k| catalogue.is_a(&k.id, kind))
        .map(|k| k.id.to_string())
        .collect()
}

// Creates the entities a POST carries (one rendering, or a collection of them).
fn create_all(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    doc: Document,
    kind: &CategoryId,
    location: &str,
) -> Outcome<Vec<String>> {
    let place = Place::In { kind, location };
    match doc {
        Document::Listing(l)
            if l.is_entities() && !(l.resources.is_empty() && l.links.is_empty()) =>
        {
            let mut out = Vec::new();
            for r in l.resources {
                out.push(entity::create(ctx, tx, Document::Resource(r), &place)?.location());
            }
            for k in l.links {
                out.push(entity::create(ctx, tx, Document::Link(k), &place)?.location());
            }
            Ok(out)
        }
        other => Ok(vec![entity::create(ctx, tx, other, &place)?.location()]),
    }
}

// The locations a tagging request lists (text/uri-list, X-OCCI-Location), as paths.
fn locations(ctx: &Ctx, request: &OcciRequest) -> Outcome<Vec<String>> {
    let doc = request.document(ctx)?;
    let list = match doc {
        Document::Locations(l) => l,
        Document::Listing(l) if l.is_entities() => l
            .resources
            .iter()
            .map(|r| r.entity.location_or_default())
            .chain(l.links.iter().map(|k| k.entity.location_or_default()))
            .collect(),
        other => {
            return Err(bad(format!(
                "a Mixin's collection takes a list of locations, not a {}",
                other.composition()
            )));
        }
    };
    Ok(list
        .into_iter()
        .map(|l| match l.strip_prefix(&ctx.base) {
            Some(p) if p.starts_with('/') => p.to_owned(),
            _ => l,
        })
        .collect())
}

// Adds or removes `mixin` on the entity at `location` (404 when there is none).
fn retag(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    location: &str,
    mixin: &CategoryId,
    add: bool,
) -> Outcome<()> {
    let Some(mut member) = entity::load(ctx, tx, location)? else {
        return Err(Fail::Reply(Reply::error(
            404,
            format!("nothing at {location}"),
        )));
    };
    let e = member.entity_mut();
    if add == e.has_mixin(mixin) {
        return Ok(());
    }
    if add {
        e.mixins.push(mixin.clone());
        if let Some(m) = ctx.catalogue.mixin(mixin)
            && !m.applies.is_empty()
            && !m.applies.iter().any(|k| ctx.catalogue.is_a(&e.kind, k))
        {
            return Err(conflict(format!(
                "{mixin} does not apply to {location}, a {}",
                e.kind
            )));
        }
    } else {
        e.mixins.retain(|m| m != mixin);
    }
    tx.put(&member.to_record())?;
    Ok(())
}

// GET: the members, filtered by Category and attribute (query string or OCCI header
// fields), paged by `page` (from 1) and `number`.
fn list(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    members: &Members,
    media: MediaType,
) -> Outcome<Reply> {
    let mut q = query(members);
    if let Members::Kind(k) = members {
        q.kinds = kinds_below(&ctx.catalogue, k);
    }
    let filter = Filter::from_request(ctx, request)?;
    let number = match request.param("number") {
        Some(n) => Some(
            n.parse::<u64>()
                .map_err(|_| bad(format!("number={n} is no count")))?,
        ),
        None => None,
    };
    let page = match request.param("page") {
        Some(p) => p
            .parse::<u64>()
            .map_err(|_| bad(format!("page={p} is no page number")))?,
        None => 1,
    };
    if number.is_some_and(|n| n > MAX_PAGE) {
        return Err(Fail::Reply(Reply::error(
            413,
            format!("number is at most {MAX_PAGE}"),
        )));
    }
    let skip = number.map_or(0, |n| n.saturating_mul(page.saturating_sub(1)));
    let full = media.is_json() || !filter.is_empty();
    if filter.is_empty() {
        q.offset = skip;
        q.limit = number;
    }
    // The members in order (decoded when a filter or the JSON rendering needs them), then
    // the page (the store paged already when nothing is filtered), then the rendering.
    let mut members: Vec<(String, Option<Stored>)> = Vec::new();
    for record in tx.list(&q)? {
        if !full {
            members.push((record.location, None));
            continue;
        }
        let member = Stored::from_record(ctx, &record)?;
        if filter.matches(member.entity()) {
            members.push((record.location, Some(member)));
        }
    }
    if !filter.is_empty() {
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        let take = number.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        members = members.into_iter().skip(skip).take(take).collect();
    }
    if !media.is_json() {
        let found = members.into_iter().map(|(l, _)| l).collect();
        return Ok(Reply::document(
            200,
            &Document::Locations(found),
            media,
            &ctx.base,
        ));
    }
    let mut listing = Listing::default();
    for member in members.into_iter().filter_map(|(_, m)| m) {
        match entity::document(ctx, tx, &member)? {
            Document::Resource(r) => listing.resources.push(r),
            Document::Link(l) => listing.links.push(l),
            _ => {}
        }
    }
    Ok(Reply::document(
        200,
        &Document::Listing(listing),
        media,
        &ctx.base,
    ))
}

// The filters of a collection GET.
struct Filter {
    categories: Vec<CategoryId>,
    attributes: Vec<(String, String)>,
}

impl Filter {
    fn from_request(ctx: &Ctx, request: &OcciRequest) -> Outcome<Filter> {
        let mut f = Filter {
            categories: Vec::new(),
            attributes: Vec::new(),
        };
        for (k, v) in request.params() {
            match k.as_str() {
                "page" | "number" | "action" => {}
                "category" => f.categories.push(
                    v.parse()
                        .map_err(|_| bad(format!("category={v} is no category identifier")))?,
                ),
                _ => f.attributes.push((k, v)),
            }
        }
        if let Some(fields) = request.header_fields(ctx)? {
            for c in fields.categories {
                f.categories.push(CategoryId::new(c.scheme, c.term));
            }
            for a in fields.attributes {
                let v = match a.value {
                    TextValue::String(s) | TextValue::Number(s) | TextValue::Token(s) => s,
                    TextValue::Bool(b) => b.to_string(),
                };
                f.attributes.push((a.name, v));
            }
        }
        Ok(f)
    }

    fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.attributes.is_empty()
    }

    fn matches(&self, e: &Entity) -> bool {
        self.categories
            .iter()
            .all(|c| &e.kind == c || e.mixins.contains(c))
            && self.attributes.iter().all(|(name, value)| {
                let v = match name.as_str() {
                    "occi.core.id" => Some(e.id.clone()),
                    "occi.core.title" => e.title.clone(),
                    _ => e.attributes.get(name).map(Value::to_plain_string),
                };
                v.as_deref() == Some(value.as_str())
            })
    }
}
