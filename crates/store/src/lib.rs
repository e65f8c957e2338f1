//! Where `tern serve` keeps its OCCI entities and user-defined mixins.
//!
//! * [`Store`]: the trait a back end implements. Every request is one transaction,
//!   `begin → operations → commit`, run by [`transact`]; the commit is durable when the
//!   future returns, so a `2xx` sent after it survives a crash, and a transaction that fails
//!   or panics leaves nothing behind.
//! * [`Transaction`]: the operations inside one transaction, synchronous: a back end runs
//!   the whole unit of work on a thread of its own (the embedded store: its writer thread,
//!   or tokio's blocking pool for reads), so that the request logic is plain code over a
//!   consistent snapshot.
//! * [`SqliteStore`]: the embedded default, one SQLite file in the data directory (WAL,
//!   `synchronous=FULL`, group commit: the transactions queued together share one commit,
//!   each in a savepoint of its own; reads on snapshots beside the writer). Its SQL is
//!   portable (TEXT and INTEGER columns, `ON CONFLICT … DO UPDATE`): the same schema runs on
//!   PostgreSQL.
//! * [`PostgresStore`]: metadata several `tern serve` instances share (tokio-postgres, a
//!   deadpool pool, versioned migrations applied at connect). Each unit of work runs on a
//!   blocking thread with one connection; write transactions lock the keys they touch, so a
//!   read-modify-write never loses another instance's update (see the `postgres` module).
//!
//! Entities are stored as their canonical rendering (OCCI JSON, written by tern-occi) plus
//! the columns the server looks them up by: location, kind, mixins, a link's source and
//! target. The store never parses a body.
//!
//! CDMI values and images are blobs, not rows: [`BlobStore`] ([`LocalBlobs`] on the local
//! file system by default, [`S3Blobs`] in an S3-compatible bucket, both through
//! `object_store`), streamed and committed before the metadata row that points at them;
//! their metadata rows ([`CdmiRecord`]: path, object ID, parent, body) go through
//! [`Transaction`] like an entity's.
//!
//! ```
//! use tern_store::{Decision, Record, SqliteStore, transact};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let dir = tempfile::tempdir().unwrap();
//! let store = SqliteStore::open(dir.path()).unwrap();
//! let vm = Record::resource("/compute/1", "http://schemas.ogf.org/occi/infrastructure#compute", "{}");
//! transact(&store, move |tx| {
//!     tx.put(&vm)?;
//!     Ok(((), Decision::Commit))
//! })
//! .await
//! .unwrap();
//! let found = transact(&store, |tx| Ok((tx.get("/compute/1")?, Decision::Commit))).await.unwrap();
//! assert_eq!(found.unwrap().body, "{}");
//! # });
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod blob;
mod postgres;
mod record;
mod s3;
mod sqlite;
mod writer;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

pub use blob::{BlobError, BlobFuture, BlobStore, ByteStream, CHUNK, LocalBlobs};
pub use postgres::{DEFAULT_POOL_SIZE, PostgresStore};
pub use record::{CdmiRecord, MixinRecord, Query, Record};
pub use s3::{S3Blobs, S3Location};
pub use sqlite::SqliteStore;

/// A back end of entities and user mixins.
///
/// Implementations run each [`Work`] as one transaction: the work's operations see one
/// consistent state, and either all of them are committed, durably, before the returned
/// future completes ([`Decision::Commit`]) or none is ([`Decision::Rollback`], an error,
/// a panic). [`PostgresStore`] implements it by running the work on a blocking thread with
/// one pooled connection in a `BEGIN … COMMIT`.
pub trait Store: Send + Sync {
    /// Runs `work` in one transaction.
    fn run(&self, work: Work) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>>;

    /// Runs `work` in a read-only transaction: one consistent snapshot of what was
    /// committed; a write fails and nothing is kept, whatever the work decides. Back ends
    /// may run these beside each other and beside the writer (the embedded store does, on
    /// WAL snapshots); by default it is [`Store::run`], rolled back.
    fn read(
        &self,
        work: Work,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        self.run(Box::new(move |tx| {
            work(tx)?;
            Ok(Decision::Rollback)
        }))
    }

    /// Closes the store: later transactions fail with [`StoreError::Closed`]. Waits for the
    /// transaction in progress.
    fn close(&self) -> Result<(), StoreError>;
}

/// A unit of work: operations on a transaction, then whether to commit.
pub type Work = Box<dyn FnOnce(&mut dyn Transaction) -> Result<Decision, StoreError> + Send>;

/// What becomes of a transaction once its work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Keep every change, durably.
    Commit,
    /// Drop every change (the request was refused).
    Rollback,
}

/// The operations of one transaction.
pub trait Transaction {
    /// The entity at `location`.
    fn get(&mut self, location: &str) -> Result<Option<Record>, StoreError>;
    /// Inserts the entity, or replaces the one at the same location.
    fn put(&mut self, record: &Record) -> Result<(), StoreError>;
    /// Removes the entity at `location`; false when there was none.
    fn delete(&mut self, location: &str) -> Result<bool, StoreError>;
    /// The entities `query` selects, by location.
    fn list(&mut self, query: &Query) -> Result<Vec<Record>, StoreError>;
    /// The number of entities `query` selects (its offset and limit ignored).
    fn count(&mut self, query: &Query) -> Result<u64, StoreError>;
    /// The links whose source or target is `location`, by location.
    fn links_of(&mut self, location: &str) -> Result<Vec<Record>, StoreError>;
    /// Every user-defined mixin, by identifier.
    fn mixins(&mut self) -> Result<Vec<MixinRecord>, StoreError>;
    /// Inserts a user mixin, or replaces the one with the same identifier.
    fn put_mixin(&mut self, mixin: &MixinRecord) -> Result<(), StoreError>;
    /// Removes a user mixin; false when there was none.
    fn delete_mixin(&mut self, id: &str) -> Result<bool, StoreError>;
    /// The CDMI object at `path`.
    fn cdmi_get(&mut self, path: &str) -> Result<Option<CdmiRecord>, StoreError>;
    /// The CDMI object with this object ID.
    fn cdmi_by_id(&mut self, object_id: &str) -> Result<Option<CdmiRecord>, StoreError>;
    /// Inserts a CDMI object, or replaces the one at the same path.
    fn cdmi_put(&mut self, record: &CdmiRecord) -> Result<(), StoreError>;
    /// Removes the CDMI object at `path`; false when there was none.
    fn cdmi_delete(&mut self, path: &str) -> Result<bool, StoreError>;
    /// The children of the container at `parent`, by path, `limit` of them from `offset`.
    fn cdmi_children(
        &mut self,
        parent: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<CdmiRecord>, StoreError>;
    /// How many children the container at `parent` has.
    fn cdmi_count_children(&mut self, parent: &str) -> Result<u64, StoreError>;
}

/// A store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed an operation.
    #[error("store: {0}")]
    Database(String),
    /// The data directory cannot be used.
    #[error("store: {path}: {message}")]
    Open {
        /// The directory or file.
        path: String,
        /// Why.
        message: String,
    },
    /// The store was closed.
    #[error("store: closed")]
    Closed,
    /// The transaction lost a race with another one (a deadlock PostgreSQL broke, a
    /// serialization failure) and was rolled back: the request can be sent again.
    #[error("store: conflict with a concurrent transaction (rolled back): {0}")]
    Conflict(String),
    /// The work panicked; its transaction was rolled back.
    #[error("store: the transaction's work panicked (rolled back)")]
    Panicked,
}

/// Runs `work` as one read-only transaction of `store` ([`Store::read`]) and returns what it
/// computed.
pub async fn read<T, F>(store: &dyn Store, work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn Transaction) -> Result<T, StoreError> + Send + 'static,
{
    let slot: Arc<Mutex<Option<T>>> = Arc::new(Mutex::new(None));
    let out = Arc::clone(&slot);
    store
        .read(Box::new(move |tx| {
            let value = work(tx)?;
            *out.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
            Ok(Decision::Rollback)
        }))
        .await?;
    let value = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    value.ok_or(StoreError::Panicked)
}

/// Runs `work` as one transaction of `store` and returns what it computed: the changes are
/// committed (durably, before this returns) when it answers [`Decision::Commit`], dropped
/// otherwise.
pub async fn transact<T, F>(store: &dyn Store, work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn Transaction) -> Result<(T, Decision), StoreError> + Send + 'static,
{
    let slot: Arc<Mutex<Option<T>>> = Arc::new(Mutex::new(None));
    let out = Arc::clone(&slot);
    store
        .run(Box::new(move |tx| {
            let (value, decision) = work(tx)?;
            *out.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
            Ok(decision)
        }))
        .await?;
    let value = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    value.ok_or(StoreError::Panicked)
}
