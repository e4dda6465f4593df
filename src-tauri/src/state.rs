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
    /// Where tools are looked for before the user's added folders: the
    /// `TUSK_PG_BIN` folder alone, or the usual places. See [`Self::tools`].
    base_tools: ToolSearch,
    /// Folder for the demo database.
    pub data_dir: PathBuf,
    /// The history, shared with the CLI.
    pub catalog: Arc<Catalog>,
    /// Wakes the scheduler when schedules change.
    pub scheduler_wake: Arc<tokio::sync::Notify>,
    /// What opening the catalog repaired, for the window to say.
    pub catalog_report: OpenReport,
    /// S3-compatible destinations and the encryption passphrase.
    pub destinations: crate::destinations::Destinations,
    /// Where schedules notify besides the desktop: webhooks, e-mail.
    pub channels: crate::channels::Channels,
    /// Backups downloaded or decrypted for a dialog and its restore.
    pub readable: crate::readable::ReadableCache,
    /// Signs the confirmation of a restore's pre-flight: a restore runs only
    /// as it was checked and confirmed (see `confirmation_token`).
    confirm_key: [u8; 32],
}

impl AppState {
    /// Where every job looks for pg_dump and the other tools: the folders
    /// added in Settings first, then the usual places (or the `TUSK_PG_BIN`
    /// folder alone).
    pub fn tools(&self) -> ToolSearch {
        let mut search = self.base_tools.clone();
        search.extra = crate::settings::load(&self.catalog).tools_folders;
        search
    }

    /// The `TUSK_PG_BIN` folder, when it overrides every other.
    pub fn fixed_tools_folder(&self) -> Option<PathBuf> {
        self.base_tools.folder.clone()
    }

    pub fn new(profiles: Profiles, tools: ToolSearch, data_dir: PathBuf, catalog: Catalog) -> Self {
        AppState {
            jobs: Default::default(),
            profiles,
            base_tools: tools,
            data_dir: data_dir.clone(),
            catalog: Arc::new(catalog),
            scheduler_wake: Default::default(),
            catalog_report: OpenReport::default(),
            // Replaced by the app's own (in its config folder, with the
            // keychain) once it starts; tests keep this one.
            destinations: crate::destinations::Destinations::empty(
                data_dir.join("destinations.json"),
                Box::new(crate::secrets::NoKeychain),
            ),
            channels: crate::channels::Channels::empty(
                data_dir.join("notifications.json"),
                Box::new(crate::secrets::NoKeychain),
            ),
            readable: Default::default(),
            confirm_key: random_key(),
        }
    }

    /// The token a restore's pre-flight hands the window, for the plan
    /// `fingerprint` (`GuardedRestore::fingerprint`): only this process can
    /// make it, and only for that plan.
    pub fn confirmation_token(&self, fingerprint: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(self.confirm_key);
        hash.update(fingerprint.as_bytes());
        hex::encode(hash.finalize())
    }

    /// Claims `id` for a new job; an id already used is refused.
    pub fn reserve_job(
        &self,
        id: &str,
        job_type: JobType,
        label: String,
    ) -> AppResult<CancelHandle> {
        // Job ids name events, sessions and scratch databases: nothing but
        // a UUID is taken from the window.
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(AppError::Invalid(format!(
                "the job id `{}` is not a UUID: use a new one (crypto.randomUUID())",
                id.chars().take(64).collect::<String>()
            )));
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

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}
