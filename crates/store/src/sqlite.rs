//! The embedded store: one SQLite file, written by one connection at a time on tokio's
//! blocking pool.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use crate::writer::Writer;
use crate::{CdmiRecord, MixinRecord, Query, Record, Store, StoreError, Transaction, Work};

/// The file inside the data directory.
pub const FILE_NAME: &str = "tern.sqlite3";

// Portable SQL: TEXT and INTEGER only, `IF NOT EXISTS`, no AUTOINCREMENT, no WITHOUT ROWID.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tern_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    location TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    mixins TEXT NOT NULL,
    source TEXT,
    target TEXT,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_kind ON entities (kind, location);
CREATE INDEX IF NOT EXISTS entities_source ON entities (source);
CREATE INDEX IF NOT EXISTS entities_target ON entities (target);
CREATE TABLE IF NOT EXISTS tags (
    mixin TEXT NOT NULL,
    location TEXT NOT NULL,
    PRIMARY KEY (mixin, location)
);
CREATE INDEX IF NOT EXISTS tags_location ON tags (location);
CREATE TABLE IF NOT EXISTS user_mixins (id TEXT PRIMARY KEY, location TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cdmi_objects (
    path TEXT PRIMARY KEY,
    object_id TEXT NOT NULL UNIQUE,
    parent TEXT,
    object_type TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cdmi_objects_parent ON cdmi_objects (parent, path);
INSERT INTO tern_meta (name, value) VALUES ('schema', '1') ON CONFLICT (name) DO NOTHING;
";

const COLUMNS: &str = "location, kind, mixins, source, target, body";

/// The embedded store: `DIR/tern.sqlite3` in WAL mode with `synchronous=FULL`, so that a
/// commit is on disk when it returns. One thread writes (SQLite has one writer); the
/// transactions queued at the same moment are committed together, each in a savepoint of
/// its own (group commit: one fsync for many requests, the same guarantees).
///
/// Read-only transactions ([`Store::read`]) run on connections of their own, beside each
/// other and beside the writer: each sees the last commit (WAL snapshots).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: Arc<Writer>,
    readers: Arc<Mutex<Readers>>,
    file: PathBuf,
}

// Idle read-only connections; `closed` once the store is closed.
#[derive(Debug, Default)]
struct Readers {
    idle: Vec<Connection>,
    closed: bool,
}

// Idle readers kept for reuse (more are opened when needed, and closed when returned).
const IDLE_READERS: usize = 8;

impl SqliteStore {
    /// Opens (creating when absent) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let failed = |path: &Path, e: &dyn std::fmt::Display| StoreError::Open {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, &e))?;
        let file = dir.join(FILE_NAME);
        let connection = Connection::open(&file).map_err(|e| failed(&file, &e))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| connection.pragma_update(None, "synchronous", "FULL"))
            .and_then(|()| connection.busy_timeout(std::time::Duration::from_secs(5)))
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| failed(&file, &e))?;
        Ok(SqliteStore {
            writer: Arc::new(Writer::start(connection)?),
            readers: Arc::new(Mutex::new(Readers::default())),
            file,
        })
    }

    // A read-only connection: an idle one, or a new one.
    fn reader(readers: &Mutex<Readers>, file: &Path) -> Result<Connection, StoreError> {
        {
            let mut pool = readers.lock().unwrap_or_else(PoisonError::into_inner);
            if pool.closed {
                return Err(StoreError::Closed);
            }
            if let Some(c) = pool.idle.pop() {
                return Ok(c);
            }
        }
        let connection = Connection::open(file).map_err(db)?;
        connection
            .pragma_update(None, "query_only", "ON")
            .and_then(|()| connection.busy_timeout(std::time::Duration::from_secs(5)))
            .map_err(db)?;
        Ok(connection)
    }

    fn read_blocking(readers: &Mutex<Readers>, file: &Path, work: Work) -> Result<(), StoreError> {
        let mut connection = SqliteStore::reader(readers, file)?;
        let result = (|| {
            let tx = connection.transaction().map_err(db)?;
            {
                let mut ops = SqliteTransaction { tx: &tx };
                work(&mut ops)?;
            }
            tx.rollback().map_err(db)
        })();
        let mut pool = readers.lock().unwrap_or_else(PoisonError::into_inner);
        if !pool.closed && pool.idle.len() < IDLE_READERS {
            pool.idle.push(connection);
        }
        result
    }
}

impl Store for SqliteStore {
    fn run(&self, work: Work) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        let answer = self.writer.submit(work);
        Box::pin(async move { answer?.await.map_err(|_| StoreError::Panicked)? })
    }

    fn read(
        &self,
        work: Work,
    ) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + '_>> {
        let readers = Arc::clone(&self.readers);
        let file = self.file.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || SqliteStore::read_blocking(&readers, &file, work))
                .await
                .map_err(|_| StoreError::Panicked)?
        })
    }

    fn close(&self) -> Result<(), StoreError> {
        {
            let mut pool = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
            pool.closed = true;
            pool.idle.clear();
        }
        self.writer.close()
    }
}

pub(crate) struct SqliteTransaction<'a> {
    pub(crate) tx: &'a rusqlite::Transaction<'a>,
}

const CDMI_COLUMNS: &str = "path, object_id, parent, object_type, body";

fn cdmi_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<CdmiRecord> {
    Ok(CdmiRecord {
        path: row.get(0)?,
        object_id: row.get(1)?,
        parent: row.get(2)?,
        object_type: row.get(3)?,
        body: row.get(4)?,
    })
}

impl Transaction for SqliteTransaction<'_> {
    fn cdmi_get(&mut self, path: &str) -> Result<Option<CdmiRecord>, StoreError> {
        self.tx
            .prepare_cached(&format!(
                "SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE path = ?1"
            ))
            .map_err(db)?
            .query_row(params![path], cdmi_record)
            .optional()
            .map_err(db)
    }

    fn cdmi_by_id(&mut self, object_id: &str) -> Result<Option<CdmiRecord>, StoreError> {
        self.tx
            .prepare_cached(&format!(
                "SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE object_id = ?1"
            ))
            .map_err(db)?
            .query_row(params![object_id], cdmi_record)
            .optional()
            .map_err(db)
    }

    fn cdmi_put(&mut self, r: &CdmiRecord) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO cdmi_objects (path, object_id, parent, object_type, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (path) DO UPDATE SET object_id = excluded.object_id, \
                 parent = excluded.parent, object_type = excluded.object_type, \
                 body = excluded.body",
            )
            .map_err(db)?
            .execute(params![
                r.path,
                r.object_id,
                r.parent,
                r.object_type,
                r.body
            ])
            .map_err(db)?;
        Ok(())
    }

    fn cdmi_delete(&mut self, path: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM cdmi_objects WHERE path = ?1")
            .map_err(db)?
            .execute(params![path])
            .map_err(db)?;
        Ok(n > 0)
    }

    fn cdmi_children(
        &mut self,
        parent: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<CdmiRecord>, StoreError> {
        let mut statement = self
            .tx
            .prepare_cached(&format!(
                "SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE parent = ?1 \
                 ORDER BY path LIMIT ?2 OFFSET ?3"
            ))
            .map_err(db)?;
        let rows = statement
            .query_map(
                params![parent, integer(limit), integer(offset)],
                cdmi_record,
            )
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn cdmi_count_children(&mut self, parent: &str) -> Result<u64, StoreError> {
        let n: i64 = self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM cdmi_objects WHERE parent = ?1")
            .map_err(db)?
            .query_row(params![parent], |row| row.get(0))
            .map_err(db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn get(&mut self, location: &str) -> Result<Option<Record>, StoreError> {
        self.tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM entities WHERE location = ?1"
            ))
            .map_err(db)?
            .query_row(params![location], record)
            .optional()
            .map_err(db)
    }

    fn put(&mut self, r: &Record) -> Result<(), StoreError> {
        let mixins = r.mixins.join("\n");
        self.tx
            .prepare_cached(
                "INSERT INTO entities (location, kind, mixins, source, target, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (location) DO UPDATE SET kind = excluded.kind, \
                 mixins = excluded.mixins, source = excluded.source, \
                 target = excluded.target, body = excluded.body",
            )
            .map_err(db)?
            .execute(params![
                r.location, r.kind, mixins, r.source, r.target, r.body
            ])
            .map_err(db)?;
        self.tx
            .prepare_cached("DELETE FROM tags WHERE location = ?1")
            .map_err(db)?
            .execute(params![r.location])
            .map_err(db)?;
        let mut tag = self
            .tx
            .prepare_cached(
                "INSERT INTO tags (mixin, location) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )
            .map_err(db)?;
        for m in &r.mixins {
            tag.execute(params![m, r.location]).map_err(db)?;
        }
        Ok(())
    }

    fn delete(&mut self, location: &str) -> Result<bool, StoreError> {
        self.tx
            .prepare_cached("DELETE FROM tags WHERE location = ?1")
            .map_err(db)?
            .execute(params![location])
            .map_err(db)?;
        let n = self
            .tx
            .prepare_cached("DELETE FROM entities WHERE location = ?1")
            .map_err(db)?
            .execute(params![location])
            .map_err(db)?;
        Ok(n > 0)
    }

    fn list(&mut self, query: &Query) -> Result<Vec<Record>, StoreError> {
        let (mut sql, mut args) = selection(query, COLUMNS);
        sql.push_str(" ORDER BY location");
        if let Some(limit) = query.limit {
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(integer(limit));
            args.push(integer(query.offset));
        } else if query.offset > 0 {
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(integer(u64::MAX));
            args.push(integer(query.offset));
        }
        let mut statement = self.tx.prepare_cached(&sql).map_err(db)?;
        let rows = statement
            .query_map(params_from_iter(args), record)
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn count(&mut self, query: &Query) -> Result<u64, StoreError> {
        let (sql, args) = selection(query, "COUNT(*)");
        let n: i64 = self
            .tx
            .prepare_cached(&sql)
            .map_err(db)?
            .query_row(params_from_iter(args), |row| row.get(0))
            .map_err(db)?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn links_of(&mut self, location: &str) -> Result<Vec<Record>, StoreError> {
        let mut statement = self
            .tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM entities WHERE source = ?1 OR target = ?1 ORDER BY location"
            ))
            .map_err(db)?;
        let rows = statement.query_map(params![location], record).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn mixins(&mut self) -> Result<Vec<MixinRecord>, StoreError> {
        let mut statement = self
            .tx
            .prepare_cached("SELECT id, location, body FROM user_mixins ORDER BY id")
            .map_err(db)?;
        let rows = statement
            .query_map([], |row| {
                Ok(MixinRecord {
                    id: row.get(0)?,
                    location: row.get(1)?,
                    body: row.get(2)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn put_mixin(&mut self, m: &MixinRecord) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO user_mixins (id, location, body) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (id) DO UPDATE SET location = excluded.location, body = excluded.body",
            )
            .map_err(db)?
            .execute(params![m.id, m.location, m.body])
            .map_err(db)?;
        Ok(())
    }

    fn delete_mixin(&mut self, id: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM user_mixins WHERE id = ?1")
            .map_err(db)?
            .execute(params![id])
            .map_err(db)?;
        Ok(n > 0)
    }
}

// `SELECT what FROM entities WHERE …` for the query's kinds and mixin, with its arguments.
fn selection(query: &Query, what: &str) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {what} FROM entities");
    let mut args = Vec::new();
    let mut conditions = Vec::new();
    if !query.kinds.is_empty() {
        let marks = vec!["?"; query.kinds.len()].join(", ");
        conditions.push(format!("kind IN ({marks})"));
        args.extend(query.kinds.iter().map(|k| Value::Text(k.clone())));
    }
    if let Some(m) = &query.mixin {
        conditions.push("location IN (SELECT location FROM tags WHERE mixin = ?)".to_owned());
        args.push(Value::Text(m.clone()));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    (sql, args)
}

// SQL integers are signed: a count beyond `i64::MAX` means "all".
fn integer(n: u64) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let mixins: String = row.get(2)?;
    Ok(Record {
        location: row.get(0)?,
        kind: row.get(1)?,
        mixins: mixins
            .split('\n')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        source: row.get(3)?,
        target: row.get(4)?,
        body: row.get(5)?,
    })
}

#[allow(clippy::needless_pass_by_value)]
pub(crate) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}
