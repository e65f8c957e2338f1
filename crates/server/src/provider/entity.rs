//! Operations on one entity: create (by POST to a collection or PUT at a location), read,
//! full and partial update, actions, delete.

use tern_model::{
    Catalogue, CategoryId, Entity, Link, ValidationError, ValidationErrors, ValidationMode,
};
use tern_occi::{Document, MediaType};
use tern_store::Transaction;

use super::stored::Stored;
use super::{After, Ctx, Fail, Method, OcciRequest, Outcome, new_uuid};
use crate::render::Reply;
use crate::version;

/// Where a created entity goes.
pub(crate) enum Place<'a> {
    /// POST to the collection of `kind` at `location`: the server names it.
    In {
        kind: &'a CategoryId,
        location: &'a str,
    },
    /// PUT at this location.
    At(&'a str),
}

pub(crate) fn handle(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    request: &OcciRequest,
    media: MediaType,
    after: &mut After,
) -> Outcome<Reply> {
    let location = request.path.as_str();
    let record = tx.get(location)?;
    // The version the request's preconditions are judged against, in this transaction.
    let current = record.as_ref().map(|r| version::tag(&[&r.body]));
    let existing = match &record {
        Some(r) => Some(Stored::from_record(ctx, r)?),
        None => None,
    };
    match precondition(ctx, request, current.as_deref(), existing.as_ref())? {
        Gate::Go => {}
        Gate::Answer(reply) => return Ok(reply),
        Gate::Created => {
            if let Some(e) = &existing {
                let tag = current.unwrap_or_default();
                return Ok(render(ctx, tx, e, media, 200)?.with_header("ETag", tag));
            }
        }
    }
    match (request.method, existing) {
        (Method::Get | Method::Head, Some(e)) => {
            let tag = current.unwrap_or_default();
            Ok(render(ctx, tx, &e, media, 200)?.with_header("ETag", tag))
        }
        (Method::Put, None) => {
            let doc = request.document(ctx)?;
            let created = create(ctx, tx, doc, &Place::At(location))?;
            Ok(tagged(render(ctx, tx, &created, media, 201)?, &created)
                .with_header("Location", format!("{}{}", ctx.base, created.location())))
        }
        (Method::Put, Some(old)) => {
            let doc = request.document(ctx)?;
            let new = replace(ctx, tx, &old, doc)?;
            Ok(tagged(render(ctx, tx, &new, media, 200)?, &new))
        }
        (Method::Post, Some(old)) => match request.param("action") {
            Some(term) => {
                let done = act(ctx, tx, old, &term, request, after)?;
                Ok(tagged(render(ctx, tx, &done, media, 200)?, &done))
            }
            None => {
                let doc = request.document_of_kind(ctx, Some(&old.entity().kind))?;
                let new = update(ctx, tx, &old, doc)?;
                Ok(tagged(render(ctx, tx, &new, media, 200)?, &new))
            }
        },
        (Method::Delete, Some(old)) => {
            delete(ctx, tx, &old)?;
            Ok(Reply::empty(204))
        }
        (Method::Other, _) => Err(not_allowed()),
        (_, None) => Err(Fail::Reply(Reply::error(
            404,
            format!("nothing at {location}"),
        ))),
    }
}

// `If-Match` and `If-None-Match` against the entity's version in this transaction: 412
// when the client's change assumed another version (lost race), 304 for a GET of the
// version the client has. A `PUT` with `If-None-Match: *` creates only: repeated on the
// entity it created (the same rendering), it answers 200 with that entity (a retry after a
// lost reply), on another entity 412.
fn precondition(
    ctx: &Ctx,
    request: &OcciRequest,
    current: Option<&str>,
    existing: Option<&Stored>,
) -> Outcome<Gate> {
    let location = request.path.as_str();
    let failed = |what: &str| {
        let mut reply = Reply::error(412, format!("{location}: {what}"));
        if let Some(tag) = current {
            reply = reply.with_header("ETag", tag);
        }
        Fail::Reply(reply)
    };
    if let Some(h) = &request.if_match
        && !version::if_match_holds(h, current)
    {
        return Err(failed(match current {
            Some(_) => "the entity changed since the version If-Match names (fetch it again)",
            None => "If-Match names a version of an entity that does not exist",
        }));
    }
    let Some(h) = &request.if_none_match else {
        return Ok(Gate::Go);
    };
    if version::if_none_match_holds(h, current) {
        return Ok(Gate::Go);
    }
    match (request.method, existing) {
        (Method::Get | Method::Head, _) => Ok(Gate::Answer(
            Reply::empty(304).with_header("ETag", current.unwrap_or_default()),
        )),
        (Method::Put, Some(old))
            if h.trim() == "*" && request.document(ctx).is_ok_and(|d| same_creation(&d, old)) =>
        {
            Ok(Gate::Created)
        }
        _ => Err(failed("If-None-Match: the entity exists (in that version)")),
    }
}

// What the preconditions decide.
enum Gate {
    // Carry the request out.
    Go,
    // Answer this instead.
    Answer(Reply),
    // The entity this create-only request would create is there: answer it (200).
    Created,
}

// Whether `doc` is a rendering that would have created `existing`: the same Kind, Mixins,
// target (a link), and every attribute it gives equal to the entity's (the provider adds
// its own).
fn same_creation(doc: &Document, existing: &Stored) -> bool {
    match doc {
        Document::Resource(r) => same_entity(&Stored::Resource(r.clone()), existing),
        Document::Link(l) => same_entity(&Stored::Link(l.clone()), existing),
        _ => false,
    }
}

fn same_entity(given: &Stored, existing: &Stored) -> bool {
    let given = match (given, existing) {
        (Stored::Resource(r), Stored::Resource(_)) => &r.entity,
        (Stored::Link(l), Stored::Link(o)) if l.target.location == o.target.location => &l.entity,
        _ => return false,
    };
    let e = existing.entity();
    let mut mine = given.mixins.clone();
    let mut theirs = e.mixins.clone();
    mine.sort_by_key(ToString::to_string);
    theirs.sort_by_key(ToString::to_string);
    given.kind == e.kind
        && mine == theirs
        && (given.id.is_empty() || given.id == e.id)
        && (given.title.is_none() || given.title == e.title)
        && given
            .attributes
            .iter()
            .all(|(name, value)| e.attributes.get(name) == Some(value))
}

// `reply` with the entity tag of `stored` as just written.
fn tagged(reply: Reply, stored: &Stored) -> Reply {
    reply.with_header("ETag", version::tag(&[&stored.to_record().body]))
}

fn not_allowed() -> Fail {
    Fail::Reply(
        Reply::error(405, "an entity answers GET, HEAD, PUT, POST and DELETE")
            .with_header("Allow", "GET, HEAD, PUT, POST, DELETE"),
    )
}

/// The entity at `location`.
pub(crate) fn load(ctx: &Ctx, tx: &mut dyn Transaction, location: &str) -> Outcome<Option<Stored>> {
    match tx.get(location)? {
        Some(r) => Ok(Some(Stored::from_record(ctx, &r)?)),
        None => Ok(None),
    }
}

/// `entity` rendered with its links and the actions its state allows.
pub(crate) fn render(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    entity: &Stored,
    media: MediaType,
    status: u16,
) -> Outcome<Reply> {
    let doc = document(ctx, tx, entity)?;
    Ok(Reply::document(status, &doc, media, &ctx.base))
}

/// The entity as a document: a resource with the links it is the source of.
pub(crate) fn document(ctx: &Ctx, tx: &mut dyn Transaction, entity: &Stored) -> Outcome<Document> {
    let mut entity = entity.clone();
    let actions = available_actions(ctx, entity.entity());
    entity.entity_mut().actions = actions;
    Ok(match entity {
        Stored::Resource(mut r) => {
            let location = r.entity.location_or_default();
            for record in tx.links_of(&location)? {
                if record.source.as_deref() == Some(location.as_str())
                    && let Stored::Link(mut l) = Stored::from_record(ctx, &record)?
                {
                    l.entity.actions = available_actions(ctx, &l.entity);
                    r.links.push(l);
                }
            }
            Document::Resource(r)
        }
        Stored::Link(l) => Document::Link(l),
    })
}

/// Creates the resource or link `doc` holds at `place`, its inline links with it.
pub(crate) fn create(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    doc: Document,
    place: &Place<'_>,
) -> Outcome<Stored> {
    let mut stored = match doc {
        Document::Resource(r) => Stored::Resource(r),
        Document::Link(l) => Stored::Link(l),
        other => {
            return Err(bad(format!(
                "expected a resource or link rendering, found a {}",
                other.composition()
            )));
        }
    };
    let location = match name(ctx, tx, &mut stored, place)? {
        Named::New(location) => location,
        Named::Existing(there) => return Ok(*there),
    };
    let catalogue = &ctx.catalogue;
    let base = match stored {
        Stored::Resource(_) => tern_model::RESOURCE,
        Stored::Link(_) => tern_model::LINK,
    };
    let kind = stored.entity().kind.clone();
    if catalogue.kind(&kind).is_some() && !catalogue.is_a(&kind, &core(base)) {
        return Err(bad(format!(
            "{kind} is not a {base} kind: a {} cannot be created with it",
            if base == tern_model::RESOURCE {
                "resource"
            } else {
                "link"
            }
        )));
    }
    let links = match &mut stored {
        Stored::Resource(r) => std::mem::take(&mut r.links),
        Stored::Link(l) => {
            endpoints(ctx, tx, l)?;
            super::bridge::before_link(ctx, tx, l)?;
            Vec::new()
        }
    };
    provision(ctx, &mut stored)?;
    tx.put(&stored.to_record())?;
    super::bridge::created(ctx, tx, &stored)?;
    for mut link in links {
        link.source.location.clone_from(&location);
        link.source.kind = Some(kind.clone());
        let lkind = link.entity.kind.clone();
        let at = catalogue
            .kind(&lkind)
            .and_then(|k| k.location.clone())
            .unwrap_or_else(|| format!("/{}/", lkind.term()));
        create(
            ctx,
            tx,
            Document::Link(link),
            &Place::In {
                kind: &lkind,
                location: &at,
            },
        )?;
    }
    Ok(stored)
}

fn core(id: &str) -> CategoryId {
    let term = id.rsplit_once('#').map_or(id, |(_, t)| t);
    CategoryId::new(tern_model::CORE_SCHEME, term)
}

// Where a create goes.
enum Named {
    // This free location.
    New(String),
    // Nowhere: the client-chosen location holds the entity this request would create (a
    // retry, maybe through another instance, of a create whose reply was lost).
    Existing(Box<Stored>),
}

// Gives the new entity its id and location (409 when taken by another entity).
fn name(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    stored: &mut Stored,
    place: &Place<'_>,
) -> Outcome<Named> {
    let entity = stored.entity_mut();
    let location = match place {
        Place::In { kind, location } => {
            if !ctx.catalogue.is_a(&entity.kind, kind) {
                return Err(bad(format!(
                    "{location} is the collection of {kind}; the rendering's kind is {}",
                    entity.kind
                )));
            }
            if entity.id.is_empty() {
                entity.id = new_uuid()?;
            }
            entity.location = None;
            let default = entity.location_or_default();
            let segment = Entity::id_from_location(&default).unwrap_or_default();
            if !safe_segment(segment) {
                return Err(bad(format!(
                    "the id `{}` names no location: use letters, digits and `-._~`",
                    entity.id
                )));
            }
            format!("{location}{segment}")
        }
        Place::At(path) => {
            if !safe_path(path) {
                return Err(bad(format!(
                    "{path} cannot hold an entity: use path segments of letters, digits and `-._~`, outside /-/ and /.well-known/"
                )));
            }
            if ctx.category_at(path).is_some() {
                return Err(conflict(format!("{path} is a collection")));
            }
            if entity.id.is_empty() {
                Entity::id_from_location(path)
                    .unwrap_or_default()
                    .clone_into(&mut entity.id);
            }
            (*path).to_owned()
        }
    };
    if let Some(record) = tx.get(&location)? {
        let there = Stored::from_record(ctx, &record)?;
        // A client-chosen id in a POST to a collection (a PUT at an existing location
        // replaces; an OVF import names its locations and refuses taken ones).
        if matches!(place, Place::In { .. }) && same_entity(stored, &there) {
            return Ok(Named::Existing(Box::new(there)));
        }
        return Err(conflict(format!(
            "{location} exists already (with another rendering)"
        )));
    }
    entity.location = Some(location.clone());
    Ok(Named::New(location))
}

fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn safe_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("/-/")
        && !path.starts_with("/.well-known/")
        && path[1..].split('/').all(safe_segment)
}

// A link's source must exist (a resource on this server); a target on this server too.
fn endpoints(ctx: &Ctx, tx: &mut dyn Transaction, link: &mut Link) -> Outcome<()> {
    let source = local(ctx, &link.source.location);
    let Some(source) = source else {
        return Err(bad(format!(
            "the link's source {} is not on this server",
            link.source.location
        )));
    };
    match load(ctx, tx, &source)? {
        Some(Stored::Resource(r)) => {
            link.source.location = source;
            link.source.kind = Some(r.entity.kind);
        }
        Some(Stored::Link(_)) => {
            return Err(bad(format!(
                "the link's source {source} is a link, not a resource"
            )));
        }
        None => {
            return Err(Fail::Reply(Reply::error(
                404,
                format!("the link's source {source} does not exist"),
            )));
        }
    }
    if let Some(target) = local(ctx, &link.target.location) {
        match load(ctx, tx, &target)? {
            Some(Stored::Resource(r)) => {
                link.target.location = target;
                link.target.kind = Some(r.entity.kind);
            }
            Some(Stored::Link(_)) => {
                return Err(bad(format!(
                    "the link's target {target} is a link, not a resource"
                )));
            }
            None => {
                return Err(bad(format!("the link's target {target} does not exist")));
            }
        }
    }
    Ok(())
}

// The path of a location on this server (`/x` or `http://host/x`); `None` for another server.
fn local(ctx: &Ctx, location: &str) -> Option<String> {
    if location.starts_with('/') {
        return Some(location.to_owned());
    }
    location
        .strip_prefix(&ctx.base)
        .filter(|p| p.starts_with('/'))
        .map(str::to_owned)
}

// Validates a request, sets the initial state, lets the driver provision, validates the
// instance.
fn provision(ctx: &Ctx, stored: &mut Stored) -> Outcome<()> {
    let catalogue = &ctx.catalogue;
    check(catalogue, stored, ValidationMode::Request, true)?;
    let entity = stored.entity_mut();
    if let Some(machine) = catalogue.state_machine(&entity.kind) {
        entity
            .attributes
            .insert(machine.attribute.clone(), machine.initial.as_str());
    }
    ctx.driver
        .provision(stored.entity_mut())
        .map_err(|e| Fail::Reply(Reply::error(502, e.to_string())))?;
    check(catalogue, stored, ValidationMode::Instance, false)
}

// The catalogue's verdict; with `provider_may_fill`, the attributes the provider assigns
// may be missing.
fn check(
    catalogue: &Catalogue,
    stored: &Stored,
    mode: ValidationMode,
    provider_may_fill: bool,
) -> Outcome<()> {
    let result = match stored {
        Stored::Resource(r) => {
            let mut bare = r.clone();
            bare.links.clear();
            catalogue.validate_resource(&bare, mode)
        }
        Stored::Link(l) => catalogue.validate_link(l, mode),
    };
    let Err(ValidationErrors(errors)) = result else {
        return Ok(());
    };
    let entity = stored.entity();
    let errors: Vec<ValidationError> = errors
        .into_iter()
        .filter(|e| match e {
            ValidationError::MissingId { .. } | ValidationError::MissingProviderSet { .. } => {
                !provider_may_fill
            }
            ValidationError::MissingRequired { attribute, .. } => {
                !(provider_may_fill
                    && catalogue
                        .attribute_def(entity, attribute)
                        .is_some_and(|d| d.provider_assigned))
            }
            _ => true,
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(invalid(&errors))
}

fn invalid(errors: &[ValidationError]) -> Fail {
    let mut body = String::from("the entity is not valid:\n");
    for e in errors {
        body.push_str(&e.to_string());
        body.push('\n');
    }
    body.pop();
    Fail::Reply(Reply::error(400, body))
}

// PUT on an existing entity: the rendering replaces it; its links stay (GFD.223 §5.4.2).
fn replace(ctx: &Ctx, tx: &mut dyn Transaction, old: &Stored, doc: Document) -> Outcome<Stored> {
    let mut new = match (doc, old) {
        (Document::Resource(mut r), Stored::Resource(_)) => {
            r.links.clear();
            Stored::Resource(r)
        }
        (Document::Link(mut l), Stored::Link(o)) => {
            l.source = o.source.clone();
            if l.target.location != o.target.location {
                endpoints(ctx, tx, &mut l)?;
            }
            Stored::Link(l)
        }
        (other, _) => {
            return Err(bad(format!(
                "{} holds a {}; the rendering is a {}",
                old.location(),
                kind_word(old),
                other.composition()
            )));
        }
    };
    keep_provider_set(ctx, old.entity(), new.entity_mut());
    finish_update(ctx, tx, old, new)
}

// POST without `action`: the rendering's attributes and mixins are added to the entity's.
fn update(ctx: &Ctx, tx: &mut dyn Transaction, old: &Stored, doc: Document) -> Outcome<Stored> {
    let given = match doc {
        Document::Resource(r) => r.entity,
        Document::Link(l) => l.entity,
        other => {
            return Err(bad(format!(
                "a partial update takes an entity rendering, not a {}",
                other.composition()
            )));
        }
    };
    let mut new = old.clone();
    let e = new.entity_mut();
    if given.kind != e.kind {
        return Err(bad(format!(
            "{} is a {}; the rendering's kind is {}",
            old.location(),
            e.kind,
            given.kind
        )));
    }
    if !given.id.is_empty() && given.id != e.id {
        return Err(bad(format!(
            "attribute occi.core.id is immutable: {} has id {}, the rendering gives {}",
            old.location(),
            e.id,
            given.id
        )));
    }
    for m in given.mixins {
        if !e.mixins.contains(&m) {
            e.mixins.push(m);
        }
    }
    if given.title.is_some() {
        e.title = given.title;
    }
    for (name, value) in given.attributes.iter() {
        e.attributes.insert(name, value.clone());
    }
    finish_update(ctx, tx, old, new)
}

fn finish_update(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    old: &Stored,
    mut new: Stored,
) -> Outcome<Stored> {
    let location = old.location();
    new.entity_mut().location = Some(location.clone());
    if new.entity().id.is_empty() {
        new.entity_mut().id.clone_from(&old.entity().id);
    }
    if let Err(ValidationErrors(errors)) = ctx.catalogue.validate_update(old.entity(), new.entity())
    {
        return Err(invalid(&errors));
    }
    check(&ctx.catalogue, &new, ValidationMode::Instance, false)?;
    tx.put(&new.to_record())?;
    super::bridge::updated(ctx, tx, &new)?;
    Ok(new)
}

// A full rendering from a client leaves out what the provider sets (state, a MAC): keep it.
fn keep_provider_set(ctx: &Ctx, old: &Entity, new: &mut Entity) {
    let names: Vec<String> = ctx
        .catalogue
        .attribute_index(old)
        .iter()
        .filter(|d| !d.mutable || d.provider_assigned)
        .map(|d| d.name.clone())
        .collect();
    for name in names {
        if new.attributes.get(&name).is_none()
            && let Some(v) = old.attributes.get(&name)
        {
            new.attributes.insert(name, v.clone());
        }
    }
}

fn kind_word(s: &Stored) -> &'static str {
    match s {
        Stored::Resource(_) => "resource",
        Stored::Link(_) => "link",
    }
}

/// Deletes an entity; a resource takes its links with it.
pub(crate) fn delete(ctx: &Ctx, tx: &mut dyn Transaction, old: &Stored) -> Outcome<()> {
    let location = old.location();
    ctx.driver
        .release(old.entity())
        .map_err(|e| Fail::Reply(Reply::error(502, e.to_string())))?;
    if matches!(old, Stored::Resource(_)) {
        for link in tx.links_of(&location)? {
            if let Ok(stored) = Stored::from_record(ctx, &link) {
                super::bridge::deleted(ctx, tx, &stored)?;
            }
            tx.delete(&link.location)?;
        }
    }
    super::bridge::deleted(ctx, tx, old)?;
    tx.delete(&location)?;
    Ok(())
}

/// The actions `entity` offers now: those of its Kind and Mixins, narrowed by the state
/// machine to the ones leaving the current state.
pub(crate) fn available_actions(ctx: &Ctx, entity: &Entity) -> Vec<CategoryId> {
    let all = all_actions(&ctx.catalogue, entity);
    if ctx.is_busy(&entity.location_or_default()) {
        return Vec::new();
    }
    let Some(machine) = ctx.catalogue.state_machine(&entity.kind) else {
        return all;
    };
    let Some(state) = entity
        .attributes
        .get(&machine.attribute)
        .map(tern_model::Value::to_plain_string)
    else {
        return all;
    };
    all.into_iter()
        .filter(|a| {
            let governed = machine
                .transitions
                .iter()
                .any(|t| t.action.as_ref() == Some(a));
            !governed
                || machine
                    .transitions
                    .iter()
                    .any(|t| !t.failure && t.from == state && t.action.as_ref() == Some(a))
        })
        .collect()
}

fn all_actions(catalogue: &Catalogue, entity: &Entity) -> Vec<CategoryId> {
    let mut out: Vec<CategoryId> = Vec::new();
    for k in catalogue.ancestors(&entity.kind) {
        out.extend(k.actions.iter().cloned());
    }
    for m in &entity.mixins {
        for mixin in catalogue.mixin_closure(m) {
            out.extend(mixin.actions.iter().cloned());
        }
    }
    out.dedup();
    out
}

/// Invokes the action named `term` on `entity` (409 when its state does not allow it).
pub(crate) fn act(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    mut entity: Stored,
    term: &str,
    request: &OcciRequest,
    after: &mut After,
) -> Outcome<Stored> {
    let location = entity.location();
    let actions = all_actions(&ctx.catalogue, entity.entity());
    let Some(action) = actions.iter().find(|a| a.term() == term).cloned() else {
        let known: Vec<&str> = actions.iter().map(CategoryId::term).collect();
        return Err(bad(format!(
            "{location} has no action `{term}` (its actions: {})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let parameters = if request.has_rendering() {
        match request.document(ctx)? {
            Document::ActionInvocation(inv) if inv.action == action => inv.attributes,
            Document::ActionInvocation(inv) => {
                return Err(bad(format!(
                    "the query names action {action}, the body invokes {}",
                    inv.action
                )));
            }
            other => {
                return Err(bad(format!(
                    "an action takes an action invocation rendering, not a {}",
                    other.composition()
                )));
            }
        }
    } else {
        tern_model::Attributes::new()
    };
    if ctx.is_busy(&location) {
        return Err(conflict(format!(
            "{location} is carrying out an earlier action; try again when it is done"
        )));
    }
    let machine = ctx.catalogue.state_machine(&entity.entity().kind).cloned();
    let target = match &machine {
        Some(machine) => {
            let state = entity
                .entity()
                .attributes
                .get(&machine.attribute)
                .map_or_else(
                    || machine.initial.clone(),
                    tern_model::Value::to_plain_string,
                );
            let governed: Vec<&str> = machine
                .transitions
                .iter()
                .filter(|t| !t.failure && t.action.as_ref() == Some(&action))
                .map(|t| t.from.as_str())
                .collect();
            match machine
                .transitions
                .iter()
                .find(|t| !t.failure && t.from == state && t.action.as_ref() == Some(&action))
            {
                Some(t) => Some((machine.attribute.clone(), t.to.clone())),
                None if governed.is_empty() => None,
                None => {
                    return Err(conflict(format!(
                        "{location} is {state}: `{term}` is allowed only when it is {}",
                        governed.join(" or ")
                    )));
                }
            }
        }
        None => None,
    };
    let to = target.as_ref().map_or("", |(_, to)| to.as_str());
    ctx.driver
        .perform(entity.entity(), &action, &parameters, to)
        .map_err(|e| Fail::Reply(Reply::error(502, e.to_string())))?;
    if let Some((attribute, to)) = target {
        let e = entity.entity_mut();
        match ctx.delay {
            Some(_) => {
                if ctx.version == tern_model::OcciVersion::V1_2
                    && ctx
                        .catalogue
                        .attribute_def(e, &format!("{attribute}.message"))
                        .is_some()
                {
                    e.attributes.insert(
                        format!("{attribute}.message"),
                        format!("{term}{IN_PROGRESS}"),
                    );
                }
                after.pending.push((location.clone(), attribute, to));
            }
            None => {
                e.attributes.insert(attribute.clone(), to.as_str());
                e.attributes.remove(&format!("{attribute}.message"));
            }
        }
        tx.put(&entity.to_record())?;
    }
    Ok(entity)
}

/// How the state message of a transition under way ends (`start in progress`).
pub(crate) const IN_PROGRESS: &str = " in progress";

/// The transition a stored entity was left in (its state message says `<action> in
/// progress`): (location, state attribute, target state).
pub(crate) fn interrupted(
    ctx: &Ctx,
    record: &tern_store::Record,
) -> Option<(String, String, String)> {
    let entity = Stored::from_record(ctx, record).ok()?;
    let e = entity.entity();
    let machine = ctx.catalogue.state_machine(&e.kind)?;
    let message = e
        .attributes
        .get(&format!("{}.message", machine.attribute))?
        .to_plain_string();
    let term = message.strip_suffix(IN_PROGRESS)?;
    let state = e.attributes.get(&machine.attribute)?.to_plain_string();
    let t = machine.transitions.iter().find(|t| {
        !t.failure && t.from == state && t.action.as_ref().is_some_and(|a| a.term() == term)
    })?;
    Some((
        record.location.clone(),
        machine.attribute.clone(),
        t.to.clone(),
    ))
}

/// The end of a delayed transition: the state reached, the message cleared.
pub(crate) fn complete(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    location: &str,
    attribute: &str,
    state: &str,
) -> Result<(), tern_store::StoreError> {
    let Ok(Some(mut entity)) = load(ctx, tx, location) else {
        return Ok(()); // deleted in the meantime
    };
    let e = entity.entity_mut();
    e.attributes.insert(attribute.to_owned(), state);
    e.attributes.remove(&format!("{attribute}.message"));
    tx.put(&entity.to_record())
}

pub(crate) fn bad(message: String) -> Fail {
    Fail::Reply(Reply::error(400, message))
}

pub(crate) fn conflict(message: String) -> Fail {
    Fail::Reply(Reply::error(409, message))
}
