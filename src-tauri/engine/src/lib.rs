//! Tusk's engine: PostgreSQL backups and restores as jobs, with no UI
//! dependency. The desktop app and the CLI are thin layers over it.

pub mod backup;
pub mod command;
pub mod connection;
pub mod error;
pub mod explain;
pub mod job;
pub mod options;
pub mod output;
pub mod pattern;
pub mod progress;
pub mod restore;
pub mod server;
pub mod tools;

pub use backup::{prepare_backup, BackupPlan, PreparedBackup};
pub use connection::{ConnectionSpec, Secret};
pub use error::{EngineError, ErrorPayload};
pub use job::{CancelHandle, JobEvent, JobOutcome, JobStatus, JobType};
pub use options::{BackupFormat, BackupOptions, BackupPreset, RestoreOptions};
pub use progress::{BackupProgress, Phase};
pub use restore::{prepare_restore, PreparedRestore, RestorePreflight};
pub use tools::{PgVersion, ToolInfo, ToolSearch};
pub use tusk_archive::{read_info as get_backup_info, BackupContents, BackupInfo, TableRef};

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
