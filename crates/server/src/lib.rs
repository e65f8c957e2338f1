//! `tern serve`: an OCCI 1.2 (or 1.1) provider over HTTP, built on tern's codecs
//! (`tern_occi::read`/`write`: no second parser or renderer), its model (`tern_model`: the
//! catalogue, validation and state machines) and its store (`tern_store`: one durable
//! transaction per request).
//!
//! * [`run`] serves a [`Config`] until SIGINT or SIGTERM: requests in flight finish, then
//!   the store is closed. The first line on standard output is `listening on http://ADDR`.
//! * [`router`] is the whole HTTP service as an axum `Router`, for tests in process.
//! * [`Driver`] is the hypervisor side: what a create, an action and a delete do to a real
//!   machine. The default [`SimulatedDriver`] only moves the state machine.
//!
//! CDMI 1.1.1 shares the listener: requests addressed to CDMI (its reserved paths, its
//! version header or media types, paths under its containers; see the `cdmi` module) are
//! answered by the CDMI side, with values streamed to and from a blob store
//! ([`tern_store::BlobStore`], the local file system by default) under their own size limit.
//!
//! The layers, outside in: connections closed after the idle limit ([`IdleListener`]:
//! headers that stop coming), authentication (Bearer token, constant-time), the `Server:
//! tern OCCI/x.y` header, a request timeout, the body limit (413), then one handler that
//! negotiates media types, reads the request through tern-occi and runs the OCCI operation
//! in one store transaction (`provider` module).
//!
//! ```no_run
//! let config = tern_server::Config::new("127.0.0.1:0".parse().unwrap(), "/tmp/tern-data".into());
//! tern_server::run(config)?;
//! # Ok::<(), tern_server::ServerError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// `ParseOptions` is passed by reference, as tern-occi does: it grows with options.
#![allow(clippy::trivially_copy_pass_by_ref)]
// Refusals return early with their reply; `match` with both arms spelled out reads better.
#![allow(clippy::single_match_else)]

mod backends;
mod cdmi;
mod config;
mod driver;
mod http;
mod ids;
mod listener;
mod negotiate;
mod provider;
mod render;
mod ui;
mod version;

use std::sync::Arc;
use std::time::Duration;

pub use backends::collect_garbage;
pub use config::{
    BlobLocation, Config, DEFAULT_BODY_LIMIT, DEFAULT_CDMI_OBJECT_LIMIT, DEFAULT_GC_GRACE,
    DEFAULT_LISTEN, StoreLocation, default_data_dir,
};
pub use driver::{Driver, DriverError, SimulatedDriver};
pub use http::router;
pub use listener::{IdleListener, IdleStream};
pub use provider::Provider;

use tern_store::StoreError;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration is refused (an exposed address without `--token` or `--insecure`).
    #[error("{0}")]
    Config(String),
    /// The store could not be opened or closed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listener could not be bound, or the runtime failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Serves `config` until SIGINT or SIGTERM, on a runtime of its own.
pub fn run(config: Config) -> Result<(), ServerError> {
    config.check()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(config))
}

/// Serves `config` until SIGINT or SIGTERM on the current tokio runtime.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    config.check()?;
    let store = backends::open_store(&config).await?;
    let provider = Provider::open(&config, Arc::clone(&store), Arc::new(SimulatedDriver)).await?;
    provider.resume().await?;
    let app = router(Arc::new(provider), &config);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let bound = listener.local_addr()?;
    // A little longer than the request timeout, which answers 408 for a request under way.
    let listener = IdleListener::new(listener, config.request_timeout + Duration::from_secs(5));
    // The first line is for scripts and tests that listen on port 0.
    println!("listening on http://{bound}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close()?;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = interrupt.await;
            return;
        };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
