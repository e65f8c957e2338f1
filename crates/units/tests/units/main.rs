//! Integration tests of tern-units, one binary: the unit forms of the OVF reference notes,
//! the spellings in the real reference descriptors, conversions, errors and properties.

mod convert;
mod errors;
mod forms;
mod properties;
mod samples;
