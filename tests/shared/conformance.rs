//! One body per property of the `Store` traits, run against the embedded SQLite store and
//! the PostgreSQL store: both back ends behave the same to the server.

use std::sync::Arc;

use tern_store::{
    CdmiRecord, Decision, MixinRecord, PostgresStore, Query, Record, Store, StoreError, read,
    transact,
};

use crate::services;

const COMPUTE: &str = "http://schemas.ogf.org/occi/infrastructure#compute";
const LINK: &str = "http://schemas.ogf.org/occi/infrastructure#networkinterface";

// `sqlite_NAME` and `postgres_NAME` running `NAME(store)`.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let store: std::sync::Arc<dyn tern_store::Store> =
                        std::sync::Arc::new(tern_store::SqliteStore::open(dir.path()).unwrap());
                    super::$name(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(store) = super::postgres().await else { return };
                    super::$name(store).await;
                }
            )*
        }
    };
}

conformance!(
    entities_round_trip,
    listings_filter_order_and_page,
    links_and_mixins,
    cdmi_rows,
    refused_work_keeps_nothing,
    read_only_transactions_refuse_writes,
    concurrent_increments_add_up,
    concurrent_creates_at_one_location_create_once,
);

async fn postgres() -> Option<Arc<dyn Store>> {
    let url = services::postgres_url()?;
    let db = services::fresh_database(&url).await;
    Some(Arc::new(PostgresStore::connect(&db, 8).await.unwrap()))
}

fn vm(location: &str, body: &str) -> Record {
    Record::resource(location, COMPUTE, body)
}

async fn put(store: &dyn Store, record: Record) {
    transact(store, move |tx| {
        tx.put(&record)?;
        Ok(((), Decision::Commit))
    })
    .await
    .unwrap();
}

async fn entities_round_trip(store: Arc<dyn Store>) {
    let s = store.as_ref();
    put(s, vm("/compute/1", "{\"a\":1}")).await;
    let got = read(s, |tx| tx.get("/compute/1")).await.unwrap().unwrap();
    assert_eq!(got, vm("/compute/1", "{\"a\":1}"));
    // Replaced in place.
    let mut tagged = vm("/compute/1", "{\"a\":2}");
    tagged.mixins = vec!["http://x#small".into(), "http://x#fast".into()];
    put(s, tagged.clone()).await;
    assert_eq!(
        read(s, |tx| tx.get("/compute/1")).await.unwrap(),
        Some(tagged)
    );
    let deleted = transact(s, |tx| Ok((tx.delete("/compute/1")?, Decision::Commit)))
        .await
        .unwrap();
    assert!(deleted);
    let again = transact(s, |tx| Ok((tx.delete("/compute/1")?, Decision::Commit)))
        .await
        .unwrap();
    assert!(!again);
    assert_eq!(read(s, |tx| tx.get("/compute/1")).await.unwrap(), None);
    store.close().unwrap();
}

async fn listings_filter_order_and_page(store: Arc<dyn Store>) {
    let s = store.as_ref();
    // Byte order, whatever the database's collation: upper case before lower case.
    for (i, l) in ["/compute/b", "/compute/B", "/compute/a", "/compute/_"]
        .iter()
        .enumerate()
    {
        let mut r = vm(l, &i.to_string());
        if i % 2 == 0 {
            r.mixins = vec!["http://x#even".into()];
        }
        put(s, r).await;
    }
    put(s, Record::resource("/storage/1", "http://x#storage", "{}")).await;
    let (all, computes, even, page, n_even) = read(s, |tx| {
        let all = tx.list(&Query::default())?;
        let computes = tx.list(&Query {
            kinds: vec![COMPUTE.into()],
            ..Query::default()
        })?;
        let even = tx.list(&Query {
            mixin: Some("http://x#even".into()),
            ..Query::default()
        })?;
        let page = tx.list(&Query {
            kinds: vec![COMPUTE.into()],
            offset: 1,
            limit: Some(2),
            ..Query::default()
        })?;
        let n_even = tx.count(&Query {
            kinds: vec![COMPUTE.into()],
            mixin: Some("http://x#even".into()),
            offset: 3,
            limit: Some(0),
        })?;
        Ok((all, computes, even, page, n_even))
    })
    .await
    .unwrap();
    let locations = |rs: &[Record]| rs.iter().map(|r| r.location.clone()).collect::<Vec<_>>();
    assert_eq!(
        locations(&all),
        [
            "/compute/B",
            "/compute/_",
            "/compute/a",
            "/compute/b",
            "/storage/1"
        ]
    );
    assert_eq!(computes.len(), 4);
    assert_eq!(locations(&even), ["/compute/a", "/compute/b"]);
    assert_eq!(locations(&page), ["/compute/_", "/compute/a"]);
    assert_eq!(n_even, 2);
    let offset_only = read(s, |tx| {
        tx.list(&Query {
            offset: 4,
            ..Query::default()
        })
    })
    .await
    .unwrap();
    assert_eq!(locations(&offset_only), ["/storage/1"]);
}

async fn links_and_mixins(store: Arc<dyn Store>) {
    let s = store.as_ref();
    put(s, vm("/compute/1", "{}")).await;
    let mut link = Record::resource("/link/1", LINK, "{}");
    link.source = Some("/compute/1".into());
    link.target = Some("/network/1".into());
    put(s, link.clone()).await;
    let mixin = MixinRecord {
        id: "http://me#stuff".into(),
        location: "/stuff/".into(),
        body: "{}".into(),
    };
    let m = mixin.clone();
    transact(s, move |tx| {
        tx.put_mixin(&m)?;
        Ok(((), Decision::Commit))
    })
    .await
    .unwrap();
    let (from, to, mixins) = read(s, |tx| {
        Ok((
            tx.links_of("/compute/1")?,
            tx.links_of("/network/1")?,
            tx.mixins()?,
        ))
    })
    .await
    .unwrap();
    assert_eq!(from, vec![link.clone()]);
    assert_eq!(to, vec![link]);
    assert_eq!(mixins, vec![mixin]);
    let gone = transact(s, |tx| {
        Ok((
            (
                tx.delete_mixin("http://me#stuff")?,
                tx.delete_mixin("http://me#stuff")?,
            ),
            Decision::Commit,
        ))
    })
    .await
    .unwrap();
    assert_eq!(gone, (true, false));
}

fn cdmi(path: &str, parent: Option<&str>, id: &str) -> CdmiRecord {
    CdmiRecord {
        path: path.into(),
        object_id: id.into(),
        parent: parent.map(Into::into),
        object_type: if path.ends_with('/') {
            "application/cdmi-container".into()
        } else {
            "application/cdmi-object".into()
        },
        body: format!("{{\"id\":\"{id}\"}}"),
    }
}

async fn cdmi_rows(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let rows = vec![
        cdmi("/", None, "00"),
        cdmi("/c/", Some("/"), "01"),
        cdmi("/c/b.txt", Some("/c/"), "02"),
        cdmi("/c/a.txt", Some("/c/"), "03"),
        cdmi("/c/C.txt", Some("/c/"), "04"),
    ];
    transact(s, move |tx| {
        for r in &rows {
            tx.cdmi_put(r)?;
        }
        Ok(((), Decision::Commit))
    })
    .await
    .unwrap();
    let (by_path, by_id, children, n) = read(s, |tx| {
        Ok((
            tx.cdmi_get("/c/a.txt")?,
            tx.cdmi_by_id("02")?,
            tx.cdmi_children("/c/", 1, 5)?,
            tx.cdmi_count_children("/c/")?,
        ))
    })
    .await
    .unwrap();
    assert_eq!(by_path, Some(cdmi("/c/a.txt", Some("/c/"), "03")));
    assert_eq!(by_id.map(|r| r.path), Some("/c/b.txt".to_owned()));
    assert_eq!(
        children.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        ["/c/a.txt", "/c/b.txt"]
    );
    assert_eq!(n, 3);
    // The object ID is unique: a second row with it is refused, nothing kept.
    let clash = transact(s, |tx| {
        tx.cdmi_put(&cdmi("/c/d.txt", Some("/c/"), "02"))?;
        Ok(((), Decision::Commit))
    })
    .await;
    assert!(matches!(clash, Err(StoreError::Database(_))), "{clash:?}");
    assert_eq!(read(s, |tx| tx.cdmi_get("/c/d.txt")).await.unwrap(), None);
    let deleted = transact(s, |tx| Ok((tx.cdmi_delete("/c/a.txt")?, Decision::Commit)))
        .await
        .unwrap();
    assert!(deleted);
    assert_eq!(
        read(s, |tx| tx.cdmi_count_children("/c/")).await.unwrap(),
        2
    );
}

async fn refused_work_keeps_nothing(store: Arc<dyn Store>) {
    let s = store.as_ref();
    transact(s, |tx| {
        tx.put(&vm("/compute/rolled-back", "{}"))?;
        Ok(((), Decision::Rollback))
    })
    .await
    .unwrap();
    let failed = transact(s, |tx| {
        tx.put(&vm("/compute/failed", "{}"))?;
        Err::<((), Decision), _>(StoreError::Database("refused".into()))
    })
    .await;
    assert!(failed.is_err());
    #[allow(clippy::unnecessary_literal_unwrap)]
    let panicked = transact(s, |tx| {
        tx.put(&vm("/compute/panicked", "{}"))?;
        let none: Option<()> = None;
        none.expect("this work panics on purpose");
        Ok(((), Decision::Commit))
    })
    .await;
    assert!(
        matches!(panicked, Err(StoreError::Panicked)),
        "{panicked:?}"
    );
    let n = read(s, |tx| tx.count(&Query::default())).await.unwrap();
    assert_eq!(n, 0);
    // The store still works after a panic.
    put(s, vm("/compute/after", "{}")).await;
    assert_eq!(read(s, |tx| tx.count(&Query::default())).await.unwrap(), 1);
}

async fn read_only_transactions_refuse_writes(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let written = read(s, |tx| tx.put(&vm("/compute/1", "{}"))).await;
    assert!(
        written.is_err(),
        "a write in a read-only transaction: {written:?}"
    );
    assert_eq!(read(s, |tx| tx.get("/compute/1")).await.unwrap(), None);
}

// Read-modify-write of one entity from many transactions at once: each increment is kept
// (the back end orders them; none reads a value another is replacing).
async fn concurrent_increments_add_up(store: Arc<dyn Store>) {
    put(store.as_ref(), vm("/compute/counter", "0")).await;
    let tasks = 16;
    let each = 10;
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let store = Arc::clone(&store);
        handles.push(tokio::spawn(async move {
            for _ in 0..each {
                transact(store.as_ref(), |tx| {
                    let current = tx.get("/compute/counter")?.expect("the counter");
                    let n: u64 = current.body.parse().expect("a number");
                    // Widen the window between the read and the write.
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    tx.put(&vm("/compute/counter", &(n + 1).to_string()))?;
                    Ok(((), Decision::Commit))
                })
                .await
                .unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let last = read(store.as_ref(), |tx| tx.get("/compute/counter"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.body, (tasks * each).to_string());
}

// Creates of one location racing: exactly one creates, the others see its entity.
async fn concurrent_creates_at_one_location_create_once(store: Arc<dyn Store>) {
    let mut handles = Vec::new();
    for i in 0..12 {
        let store = Arc::clone(&store);
        handles.push(tokio::spawn(async move {
            transact(store.as_ref(), move |tx| {
                if tx.get("/compute/chosen")?.is_some() {
                    return Ok((false, Decision::Rollback));
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
                tx.put(&vm("/compute/chosen", &i.to_string()))?;
                Ok((true, Decision::Commit))
            })
            .await
            .unwrap()
        }));
    }
    let mut created = 0;
    for h in handles {
        created += usize::from(h.await.unwrap());
    }
    assert_eq!(created, 1);
}
