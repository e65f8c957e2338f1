//! Integration tests of tern-ova: one test binary, a module per concern.

mod forward;
mod hostile;
mod limits;
mod manifest;
mod package;
mod properties;
mod references;
mod roundtrip;
mod streams;
mod support;
mod ustar;
