//! The PostgreSQL schema's versioned migrations, applied at start.
//!
//! Each migration is one SQL file under `crates/store/migrations/postgres/`, compiled in,
//! numbered; `schema_migrations` records the ones applied. All of them run in one
//! transaction under an advisory lock, so that instances starting together apply each
//! migration once, and a failed migration leaves the schema as it was.

use deadpool_postgres::Object;

use super::pg;
use crate::StoreError;

/// The migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "initial",
    include_str!("../../migrations/postgres/0001_initial.sql"),
)];

// The advisory lock key under which migrations run ("tern" in ASCII).
const LOCK: i64 = 0x7465_726e;

/// Applies the migrations `client`'s database lacks; returns how many were applied.
pub(crate) async fn migrate(client: &mut Object) -> Result<usize, StoreError> {
    let tx = client.transaction().await.map_err(pg)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await
        .map_err(pg)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(pg)?;
    let rows = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .map_err(pg)?;
    let mut applied = Vec::with_capacity(rows.len());
    for row in rows {
        applied.push(row.try_get::<_, i64>(0).map_err(pg)?);
    }
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if let Some(newer) = applied.iter().find(|v| **v > known) {
        return Err(StoreError::Database(format!(
            "the database's schema is at version {newer}, newer than this tern knows ({known}): run a newer tern"
        )));
    }
    let mut count = 0;
    for (version, name, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await.map_err(|e| {
            StoreError::Database(format!("migration {version} ({name}): {}", describe(&e)))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await
        .map_err(pg)?;
        count += 1;
    }
    tx.commit().await.map_err(pg)?;
    Ok(count)
}

fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.to_string(),
    }
}
