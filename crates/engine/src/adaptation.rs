//! Planning: deletions (links, then resources), updates (partial updates, then
//! state-machine actions), then creations along the provisioning order (resources, then the
//! links between them), as stages whose operations may run concurrently.

use std::collections::VecDeque;

use tern_model::{Attributes, Catalogue, CategoryId, Entity, Value};

use crate::attributes::Change;
use crate::diff::{Comparison, Mark};
use crate::hashing::{FastMap, FastSet};
use crate::plan::{Body, Forced, Operation, OperationKind, Plan, Reason};

/// Plans the adaptation of `comparison.runtime` into `comparison.target`.
///
/// A matched entity is updated in place when every changed attribute is mutable (per
/// `catalogue`: the kind's and the mixins' attribute definitions; attributes it does not
/// know count as mutable) and its state, if it changes, is reached through actions of the
/// kind's state machine (several steps when needed); otherwise it is replaced (deleted and
/// created again, with its links). A link whose source stays but whose target changed is
/// replaced alone. Every operation carries its [`Reason`].
pub fn plan(comparison: &Comparison<'_>, catalogue: &Catalogue) -> Plan {
    let decisions = Decisions::new(comparison, catalogue);
    let work = Work::new(comparison, &decisions);
    let rt = &comparison.runtime;
    let mut plan = Plan::default();
    plan.push(
        work.delete_links
            .iter()
            .map(|(l, why)| delete(&rt.link(*l).link.entity, why))
            .collect(),
    );
    plan.push(
        work.delete_resources
            .iter()
            .map(|(r, why)| delete(&rt.resource(*r).entity, why))
            .collect(),
    );
    let (partial, actions) = updates(comparison, &decisions, &work);
    plan.push(partial);
    for stage in actions {
        plan.push(stage);
    }
    plan.push(work.create_resources(comparison));
    plan.push(work.create_links(comparison));
    plan
}

// A partial update (the body and the changes it sends) and the action steps.
type InPlace = (Option<(Body, Vec<Change>)>, Vec<(CategoryId, Reason)>);

// How each updated entity is adapted: in place (partial update and/or actions) or replaced
// (runtime position → what forces it).
struct Decisions {
    in_place: Vec<(bool, usize, InPlace)>,
    replaced_resources: FastMap<usize, Forced>,
    replaced_links: FastMap<usize, Forced>,
}

impl Decisions {
    fn new(comparison: &Comparison<'_>, catalogue: &Catalogue) -> Self {
        let mut d = Decisions {
            in_place: Vec::new(),
            replaced_resources: FastMap::default(),
            replaced_links: FastMap::default(),
        };
        for (resource, marks) in [(true, &comparison.resources), (false, &comparison.links)] {
            for m in marks {
                let Mark::Updated {
                    runtime, changes, ..
                } = m
                else {
                    continue;
                };
                let entity = comparison.runtime_entity(resource, *runtime);
                match in_place(entity, changes, catalogue) {
                    Ok(how) => d.in_place.push((resource, *runtime, how)),
                    Err(forced) if resource => {
                        d.replaced_resources.insert(*runtime, forced);
                    }
                    Err(forced) => {
                        d.replaced_links.insert(*runtime, forced);
                    }
                }
            }
        }
        d
    }
}

// The entities to delete and create, by position, with why.
struct Work {
    delete_links: Vec<(usize, Reason)>,
    delete_resources: Vec<(usize, Reason)>,
    new_resources: Vec<(usize, Reason)>,
    new_links: Vec<(usize, Reason)>,
    // Links deleted and created again because an end or the link itself is replaced.
    recreated_links: FastSet<usize>,
    // Where each target resource lives when links are created: paired ones keep their
    // runtime location.
    runtime_of_target: Vec<Option<usize>>,
    // New entities whose id or location is still held by a runtime entity that stays
    // (paired with another target entity): they get a fresh id, `<id>-2`, `<id>-3`…, since
    // a PUT there would overwrite that entity.
    renamed_resources: FastMap<usize, String>,
    renamed_links: FastMap<usize, String>,
}

impl Work {
    fn new(comparison: &Comparison<'_>, d: &Decisions) -> Self {
        let rt = &comparison.runtime;
        let mut w = Work {
            delete_links: Vec::new(),
            delete_resources: Vec::new(),
            new_resources: Vec::new(),
            new_links: Vec::new(),
            recreated_links: FastSet::default(),
            runtime_of_target: vec![None; comparison.target.resources().len()],
            renamed_resources: FastMap::default(),
            renamed_links: FastMap::default(),
        };
        for m in &comparison.resources {
            match m {
                Mark::Missing { runtime } => w.delete_resources.push((*runtime, Reason::Missing)),
                Mark::New { target } => w.new_resources.push((*target, Reason::New)),
                Mark::Old { runtime, target }
                | Mark::Updated {
                    runtime, target, ..
                } => {
                    if let Some(forced) = d.replaced_resources.get(runtime) {
                        let why = Reason::Replace(forced.clone());
                        w.delete_resources.push((*runtime, why.clone()));
                        w.new_resources.push((*target, why));
                    } else {
                        w.runtime_of_target[*target] = Some(*runtime);
                    }
                }
            }
        }
        for m in &comparison.links {
            match m {
                Mark::Missing { runtime } => w.delete_links.push((*runtime, Reason::Missing)),
                Mark::New { target } => w.new_links.push((*target, Reason::New)),
                Mark::Old { runtime, target }
                | Mark::Updated {
                    runtime, target, ..
                } => {
                    let l = rt.link(*runtime);
                    let replaced_end = [l.source, l.target]
                        .into_iter()
                        .flatten()
                        .find(|e| d.replaced_resources.contains_key(e));
                    let forced = match replaced_end {
                        Some(e) => Some(Forced::End {
                            location: rt.resource(e).entity.location_or_default(),
                        }),
                        None => d.replaced_links.get(runtime).cloned(),
                    };
                    if let Some(forced) = forced {
                        let why = Reason::Replace(forced);
                        w.delete_links.push((*runtime, why.clone()));
                        w.new_links.push((*target, why));
                        w.recreated_links.insert(*runtime);
                    }
                }
            }
        }
        w.retargeted_links(comparison);
        w.rename_clashes(comparison);
        w
    }

    // A link deleted and a link created from the same paired source, of the same kind, are
    // one link whose target changed: both calls say so (replaced alone; the source stays).
    // Pairs in document order.
    fn retargeted_links(&mut self, comparison: &Comparison<'_>) {
        let (rt, tg) = (&comparison.runtime, &comparison.target);
        let mut gone: FastMap<(usize, &CategoryId), VecDeque<usize>> = FastMap::default();
        for (i, (l, why)) in self.delete_links.iter().enumerate() {
            let link = rt.link(*l);
            if *why == Reason::Missing
                && let Some(s) = link.source
            {
                gone.entry((s, &link.link.entity.kind))
                    .or_default()
                    .push_back(i);
            }
        }
        if gone.is_empty() {
            return;
        }
        for j in 0..self.new_links.len() {
            let (l, why) = &self.new_links[j];
            let link = tg.link(*l);
            let Some(source) = link.source.and_then(|s| self.runtime_of_target[s]) else {
                continue;
            };
            if *why != Reason::New {
                continue;
            }
            let Some(i) = gone
                .get_mut(&(source, &link.link.entity.kind))
                .and_then(VecDeque::pop_front)
            else {
                continue;
            };
            let from = rt.link(self.delete_links[i].0).link.target.location.clone();
            let to = match link.target {
                Some(t) => self.place(comparison, t),
                None => link.link.target.location.clone(),
            };
            let why = Reason::Replace(Forced::Target { from, to });
            self.delete_links[i].1 = why.clone();
            self.new_links[j].1 = why;
        }
    }

    // Where target resource `t` lives once created or kept.
    fn place(&self, comparison: &Comparison<'_>, t: usize) -> String {
        match (self.runtime_of_target[t], self.renamed_resources.get(&t)) {
            (Some(r), _) => comparison.runtime.resource(r).entity.location_or_default(),
            (None, Some(id)) => format!("/{}/{id}", comparison.target.kind(t).term()),
            (None, None) => comparison.target.resource(t).entity.location_or_default(),
        }
    }

    fn rename_clashes(&mut self, comparison: &Comparison<'_>) {
        let (rt, tg) = (&comparison.runtime, &comparison.target);
        let gone_r: FastSet<usize> = self.delete_resources.iter().map(|d| d.0).collect();
        let gone_l: FastSet<usize> = self.delete_links.iter().map(|d| d.0).collect();
        let mut taken: FastSet<String> = FastSet::default();
        let staying = (0..rt.resources().len())
            .filter(|i| !gone_r.contains(i))
            .map(|i| &rt.resource(i).entity)
            .chain(
                (0..rt.links().len())
                    .filter(|i| !gone_l.contains(i))
                    .map(|i| &rt.link(i).link.entity),
            );
        for e in staying {
            taken.insert(e.id.clone());
            taken.insert(e.location_or_default());
        }
        for (t, _) in &self.new_resources {
            if let Some(id) = fresh_id(&tg.resource(*t).entity, &mut taken) {
                self.renamed_resources.insert(*t, id);
            }
        }
        for (l, _) in &self.new_links {
            if let Some(id) = fresh_id(&tg.link(*l).link.entity, &mut taken) {
                self.renamed_links.insert(*l, id);
            }
        }
    }

    fn create_resources(&self, comparison: &Comparison<'_>) -> Vec<Operation> {
        self.new_resources
            .iter()
            .map(|(t, why)| {
                let mut resource = comparison.target.resource(*t).clone();
                resource.links.clear();
                if let Some(id) = self.renamed_resources.get(t) {
                    resource.entity.id.clone_from(id);
                    resource.entity.location = None;
                }
                Operation {
                    op: OperationKind::Create,
                    location: resource.entity.location_or_default(),
                    action: None,
                    body: Some(Body::Resource(resource)),
                    reason: why.clone(),
                }
            })
            .collect()
    }

    fn create_links(&self, comparison: &Comparison<'_>) -> Vec<Operation> {
        let place = |t: usize| self.place(comparison, t);
        self.new_links
            .iter()
            .map(|(l, why)| {
                let lr = comparison.target.link(*l);
                let mut link = lr.link.clone();
                if let Some(id) = self.renamed_links.get(l) {
                    link.entity.id.clone_from(id);
                    link.entity.location = None;
                }
                if let Some(s) = lr.source {
                    link.source.location = place(s);
                }
                if let Some(t) = lr.target {
                    link.target.location = place(t);
                }
                Operation {
                    op: OperationKind::Create,
                    location: link.entity.location_or_default(),
                    action: None,
                    body: Some(Body::Link(link)),
                    reason: why.clone(),
                }
            })
            .collect()
    }
}

// Partial updates (one stage) and action steps (one stage per step of the longest path).
fn updates(
    comparison: &Comparison<'_>,
    d: &Decisions,
    w: &Work,
) -> (Vec<Operation>, Vec<Vec<Operation>>) {
    let mut partial = Vec::new();
    let mut actions: Vec<Vec<Operation>> = Vec::new();
    for (resource, runtime, (body, steps)) in &d.in_place {
        if !resource && w.recreated_links.contains(runtime) {
            continue;
        }
        let location = comparison
            .runtime_entity(*resource, *runtime)
            .location_or_default();
        if let Some((body, changes)) = body {
            partial.push(Operation {
                op: OperationKind::Update,
                location: location.clone(),
                action: None,
                body: Some(body.clone()),
                reason: Reason::Update {
                    changes: changes.clone(),
                },
            });
        }
        for (i, (action, why)) in steps.iter().enumerate() {
            if actions.len() <= i {
                actions.push(Vec::new());
            }
            actions[i].push(Operation {
                op: OperationKind::Action,
                location: location.clone(),
                action: Some(action.clone()),
                body: None,
                reason: why.clone(),
            });
        }
    }
    (partial, actions)
}

/// What forces the replacement of a paired entity whose runtime form is `entity` and whose
/// `changes` are these, if anything does (`None`: adapted in place).
pub(crate) fn forced_replacement(
    entity: &Entity,
    changes: &[Change],
    catalogue: &Catalogue,
) -> Option<Forced> {
    in_place(entity, changes, catalogue).err()
}

// The partial update and actions that adapt `entity` in place, or what forces its
// replacement: immutable attributes that change (all of them, in the order of `changes`),
// else a state the actions of the kind's state machine cannot reach.
fn in_place(entity: &Entity, changes: &[Change], catalogue: &Catalogue) -> Result<InPlace, Forced> {
    let machine = catalogue.state_machine(&entity.kind);
    let mut attributes = Attributes::new();
    let mut title = None;
    let mut mixins = None;
    let mut sent = Vec::new();
    let mut steps = Vec::new();
    let mut immutable = Vec::new();
    let mut unreachable = None;
    for c in changes {
        match c {
            Change::Mixins { new, .. } => {
                mixins = Some(new.iter().filter_map(|m| m.parse().ok()).collect());
                sent.push(c.clone());
            }
            Change::Attribute { name, old, new } => {
                if let Some(m) = machine.filter(|m| &m.attribute == name) {
                    let from = old.as_ref().map(Value::to_plain_string).unwrap_or_default();
                    let to = new.to_plain_string();
                    let actions: Option<Vec<CategoryId>> = m
                        .path(&from, &to)
                        .and_then(|path| path.into_iter().map(|t| t.action.clone()).collect());
                    match actions {
                        Some(actions) if !from.is_empty() => {
                            let n = actions.len();
                            for (i, a) in actions.into_iter().enumerate() {
                                let why = Reason::State {
                                    attribute: name.clone(),
                                    from: from.clone(),
                                    to: to.clone(),
                                    step: i + 1,
                                    steps: n,
                                };
                                steps.push((a, why));
                            }
                        }
                        _ => {
                            unreachable.get_or_insert(Forced::State {
                                attribute: name.clone(),
                                from,
                                to,
                            });
                        }
                    }
                } else if name == "occi.core.title" {
                    title = Some(new.to_plain_string());
                    sent.push(c.clone());
                } else if catalogue
                    .attribute_def(entity, name)
                    .is_none_or(|d| d.mutable)
                {
                    attributes.insert(name.clone(), new.clone());
                    sent.push(c.clone());
                } else {
                    immutable.push(c.clone());
                }
            }
        }
    }
    if !immutable.is_empty() {
        return Err(Forced::Immutable { changes: immutable });
    }
    if let Some(forced) = unreachable {
        return Err(forced);
    }
    let body =
        (!attributes.is_empty() || title.is_some() || mixins.is_some()).then(|| Body::Partial {
            kind: entity.kind.clone(),
            attributes,
            title,
            mixins,
        });
    Ok((body.map(|b| (b, sent)), steps))
}

// A fresh id for `entity` when its id or location is taken; records what it takes. One of
// the first `taken.len() + 1` suffixes is always free.
fn fresh_id(entity: &Entity, taken: &mut FastSet<String>) -> Option<String> {
    let clash = taken.contains(&entity.id) || taken.contains(&entity.location_or_default());
    let id = if clash {
        (2..=taken.len() + 2)
            .map(|k| format!("{}-{k}", entity.id))
            .find(|id| {
                !taken.contains(id) && !taken.contains(&format!("/{}/{id}", entity.kind.term()))
            })?
    } else {
        entity.id.clone()
    };
    taken.insert(format!("/{}/{id}", entity.kind.term()));
    taken.insert(entity.location_or_default());
    taken.insert(id.clone());
    clash.then_some(id)
}

fn delete(entity: &Entity, why: &Reason) -> Operation {
    Operation {
        op: OperationKind::Delete,
        location: entity.location_or_default(),
        action: None,
        body: None,
        reason: why.clone(),
    }
}
