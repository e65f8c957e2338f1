//! The real services the shared-store tests run against: PostgreSQL and an S3-compatible
//! server, started by `.ci/services.sh` (`.ci/run` does) and named by
//! `TERN_TEST_POSTGRES_URL` and `TERN_TEST_S3_ENDPOINT`. Without them a test skips with a
//! message locally and fails under `CI=true`.

use std::sync::atomic::{AtomicU32, Ordering};

fn required(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} is not set: under CI the services must run (.ci/services.sh start)"
            );
            eprintln!("skipped: {name} is not set (eval \"$(bash .ci/services.sh start)\")");
            None
        }
    }
}

/// The PostgreSQL server's URL (its `postgres` database).
pub fn postgres_url() -> Option<String> {
    required("TERN_TEST_POSTGRES_URL")
}

/// The S3 endpoint (`http://127.0.0.1:PORT`).
/// `.ci/services.sh` exports moto's test credentials too (`AWS_ACCESS_KEY_ID`…), which the
/// S3 client reads.
pub fn s3_endpoint() -> Option<String> {
    let endpoint = required("TERN_TEST_S3_ENDPOINT")?;
    required("AWS_ACCESS_KEY_ID")?;
    Some(endpoint)
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database on the PostgreSQL server: its URL.
pub async fn fresh_database(url: &str) -> String {
    let name = format!(
        "tern_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL answers");
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("CREATE DATABASE");
    drop(client);
    let _ = driver.await;
    let (base, _) = url.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

/// A fresh bucket on the S3 server: its name.
pub async fn fresh_bucket(endpoint: &str) -> String {
    let name = format!(
        "tern-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    // moto and MinIO create a bucket on a plain `PUT /bucket` (path style).
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{name}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        response.status().is_success(),
        "bucket {name}: {}",
        response.status()
    );
    name
}
