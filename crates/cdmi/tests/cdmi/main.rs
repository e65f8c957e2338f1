//! Integration tests of tern-cdmi: one test binary, a module per concern.

mod reference;

mod examples;
mod objectid_props;
mod objectid_vectors;
