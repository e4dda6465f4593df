//! Reads and writes of the catalog's backups table.

use super::{
    process_alive, this_process, BackupCopy, BackupPage, BackupPart, BackupQuery, BackupReason,
    BackupRecord, BackupStatus, Catalog, CatalogError, CatalogResult, Source, TableRows,
    Verification,
};
use crate::options::{BackupFormat, BackupOptions};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use std::path::{Path, PathBuf};

/// Timestamps are stored as fixed-width RFC 3339 text, so they sort as text.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

pub(crate) fn opt_ts(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.as_deref().map(parse_ts).transpose()
}

fn json_err(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(json_err)
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("catalog values serialise")
}

/// What a job records before it starts.
#[derive(Debug, Clone)]
pub struct NewBackup {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub source: Source,
    pub options: BackupOptions,
    /// The temporary name the job writes to, removed if the job dies.
    pub partial_path: Option<PathBuf>,
    pub server_version: Option<String>,
    pub pg_dump_version: Option<String>,
    pub reason: BackupReason,
    pub schedule_id: Option<String>,
    pub started_at: DateTime<Utc>,
    /// Made straight into a bucket: no local path is recorded, the copy is
    /// added once the upload completed.
    pub remote_only: bool,
}

/// What a job records when it ends.
#[derive(Debug, Clone)]
pub struct BackupFinish {
    pub status: BackupStatus,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub size_bytes: Option<u64>,
    pub sha256: Option<String>,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// Where the backup went, when not where it was asked to go (a file
    /// appeared there meanwhile).
    pub path: Option<PathBuf>,
}

const BACKUP_COLUMNS: &str = "id, name, description, connection_id, connection_name, host, port, \
    db_user, database, format, compression, path, size_bytes, sha256, server_version, \
    pg_dump_version, started_at, finished_at, duration_ms, status, reason, schedule_id, error, \
    warnings, options, verification, \
    (SELECT json_group_array(json_object('destination', destination, 'key', object_key, \
     'sizeBytes', size_bytes, 'sha256', sha256, 'storedAt', stored_at)) \
     FROM backup_copies WHERE backup_id = backups.id), parts, \
    (SELECT count(*) FROM backup_tables WHERE backup_id = backups.id), \
    (SELECT sum(row_count) FROM backup_tables WHERE backup_id = backups.id)";

fn backup_from_row(r: &Row) -> rusqlite::Result<BackupRecord> {
    let path = PathBuf::from(r.get::<_, String>(11)?);
    let format: String = r.get(9)?;
    let status: String = r.get(19)?;
    let reason: String = r.get(20)?;
    Ok(BackupRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        source: Source {
            connection_id: r.get(3)?,
            connection_name: r.get(4)?,
            host: r.get(5)?,
            port: r.get(6)?,
            user: r.get(7)?,
            database: r.get(8)?,
        },
        format: from_json::<BackupFormat>(&format!("\"{format}\""))?,
        compression: r.get(10)?,
        file_exists: !path.as_os_str().is_empty() && path.exists(),
        path,
        size_bytes: r.get(12)?,
        sha256: r.get(13)?,
        server_version: r.get(14)?,
        pg_dump_version: r.get(15)?,
        started_at: parse_ts(&r.get::<_, String>(16)?)?,
        finished_at: opt_ts(r.get(17)?)?,
        duration_ms: r.get(18)?,
        status: BackupStatus::parse(&status).unwrap_or(BackupStatus::Failed),
        reason: BackupReason::parse(&reason).unwrap_or(BackupReason::Manual),
        schedule_id: r.get(21)?,
        error: r.get(22)?,
        warnings: from_json(&r.get::<_, String>(23)?)?,
        options: from_json(&r.get::<_, String>(24)?)?,
        verification: r
            .get::<_, Option<String>>(25)?
            .as_deref()
            .map(from_json)
            .transpose()?,
        copies: from_json(&r.get::<_, String>(26)?)?,
        parts: from_json(&r.get::<_, String>(27)?)?,
        rows: match (r.get::<_, u32>(28)?, r.get::<_, Option<i64>>(29)?) {
            (0, _) | (_, None) => None,
            (tables, Some(rows)) => Some(crate::catalog::RowTotals {
                tables,
                rows: rows.max(0) as u64,
            }),
        },
    })
}

fn format_text(format: BackupFormat) -> String {
    to_json(&format).trim_matches('"').to_string()
}

impl Catalog {
    /// Records a job about to run, owned by this process.
    pub fn begin_backup(&self, new: &NewBackup) -> CatalogResult<BackupRecord> {
        let (pid, start) = this_process();
        let o = &new.options;
        if let Some(folder) = o
            .output_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && !new.remote_only)
        {
            super::remember_folder(&self.path, folder);
        }
        let path = if new.remote_only {
            String::new()
        } else {
            std::path::absolute(&o.output_path)
                .unwrap_or_else(|_| o.output_path.clone())
                .display()
                .to_string()
        };
        self.with(|c| {
            c.execute(
                "INSERT INTO backups (id, name, description, connection_id, connection_name, host, \
                 port, db_user, database, format, compression, path, partial_path, server_version, \
                 pg_dump_version, started_at, status, reason, schedule_id, options, owner_pid, owner_start) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                params![
                    new.id,
                    new.name,
                    new.description,
                    new.source.connection_id,
                    new.source.connection_name,
                    new.source.host,
                    new.source.port,
                    new.source.user,
                    new.source.database,
                    format_text(o.format),
                    o.compression,
                    path,
                    new.partial_path
                        .as_ref()
                        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()).display().to_string()),
                    new.server_version,
                    new.pg_dump_version,
                    ts(new.started_at),
                    BackupStatus::Running.as_str(),
                    new.reason.as_str(),
                    new.schedule_id,
                    to_json(o),
                    pid,
                    start as i64,
                ],
            )
        })
        .map_err(|e| match e {
            CatalogError::Sql(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                CatalogError::Invalid(format!(
                    "a backup with id `{}` is already in the catalog: use a new id",
                    new.id
                ))
            }
            other => other,
        })?;
        self.require_backup(&new.id)
    }

    /// Records how a job ended.
    pub fn finish_backup(&self, id: &str, fin: &BackupFinish) -> CatalogResult<BackupRecord> {
        let changed = self.with(|c| {
            c.execute(
                "UPDATE backups SET status = ?2, finished_at = ?3, duration_ms = ?4, size_bytes = ?5, \
                 sha256 = ?6, error = ?7, warnings = ?8, partial_path = NULL, owner_pid = NULL, \
                 owner_start = NULL, path = coalesce(?9, path) WHERE id = ?1",
                params![
                    id,
                    fin.status.as_str(),
                    ts(fin.finished_at),
                    fin.duration_ms,
                    fin.size_bytes,
                    fin.sha256,
                    fin.error,
                    to_json(&fin.warnings),
                    fin.path.as_ref().map(|p| std::path::absolute(p)
                        .unwrap_or_else(|_| p.clone())
                        .display()
                        .to_string()),
                ],
            )
        })?;
        if changed == 0 {
            return Err(CatalogError::UnknownBackup(id.into()));
        }
        self.require_backup(id)
    }

    /// Records a whole-server backup's parts.
    pub fn set_parts(&self, id: &str, parts: &[BackupPart]) -> CatalogResult<BackupRecord> {
        self.with(|c| {
            c.execute(
                "UPDATE backups SET parts = ?2 WHERE id = ?1",
                params![id, to_json(&parts)],
            )
        })?;
        self.require_backup(id)
    }

    pub fn set_checksum(&self, id: &str, sha256: &str) -> CatalogResult<BackupRecord> {
        self.with(|c| {
            c.execute(
                "UPDATE backups SET sha256 = ?2 WHERE id = ?1",
                params![id, sha256],
            )
        })?;
        self.require_backup(id)
    }

    /// Records a copy of a backup in a bucket (replacing an older copy
    /// of it at the same destination).
    pub fn add_copy(&self, id: &str, copy: &BackupCopy) -> CatalogResult<BackupRecord> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO backup_copies (backup_id, destination, object_key, size_bytes, sha256, stored_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, copy.destination, copy.key, copy.size_bytes, copy.sha256, ts(copy.stored_at)],
            )
        })?;
        self.require_backup(id)
    }

    /// Forgets a backup's copy at `destination` (deleted from the bucket).
    pub fn remove_copy(&self, id: &str, destination: &str) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "DELETE FROM backup_copies WHERE backup_id = ?1 AND destination = ?2",
                params![id, destination],
            )
        })?;
        Ok(())
    }

    /// The backup in the history whose copy is `destination`'s `key`.
    pub fn backup_at_copy(
        &self,
        destination: &str,
        key: &str,
    ) -> CatalogResult<Option<BackupRecord>> {
        let id: Option<String> = self.with(|c| {
            c.query_row(
                "SELECT backup_id FROM backup_copies WHERE destination = ?1 AND object_key = ?2",
                params![destination, key],
                |r| r.get(0),
            )
            .optional()
        })?;
        id.map(|id| self.require_backup(&id)).transpose()
    }

    /// Other records that point at `path` (a backup overwritten in place).
    pub fn others_at_path(&self, id: &str, path: &Path) -> CatalogResult<u64> {
        self.with(|c| {
            c.query_row(
                "SELECT count(*) FROM backups WHERE path = ?1 AND id <> ?2",
                params![path.display().to_string(), id],
                |r| r.get(0),
            )
        })
    }

    /// Backups whose id starts with `prefix` (at most `limit`).
    pub fn backups_with_prefix(
        &self,
        prefix: &str,
        limit: u32,
    ) -> CatalogResult<Vec<BackupRecord>> {
        let pattern = format!("{}%", prefix.replace(['%', '_'], ""));
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {BACKUP_COLUMNS} FROM backups WHERE id LIKE ?1 ORDER BY started_at DESC LIMIT {limit}"
            ))?;
            let rows = stmt.query_map([pattern], backup_from_row)?;
            rows.collect()
        })
    }

    /// Adds a record found in a sidecar manifest, as it is.
    pub fn insert_imported(&self, b: &BackupRecord) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO backups (id, name, description, connection_id, connection_name, host, \
                 port, db_user, database, format, compression, path, size_bytes, sha256, \
                 server_version, pg_dump_version, started_at, finished_at, duration_ms, status, \
                 reason, schedule_id, error, warnings, options, verification, parts) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
                params![
                    b.id,
                    b.name,
                    b.description,
                    b.source.connection_id,
                    b.source.connection_name,
                    b.source.host,
                    b.source.port,
                    b.source.user,
                    b.source.database,
                    format_text(b.format),
                    b.compression,
                    b.path.display().to_string(),
                    b.size_bytes,
                    b.sha256,
                    b.server_version,
                    b.pg_dump_version,
                    ts(b.started_at),
                    b.finished_at.map(ts),
                    b.duration_ms,
                    b.status.as_str(),
                    b.reason.as_str(),
                    b.schedule_id,
                    b.error,
                    to_json(&b.warnings),
                    to_json(&b.options),
                    b.verification.as_ref().map(to_json),
                    to_json(&b.parts),
                ],
            )
        })?;
        Ok(())
    }

    pub fn get_backup(&self, id: &str) -> CatalogResult<Option<BackupRecord>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {BACKUP_COLUMNS} FROM backups WHERE id = ?1"),
                [id],
                backup_from_row,
            )
            .optional()
        })
    }

    pub fn require_backup(&self, id: &str) -> CatalogResult<BackupRecord> {
        self.get_backup(id)?
            .ok_or_else(|| CatalogError::UnknownBackup(id.into()))
    }

    /// The backup recorded for `path`, if any (the newest).
    pub fn backup_at(&self, path: &Path) -> CatalogResult<Option<BackupRecord>> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let wanted = std::fs::canonicalize(path).unwrap_or_else(|_| absolute.clone());
        self.with(|c| {
            c.query_row(
                &format!(
                    "SELECT {BACKUP_COLUMNS} FROM backups WHERE path IN (?1, ?2, ?3) \
                     ORDER BY status IN ('completed', 'completedWithWarnings') DESC, started_at DESC LIMIT 1"
                ),
                params![
                    path.display().to_string(),
                    absolute.display().to_string(),
                    wanted.display().to_string()
                ],
                backup_from_row,
            )
            .optional()
        })
    }

    /// One page of the history, newest first.
    pub fn list_backups(&self, q: &BackupQuery) -> CatalogResult<BackupPage> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut bind = |clause: &str, value: Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(id) = &q.connection_id {
            bind("connection_id = ?", Value::Text(id.clone()));
        }
        if let Some(name) = &q.connection_name {
            bind(
                "(connection_name = ? OR database = ?)",
                Value::Text(name.clone()),
            );
        }
        if let Some(db) = &q.database {
            bind("database = ?", Value::Text(db.clone()));
        }
        if let Some(id) = &q.schedule_id {
            bind("schedule_id = ?", Value::Text(id.clone()));
        }
        // instr, not LIKE: `%` and `_` typed in a search are plain characters.
        for word in q.search.iter().flat_map(|s| s.split_whitespace()) {
            bind(
                "(instr(tusk_fold(name), ?) > 0 OR instr(tusk_fold(description), ?) > 0 \
                 OR instr(tusk_fold(database), ?) > 0 OR instr(tusk_fold(connection_name), ?) > 0)",
                Value::Text(word.to_lowercase()),
            );
        }
        if !q.statuses.is_empty() {
            let list: Vec<String> = q
                .statuses
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect();
            clauses.push(format!("status IN ({})", list.join(", ")));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let limit = q.limit.clamp(1, 1000);
        self.with(|c| {
            let (total, total_bytes): (u64, i64) = c.query_row(
                &format!("SELECT count(*), coalesce(sum(size_bytes), 0) FROM backups {filter}"),
                rusqlite::params_from_iter(values.iter()),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut stmt = c.prepare(&format!(
                "SELECT {BACKUP_COLUMNS} FROM backups {filter} ORDER BY started_at DESC, id \
                 LIMIT {limit} OFFSET {}",
                q.offset
            ))?;
            let items = stmt
                .query_map(rusqlite::params_from_iter(values.iter()), backup_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(BackupPage {
                items,
                total,
                total_bytes: total_bytes.max(0) as u64,
                offset: q.offset,
                limit,
            })
        })
    }

    /// Every successful backup of a schedule (or of a database when
    /// `schedule_id` is `None`), for retention.
    pub fn successful_backups(
        &self,
        schedule_id: Option<&str>,
        source: Option<&Source>,
    ) -> CatalogResult<Vec<BackupRecord>> {
        let mut q = BackupQuery {
            schedule_id: schedule_id.map(String::from),
            statuses: vec![BackupStatus::Completed, BackupStatus::CompletedWithWarnings],
            limit: 1000,
            ..Default::default()
        };
        if let Some(s) = source {
            q.connection_id = s.connection_id.clone();
            q.database = Some(s.database.clone());
        }
        let mut all = Vec::new();
        loop {
            let page = self.list_backups(&q)?;
            let n = page.items.len() as u32;
            all.extend(page.items);
            if n < q.limit {
                return Ok(all);
            }
            q.offset += n;
        }
    }

    /// Removes a record (its files are the caller's to delete, first).
    pub fn delete_backup(&self, id: &str) -> CatalogResult<()> {
        let n = self.with(|c| c.execute("DELETE FROM backups WHERE id = ?1", [id]))?;
        if n == 0 {
            return Err(CatalogError::UnknownBackup(id.into()));
        }
        Ok(())
    }

    pub fn rename_backup(
        &self,
        id: &str,
        name: &str,
        description: Option<&str>,
    ) -> CatalogResult<BackupRecord> {
        if name.trim().is_empty() {
            return Err(CatalogError::Invalid("give the backup a name".into()));
        }
        let n = self.with(|c| {
            c.execute(
                "UPDATE backups SET name = ?2, description = ?3 WHERE id = ?1",
                params![id, name.trim(), description],
            )
        })?;
        if n == 0 {
            return Err(CatalogError::UnknownBackup(id.into()));
        }
        self.require_backup(id)
    }

    /// Points a record at the place its file was moved to.
    pub fn move_backup(&self, id: &str, path: &Path) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE backups SET path = ?2 WHERE id = ?1",
                params![id, path.display().to_string()],
            )
        })?;
        Ok(())
    }

    pub fn set_verification(&self, id: &str, v: &Verification) -> CatalogResult<BackupRecord> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE backups SET verification = ?2 WHERE id = ?1",
                params![id, to_json(v)],
            )
        })?;
        if n == 0 {
            return Err(CatalogError::UnknownBackup(id.into()));
        }
        self.require_backup(id)
    }

    /// Row counts read from the backup's own data, kept for later verifications.
    pub fn set_table_rows(&self, id: &str, rows: &[TableRows]) -> CatalogResult<()> {
        self.tx(|tx| {
            tx.execute("DELETE FROM backup_tables WHERE backup_id = ?1", [id])?;
            let mut stmt = tx.prepare(
                "INSERT INTO backup_tables (backup_id, schema_name, table_name, row_count) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for t in rows {
                stmt.execute(params![id, t.schema, t.name, t.rows])?;
            }
            Ok(())
        })
    }

    pub fn table_rows(&self, id: &str) -> CatalogResult<Vec<TableRows>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT schema_name, table_name, row_count FROM backup_tables \
                 WHERE backup_id = ?1 ORDER BY schema_name, table_name",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok(TableRows {
                    schema: r.get(0)?,
                    name: r.get(1)?,
                    rows: r.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Jobs and schedule runs whose process died: marked interrupted, their
    /// partial output removed. Returns the backups' ids.
    /// Called at every open, and by long-running processes from time to time:
    /// a run claimed by a process that died blocks its schedule until then.
    pub fn recover_interrupted(&self) -> CatalogResult<Vec<String>> {
        let running = self.owned(
            "SELECT id, partial_path, owner_pid, owner_start FROM backups WHERE status = 'running'",
        )?;
        let mut interrupted = Vec::new();
        let now = ts(Utc::now());
        for Owned { id, extra, .. } in running.into_iter().filter(Owned::is_orphan) {
            if let Some(p) = extra {
                crate::jobs::output::remove_partial(Path::new(&p));
            }
            self.with(|c| {
                c.execute(
                    "UPDATE backups SET status = 'interrupted', finished_at = ?2, partial_path = NULL, \
                     owner_pid = NULL, owner_start = NULL, \
                     error = 'The process running this backup stopped before it finished (crash or power loss); its partial file was removed.' \
                     WHERE id = ?1",
                    params![id, now],
                )
            })?;
            interrupted.push(id);
        }
        let claimed = self.owned(
            "SELECT id, running_run_id, running_pid, running_start FROM schedules \
             WHERE running_run_id IS NOT NULL",
        )?;
        for Owned {
            id: schedule,
            extra: run,
            ..
        } in claimed.into_iter().filter(Owned::is_orphan)
        {
            self.tx(|tx| {
                tx.execute(
                    "UPDATE schedule_runs SET status = 'interrupted', finished_at = ?2, \
                     error = 'The process running this schedule stopped before the run finished.' \
                     WHERE id = ?1 AND status = 'running'",
                    params![run, now],
                )?;
                tx.execute(
                    "UPDATE schedules SET running_run_id = NULL, running_pid = NULL, running_start = NULL \
                     WHERE id = ?1",
                    [&schedule],
                )?;
                Ok(())
            })?;
        }
        Ok(interrupted)
    }

    /// Rows of `(id, extra, pid, start)`: things a process claimed.
    fn owned(&self, sql: &str) -> CatalogResult<Vec<Owned>> {
        self.with(|c| {
            let mut stmt = c.prepare(sql)?;
            let rows = stmt.query_map([], |r| {
                Ok(Owned {
                    id: r.get(0)?,
                    extra: r.get(1)?,
                    pid: r.get::<_, Option<u32>>(2)?.unwrap_or(0),
                    start: r.get::<_, Option<i64>>(3)?.unwrap_or(0) as u64,
                })
            })?;
            rows.collect()
        })
    }
}

/// A record claimed by a process: a running backup, a running schedule.
struct Owned {
    id: String,
    extra: Option<String>,
    pid: u32,
    start: u64,
}

impl Owned {
    /// Its process is gone.
    fn is_orphan(&self) -> bool {
        !process_alive(self.pid, self.start)
    }
}
