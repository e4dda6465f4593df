//! Schedules: list with statistics, save (validated, next run computed),
//! delete, enable, run now, the editor's previews.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::JobStarted;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::catalog::retention::PruneDecision;
use tusk_engine::catalog::{BackupRecord, Schedule, ScheduleRun, ScheduleSummary, Source, Trigger};
use tusk_engine::schedule::{describe, local_timezone, next_run, prepare};

#[tauri::command]
pub fn list_schedules(state: State<'_, AppState>) -> AppResult<Vec<ScheduleSummary>> {
    Ok(state.catalog.schedule_summaries()?)
}

#[tauri::command]
pub fn schedule_runs(
    state: State<'_, AppState>,
    schedule_id: String,
    limit: Option<u32>,
) -> AppResult<Vec<ScheduleRun>> {
    Ok(state.catalog.runs(&schedule_id, limit.unwrap_or(20))?)
}

/// Creates (empty id) or updates a schedule. The source is taken fresh from
/// its connection profile; the next run is computed from now.
#[tauri::command]
pub fn save_schedule<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    schedule: Schedule,
) -> AppResult<Schedule> {
    let mut s = schedule;
    let profile_id =
        s.source.connection_id.clone().ok_or_else(|| {
            AppError::Invalid("choose the connection this schedule backs up".into())
        })?;
    let profile = state.profiles.get(&profile_id)?;
    let mut conn = state.profiles.connection(&profile_id)?;
    if !s.source.database.trim().is_empty() {
        conn.database = Some(s.source.database.clone());
    }
    s.source = Source::of(&conn, Some(&profile.id), Some(&profile.name));
    s.sslmode = profile.sslmode.clone();
    s.options.connection_id = profile_id;
    let now = Utc::now();
    if s.id.trim().is_empty() {
        s.id = uuid::Uuid::new_v4().to_string();
        s.created_at = now;
    } else if let Some(old) = state.catalog.get_schedule(&s.id)? {
        s.created_at = old.created_at;
    }
    if s.timezone.trim().is_empty() {
        s.timezone = local_timezone();
    }
    if s.destination.as_os_str().is_empty() {
        s.destination = tusk_engine::paths::scheduled_dir(&s.name);
    }
    prepare(&s).map_err(AppError::Invalid)?;
    // Known now, not at the first run.
    if s.options.encryption == tusk_engine::options::Encryption::Passphrase
        && state.destinations.passphrase().is_none()
    {
        return Err(AppError::Invalid(
            "this schedule encrypts its backups with the saved passphrase, and none is saved: save one under Destinations → Encryption first".into(),
        ));
    }
    for name in s.copy_to.iter().chain(&s.bucket) {
        state.destinations.bucket(name)?;
    }
    s.notify_via.retain(|n| !n.trim().is_empty());
    for name in &s.notify_via {
        state.channels.get(name)?;
    }
    s.next_run_at = if s.enabled {
        Some(next_run(&s.trigger, &s.timezone, now).map_err(AppError::Invalid)?)
    } else {
        None
    };
    state.catalog.save_schedule(&s)?;
    state.scheduler_wake.notify_one();
    let _ = app.emit(events::SCHEDULES_CHANGED, ());
    Ok(s)
}

#[tauri::command]
pub fn delete_schedule<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    state.catalog.delete_schedule(&id)?;
    let _ = app.emit(events::SCHEDULES_CHANGED, ());
    Ok(())
}

#[tauri::command]
pub fn set_schedule_enabled<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> AppResult<Schedule> {
    let mut s = state.catalog.require_schedule(&id)?;
    tusk_engine::schedule::set_enabled(&mut s, enabled, Utc::now());
    state.catalog.save_schedule(&s)?;
    state.scheduler_wake.notify_one();
    let _ = app.emit(events::SCHEDULES_CHANGED, ());
    Ok(s)
}

/// Runs a schedule now, as job `job_id` (its events are a backup's).
#[tauri::command]
pub fn run_schedule_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    schedule_id: String,
) -> AppResult<JobStarted> {
    let schedule = state.catalog.require_schedule(&schedule_id)?;
    let (started, _) = crate::scheduler::run_schedule(
        app,
        &state,
        &schedule,
        job_id,
        tusk_engine::schedule::runner::RunKind::Now,
    )?;
    Ok(started)
}

/// What the editor shows under the trigger.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TriggerPreview {
    pub description: String,
    pub next_runs: Vec<DateTime<Utc>>,
    pub timezone: String,
}

#[tauri::command]
pub fn preview_trigger(trigger: Trigger, timezone: Option<String>) -> AppResult<TriggerPreview> {
    let timezone = timezone
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(local_timezone);
    let mut next_runs = Vec::new();
    let mut after = Utc::now();
    for _ in 0..3 {
        after = next_run(&trigger, &timezone, after).map_err(AppError::Invalid)?;
        next_runs.push(after);
    }
    Ok(TriggerPreview {
        description: describe(&trigger, &timezone),
        next_runs,
        timezone,
    })
}

/// One backup and what retention would do with it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PrunePreview {
    pub decision: PruneDecision,
    pub backup: BackupRecord,
}

/// What the schedule's retention would delete now (a dry run).
#[tauri::command]
pub fn preview_prune(
    state: State<'_, AppState>,
    schedule_id: String,
) -> AppResult<Vec<PrunePreview>> {
    let schedule = state.catalog.require_schedule(&schedule_id)?;
    let decisions =
        tusk_engine::schedule::runner::plan_prune(&state.catalog, &schedule, Utc::now())
            .map_err(AppError::Invalid)?;
    decisions
        .into_iter()
        .map(|decision| {
            Ok(PrunePreview {
                backup: state.catalog.require_backup(&decision.id)?,
                decision,
            })
        })
        .collect()
}

/// The machine's time zone and the ones the editor offers.
#[tauri::command]
pub fn list_timezones() -> Vec<String> {
    let mut zones: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_string())
        .collect();
    zones.sort();
    let local = local_timezone();
    zones.retain(|z| *z != local);
    zones.insert(0, local);
    zones
}
