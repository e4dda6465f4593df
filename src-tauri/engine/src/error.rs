//! Every error of the engine, each message saying what happened and what the
//! user can do. Errors depend on nothing above them.

use serde::Serialize;
use std::path::PathBuf;
use tusk_archive::ArchiveError;

/// Everything that can stop a backup or restore before or while it runs. Each
/// message says what happened and what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    InvalidOptions(String),
    #[error("invalid connection: {0}")]
    InvalidConnection(String),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("{tool} was not found (looked in {searched}): install postgresql-client, or set the tools folder")]
    ToolNotFound { tool: String, searched: String },
    #[error("this server is PostgreSQL {server}; {found}; install postgresql-client-{server} (or newer), or set the tools folder to one that has it")]
    ToolTooOld { server: String, found: String },
    #[error("this backup was made by a newer pg_dump: {found}; install postgresql-client-{needed} (or newer), or add a tools folder that has it (Settings → PostgreSQL tools; CLI: --pg-bin)")]
    ArchiveTooNew { needed: String, found: String },
    #[error("{summary}")]
    Connection {
        summary: String,
        hint: String,
        detail: String,
    },
    #[error("{0}")]
    Preflight(String),
    #[error("a job with id `{0}` is already running: use another id")]
    JobIdInUse(String),
    #[error("could not start {tool}: {message}")]
    Spawn { tool: String, message: String },
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A bucket could not be reached, or refused.
    #[error("{message}")]
    Storage { message: String, detail: String },
}

impl EngineError {
    /// Stable machine-readable kind, for the UI and `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            EngineError::InvalidOptions(_) => "invalidOptions",
            EngineError::InvalidConnection(_) => "invalidConnection",
            EngineError::Archive(_) => "archive",
            EngineError::ToolNotFound { .. } => "toolNotFound",
            EngineError::ToolTooOld { .. } | EngineError::ArchiveTooNew { .. } => "toolTooOld",
            EngineError::Connection { .. } => "connection",
            EngineError::Preflight(_) => "preflight",
            EngineError::JobIdInUse(_) => "jobIdInUse",
            EngineError::Spawn { .. } => "spawn",
            EngineError::Io(_) => "io",
            EngineError::Catalog(e) => e.kind(),
            EngineError::Storage { .. } => "storage",
        }
    }

    /// `{kind, message, detail}` as the frontend and `--json` receive it.
    pub fn to_payload(&self) -> ErrorPayload {
        let detail = match self {
            EngineError::Connection { hint, detail, .. } => {
                Some(format!("{hint}\n\n{detail}").trim().to_string())
            }
            EngineError::Storage { detail, .. } => Some(detail.clone()).filter(|d| !d.is_empty()),
            _ => None,
        };
        ErrorPayload {
            kind: self.kind().to_string(),
            message: self.to_string(),
            detail,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    pub kind: String,
    pub message: String,
    pub detail: Option<String>,
}

/// Errors of the catalog, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalog {path} cannot be opened: {message}")]
    Open { path: PathBuf, message: String },
    #[error("the catalog could not be written: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no backup with id `{0}` in the catalog: it may have been deleted")]
    UnknownBackup(String),
    #[error("no schedule with id `{0}`: it may have been deleted")]
    UnknownSchedule(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Io(String),
    /// Someone else is at work on the same thing (a restore into the same
    /// database).
    #[error("{0}")]
    Busy(String),
}

impl CatalogError {
    /// Stable machine-readable kind, for the UI and `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            CatalogError::UnknownBackup(_) => "unknownBackup",
            CatalogError::UnknownSchedule(_) => "unknownSchedule",
            CatalogError::Invalid(_) => "invalidOptions",
            CatalogError::Busy(_) => "busy",
            CatalogError::Open { .. } | CatalogError::Sql(_) | CatalogError::Io(_) => "catalog",
        }
    }
}

pub type CatalogResult<T> = Result<T, CatalogError>;
