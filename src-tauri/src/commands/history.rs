//! The history: list, verify (as a job), export, reveal, import, delete; and
//! the app's settings.

use crate::commands::jobs::{spawn, JobStarted};
use crate::error::{AppError, AppResult};
use crate::events;
use crate::settings::{self, AppSettings};
use crate::state::AppState;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::catalog::{
    BackupPage, BackupQuery, BackupRecord, ImportReport, Verification, VerifyStatus,
};
use tusk_engine::explain::{Explanation, FailureKind};
use tusk_engine::history::Deleted;
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{ConnectionSpec, JobOutcome, JobStatus, JobType};

#[tauri::command]
pub fn list_backups(state: State<'_, AppState>, query: BackupQuery) -> AppResult<BackupPage> {
    Ok(state.catalog.list_backups(&query)?)
}

/// Deletes a backup's file and sidecars (unless `keep_file`) and its record.
#[tauri::command]
pub fn delete_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    keep_file: bool,
) -> AppResult<Deleted> {
    let deleted = tusk_engine::history::delete_backup(&state.catalog, &id, keep_file)?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(deleted)
}

/// Copies a backup with its sidecars into another folder.
#[tauri::command]
pub async fn export_backup(
    state: State<'_, AppState>,
    id: String,
    folder: PathBuf,
) -> AppResult<PathBuf> {
    let record = state.catalog.require_backup(&id)?;
    if !record.file_exists {
        return Err(AppError::Invalid(format!(
            "{} is missing: there is nothing to export",
            record.path.display()
        )));
    }
    tauri::async_runtime::spawn_blocking(move || {
        tusk_engine::sidecar::copy_backup(&record, &folder)
    })
    .await
    .map_err(|e| AppError::Io(e.to_string()))?
    .map_err(|e| AppError::Io(format!("the copy failed: {e}")))
}

/// Shows the backup in the file manager.
#[tauri::command]
pub fn reveal_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let record = state.catalog.require_backup(&id)?;
    app.opener()
        .reveal_item_in_dir(&record.path)
        .map_err(|e| AppError::Io(format!("the file manager could not be opened: {e}")))
}

/// Adds the backups of a folder (with their `.tusk.json` sidecars) to the history.
#[tauri::command]
pub fn import_backups<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: PathBuf,
) -> AppResult<ImportReport> {
    let report = state.catalog.import_folder(&folder, false)?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(report)
}

/// What opening the catalog found and repaired (crashed jobs, a rebuilt file).
#[tauri::command]
pub fn catalog_report(state: State<'_, AppState>) -> tusk_engine::catalog::OpenReport {
    state.catalog_report.clone()
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> AppSettings {
    settings::load(&state.catalog)
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> AppResult<AppSettings> {
    settings::save(&state.catalog, &settings)?;
    Ok(settings)
}

/// Verifies a backup as a job (`verify:progress:<id>`, `verify:finished:<id>`):
/// checksum, archive, and a test restore on `connection_id`'s server (default:
/// the connection the backup came from).
#[tauri::command]
pub fn verify_backup_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    backup_id: String,
    connection_id: Option<String>,
) -> AppResult<JobStarted> {
    start_verify(app, &state, job_id, backup_id, connection_id)
}

/// Where a backup is test-restored: the chosen connection, else the one it came
/// from, else its recorded host and port (password from ~/.pgpass).
fn restore_server(
    state: &AppState,
    record: &BackupRecord,
    connection_id: Option<&str>,
) -> AppResult<ConnectionSpec> {
    let chosen = connection_id.or(record.source.connection_id.as_deref());
    if let Some(id) = chosen {
        if let Ok(conn) = state.profiles.connection(id) {
            return Ok(conn);
        }
        if connection_id.is_some() {
            return Err(AppError::UnknownConnection(id.into()));
        }
    }
    let s = &record.source;
    Ok(ConnectionSpec {
        host: s.host.clone(),
        port: s.port,
        database: Some(s.database.clone()),
        user: s.user.clone(),
        ..Default::default()
    })
}

pub fn start_verify<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    job_id: String,
    backup_id: String,
    connection_id: Option<String>,
) -> AppResult<JobStarted> {
    let record = state.catalog.require_backup(&backup_id)?;
    if !record.status.is_success() {
        return Err(AppError::Invalid(format!(
            "\"{}\" did not complete, so there is no backup to verify",
            record.name
        )));
    }
    let server = restore_server(state, &record, connection_id.as_deref())?;
    let cancel = state.reserve_job(&job_id, JobType::Verify, format!("Verify {}", record.name))?;
    let catalog = state.catalog.clone();
    let search = state.tools.clone();
    let id = job_id.clone();
    let after = app.clone();
    // The task runs on by itself; its events say how it ends.
    drop(spawn(
        app,
        JobType::Verify,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let started_at = chrono::Utc::now();
            let req = VerifyRequest {
                id: id.clone(),
                backup: record,
                restore_on: Some(server),
                search: &search,
            };
            let result = verify_backup(&catalog, req, &cancel, &*sink).await;
            let outcome = verify_outcome(&id, started_at, result, cancel.is_cancelled());
            sink(tusk_engine::JobEvent::Finished(Box::new(outcome.clone())));
            let _ = after.emit(events::HISTORY_CHANGED, ());
            outcome
        },
    ));
    Ok(JobStarted {
        job_id,
        job_type: JobType::Verify,
        command: String::new(),
    })
}

/// A verification as a job's one terminal state.
fn verify_outcome(
    id: &str,
    started_at: chrono::DateTime<chrono::Utc>,
    result: Result<Verification, tusk_engine::EngineError>,
    cancelled: bool,
) -> JobOutcome {
    let finished_at = chrono::Utc::now();
    let (status, error) = match &result {
        _ if cancelled => (JobStatus::Cancelled, None),
        Ok(v) if v.status == VerifyStatus::Passed => (JobStatus::Completed, None),
        Ok(v) => (
            JobStatus::Failed,
            Some(Explanation {
                kind: FailureKind::Other,
                summary: v.summary.clone(),
                hint: "The backup may not restore: make a new one, and keep this one until you know why."
                    .into(),
            }),
        ),
        Err(e) => (
            JobStatus::Failed,
            Some(Explanation {
                kind: FailureKind::Other,
                summary: e.to_string(),
                hint: "The verification could not run.".into(),
            }),
        ),
    };
    JobOutcome {
        job_id: id.into(),
        job_type: JobType::Verify,
        status,
        started_at,
        finished_at,
        duration_ms: (finished_at - started_at).num_milliseconds(),
        exit_code: None,
        output_path: None,
        size_bytes: None,
        error,
        warnings: Vec::new(),
        errors: Vec::new(),
        last_lines: result
            .iter()
            .flat_map(|v| v.checks.iter())
            .map(|c| format!("{} {}: {}", if c.ok { "✓" } else { "✗" }, c.name, c.detail))
            .collect(),
        command: String::new(),
        progress: tusk_engine::BackupProgress {
            percent: 100.0,
            phase: tusk_engine::Phase::Finishing,
            ..Default::default()
        },
        backup_id: None,
        sha256: None,
        safety_backup: None,
    }
}
