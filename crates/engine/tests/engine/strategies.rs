//! Strategies by name: what the CLI (or any other front end) offers and parses.

use tern_engine::flooding::FloodingConfig;
use tern_engine::{Strategy, UnknownStrategy};

#[test]
fn every_strategy_parses_back_from_its_name() {
    let names: Vec<&str> = Strategy::ALL.iter().map(Strategy::name).collect();
    assert_eq!(names, ["identity", "similarity", "mixed", "tern"]);
    for s in Strategy::ALL {
        assert_eq!(s.name().parse::<Strategy>(), Ok(s));
        assert_eq!(s.to_string(), s.name());
        assert!(!s.summary().is_empty());
    }
    // The published strategies run flooding as Erbel et al. coded it; tern is the default.
    assert_eq!(
        "similarity".parse::<Strategy>(),
        Ok(Strategy::Similarity(FloodingConfig::erbel()))
    );
    assert_eq!(
        "mixed".parse::<Strategy>(),
        Ok(Strategy::Mixed(FloodingConfig::erbel()))
    );
    assert_eq!(Strategy::default(), Strategy::Tern);
}

#[test]
fn an_unknown_name_is_refused_with_the_names_known() {
    for name in ["flooding", "Tern", " tern", ""] {
        let err = name.parse::<Strategy>().unwrap_err();
        assert_eq!(err, UnknownStrategy(name.to_owned()));
        assert_eq!(
            err.to_string(),
            format!("unknown strategy `{name}` (expected identity, similarity, mixed or tern)")
        );
    }
}

/// The flooding strategies are quadratic: above [`FLOODING_MAX_PAIRS`] resource pairs they
/// are refused before any work, naming the limit and the default strategy; `identity` and
/// `tern` take any size.
#[test]
fn the_flooding_strategies_refuse_topologies_above_their_bound() {
    use tern_engine::{FLOODING_MAX_PAIRS, Limits, try_compare};

    use crate::ntier::{Replicas, edit, generate};

    let runtime = generate(600, Replicas::Named, 1);
    let (target, _) = edit(&runtime, 10, true, 1);
    let pairs = runtime.resources().len() * target.resources().len();
    assert!(pairs > FLOODING_MAX_PAIRS);
    for name in ["similarity", "mixed"] {
        let strategy: Strategy = name.parse().unwrap();
        let Err(e) = try_compare(&runtime, &target, &strategy, &Limits::default()) else {
            panic!("{name} ran on {pairs} pairs");
        };
        assert_eq!(e.pairs, pairs);
        let message = e.to_string();
        assert!(
            message.starts_with(&format!(
                "the {name} strategy compares every runtime resource with every target resource"
            )),
            "{message}"
        );
        assert!(
            message.contains("limited to 250000 resource pairs"),
            "{message}"
        );
        assert!(
            message.contains("use the default strategy `tern`"),
            "{message}"
        );
        // A caller may raise the limit.
        let small = generate(8, Replicas::Named, 1);
        let tight = Limits { flooding_pairs: 10 };
        assert!(try_compare(&small, &small, &strategy, &tight).is_err());
        let loose = Limits {
            flooding_pairs: 100,
        };
        assert!(try_compare(&small, &small, &strategy, &loose).is_ok());
    }
    for strategy in [Strategy::Identity, Strategy::Tern] {
        assert!(try_compare(&runtime, &target, &strategy, &Limits::default()).is_ok());
    }
}
