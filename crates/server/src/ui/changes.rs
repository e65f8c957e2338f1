//! The store-wide change counter the page polls: a [`Store`] wrapper that counts the
//! transactions that committed. Reads do not count; a rolled-back or failed transaction does
//! not count. The counter is bumped once the commit is durable, so a page that sees a new
//! value and reads again sees the change.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tern_store::{Decision, Store, StoreError, Work};

/// A store that counts its committed transactions in `count`.
pub(crate) struct Counted {
    inner: Arc<dyn Store>,
    count: Arc<AtomicU64>,
}

impl Counted {
    /// Wraps `inner`; every commit adds one to `count`.
    pub(crate) fn new(inner: Arc<dyn Store>, count: Arc<AtomicU64>) -> Counted {
        Counted { inner, count }
    }
}

impl Store for Counted {
    fn run(&self, work: Work) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        let committed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&committed);
        let counted: Work = Box::new(move |tx| {
            let decision = work(tx)?;
            if decision == Decision::Commit {
                flag.store(true, Ordering::Release);
            }
            Ok(decision)
        });
        let run = self.inner.run(counted);
        Box::pin(async move {
            let result = run.await;
            if result.is_ok() && committed.load(Ordering::Acquire) {
                self.count.fetch_add(1, Ordering::AcqRel);
            }
            result
        })
    }

    fn read(
        &self,
        work: Work,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        self.inner.read(work)
    }

    fn close(&self) -> Result<(), StoreError> {
        self.inner.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tern_store::{Record, SqliteStore, read, transact};

    #[tokio::test]
    async fn commits_count_and_reads_and_rollbacks_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let count = Arc::new(AtomicU64::new(0));
        let store = Counted::new(
            Arc::new(SqliteStore::open(dir.path()).unwrap()),
            Arc::clone(&count),
        );
        let vm = Record::resource("/compute/1", "k#compute", "{}");
        transact(&store, move |tx| {
            tx.put(&vm)?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        assert_eq!(count.load(Ordering::Acquire), 1);
        transact(&store, |tx| {
            tx.delete("/compute/1")?;
            Ok(((), Decision::Rollback))
        })
        .await
        .unwrap();
        read(&store, |tx| tx.get("/compute/1")).await.unwrap();
        assert_eq!(count.load(Ordering::Acquire), 1);
        store.close().unwrap();
    }
}
