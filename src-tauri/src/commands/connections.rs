//! Connection profiles, their live objects, the tools, and the demo database.

use crate::demo;
use crate::error::AppResult;
use crate::events;
use crate::profiles::{ConnectionProfile, SaveConnection};
use crate::state::AppState;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::server::objects::ConnectionTools;
use tusk_engine::server::ServerInfo;
use tusk_engine::{DbObjects, EngineError, ToolInfo, ToolSearch};

#[tauri::command]
pub fn list_connections(state: State<'_, AppState>) -> Vec<ConnectionProfile> {
    state.profiles.list()
}

#[tauri::command]
pub fn save_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    profile: SaveConnection,
) -> AppResult<ConnectionProfile> {
    let saved = state.profiles.save(profile)?;
    // A window that did not save it (or was still loading) shows it too.
    let _ = app.emit(events::CONNECTIONS_CHANGED, ());
    Ok(saved)
}

#[tauri::command]
pub fn delete_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    state.profiles.delete(&id)?;
    let _ = app.emit(events::CONNECTIONS_CHANGED, ());
    Ok(())
}

/// Connects and reports the server's version.
#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, id: String) -> AppResult<ServerInfo> {
    let conn = state.profiles.connection(&id)?;
    Ok(tusk_engine::test_connection(&conn, &state.tools()).await?)
}

/// Schemas and tables (with row estimates and sizes) of a connection.
#[tauri::command]
pub async fn list_objects(
    state: State<'_, AppState>,
    connection_id: String,
) -> AppResult<DbObjects> {
    let conn = state.profiles.connection(&connection_id)?;
    Ok(tusk_engine::list_objects(&conn, &state.tools()).await?)
}

/// The PostgreSQL tools found on this machine, and where they were looked for.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ToolsView {
    pub tools: Vec<ToolInfo>,
    /// The folders the user added, searched first.
    #[cfg_attr(test, ts(type = "string[]"))]
    pub added: Vec<PathBuf>,
    /// `TUSK_PG_BIN`: the only folder searched, whatever is added.
    #[cfg_attr(test, ts(type = "string | null"))]
    pub fixed: Option<PathBuf>,
    /// Every folder searched, in order.
    pub searched: Vec<String>,
}

fn tools_view(state: &AppState) -> ToolsView {
    let search = state.tools();
    ToolsView {
        tools: tusk_engine::server::tools::discover(&search),
        added: search.extra.clone(),
        fixed: state.fixed_tools_folder(),
        searched: search
            .folders()
            .iter()
            .filter(|f| f.is_dir())
            .map(|f| f.display().to_string())
            .collect(),
    }
}

#[tauri::command]
pub async fn list_tools(state: State<'_, AppState>) -> AppResult<ToolsView> {
    Ok(tools_view(&state))
}

/// Which pg_dump, pg_restore, psql and pg_dumpall a connection's jobs
/// use, and why: the server is asked its version, as a job would.
#[tauri::command]
pub async fn connection_tools(
    state: State<'_, AppState>,
    connection_id: String,
) -> AppResult<ConnectionTools> {
    let conn = state.profiles.connection(&connection_id)?;
    Ok(tusk_engine::server::objects::connection_tools(&conn, &state.tools()).await)
}

/// Adds a folder of PostgreSQL tools (e.g. /usr/lib/postgresql/17/bin),
/// searched before the usual places by every job. It must hold at least
/// one of the tools.
#[tauri::command]
pub async fn add_tools_folder(state: State<'_, AppState>, path: PathBuf) -> AppResult<ToolsView> {
    let found = tusk_engine::server::tools::discover(&ToolSearch::folder(&path));
    if found.is_empty() {
        return Err(EngineError::InvalidOptions(format!(
            "{} holds none of pg_dump, pg_restore, psql or pg_dumpall that runs: choose the bin folder of a PostgreSQL installation",
            path.display()
        ))
        .into());
    }
    let mut settings = crate::settings::load(&state.catalog);
    if !settings.tools_folders.contains(&path) {
        settings.tools_folders.insert(0, path);
        crate::settings::save(&state.catalog, &settings)?;
    }
    Ok(tools_view(&state))
}

#[tauri::command]
pub async fn remove_tools_folder(
    state: State<'_, AppState>,
    path: PathBuf,
) -> AppResult<ToolsView> {
    let mut settings = crate::settings::load(&state.catalog);
    settings.tools_folders.retain(|f| *f != path);
    crate::settings::save(&state.catalog, &settings)?;
    Ok(tools_view(&state))
}

/// Starts (creating it the first time) the local demo database.
#[tauri::command]
pub async fn start_demo_database(state: State<'_, AppState>) -> AppResult<ConnectionProfile> {
    demo::start(&state).await
}
