//! Jobs run in the background: what starting one answers, and how its
//! events reach the window.

use crate::events;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tusk_engine::{CancelHandle, JobEvent, JobOutcome, JobType};

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
