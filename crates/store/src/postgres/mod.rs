//! The shared store: metadata in PostgreSQL, for several `tern serve` instances at once.
//!
//! The [`Transaction`](crate::Transaction) operations are synchronous (the request logic is
//! plain code), tokio-postgres is asynchronous: each unit of work runs on tokio's blocking
//! pool with one pooled connection, and drives every statement with
//! [`Handle::block_on`](tokio::runtime::Handle::block_on).
//!
//! Isolation. A unit of work is an `FnOnce` and cannot be run twice, so a transaction must
//! not fail for a race it could have waited out: write transactions run at `READ
//! COMMITTED` and take a transaction-scoped advisory lock on every key they read or write
//! (entity location, CDMI path, mixin identifier) before touching it. A read-modify-write
//! of one entity therefore waits for the other instance's transaction on that entity and
//! then reads its committed result: no update is lost, and two creates of the same
//! client-chosen location are ordered (the second sees the first). Read-only transactions
//! run at `REPEATABLE READ, READ ONLY`: one snapshot, no locks. The rare deadlock between
//! two transactions locking the same keys in opposite orders is broken by PostgreSQL; the
//! loser fails with [`StoreError::Conflict`](crate::StoreError::Conflict) (the server
//! answers 503, to be retried), nothing of it kept.

mod migrate;
mod ops;

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::runtime::Handle;
use tokio_postgres::IsolationLevel;

use crate::{Decision, Store, StoreError, Work};
use ops::PgTransaction;

/// Connections kept open by one instance when the URL does not say.
pub const DEFAULT_POOL_SIZE: usize = 16;

// How many times a connection is asked for before the transaction fails (a pooled
// connection the server dropped is replaced).
const CONNECT_TRIES: u32 = 3;

/// The PostgreSQL store (`tern serve --store postgres://…`): the embedded store's schema,
/// migrated at [`PostgresStore::connect`], a pool of connections, one per transaction.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    closed: Arc<AtomicBool>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("status", &self.pool.status())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database `url` (`postgres://user@host:port/db`, or the key=value
    /// form), with at most `pool_size` connections, and applies the migrations it lacks.
    /// Plain TCP: keep the database on a trusted network or loopback.
    pub async fn connect(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| StoreError::Open {
            path: redact(url),
            message: format!("not a PostgreSQL connection string: {e}"),
        })?;
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .wait_timeout(Some(Duration::from_secs(30)))
            .build()
            .map_err(|e| StoreError::Open {
                path: redact(url),
                message: e.to_string(),
            })?;
        let store = PostgresStore {
            pool,
            closed: Arc::new(AtomicBool::new(false)),
        };
        let mut client = store.client().await.map_err(|e| StoreError::Open {
            path: redact(url),
            message: e.to_string(),
        })?;
        migrate::migrate(&mut client).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<Object, StoreError> {
        let mut tries = 0;
        loop {
            if self.closed.load(Ordering::Acquire) {
                return Err(StoreError::Closed);
            }
            tries += 1;
            match self.pool.get().await {
                Ok(client) => return Ok(client),
                Err(e) if tries >= CONNECT_TRIES => {
                    return Err(StoreError::Database(format!("no connection: {e}")));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100 * u64::from(tries))).await,
            }
        }
    }

    fn transaction(
        &self,
        work: Work,
        write: bool,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        Box::pin(async move {
            let client = self.client().await?;
            let handle = Handle::current();
            tokio::task::spawn_blocking(move || run_blocking(client, &handle, work, write))
                .await
                .map_err(|_| StoreError::Panicked)?
        })
    }
}

impl Store for PostgresStore {
    fn run(&self, work: Work) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        self.transaction(work, true)
    }

    fn read(
        &self,
        work: Work,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        self.transaction(work, false)
    }

    fn close(&self) -> Result<(), StoreError> {
        self.closed.store(true, Ordering::Release);
        self.pool.close();
        Ok(())
    }
}

// One unit of work on `client`, on a blocking thread: BEGIN, the work, COMMIT or ROLLBACK.
fn run_blocking(
    mut client: Object,
    handle: &Handle,
    work: Work,
    write: bool,
) -> Result<(), StoreError> {
    let builder = client.build_transaction();
    let builder = if write {
        builder.isolation_level(IsolationLevel::ReadCommitted)
    } else {
        builder
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
    };
    let tx = handle.block_on(builder.start()).map_err(pg)?;
    let outcome = {
        let mut ops = PgTransaction::new(&tx, handle, write);
        catch_unwind(AssertUnwindSafe(|| work(&mut ops)))
    };
    match outcome {
        Ok(Ok(Decision::Commit)) if write => handle.block_on(tx.commit()).map_err(pg),
        Ok(Ok(_)) => handle.block_on(tx.rollback()).map_err(pg),
        Ok(Err(e)) => {
            let _ = handle.block_on(tx.rollback());
            Err(e)
        }
        Err(_) => {
            let _ = handle.block_on(tx.rollback());
            Err(StoreError::Panicked)
        }
    }
}

/// A PostgreSQL error as a store error: a serialization failure or a deadlock is a
/// [`StoreError::Conflict`] (to be retried by the client), the rest a database error.
#[allow(clippy::needless_pass_by_value, reason = "used as `map_err(pg)`")]
pub(crate) fn pg(e: tokio_postgres::Error) -> StoreError {
    use tokio_postgres::error::SqlState;
    let message = match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    };
    match e.code() {
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Conflict(message)
        }
        _ => StoreError::Database(message),
    }
}

// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
