//! Event names, one place: `backup:progress:<id>`, `restore:progress:<id>`,
//! `verify:progress:<id>`, `job:log:<id>`, `backup:finished:<id>`,
//! `restore:finished:<id>`, `verify:finished:<id>`, `jobs:changed` when a job
//! starts or ends, `history:changed`, `schedules:changed`, `schedule:notice`.

use crate::state::AppState;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tusk_engine::{JobEvent, JobStatus, JobType};

pub const JOBS_CHANGED: &str = "jobs:changed";
/// The history changed: a backup recorded, verified, deleted, imported.
pub const HISTORY_CHANGED: &str = "history:changed";
pub const SCHEDULES_CHANGED: &str = "schedules:changed";
/// Connection profiles changed outside the window (the demo database started).
pub const CONNECTIONS_CHANGED: &str = "connections:changed";
/// A scheduled run ended: `{scheduleId, title, body, failed}`.
pub const SCHEDULE_NOTICE: &str = "schedule:notice";

fn prefix(job_type: JobType) -> &'static str {
    match job_type {
        JobType::Backup => "backup",
        JobType::Restore => "restore",
        JobType::Verify => "verify",
    }
}

pub fn progress(job_type: JobType, id: &str) -> String {
    format!("{}:progress:{id}", prefix(job_type))
}

pub fn finished(job_type: JobType, id: &str) -> String {
    format!("{}:finished:{id}", prefix(job_type))
}

pub fn log(id: &str) -> String {
    format!("job:log:{id}")
}

/// Forwards a job's events to the webview and keeps the jobs map current.
pub fn forward<R: Runtime>(app: &AppHandle<R>, job_type: JobType, id: &str, event: JobEvent) {
    let state = app.state::<AppState>();
    match event {
        JobEvent::Progress(p) => {
            if let Some(mut job) = state.jobs.get_mut(id) {
                job.status = JobStatus::Running;
                job.progress = Some(p.clone());
            }
            let _ = app.emit(&progress(job_type, id), p);
        }
        JobEvent::Log(lines) => {
            let _ = app.emit(&log(id), lines);
        }
        JobEvent::Finished(outcome) => {
            if let Some(mut job) = state.jobs.get_mut(id) {
                job.status = outcome.status;
                job.progress = Some(outcome.progress.clone());
                job.outcome = Some((*outcome).clone());
            }
            let _ = app.emit(&finished(job_type, id), &*outcome);
            let _ = app.emit(JOBS_CHANGED, ());
        }
    }
}
