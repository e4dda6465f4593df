//! Connection profiles, their live objects, the tools, and the demo database.

use crate::demo;
use crate::error::AppResult;
use crate::profiles::{ConnectionProfile, SaveConnection};
use crate::state::AppState;
use tauri::State;
use tusk_engine::server::ServerInfo;
use tusk_engine::{DbObjects, ToolInfo};

#[tauri::command]
pub fn list_connections(state: State<'_, AppState>) -> Vec<ConnectionProfile> {
    state.profiles.list()
}

#[tauri::command]
pub fn save_connection(
    state: State<'_, AppState>,
    profile: SaveConnection,
) -> AppResult<ConnectionProfile> {
    state.profiles.save(profile)
}

#[tauri::command]
pub fn delete_connection(state: State<'_, AppState>, id: String) -> AppResult<()> {
    state.profiles.delete(&id)
}

/// Connects and reports the server's version.
#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, id: String) -> AppResult<ServerInfo> {
    let conn = state.profiles.connection(&id)?;
    Ok(tusk_engine::test_connection(&conn, &state.tools).await?)
}

/// Schemas and tables (with row estimates and sizes) of a connection.
#[tauri::command]
pub async fn list_objects(
    state: State<'_, AppState>,
    connection_id: String,
) -> AppResult<DbObjects> {
    let conn = state.profiles.connection(&connection_id)?;
    Ok(tusk_engine::list_objects(&conn, &state.tools).await?)
}

/// The PostgreSQL tools found on this machine.
#[tauri::command]
pub async fn list_tools(state: State<'_, AppState>) -> AppResult<Vec<ToolInfo>> {
    let search = state.tools.clone();
    Ok(
        tauri::async_runtime::spawn_blocking(move || tusk_engine::server::tools::discover(&search))
            .await
            .unwrap_or_default(),
    )
}

/// Starts (creating it the first time) the local demo database.
#[tauri::command]
pub async fn start_demo_database(state: State<'_, AppState>) -> AppResult<ConnectionProfile> {
    demo::start(&state).await
}
