//! The operations of one PostgreSQL transaction, each statement driven to completion on the
//! blocking thread the unit of work runs on.

use tokio::runtime::Handle;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::pg;
use crate::{CdmiRecord, MixinRecord, Query, Record, StoreError, Transaction};

const COLUMNS: &str = "location, kind, mixins, source, target, body";
const CDMI_COLUMNS: &str = "path, object_id, parent, object_type, body";

/// One transaction's operations ([`Transaction`]).
pub(crate) struct PgTransaction<'a> {
    tx: &'a deadpool_postgres::Transaction<'a>,
    handle: &'a Handle,
    // Write transactions lock the keys they touch (see the module documentation of
    // `postgres`); read-only ones work on their snapshot.
    write: bool,
}

impl<'a> PgTransaction<'a> {
    pub(crate) fn new(
        tx: &'a deadpool_postgres::Transaction<'a>,
        handle: &'a Handle,
        write: bool,
    ) -> Self {
        PgTransaction { tx, handle, write }
    }

    fn query(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.handle.block_on(async {
            let statement = self.tx.prepare_cached(sql).await.map_err(pg)?;
            self.tx.query(&statement, args).await.map_err(pg)
        })
    }

    fn execute(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        self.handle.block_on(async {
            let statement = self.tx.prepare_cached(sql).await.map_err(pg)?;
            self.tx.execute(&statement, args).await.map_err(pg)
        })
    }

    // Waits for, then holds until the end of the transaction, the lock on `key` of
    // `space` (`e` entities, `c` CDMI paths, `m` mixins). Only in write transactions.
    fn lock(&self, space: &str, key: &str) -> Result<(), StoreError> {
        if !self.write {
            return Ok(());
        }
        let name = format!("{space}:{key}");
        self.query(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&name],
        )?;
        Ok(())
    }

    fn count_of(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let rows = self.query(sql, args)?;
        let n: i64 = match rows.first() {
            Some(row) => row.try_get(0).map_err(pg)?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl Transaction for PgTransaction<'_> {
    fn get(&mut self, location: &str) -> Result<Option<Record>, StoreError> {
        self.lock("e", location)?;
        let rows = self.query(
            &format!("SELECT {COLUMNS} FROM entities WHERE location = $1"),
            &[&location],
        )?;
        rows.first().map(record).transpose()
    }

    fn put(&mut self, r: &Record) -> Result<(), StoreError> {
        self.lock("e", &r.location)?;
        let mixins = r.mixins.join("\n");
        self.execute(
            "INSERT INTO entities (location, kind, mixins, source, target, body) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (location) DO UPDATE SET kind = excluded.kind, \
             mixins = excluded.mixins, source = excluded.source, \
             target = excluded.target, body = excluded.body",
            &[&r.location, &r.kind, &mixins, &r.source, &r.target, &r.body],
        )?;
        self.execute("DELETE FROM tags WHERE location = $1", &[&r.location])?;
        if !r.mixins.is_empty() {
            self.execute(
                "INSERT INTO tags (mixin, location) SELECT DISTINCT m, $2 FROM unnest($1::text[]) AS m \
                 ON CONFLICT DO NOTHING",
                &[&r.mixins, &r.location],
            )?;
        }
        Ok(())
    }

    fn delete(&mut self, location: &str) -> Result<bool, StoreError> {
        self.lock("e", location)?;
        self.execute("DELETE FROM tags WHERE location = $1", &[&location])?;
        let n = self.execute("DELETE FROM entities WHERE location = $1", &[&location])?;
        Ok(n > 0)
    }

    fn list(&mut self, query: &Query) -> Result<Vec<Record>, StoreError> {
        let limit = query.limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX));
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let sql = format!(
            "{} ORDER BY location LIMIT $3 OFFSET $4",
            selection(COLUMNS)
        );
        let rows = self.query(&sql, &[&query.kinds, &query.mixin, &limit, &offset])?;
        rows.iter().map(record).collect()
    }

    fn count(&mut self, query: &Query) -> Result<u64, StoreError> {
        let sql = selection("COUNT(*)");
        self.count_of(&sql, &[&query.kinds, &query.mixin])
    }

    fn links_of(&mut self, location: &str) -> Result<Vec<Record>, StoreError> {
        let rows = self.query(
            &format!(
                "SELECT {COLUMNS} FROM entities WHERE source = $1 OR target = $1 ORDER BY location"
            ),
            &[&location],
        )?;
        rows.iter().map(record).collect()
    }

    fn mixins(&mut self) -> Result<Vec<MixinRecord>, StoreError> {
        let rows = self.query(
            "SELECT id, location, body FROM user_mixins ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                Ok(MixinRecord {
                    id: row.try_get(0).map_err(pg)?,
                    location: row.try_get(1).map_err(pg)?,
                    body: row.try_get(2).map_err(pg)?,
                })
            })
            .collect()
    }

    fn put_mixin(&mut self, m: &MixinRecord) -> Result<(), StoreError> {
        self.lock("m", &m.id)?;
        self.execute(
            "INSERT INTO user_mixins (id, location, body) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET location = excluded.location, body = excluded.body",
            &[&m.id, &m.location, &m.body],
        )?;
        Ok(())
    }

    fn delete_mixin(&mut self, id: &str) -> Result<bool, StoreError> {
        self.lock("m", id)?;
        let n = self.execute("DELETE FROM user_mixins WHERE id = $1", &[&id])?;
        Ok(n > 0)
    }

    fn cdmi_get(&mut self, path: &str) -> Result<Option<CdmiRecord>, StoreError> {
        self.lock("c", path)?;
        let rows = self.query(
            &format!("SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE path = $1"),
            &[&path],
        )?;
        rows.first().map(cdmi_record).transpose()
    }

    fn cdmi_by_id(&mut self, object_id: &str) -> Result<Option<CdmiRecord>, StoreError> {
        let sql = format!("SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE object_id = $1");
        let rows = self.query(&sql, &[&object_id])?;
        let Some(found) = rows.first().map(cdmi_record).transpose()? else {
            return Ok(None);
        };
        if !self.write {
            return Ok(Some(found));
        }
        // Locked by path like `cdmi_get`, then read again: the row may have changed
        // while the lock was waited for.
        self.lock("c", &found.path)?;
        let rows = self.query(&sql, &[&object_id])?;
        rows.first().map(cdmi_record).transpose()
    }

    fn cdmi_put(&mut self, r: &CdmiRecord) -> Result<(), StoreError> {
        self.lock("c", &r.path)?;
        self.execute(
            "INSERT INTO cdmi_objects (path, object_id, parent, object_type, body) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (path) DO UPDATE SET object_id = excluded.object_id, \
             parent = excluded.parent, object_type = excluded.object_type, \
             body = excluded.body",
            &[&r.path, &r.object_id, &r.parent, &r.object_type, &r.body],
        )?;
        Ok(())
    }

    fn cdmi_delete(&mut self, path: &str) -> Result<bool, StoreError> {
        self.lock("c", path)?;
        let n = self.execute("DELETE FROM cdmi_objects WHERE path = $1", &[&path])?;
        Ok(n > 0)
    }

    fn cdmi_children(
        &mut self,
        parent: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<CdmiRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = self.query(
            &format!(
                "SELECT {CDMI_COLUMNS} FROM cdmi_objects WHERE parent = $1 \
                 ORDER BY path LIMIT $2 OFFSET $3"
            ),
            &[&parent, &limit, &offset],
        )?;
        rows.iter().map(cdmi_record).collect()
    }

    fn cdmi_count_children(&mut self, parent: &str) -> Result<u64, StoreError> {
        self.count_of(
            "SELECT COUNT(*) FROM cdmi_objects WHERE parent = $1",
            &[&parent],
        )
    }
}

// `SELECT what FROM entities WHERE …`: $1 the kinds (empty: any), $2 the mixin (null: any).
// One statement text for every query, so that it is prepared once per connection.
fn selection(what: &str) -> String {
    format!(
        "SELECT {what} FROM entities \
         WHERE (cardinality($1::text[]) = 0 OR kind = ANY($1::text[])) \
         AND ($2::text IS NULL OR location IN (SELECT location FROM tags WHERE mixin = $2::text))"
    )
}

fn record(row: &Row) -> Result<Record, StoreError> {
    let mixins: String = row.try_get(2).map_err(pg)?;
    Ok(Record {
        location: row.try_get(0).map_err(pg)?,
        kind: row.try_get(1).map_err(pg)?,
        mixins: mixins
            .split('\n')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        source: row.try_get(3).map_err(pg)?,
        target: row.try_get(4).map_err(pg)?,
        body: row.try_get(5).map_err(pg)?,
    })
}

fn cdmi_record(row: &Row) -> Result<CdmiRecord, StoreError> {
    Ok(CdmiRecord {
        path: row.try_get(0).map_err(pg)?,
        object_id: row.try_get(1).map_err(pg)?,
        parent: row.try_get(2).map_err(pg)?,
        object_type: row.try_get(3).map_err(pg)?,
        body: row.try_get(4).map_err(pg)?,
    })
}
