//! A transaction cut by SIGKILL leaves nothing: a child process (this test binary, run
//! again) commits one entity, then writes thousands more (enough for SQLite to spill
//! uncommitted pages into the WAL) and is killed before its commit; the store reopened
//! holds the committed entity only.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use tern_store::{Decision, Query, Record, SqliteStore, transact};

const CHILD: &str = "TERN_STORE_CRASH_CHILD";
const COMPUTE: &str = "http://schemas.ogf.org/occi/infrastructure#compute";

fn vm(n: u32) -> Record {
    Record::resource(format!("/compute/{n}"), COMPUTE, "x".repeat(1024))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_transaction_cut_by_sigkill_leaves_nothing() {
    if let Some(dir) = std::env::var_os(CHILD) {
        child(Path::new(&dir));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_transaction_cut_by_sigkill_leaves_nothing",
            "--nocapture",
        ])
        .env(CHILD, dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut writing = false;
    for line in stdout.lines() {
        if line.unwrap().contains("tern-store-child: writing") {
            writing = true;
            break;
        }
    }
    assert!(writing, "the child reached its uncommitted writes");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        let found = transact(&store, |tx| {
            Ok((tx.list(&Query::default())?, Decision::Commit))
        })
        .await
        .unwrap();
        let locations: Vec<&str> = found.iter().map(|r| r.location.as_str()).collect();
        assert_eq!(locations, ["/compute/1"]);
    });
}

fn child(dir: &Path) {
    runtime().block_on(async {
        let store = SqliteStore::open(dir).unwrap();
        transact(&store, |tx| {
            tx.put(&vm(1))?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        let _ = transact(&store, |tx| {
            for n in 2..6000 {
                tx.put(&vm(n))?;
            }
            println!("tern-store-child: writing");
            std::thread::sleep(std::time::Duration::from_secs(60));
            Ok(((), Decision::Commit))
        })
        .await;
    });
}
