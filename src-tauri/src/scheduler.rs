//! Runs schedules while the app is open: wakes at the next due run (or when a
//! schedule changes), catches missed runs up once at start, and shows each run
//! as a job with live progress, one terminal event, and a desktop notification.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::{spawn, JobStarted};
use crate::state::AppState;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tusk_engine::catalog::{RunStatus, Schedule};
use tusk_engine::explain::{Explanation, FailureKind};
use tusk_engine::schedule::runner::{due_at, Notice, RunKind, Runner, SystemClock};
use tusk_engine::{JobEvent, JobOutcome, JobStatus, JobType};

/// The longest the loop sleeps without looking again.
const MAX_SLEEP: Duration = Duration::from_secs(60);

pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        // Automatic backups whose database has had no good backup for a
        // day run now, at start (seed 002 §3).
        match tusk_engine::schedule::automatic::catch_up(
            &app.state::<AppState>().catalog,
            chrono::Utc::now(),
        ) {
            Ok(due) if !due.is_empty() => {
                tracing::info!(count = due.len(), "automatic backups due at start")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "automatic backups could not be checked at start"),
        }
        loop {
            let state = app.state::<AppState>();
            // A run claimed by a process that died (a killed `tusk`) would
            // block its schedule until the next start otherwise.
            if let Err(e) = state.catalog.recover_interrupted() {
                tracing::error!(error = %e, "interrupted jobs could not be recovered");
            }
            let due = due_at(&state.catalog, chrono::Utc::now()).unwrap_or_else(|e| {
                // An unreadable catalog stops the schedules: say so.
                tracing::error!(error = %e, "the schedules could not be read: none runs until the catalog can be read");
                Vec::new()
            });
            for schedule in due {
                // Job ids are UUIDs, like those the window makes.
                let job_id = uuid::Uuid::new_v4().to_string();
                match run_schedule(app.clone(), &state, &schedule, job_id, RunKind::Due) {
                    Ok((_, run)) => {
                        let _ = run.await;
                    }
                    Err(e) => {
                        tracing::error!(schedule = %schedule.id, error = %e, "a due schedule could not start");
                    }
                }
            }
            // Retention of manual and safety backups, the catalog's vacuum.
            let care = tusk_engine::schedule::housekeeping::tick(
                &state.catalog,
                &state.destinations,
                chrono::Utc::now(),
            )
            .await;
            if care.deleted > 0 {
                let _ = app.emit(crate::events::HISTORY_CHANGED, ());
            }
            let sleep = next_wake(&state);
            let wake = state.scheduler_wake.clone();
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// Until the earliest next run of an enabled schedule that is not running,
/// at most a minute.
fn next_wake(state: &AppState) -> Duration {
    let now = chrono::Utc::now();
    let running = state.catalog.running_schedules().unwrap_or_default();
    state
        .catalog
        .list_schedules()
        .unwrap_or_default()
        .iter()
        .filter(|s| s.enabled && !running.contains(&s.id))
        .filter_map(|s| s.next_run_at)
        .map(|t| (t - now).to_std().unwrap_or(Duration::ZERO))
        .min()
        .unwrap_or(MAX_SLEEP)
        .clamp(Duration::from_millis(200), MAX_SLEEP)
}

/// Runs `schedule` as job `job_id`; the run goes on in the background and
/// the handle ends with it.
pub fn run_schedule<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    schedule: &Schedule,
    job_id: String,
    kind: RunKind,
) -> AppResult<(JobStarted, tauri::async_runtime::JoinHandle<JobOutcome>)> {
    if state.catalog.running_schedules()?.contains(&schedule.id) {
        return Err(AppError::Invalid(format!(
            "\"{}\" is running already: it can run again when this run ends",
            schedule.name
        )));
    }
    let cancel = state.reserve_job(
        &job_id,
        JobType::Backup,
        format!("Scheduled: {}", schedule.name),
    )?;
    let schedule = schedule.clone();
    let id = job_id.clone();
    let runner_app = app.clone();
    let handle = spawn(
        app,
        JobType::Backup,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let state = runner_app.state::<AppState>();
            // Attempts each end with a Finished of their own: the job has one,
            // sent once the run (retries, verification, retention) is over.
            let last: Mutex<Option<JobOutcome>> = Mutex::new(None);
            let attempt_sink = |event: JobEvent| match event {
                JobEvent::Finished(o) => *last.lock().expect("last") = Some(*o),
                other => sink(other),
            };
            let profiles = &state.profiles;
            let password = |s: &Schedule| {
                s.source
                    .connection_id
                    .as_deref()
                    .and_then(|id| profiles.connection(id).ok())
                    .and_then(|c| c.password)
            };
            let notify_app = runner_app.clone();
            let notify = move |n: Notice| notice(&notify_app, n);
            let runner = Runner {
                catalog: &state.catalog,
                search: &state.tools(),
                clock: &SystemClock,
                password: &password,
                bucket: &state.destinations,
                passphrase: &|| state.destinations.passphrase(),
                notify: &notify,
                channels: &state.channels,
            };
            let run = runner.run(&schedule, kind, &cancel, &attempt_sink).await;
            let mut outcome = last
                .into_inner()
                .expect("last")
                .unwrap_or_else(|| empty_outcome(&id));
            outcome.job_id = id.clone();
            match run {
                Ok(Some(run)) if run.status == RunStatus::Succeeded => {}
                // Cancelled by the user: the job says so, whatever the run's
                // record (a failed run, "cancelled") says.
                Ok(Some(_)) if cancel.is_cancelled() => outcome.status = JobStatus::Cancelled,
                Ok(Some(run)) => {
                    // The run's error covers every attempt, and what failed after
                    // the backup (verification, retention).
                    outcome.status = JobStatus::Failed;
                    outcome.error = Some(explanation(
                        run.error
                            .unwrap_or_else(|| "the run did not complete".into()),
                    ));
                }
                Ok(None) => {
                    // Another runner took it, or it was disabled, in the meantime:
                    // nothing ran, so the job goes away without an outcome.
                    state.release_job(&id);
                    let _ = runner_app.emit(events::JOBS_CHANGED, ());
                    return outcome;
                }
                Err(e) => {
                    outcome.status = JobStatus::Failed;
                    outcome.error = Some(explanation(e.to_string()));
                }
            }
            sink(JobEvent::Finished(Box::new(outcome.clone())));
            let _ = runner_app.emit(events::HISTORY_CHANGED, ());
            let _ = runner_app.emit(events::SCHEDULES_CHANGED, ());
            outcome
        },
    );
    let started = JobStarted {
        job_id,
        job_type: JobType::Backup,
        command: String::new(),
    };
    Ok((started, handle))
}

fn explanation(summary: String) -> Explanation {
    Explanation {
        kind: FailureKind::Other,
        summary,
        hint: "See the schedule's runs for details.".into(),
    }
}

fn empty_outcome(id: &str) -> JobOutcome {
    JobOutcome::ended(id, JobType::Backup, chrono::Utc::now(), JobStatus::Failed)
}

/// Tells the window (`schedule:notice`) and the desktop; the schedule's
/// "notify" setting chose whether there is anything to tell.
fn notice<R: Runtime>(app: &AppHandle<R>, n: Notice) {
    let _ = app.emit(events::SCHEDULE_NOTICE, &n);
    // Without the plugin (the commands' tests) the window is told, no more.
    if let Some(notifications) = app.try_state::<tauri_plugin_notification::Notification<R>>() {
        let _ = notifications.builder().title(&n.title).body(&n.body).show();
    }
}
