//! Managed state: the jobs map (each running job's cancel handle, progress
//! and outcome), the connection profiles and where the tools are looked up.

use crate::error::{AppError, AppResult};
use crate::profiles::Profiles;
use chrono::{DateTime, Utc};
use dashmap::mapref::entry::Entry;
use dashmap::DashMap;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tusk_engine::catalog::{Catalog, OpenReport};
use tusk_engine::{BackupProgress, CancelHandle, JobOutcome, JobStatus, JobType, ToolSearch};

pub struct JobEntry {
    pub job_type: JobType,
    pub label: String,
    pub status: JobStatus,
    pub started_at: DateTime<Utc>,
    pub cancel: CancelHandle,
    pub progress: Option<BackupProgress>,
    pub outcome: Option<JobOutcome>,
}

/// A job as the main window lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobSummary {
    pub job_id: String,
    pub job_type: JobType,
    pub label: String,
    pub status: JobStatus,
    pub started_at: DateTime<Utc>,
    pub progress: Option<BackupProgress>,
    pub outcome: Option<JobOutcome>,
}

pub struct AppState {
    pub jobs: DashMap<String, JobEntry>,
    pub profiles: Profiles,
    pub tools: ToolSearch,
    /// Folder for the demo database.
    pub data_dir: PathBuf,
    /// The history, shared with the CLI.
    pub catalog: Arc<Catalog>,
    /// Wakes the scheduler when schedules change.
    pub scheduler_wake: Arc<tokio::sync::Notify>,
    /// What opening the catalog repaired, for the window to say.
    pub catalog_report: OpenReport,
}

impl AppState {
    pub fn new(profiles: Profiles, tools: ToolSearch, data_dir: PathBuf, catalog: Catalog) -> Self {
        AppState {
            jobs: Default::default(),
            profiles,
            tools,
            data_dir,
            catalog: Arc::new(catalog),
            scheduler_wake: Default::default(),
            catalog_report: OpenReport::default(),
        }
    }

    /// Claims `id` for a new job; an id already used is refused.
    pub fn reserve_job(
        &self,
        id: &str,
        job_type: JobType,
        label: String,
    ) -> AppResult<CancelHandle> {
        if id.trim().is_empty() {
            return Err(AppError::Invalid("the job id is empty".into()));
        }
        match self.jobs.entry(id.to_string()) {
            Entry::Occupied(_) => Err(AppError::JobIdInUse(id.to_string())),
            Entry::Vacant(slot) => {
                let cancel = CancelHandle::new();
                slot.insert(JobEntry {
                    job_type,
                    label,
                    status: JobStatus::Pending,
                    started_at: Utc::now(),
                    cancel: cancel.clone(),
                    progress: None,
                    outcome: None,
                });
                Ok(cancel)
            }
        }
    }

    /// Gives an id back when its job never started.
    pub fn release_job(&self, id: &str) {
        self.jobs.remove(id);
    }

    pub fn summaries(&self) -> Vec<JobSummary> {
        let mut all: Vec<JobSummary> = self
            .jobs
            .iter()
            .map(|e| JobSummary {
                job_id: e.key().clone(),
                job_type: e.job_type,
                label: e.label.clone(),
                status: e.status,
                started_at: e.started_at,
                progress: e.progress.clone(),
                outcome: e.outcome.clone(),
            })
            .collect();
        all.sort_by_key(|j| std::cmp::Reverse(j.started_at));
        all
    }
}
