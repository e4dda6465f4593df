//! Backups and restores as jobs: started, followed through events, cancelled.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::state::{AppState, JobSummary};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::{
    prepare_backup, prepare_restore, BackupOptions, BackupPlan, CancelHandle, JobEvent, JobOutcome,
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

#[tauri::command]
pub async fn create_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    options: BackupOptions,
) -> AppResult<JobStarted> {
    let label = format!("Backup to {}", options.output_path.display());
    let cancel = state.reserve_job(&job_id, JobType::Backup, label)?;
    let prepared = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        Ok::<_, AppError>(prepare_backup(&job_id, &conn, &options, &state.tools).await?)
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let command = prepared.command_display();
    spawn(
        app,
        JobType::Backup,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move { prepared.run(&cancel, &sink).await },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Backup,
        command,
    })
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
    let prepared = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        Ok::<_, AppError>(prepare_restore(&job_id, &conn, &options, &state.tools).await?)
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let command = prepared.command_display();
    spawn(
        app,
        JobType::Restore,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move { prepared.run(&cancel, &sink).await },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Restore,
        command,
    })
}

/// Runs a prepared job in the background, forwarding its events.
fn spawn<R, F, Fut>(app: AppHandle<R>, job_type: JobType, id: String, cancel: CancelHandle, job: F)
where
    R: Runtime,
    F: FnOnce(CancelHandle, Box<dyn Fn(JobEvent) + Send + Sync>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = JobOutcome> + Send + 'static,
{
    let _ = app.emit(events::JOBS_CHANGED, ());
    let sink_app = app.clone();
    let sink: Box<dyn Fn(JobEvent) + Send + Sync> =
        Box::new(move |event| events::forward(&sink_app, job_type, &id, event));
    tauri::async_runtime::spawn(job(cancel, sink));
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

/// The restore's pre-flight: versions, target, what clean drops, warnings.
#[tauri::command]
pub async fn preflight_restore(
    state: State<'_, AppState>,
    options: RestoreOptions,
) -> AppResult<RestorePreflight> {
    let conn = state.profiles.connection(&options.connection_id)?;
    let prepared = prepare_restore("preflight", &conn, &options, &state.tools).await?;
    Ok(prepared.preflight)
}
