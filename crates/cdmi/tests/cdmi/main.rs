//! Integration tests of tern-cdmi: one test binary, a module per concern.

mod reference;

mod base64_values;
mod body_props;
mod data_tables;
mod examples;
mod hostile;
mod objectid_props;
mod objectid_vectors;
mod samples;
mod spec_tables;
