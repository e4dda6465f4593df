use crate::error::{AppError, AppResult};
use std::path::PathBuf;
use tusk_engine::BackupInfo;

/// What a backup holds, read from its content.
#[tauri::command]
pub async fn get_backup_info(path: PathBuf) -> AppResult<BackupInfo> {
    tauri::async_runtime::spawn_blocking(move || tusk_engine::get_backup_info(&path))
        .await
        .map_err(|e| AppError::Invalid(format!("reading the backup stopped unexpectedly: {e}")))?
        .map_err(|e| AppError::Engine(e.into()))
}
