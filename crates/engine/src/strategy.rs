//! The strategies that pair runtime resources with target resources.

use std::fmt;
use std::str::FromStr;

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

/// The largest `runtime resources × target resources` the published Similarity Flooding
/// strategies (`similarity`, `mixed`) accept by default ([`Limits::default`]): their
/// pairwise connectivity graph holds up to one node per pair and is iterated up to 1000
/// times, so time and memory grow with the square of the size (500 × 500 resources: about
/// 6 s and 45 MB on a 2-core machine; 1 600 × 1 600: 41 s and 676 MB). `identity` and the
/// default `tern` are linear and unbounded.
pub const FLOODING_MAX_PAIRS: usize = 250_000;

/// Bounds on the work of a comparison (see `try_compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest `runtime resources × target resources` for the flooding strategies.
    pub flooding_pairs: usize,
}

impl Default for Limits {
    /// [`FLOODING_MAX_PAIRS`].
    fn default() -> Self {
        Limits {
            flooding_pairs: FLOODING_MAX_PAIRS,
        }
    }
}

/// A comparison refused because the strategy's cost on topologies of this size is not
/// bounded by [`Limits`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {strategy} strategy compares every runtime resource with every target resource (time and memory grow with the square of the size) and is limited to {limit} resource pairs; these topologies have {runtime} × {target} = {pairs}: use the default strategy `tern`, which grows linearly"
)]
#[non_exhaustive]
pub struct TooLarge {
    /// The refused strategy's name.
    pub strategy: &'static str,
    /// Resources of the runtime topology.
    pub runtime: usize,
    /// Resources of the target topology.
    pub target: usize,
    /// Their product.
    pub pairs: usize,
    /// The limit it exceeds.
    pub limit: usize,
}

/// The error for an unknown strategy name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy `{0}` (expected identity, similarity, mixed or tern)")]
pub struct UnknownStrategy(pub String);

impl Strategy {
    /// Every strategy, the published ones with flooding as Erbel et al. coded it, in the
    /// order a user is offered them. Each [`name`](Strategy::name) parses back to it.
    ///
    /// ```
    /// use tern_engine::Strategy;
    /// for s in Strategy::ALL {
    ///     assert_eq!(s.name().parse::<Strategy>(), Ok(s));
    /// }
    /// assert_eq!("tern".parse::<Strategy>(), Ok(Strategy::Tern));
    /// assert!("flooding".parse::<Strategy>().is_err());
    /// ```
    pub const ALL: [Strategy; 4] = [
        Strategy::Identity,
        Strategy::Similarity(FloodingConfig::erbel()),
        Strategy::Mixed(FloodingConfig::erbel()),
        Strategy::Tern,
    ];

    /// The strategy's name: `identity`, `similarity`, `mixed` or `tern`.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Identity => "identity",
            Strategy::Similarity(_) => "similarity",
            Strategy::Mixed(_) => "mixed",
            Strategy::Tern => "tern",
        }
    }

    /// Checks that the strategy's cost is bounded by `limits` on topologies of `runtime` and
    /// `target` resources.
    ///
    /// ```
    /// use tern_engine::{Limits, Strategy};
    /// let similarity: Strategy = "similarity".parse().unwrap();
    /// assert!(similarity.check_size(400, 400, &Limits::default()).is_ok());
    /// let e = similarity.check_size(1_600, 1_620, &Limits::default()).unwrap_err();
    /// assert!(e.to_string().contains("limited to 250000 resource pairs"), "{e}");
    /// assert!(Strategy::Tern.check_size(1_000_000, 1_000_000, &Limits::default()).is_ok());
    /// ```
    pub fn check_size(
        &self,
        runtime: usize,
        target: usize,
        limits: &Limits,
    ) -> Result<(), TooLarge> {
        let pairs = runtime.saturating_mul(target);
        match self {
            Strategy::Similarity(_) | Strategy::Mixed(_) if pairs > limits.flooding_pairs => {
                Err(TooLarge {
                    strategy: self.name(),
                    runtime,
                    target,
                    pairs,
                    limit: limits.flooding_pairs,
                })
            }
            _ => Ok(()),
        }
    }

    /// What the strategy does, in one line (for a command's help).
    pub fn summary(&self) -> &'static str {
        match self {
            Strategy::Identity => "Same identifier",
            Strategy::Similarity(_) => {
                "Similarity Flooding with greedy selection (Erbel et al.'s \"Complex\")"
            }
            Strategy::Mixed(_) => {
                "Identity, flooding, attribute filter, title post-pass (Erbel et al.'s \"Mixed\")"
            }
            Strategy::Tern => "tern's consistent, cost-based assignment",
        }
    }
}

impl FromStr for Strategy {
    type Err = UnknownStrategy;

    /// The strategy of [`Strategy::ALL`] with that name.
    fn from_str(name: &str) -> Result<Self, UnknownStrategy> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| UnknownStrategy(name.to_owned()))
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
