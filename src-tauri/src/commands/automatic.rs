//! Automatic backups of a connection (seed 002 §3): asked once per new
//! connection, turned on or off, and what the connection's panel shows
//! ("next automatic backup in …").

use crate::error::AppResult;
use crate::events;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::catalog::{Schedule, Source};
use tusk_engine::schedule::automatic;

/// Connections the question was asked for (answered or dismissed).
const OFFERED: &str = "automaticOffered";

/// A connection's automatic backups.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AutomaticBackups {
    /// The schedule they run as (disabled when turned off).
    pub schedule: Option<Schedule>,
    pub enabled: bool,
    /// "Back this database up automatically?" was asked already.
    pub offered: bool,
    pub last_good_backup: Option<DateTime<Utc>>,
    pub next_run: Option<DateTime<Utc>>,
}

fn offered(state: &AppState) -> Vec<String> {
    state
        .catalog
        .setting::<Vec<String>>(OFFERED)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn mark_offered(state: &AppState, connection_id: &str) -> AppResult<()> {
    let mut ids = offered(state);
    if !ids.iter().any(|id| id == connection_id) {
        ids.push(connection_id.to_string());
        state.catalog.set_setting(OFFERED, &ids)?;
    }
    Ok(())
}

fn source_of(state: &AppState, connection_id: &str) -> AppResult<(Source, Option<String>)> {
    let conn = state.profiles.connection(connection_id)?;
    let profile = state.profiles.get(connection_id)?;
    Ok((
        Source::of(&conn, Some(&profile.id), Some(&profile.name)),
        conn.sslmode.clone(),
    ))
}

fn view(state: &AppState, connection_id: &str) -> AppResult<AutomaticBackups> {
    let schedule = automatic::find(&state.catalog, connection_id)?;
    let (source, _) = source_of(state, connection_id)?;
    let now = Utc::now();
    Ok(AutomaticBackups {
        enabled: schedule.as_ref().is_some_and(|s| s.enabled),
        next_run: schedule
            .as_ref()
            .and_then(|s| automatic::next_automatic_run(s, now)),
        offered: offered(state).iter().any(|id| id == connection_id),
        last_good_backup: automatic::last_good_backup(&state.catalog, &source)?,
        schedule,
    })
}

#[tauri::command]
pub fn automatic_backups(
    state: State<'_, AppState>,
    connection_id: String,
) -> AppResult<AutomaticBackups> {
    view(&state, &connection_id)
}

/// Turns them on (the first backup now when the last good one is over a
/// day old, else 4 hours after it) or off (the schedule is kept, disabled,
/// with its history).
#[tauri::command]
pub fn set_automatic_backups<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    connection_id: String,
    enabled: bool,
) -> AppResult<AutomaticBackups> {
    mark_offered(&state, &connection_id)?;
    let now = Utc::now();
    let (source, sslmode) = source_of(&state, &connection_id)?;
    let mut s = match automatic::find(&state.catalog, &connection_id)? {
        Some(s) => s,
        None if !enabled => return view(&state, &connection_id),
        None => automatic::automatic_schedule(source.clone(), sslmode, now),
    };
    s.enabled = enabled;
    s.next_run_at = enabled.then(|| {
        match automatic::last_good_backup(&state.catalog, &source)
            .ok()
            .flatten()
        {
            Some(last) if now - last <= automatic::STALE_AFTER => {
                (last + automatic::EVERY).max(now)
            }
            _ => now,
        }
    });
    state.catalog.save_schedule(&s)?;
    state.scheduler_wake.notify_one();
    let _ = app.emit(events::SCHEDULES_CHANGED, ());
    view(&state, &connection_id)
}

/// "Not now": the question is not asked again for this connection.
#[tauri::command]
pub fn dismiss_automatic_offer(
    state: State<'_, AppState>,
    connection_id: String,
) -> AppResult<AutomaticBackups> {
    mark_offered(&state, &connection_id)?;
    view(&state, &connection_id)
}
