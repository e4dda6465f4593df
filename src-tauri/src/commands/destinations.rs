//! Destinations: S3-compatible buckets to back up to, their test, what is in
//! them, and the passphrase backups are encrypted with.

use crate::destinations::{DestinationsView, SaveDestination};
use crate::error::AppResult;
use crate::events;
use crate::state::AppState;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::catalog::ImportReport;
use tusk_engine::storage::{RemoteBackup, TestStep};

#[tauri::command]
pub fn list_destinations(state: State<'_, AppState>) -> DestinationsView {
    state.destinations.view()
}

#[tauri::command]
pub fn save_destination(
    state: State<'_, AppState>,
    input: SaveDestination,
) -> AppResult<DestinationsView> {
    state.destinations.save(input)
}

#[tauri::command]
pub fn remove_destination(state: State<'_, AppState>, name: String) -> AppResult<DestinationsView> {
    state.destinations.remove(&name)
}

/// Writes, reads back and deletes a probe object with the form's values.
#[tauri::command]
pub async fn test_destination(
    state: State<'_, AppState>,
    input: SaveDestination,
) -> AppResult<Vec<TestStep>> {
    state.destinations.test(input).await
}

/// Saves the passphrase backups are encrypted with; `None` forgets it.
#[tauri::command]
pub fn set_encryption_passphrase(
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> AppResult<DestinationsView> {
    state.destinations.set_passphrase(passphrase)
}

/// Saves the private key (age identity) that decrypts backups encrypted
/// to its public key; `None` forgets it.
#[tauri::command]
pub fn set_encryption_identity(
    state: State<'_, AppState>,
    identity: Option<String>,
) -> AppResult<DestinationsView> {
    state.destinations.set_identity(identity)
}

/// What a bucket holds, by its manifests: every machine's backups.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BucketListing {
    pub backups: Vec<RemoteBackup>,
    /// Manifests that could not be read, with why.
    pub unreadable: Vec<String>,
}

#[tauri::command]
pub async fn bucket_backups(state: State<'_, AppState>, name: String) -> AppResult<BucketListing> {
    let bucket = state.destinations.bucket(&name)?;
    let (backups, unreadable) = bucket
        .backups()
        .await
        .map_err(tusk_engine::EngineError::from)?;
    Ok(BucketListing {
        backups,
        unreadable: unreadable
            .into_iter()
            .map(|(key, why)| format!("{}: {why}", bucket.location(&key)))
            .collect(),
    })
}

/// Adds a bucket's backups (other machines' too) to this history.
#[tauri::command]
pub async fn import_from_destination<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> AppResult<ImportReport> {
    let bucket = state.destinations.bucket(&name)?;
    let report = bucket.import_into(&state.catalog).await?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(report)
}

/// Copies a local backup of the history to a destination (the local file
/// stays) and records the copy.
#[tauri::command]
pub async fn copy_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    backup_id: String,
    destination: String,
) -> AppResult<tusk_engine::catalog::BackupRecord> {
    let bucket = state.destinations.bucket(&destination)?;
    let record = tusk_engine::backup::remote::copy_to_bucket(
        &state.catalog,
        &backup_id,
        &bucket,
        &tusk_engine::CancelHandle::new(),
    )
    .await?;
    let _ = app.emit(events::HISTORY_CHANGED, ());
    Ok(record)
}
