//! The strategies that pair runtime resources with target resources.

use crate::flooding::FloodingConfig;
use crate::matching::{Matching, match_links};
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
