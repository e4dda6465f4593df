//! The history: list, verify (as a job), export, reveal, import, delete.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::JobStarted;
use crate::state::AppState;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::backup::recorded::Deleted;
use tusk_engine::catalog::{BackupPage, BackupQuery, ImportReport};

/// A backup's name and note changed: in the history and in the manifest
/// beside its file (which a rebuilt history reads).
#[tauri::command]
pub fn rename_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    name: String,
    description: Option<String>,
) -> AppResult<tusk_engine::catalog::BackupRecord> {
    let note = description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let record = state.catalog.rename_backup(&id, &name, note)?;
    if record.file_exists && !record.is_remote_only() {
        if let Err(e) = tusk_engine::catalog::sidecar::write_manifest(&record) {
            tracing::warn!(backup = %id, error = %e, "the manifest beside the backup keeps its old name");
        }
    }
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(record)
}

/// Every backup `query` matches (all pages) written to `path` as CSV or
/// JSON; returns how many.
#[tauri::command]
pub fn export_history(
    state: State<'_, AppState>,
    query: BackupQuery,
    format: tusk_engine::catalog::export::ExportFormat,
    path: PathBuf,
) -> AppResult<usize> {
    Ok(tusk_engine::catalog::export::export_history(
        &state.catalog,
        &query,
        format,
        &path,
    )?)
}

#[tauri::command]
pub fn list_backups(state: State<'_, AppState>, query: BackupQuery) -> AppResult<BackupPage> {
    Ok(state.catalog.list_backups(&query)?)
}

/// Deletes a backup's file and sidecars (unless `keep_file`) and its record.
#[tauri::command]
pub async fn delete_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    keep_file: bool,
) -> AppResult<Deleted> {
    let record = state.catalog.require_backup(&id)?;
    let deleted = match record.copies.first() {
        // Made straight into a bucket: its objects go with it.
        Some(copy) if record.is_remote_only() && !keep_file && record.status.is_success() => {
            let bucket = state.destinations.bucket(&copy.destination)?;
            tusk_engine::backup::recorded::delete_bucket_backup(&state.catalog, &id, &bucket)
                .await?
        }
        _ => tusk_engine::backup::recorded::delete_backup(&state.catalog, &id, keep_file)?,
    };
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
        tusk_engine::catalog::sidecar::copy_backup(&record, &folder)
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
    crate::verify::start_verify(app, &state, job_id, backup_id, connection_id)
}
