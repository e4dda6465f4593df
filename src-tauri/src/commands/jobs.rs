//! Backups and restores as jobs: started, followed through events, cancelled.
//! Backups are recorded in the history; restores check the checksum and take
//! a safety backup of their target first.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::{spawn, JobStarted};
use crate::state::{AppState, JobSummary};
use crate::verify::start_verify;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::backup::remote::{plan_bucket_backup, prepare_bucket_backup};
use tusk_engine::catalog::{BackupReason, Source};
use tusk_engine::restore::guarded::{
    prepare_guarded_restore, prepare_guarded_streamed, GuardedRestore, RestoreSafety,
};
use tusk_engine::{
    prepare_backup, BackupOptions, BackupPlan, JobOutcome, JobStatus, JobType, RestoreOptions,
    RestorePreflight,
};

/// What the restore dialog shows before the user confirms.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestorePlan {
    pub preflight: RestorePreflight,
    pub safety: RestoreSafety,
    /// Handed back to `restore_backup`: the restore runs only as this plan
    /// (same options, backup file, server and target).
    pub token: String,
}

/// The user's word for a checked plan: its token, and the database name
/// typed when the plan asks for one (`safety.confirmName`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct RestoreConfirmation {
    pub token: String,
    pub typed_name: Option<String>,
}

/// Refuses a restore that is not the one checked and confirmed: as the CLI
/// asks for `--yes`, the backend asks for the pre-flight's token and, for a
/// restore that drops, replaces or skips a check, the typed target name.
fn check_confirmation(
    state: &AppState,
    guarded: &GuardedRestore,
    confirmation: &RestoreConfirmation,
) -> AppResult<()> {
    if state.confirmation_token(&guarded.fingerprint()) != confirmation.token {
        return Err(AppError::Invalid(
            "this restore is not the one that was checked: its options, the backup file or the target changed since the pre-flight. Check it again and confirm".into(),
        ));
    }
    if let Some(name) = &guarded.safety.confirm_name {
        if confirmation.typed_name.as_deref().map(str::trim) != Some(name.as_str()) {
            return Err(AppError::Invalid(format!(
                "{}: type \"{name}\" to confirm",
                guarded.safety.must_confirm.join("; ")
            )));
        }
    }
    Ok(())
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
    destination: Option<String>,
) -> AppResult<JobStarted> {
    if options.scope != tusk_engine::options::BackupScope::Database {
        let notes = notes.unwrap_or_default();
        return crate::commands::server::create_whole_backup(
            app,
            &state,
            job_id,
            options,
            (notes.name, notes.description),
            destination,
        )
        .await;
    }
    let label = match &destination {
        Some(name) => format!("Backup to {name}"),
        None => format!("Backup to {}", options.output_path.display()),
    };
    let cancel = state.reserve_job(&job_id, JobType::Backup, label)?;
    let prepared = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        let profile = state.profiles.get(&options.connection_id)?;
        let options = with_passphrase(&state, options.clone())?;
        let prepared = match &destination {
            Some(name) => {
                let bucket = state.destinations.bucket(name)?;
                prepare_bucket_backup(&job_id, &conn, &options, &state.tools(), bucket).await?
            }
            None => prepare_backup(&job_id, &conn, &options, &state.tools()).await?,
        };
        Ok::<_, AppError>((
            prepared,
            Source::of(&conn, Some(&profile.id), Some(&profile.name)),
        ))
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
            if matches!(
                outcome.status,
                JobStatus::Completed | JobStatus::CompletedWithWarnings
            ) {
                crate::commands::settings::apply_retention(&after);
            }
            outcome
        },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Backup,
        command,
    })
}

/// A backup encrypted with a passphrase takes the one saved in the keychain.
fn with_passphrase(state: &AppState, mut options: BackupOptions) -> AppResult<BackupOptions> {
    if options.encryption == tusk_engine::options::Encryption::Passphrase {
        options.passphrase = Some(state.destinations.passphrase().ok_or_else(|| {
            AppError::Invalid(
                "no encryption passphrase is saved: set one under Destinations, or choose no encryption"
                    .into(),
            )
        })?);
    }
    Ok(options)
}

/// The pre-flight and the guards of a restore: of a backup in a bucket
/// read as it downloads where that can be, else of its downloaded (or
/// decrypted) copy.
async fn guarded_restore(
    state: &AppState,
    id: &str,
    options: RestoreOptions,
) -> AppResult<GuardedRestore> {
    let conn = state.profiles.connection(&options.connection_id)?;
    let catalog = Some(&*state.catalog);
    let streamed = state
        .destinations
        .streamed(&options.input_path, Some(&options))
        .await?;
    Ok(match streamed {
        Some(streamed) => {
            prepare_guarded_streamed(id, &conn, &options, &state.tools(), catalog, &streamed)
                .await?
        }
        None => {
            let options = readable_options(state, options).await?;
            prepare_guarded_restore(id, &conn, &options, &state.tools(), catalog).await?
        }
    })
}

/// A restore reads a backup in a bucket, or an encrypted one, from its
/// downloaded or decrypted copy.
async fn readable_options(
    state: &AppState,
    mut options: RestoreOptions,
) -> AppResult<RestoreOptions> {
    if state.destinations.needs_reading(&options.input_path) {
        options.input_path = state
            .readable
            .get(&state.destinations, &options.input_path, true)
            .await?
            .path
            .clone();
    }
    Ok(options)
}

/// With "verify after backup" on, a completed backup is test-restored at
/// once; else its rows per table are counted from the file for the history.
fn verify_after<R: Runtime>(app: &AppHandle<R>, outcome: &JobOutcome, connection_id: &str) {
    let state = app.state::<AppState>();
    let wanted = crate::settings::load(&state.catalog).verify_after_backup;
    if !matches!(
        outcome.status,
        JobStatus::Completed | JobStatus::CompletedWithWarnings
    ) {
        return;
    }
    let Some(id) = outcome.backup_id.clone() else {
        return;
    };
    if wanted {
        if let Err(e) = start_verify(
            app.clone(),
            &state,
            uuid::Uuid::new_v4().to_string(),
            id.clone(),
            Some(connection_id.to_string()),
        ) {
            tracing::warn!(backup = %id, error = %e, "the verification after the backup could not start");
        }
        return;
    }
    // Without a verification (which records them), the rows are counted
    // from the new file now, after the job: the history shows them.
    let catalog = state.catalog.clone();
    let tools = state.tools();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match tusk_engine::verify::record_row_counts(&catalog, &id, &tools).await {
            Ok(Some(_)) => {
                let _ = app.emit(events::HISTORY_CHANGED, ());
            }
            Ok(None) => {}
            Err(why) => {
                tracing::warn!(backup = %id, %why, "the backup's rows could not be counted")
            }
        }
    });
}

#[tauri::command]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    options: RestoreOptions,
    confirmation: RestoreConfirmation,
) -> AppResult<JobStarted> {
    let label = format!("Restore of {}", options.input_path.display());
    let cancel = state.reserve_job(&job_id, JobType::Restore, label)?;
    let guarded = async {
        let guarded = guarded_restore(&state, &job_id, options).await?;
        check_confirmation(&state, &guarded, &confirmation)?;
        Ok::<_, AppError>(guarded)
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
            // A safety backup, or a restore left incomplete.
            let _ = after.emit(events::HISTORY_CHANGED, ());
            if outcome.safety_backup.is_some() {
                crate::commands::settings::apply_retention(&after);
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
    destination: Option<String>,
) -> AppResult<BackupPlan> {
    let conn = state.profiles.connection(&options.connection_id)?;
    let options = with_passphrase(&state, options)?;
    let prepared = match &destination {
        Some(name) => {
            let bucket = state.destinations.bucket(name)?;
            plan_bucket_backup("preview", &conn, &options, &state.tools(), bucket).await?
        }
        None => prepare_backup("preview", &conn, &options, &state.tools()).await?,
    };
    Ok(prepared.plan())
}

/// The restore's pre-flight: versions, target, what clean drops, warnings,
/// and what happens around pg_restore (checksum, safety backup, swap).
#[tauri::command]
pub async fn preflight_restore(
    state: State<'_, AppState>,
    options: RestoreOptions,
) -> AppResult<RestorePlan> {
    let guarded = guarded_restore(&state, "preflight", options).await?;
    Ok(RestorePlan {
        token: state.confirmation_token(&guarded.fingerprint()),
        safety: guarded.safety.clone(),
        preflight: guarded.restore.preflight.clone(),
    })
}
