//! Marking from the target's view: old (paired, equal), updated (paired, attributes differ),
//! new (only in the target) and missing (only at runtime; a missing resource's links are
//! missing too), for resources and links.

use serde::Serialize;
use serde::ser::Serializer;
use tern_model::{Collection, Entity};

use crate::attributes::{Change, ChangesJson, changes};
use crate::hashing::{FastMap, FastSet};
use crate::matching::{Matching, Pair, match_links};
use crate::strategy::{Limits, Strategy, TooLarge, match_topologies};
use crate::topology::Topology;

/// A runtime and a target topology, their matching and the marks derived from it.
#[derive(Debug)]
pub struct Comparison<'a> {
    /// The runtime side.
    pub runtime: Topology<'a>,
    /// The target side.
    pub target: Topology<'a>,
    /// The matching the strategy produced (before making it one-to-one).
    pub matching: Matching,
    /// Marks of resources.
    pub resources: Vec<Mark>,
    /// Marks of links.
    pub links: Vec<Mark>,
}

/// The mark of one entity (positions refer to the runtime and target topologies).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// Paired and equal.
    Old {
        /// Runtime position.
        runtime: usize,
        /// Target position.
        target: usize,
    },
    /// Paired with differences.
    Updated {
        /// Runtime position.
        runtime: usize,
        /// Target position.
        target: usize,
        /// What differs.
        changes: Vec<Change>,
    },
    /// Only in the target.
    New {
        /// Target position.
        target: usize,
    },
    /// Only at runtime.
    Missing {
        /// Runtime position.
        runtime: usize,
    },
}

/// The serialisable report of a comparison (`schemas/diff.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Pairs, resources then links.
    pub matches: Vec<MatchEntry>,
    /// Target ids of paired, unchanged entities.
    pub old: Vec<String>,
    /// Paired entities with differences.
    pub updated: Vec<Updated>,
    /// Ids of entities only in the target.
    pub new: Vec<String>,
    /// Ids of entities only at runtime.
    pub missing: Vec<String>,
}

/// One pair of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchEntry {
    /// Runtime id.
    pub runtime: String,
    /// Target id.
    pub target: String,
    /// The strategy's score for the pair.
    pub score: f64,
}

/// One updated entity of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Updated {
    /// Target id.
    pub id: String,
    /// Runtime id (differs from `id` when identifiers changed).
    pub runtime: String,
    /// Changes by attribute name: `[old, new]`.
    #[serde(serialize_with = "serialize_changes")]
    pub changes: Vec<Change>,
}

/// Compares two collections with `strategy`, whatever their size: the published flooding
/// strategies are quadratic, so on input from elsewhere use [`try_compare`].
///
/// ```
/// use tern_engine::{compare, Strategy};
/// use tern_model::{Collection, Entity, Resource};
///
/// let compute = "http://schemas.ogf.org/occi/infrastructure#compute".parse()?;
/// let mut runtime = Collection::new();
/// runtime.push_resource(Resource::new(Entity::new("vm-a", compute)))?;
/// let target = runtime.clone();
/// let comparison = compare(&runtime, &target, &Strategy::Tern);
/// assert_eq!(comparison.diff().old, vec!["vm-a".to_string()]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare<'a>(
    runtime: &'a Collection,
    target: &'a Collection,
    strategy: &Strategy,
) -> Comparison<'a> {
    compare_topologies(Topology::new(runtime), Topology::new(target), strategy)
}

/// [`compare`], refused with [`TooLarge`] when the strategy's cost on collections of this
/// size exceeds `limits` ([`Strategy::check_size`]).
///
/// ```
/// use tern_engine::{Limits, Strategy, try_compare};
/// use tern_model::{Collection, Entity, Resource};
///
/// let compute: tern_model::CategoryId = "http://schemas.ogf.org/occi/infrastructure#compute".parse()?;
/// let mut runtime = Collection::new();
/// for i in 0..3 {
///     runtime.push_resource(Resource::new(Entity::new(format!("vm-{i}"), compute.clone())))?;
/// }
/// let target = runtime.clone();
/// let similarity: Strategy = "similarity".parse()?;
/// let small = Limits { flooding_pairs: 4 };
/// assert!(try_compare(&runtime, &target, &similarity, &small).is_err());
/// assert!(try_compare(&runtime, &target, &Strategy::Tern, &small).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn try_compare<'a>(
    runtime: &'a Collection,
    target: &'a Collection,
    strategy: &Strategy,
    limits: &Limits,
) -> Result<Comparison<'a>, TooLarge> {
    let (runtime, target) = (Topology::new(runtime), Topology::new(target));
    strategy.check_size(runtime.resources().len(), target.resources().len(), limits)?;
    Ok(compare_topologies(runtime, target, strategy))
}

fn compare_topologies<'a>(
    runtime: Topology<'a>,
    target: Topology<'a>,
    strategy: &Strategy,
) -> Comparison<'a> {
    let matching = match_topologies(&runtime, &target, strategy);
    finish(runtime, target, matching)
}

/// Compares two collections whose resource pairs are already known (runtime id, target id),
/// e.g. from an id map kept by a deployment tool; links are matched from them.
pub fn compare_with_pairs<'a>(
    runtime: &'a Collection,
    target: &'a Collection,
    pairs: &[(&str, &str)],
) -> Comparison<'a> {
    let runtime = Topology::new(runtime);
    let target = Topology::new(target);
    let index = |t: &Topology<'a>| -> FastMap<&'a str, usize> {
        t.resources()
            .iter()
            .enumerate()
            .map(|(i, r)| (r.entity.id.as_str(), i))
            .collect()
    };
    let (in_runtime, in_target) = (index(&runtime), index(&target));
    let resources: Vec<Pair> = pairs
        .iter()
        .filter_map(|(r, t)| {
            Some(Pair {
                runtime: *in_runtime.get(r)?,
                target: *in_target.get(t)?,
                score: 1.0,
            })
        })
        .collect();
    let links = match_links(&runtime, &target, &resources);
    finish(runtime, target, Matching { resources, links })
}

fn finish<'a>(runtime: Topology<'a>, target: Topology<'a>, matching: Matching) -> Comparison<'a> {
    let resources = mark(
        runtime.resources().len(),
        target.resources().len(),
        &one_to_one(&matching.resources),
        |r, t| changes(&runtime.resource(r).entity, &target.resource(t).entity),
    );
    let links = mark(
        runtime.links().len(),
        target.links().len(),
        &one_to_one(&matching.links),
        |r, t| changes(&runtime.link(r).link.entity, &target.link(t).link.entity),
    );
    Comparison {
        runtime,
        target,
        matching,
        resources,
        links,
    }
}

impl Comparison<'_> {
    /// The report.
    pub fn diff(&self) -> Diff {
        let mut diff = Diff {
            matches: Vec::new(),
            old: Vec::new(),
            updated: Vec::new(),
            new: Vec::new(),
            missing: Vec::new(),
        };
        let sides = [
            (true, &self.matching.resources, &self.resources),
            (false, &self.matching.links, &self.links),
        ];
        for (resource, pairs, _) in sides {
            for p in pairs {
                diff.matches.push(MatchEntry {
                    runtime: self.runtime_entity(resource, p.runtime).id.clone(),
                    target: self.target_entity(resource, p.target).id.clone(),
                    score: p.score,
                });
            }
        }
        for (resource, _, marks) in sides {
            let runtime_id = |i: usize| self.runtime_entity(resource, i).id.clone();
            let target_id = |i: usize| self.target_entity(resource, i).id.clone();
            for m in marks {
                match m {
                    Mark::Old { target, .. } => diff.old.push(target_id(*target)),
                    Mark::Updated {
                        runtime,
                        target,
                        changes,
                    } => diff.updated.push(Updated {
                        id: target_id(*target),
                        runtime: runtime_id(*runtime),
                        changes: changes.clone(),
                    }),
                    Mark::New { target } => diff.new.push(target_id(*target)),
                    Mark::Missing { runtime } => diff.missing.push(runtime_id(*runtime)),
                }
            }
        }
        diff
    }

    /// The runtime entity of a resource or link mark position.
    pub fn runtime_entity(&self, resource: bool, i: usize) -> &Entity {
        if resource {
            &self.runtime.resource(i).entity
        } else {
            &self.runtime.link(i).link.entity
        }
    }

    /// The target entity of a resource or link mark position.
    pub fn target_entity(&self, resource: bool, i: usize) -> &Entity {
        if resource {
            &self.target.resource(i).entity
        } else {
            &self.target.link(i).link.entity
        }
    }
}

// The first pair for each runtime and each target entity wins (the published mixed
// strategy may fuse one missing resource with several new ones).
fn one_to_one(pairs: &[Pair]) -> Vec<(usize, usize)> {
    let mut seen_r = FastSet::default();
    let mut seen_t = FastSet::default();
    pairs
        .iter()
        .filter(|p| {
            let free = !seen_r.contains(&p.runtime) && !seen_t.contains(&p.target);
            if free {
                seen_r.insert(p.runtime);
                seen_t.insert(p.target);
            }
            free
        })
        .map(|p| (p.runtime, p.target))
        .collect()
}

// Marks in target order (old, updated, new), then missing in runtime order.
fn mark(
    runtime_len: usize,
    target_len: usize,
    pairs: &[(usize, usize)],
    diff: impl Fn(usize, usize) -> Vec<Change>,
) -> Vec<Mark> {
    let mut of_target = vec![None; target_len];
    let mut paired = vec![false; runtime_len];
    for &(r, t) in pairs {
        of_target[t] = Some(r);
        paired[r] = true;
    }
    let mut marks: Vec<Mark> = of_target
        .iter()
        .enumerate()
        .map(|(t, r)| match r {
            None => Mark::New { target: t },
            Some(r) => {
                let changes = diff(*r, t);
                if changes.is_empty() {
                    Mark::Old {
                        runtime: *r,
                        target: t,
                    }
                } else {
                    Mark::Updated {
                        runtime: *r,
                        target: t,
                        changes,
                    }
                }
            }
        })
        .collect();
    marks.extend(
        (0..runtime_len)
            .filter(|&r| !paired[r])
            .map(|runtime| Mark::Missing { runtime }),
    );
    marks
}

fn serialize_changes<S: Serializer>(changes: &[Change], serializer: S) -> Result<S::Ok, S::Error> {
    ChangesJson(changes).serialize(serializer)
}
