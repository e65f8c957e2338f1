//! Integration tests of tern-engine: one binary, a module per concern.

// Reference values are quoted exactly as the notes print them.
#![allow(clippy::unreadable_literal, clippy::approx_constant)]

mod support;

#[path = "../../benches/ntier.rs"]
mod ntier;

mod applying;
mod bodies;
mod flooding_values;
mod hubs;
mod marking;
mod modules;
mod occie;
mod planning;
mod properties;
mod published_table;
mod strategies;
