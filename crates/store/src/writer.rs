//! The embedded store's writer: one thread owning the write connection, committing the
//! transactions queued at the same moment together (group commit).
//!
//! Each request's work runs in a savepoint of its own inside one SQLite transaction: a work
//! that refuses, fails or panics rolls back its savepoint only, and the others are kept.
//! The transaction then commits (one fsync for the group) and every work's future is
//! answered after that commit: an acknowledged change is on disk. When the commit itself
//! fails, every work of the group gets the error and nothing is kept.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use crate::sqlite::{SqliteTransaction, db};
use crate::{Decision, StoreError, Work};

/// The most transactions committed together.
const GROUP: usize = 64;

struct Job {
    work: Work,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// The handle of the writer thread.
pub(crate) struct Writer {
    jobs: Mutex<Option<Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<Result<(), StoreError>>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

impl Writer {
    /// Starts the thread that owns `connection`.
    pub fn start(connection: Connection) -> Result<Writer, StoreError> {
        let (jobs, queue) = channel();
        let thread = std::thread::Builder::new()
            .name("tern-store-writer".into())
            .spawn(move || write_loop(connection, &queue))
            .map_err(|e| StoreError::Database(format!("no writer thread: {e}")))?;
        Ok(Writer {
            jobs: Mutex::new(Some(jobs)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues `work`; the receiver answers after its group's commit.
    pub fn submit(
        &self,
        work: Work,
    ) -> Result<oneshot::Receiver<Result<(), StoreError>>, StoreError> {
        let (done, answer) = oneshot::channel();
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let sender = jobs.as_ref().ok_or(StoreError::Closed)?;
        sender
            .send(Job { work, done })
            .map_err(|_| StoreError::Closed)?;
        Ok(answer)
    }

    /// Stops taking work, lets the queued work finish, closes the connection.
    pub fn close(&self) -> Result<(), StoreError> {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match thread {
            Some(t) => t.join().map_err(|_| StoreError::Panicked)?,
            None => Ok(()),
        }
    }
}

fn write_loop(mut connection: Connection, queue: &Receiver<Job>) -> Result<(), StoreError> {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(&mut connection, group);
    }
    connection.close().map_err(|(_, e)| db(e))
}

fn commit_group(connection: &mut Connection, group: Vec<Job>) {
    let tx = match connection.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let e = db(e);
            for job in group {
                let _ = job.done.send(Err(StoreError::Database(e.to_string())));
            }
            return;
        }
    };
    let mut results = Vec::with_capacity(group.len());
    let mut answers = Vec::with_capacity(group.len());
    for job in group {
        results.push(run_one(&tx, job.work));
        answers.push(job.done);
    }
    let committed = tx.commit().map_err(db);
    for (answer, result) in answers.into_iter().zip(results) {
        let result = match (&committed, result) {
            (Ok(()), r) => r,
            (Err(e), Ok(())) => Err(StoreError::Database(e.to_string())),
            (Err(_), Err(e)) => Err(e),
        };
        let _ = answer.send(result);
    }
}

// One work in a savepoint: kept on `Commit`, rolled back otherwise (a panic included).
fn run_one(tx: &rusqlite::Transaction<'_>, work: Work) -> Result<(), StoreError> {
    tx.execute_batch("SAVEPOINT work").map_err(db)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut ops = SqliteTransaction { tx };
        work(&mut ops)
    }));
    let (keep, result) = match outcome {
        Ok(Ok(Decision::Commit)) => (true, Ok(())),
        Ok(Ok(Decision::Rollback)) => (false, Ok(())),
        Ok(Err(e)) => (false, Err(e)),
        Err(_) => (false, Err(StoreError::Panicked)),
    };
    let end = if keep {
        "RELEASE work"
    } else {
        "ROLLBACK TO work; RELEASE work"
    };
    tx.execute_batch(end).map_err(db)?;
    result
}
