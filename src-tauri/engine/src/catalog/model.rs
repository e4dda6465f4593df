//! What the catalog records: backups with their verification, schedules with
//! their runs. These types cross to the app and the CLI's `--json` as they are.

use crate::catalog::retention::RetentionPolicy;
use crate::options::{BackupFormat, BackupOptions};
use crate::server::connection::ConnectionSpec;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BackupStatus {
    Running,
    Completed,
    CompletedWithWarnings,
    Failed,
    Cancelled,
    /// The process running it died (crash, power loss); found at next start.
    Interrupted,
}

impl BackupStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            BackupStatus::Running => "running",
            BackupStatus::Completed => "completed",
            BackupStatus::CompletedWithWarnings => "completedWithWarnings",
            BackupStatus::Failed => "failed",
            BackupStatus::Cancelled => "cancelled",
            BackupStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(text: &str) -> Option<BackupStatus> {
        ALL_STATUSES.iter().copied().find(|s| s.as_str() == text)
    }

    /// A backup whose file exists and can be restored.
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            BackupStatus::Completed | BackupStatus::CompletedWithWarnings
        )
    }
}

const ALL_STATUSES: [BackupStatus; 6] = [
    BackupStatus::Running,
    BackupStatus::Completed,
    BackupStatus::CompletedWithWarnings,
    BackupStatus::Failed,
    BackupStatus::Cancelled,
    BackupStatus::Interrupted,
];

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BackupReason {
    Manual,
    Scheduled,
    /// Taken automatically before a destructive restore.
    PreRestore,
    /// Taken automatically before a plain SQL script was run into the database.
    BeforeImport,
    /// Found as sidecar files and added to this catalog.
    Imported,
}

impl BackupReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            BackupReason::Manual => "manual",
            BackupReason::Scheduled => "scheduled",
            BackupReason::PreRestore => "preRestore",
            BackupReason::BeforeImport => "beforeImport",
            BackupReason::Imported => "imported",
        }
    }

    pub fn parse(text: &str) -> Option<BackupReason> {
        [
            BackupReason::Manual,
            BackupReason::Scheduled,
            BackupReason::PreRestore,
            BackupReason::BeforeImport,
            BackupReason::Imported,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// The database a backup was taken of (never a password).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Source {
    /// The app's connection profile, when it came from one.
    pub connection_id: Option<String>,
    /// What the user calls it: the profile's or remote's name, else host/database.
    pub connection_name: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub database: String,
}

impl Source {
    /// Where a backup comes from, as the history records it: `conn`'s
    /// server, user and database, and the connection it was made through
    /// (the app's profile: its id and name; the CLI's remote: its name).
    pub fn of(
        conn: &ConnectionSpec,
        connection_id: Option<&str>,
        connection_name: Option<&str>,
    ) -> Source {
        Source {
            connection_id: connection_id.map(str::to_owned).filter(|s| !s.is_empty()),
            connection_name: connection_name.map(str::to_owned),
            host: conn.host.clone(),
            port: conn.port,
            user: conn.user.clone(),
            database: conn.effective_database(),
        }
    }
}

/// One backup in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupRecord {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub source: Source,
    pub format: BackupFormat,
    pub compression: u8,
    pub path: PathBuf,
    pub size_bytes: Option<u64>,
    /// SHA-256 of the file; for a directory backup, of its `.sha256` listing.
    pub sha256: Option<String>,
    pub server_version: Option<String>,
    pub pg_dump_version: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub status: BackupStatus,
    pub reason: BackupReason,
    pub schedule_id: Option<String>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    pub warnings: Vec<String>,
    pub options: BackupOptions,
    pub verification: Option<Verification>,
    /// Whether the file is still where the catalog says (checked when read).
    /// A backup made straight into a bucket has no local file: its `path`
    /// is empty and its `copies` say where it is.
    pub file_exists: bool,
    /// Where the backup is besides its local file: buckets, by destination.
    #[serde(default)]
    pub copies: Vec<BackupCopy>,
    /// A whole-server backup's parts: its globals and each database.
    #[serde(default)]
    pub parts: Vec<BackupPart>,
    /// Tables and their rows in the backup, once counted (just after the
    /// backup, by a verification or by a restore); `None` until then.
    #[serde(default)]
    pub rows: Option<RowTotals>,
}

/// How many tables and rows a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RowTotals {
    pub tables: u32,
    pub rows: u64,
}

/// What one part of a whole-server backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PartKind {
    /// Roles and tablespaces: a pg_dumpall script.
    Globals,
    /// One database: an archive in the backup's format.
    Database,
}

/// One part of a whole-server backup: a file (or folder) inside its folder,
/// with its own checksum beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupPart {
    pub kind: PartKind,
    /// The database's name; `globals` for the globals.
    pub name: String,
    /// Its file's name inside the server backup's folder.
    pub file: String,
    pub status: BackupStatus,
    pub size_bytes: Option<u64>,
    pub sha256: Option<String>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    pub duration_ms: i64,
    /// The database's size on the server when it was backed up.
    pub database_bytes: Option<u64>,
    /// The globals: the roles the script creates.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl BackupRecord {
    /// Made straight into a bucket: no local file was ever written.
    pub fn is_remote_only(&self) -> bool {
        self.path.as_os_str().is_empty()
    }

    /// Where a person finds it: the local file, else `DEST:KEY`.
    pub fn location(&self) -> String {
        match self.copies.first() {
            Some(copy) if self.is_remote_only() => copy.location(),
            _ => self.path.display().to_string(),
        }
    }
}

/// A backup's copy in a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupCopy {
    /// The destination's name.
    pub destination: String,
    /// The object's key, under the destination's prefix.
    pub key: String,
    pub size_bytes: Option<u64>,
    pub sha256: Option<String>,
    pub stored_at: DateTime<Utc>,
}

impl BackupCopy {
    /// `DEST:KEY`, as `tusk restore` takes it.
    pub fn location(&self) -> String {
        format!("{}:{}", self.destination, self.key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum VerifyStatus {
    Passed,
    Failed,
}

/// One step of a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct VerifyCheck {
    /// "checksum", "archive", "rows" or "testRestore".
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// Rows of one table: in the backup, and after the test restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableCheck {
    pub schema: String,
    pub name: String,
    pub expected: Option<u64>,
    pub restored: Option<u64>,
}

impl TableCheck {
    pub fn matches(&self) -> bool {
        self.expected.is_none() || self.expected == self.restored
    }
}

/// The result of the last verification of a backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub status: VerifyStatus,
    pub checked_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// One line: what was proven, or what failed.
    pub summary: String,
    pub checks: Vec<VerifyCheck>,
    pub tables: Vec<TableCheck>,
    /// Where the test restore ran (`host:port`), when it ran.
    pub restored_on: Option<String>,
}

/// Row count of one table inside a backup, read from the archive itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableRows {
    pub schema: String,
    pub name: String,
    pub rows: u64,
}

/// Filters and paging of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct BackupQuery {
    pub connection_id: Option<String>,
    /// Matches the connection name or the database name exactly.
    pub connection_name: Option<String>,
    pub database: Option<String>,
    pub schedule_id: Option<String>,
    pub statuses: Vec<BackupStatus>,
    /// Words found (any case) in the name, note, database or connection
    /// name: every word must be found in one of them.
    pub search: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl Default for BackupQuery {
    fn default() -> Self {
        BackupQuery {
            connection_id: None,
            connection_name: None,
            database: None,
            schedule_id: None,
            statuses: Vec::new(),
            search: None,
            limit: 50,
            offset: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupPage {
    pub items: Vec<BackupRecord>,
    /// Matching backups in all pages.
    pub total: u64,
    /// The size of the matching backups' files, all pages together.
    pub total_bytes: u64,
    pub offset: u32,
    pub limit: u32,
}

/// When a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Trigger {
    /// Standard 5-field cron (`30 2 * * *`), or 6 fields with seconds first.
    Cron { expression: String },
    /// Every so many seconds, counted from the previous run.
    Interval { every_secs: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum NotifyOn {
    Never,
    #[default]
    Failure,
    Always,
}

/// A backup that runs by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Schedule {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// The database to back up (the password comes from the keychain or ~/.pgpass).
    pub source: Source,
    pub sslmode: Option<String>,
    pub trigger: Trigger,
    /// IANA time zone the cron expression is read in ("Europe/Paris", "UTC").
    pub timezone: String,
    /// Backup options; the output path is chosen per run inside `destination`.
    pub options: BackupOptions,
    pub destination: PathBuf,
    /// Buckets each backup is copied to once made (3-2-1); the local file
    /// stays, and retention applies to it.
    #[serde(default)]
    pub copy_to: Vec<String>,
    /// Back up straight into this destination (a bucket), streamed, instead
    /// of into `destination`: nothing is written on this machine.
    #[serde(default)]
    pub bucket: Option<String>,
    pub retention: RetentionPolicy,
    pub verify_after: bool,
    pub notify: NotifyOn,
    /// The notification channels (webhooks, e-mail) told as `notify` says,
    /// besides the desktop, by name.
    #[serde(default)]
    pub notify_via: Vec<String>,
    /// Further attempts after a failed one.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each next one.
    pub retry_delay_secs: u64,
    pub created_at: DateTime<Utc>,
    pub next_run_at: Option<DateTime<Utc>>,
    /// Made by Tusk when the user asked for automatic backups of a
    /// connection (seed 002 §3): also run at start when the connection's
    /// last good backup is over a day old.
    pub automatic: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            id: String::new(),
            name: String::new(),
            enabled: true,
            source: Source::default(),
            sslmode: None,
            trigger: Trigger::Cron {
                expression: "0 2 * * *".into(),
            },
            timezone: "UTC".into(),
            options: BackupOptions::default(),
            destination: PathBuf::new(),
            copy_to: Vec::new(),
            bucket: None,
            retention: RetentionPolicy::default(),
            verify_after: false,
            notify: NotifyOn::Failure,
            notify_via: Vec::new(),
            max_retries: 2,
            retry_delay_secs: 60,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            next_run_at: None,
            automatic: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    /// The process running it died.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(text: &str) -> Option<RunStatus> {
        [
            RunStatus::Running,
            RunStatus::Succeeded,
            RunStatus::Failed,
            RunStatus::Interrupted,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One run of a schedule (with its retries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRun {
    pub id: String,
    pub schedule_id: String,
    /// The time it was due.
    pub scheduled_for: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: RunStatus,
    pub attempts: u32,
    /// The backup it made (the last attempt's).
    pub backup_id: Option<String>,
    pub error: Option<String>,
    /// Backups the retention policy removed after this run.
    pub pruned: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleStats {
    pub total_runs: u64,
    pub successful_runs: u64,
    pub failed_runs: u64,
    pub last_run: Option<ScheduleRun>,
    pub running: bool,
}

/// A schedule as the app and `schedule list` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSummary {
    pub schedule: Schedule,
    pub stats: ScheduleStats,
}

/// What opening the catalog found and repaired.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OpenReport {
    /// Jobs whose process died, now marked interrupted (their partial files removed).
    pub interrupted: Vec<String>,
    /// The catalog file was damaged and was rebuilt.
    pub rebuilt: bool,
    /// Where the damaged file was moved.
    pub damaged_copy: Option<PathBuf>,
    /// Backups recovered from the catalog's own backup copy.
    pub restored_from_copy: u64,
    /// Backups re-imported from sidecar files.
    pub imported: u64,
}
