//! Which store and blob store a [`Config`] names: the embedded ones (SQLite and files in the
//! data directory) or the shared ones several instances use at once (PostgreSQL, S3).

use std::sync::Arc;
use std::time::Duration;

use tern_store::{
    BlobStore, DEFAULT_POOL_SIZE, LocalBlobs, PostgresStore, S3Blobs, SqliteStore, Store,
};

use crate::config::{BlobLocation, StoreLocation};
use crate::{Config, ServerError};

/// Opens the metadata store `config` names (PostgreSQL: connected, migrated).
pub(crate) async fn open_store(config: &Config) -> Result<Arc<dyn Store>, ServerError> {
    Ok(match &config.store {
        StoreLocation::Embedded => Arc::new(SqliteStore::open(&config.data)?),
        StoreLocation::Postgres(url) => {
            Arc::new(PostgresStore::connect(url, DEFAULT_POOL_SIZE).await?)
        }
    })
}

/// Opens the blob store `config` names.
pub(crate) fn open_blobs(config: &Config) -> Result<Arc<dyn BlobStore>, ServerError> {
    let failed = |e: tern_store::BlobError| ServerError::Config(format!("blobs: {e}"));
    Ok(match &config.blobs {
        BlobLocation::Local => {
            Arc::new(LocalBlobs::open(&config.data.join("blobs")).map_err(failed)?)
        }
        BlobLocation::S3 { location, endpoint } => {
            Arc::new(S3Blobs::open(location, endpoint.as_deref()).map_err(failed)?)
        }
    })
}

/// How old an unnamed blob must be to be collected: local blobs belong to this instance
/// alone (none is being uploaded at start), shared ones may be another instance's upload.
pub(crate) fn grace(config: &Config) -> Duration {
    match (&config.store, &config.blobs) {
        (StoreLocation::Embedded, BlobLocation::Local) => Duration::ZERO,
        _ => config.gc_grace,
    }
}

/// Removes the blobs no CDMI object names that are older than the grace period
/// ([`Config::gc_grace`]): what a crash between a blob's upload and its row's commit left.
/// Returns how many were removed. `tern serve` does this at start too.
pub fn collect_garbage(config: &Config) -> Result<usize, ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        let blobs = open_blobs(config)?;
        let n = crate::cdmi::collect_garbage(store.as_ref(), blobs.as_ref(), grace(config)).await;
        store.close()?;
        n
    })
}
