//! Planning: deletions (links, then resources), updates (partial updates, then
//! state-machine actions), then creations along the provisioning order (resources, then the
//! links between them), as stages whose operations may run concurrently.

use std::collections::{HashMap, HashSet};

use tern_model::{Attributes, Catalogue, CategoryId, Entity, Value};

use crate::attributes::Change;
use crate::diff::{Comparison, Mark};
use crate::plan::{Body, Operation, OperationKind, Plan};

/// Plans the adaptation of `comparison.runtime` into `comparison.target`.
///
/// A matched entity is updated in place when every changed attribute is mutable (per
/// `catalogue`; attributes it does not know count as mutable) and its state, if it changes,
/// is reached through actions of the kind's state machine; otherwise it is replaced (deleted
/// and created again, with its links).
pub fn plan(comparison: &Comparison<'_>, catalogue: &Catalogue) -> Plan {
    let decisions = Decisions::new(comparison, catalogue);
    let work = Work::new(comparison, &decisions);
    let rt = &comparison.runtime;
    let mut plan = Plan::default();
    plan.push(
        work.delete_links
            .iter()
            .map(|&l| delete(&rt.link(l).link.entity))
            .collect(),
    );
    plan.push(
        work.delete_resources
            .iter()
            .map(|&r| delete(&rt.resource(r).entity))
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

type InPlace = (Option<Body>, Vec<CategoryId>);

// How each updated entity is adapted: in place (partial update and/or actions) or replaced.
struct Decisions {
    in_place: Vec<(bool, usize, InPlace)>,
    replaced_resources: HashMap<usize, usize>,
    replaced_links: HashMap<usize, usize>,
}

impl Decisions {
    fn new(comparison: &Comparison<'_>, catalogue: &Catalogue) -> Self {
        let mut d = Decisions {
            in_place: Vec::new(),
            replaced_resources: HashMap::new(),
            replaced_links: HashMap::new(),
        };
        for (resource, marks) in [(true, &comparison.resources), (false, &comparison.links)] {
            for m in marks {
                let Mark::Updated {
                    runtime,
                    target,
                    changes,
                } = m
                else {
                    continue;
                };
                let entity = comparison.runtime_entity(resource, *runtime);
                match in_place(entity, changes, catalogue) {
                    Some(how) => d.in_place.push((resource, *runtime, how)),
                    None if resource => {
                        d.replaced_resources.insert(*runtime, *target);
                    }
                    None => {
                        d.replaced_links.insert(*runtime, *target);
                    }
                }
            }
        }
        d
    }
}

// The entities to delete and create, by position.
struct Work {
    delete_links: Vec<usize>,
    delete_resources: Vec<usize>,
    new_resources: Vec<usize>,
    new_links: Vec<usize>,
    // Links deleted and created again because an end or the link itself is replaced.
    recreated_links: HashSet<usize>,
    // Where each target resource lives when links are created: paired ones keep their
    // runtime location.
    runtime_of_target: Vec<Option<usize>>,
    // New entities whose id or location is still held by a runtime entity that stays
    // (paired with another target entity): they get a fresh id, `<id>-2`, `<id>-3`…, since
    // a PUT there would overwrite that entity.
    renamed_resources: HashMap<usize, String>,
    renamed_links: HashMap<usize, String>,
}

impl Work {
    fn new(comparison: &Comparison<'_>, d: &Decisions) -> Self {
        let rt = &comparison.runtime;
        let mut w = Work {
            delete_links: Vec::new(),
            delete_resources: Vec::new(),
            new_resources: Vec::new(),
            new_links: Vec::new(),
            recreated_links: HashSet::new(),
            runtime_of_target: vec![None; comparison.target.resources().len()],
            renamed_resources: HashMap::new(),
            renamed_links: HashMap::new(),
        };
        for m in &comparison.resources {
            match m {
                Mark::Missing { runtime } => w.delete_resources.push(*runtime),
                Mark::New { target } => w.new_resources.push(*target),
                Mark::Old { runtime, target }
                | Mark::Updated {
                    runtime, target, ..
                } => {
                    if d.replaced_resources.contains_key(runtime) {
                        w.delete_resources.push(*runtime);
                        w.new_resources.push(*target);
                    } else {
                        w.runtime_of_target[*target] = Some(*runtime);
                    }
                }
            }
        }
        for m in &comparison.links {
            match m {
                Mark::Missing { runtime } => w.delete_links.push(*runtime),
                Mark::New { target } => w.new_links.push(*target),
                Mark::Old { runtime, target }
                | Mark::Updated {
                    runtime, target, ..
                } => {
                    let l = rt.link(*runtime);
                    let end_replaced = [l.source, l.target]
                        .iter()
                        .flatten()
                        .any(|e| d.replaced_resources.contains_key(e));
                    if end_replaced || d.replaced_links.contains_key(runtime) {
                        w.delete_links.push(*runtime);
                        w.new_links.push(*target);
                        w.recreated_links.insert(*runtime);
                    }
                }
            }
        }
        w.rename_clashes(comparison);
        w
    }

    fn rename_clashes(&mut self, comparison: &Comparison<'_>) {
        let (rt, tg) = (&comparison.runtime, &comparison.target);
        let gone_r: HashSet<usize> = self.delete_resources.iter().copied().collect();
        let gone_l: HashSet<usize> = self.delete_links.iter().copied().collect();
        let mut taken: HashSet<String> = HashSet::new();
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
        for &t in &self.new_resources {
            if let Some(id) = fresh_id(&tg.resource(t).entity, &mut taken) {
                self.renamed_resources.insert(t, id);
            }
        }
        for &l in &self.new_links {
            if let Some(id) = fresh_id(&tg.link(l).link.entity, &mut taken) {
                self.renamed_links.insert(l, id);
            }
        }
    }

    fn create_resources(&self, comparison: &Comparison<'_>) -> Vec<Operation> {
        self.new_resources
            .iter()
            .map(|&t| {
                let mut resource = comparison.target.resource(t).clone();
                resource.links.clear();
                if let Some(id) = self.renamed_resources.get(&t) {
                    resource.entity.id.clone_from(id);
                    resource.entity.location = None;
                }
                Operation {
                    op: OperationKind::Create,
                    location: resource.entity.location_or_default(),
                    action: None,
                    body: Some(Body::Resource(resource)),
                }
            })
            .collect()
    }

    fn create_links(&self, comparison: &Comparison<'_>) -> Vec<Operation> {
        let place = |t: usize| match (self.runtime_of_target[t], self.renamed_resources.get(&t)) {
            (Some(r), _) => comparison.runtime.resource(r).entity.location_or_default(),
            (None, Some(id)) => format!("/{}/{id}", comparison.target.kind(t).term()),
            (None, None) => comparison.target.resource(t).entity.location_or_default(),
        };
        self.new_links
            .iter()
            .map(|&l| {
                let lr = comparison.target.link(l);
                let mut link = lr.link.clone();
                if let Some(id) = self.renamed_links.get(&l) {
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
        if let Some(body) = body {
            partial.push(Operation {
                op: OperationKind::Update,
                location: location.clone(),
                action: None,
                body: Some(body.clone()),
            });
        }
        for (i, action) in steps.iter().enumerate() {
            if actions.len() <= i {
                actions.push(Vec::new());
            }
            actions[i].push(Operation {
                op: OperationKind::Action,
                location: location.clone(),
                action: Some(action.clone()),
                body: None,
            });
        }
    }
    (partial, actions)
}

// The partial update and actions that adapt `entity` in place, or `None` when an immutable
// attribute changes or the state cannot be reached by actions.
fn in_place(entity: &Entity, changes: &[Change], catalogue: &Catalogue) -> Option<InPlace> {
    let machine = catalogue.state_machine(&entity.kind);
    let mut attributes = Attributes::new();
    let mut title = None;
    let mut mixins = None;
    let mut steps = Vec::new();
    for c in changes {
        match c {
            Change::Mixins { new, .. } => {
                mixins = Some(new.iter().filter_map(|m| m.parse().ok()).collect());
            }
            Change::Attribute { name, old, new } => {
                if let Some(m) = machine.filter(|m| &m.attribute == name) {
                    let from = old.as_ref().map(Value::to_plain_string)?;
                    let path = m.path(&from, &new.to_plain_string())?;
                    for t in path {
                        steps.push(t.action.clone()?);
                    }
                } else if name == "occi.core.title" {
                    title = Some(new.to_plain_string());
                } else {
                    let mutable = catalogue
                        .attribute_def(entity, name)
                        .is_none_or(|d| d.mutable);
                    if !mutable {
                        return None;
                    }
                    attributes.insert(name.clone(), new.clone());
                }
            }
        }
    }
    let body =
        (!attributes.is_empty() || title.is_some() || mixins.is_some()).then(|| Body::Partial {
            kind: entity.kind.clone(),
            attributes,
            title,
            mixins,
        });
    Some((body, steps))
}

// A fresh id for `entity` when its id or location is taken; records what it takes. One of
// the first `taken.len() + 1` suffixes is always free.
fn fresh_id(entity: &Entity, taken: &mut HashSet<String>) -> Option<String> {
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

fn delete(entity: &Entity) -> Operation {
    Operation {
        op: OperationKind::Delete,
        location: entity.location_or_default(),
        action: None,
        body: None,
    }
}
