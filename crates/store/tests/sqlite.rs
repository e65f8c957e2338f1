//! The embedded store: durable commits, nothing from failed transactions, the selections.

use tern_store::{Decision, MixinRecord, Query, Record, SqliteStore, Store, StoreError, transact};

const COMPUTE: &str = "http://schemas.ogf.org/occi/infrastructure#compute";
const NIC: &str = "http://schemas.ogf.org/occi/infrastructure#networkinterface";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn vm(n: u32) -> Record {
    Record::resource(format!("/compute/{n}"), COMPUTE, format!("{{\"n\":{n}}}"))
}

async fn all(store: &dyn Store) -> Vec<Record> {
    transact(store, |tx| {
        Ok((tx.list(&Query::default())?, Decision::Commit))
    })
    .await
    .unwrap()
}

#[test]
fn a_commit_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        let mut r = vm(1);
        r.mixins = vec![
            "http://example.com/m#a".into(),
            "http://example.com/m#b".into(),
        ];
        transact(&store, move |tx| {
            tx.put(&r)?;
            tx.put_mixin(&MixinRecord {
                id: "http://example.com/m#a".into(),
                location: "/a/".into(),
                body: "{}".into(),
            })?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        store.close().unwrap();
        let closed = transact(&store, |tx| Ok((tx.get("/compute/1")?, Decision::Commit))).await;
        assert!(matches!(closed, Err(StoreError::Closed)), "{closed:?}");
    });
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        let found = all(&store).await;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].body, "{\"n\":1}");
        assert_eq!(found[0].mixins.len(), 2);
        let tagged = transact(&store, |tx| {
            let q = Query {
                mixin: Some("http://example.com/m#b".into()),
                ..Query::default()
            };
            Ok((tx.list(&q)?, Decision::Commit))
        })
        .await
        .unwrap();
        assert_eq!(tagged.len(), 1);
        let mixins = transact(&store, |tx| Ok((tx.mixins()?, Decision::Commit)))
            .await
            .unwrap();
        assert_eq!(mixins[0].location, "/a/");
    });
}

#[test]
fn a_refused_failed_or_panicking_transaction_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        transact(&store, |tx| {
            tx.put(&vm(1))?;
            Ok(((), Decision::Rollback))
        })
        .await
        .unwrap();
        let failed: Result<(), _> = transact(&store, |tx| {
            tx.put(&vm(2))?;
            Err(StoreError::Database("injected".into()))
        })
        .await;
        assert!(failed.is_err());
        let panicked: Result<(), _> = transact(&store, |tx| {
            tx.put(&vm(3))?;
            panic!("injected crash in the middle of a transaction")
        })
        .await;
        assert!(
            matches!(panicked, Err(StoreError::Panicked)),
            "{panicked:?}"
        );
        // The store still works after the panic, and holds nothing of the three.
        assert!(all(&store).await.is_empty());
        transact(&store, |tx| {
            tx.put(&vm(4))?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        store.close().unwrap();
    });
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        let found: Vec<String> = all(&store).await.into_iter().map(|r| r.location).collect();
        assert_eq!(found, ["/compute/4"]);
    });
}

#[test]
fn selections_by_kind_page_and_link_end() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        transact(&store, |tx| {
            for n in 0..10 {
                tx.put(&vm(n))?;
            }
            let mut link = Record::resource("/networkinterface/1", NIC, "{}");
            link.source = Some("/compute/3".into());
            link.target = Some("/network/lan".into());
            tx.put(&link)?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        let (page, count, links, gone) = transact(&store, |tx| {
            let q = Query {
                kinds: vec![COMPUTE.into()],
                offset: 2,
                limit: Some(3),
                ..Query::default()
            };
            let page: Vec<String> = tx.list(&q)?.into_iter().map(|r| r.location).collect();
            let count = tx.count(&q)?;
            let links = tx.links_of("/network/lan")?.len();
            let gone = tx.delete("/compute/3")? && !tx.delete("/compute/3")?;
            Ok(((page, count, links, gone), Decision::Commit))
        })
        .await
        .unwrap();
        assert_eq!(page, ["/compute/2", "/compute/3", "/compute/4"]);
        assert_eq!(count, 10);
        assert_eq!(links, 1);
        assert!(gone);
    });
}

#[test]
fn reads_see_commits_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path()).unwrap();
        transact(&store, |tx| {
            tx.put(&vm(1))?;
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        let seen = tern_store::read(&store, |tx| Ok(tx.get("/compute/1")?.is_some()))
            .await
            .unwrap();
        assert!(seen);
        let write = tern_store::read(&store, |tx| tx.put(&vm(2))).await;
        assert!(matches!(write, Err(StoreError::Database(_))), "{write:?}");
        assert_eq!(all(&store).await.len(), 1);
        store.close().unwrap();
        let closed = tern_store::read(&store, |tx| tx.get("/compute/1")).await;
        assert!(matches!(closed, Err(StoreError::Closed)), "{closed:?}");
    });
}

#[test]
fn concurrent_transactions_committed_together_keep_only_their_own_decisions() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = std::sync::Arc::new(SqliteStore::open(dir.path()).unwrap());
        let mut tasks = Vec::new();
        for n in 0..200u32 {
            let store = std::sync::Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                transact(store.as_ref(), move |tx| {
                    tx.put(&vm(n))?;
                    match n % 4 {
                        0 => Ok(((), Decision::Rollback)),
                        1 => Err(StoreError::Database("refused".into())),
                        _ => Ok(((), Decision::Commit)),
                    }
                })
                .await
            }));
        }
        for (n, t) in tasks.into_iter().enumerate() {
            let r = t.await.unwrap();
            assert_eq!(r.is_ok(), n % 4 != 1, "{n}: {r:?}");
        }
        let mut kept: Vec<u32> = all(store.as_ref())
            .await
            .into_iter()
            .map(|r| r.location.trim_start_matches("/compute/").parse().unwrap())
            .collect();
        kept.sort_unstable();
        let expected: Vec<u32> = (0..200).filter(|n| n % 4 >= 2).collect();
        assert_eq!(kept, expected);
    });
}
