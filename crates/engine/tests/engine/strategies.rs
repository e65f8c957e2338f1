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
