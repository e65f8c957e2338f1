//! An OCCI HTTP client for live providers: discovery of the query interface, extraction of
//! the runtime model ([`extract()`]) and execution of a tern-engine [`Plan`](tern_engine::Plan) against the
//! endpoint ([`execute()`]).
//!
//! Every call goes through [`Client::call`]: content negotiation (JSON when the server offers
//! it, else `text/plain`, so OCCI 1.1 servers work too), an optional Bearer token and extra
//! headers, TLS through rustls, and bounded retries of transient failures (connect errors,
//! 5xx, 429 honouring `Retry-After`) with exponential backoff and jitter. Each attempt is
//! recorded ([`Call`]) for the `--format json` report.
//!
//! The plan is executed stage by stage, the calls of one stage concurrently (bounded); a
//! creation is a `PUT` at the location the plan chose, so a retried or repeated creation
//! never makes a second entity, and running the same target again converges.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cdmi;
mod execute;
mod extract;
mod http;
pub mod migrate;

pub use execute::{ExecuteOptions, Outcome, Progress, Report, Step, ensure_mixins, execute};
pub use extract::{Discovery, Extracted, discover, extract, extract_in};
pub use http::{Call, Client, ClientError, Config, Response, Retry};

/// Runs `future` on a fresh multi-threaded runtime: the blocking entry point of the CLI.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, ClientError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ClientError::Setup(format!("async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}
