//! Property: on generated n-tier topologies with random edits, tern's plan applied in
//! memory reaches the target, and is no longer than the plan built from the true
//! correspondence.

use proptest::prelude::*;
use tern_engine::{Strategy, apply, compare, compare_with_pairs, plan};
use tern_model::{Catalogue, OcciVersion};

use crate::ntier::{Replicas, edit, generate};
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
            let strategy = Strategy::from_name(name).unwrap();
            let p = plan(&compare(&runtime, &target, &strategy), &catalogue);
            let applied = apply(&runtime, &p, &catalogue).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            prop_assert_eq!(shape(&applied), shape(&target), "{}", name);
        }
    }
}
