use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Archive format, as pg_dump names it (`-F c|d|t|p`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum BackupFormat {
    Custom,
    Plain,
    Directory,
    Tar,
}

impl BackupFormat {
    pub fn as_str(&self) -> &'static str {
        match self {
            BackupFormat::Custom => "Custom (.backup)",
            BackupFormat::Plain => "Plain SQL (.sql)",
            BackupFormat::Directory => "Directory",
            BackupFormat::Tar => "Tar Archive (.tar)",
        }
    }

    pub fn description(&self) -> &'static str {
        match self {
            BackupFormat::Custom => "Recommended. Compressed, selective restore.",
            BackupFormat::Plain => "Human-readable SQL script.",
            BackupFormat::Directory => "Parallel dump support.",
            BackupFormat::Tar => "Portable archive format.",
        }
    }

    pub fn pg_dump_flag(&self) -> &'static str {
        match self {
            BackupFormat::Custom => "c",
            BackupFormat::Plain => "p",
            BackupFormat::Directory => "d",
            BackupFormat::Tar => "t",
        }
    }

    pub fn default_extension(&self) -> &'static str {
        match self {
            BackupFormat::Custom => "backup",
            BackupFormat::Plain => "sql",
            BackupFormat::Directory => "",
            BackupFormat::Tar => "tar",
        }
    }

    pub fn all() -> &'static [BackupFormat] {
        &[
            BackupFormat::Custom,
            BackupFormat::Plain,
            BackupFormat::Directory,
            BackupFormat::Tar,
        ]
    }
}

/// How the archive's data is compressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Compression {
    /// "none", "gzip", "lz4" or "zstd".
    pub algorithm: String,
    /// gzip level when the archive records it (custom/directory/tar before archive 1.15).
    pub level: Option<i32>,
}

/// Everything `get_backup_info` reports about a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub path: PathBuf,
    pub format: BackupFormat,
    /// Total bytes on disk (a directory archive's files summed).
    pub size_bytes: u64,
    /// When pg_dump started. `None` only for a plain script that does not say.
    pub created: Option<DateTime<Utc>>,
    /// Source database name. `None` only for a plain script made without `--create`.
    pub database: Option<String>,
    pub server_version: String,
    pub pg_dump_version: String,
    /// Archive format version ("1.14"); `None` for plain SQL.
    pub archive_version: Option<String>,
    pub compression: Compression,
    /// A plain SQL script stored gzip-compressed (`pg_dump -Fp -Z n`).
    pub gzipped_plain: bool,
    /// A custom archive stored inside one zstd stream (the fast preset:
    /// `pg_dump -Fc -Z0 | zstd`). Stock pg_restore reads it after `zstd -d`;
    /// data positions are those of the decompressed archive.
    pub zstd: bool,
    /// A plain SQL script: what it would make psql do besides running SQL
    /// in the chosen database (backslash commands, database switches, …).
    /// Empty for archives, which pg_restore runs without psql.
    #[serde(default)]
    pub script: crate::ScriptFindings,
    pub contents: BackupContents,
    /// Every table-of-contents entry, in archive order.
    pub entries: Vec<TocEntry>,
}

/// Counts of what the archive holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupContents {
    pub schemas: Vec<String>,
    pub tables: Vec<TableRef>,
    pub functions: i64,
    pub views: i64,
    pub sequences: i64,
    pub indexes: i64,
    pub triggers: i64,
    pub constraints: i64,
    pub has_blobs: bool,
    /// Number of large objects (0 when `has_blobs` is false).
    pub blob_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableRef {
    pub schema: String,
    pub name: String,
    /// Bytes of this table's data in the archive (compressed as stored), when known.
    #[serde(default)]
    pub data_bytes: Option<u64>,
}

/// One entry of the archive's table of contents (`pg_restore -l` shows one per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TocEntry {
    /// Dump id: the number `pg_restore -l` prints first and `-L` list files use.
    pub id: i32,
    /// pg_dump's description: "TABLE", "TABLE DATA", "INDEX", "FK CONSTRAINT", "BLOBS", …
    pub kind: String,
    pub schema: Option<String>,
    /// The tag: object name ("t", "t t_pkey", …).
    pub name: String,
    pub owner: Option<String>,
    pub section: Section,
    /// Dump ids this entry depends on.
    pub dependencies: Vec<i32>,
    /// Where this entry's data lives, for entries that carry data (TABLE DATA, BLOBS, …).
    pub data: Option<DataLocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Section {
    None,
    PreData,
    Data,
    PostData,
}

/// Where an entry's data is stored, so restore progress can map a read position
/// to an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DataLocation {
    /// Custom format: byte range `[start, end)` inside the archive file.
    Range { start: u64, end: u64 },
    /// Directory format: a file inside the archive folder, with its size.
    File { name: String, size: u64 },
}

impl DataLocation {
    pub fn len(&self) -> u64 {
        match self {
            DataLocation::Range { start, end } => end.saturating_sub(*start),
            DataLocation::File { size, .. } => *size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
