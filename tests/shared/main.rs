//! Several `tern serve` instances sharing PostgreSQL and an S3-compatible store (issue 20):
//! the store traits' conformance on both back ends, the S3 blob store, and real instances
//! under concurrent load. The services come from `.ci/services.sh` (see `services`).

mod conformance;
mod services;
