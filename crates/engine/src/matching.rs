//! Strategies that pair runtime resources with target resources, and the link matching that
//! follows from a resource matching.

use std::collections::HashMap;

use crate::flooding::{FloodingConfig, LabelledGraph};
use crate::topology::Topology;
use crate::{published, tern};

/// How resources are paired.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Strategy {
    /// Same identifier (Erbel et al.'s "Simple"; the kind is not compared, as in their code).
    Identity,
    /// Similarity Flooding with greedy max-first selection ("Complex").
    Similarity(FloodingConfig),
    /// The published mixed strategy: identity, flooding on the rest, attribute filter, and
    /// the kind + mixins + title post-pass ("Mixed").
    Mixed(FloodingConfig),
    /// tern's own: identity, then a consistent maximum-weight assignment per kind.
    #[default]
    Tern,
}

/// One pair of the matching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Position in the runtime topology.
    pub runtime: usize,
    /// Position in the target topology.
    pub target: usize,
    /// How sure the strategy is (1.0 for identity; flooding value; assignment score).
    pub score: f64,
}

/// The outcome of a strategy: resource pairs (in the order they were decided) and the link
/// pairs derived from them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matching {
    /// Resource pairs. The published mixed strategy may pair one runtime resource with
    /// several target resources; the other strategies are one-to-one.
    pub resources: Vec<Pair>,
    /// Link pairs (one-to-one).
    pub links: Vec<Pair>,
}

/// The error for an unknown strategy name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy `{0}` (expected identity, similarity, mixed or tern)")]
pub struct UnknownStrategy(pub String);

impl Strategy {
    /// The strategy named `identity`, `similarity`, `mixed` or `tern` (flooding as coded by
    /// Erbel et al.).
    pub fn from_name(name: &str) -> Result<Self, UnknownStrategy> {
        match name {
            "identity" => Ok(Strategy::Identity),
            "similarity" => Ok(Strategy::Similarity(FloodingConfig::erbel())),
            "mixed" => Ok(Strategy::Mixed(FloodingConfig::erbel())),
            "tern" => Ok(Strategy::Tern),
            other => Err(UnknownStrategy(other.to_owned())),
        }
    }

    /// The strategy's name.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Identity => "identity",
            Strategy::Similarity(_) => "similarity",
            Strategy::Mixed(_) => "mixed",
            Strategy::Tern => "tern",
        }
    }
}

/// Pairs the resources of `runtime` and `target` with `strategy`, then their links.
pub fn match_topologies(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
    strategy: &Strategy,
) -> Matching {
    let resources = match strategy {
        Strategy::Identity => published::identity(runtime, target),
        Strategy::Similarity(config) => published::similarity(runtime, target, config),
        Strategy::Mixed(config) => published::mixed(runtime, target, config),
        Strategy::Tern => tern::assign(runtime, target),
    };
    let links = match_links(runtime, target, &resources);
    Matching { resources, links }
}

/// Builds the two labelled graphs Similarity Flooding reads: one node per resource (class =
/// kind), one edge per link between resources of the collection (label = link kind).
pub fn occi_graphs(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
) -> (LabelledGraph, LabelledGraph) {
    let mut names: HashMap<String, u32> = HashMap::new();
    let mut graph = |t: &Topology<'_>| {
        let mut intern = |s: String| {
            let next = names.len() as u32;
            *names.entry(s).or_insert(next)
        };
        let classes = (0..t.resources().len())
            .map(|i| intern(t.kind(i).to_string()))
            .collect();
        let mut g = LabelledGraph::new(classes);
        for node in 0..t.resources().len() {
            for &l in t.outgoing(node) {
                let link = t.link(l);
                if let Some(to) = link.target {
                    g.add_edge(node, intern(link.link.entity.kind.to_string()), to);
                }
            }
        }
        g
    };
    let g1 = graph(runtime);
    let g2 = graph(target);
    (g1, g2)
}

/// Pairs links: same kind, source resources paired, target resources paired (or the same
/// external target). Among several candidates the one with the most equal attributes wins,
/// then document order.
pub fn match_links(runtime: &Topology<'_>, target: &Topology<'_>, resources: &[Pair]) -> Vec<Pair> {
    let mut paired: HashMap<usize, Vec<usize>> = HashMap::new();
    for p in resources {
        paired.entry(p.target).or_default().push(p.runtime);
    }
    let mut used = vec![false; runtime.links().len()];
    let mut out = Vec::new();
    for (ti, tl) in target.links().iter().enumerate() {
        let Some(ts) = tl.source else { continue };
        let Some(sources) = paired.get(&ts) else {
            continue;
        };
        let mut best: Option<(usize, usize)> = None;
        for &rs in sources {
            for &ri in runtime.outgoing(rs) {
                let rl = runtime.link(ri);
                if used[ri] || rl.link.entity.kind != tl.link.entity.kind {
                    continue;
                }
                let same_target = match (rl.target, tl.target) {
                    (Some(a), Some(b)) => paired.get(&b).is_some_and(|v| v.contains(&a)),
                    (None, None) => rl.link.target.location == tl.link.target.location,
                    _ => false,
                };
                if !same_target {
                    continue;
                }
                let fit = crate::attributes::equal_count(&rl.link.entity, &tl.link.entity);
                if best.is_none_or(|(_, f)| fit > f) {
                    best = Some((ri, fit));
                }
            }
        }
        if let Some((ri, _)) = best {
            used[ri] = true;
            out.push(Pair {
                runtime: ri,
                target: ti,
                score: 1.0,
            });
        }
    }
    out
}
