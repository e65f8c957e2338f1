//! The shared model of tern: the OCCI Core metamodel (GFD.221, with the 1.1 differences of
//! GFD.183), into which the OVF, OCCI and CDMI codecs all map.
//!
//! * [`CategoryId`], [`Kind`], [`Mixin`], [`Action`] with [`AttributeDef`]s;
//! * [`Entity`], [`Resource`], [`Link`] holding typed [`Value`]s that keep their lexical form;
//! * [`Catalogue`]: resolves identifiers, walks parents and `depends`, validates entities,
//!   and holds the OCCI Infrastructure catalogues of 1.1 and 1.2 **as data**, with their
//!   state machines ([`StateMachine`]);
//! * [`Collection`]: resources and links as a graph.
//!
//! ```
//! use tern_model::{Catalogue, CategoryId, OcciVersion};
//!
//! let v12 = Catalogue::infrastructure(OcciVersion::V1_2);
//! let compute: CategoryId = "http://schemas.ogf.org/occi/infrastructure#compute".parse()?;
//! let machine = v12.state_machine(&compute).unwrap();
//! let start = machine.action_for("inactive", "active").unwrap();
//! assert_eq!(start.to_string(), "http://schemas.ogf.org/occi/infrastructure/compute/action#start");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attribute;
mod catalogue;
mod categories;
mod category;
mod collection;
mod data;
mod entity;
mod state;
mod uri;
mod validate;
mod value;
mod version;

pub use attribute::{AttributeDef, AttributeType, Format, Multiplicity, ValueProblem};
pub use catalogue::{
    AttributeIndex, CORE_SCHEME, Catalogue, CatalogueError, ENTITY, LINK, RESOURCE,
};
pub use categories::{Action, Category, Kind, Mixin};
pub use category::{CategoryClass, CategoryId, CategoryIdError};
pub use collection::{Collection, CollectionError, Neighbour};
pub use entity::{Attributes, Endpoint, Entity, Link, Resource};
pub use state::{StateMachine, Transition};
pub use uri::is_uri_text;
pub use validate::{ValidationError, ValidationErrors, ValidationMode};
pub use value::{Number, Value};
pub use version::{OcciVersion, UnknownVersion};
