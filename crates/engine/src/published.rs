//! The strategies of Erbel, Korte and Grabowski (CLOSER 2018) as their code behaves:
//! "Simple" (identity), "Complex" (Similarity Flooding with greedy selection) and "Mixed".
//!
//! Their selection walks a Java `HashMap<runtimeId, List<Vertex>>`; which of two equal
//! candidates wins depends on that map's iteration order, so it is reproduced here
//! ([`java_hash_order`]).

use std::collections::HashMap;

use crate::attributes::{equal_count, same_mixins};
use crate::flooding::{FloodingConfig, LabelledGraph, Pcg, flood};
use crate::matching::Pair;
use crate::topology::Topology;

/// Identity: runtime and target resources with the same id (kind not compared, as coded).
pub(crate) fn identity(runtime: &Topology<'_>, target: &Topology<'_>) -> Vec<Pair> {
    let by_id: HashMap<&str, usize> = target
        .resources()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.entity.id.as_str(), i))
        .collect();
    runtime
        .resources()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            by_id.get(r.entity.id.as_str()).map(|&t| Pair {
                runtime: i,
                target: t,
                score: 1.0,
            })
        })
        .collect()
}

/// Similarity Flooding alone, greedy max-first selection ("Complex").
pub(crate) fn similarity(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
    config: &FloodingConfig,
) -> Vec<Pair> {
    let (g1, g2) = occi_graphs(runtime, target);
    let pcg = Pcg::build(&g1, &g2);
    let result = flood(&g1, &g2, &pcg, config);
    let mut lists = Candidates::new(runtime, &result.pairs, &result.values);
    let mut out = Vec::new();
    while let Some(list) = lists.best_list() {
        let v = lists.lists[list].1[0];
        out.push(lists.commit(v));
    }
    out
}

/// The published mixed strategy: identity pins, flooding on the pruned PCG, greedy selection
/// with the attribute filter (first and second pick), then the kind + mixins + title post-pass.
#[allow(clippy::float_cmp)] // The authors test ties with `==` on doubles; so must we.
pub(crate) fn mixed(
    runtime: &Topology<'_>,
    target: &Topology<'_>,
    config: &FloodingConfig,
) -> Vec<Pair> {
    let pins: Vec<(usize, usize)> = identity(runtime, target)
        .into_iter()
        .map(|p| (p.runtime, p.target))
        .collect();
    let (g1, g2) = occi_graphs(runtime, target);
    let pcg = Pcg::build_pinned(&g1, &g2, &pins);
    let result = flood(&g1, &g2, &pcg, config);
    let mut lists = Candidates::new(runtime, &result.pairs, &result.values);
    let fit = |v: usize| {
        let (a, b) = result.pairs[v];
        equal_count(&runtime.resource(a).entity, &target.resource(b).entity)
    };
    let mut out = Vec::new();
    // Pinned resources that are not link ends never enter the PCG; they are matched anyway.
    for &(a, b) in &pins {
        if pcg.position((a, b)).is_none() {
            out.push(Pair {
                runtime: a,
                target: b,
                score: 1.0,
            });
        }
    }
    while let Some(list) = lists.best_list() {
        let candidates = &lists.lists[list].1;
        let top = result.values[candidates[0]];
        let tied: Vec<usize> = candidates
            .iter()
            .copied()
            .take_while(|&v| result.values[v] == top)
            .collect();
        let first = if tied.len() >= 2 {
            by_fit(&tied, fit)
        } else {
            tied[0]
        };
        let chosen_target = result.pairs[first].1;
        let mut rivals: Vec<usize> = lists
            .lists
            .iter()
            .flat_map(|(_, l)| l.iter().copied())
            .filter(|&v| result.pairs[v].1 == chosen_target)
            .collect();
        rivals.sort_by(|&a, &b| result.values[b].total_cmp(&result.values[a]));
        let second = by_fit(&rivals, fit);
        out.push(lists.commit(second));
    }
    post_pass(runtime, target, &mut out);
    out
}

/// The order in which a Java 8 `HashMap<String, _>` with default capacity iterates `keys`
/// inserted in the given order: by bucket (`hash ^ hash >>> 16` masked by the table size),
/// then by insertion. Returns positions into `keys`.
pub(crate) fn java_hash_order(keys: &[&str]) -> Vec<usize> {
    let mut capacity = 16usize;
    while keys.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let mut order: Vec<(usize, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            // Java's `int` arithmetic wraps like u32 arithmetic bit for bit.
            let h = k
                .encode_utf16()
                .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)));
            let spread = h ^ (h >> 16);
            (spread as usize & (capacity - 1), i)
        })
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

// Among `candidates` (in order), the one with the most equal attributes; on equal counts the
// later one wins, as the authors' `compVertexes` keeps the earlier only when strictly better.
fn by_fit(candidates: &[usize], fit: impl Fn(usize) -> usize) -> usize {
    let mut best = candidates[0];
    let mut best_fit = fit(best);
    for &c in &candidates[1..] {
        let f = fit(c);
        if f >= best_fit {
            best = c;
            best_fit = f;
        }
    }
    best
}

// Missing and new resources with the same kind, mixin set and title are fused; there is no
// `break` in the authors' loop, so one missing resource can fuse with several new ones.
fn post_pass(runtime: &Topology<'_>, target: &Topology<'_>, out: &mut Vec<Pair>) {
    let mut matched_r = vec![false; runtime.resources().len()];
    let mut matched_t = vec![false; target.resources().len()];
    for p in out.iter() {
        matched_r[p.runtime] = true;
        matched_t[p.target] = true;
    }
    for (a, r) in runtime.resources().iter().enumerate() {
        if matched_r[a] {
            continue;
        }
        for (b, t) in target.resources().iter().enumerate() {
            if matched_t[b] {
                continue;
            }
            if r.entity.kind == t.entity.kind
                && same_mixins(&r.entity, &t.entity)
                && r.entity.title == t.entity.title
            {
                out.push(Pair {
                    runtime: a,
                    target: b,
                    score: 0.0,
                });
            }
        }
    }
}

// The candidate lists keyed by runtime resource, in Java HashMap order; each list in PCG
// order, re-sorted (stably, descending) before every pick.
struct Candidates<'v> {
    lists: Vec<(usize, Vec<usize>)>,
    pairs: &'v [(usize, usize)],
    values: &'v [f64],
}

impl<'v> Candidates<'v> {
    fn new(runtime: &Topology<'_>, pairs: &'v [(usize, usize)], values: &'v [f64]) -> Self {
        let mut keys: Vec<usize> = Vec::new();
        let mut lists: HashMap<usize, Vec<usize>> = HashMap::new();
        for (v, &(a, _)) in pairs.iter().enumerate() {
            lists
                .entry(a)
                .or_insert_with(|| {
                    keys.push(a);
                    Vec::new()
                })
                .push(v);
        }
        let ids: Vec<&str> = keys
            .iter()
            .map(|&a| runtime.resource(a).entity.id.as_str())
            .collect();
        let lists = java_hash_order(&ids)
            .into_iter()
            .map(|i| (keys[i], lists.remove(&keys[i]).unwrap_or_default()))
            .collect();
        Candidates {
            lists,
            pairs,
            values,
        }
    }

    // Sorts every list and returns the first whose head is strictly greater than the heads
    // of all earlier lists.
    fn best_list(&mut self) -> Option<usize> {
        let values = self.values;
        let mut best: Option<(usize, f64)> = None;
        for (i, (_, list)) in self.lists.iter_mut().enumerate() {
            list.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
            if let Some(&head) = list.first()
                && best.is_none_or(|(_, v)| values[head] > v)
            {
                best = Some((i, values[head]));
            }
        }
        best.map(|(i, _)| i)
    }

    fn commit(&mut self, vertex: usize) -> Pair {
        let (a, b) = self.pairs[vertex];
        let pairs = self.pairs;
        for (key, list) in &mut self.lists {
            if *key == a {
                list.clear();
            } else {
                list.retain(|&v| pairs[v].1 != b);
            }
        }
        Pair {
            runtime: a,
            target: b,
            score: self.values[vertex],
        }
    }
}

/// Builds the two labelled graphs Similarity Flooding reads: one node per resource (class =
/// kind), one edge per link between resources of the collection (label = link kind).
pub(crate) fn occi_graphs(
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

#[cfg(test)]
mod tests {
    use super::java_hash_order;

    #[test]
    fn java_hash_order_follows_buckets_then_insertion() {
        // Java: "Aa".hashCode() == "BB".hashCode() == 2112 → bucket 2112 & 15 = 0, kept in
        // insertion order; "b" is 98 → bucket 2; "a" is 97 → bucket 1.
        assert_eq!(java_hash_order(&["b", "BB", "a", "Aa"]), vec![1, 3, 2, 0]);
        // "hello".hashCode() == 99162322; spread h ^ (h >>> 16) lands in bucket 11; "x" (120)
        // in bucket 8.
        assert_eq!(java_hash_order(&["hello", "x"]), vec![1, 0]);
    }

    #[test]
    fn the_table_grows_like_javas() {
        // "Q" (81) and "A" (65) share bucket 1 of 16: insertion order.
        assert_eq!(java_hash_order(&["Q", "A"]), vec![0, 1]);
        // 13 keys exceed 16 × 0.75: the table has 32 buckets, "A" stays in 1, "Q" moves to
        // 17, and the others ("R" = 82 … "\\" = 92) sit in 18..=28.
        let keys = [
            "Q", "A", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[", "\\",
        ];
        let order = java_hash_order(&keys);
        assert_eq!(order, vec![1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
}
