use crate::error::{AppError, AppResult};
use crate::state::AppState;
use std::path::PathBuf;
use tauri::State;
use tusk_engine::BackupInfo;

/// What a backup holds, read from its content (a backup in a bucket read
/// from its head, or downloaded; an encrypted one decrypted, first).
#[tauri::command]
pub async fn get_backup_info(state: State<'_, AppState>, path: PathBuf) -> AppResult<BackupInfo> {
    // A custom archive in a bucket: its table of contents, from the head of
    // the object (the restore reads the rest as it downloads).
    if let Some(streamed) = state.destinations.streamed(&path, None).await? {
        return Ok(streamed.info.clone());
    }
    let path = if state.destinations.needs_reading(&path) {
        state
            .readable
            .get(&state.destinations, &path, true)
            .await?
            .path
            .clone()
    } else {
        path
    };
    tauri::async_runtime::spawn_blocking(move || tusk_engine::get_backup_info(&path))
        .await
        .map_err(|e| AppError::Invalid(format!("reading the backup stopped unexpectedly: {e}")))?
        .map_err(|e| AppError::Engine(e.into()))
}
