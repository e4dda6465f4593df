//! The catalog: every backup and schedule in an embedded SQLite database in
//! the user's data folder, shared by the app and the CLI.
//!
//! Writes are transactional. A job records itself as running with its
//! process id before it starts, so a crash is found at the next open: the
//! record is marked interrupted and its partial file removed. The catalog
//! keeps an online copy of itself (SQLite backup API); a damaged catalog is
//! moved aside and rebuilt from that copy and from the sidecar files beside
//! the backups.

pub mod retention;
pub mod sidecar;

pub mod export;
mod model;
mod restores;
mod schedules;
mod store;

pub use model::*;
pub use restores::{NewRestore, RestoreRecord};
pub use store::{BackupFinish, NewBackup};

pub use crate::error::{CatalogError, CatalogResult};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    connection_id TEXT,
    connection_name TEXT,
    host TEXT,
    port INTEGER,
    db_user TEXT,
    database TEXT NOT NULL,
    format TEXT NOT NULL,
    compression INTEGER NOT NULL,
    path TEXT NOT NULL,
    partial_path TEXT,
    size_bytes INTEGER,
    sha256 TEXT,
    server_version TEXT,
    pg_dump_version TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    schedule_id TEXT,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    options TEXT NOT NULL,
    owner_pid INTEGER,
    owner_start INTEGER,
    verification TEXT
);
CREATE INDEX backups_by_time ON backups (started_at DESC);
CREATE INDEX backups_by_connection ON backups (connection_id, started_at DESC);
CREATE INDEX backups_by_schedule ON backups (schedule_id, started_at DESC);
CREATE TABLE backup_tables (
    backup_id TEXT NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
    schema_name TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    PRIMARY KEY (backup_id, schema_name, table_name)
);
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    next_run_at TEXT,
    running_run_id TEXT,
    running_pid INTEGER,
    running_start INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE schedule_runs (
    id TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    scheduled_for TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    backup_id TEXT,
    error TEXT,
    pruned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_schedule ON schedule_runs (schedule_id, started_at DESC);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    r#"
CREATE TABLE restores (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    host TEXT,
    port INTEGER,
    database TEXT NOT NULL,
    connection_id TEXT,
    input_path TEXT NOT NULL,
    options TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    at_risk INTEGER NOT NULL,
    created_database INTEGER NOT NULL,
    incomplete INTEGER NOT NULL DEFAULT 0,
    dismissed INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    owner_pid INTEGER,
    owner_start INTEGER
);
CREATE INDEX restores_by_target ON restores (target, status);
"#,
    r#"
CREATE TABLE backup_copies (
    backup_id TEXT NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
    destination TEXT NOT NULL,
    object_key TEXT NOT NULL,
    size_bytes INTEGER,
    sha256 TEXT,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (backup_id, destination)
);
"#,
    r#"
ALTER TABLE backups ADD COLUMN parts TEXT NOT NULL DEFAULT '[]';
"#,
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

pub struct Catalog {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Catalog {
    /// Opens (creating or migrating) the catalog at `path`, repairs what a
    /// crash left behind, and rebuilds a damaged file.
    pub fn open(path: &Path) -> CatalogResult<(Catalog, OpenReport)> {
        let open_err = |message: String| CatalogError::Open {
            path: path.to_path_buf(),
            message,
        };
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::paths::private_dir(folder).map_err(|e| open_err(e.to_string()))?;
        }
        let mut report = OpenReport::default();
        let conn = match Self::connect(path) {
            Ok(conn) => conn,
            // Only a damaged file is rebuilt: a busy, read-only or newer
            // catalog is someone else's to fix, and must stay as it is.
            Err(OpenFailure {
                damaged: true,
                message,
            }) if path.exists() => {
                let (conn, rebuilt) = Self::rebuild(path, &message)?;
                report = rebuilt;
                conn
            }
            Err(failure) => return Err(open_err(failure.message)),
        };
        // The history names every database and file: this user's only. SQLite
        // gives its journal files the database file's mode.
        for file in [path.to_path_buf(), copy_path(path), folders_path(path)]
            .into_iter()
            .chain(["-wal", "-shm"].map(|s| PathBuf::from(format!("{}{s}", path.display()))))
            .filter(|f| f.exists())
        {
            crate::paths::private_file(&file).map_err(|e| open_err(e.to_string()))?;
        }
        let catalog = Catalog {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        };
        if report.rebuilt {
            report.imported = catalog.reimport_known_folders()?;
        }
        report.interrupted = catalog.recover_interrupted()?;
        catalog.recover_interrupted_restores()?;
        Ok((catalog, report))
    }

    /// The catalog in the user's data folder.
    pub fn open_default() -> CatalogResult<(Catalog, OpenReport)> {
        Self::open(&crate::paths::catalog_path())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn connect(path: &Path) -> Result<Connection, OpenFailure> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(OpenFailure::sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(OpenFailure::sql)?;
        // WAL with synchronous=NORMAL: a crash loses at most the last commit,
        // never the database, and a job does not wait for two fsyncs.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
        )
        .map_err(OpenFailure::sql)?;
        // SQLite's lower() folds ASCII only: the history's search folds
        // names like "Ünï" too.
        conn.create_scalar_function(
            "tusk_fold",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                Ok(ctx
                    .get::<Option<String>>(0)?
                    .unwrap_or_default()
                    .to_lowercase())
            },
        )
        .map_err(OpenFailure::sql)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(OpenFailure::sql)?;
        if check != "ok" {
            return Err(OpenFailure {
                damaged: true,
                message: format!("integrity check failed: {check}"),
            });
        }
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(OpenFailure::sql)?;
        if version > MIGRATIONS.len() {
            return Err(OpenFailure {
                damaged: false,
                message: format!(
                    "it was written by a newer Tusk (catalog version {version}; this one knows {}): update Tusk",
                    MIGRATIONS.len()
                ),
            });
        }
        if version < MIGRATIONS.len() {
            // Two processes opening a new catalog at once (the app and the
            // daemon, two commands) would both create its tables: one
            // migrates while the other waits, then finds nothing to do.
            let lock_path = path.with_extension("db-migrating");
            // This user's only, as the catalog is.
            let lock = crate::platform::private_open(
                std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true),
            )
            .open(&lock_path)
            .and_then(|f| f.lock().map(|()| f))
            .map_err(|e| OpenFailure {
                damaged: false,
                message: format!("cannot lock {} to update it: {e}", lock_path.display()),
            })?;
            migrations().to_latest(&mut conn).map_err(|e| OpenFailure {
                damaged: false,
                message: e.to_string(),
            })?;
            drop(lock);
        }
        Ok(conn)
    }

    /// Moves a damaged catalog aside and starts again from its online copy
    /// (when that copy is sound) or empty.
    fn rebuild(path: &Path, why: &str) -> CatalogResult<(Connection, OpenReport)> {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let damaged = path.with_extension(format!("damaged-{stamp}"));
        std::fs::rename(path, &damaged).map_err(|e| CatalogError::Open {
            path: path.to_path_buf(),
            message: format!("{why}; and it cannot be moved aside: {e}"),
        })?;
        // Its journal goes with it: what it holds belongs to the damaged file.
        for suffix in ["-wal", "-shm"] {
            let from = format!("{}{suffix}", path.display());
            if let Err(e) = std::fs::rename(&from, format!("{}{suffix}", damaged.display())) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(file = %from, error = %e, "a damaged catalog's journal could not be moved aside");
                }
            }
        }
        let copy = copy_path(path);
        let mut restored = 0;
        if copy.exists() && Self::connect(&copy).is_ok() {
            std::fs::copy(&copy, path).map_err(|e| CatalogError::Io(e.to_string()))?;
        }
        let conn = Self::connect(path).map_err(|f| CatalogError::Open {
            path: path.to_path_buf(),
            message: f.message,
        })?;
        if copy.exists() {
            restored = conn
                .query_row("SELECT count(*) FROM backups", [], |r| r.get::<_, u64>(0))
                .unwrap_or(0);
        }
        Ok((
            conn,
            OpenReport {
                rebuilt: true,
                damaged_copy: Some(damaged),
                restored_from_copy: restored,
                ..Default::default()
            },
        ))
    }

    /// Imports sidecars from every folder the catalog knows about: where its
    /// backups are, schedule destinations, and the default folders.
    fn reimport_known_folders(&self) -> CatalogResult<u64> {
        let mut folders: Vec<PathBuf> = self
            .with(|c| {
                let mut stmt = c.prepare("SELECT DISTINCT path FROM backups")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.map(|p| p.map(|p| PathBuf::from(p).parent().map(Path::to_path_buf)))
                    .collect::<Result<Vec<_>, _>>()
            })?
            .into_iter()
            .flatten()
            .collect();
        folders.extend(self.list_schedules()?.into_iter().map(|s| s.destination));
        folders.extend(read_known_folders(&self.path));
        folders.push(crate::paths::safety_dir());
        let scheduled = crate::paths::data_dir().join("backups");
        if let Ok(entries) = std::fs::read_dir(&scheduled) {
            folders.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_dir()),
            );
        }
        folders.sort();
        folders.dedup();
        let mut imported = 0;
        for folder in folders {
            imported += self.import_folder(&folder, true)?.imported.len() as u64;
        }
        Ok(imported)
    }

    /// Runs `f` on the connection.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> CatalogResult<T> {
        let conn = self.conn.lock().expect("catalog lock");
        Ok(f(&conn)?)
    }

    /// Runs `f` in one transaction.
    pub(crate) fn tx<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<T, CatalogError>,
    ) -> CatalogResult<T> {
        let mut conn = self.conn.lock().expect("catalog lock");
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Writes the catalog's own online copy beside it (SQLite backup API) and
    /// checks the copy's integrity. Returns the copy's path. One copy at a
    /// time: the catalog stays locked until the copy is in place.
    pub fn backup_self(&self) -> CatalogResult<PathBuf> {
        let target = copy_path(&self.path);
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let io = |e: std::io::Error| CatalogError::Io(e.to_string());
        let conn = self.conn.lock().expect("catalog lock");
        let partial = tempfile::Builder::new()
            .prefix(".catalog-copy-")
            .tempfile_in(folder)
            .map_err(io)?;
        {
            let mut dest = Connection::open(partial.path())?;
            let backup = rusqlite::backup::Backup::new(&conn, &mut dest)?;
            backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
            drop(backup);
            let check: String = dest.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if check != "ok" {
                return Err(CatalogError::Io(format!(
                    "the catalog copy failed its integrity check: {check}"
                )));
            }
        }
        partial.persist(&target).map_err(|e| io(e.error))?;
        drop(conn);
        Ok(target)
    }

    /// `PRAGMA integrity_check` of the live catalog.
    /// Rebuilds the catalog's file without its free pages and refreshes
    /// SQLite's statistics (`PRAGMA optimize`, `VACUUM`, the write-ahead log
    /// folded in): the bytes on disk before and after.
    pub fn vacuum(&self) -> CatalogResult<(u64, u64)> {
        let on_disk = || {
            ["", "-wal"]
                .iter()
                .filter_map(|suffix| {
                    let mut name = self.path.as_os_str().to_owned();
                    name.push(suffix);
                    std::fs::metadata(PathBuf::from(name)).ok()
                })
                .map(|m| m.len())
                .sum::<u64>()
        };
        let before = on_disk();
        self.with(|c| {
            c.execute_batch("PRAGMA optimize; VACUUM;")?;
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        })?;
        Ok((before, on_disk()))
    }

    pub fn integrity_check(&self) -> CatalogResult<String> {
        self.with(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))
    }

    /// Adds the backups described by sidecar manifests in `folder` that the
    /// catalog does not have yet. With `keep_reason`, records keep the reason
    /// their manifest gives (a rebuild); otherwise they are marked imported.
    pub fn import_folder(&self, folder: &Path, keep_reason: bool) -> CatalogResult<ImportReport> {
        let mut report = ImportReport::default();
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Ok(report);
        };
        let mut manifests: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| sidecar::is_manifest(p))
            .collect();
        manifests.sort();
        for manifest in manifests {
            match sidecar::read_manifest(&manifest)
                .and_then(|r| sidecar::check_imported(&r).map(|()| r))
            {
                Ok(mut record) => {
                    if self.get_backup(&record.id)?.is_some() {
                        report.already_known.push(record.id);
                        continue;
                    }
                    if !keep_reason {
                        // Another machine's schedules are not this catalog's.
                        record.reason = BackupReason::Imported;
                        record.schedule_id = None;
                    }
                    self.insert_imported(&record)?;
                    report.imported.push(record.id);
                }
                Err(why) => report
                    .skipped
                    .push(format!("{}: {why}", manifest.display())),
            }
        }
        Ok(report)
    }
}

/// Why a catalog did not open; only `damaged` ones are rebuilt.
struct OpenFailure {
    damaged: bool,
    message: String,
}

impl OpenFailure {
    fn sql(e: rusqlite::Error) -> OpenFailure {
        let damaged = matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        );
        OpenFailure {
            damaged,
            message: e.to_string(),
        }
    }
}

/// What `import_folder` did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub already_known: Vec<String>,
    /// Manifests that could not be read, with why.
    pub skipped: Vec<String>,
}

/// A plain list of every folder backups were written to, beside the
/// catalog: it survives a damaged catalog and tells where to look for sidecars.
fn folders_path(catalog: &Path) -> PathBuf {
    let mut name = catalog.as_os_str().to_os_string();
    name.push("-folders");
    PathBuf::from(name)
}

fn read_known_folders(catalog: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(folders_path(catalog))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Adds `folder` to the list when it is not in it yet.
pub(crate) fn remember_folder(catalog: &Path, folder: &Path) {
    use std::io::Write;
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    if read_known_folders(catalog).contains(&folder) {
        return;
    }
    if let Ok(mut file) =
        crate::platform::private_open(std::fs::OpenOptions::new().create(true).append(true))
            .open(folders_path(catalog))
    {
        if let Err(e) = writeln!(file, "{}", folder.display()) {
            tracing::warn!(folder = %folder.display(), error = %e, "a backup folder could not be remembered");
        }
    }
}

/// The online copy: `catalog.db` → `catalog.db-copy`.
fn copy_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push("-copy");
    PathBuf::from(name)
}

pub(crate) use crate::platform::{process_alive, this_process};
