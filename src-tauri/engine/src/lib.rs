//! Tusk's engine: PostgreSQL backups and restores as jobs, with no UI
//! dependency. The desktop app and the CLI are thin layers over it.
//!
//! The rooms, from the bottom up (a room uses only those above it in this
//! list, or its own parts):
//! - [`error`], [`explain`], [`paths`], [`pattern`], [`platform`], [`secret`]: errors,
//!   failure explanations, where files go, name patterns, and every call
//!   that differs between operating systems;
//! - [`options`]: what a user asks for, its defaults, presets and checks;
//! - [`server`]: connections, the PostgreSQL tools, their command lines, and
//!   the queries Tusk asks a server;
//! - [`jobs`]: running a tool as a cancellable job, its progress, and its
//!   output written under a temporary name;
//! - [`crypt`]: encryption at rest with age, as a job's output is written,
//!   and decryption checked before anything reads a backup;
//! - [`catalog`]: the history (SQLite), the sidecar files beside a backup,
//!   and retention (which backups a policy keeps);
//! - [`storage`]: S3-compatible buckets, streamed uploads, and the
//!   manifests that list a bucket's backups;
//! - [`backup`], [`restore`], [`verify`]: the three jobs, each with its
//!   pre-flight; a recorded backup, a guarded restore and a swap;
//! - [`cluster`]: whole servers — the globals through pg_dumpall, and every
//!   database of a server backed up and restored as one backup;
//! - [`notify`]: notifications beyond the desktop (webhooks, e-mail);
//! - [`schedule`]: triggers, and the runner that fires them.

pub mod backup;
pub mod catalog;
pub mod cluster;
pub mod crypt;
pub mod error;
pub mod explain;
pub mod jobs;
pub mod notify;
pub mod options;
pub mod paths;
pub mod pattern;
pub mod platform;
pub mod restore;
pub mod schedule;
pub mod secret;
pub mod server;
pub mod storage;
pub mod verify;

pub use backup::{prepare_backup, BackupPlan, PreparedBackup};
pub use error::{EngineError, ErrorPayload};
pub use jobs::progress::{BackupProgress, Phase};
pub use jobs::{CancelHandle, JobEvent, JobOutcome, JobStatus, JobType};
pub use options::{BackupFormat, BackupOptions, BackupPreset, CompressionMethod, RestoreOptions};
pub use restore::{prepare_restore, PreparedRestore, RestorePreflight};
pub use server::connection::{ConnectionSpec, Secret};
pub use server::objects::{list_objects, test_connection, DbObjects, SchemaObjects, TableObject};
pub use server::tools::{PgVersion, ToolInfo, ToolSearch};
pub use tusk_archive::{
    read_info as get_backup_info, BackupContents, BackupInfo, Compression, DataLocation,
    FindingKind, ScriptFinding, ScriptFindings, Section, TableRef, TocEntry,
};
