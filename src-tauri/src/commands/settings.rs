//! The app's settings.

use crate::error::AppResult;
use crate::settings::{self, AppSettings};
use crate::state::AppState;
use tauri::State;

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> AppSettings {
    settings::load(&state.catalog)
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> AppResult<AppSettings> {
    settings::save(&state.catalog, &settings)?;
    Ok(settings)
}
