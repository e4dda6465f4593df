//! Tusk's engine: PostgreSQL backups and restores as jobs, with no UI
//! dependency. The desktop app and the CLI are thin layers over it.

pub mod backup;
pub mod catalog;
pub mod command;
pub mod connection;
pub mod error;
pub mod explain;
pub mod history;
pub mod job;
pub mod localdb;
pub mod options;
pub mod output;
pub mod paths;
pub mod pattern;
pub mod progress;
pub mod restore;
pub mod retention;
pub mod schedule;
pub mod scheduler;
pub mod secrets;
pub mod server;
pub mod sidecar;
pub mod tools;
pub mod verify;

pub use backup::{prepare_backup, BackupPlan, PreparedBackup};
pub use connection::{ConnectionSpec, Secret};
pub use error::{EngineError, ErrorPayload};
pub use job::{CancelHandle, JobEvent, JobOutcome, JobStatus, JobType};
pub use options::{BackupFormat, BackupOptions, BackupPreset, CompressionMethod, RestoreOptions};
pub use progress::{BackupProgress, Phase};
pub use restore::{prepare_restore, PreparedRestore, RestorePreflight};
pub use tools::{PgVersion, ToolInfo, ToolSearch};
pub use tusk_archive::{
    read_info as get_backup_info, BackupContents, BackupInfo, Compression, DataLocation,
    FindingKind, ScriptFinding, ScriptFindings, Section, TableRef, TocEntry,
};

/// Connects and reports the server's version.
pub async fn test_connection(
    conn: &ConnectionSpec,
    search: &ToolSearch,
) -> Result<server::ServerInfo, EngineError> {
    conn.validate()?;
    let found = tools::discover(search);
    let psql = tools::pick(&found, "psql", None, search)?.tool.path;
    let env = conn.tool_env("tusk-test-connection")?;
    server::Server::new(&psql, conn, &env).info().await
}

/// The live object tree of a database, for choosing what to back up.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DbObjects {
    pub database: String,
    pub server_version: String,
    pub schemas: Vec<SchemaObjects>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SchemaObjects {
    pub name: String,
    pub tables: Vec<TableObject>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableObject {
    pub name: String,
    pub rows_estimate: u64,
    pub bytes: u64,
}

/// Schemas (system ones left out) and their tables with sizes.
pub async fn list_objects(
    conn: &ConnectionSpec,
    search: &ToolSearch,
) -> Result<DbObjects, EngineError> {
    conn.validate()?;
    let found = tools::discover(search);
    let psql = tools::pick(&found, "psql", None, search)?.tool.path;
    let env = conn.tool_env("tusk-objects")?;
    let server = server::Server::new(&psql, conn, &env);
    let info = server.info().await?;
    let mut names: Vec<String> = server
        .schemas()
        .await?
        .into_iter()
        .filter(|s| s != "information_schema" && !s.starts_with("pg_"))
        .collect();
    names.sort();
    let stats = server.table_stats().await?;
    let schemas = names
        .into_iter()
        .map(|name| SchemaObjects {
            tables: stats
                .iter()
                .filter(|t| t.schema == name)
                .map(|t| TableObject {
                    name: t.name.clone(),
                    rows_estimate: t.rows_estimate,
                    bytes: t.bytes,
                })
                .collect(),
            name,
        })
        .collect();
    Ok(DbObjects {
        database: info.database,
        server_version: info.version.to_string(),
        schemas,
    })
}
