//! Verifying a backup as a job: on the server it came from, or another.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::{spawn, JobStarted};
use crate::state::AppState;
use tauri::{AppHandle, Emitter, Runtime};
use tusk_engine::catalog::BackupRecord;
use tusk_engine::restore::remote::fetch_backup;
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{ConnectionSpec, JobType};

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
    // Made straight into a bucket: downloaded first (the checksum is one of
    // the checks); encrypted: decrypted with the saved passphrase.
    let in_bucket = match record.copies.first() {
        Some(copy) if record.is_remote_only() => Some((
            state.destinations.bucket(&copy.destination)?,
            copy.key.clone(),
        )),
        _ => None,
    };
    let decrypt = state.destinations.decrypt_key();
    let cancel = state.reserve_job(&job_id, JobType::Verify, format!("Verify {}", record.name))?;
    let catalog = state.catalog.clone();
    let search = state.tools();
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
            let mut record = record;
            let fetched = match &in_bucket {
                Some((bucket, key)) => {
                    match fetch_backup(bucket, key, false, &cancel, &|_| {}).await {
                        Ok(f) => {
                            record.path = f.path().to_path_buf();
                            Ok(Some(f))
                        }
                        Err(e) => Err(e),
                    }
                }
                None => Ok(None),
            };
            let result = match fetched {
                Ok(_kept) => {
                    let req = VerifyRequest {
                        id: id.clone(),
                        backup: record,
                        restore_on: Some(server),
                        search: &search,
                        decrypt: decrypt.as_ref(),
                    };
                    verify_backup(&catalog, req, &cancel, &*sink).await
                }
                Err(e) => Err(e),
            };
            let outcome =
                tusk_engine::verify::outcome(&id, started_at, result, cancel.is_cancelled());
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
