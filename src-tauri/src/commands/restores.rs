//! Restores that did not complete: listed, dismissed, or their database
//! dropped.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::state::AppState;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::catalog::RestoreRecord;

/// Restores that stopped part way, leaving a database with part of a
/// backup: what the window warns about until it is dropped, restored again
/// or dismissed.
#[tauri::command]
pub fn list_incomplete_restores(state: State<'_, AppState>) -> AppResult<Vec<RestoreRecord>> {
    Ok(state.catalog.incomplete_restores()?)
}

/// Keeps the database as it is and forgets the mark.
#[tauri::command]
pub fn dismiss_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    state.catalog.dismiss_restore(&id)?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(())
}

/// Drops the database an incomplete restore left, through the connection
/// it was restored with; the name typed must be that database's.
#[tauri::command]
pub async fn drop_incomplete_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    typed_name: String,
) -> AppResult<String> {
    let record = state.catalog.get_restore(&id)?;
    if typed_name.trim() != record.database {
        return Err(AppError::Invalid(format!(
            "this drops the database \"{}\" and everything in it: type its name to confirm",
            record.database
        )));
    }
    let connection = record.connection_id.as_deref().ok_or_else(|| {
        AppError::Invalid(format!(
            "the restore into \"{}\" was not made through a saved connection: drop it with psql or tusk restores drop",
            record.database
        ))
    })?;
    let conn = state.profiles.connection(connection)?;
    let dropped =
        tusk_engine::restore::drop_incomplete_restore(&state.catalog, &id, &conn, &state.tools())
            .await?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(dropped)
}
