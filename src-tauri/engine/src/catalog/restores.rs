//! Restores in the history. A restore claims its target database before it
//! touches it, so two restores never write into one database at once (from
//! the app and the CLI alike), and one that stops part way — failed or
//! cancelled outside a single transaction, or its process killed — leaves a
//! record that says so until the target is dropped or restored again.

use super::store::{from_json, opt_ts, parse_ts, to_json, ts};
use super::{process_alive, this_process, BackupStatus, Catalog, CatalogError, CatalogResult};
use crate::options::RestoreOptions;
use chrono::{DateTime, Utc};
use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A restore about to touch its target.
#[derive(Debug, Clone)]
pub struct NewRestore {
    pub id: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The database the user restores (claimed: one restore at a time).
    pub target: String,
    /// The database written into: the target, or a swap's new database.
    pub database: String,
    pub connection_id: Option<String>,
    pub options: RestoreOptions,
    /// Killed now, the restore would leave a database holding part of the
    /// backup (no single transaction, or a database it created).
    pub at_risk: bool,
    pub created_database: bool,
}

/// A restore as the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestoreRecord {
    pub id: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The database that may hold part of the backup.
    pub database: String,
    pub connection_id: Option<String>,
    pub input_path: PathBuf,
    pub options: RestoreOptions,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: BackupStatus,
    /// It stopped part way: `database` holds part of the backup.
    pub incomplete: bool,
    /// The restore created `database`: dropping it loses nothing that was
    /// there before.
    pub created_database: bool,
    pub error: Option<String>,
}

const COLUMNS: &str = "id, host, port, database, connection_id, input_path, options, started_at, \
    finished_at, status, incomplete, created_database, error";

fn from_row(r: &Row) -> rusqlite::Result<RestoreRecord> {
    let status: String = r.get(9)?;
    Ok(RestoreRecord {
        id: r.get(0)?,
        host: r.get(1)?,
        port: r.get(2)?,
        database: r.get(3)?,
        connection_id: r.get(4)?,
        input_path: PathBuf::from(r.get::<_, String>(5)?),
        options: from_json(&r.get::<_, String>(6)?)?,
        started_at: parse_ts(&r.get::<_, String>(7)?)?,
        finished_at: opt_ts(r.get(8)?)?,
        status: BackupStatus::parse(&status).unwrap_or(BackupStatus::Failed),
        incomplete: r.get(10)?,
        created_database: r.get(11)?,
        error: r.get(12)?,
    })
}

/// One key per database of one server, as the connection names them.
fn target_key(host: Option<&str>, port: Option<u16>, database: &str) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{database}",
        host.unwrap_or(""),
        port.map(|p| p.to_string()).unwrap_or_default()
    )
}

impl Catalog {
    /// Claims the target for this restore, or says who is restoring into it.
    pub fn begin_restore(&self, new: &NewRestore) -> CatalogResult<()> {
        let (pid, start) = this_process();
        let key = target_key(new.host.as_deref(), new.port, &new.target);
        self.tx(|tx| {
            let mut stmt = tx.prepare(
                "SELECT started_at, owner_pid, owner_start FROM restores WHERE target = ?1 AND status = 'running'",
            )?;
            let running: Vec<(String, u32, i64)> = stmt
                .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            if let Some((since, ..)) = running
                .iter()
                .find(|(_, pid, start)| process_alive(*pid, *start as u64))
            {
                let since = parse_ts(since)
                    .map(|t| t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string())
                    .unwrap_or_default();
                return Err(CatalogError::Busy(format!(
                    "another restore into \"{}\" has been running since {since}: wait for it to end (or cancel it), then restore again. Nothing was changed",
                    new.target
                )));
            }
            tx.execute(
                "INSERT INTO restores (id, target, host, port, database, connection_id, input_path, \
                 options, started_at, status, at_risk, created_database, owner_pid, owner_start) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'running', ?10, ?11, ?12, ?13)",
                params![
                    new.id,
                    key,
                    new.host,
                    new.port,
                    new.database,
                    new.connection_id,
                    std::path::absolute(&new.options.input_path)
                        .unwrap_or_else(|_| new.options.input_path.clone())
                        .display()
                        .to_string(),
                    to_json(&new.options),
                    ts(Utc::now()),
                    new.at_risk,
                    new.created_database,
                    pid,
                    start as i64,
                ],
            )?;
            Ok(())
        })
    }

    /// Records how a restore ended. A completed one clears the marks older
    /// restores of the same database left: it holds the backup now.
    pub fn finish_restore(
        &self,
        id: &str,
        status: BackupStatus,
        incomplete: bool,
        error: Option<&str>,
    ) -> CatalogResult<()> {
        self.tx(|tx| {
            tx.execute(
                "UPDATE restores SET status = ?2, incomplete = ?3, error = ?4, finished_at = ?5, \
                 owner_pid = NULL, owner_start = NULL WHERE id = ?1",
                params![id, status.as_str(), incomplete, error, ts(Utc::now())],
            )?;
            if status.is_success() {
                tx.execute(
                    "UPDATE restores SET dismissed = 1 WHERE incomplete = 1 AND id <> ?1 \
                     AND target = (SELECT target FROM restores WHERE id = ?1)",
                    [id],
                )?;
            }
            Ok(())
        })
    }

    /// Restores that left a database holding part of a backup, newest first.
    pub fn incomplete_restores(&self) -> CatalogResult<Vec<RestoreRecord>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM restores WHERE incomplete = 1 AND dismissed = 0 \
                 ORDER BY started_at DESC"
            ))?;
            let rows = stmt.query_map([], from_row)?;
            rows.collect()
        })
    }

    pub fn get_restore(&self, id: &str) -> CatalogResult<RestoreRecord> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM restores WHERE id = ?1"),
                [id],
                from_row,
            )
        })
        .map_err(|e| match e {
            CatalogError::Sql(rusqlite::Error::QueryReturnedNoRows) => {
                CatalogError::Invalid(format!("no restore with id `{id}` in the history"))
            }
            other => other,
        })
    }

    /// The mark is no longer wanted (the database was dropped, or the user
    /// keeps it as it is).
    pub fn dismiss_restore(&self, id: &str) -> CatalogResult<()> {
        self.get_restore(id)?;
        self.with(|c| c.execute("UPDATE restores SET dismissed = 1 WHERE id = ?1", [id]))?;
        Ok(())
    }

    /// Restores whose process died: those that may have left part of a
    /// backup behind are marked incomplete.
    pub(crate) fn recover_interrupted_restores(&self) -> CatalogResult<()> {
        let running: Vec<(String, u32, i64)> = self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT id, owner_pid, owner_start FROM restores WHERE status = 'running'",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<u32>>(1)?.unwrap_or(0),
                    r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                ))
            })?;
            rows.collect()
        })?;
        for (id, pid, start) in running {
            if process_alive(pid, start as u64) {
                continue;
            }
            self.with(|c| {
                c.execute(
                    "UPDATE restores SET status = 'interrupted', incomplete = at_risk, \
                     finished_at = ?2, owner_pid = NULL, owner_start = NULL, \
                     error = 'The process running this restore stopped before it finished (crash, kill or power loss).' \
                     WHERE id = ?1",
                    params![id, ts(Utc::now())],
                )
            })?;
        }
        Ok(())
    }
}
