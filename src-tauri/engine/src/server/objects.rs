//! What the app shows of a server before a job: its version (a connection
//! test) and the live object tree to choose what to back up.

use crate::error::EngineError;
use crate::server;
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{self, ToolSearch};

/// psql and the environment (password file, session name) for asking the
/// server of `conn` a question.
fn tools_for(
    conn: &ConnectionSpec,
    search: &ToolSearch,
    app_name: &str,
) -> Result<(std::path::PathBuf, ToolEnv), EngineError> {
    conn.validate()?;
    let psql = tools::psql(&tools::discover(search), search)?;
    Ok((psql, conn.tool_env(app_name)?))
}

/// Connects and reports the server's version.
pub async fn test_connection(
    conn: &ConnectionSpec,
    search: &ToolSearch,
) -> Result<server::ServerInfo, EngineError> {
    let (psql, env) = tools_for(conn, search, "tusk-test-connection")?;
    server::Server::new(&psql, conn, &env).info().await
}

/// The tools a connection's jobs would use, each with why (or why none).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTools {
    /// The server, when it answered.
    pub server: Option<server::ServerInfo>,
    /// Why it did not: the picks are then for an unknown version.
    pub server_error: Option<String>,
    pub picks: Vec<ToolPick>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ToolPick {
    pub name: String,
    pub choice: Option<tools::ToolChoice>,
    pub error: Option<String>,
}

/// The pg_dump a backup of `conn` would run (the server asked its version).
pub async fn pg_dump_for(
    conn: &ConnectionSpec,
    search: &ToolSearch,
) -> Result<tools::ToolChoice, EngineError> {
    let server = test_connection(conn, search).await?;
    tools::pick(
        &tools::discover(search),
        "pg_dump",
        Some(server.version),
        search,
    )
}

/// Asks the server its version and picks each tool for it, as a job would.
pub async fn connection_tools(conn: &ConnectionSpec, search: &ToolSearch) -> ConnectionTools {
    let found = tools::discover(search);
    let server = test_connection(conn, search).await;
    let version = server.as_ref().ok().map(|s| s.version);
    let picks = tools::TOOL_NAMES
        .iter()
        .map(|name| match tools::pick(&found, name, version, search) {
            Ok(choice) => ToolPick {
                name: name.to_string(),
                choice: Some(choice),
                error: None,
            },
            Err(e) => ToolPick {
                name: name.to_string(),
                choice: None,
                error: Some(e.to_string()),
            },
        })
        .collect();
    let (server, server_error) = match server {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.to_string())),
    };
    ConnectionTools {
        server,
        server_error,
        picks,
    }
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
    let (psql, env) = tools_for(conn, search, "tusk-objects")?;
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
