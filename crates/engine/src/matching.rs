//! What a matching is (resource pairs, link pairs) and the link matching that follows from
//! a resource matching, whichever strategy made it.

use std::collections::HashMap;

use crate::attributes::equal_count;
use crate::topology::Topology;

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

/// Pairs links: same kind, source resources paired, target resources paired (or the same
/// external target). Among several candidates the one with the most equal attributes wins,
/// then document order.
pub(crate) fn match_links(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
    resources: &[Pair],
) -> Vec<Pair> {
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
                let fit = equal_count(&rl.link.entity, &tl.link.entity);
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
