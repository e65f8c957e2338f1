//! Integration tests of tern-model: one binary, a module per concern.

// Fixtures are passed by value for readable call sites.
#![allow(clippy::needless_pass_by_value)]

mod attributes;
mod catalogue;
mod collection;
mod data;
mod scale;
mod state;
mod validation;
mod value;

use tern_model::CategoryId;

/// `http://schemas.ogf.org/occi/infrastructure#<term>`.
pub(crate) fn infra(term: &str) -> CategoryId {
    CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", term)
}

/// Parses a full type identifier.
pub(crate) fn id(text: &str) -> CategoryId {
    text.parse().expect("a valid category identifier")
}
