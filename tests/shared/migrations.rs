//! The PostgreSQL schema's migrations: applied at connect, once, whoever connects first.

use tern_store::{PostgresStore, StoreError};

use crate::services;

async fn applied(url: &str) -> Vec<i64> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let driver = tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap();
    drop(client);
    let _ = driver.await;
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_apply_once_even_when_instances_start_together() {
    let Some(url) = services::postgres_url() else {
        return;
    };
    let db = services::fresh_database(&url).await;
    let connects = (0..4).map(|_| PostgresStore::connect(&db, 2));
    for store in futures_util::future::join_all(connects).await {
        store.unwrap();
    }
    PostgresStore::connect(&db, 2).await.unwrap();
    assert_eq!(applied(&db).await, vec![1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_newer_than_this_tern_is_refused() {
    let Some(url) = services::postgres_url() else {
        return;
    };
    let db = services::fresh_database(&url).await;
    PostgresStore::connect(&db, 1).await.unwrap();
    let (client, connection) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
        .await
        .unwrap();
    let driver = tokio::spawn(connection);
    client
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')",
            &[],
        )
        .await
        .unwrap();
    drop(client);
    let _ = driver.await;
    let refused = PostgresStore::connect(&db, 1).await;
    match refused {
        Err(StoreError::Database(m)) => assert!(m.contains("999"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_connection_strings_and_unreachable_servers_are_reported() {
    let bad = PostgresStore::connect("postgres://tern@127.0.0.1:notaport/x", 1).await;
    assert!(matches!(bad, Err(StoreError::Open { .. })), "{bad:?}");
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down =
        PostgresStore::connect(&format!("postgres://tern:secret@127.0.0.1:{port}/x"), 1).await;
    match down {
        Err(e) => assert!(
            !e.to_string().contains("secret"),
            "the password is not shown: {e}"
        ),
        Ok(_) => panic!("connected to nothing"),
    }
}
