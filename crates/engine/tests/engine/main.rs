//! Integration tests of tern-engine: one binary, a module per concern.

// Reference values are quoted exactly as the notes print them.
#![allow(clippy::unreadable_literal, clippy::approx_constant)]

mod support;

mod flooding_values;
mod occie;
mod published_table;
