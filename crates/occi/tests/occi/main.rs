//! Integration tests of tern-occi: reference fixtures, samples, snapshots, properties.
#![allow(clippy::trivially_copy_pass_by_ref)] // mirrors the library API, which takes `&ParseOptions`

mod collections;
mod fuzzed;
mod listed;
mod positions;
mod props;
mod reference;
mod samples;
mod snapshots;
mod support;
mod traps;
mod wide;
