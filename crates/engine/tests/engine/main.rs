//! Integration tests of tern-engine: one binary, a module per concern.

mod support;

mod occie;
mod published_table;
