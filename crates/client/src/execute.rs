//! Execution of a plan: stage by stage, the calls of a stage concurrently (bounded), actions
//! waiting for the new state, the first permanent failure ending the run.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tern_engine::{Body, Operation, OperationKind, Plan, Reason};
use tern_model::{Catalogue, Entity, Resource};
use tern_occi::{ActionInvocation, Document, MediaType, ParseOptions};
use tokio::sync::Semaphore;

use crate::extract::Discovery;
use crate::http::{Call, Client, ClientError};

/// How a plan is executed.
#[derive(Clone)]
pub struct ExecuteOptions {
    /// Calls in flight at most within a stage.
    pub parallel: usize,
    /// How long an action may take to reach its new state.
    pub action_timeout: Duration,
    /// Told when a stage starts and when each operation ends (a progress display).
    pub progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
    /// Each Kind's collection (from the discovery): where a creation is POSTed when the
    /// server refuses a PUT at a new location. A Kind absent here uses `/<term>/`.
    pub collections: Vec<(tern_model::CategoryId, String)>,
}

impl std::fmt::Debug for ExecuteOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecuteOptions")
            .field("parallel", &self.parallel)
            .field("action_timeout", &self.action_timeout)
            .field("progress", &self.progress.is_some())
            .field("collections", &self.collections)
            .finish()
    }
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        ExecuteOptions {
            parallel: 8,
            action_timeout: Duration::from_secs(120),
            progress: None,
            collections: Vec::new(),
        }
    }
}

/// What a progress display is told.
#[derive(Debug, Clone)]
pub enum Progress {
    /// A stage starts.
    Stage {
        /// 1-based stage.
        stage: usize,
        /// Stages in the plan.
        stages: usize,
        /// Operations in the stage.
        operations: usize,
    },
    /// An operation ended.
    Operation {
        /// 1-based stage.
        stage: usize,
        /// The method.
        method: &'static str,
        /// The entity's location (with `?action=` for actions).
        location: String,
        /// False when it failed.
        ok: bool,
    },
}

/// One operation of the plan and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// 1-based stage.
    pub stage: usize,
    /// `create`, `update`, `action` or `delete`.
    pub op: &'static str,
    /// The method.
    pub method: &'static str,
    /// The entity's location.
    pub location: String,
    /// The action's term, for actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The location the server assigned, for a creation POSTed to the Kind's collection
    /// because the server refused the PUT (later operations use it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    /// `done`, `failed` or `not done`.
    pub outcome: Outcome,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What became of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The server did it (or had it done already).
    Done,
    /// It failed for good.
    Failed,
    /// It was not tried: an earlier failure ended the run.
    NotDone,
}

/// The run: every operation's outcome and every HTTP attempt.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when every operation was done.
    pub complete: bool,
    /// The operations in plan order.
    pub steps: Vec<Step>,
    /// Every attempt, in the order they ended.
    pub calls: Vec<Call>,
}

/// Defines at the query interface the mixins of `catalogue` that `wanted` uses and the
/// server does not know (user-defined mixins such as ovf2occi's): a creation would
/// otherwise be refused. Returns the mixins defined.
pub async fn ensure_mixins(
    client: &Client,
    discovery: &Discovery,
    catalogue: &Catalogue,
    wanted: &tern_model::Collection,
) -> Result<Vec<String>, ClientError> {
    let mut used: Vec<&tern_model::CategoryId> = Vec::new();
    for r in wanted.resources() {
        used.extend(r.entity.mixins.iter());
    }
    for l in wanted.links() {
        used.extend(l.entity.mixins.iter());
    }
    // Each with what it depends on, dependencies first (the server checks `depends`).
    let mut missing: Vec<tern_model::Mixin> = Vec::new();
    for id in used {
        add_with_depends(id, catalogue, discovery, &mut missing);
    }
    for m in &mut missing {
        if m.location.is_none() {
            m.location = Some(mixin_location(&m.id));
        }
    }
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let media = client.media().unwrap_or(MediaType::OcciJson);
    let names = missing.iter().map(|m| m.id.to_string()).collect();
    let listing = tern_occi::Listing {
        mixins: missing,
        ..tern_occi::Listing::default()
    };
    let text = tern_occi::write(&Document::Listing(listing), media).text;
    // Defining a mixin again is harmless, so the POST is retried.
    client
        .call("POST", "/-/", Some((&text, media)), true, &[409])
        .await?;
    Ok(names)
}

// Post-order: the dependencies of `id` (that the server lacks), then `id`.
fn add_with_depends(
    id: &tern_model::CategoryId,
    catalogue: &Catalogue,
    discovery: &Discovery,
    out: &mut Vec<tern_model::Mixin>,
) {
    if discovery.mixins.contains(id) || out.iter().any(|m| &m.id == id) {
        return;
    }
    let Some(m) = catalogue.mixin(id) else {
        return;
    };
    // Marks `id` as being added before its dependencies: a cycle ends here.
    out.push(m.clone());
    let at = out.len() - 1;
    for d in &m.depends {
        add_with_depends(d, catalogue, discovery, out);
    }
    let me = out.remove(at);
    out.push(me);
}

// `/mixin/<host and path of the scheme>/<term>/`: unique per identifier.
fn mixin_location(id: &tern_model::CategoryId) -> String {
    let scheme = id.scheme();
    let scheme = scheme
        .split_once("://")
        .map_or(scheme, |(_, rest)| rest)
        .trim_end_matches('#');
    let clean: String = scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '/'
            }
        })
        .collect();
    let clean = clean.trim_matches('/');
    format!("/mixin/{clean}/{}/", id.term())
}

/// Executes `plan`: each stage once the previous one is done, its calls `parallel` at a
/// time. The first permanent failure lets the calls in flight finish, starts no other, and
/// ends the run: the report says what was done and what was not.
pub async fn execute(
    client: &Client,
    plan: &Plan,
    catalogue: &Catalogue,
    options: &ExecuteOptions,
) -> Report {
    let media = client.media().unwrap_or(MediaType::OcciJson);
    let mut steps = Vec::new();
    let mut failed = false;
    let limit = Arc::new(Semaphore::new(options.parallel.max(1)));
    // Planned location → the one the server assigned to a POSTed creation.
    let renames: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let collections = Arc::new(options.collections.clone());
    for (i, stage) in plan.stages.iter().enumerate() {
        let stage_no = i + 1;
        if failed {
            steps.extend(
                stage
                    .operations
                    .iter()
                    .map(|op| step(stage_no, op, Outcome::NotDone, None)),
            );
            continue;
        }
        if let Some(progress) = &options.progress {
            progress(Progress::Stage {
                stage: stage_no,
                stages: plan.stages.len(),
                operations: stage.operations.len(),
            });
        }
        let mut tasks = tokio::task::JoinSet::new();
        // Set by the first permanent failure: the calls of the stage not started yet are
        // not made.
        let stop = Arc::new(AtomicBool::new(false));
        for (index, op) in stage.operations.iter().enumerate() {
            let stop = stop.clone();
            let client = client.clone();
            let op = renamed(op, &renames);
            let renames = renames.clone();
            let collections = collections.clone();
            let catalogue = catalogue.clone();
            // Permits are taken here, in plan order: the calls start in that order, and
            // none starts once a failure is known.
            let permit = limit.clone().acquire_owned().await;
            let timeout = options.action_timeout;
            let progress = options.progress.clone();
            tasks.spawn(async move {
                let _permit = permit;
                if stop.load(Ordering::SeqCst) {
                    return (index, None);
                }
                let result = run(
                    &client,
                    &op,
                    &catalogue,
                    media,
                    timeout,
                    &collections,
                    &renames,
                )
                .await;
                if let Ok(Some(assigned)) = &result
                    && let Ok(mut renames) = renames.lock()
                {
                    renames.insert(op.location.clone(), assigned.clone());
                }
                if result.is_err() {
                    stop.store(true, Ordering::SeqCst);
                }
                if let Some(progress) = progress {
                    let location = match &op.action {
                        Some(a) => format!("{}?action={}", op.location, a.term()),
                        None => op.location.clone(),
                    };
                    progress(Progress::Operation {
                        stage: stage_no,
                        method: op.op.method(),
                        location,
                        ok: result.is_ok(),
                    });
                }
                (index, Some(result))
            });
        }
        // None: not joined (a task that panicked); Some(None): not started.
        let mut results: Vec<Joined> = vec![None; stage.operations.len()];
        while let Some(joined) = tasks.join_next().await {
            if let Ok((index, result)) = joined {
                results[index] = Some(result);
            }
        }
        for (op, result) in stage.operations.iter().zip(results) {
            let s = joined_step(stage_no, op, result);
            failed |= s.outcome == Outcome::Failed;
            steps.push(s);
        }
    }
    Report {
        complete: !failed,
        steps,
        calls: client.calls(),
    }
}

// The step of an operation from what became of its task.
fn joined_step(stage: usize, op: &Operation, result: Joined) -> Step {
    match result {
        Some(Some(Ok(assigned))) => {
            let mut s = step(stage, op, Outcome::Done, None);
            s.assigned = assigned;
            s
        }
        Some(Some(Err(e))) => step(stage, op, Outcome::Failed, Some(e.to_string())),
        Some(None) => step(stage, op, Outcome::NotDone, None),
        None => step(stage, op, Outcome::Failed, Some("the task ended".into())),
    }
}

fn step(stage: usize, op: &Operation, outcome: Outcome, error: Option<String>) -> Step {
    Step {
        stage,
        op: op.op.name(),
        method: op.op.method(),
        location: op.location.clone(),
        action: op.action.as_ref().map(|a| a.term().to_owned()),
        assigned: None,
        outcome,
        error,
    }
}

// One operation, made safe to repeat: a creation is a PUT at the planned location (a
// retried PUT overwrites what a lost response created), a deletion of nothing is done, an
// action refused because the entity is already in the wanted state is done.
async fn run(
    client: &Client,
    op: &Operation,
    catalogue: &Catalogue,
    media: MediaType,
    timeout: Duration,
    collections: &[(tern_model::CategoryId, String)],
    renames: &Mutex<HashMap<String, String>>,
) -> Result<Option<String>, ClientError> {
    let at = op.location.as_str();
    match op.op {
        OperationKind::Delete => {
            client.call("DELETE", at, None, true, &[404]).await?;
            Ok(None)
        }
        OperationKind::Create => {
            let doc = match &op.body {
                Some(Body::Resource(r)) => {
                    let mut r = r.clone();
                    initial_state(&mut r.entity, catalogue);
                    Document::Resource(r)
                }
                Some(Body::Link(l)) => {
                    let mut l = l.clone();
                    initial_state(&mut l.entity, catalogue);
                    Document::Link(l)
                }
                _ => return Err(no_body(client, at)),
            };
            let text = tern_occi::write(&doc, media).text;
            let r = client
                .call("PUT", at, Some((&text, media)), true, &REFUSED_PUT)
                .await?;
            if REFUSED_PUT.contains(&r.status) {
                return post_instead(client, at, doc, media, catalogue, collections, renames)
                    .await
                    .map(Some);
            }
            Ok(None)
        }
        OperationKind::Update => update(client, op, catalogue, media).await,
        OperationKind::Action => {
            let Some(action) = &op.action else {
                return Err(no_body(client, at));
            };
            // The state to wait for: the plan's target on the last step of a path, else
            // where the state machine takes the entity from the state it is in now.
            let wanted = match &op.reason {
                Reason::State {
                    attribute,
                    to,
                    step,
                    steps,
                    ..
                } if step == steps => Some((attribute.clone(), to.clone())),
                _ => next_state(client, at, action, catalogue).await?,
            };
            let doc = Document::ActionInvocation(ActionInvocation {
                action: action.clone(),
                attributes: tern_model::Attributes::new(),
            });
            let text = tern_occi::write(&doc, media).text;
            let path = format!("{at}?action={}", action.term());
            // An action repeated after a lost response answers 409 (not allowed in the new
            // state): the state read afterwards decides.
            let r = client
                .call("POST", &path, Some((&text, media)), true, &[409])
                .await?;
            match wanted {
                Some((attribute, to)) => {
                    wait_for(client, at, &attribute, &to, catalogue, timeout, r.status)
                        .await
                        .map(|()| None)
                }
                None if r.status == 409 => Err(ClientError::Status {
                    method: "POST".into(),
                    url: client.url(&path),
                    status: 409,
                    body: r.text.trim().to_owned(),
                }),
                None => Ok(None),
            }
        }
    }
}

// What became of a task: `None` when it was not joined (it panicked), `Some(None)` when it
// did not start, else the operation's result (the location a POSTed creation was given).
type Joined = Option<Option<Result<Option<String>, ClientError>>>;

// An entity a collection lists: its location, the entity when the listing renders it, and
// a link's source and target.
type Listed = (String, Option<Entity>, Option<(String, String)>);

/// The answers to a PUT at a new location that mean "create by POST instead": not allowed
/// (405), not implemented (501), refused (409).
const REFUSED_PUT: [u16; 3] = [405, 409, 501];

// An update: the changed attributes POSTed to the entity.
async fn update(
    client: &Client,
    op: &Operation,
    catalogue: &Catalogue,
    media: MediaType,
) -> Result<Option<String>, ClientError> {
    let at = op.location.as_str();
    let Some(Body::Partial {
        kind,
        attributes,
        title,
        mixins,
    }) = &op.body
    else {
        return Err(no_body(client, at));
    };
    // The entity as it is: its identifier (not always the location's last segment)
    // and, for a link, its ends, which the rendering carries.
    let r = client.call("GET", at, None, true, &[]).await?;
    let current = tern_occi::read(&r.text, r.media(), &ParseOptions::lenient(), catalogue)
        .ok()
        .map(|p| p.value);
    let id = match &current {
        Some(Document::Resource(res)) => res.entity.id.clone(),
        Some(Document::Link(l)) => l.entity.id.clone(),
        _ => Entity::id_from_location(at).unwrap_or(at).to_owned(),
    };
    let mut e = Entity::new(id, kind.clone());
    e.attributes = attributes.clone();
    e.title.clone_from(title);
    if let Some(m) = mixins {
        e.mixins.clone_from(m);
    }
    e.location = Some(at.to_owned());
    let doc = match current {
        Some(Document::Link(mut l)) => {
            l.entity = e;
            Document::Link(l)
        }
        _ => Document::Resource(Resource::new(e)),
    };
    let text = tern_occi::write(&doc, media).text;
    // Setting the same attributes twice gives the same entity: safe to retry.
    client
        .call("POST", at, Some((&text, media)), true, &[])
        .await?;
    Ok(None)
}

// The creation the server refused to PUT, POSTed to its Kind's collection without an
// identifier or a location (the server names the entity).
async fn post_instead(
    client: &Client,
    at: &str,
    mut doc: Document,
    media: MediaType,
    catalogue: &Catalogue,
    collections: &[(tern_model::CategoryId, String)],
    renames: &Mutex<HashMap<String, String>>,
) -> Result<String, ClientError> {
    let entity = match &mut doc {
        Document::Resource(r) => &mut r.entity,
        Document::Link(l) => &mut l.entity,
        _ => return Err(no_body(client, at)),
    };
    entity.id.clear();
    entity.location = None;
    let collection = collections
        .iter()
        .find(|(k, _)| k == &entity.kind)
        .map_or_else(|| format!("/{}/", entity.kind.term()), |(_, l)| l.clone());
    let text = tern_occi::write(&doc, media).text;
    post_create(client, &collection, &doc, &text, media, catalogue, renames).await
}

/// POSTs made for one creation at most (each after a reconciliation found nothing).
const POST_ATTEMPTS: u32 = 4;

// `op` with the locations the server assigned in earlier stages: its own, and the sources
// and targets of the links it carries.
fn renamed(op: &Operation, renames: &Mutex<HashMap<String, String>>) -> Operation {
    let mut op = op.clone();
    let Ok(renames) = renames.lock() else {
        return op;
    };
    if renames.is_empty() {
        return op;
    }
    let map = |l: &mut String| {
        if let Some(n) = renames.get(l.as_str()) {
            l.clone_from(n);
        }
    };
    map(&mut op.location);
    match &mut op.body {
        Some(Body::Link(l)) => {
            map(&mut l.source.location);
            map(&mut l.target.location);
        }
        Some(Body::Resource(r)) => {
            for l in &mut r.links {
                map(&mut l.source.location);
                map(&mut l.target.location);
            }
        }
        _ => {}
    }
    op
}

// A creation POSTed to the Kind's collection; the server's `Location` (or the location the
// body renders) is the entity's. A POST is not repeated blindly: after a failure without an
// answer (a lost response), the collection is read again and an entity that was not there
// before and matches what was sent (Kind, title, attributes, link ends) is the one created.
async fn post_create(
    client: &Client,
    collection: &str,
    doc: &Document,
    text: &str,
    media: MediaType,
    catalogue: &Catalogue,
    renames: &Mutex<HashMap<String, String>>,
) -> Result<String, ClientError> {
    let before = listed(client, collection, catalogue).await?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client
            .call("POST", collection, Some((text, media)), false, &[])
            .await
        {
            Ok(r) => {
                let location = r
                    .location
                    .clone()
                    .or_else(|| read_entity(&r, catalogue).and_then(|e| e.location))
                    .or_else(|| {
                        let t = r.text.trim();
                        t.lines()
                            .find_map(|l| l.trim().strip_prefix("X-OCCI-Location:"))
                            .map(|l| l.trim().to_owned())
                    });
                return location
                    .map(|l| client.path(&l))
                    .ok_or_else(|| ClientError::Rendering {
                        url: client.url(collection),
                        message: "the creation's response names no location".into(),
                    });
            }
            Err(e) => {
                let transient = match &e {
                    ClientError::Transport { .. } => true,
                    ClientError::Status { status, .. } => *status == 429 || *status >= 500,
                    _ => false,
                };
                if !transient || attempt >= POST_ATTEMPTS {
                    return Err(e);
                }
                // Locations other creations of this run were given are not this one's.
                let claimed: HashSet<String> = renames
                    .lock()
                    .map(|r| r.values().cloned().collect())
                    .unwrap_or_default();
                if let Some(found) =
                    created(client, collection, doc, &before, catalogue, &claimed).await?
                {
                    return Ok(found);
                }
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
        }
    }
}

// The entities a collection lists, by location (each read on its own when it lists
// locations only).
async fn listed(
    client: &Client,
    collection: &str,
    catalogue: &Catalogue,
) -> Result<Vec<Listed>, ClientError> {
    let mut out = Vec::new();
    for doc in crate::extract::pages(client, collection, catalogue).await? {
        listed_in(client, doc, &mut out);
    }
    Ok(out)
}

// The entities one page of a collection lists.
fn listed_in(client: &Client, doc: Document, out: &mut Vec<Listed>) {
    match doc {
        Document::Listing(l) => {
            for res in l.resources {
                let at = client.path(&res.entity.location_or_default());
                out.push((at, Some(res.entity), None));
            }
            for link in l.links {
                let at = client.path(&link.entity.location_or_default());
                let ends = (
                    client.path(&link.source.location),
                    client.path(&link.target.location),
                );
                out.push((at, Some(link.entity), Some(ends)));
            }
        }
        Document::Locations(ls) => {
            out.extend(ls.into_iter().map(|l| (client.path(&l), None, None)));
        }
        Document::Resource(res) => {
            out.push((
                client.path(&res.entity.location_or_default()),
                Some(res.entity),
                None,
            ));
        }
        Document::Link(link) => {
            let ends = (
                client.path(&link.source.location),
                client.path(&link.target.location),
            );
            out.push((
                client.path(&link.entity.location_or_default()),
                Some(link.entity),
                Some(ends),
            ));
        }
        _ => {}
    }
}

// The entity of the collection that was not listed `before` and matches `doc`.
async fn created(
    client: &Client,
    collection: &str,
    doc: &Document,
    before: &[Listed],
    catalogue: &Catalogue,
    claimed: &HashSet<String>,
) -> Result<Option<String>, ClientError> {
    let known: HashSet<&str> = before.iter().map(|(l, _, _)| l.as_str()).collect();
    let (wanted, ends) = match doc {
        Document::Resource(r) => (&r.entity, None),
        Document::Link(l) => (
            &l.entity,
            Some((l.source.location.clone(), l.target.location.clone())),
        ),
        _ => return Ok(None),
    };
    let mut best: Option<(i64, String)> = None;
    for (at, entity, link_ends) in listed(client, collection, catalogue).await? {
        if known.contains(at.as_str()) || claimed.contains(&at) {
            continue;
        }
        let (entity, link_ends) = if let Some(e) = entity {
            (e, link_ends)
        } else {
            let r = client.call("GET", &at, None, true, &[404]).await?;
            let read = tern_occi::read(&r.text, r.media(), &ParseOptions::lenient(), catalogue)
                .ok()
                .map(|p| p.value);
            match read {
                Some(Document::Resource(res)) => (res.entity, None),
                Some(Document::Link(l)) => (
                    l.entity,
                    Some((
                        client.path(&l.source.location),
                        client.path(&l.target.location),
                    )),
                ),
                _ => continue,
            }
        };
        if let Some(s) = score(wanted, ends.as_ref(), &entity, link_ends.as_ref())
            && s >= 0
            && best.as_ref().is_none_or(|(b, _)| s > *b)
        {
            best = Some((s, at));
        }
    }
    Ok(best.map(|(_, at)| at))
}

// How well `found` matches what was sent: `None` unless the Kind, the title and the link ends
// are the same; else the attributes sent that the server renders with the value sent, minus
// those it renders with another (a server may drop attributes it does not keep, add its own,
// and compute some, such as a storage link's device id).
fn score(
    wanted: &Entity,
    wanted_ends: Option<&(String, String)>,
    found: &Entity,
    found_ends: Option<&(String, String)>,
) -> Option<i64> {
    if wanted.kind != found.kind || wanted.title != found.title || wanted_ends != found_ends {
        return None;
    }
    let mut score = 0i64;
    for (name, value) in wanted.attributes.iter() {
        if name.starts_with("occi.core.") {
            continue;
        }
        match found.attributes.get(name) {
            Some(v) if v.to_plain_string() == value.to_plain_string() => score += 1,
            Some(_) => score -= 1,
            None => {}
        }
    }
    Some(score)
}

// A provider creates an instance in its state machine's initial state and moves it with
// actions only (the state is immutable to updates): the creation asks for the initial
// state, and the next round's plan has the actions to the wanted one. A PUT repeated after
// a lost response then carries the state the entity has.
fn initial_state(entity: &mut Entity, catalogue: &Catalogue) {
    if let Some(machine) = catalogue.state_machine(&entity.kind)
        && entity.attributes.get(&machine.attribute).is_some()
    {
        entity
            .attributes
            .insert(machine.attribute.clone(), machine.initial.clone());
    }
}

// The state attribute and the state the action leads to from the entity's current state
// (the catalogue's state machine of its kind), if the machine knows the step.
async fn next_state(
    client: &Client,
    at: &str,
    action: &tern_model::CategoryId,
    catalogue: &Catalogue,
) -> Result<Option<(String, String)>, ClientError> {
    let r = client.call("GET", at, None, true, &[]).await?;
    let Some(entity) = read_entity(&r, catalogue) else {
        return Ok(None);
    };
    let Some(machine) = catalogue.state_machine(&entity.kind) else {
        return Ok(None);
    };
    let current = entity
        .attributes
        .get(&machine.attribute)
        .map(tern_model::Value::to_plain_string);
    Ok(machine
        .transitions
        .iter()
        .find(|t| {
            !t.failure && t.action.as_ref() == Some(action) && Some(&t.from) == current.as_ref()
        })
        .map(|t| (machine.attribute.clone(), t.to.clone())))
}

// The entity a response renders.
fn read_entity(r: &crate::http::Response, catalogue: &Catalogue) -> Option<Entity> {
    match tern_occi::read(&r.text, r.media(), &ParseOptions::lenient(), catalogue)
        .ok()?
        .value
    {
        Document::Resource(res) => Some(res.entity),
        Document::Link(l) => Some(l.entity),
        _ => None,
    }
}

fn no_body(client: &Client, at: &str) -> ClientError {
    ClientError::Rendering {
        url: client.url(at),
        message: "the plan's operation carries no usable body".into(),
    }
}

// Polls the entity with backoff until `attribute` reads `to`, or the timeout.
async fn wait_for(
    client: &Client,
    at: &str,
    attribute: &str,
    to: &str,
    catalogue: &Catalogue,
    timeout: Duration,
    action_status: u16,
) -> Result<(), ClientError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(25);
    loop {
        let r = client.call("GET", at, None, true, &[]).await?;
        let state = read_entity(&r, catalogue).and_then(|e| {
            e.attributes
                .get(attribute)
                .map(tern_model::Value::to_plain_string)
        });
        if state.as_deref() == Some(to) {
            return Ok(());
        }
        if action_status == 409 {
            return Err(ClientError::Status {
                method: "POST".into(),
                url: client.url(at),
                status: 409,
                body: format!(
                    "the action was refused and {attribute} is {}",
                    state.as_deref().unwrap_or("unknown")
                ),
            });
        }
        if started.elapsed() >= timeout {
            return Err(ClientError::Status {
                method: "GET".into(),
                url: client.url(at),
                status: 504,
                body: format!(
                    "{attribute} is still {} after {}s (waiting for {to})",
                    state.as_deref().unwrap_or("unknown"),
                    timeout.as_secs()
                ),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tern_model::{Catalogue, CategoryId, Mixin, OcciVersion};

    use super::{Discovery, add_with_depends, mixin_location};

    fn id(term: &str) -> CategoryId {
        CategoryId::new("http://schemas.example.org/x#", term)
    }

    #[test]
    fn user_mixins_are_defined_after_what_they_depend_on() {
        let mut catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        let mixin = |term: &str, depends: Vec<CategoryId>| Mixin {
            id: id(term),
            title: None,
            depends,
            applies: Vec::new(),
            attributes: Vec::new(),
            actions: Vec::new(),
            location: None,
        };
        let base = mixin("base", Vec::new());
        let mid = mixin("mid", vec![id("base")]);
        let top = mixin("top", vec![id("mid"), id("base")]);
        for m in [base, mid, top] {
            catalogue.add_mixin(m).expect("added");
        }
        let discovery = Discovery {
            version: OcciVersion::V1_2,
            catalogue: Catalogue::infrastructure(OcciVersion::V1_2),
            collections: Vec::new(),
            mixins: HashSet::new(),
            media: tern_occi::MediaType::OcciJson,
        };
        let mut out = Vec::new();
        add_with_depends(&id("top"), &catalogue, &discovery, &mut out);
        let terms: Vec<&str> = out.iter().map(|m| m.id.term()).collect();
        assert_eq!(terms, ["base", "mid", "top"]);
    }

    #[test]
    fn a_mixin_location_is_made_from_its_identifier() {
        assert_eq!(
            mixin_location(&CategoryId::new(
                "http://schemas.tern.dev/ovf/product#",
                "vs.a.1"
            )),
            "/mixin/schemas.tern.dev/ovf/product/vs.a.1/"
        );
    }
}
