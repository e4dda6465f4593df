//! Help / About: the version, where the log is, and what this build of the
//! platform layer gives up.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime, State};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    /// The folder of the app's log files (one a day, the last seven kept).
    pub log_folder: PathBuf,
    /// The data folder: the history, schedules and logs.
    pub data_folder: PathBuf,
    /// The std-only platform layer (no parent-death signal, no `/proc`):
    /// what a build for macOS or Windows runs.
    pub portable_platform: bool,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        log_folder: crate::logging::log_folder(&state.data_dir),
        data_folder: state.data_dir.clone(),
        portable_platform: tusk_engine::platform::FALLBACK,
    }
}

/// Opens the log folder in the file manager.
#[tauri::command]
pub fn open_log_folder<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AppResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let folder = crate::logging::log_folder(&state.data_dir);
    app.opener()
        .open_path(folder.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::Io(format!("the file manager could not be opened: {e}")))
}
