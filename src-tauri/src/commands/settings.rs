//! The app's settings, and the retention of manual and safety backups.

use crate::commands::schedules::PrunePreview;
use crate::error::{AppError, AppResult};
use crate::settings::{self, AppSettings};
use crate::state::AppState;
use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tusk_engine::schedule::housekeeping::{self, OwnDecisions, OwnKind, OwnRetention};

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> AppSettings {
    settings::load(&state.catalog)
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> AppResult<AppSettings> {
    settings::save(&state.catalog, &settings)?;
    Ok(settings)
}

/// One database's backups of one kind and what the rule does with each.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RetentionGroup {
    pub kind: OwnKind,
    pub database: String,
    pub connection: String,
    pub items: Vec<PrunePreview>,
}

fn with_records(state: &AppState, plan: Vec<OwnDecisions>) -> AppResult<Vec<RetentionGroup>> {
    plan.into_iter()
        .map(|g| {
            let items = g
                .decisions
                .into_iter()
                .map(|decision| {
                    Ok(PrunePreview {
                        backup: state.catalog.require_backup(&decision.id)?,
                        decision,
                    })
                })
                .collect::<AppResult<Vec<_>>>()?;
            Ok(RetentionGroup {
                kind: g.kind,
                database: g.database,
                connection: g.connection,
                items,
            })
        })
        .collect()
}

/// The rules for manual and safety backups.
#[tauri::command]
pub fn get_retention(state: State<'_, AppState>) -> OwnRetention {
    housekeeping::load(&state.catalog)
}

/// What these rules would delete now, without saving them.
#[tauri::command]
pub fn preview_retention(
    state: State<'_, AppState>,
    rules: OwnRetention,
) -> AppResult<Vec<RetentionGroup>> {
    rules.validate().map_err(AppError::Invalid)?;
    let plan =
        housekeeping::plan_own(&state.catalog, &rules, Utc::now()).map_err(AppError::Invalid)?;
    with_records(&state, plan)
}

/// Saves the rules and applies them: returns what was deleted.
#[tauri::command]
pub async fn save_retention<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    rules: OwnRetention,
) -> AppResult<Vec<RetentionGroup>> {
    housekeeping::save(&state.catalog, &rules).map_err(AppError::Invalid)?;
    let now = Utc::now();
    let plan = housekeeping::plan_own(&state.catalog, &rules, now).map_err(AppError::Invalid)?;
    let deleted: Vec<RetentionGroup> = with_records(&state, plan)?
        .into_iter()
        .map(|mut g| {
            g.items.retain(|i| !i.decision.keep);
            g
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    housekeeping::prune_own(&state.catalog, &state.destinations, now)
        .await
        .map_err(AppError::Invalid)?;
    let _ = app.emit(crate::events::HISTORY_CHANGED, ());
    Ok(deleted)
}

/// After a manual backup or a restore that took a safety backup: the saved
/// rules applied in the background, the history refreshed when they deleted.
pub fn apply_retention<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match housekeeping::prune_own(&state.catalog, &state.destinations, Utc::now()).await {
            Ok(plan) => {
                let deleted = plan.iter().flat_map(|g| g.deleting()).count();
                if deleted > 0 {
                    tracing::info!(deleted, "retention deleted old manual or safety backups");
                    let _ = app.emit(crate::events::HISTORY_CHANGED, ());
                }
            }
            Err(why) => tracing::warn!(%why, "retention of manual and safety backups failed"),
        }
    });
}
