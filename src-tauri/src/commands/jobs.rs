//! Backups and restores as jobs: started, followed through events, cancelled.
//! Backups are recorded in the history; restores check the checksum and take
//! a safety backup of their target first.

use crate::commands::history::start_verify;
use crate::error::{AppError, AppResult};
use crate::events;
use crate::profiles::ConnectionProfile;
use crate::state::{AppState, JobSummary};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tusk_engine::catalog::{BackupReason, Source};
use tusk_engine::history::{
    prepare_guarded_restore, run_recorded_backup, RecordMeta, RestoreSafety,
};
use tusk_engine::{
    prepare_backup, BackupOptions, BackupPlan, CancelHandle, JobEvent, JobOutcome, JobStatus,
    JobType, RestoreOptions, RestorePreflight,
};

/// The answer to `create_backup` / `restore_backup`: the job runs on, its
/// events follow.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobStarted {
    pub job_id: String,
    pub job_type: JobType,
    pub command: String,
}

/// What the restore dialog shows before the user confirms.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestorePlan {
    pub preflight: RestorePreflight,
    pub safety: RestoreSafety,
}

/// How the history names the database of a profile.
pub fn source_of(profile: &ConnectionProfile, database: String) -> Source {
    Source {
        connection_id: Some(profile.id.clone()),
        connection_name: Some(profile.name.clone()),
        host: profile.host.clone(),
        port: profile.port,
        user: profile.user.clone(),
        database,
    }
}

/// Optional notes for the history, beside the backup options.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct BackupNotes {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[tauri::command]
pub async fn create_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    options: BackupOptions,
    notes: Option<BackupNotes>,
) -> AppResult<JobStarted> {
    let label = format!("Backup to {}", options.output_path.display());
    let cancel = state.reserve_job(&job_id, JobType::Backup, label)?;
    let prepared = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        let profile = state.profiles.get(&options.connection_id)?;
        let prepared = prepare_backup(&job_id, &conn, &options, &state.tools).await?;
        Ok::<_, AppError>((prepared, source_of(&profile, conn.effective_database())))
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let (prepared, source) = prepared;
    let command = prepared.command_display();
    let catalog = state.catalog.clone();
    let notes = notes.unwrap_or_default();
    let meta = RecordMeta {
        name: notes.name,
        description: notes.description,
        source,
        reason: BackupReason::Manual,
        schedule_id: None,
    };
    let after = app.clone();
    let connection_id = options.connection_id.clone();
    spawn(
        app,
        JobType::Backup,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let outcome = run_recorded_backup(&catalog, prepared, meta, &cancel, &*sink).await;
            let _ = after.emit(events::HISTORY_CHANGED, ());
            verify_after(&after, &outcome, &connection_id);
            outcome
        },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Backup,
        command,
    })
}

/// With "verify after backup" on, a completed backup is test-restored at once.
fn verify_after<R: Runtime>(app: &AppHandle<R>, outcome: &JobOutcome, connection_id: &str) {
    let state = app.state::<AppState>();
    let wanted = crate::settings::load(&state.catalog).verify_after_backup;
    if !wanted
        || !matches!(
            outcome.status,
            JobStatus::Completed | JobStatus::CompletedWithWarnings
        )
    {
        return;
    }
    if let Some(id) = &outcome.backup_id {
        let _ = start_verify(
            app.clone(),
            &state,
            format!("verify-{id}"),
            id.clone(),
            Some(connection_id.to_string()),
        );
    }
}

#[tauri::command]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    options: RestoreOptions,
) -> AppResult<JobStarted> {
    let label = format!("Restore of {}", options.input_path.display());
    let cancel = state.reserve_job(&job_id, JobType::Restore, label)?;
    let guarded = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        Ok::<_, AppError>(
            prepare_guarded_restore(&job_id, &conn, &options, &state.tools, Some(&state.catalog))
                .await?,
        )
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let command = guarded.command_display();
    let catalog = state.catalog.clone();
    let after = app.clone();
    spawn(
        app,
        JobType::Restore,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let outcome = guarded.run(Some(&catalog), &cancel, &*sink).await;
            if outcome.backup_id.is_some() {
                let _ = after.emit(events::HISTORY_CHANGED, ());
            }
            outcome
        },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Restore,
        command,
    })
}

pub type Sink = Box<dyn Fn(JobEvent) + Send + Sync>;

/// Runs a job in the background, forwarding its events.
pub fn spawn<R, F, Fut>(
    app: AppHandle<R>,
    job_type: JobType,
    id: String,
    cancel: CancelHandle,
    job: F,
) -> tauri::async_runtime::JoinHandle<JobOutcome>
where
    R: Runtime,
    F: FnOnce(CancelHandle, Sink) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = JobOutcome> + Send + 'static,
{
    let _ = app.emit(events::JOBS_CHANGED, ());
    let sink_app = app.clone();
    let sink: Sink = Box::new(move |event| events::forward(&sink_app, job_type, &id, event));
    tauri::async_runtime::spawn(job(cancel, sink))
}

/// Stops a running job; `false` when it had already ended.
#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) -> AppResult<bool> {
    let job = state
        .jobs
        .get(&job_id)
        .ok_or_else(|| AppError::UnknownJob(job_id.clone()))?;
    if job.status.is_terminal() {
        return Ok(false);
    }
    job.cancel.cancel();
    Ok(true)
}

#[tauri::command]
pub fn list_jobs(state: State<'_, AppState>) -> Vec<JobSummary> {
    state.summaries()
}

/// Checks backup options against the server and shows the exact command,
/// without running anything.
#[tauri::command]
pub async fn preview_backup(
    state: State<'_, AppState>,
    options: BackupOptions,
) -> AppResult<BackupPlan> {
    let conn = state.profiles.connection(&options.connection_id)?;
    let prepared = prepare_backup("preview", &conn, &options, &state.tools).await?;
    Ok(prepared.plan())
}

/// The restore's pre-flight: versions, target, what clean drops, warnings,
/// and what happens around pg_restore (checksum, safety backup, swap).
#[tauri::command]
pub async fn preflight_restore(
    state: State<'_, AppState>,
    options: RestoreOptions,
) -> AppResult<RestorePlan> {
    let conn = state.profiles.connection(&options.connection_id)?;
    let guarded = prepare_guarded_restore(
        "preflight",
        &conn,
        &options,
        &state.tools,
        Some(&state.catalog),
    )
    .await?;
    Ok(RestorePlan {
        safety: guarded.safety.clone(),
        preflight: guarded.restore.preflight.clone(),
    })
}
