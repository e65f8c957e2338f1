//! Property: on generated n-tier topologies with random edits, tern's plan applied in
//! memory reaches the target, and is no longer than the plan built from the true
//! correspondence.

use proptest::prelude::*;
use tern_engine::{Strategy, apply, compare, compare_with_pairs, plan};
use tern_model::{Catalogue, OcciVersion};

use crate::ntier::{Replicas, edit, edit_script, generate};
use crate::support::shape;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn plans_reach_the_target_and_are_minimal(
        size in 6usize..60,
        seed in 0u64..1_000,
        edits in 0usize..6,
        rename in any::<bool>(),
        identical in any::<bool>(),
    ) {
        let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        let replicas = if identical { Replicas::Identical } else { Replicas::Named };
        let runtime = generate(size, replicas, seed);
        let (target, truth) = edit(&runtime, edits, rename, seed);
        let ours = plan(&compare(&runtime, &target, &Strategy::Tern), &catalogue);
        let applied = apply(&runtime, &ours, &catalogue).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(shape(&applied), shape(&target));
        let pairs: Vec<(&str, &str)> = truth.iter().map(|(t, r)| (r.as_str(), t.as_str())).collect();
        let best = plan(&compare_with_pairs(&runtime, &target, &pairs), &catalogue);
        prop_assert!(ours.len() <= best.len(), "tern {} calls, truth {} calls", ours.len(), best.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    // Planning is right whatever the matching: the published strategies' plans also reach
    // the target (they are only longer).
    #[test]
    fn every_strategys_plan_reaches_the_target(
        size in 6usize..24,
        seed in 0u64..1_000,
        edits in 0usize..4,
        rename in any::<bool>(),
    ) {
        let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        let runtime = generate(size, Replicas::Named, seed);
        let (target, _) = edit(&runtime, edits, rename, seed);
        for name in ["identity", "similarity", "mixed", "tern"] {
            let strategy = name.parse::<Strategy>().unwrap();
            let p = plan(&compare(&runtime, &target, &strategy), &catalogue);
            let applied = apply(&runtime, &p, &catalogue).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            prop_assert_eq!(shape(&applied), shape(&target), "{}", name);
        }
    }
}

// The shortest plan over every kind-preserving partial matching that keeps each title
// naming one resource of a kind on both sides with its namesake, as tern does (exhaustive;
// tiny inputs).
fn shortest_plan(runtime: &tern_model::Collection, target: &tern_model::Collection) -> usize {
    fn walk(
        i: usize,
        runtime: &tern_model::Collection,
        target: &tern_model::Collection,
        namesake: &[Option<usize>],
        used: &mut Vec<bool>,
        pairs: &mut Vec<(usize, usize)>,
        best: &mut usize,
    ) {
        let rs = runtime.resources();
        let ts = target.resources();
        if i == rs.len() {
            let ids: Vec<(&str, &str)> = pairs
                .iter()
                .map(|&(r, t)| (rs[r].entity.id.as_str(), ts[t].entity.id.as_str()))
                .collect();
            let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
            let n = plan(&compare_with_pairs(runtime, target, &ids), &catalogue).len();
            *best = (*best).min(n);
            return;
        }
        let named: Vec<bool> = (0..ts.len()).map(|t| namesake.contains(&Some(t))).collect();
        if namesake[i].is_none() {
            walk(i + 1, runtime, target, namesake, used, pairs, best);
        }
        for t in 0..ts.len() {
            let allowed = match namesake[i] {
                Some(n) => t == n,
                None => !named[t],
            };
            if allowed && !used[t] && ts[t].entity.kind == rs[i].entity.kind {
                used[t] = true;
                pairs.push((i, t));
                walk(i + 1, runtime, target, namesake, used, pairs, best);
                pairs.pop();
                used[t] = false;
            }
        }
    }
    let unique = |c: &tern_model::Collection, r: &tern_model::Resource| {
        r.entity.title.is_some()
            && c.resources()
                .iter()
                .filter(|o| o.entity.title == r.entity.title && o.entity.kind == r.entity.kind)
                .count()
                == 1
    };
    let namesake: Vec<Option<usize>> = runtime
        .resources()
        .iter()
        .map(|r| {
            if !unique(runtime, r) {
                return None;
            }
            target.resources().iter().position(|t| {
                t.entity.title == r.entity.title
                    && t.entity.kind == r.entity.kind
                    && unique(target, t)
            })
        })
        .collect();
    let mut best = usize::MAX;
    let mut used = vec![false; target.resources().len()];
    walk(
        0,
        runtime,
        target,
        &namesake,
        &mut used,
        &mut Vec::new(),
        &mut best,
    );
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    // On tiny topologies the shortest plan can be found by trying every matching: tern's
    // plan is that short (among matchings that keep named resources with their namesakes).
    #[test]
    fn tern_plans_are_as_short_as_the_exhaustive_optimum(
        size in 3usize..8,
        seed in 0u64..1_000,
        edits in 0usize..4,
        identical in any::<bool>(),
    ) {
        let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        let replicas = if identical { Replicas::Identical } else { Replicas::Named };
        let runtime = generate(size, replicas, seed);
        let (target, _) = edit(&runtime, edits, true, seed);
        prop_assume!(runtime.resources().len() <= 8 && target.resources().len() <= 9);
        let ours = plan(&compare(&runtime, &target, &Strategy::Tern), &catalogue).len();
        prop_assert_eq!(ours, shortest_plan(&runtime, &target));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    // The acceptance property: with every id renamed, tern's plan never takes more
    // calls than the edit script did one by one, and never deletes (or replaces) a compute
    // the script did not delete: as many deleted as the script deleted at most, and, where
    // VMs have names, exactly those.
    #[test]
    fn plans_never_exceed_the_edit_script_nor_delete_a_kept_compute(
        size in 6usize..120,
        seed in 0u64..10_000,
        edits in 0usize..10,
        identical in any::<bool>(),
    ) {
        let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        let replicas = if identical { Replicas::Identical } else { Replicas::Named };
        let runtime = generate(size, replicas, seed);
        let script = edit_script(&runtime, edits, true, seed);
        let comparison = compare(&runtime, &script.target, &Strategy::Tern);
        let ours = plan(&comparison, &catalogue);
        prop_assert!(
            ours.len() <= script.calls,
            "{} calls planned, the script took {}", ours.len(), script.calls
        );
        let deleted: Vec<&str> = ours
            .operations()
            .filter(|o| o.op == tern_engine::OperationKind::Delete)
            .filter_map(|o| o.location.strip_prefix("/compute/"))
            .collect();
        prop_assert!(
            deleted.len() <= script.deleted_computes.len(),
            "deleted {deleted:?}, the script deleted {:?}", script.deleted_computes
        );
        if !identical {
            for id in &deleted {
                prop_assert!(script.deleted_computes.iter().any(|d| d == id), "{id} was kept");
            }
        }
        let applied = apply(&runtime, &ours, &catalogue).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(shape(&applied), shape(&script.target));
    }
}
