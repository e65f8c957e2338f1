//! ProductSection properties in OCCI: every Property of every ProductSection travels as an
//! attribute of a tern mixin made for its section (`http://schemas.tern.dev/ovf/product#…`),
//! named after the section and the key ([`PropertyId`]), typed after its `ovf:type`, with
//! the rest of its declaration (qualifiers, label, description, category, password,
//! per-configuration values) in the attribute's definition. Properties a mapping row already
//! carries in an OCCI attribute (`hostname` → `occi.compute.hostname`…) keep their
//! declaration there and no second value.

pub(crate) mod cim;
pub(crate) mod declaration;
pub(crate) mod name;

pub use name::PropertyId;

/// Scheme of the mixins made from ProductSections.
pub const PRODUCT_SCHEME: &str = "http://schemas.tern.dev/ovf/product#";
