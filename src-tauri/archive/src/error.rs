use std::path::PathBuf;

/// Why a path is not a readable backup. Each message says what was found and
/// what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    #[error("{0} is empty (0 bytes): it is not a backup; the dump that wrote it probably failed")]
    Empty(PathBuf),
    #[error("{path} is not a PostgreSQL backup: {found}. Expected a custom archive (starts with PGDMP), a tar or directory archive (with toc.dat), or a plain SQL script")]
    NotABackup { path: PathBuf, found: String },
    #[error("{path} is truncated or damaged: {detail}. Restore from another copy of the backup")]
    Truncated { path: PathBuf, detail: String },
    #[error("{path} is incomplete: {detail}. pg_dump did not finish writing it, so it cannot be restored reliably; make a new backup")]
    Incomplete { path: PathBuf, detail: String },
    #[error("{path} uses archive format {version}, newer than this version of Tusk understands; pg_restore {min_pg} or newer is needed to read it")]
    UnsupportedVersion {
        path: PathBuf,
        version: String,
        min_pg: String,
    },
    #[error("{path} uses archive format {version}, written by PostgreSQL 8.4 or older, which Tusk cannot read; restore it with pg_restore directly")]
    TooOld { path: PathBuf, version: String },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
