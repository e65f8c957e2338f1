//! What a matching is (resource pairs, link pairs) and the link matching that follows from
//! a resource matching, whichever strategy made it.

use tern_model::CategoryId;

use crate::attributes::equal_count;
use crate::hashing::FastMap;
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
/// then document order. Runtime links are indexed by (source, kind, target), so a resource
/// with thousands of links costs no more per link than one with a few.
pub(crate) fn match_links(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
    resources: &[Pair],
) -> Vec<Pair> {
    let mut paired: FastMap<usize, Vec<usize>> = FastMap::default();
    for p in resources {
        paired.entry(p.target).or_default().push(p.runtime);
    }
    // Runtime links by their ends and kind, in document order.
    let mut by_ends: FastMap<(usize, &CategoryId, End<'_>), Vec<usize>> = FastMap::default();
    for (ri, rl) in runtime.links().iter().enumerate() {
        let Some(rs) = rl.source else { continue };
        let end = match rl.target {
            Some(a) => End::Resource(a),
            None => End::External(&rl.link.target.location),
        };
        by_ends
            .entry((rs, &rl.link.entity.kind, end))
            .or_default()
            .push(ri);
    }
    let mut used = vec![false; runtime.links().len()];
    let mut out = Vec::new();
    for (ti, tl) in target.links().iter().enumerate() {
        let Some(ts) = tl.source else { continue };
        let Some(sources) = paired.get(&ts) else {
            continue;
        };
        let ends: Vec<End<'_>> = match tl.target {
            Some(b) => paired
                .get(&b)
                .map(|v| v.iter().map(|&a| End::Resource(a)).collect())
                .unwrap_or_default(),
            None => vec![End::External(&tl.link.target.location)],
        };
        // (runtime link, equal attributes, position of its source among `sources`)
        let mut best: Option<(usize, usize, usize)> = None;
        for (si, &rs) in sources.iter().enumerate() {
            for &end in &ends {
                let Some(candidates) = by_ends.get(&(rs, &tl.link.entity.kind, end)) else {
                    continue;
                };
                for &ri in candidates.iter().filter(|&&ri| !used[ri]) {
                    let fit = equal_count(&runtime.link(ri).link.entity, &tl.link.entity);
                    // The first in (source, document) order among the best.
                    let better = best.is_none_or(|(bri, bfit, bsi)| {
                        fit > bfit || (fit == bfit && (si, ri) < (bsi, bri))
                    });
                    if better {
                        best = Some((ri, fit, si));
                    }
                }
            }
        }
        if let Some((ri, _, _)) = best {
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

// Where a link ends: a resource of the topology, or a location outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum End<'a> {
    Resource(usize),
    External(&'a str),
}
