//! What a user asks for: the options of a backup or a restore, their defaults
//! (those of the design seed), the measured "fast" preset, and the checks that
//! refuse contradictory or invalid combinations before anything runs.

use crate::error::EngineError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
pub use tusk_archive::BackupFormat;

/// pg_dump's `--section`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DumpSection {
    PreData,
    Data,
    PostData,
}

impl DumpSection {
    pub fn as_arg(&self) -> &'static str {
        match self {
            DumpSection::PreData => "pre-data",
            DumpSection::Data => "data",
            DumpSection::PostData => "post-data",
        }
    }
}

/// How table data is written: COPY (fast, the default) or INSERT statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum InsertMode {
    #[default]
    Copy,
    Inserts,
    ColumnInserts,
}

/// What compresses the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CompressionMethod {
    /// pg_dump's own gzip (`-Z level`), levels 0–9.
    #[default]
    Gzip,
    /// Custom format only: pg_dump writes the archive uncompressed (`-Z0`)
    /// and Tusk compresses it with zstd as it arrives, levels 1–19 — much
    /// faster than gzip at a similar size. Tusk restores it directly; stock
    /// pg_restore after `zstd -d`.
    Zstd,
    /// pg_dump's own zstd (`--compress=zstd:N`, PostgreSQL 16+, a pg_dump
    /// built with zstd), custom and directory formats, levels 1–19: stock
    /// pg_restore 16+ reads it as it is.
    PgZstd,
    /// pg_dump's own lz4 (`--compress=lz4:N`, PostgreSQL 16+, built with
    /// lz4), custom and directory formats, levels 1–12.
    Lz4,
}

impl CompressionMethod {
    /// pg_dump's name for it, where pg_dump compresses.
    pub fn pg_dump_name(self) -> Option<&'static str> {
        match self {
            CompressionMethod::Gzip => Some("gzip"),
            CompressionMethod::PgZstd => Some("zstd"),
            CompressionMethod::Lz4 => Some("lz4"),
            CompressionMethod::Zstd => None,
        }
    }

    /// The levels it takes.
    pub fn levels(self) -> std::ops::RangeInclusive<u8> {
        match self {
            CompressionMethod::Gzip => 0..=9,
            CompressionMethod::Zstd | CompressionMethod::PgZstd => 1..=19,
            CompressionMethod::Lz4 => 1..=12,
        }
    }
}

/// PostgreSQL 18's planner statistics in a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StatisticsMode {
    /// pg_dump's default (none before 18; 18 leaves them out too).
    #[default]
    Default,
    /// `--statistics`: restored, the tables need no ANALYZE (18+).
    Include,
    /// `--no-statistics` (18+).
    Exclude,
    /// `--statistics-only` (18+).
    Only,
}

/// Options for creating a backup. Field names and defaults follow the design
/// seed; everything after `extra_args` is what pgAdmin users also expect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct BackupOptions {
    /// Connection profile to back up (resolved by the caller).
    pub connection_id: String,
    /// Output file, or folder for the directory format.
    pub output_path: PathBuf,
    pub format: BackupFormat,
    /// Compression level: gzip 0–9 (0 = none), zstd 1–19. Not available for tar.
    pub compression: u8,
    pub compression_method: CompressionMethod,
    pub include_schema: bool,
    pub include_data: bool,
    pub include_privileges: bool,
    pub include_ownership: bool,
    /// Schemas to back up (`None` = all). pg_dump patterns are accepted.
    pub schemas: Option<Vec<String>>,
    /// Tables to back up (`None` = all), as `schema.table` or patterns.
    pub tables: Option<Vec<String>>,
    pub exclude_tables: Vec<String>,
    /// Tables whose definition is kept but whose rows are left out.
    pub exclude_table_data: Vec<String>,
    /// Schemas left out (`-N`).
    pub exclude_schemas: Vec<String>,
    /// The table patterns above also take partitions and child tables
    /// (`--table-and-children` and friends, pg_dump 16+).
    pub include_child_tables: bool,
    /// Parallel dump jobs; used by the directory format only.
    pub jobs: u8,
    /// Seconds to wait for table locks; 0 waits forever.
    pub lock_wait_timeout: u32,
    pub no_sync: bool,
    pub encoding: Option<String>,
    /// Additional pg_dump arguments, checked by [`check_extra_args`].
    pub extra_args: Vec<String>,

    /// Only these sections (empty = all).
    pub sections: Vec<DumpSection>,
    /// Large objects: `None` = pg_dump's default, `Some(true)` =
    /// `--large-objects`, `Some(false)` = `--no-large-objects` (`--blobs` and
    /// `--no-blobs` for pg_dump before 16).
    pub blobs: Option<bool>,
    pub insert_mode: InsertMode,
    pub rows_per_insert: Option<u32>,
    pub on_conflict_do_nothing: bool,
    /// Add `CREATE DATABASE` to the dump.
    pub create: bool,
    /// Add `DROP` statements before each `CREATE`.
    pub clean: bool,
    pub if_exists: bool,
    pub no_comments: bool,
    pub no_publications: bool,
    pub no_subscriptions: bool,
    pub no_security_labels: bool,
    pub no_tablespaces: bool,
    pub no_unlogged_table_data: bool,
    pub load_via_partition_root: bool,
    /// `SET ROLE` before dumping.
    pub role: Option<String>,
    pub use_set_session_authorization: bool,
    pub quote_all_identifiers: bool,
    pub disable_dollar_quoting: bool,
    /// `--extra-float-digits` (-15 to 3).
    pub extra_float_digits: Option<i8>,
    pub enable_row_security: bool,
    /// Data-only: triggers off while the data loads.
    pub disable_triggers: bool,
    /// pg_dump 14+.
    pub no_toast_compression: bool,
    /// pg_dump 15+.
    pub no_table_access_method: bool,
    /// pg_dump 18+ (but `Default`).
    pub statistics: StatisticsMode,
    /// Row security policies left out (pg_dump 18+).
    pub no_policies: bool,
    /// Sequence values even where pg_dump would leave them out (pg_dump 18+).
    pub sequence_data: bool,
    /// Keep pg_dump's verbose log. Progress is coarser without it.
    pub verbose: bool,
    /// Replace an existing file at `output_path` (never a non-empty folder).
    pub overwrite: bool,
    /// Encrypt the backup with age (not the directory format).
    pub encryption: Encryption,
    /// The passphrase of [`Encryption::Passphrase`]: given to the job, never
    /// stored, sent or shown.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub passphrase: Option<crate::secret::Secret>,
    /// What is backed up: one database (the default), the whole server, or
    /// its roles and tablespaces only.
    pub scope: BackupScope,
    /// The whole server's and the globals' choices (with those scopes).
    pub server: ServerOptions,
}

/// What a backup takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BackupScope {
    /// One database, through pg_dump.
    #[default]
    Database,
    /// The globals (pg_dumpall) and every database of the server (or those
    /// chosen), each in the backup's format: a folder.
    Server,
    /// Roles and tablespaces only (`pg_dumpall --globals-only`): a script.
    Globals,
}

/// Which globals pg_dumpall writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum GlobalsContent {
    /// Roles, memberships, role settings and tablespaces (`--globals-only`).
    #[default]
    All,
    /// `--roles-only`.
    RolesOnly,
    /// `--tablespaces-only`.
    TablespacesOnly,
}

/// The choices of a server or globals backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ServerOptions {
    /// Globals backups only: which globals.
    pub globals: GlobalsContent,
    /// Leave the role passwords out (`--no-role-passwords`). Tusk turns it
    /// on by itself, with a warning, where the user cannot read `pg_authid`
    /// (managed services).
    pub no_role_passwords: bool,
    /// Databases to back up (names or `*` patterns; empty: every database
    /// that takes connections, templates left out).
    pub include_databases: Vec<String>,
    /// Databases left out (names or `*` patterns).
    pub exclude_databases: Vec<String>,
    /// Databases backed up at once (1–8).
    pub parallel: u8,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            globals: GlobalsContent::All,
            no_role_passwords: false,
            include_databases: Vec::new(),
            exclude_databases: Vec::new(),
            parallel: 1,
        }
    }
}

/// How a backup is encrypted at rest (with age). The secret half (the
/// passphrase, the private keys) is never part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Encryption {
    #[default]
    None,
    /// A passphrase (`age -p`): scrypt, about a second to derive the key.
    Passphrase,
    /// One or more age public keys (`age1…`): any of their private keys
    /// decrypts it (`age -r`).
    Recipients { recipients: Vec<String> },
}

impl Encryption {
    pub fn is_on(&self) -> bool {
        *self != Encryption::None
    }
}

impl Default for BackupOptions {
    fn default() -> Self {
        Self {
            connection_id: String::new(),
            output_path: PathBuf::new(),
            format: BackupFormat::Custom,
            compression: 6,
            compression_method: CompressionMethod::Gzip,
            include_schema: true,
            include_data: true,
            include_privileges: true,
            include_ownership: true,
            schemas: None,
            tables: None,
            exclude_tables: Vec::new(),
            exclude_table_data: Vec::new(),
            exclude_schemas: Vec::new(),
            include_child_tables: false,
            jobs: 4,
            lock_wait_timeout: 30,
            no_sync: false,
            encoding: None,
            extra_args: Vec::new(),
            sections: Vec::new(),
            blobs: None,
            insert_mode: InsertMode::Copy,
            rows_per_insert: None,
            on_conflict_do_nothing: false,
            create: false,
            clean: false,
            if_exists: false,
            no_comments: false,
            no_publications: false,
            no_subscriptions: false,
            no_security_labels: false,
            no_tablespaces: false,
            no_unlogged_table_data: false,
            load_via_partition_root: false,
            role: None,
            use_set_session_authorization: false,
            quote_all_identifiers: false,
            disable_dollar_quoting: false,
            extra_float_digits: None,
            enable_row_security: false,
            disable_triggers: false,
            no_toast_compression: false,
            no_table_access_method: false,
            statistics: StatisticsMode::Default,
            no_policies: false,
            sequence_data: false,
            verbose: true,
            overwrite: false,
            encryption: Encryption::None,
            passphrase: None,
            scope: BackupScope::Database,
            server: ServerOptions::default(),
        }
    }
}

/// Named starting points for backup options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BackupPreset {
    /// The seed's defaults: custom format, gzip level 6 (what pgAdmin and DBeaver run).
    Standard,
    /// Measured on a 0.5 GB database (bench/): a custom archive with zstd
    /// level 1 — over 3× faster than gzip 6 and a little smaller. With a
    /// pg_dump 16+ built with zstd, pg_dump's own zstd (bench (f): 0.78× the
    /// backup time and 0.93× the `-j 2` restore time of Tusk's, 3% larger, and
    /// stock pg_restore reads it); before, Tusk's zstd around the archive
    /// (stock tools: `zstd -d` first). See [`BackupPreset::choice_with`].
    Fast,
}

/// What a preset sets: the format and how it is compressed. The rest of the
/// options stay as the user has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PresetChoice {
    pub format: BackupFormat,
    pub compression: u8,
    pub compression_method: CompressionMethod,
}

impl BackupPreset {
    pub const ALL: [BackupPreset; 2] = [BackupPreset::Standard, BackupPreset::Fast];

    /// What the preset sets when the pg_dump is not known: Tusk's zstd for
    /// the fast preset, which every pg_dump can feed.
    pub fn choice(self) -> PresetChoice {
        self.choice_with(false)
    }

    /// What the preset sets for a pg_dump that has its own zstd
    /// (`pg_dump_zstd`: 16+ and built with it) or not.
    pub fn choice_with(self, pg_dump_zstd: bool) -> PresetChoice {
        match self {
            BackupPreset::Standard => {
                let defaults = BackupOptions::default();
                PresetChoice {
                    format: defaults.format,
                    compression: defaults.compression,
                    compression_method: defaults.compression_method,
                }
            }
            BackupPreset::Fast => PresetChoice {
                format: BackupFormat::Custom,
                compression: 1,
                compression_method: if pg_dump_zstd {
                    CompressionMethod::PgZstd
                } else {
                    CompressionMethod::Zstd
                },
            },
        }
    }

    pub fn apply(self, options: &mut BackupOptions) {
        self.apply_with(options, false)
    }

    pub fn apply_with(self, options: &mut BackupOptions, pg_dump_zstd: bool) {
        let choice = self.choice_with(pg_dump_zstd);
        options.format = choice.format;
        options.compression = choice.compression;
        options.compression_method = choice.compression_method;
    }
}

/// Options for restoring a backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct RestoreOptions {
    pub connection_id: String,
    pub input_path: PathBuf,
    /// Database to restore into (`None` = the connection's database).
    pub target_database: Option<String>,
    /// Create `target_database` first; it must not exist.
    pub create_database: bool,
    /// Create the database named in the archive, with its own properties
    /// (encoding, locale, settings: `pg_restore --create`), connected to the
    /// connection's database; it must not exist.
    pub create_from_archive: bool,
    pub schema_only: bool,
    pub data_only: bool,
    /// Only these sections (empty = all).
    pub sections: Vec<DumpSection>,
    /// Restore only these schemas (`None` = all).
    pub schemas: Option<Vec<String>>,
    /// Schemas left out (`-N`).
    pub exclude_schemas: Vec<String>,
    /// Restore only these tables, as `schema.table`, with their indexes,
    /// constraints, triggers and sequences.
    pub tables: Option<Vec<String>>,
    /// Drop objects before recreating them.
    pub clean: bool,
    /// With `clean`: `DROP … IF EXISTS`.
    pub if_exists: bool,
    pub no_owner: bool,
    pub no_privileges: bool,
    pub exit_on_error: bool,
    /// All or nothing (`--single-transaction`; psql `-1`). Left out of a
    /// request (`None`): on for one job, off for parallel jobs (pg_restore
    /// cannot run them inside one transaction) and for a restore that creates
    /// the archive's database; the plan then says so.
    #[serde(default)]
    pub single_transaction: Option<bool>,
    /// Parallel restore jobs (custom and directory archives).
    pub jobs: u8,
    pub disable_triggers: bool,
    pub no_tablespaces: bool,
    pub no_comments: bool,
    pub no_publications: bool,
    pub no_subscriptions: bool,
    pub no_security_labels: bool,
    /// pg_restore 15+.
    pub no_table_access_method: bool,
    /// pg_restore 18+.
    pub no_policies: bool,
    /// Planner statistics in the archive left out (pg_restore 18+; done by
    /// itself for a server older than 18, which cannot load them).
    pub no_statistics: bool,
    /// A table that fails to be created gets no data (instead of loading
    /// into a table of that name that already exists).
    pub no_data_for_failed_tables: bool,
    pub use_set_session_authorization: bool,
    pub enable_row_security: bool,
    pub extra_args: Vec<String>,

    /// Exactly these table-of-contents entries (dump ids from `info`).
    pub toc_entries: Option<Vec<i32>>,
    /// `SET ROLE` before restoring.
    pub role: Option<String>,
    pub verbose: bool,

    /// Back up the target first when the restore drops objects or goes into
    /// a database that is not empty.
    pub safety_backup: bool,
    /// Restore even though the file's SHA-256 no longer matches the catalog.
    pub ignore_checksum: bool,
    /// Restore into a new database, then swap it in for the target by
    /// renaming (the old one is kept under a dated name): all or nothing.
    pub swap: bool,
    /// Run a plain SQL script even though it holds psql commands pg_dump
    /// never writes (`\!`, `\copy`, `\o`, `COPY … PROGRAM`, …): only for a
    /// script the user wrote or trusts.
    pub allow_script_commands: bool,
}

impl RestoreOptions {
    /// Whether the restore runs in one transaction: as asked, or as
    /// [`RestoreOptions::single_transaction`] says when not asked.
    pub fn single_transaction(&self) -> bool {
        self.single_transaction
            .unwrap_or(self.jobs <= 1 && !self.create_from_archive)
    }
}

impl Default for RestoreOptions {
    fn default() -> Self {
        Self {
            connection_id: String::new(),
            input_path: PathBuf::new(),
            target_database: None,
            create_database: false,
            create_from_archive: false,
            schema_only: false,
            data_only: false,
            sections: Vec::new(),
            schemas: None,
            exclude_schemas: Vec::new(),
            tables: None,
            clean: false,
            if_exists: true,
            no_owner: false,
            no_privileges: false,
            exit_on_error: true,
            single_transaction: Some(true),
            // One job: pg_restore refuses parallel jobs inside a single
            // transaction, which is on by default.
            jobs: 1,
            disable_triggers: false,
            no_tablespaces: false,
            no_comments: false,
            no_publications: false,
            no_subscriptions: false,
            no_security_labels: false,
            no_table_access_method: false,
            no_policies: false,
            no_statistics: false,
            no_data_for_failed_tables: false,
            use_set_session_authorization: false,
            enable_row_security: false,
            extra_args: Vec::new(),
            toc_entries: None,
            role: None,
            verbose: true,
            safety_backup: true,
            ignore_checksum: false,
            swap: false,
            allow_script_commands: false,
        }
    }
}

const MAX_JOBS: u8 = 64;

/// The compression a format starts with, as in pgAdmin: gzip 6 for the
/// archives that compress their data; none for tar (pg_dump cannot) and
/// for plain SQL, which stays a script anyone can open and run with psql.
pub fn default_compression(format: BackupFormat) -> u8 {
    match format {
        BackupFormat::Custom | BackupFormat::Directory => 6,
        BackupFormat::Tar | BackupFormat::Plain => 0,
    }
}

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::InvalidOptions(message.into())
}

mod extra_args;
#[cfg(test)]
mod tests;
mod validate;

use extra_args::*;
pub use extra_args::{check_extra_args, Tool};
pub use validate::parse_recipients;
