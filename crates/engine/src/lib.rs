//! Comparison and runtime adaptation of OCCI topologies.
//!
//! Given a runtime topology and a target one (two [`tern_model::Collection`]s), tern-engine
//! pairs their resources and links ([`Strategy`]), marks every entity old, updated, new or
//! missing ([`compare`], [`Diff`]), and plans the OCCI calls that adapt the runtime into the
//! target ([`plan()`], [`Plan`]): deletions, in-place updates and state-machine actions, then
//! creations along the provisioning order, in stages of independent calls.
//!
//! It implements the published approach of Erbel, Korte and Grabowski (CLOSER 2018) as
//! selectable strategies (identity, Similarity Flooding, mixed, reproducing their code's
//! behaviour) and tern's own default, a consistent maximum-weight assignment.
//!
//! ```
//! use tern_engine::{Strategy, compare, plan};
//! use tern_model::{Catalogue, Collection, Entity, OcciVersion, Resource};
//!
//! let compute: tern_model::CategoryId = "http://schemas.ogf.org/occi/infrastructure#compute".parse()?;
//! let mut vm = Entity::new("vm-1", compute.clone());
//! vm.attributes.insert("occi.compute.state", "active");
//! let mut runtime = Collection::new();
//! runtime.push_resource(Resource::new(vm.clone()))?;
//!
//! vm.attributes.insert("occi.compute.state", "inactive");
//! let mut target = Collection::new();
//! target.push_resource(Resource::new(vm))?;
//!
//! let comparison = compare(&runtime, &target, &Strategy::Tern);
//! let plan = plan(&comparison, &Catalogue::infrastructure(OcciVersion::V1_2));
//! let op = plan.operations().next().unwrap();
//! assert_eq!(op.action.as_ref().unwrap().term(), "stop");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Counts (links, attributes, candidates) stay far below 2^52, so turning them into f64 is exact.
#![allow(clippy::cast_precision_loss)]

mod adaptation;
mod apply;
mod assignment;
mod attributes;
mod diff;
pub mod flooding;
mod hashing;
mod matching;
mod plan;
mod published;
mod render;
mod strategy;
mod tern;
mod topology;

pub use adaptation::plan;
pub use apply::{ApplyError, apply};
pub use attributes::Change;
pub use diff::{
    Comparison, Diff, Mark, MatchEntry, Updated, compare, compare_with_pairs, try_compare,
};
pub use matching::{Matching, Pair};
pub use plan::{Body, Forced, Operation, OperationKind, Plan, Reason, Stage};
pub use render::{diff_text, plan_dot, plan_mermaid, plan_text};
pub use strategy::{
    FLOODING_MAX_PAIRS, Limits, Strategy, TooLarge, UnknownStrategy, match_topologies,
};
pub use topology::{LinkRef, Topology};
