//! A backup recorded in the catalog from before it starts to after its
//! checksum is written, and a recorded backup deleted.

use crate::backup::PreparedBackup;
use crate::catalog::sidecar;
use crate::catalog::BackupCopy;
use crate::catalog::BackupPart;
use crate::catalog::{BackupFinish, BackupReason, BackupStatus, Catalog, NewBackup, Source};
use crate::error::EngineError;
use crate::jobs::progress::{BackupProgress, Phase};
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, JobStatus};
use crate::options::{BackupOptions, BackupScope};
use crate::storage::bucket::manifest_key;
use crate::storage::Bucket;
use chrono::Utc;
use std::path::PathBuf;
use std::sync::Arc;

/// How a backup appears in the history.
#[derive(Debug, Clone)]
pub struct RecordMeta {
    /// `None`: "<database> <date time>".
    pub name: Option<String>,
    pub description: Option<String>,
    pub source: Source,
    pub reason: BackupReason,
    pub schedule_id: Option<String>,
}

fn default_name(source: &Source, scope: BackupScope) -> String {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M");
    let server = || {
        source.connection_name.clone().unwrap_or_else(|| {
            format!(
                "{}:{}",
                source.host.as_deref().unwrap_or("localhost"),
                source.port.unwrap_or(5432)
            )
        })
    };
    match scope {
        BackupScope::Database => format!("{} {now}", source.database),
        BackupScope::Server => format!("whole server {} {now}", server()),
        BackupScope::Globals => format!("roles and tablespaces {} {now}", server()),
    }
}

/// A backup job the history records: one database, a whole server, or its
/// roles and tablespaces.
pub trait RecordedJob: Send {
    fn job_id(&self) -> &str;
    fn job_options(&self) -> &BackupOptions;
    /// The temporary name it writes to (removed if the process dies).
    fn partial(&self) -> Option<PathBuf>;
    fn server_version(&self) -> String;
    /// The version of the tool that writes it (pg_dump, pg_dumpall).
    fn tool_version(&self) -> String;
    fn bucket(&self) -> Option<(Arc<Bucket>, String)> {
        None
    }
    /// Runs the job; ends with its `Finished` event and the parts it wrote.
    fn run_job<'a>(
        self,
        cancel: &'a CancelHandle,
        emit: EventSink<'a>,
    ) -> impl std::future::Future<Output = (JobOutcome, Vec<BackupPart>)> + Send + 'a;
}

impl RecordedJob for PreparedBackup {
    fn job_id(&self) -> &str {
        &self.id
    }
    fn job_options(&self) -> &BackupOptions {
        &self.options
    }
    fn partial(&self) -> Option<PathBuf> {
        self.partial_path().map(std::path::Path::to_path_buf)
    }
    fn server_version(&self) -> String {
        self.server.version.to_string()
    }
    fn tool_version(&self) -> String {
        self.pg_dump.tool.version.to_string()
    }
    fn bucket(&self) -> Option<(Arc<Bucket>, String)> {
        self.bucket_target()
    }
    async fn run_job<'a>(
        self,
        cancel: &'a CancelHandle,
        emit: EventSink<'a>,
    ) -> (JobOutcome, Vec<BackupPart>) {
        (self.run(cancel, emit).await, Vec::new())
    }
}

/// `shop_2026-12-01_143000.backup` in `folder`, with the extension
/// (`BackupOptions::file_extension`, none for a folder);
/// `…-2`, `…-3` when that name is taken (two runs in one second).
pub fn dated_path(folder: &std::path::Path, database: &str, extension: &str, tag: &str) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y-%m-%d_%H%M%S");
    let base = format!("{}_{stamp}{tag}", crate::paths::slug(database));
    let named = |suffix: String| match extension {
        "" => folder.join(format!("{base}{suffix}")),
        ext => folder.join(format!("{base}{suffix}.{ext}")),
    };
    (1..)
        .map(|n| {
            named(if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            })
        })
        .find(|p| !p.exists() && !sidecar::manifest_path(p).exists())
        .expect("a free name")
}

/// Runs a prepared backup recorded in the catalog: a running record first
/// (with the temporary file, so a crash is cleaned up at the next start),
/// then the outcome, the SHA-256 and the sidecar files. Never loses a backup
/// to a catalog error: the outcome says it was not recorded instead.
pub async fn run_recorded_backup(
    catalog: &Catalog,
    prepared: impl RecordedJob,
    meta: RecordMeta,
    cancel: &CancelHandle,
    emit: EventSink<'_>,
) -> JobOutcome {
    let bucket = prepared.bucket();
    let new = NewBackup {
        id: prepared.job_id().to_string(),
        name: meta
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| default_name(&meta.source, prepared.job_options().scope)),
        description: meta.description.clone(),
        source: meta.source.clone(),
        options: prepared.job_options().clone(),
        partial_path: prepared.partial(),
        server_version: Some(prepared.server_version()),
        pg_dump_version: Some(prepared.tool_version()),
        reason: meta.reason,
        schedule_id: meta.schedule_id.clone(),
        started_at: Utc::now(),
        remote_only: bucket.is_some(),
    };
    let recorded = catalog.begin_backup(&new);
    // The job's own Finished waits until the record is complete.
    let sink = |event: JobEvent| {
        if !matches!(event, JobEvent::Finished(_)) {
            emit(event)
        }
    };
    let (mut outcome, parts) = prepared.run_job(cancel, &sink).await;
    match recorded {
        Ok(_) => finish_record(catalog, &mut outcome, &parts, emit, bucket).await,
        Err(e) => outcome
            .warnings
            .push(format!("the backup was not recorded in the history: {e}")),
    }
    emit(JobEvent::Finished(Box::new(outcome.clone())));
    outcome
}

/// Records the outcome at once — so a crash while hashing leaves a completed
/// backup without a checksum, never a "partial" one — then hashes it and
/// writes its sidecars.
async fn finish_record(
    catalog: &Catalog,
    outcome: &mut JobOutcome,
    parts: &[BackupPart],
    emit: EventSink<'_>,
    bucket: Option<(Arc<Bucket>, String)>,
) {
    let status = backup_status(outcome.status);
    let finish = BackupFinish {
        status,
        finished_at: Utc::now(),
        duration_ms: outcome.duration_ms,
        size_bytes: outcome.size_bytes,
        sha256: None,
        error: outcome
            .error
            .as_ref()
            .map(|e| format!("{} {}", e.summary, e.hint)),
        warnings: outcome.warnings.clone(),
        path: outcome.output_path.clone(),
    };
    let mut record = match catalog.finish_backup(&outcome.job_id, &finish) {
        Ok(record) => record,
        Err(e) => {
            outcome
                .warnings
                .push(format!("the backup was not recorded in the history: {e}"));
            return;
        }
    };
    outcome.backup_id = Some(record.id.clone());
    if !parts.is_empty() {
        match catalog.set_parts(&record.id, parts) {
            Ok(updated) => record = updated,
            Err(e) => outcome.warnings.push(format!(
                "the backup's parts were not recorded in the history: {e}"
            )),
        }
    }
    if let (true, Some((bucket, key))) = (status.is_success(), bucket) {
        record_bucket_copy(catalog, outcome, record, &bucket, &key).await;
    } else if let (true, Some(path)) = (status.is_success(), outcome.output_path.clone()) {
        emit(JobEvent::Progress(BackupProgress {
            phase: Phase::Verifying,
            current_object: Some("SHA-256 checksum".into()),
            ..outcome.progress.clone()
        }));
        let hashed = tokio::task::spawn_blocking(move || sidecar::write_checksum(&path))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
        match hashed.map_err(|e| e.to_string()).and_then(|sum| {
            catalog
                .set_checksum(&record.id, &sum)
                .map_err(|e| e.to_string())
        }) {
            Ok(updated) => {
                outcome.sha256 = updated.sha256.clone();
                record = updated;
            }
            Err(e) => outcome
                .warnings
                .push(format!("the checksum could not be written: {e}")),
        }
        if let Err(e) = sidecar::write_manifest(&record) {
            outcome.warnings.push(format!(
                "the manifest beside the backup could not be written: {e}"
            ));
        }
    }
    // Keep the catalog's own copy as fresh as its newest backup.
    if let Err(e) = catalog.backup_self() {
        tracing::warn!(error = %e, "the catalog's own copy could not be refreshed");
    }
}

/// A backup made into a bucket: its copy and checksum recorded, then its
/// manifest written beside it, the last step, which makes it list.
async fn record_bucket_copy(
    catalog: &Catalog,
    outcome: &mut JobOutcome,
    record: crate::catalog::BackupRecord,
    bucket: &Bucket,
    key: &str,
) {
    let copy = BackupCopy {
        destination: bucket.destination().name.clone(),
        key: key.to_string(),
        size_bytes: outcome.size_bytes,
        sha256: outcome.sha256.clone(),
        stored_at: Utc::now(),
    };
    let recorded = catalog
        .add_copy(&record.id, &copy)
        .and_then(|r| match &outcome.sha256 {
            Some(sum) => catalog.set_checksum(&r.id, sum),
            None => Ok(r),
        });
    let record = match recorded {
        Ok(r) => r,
        Err(e) => {
            outcome.warnings.push(format!(
                "the backup's copy was not recorded in the history: {e}"
            ));
            record
        }
    };
    let name = key.rsplit('/').next().unwrap_or(key);
    let manifest = sidecar::manifest_bytes(&record, name);
    if let Err(e) = bucket.put_new(&manifest_key(key), manifest).await {
        outcome.warnings.push(format!(
            "the manifest beside {} could not be written, so other machines will not list this backup: {e}",
            bucket.location(key)
        ));
    }
}

/// What deleting a backup did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub file_removed: bool,
    /// Why the file was kept, when it was.
    pub kept_because: Option<String>,
}

/// Deletes a backup's file and sidecars (unless `keep_file`) and its record.
/// A running backup is refused, and a file another record also points at
/// (a backup overwritten in place) stays.
pub fn delete_backup(catalog: &Catalog, id: &str, keep_file: bool) -> Result<Deleted, EngineError> {
    let record = catalog.require_backup(id)?;
    if record.is_remote_only() && !keep_file && record.status.is_success() {
        return Err(EngineError::InvalidOptions(format!(
            "\"{}\" is in a bucket ({}): it is deleted through its destination",
            record.name,
            record.location()
        )));
    }
    if record.status == BackupStatus::Running {
        return Err(EngineError::InvalidOptions(format!(
            "\"{}\" is still running: cancel it first, or wait for it to end",
            record.name
        )));
    }
    let shared = catalog.others_at_path(id, &record.path)? > 0;
    let kept_because = if keep_file {
        Some("asked to keep it".into())
    } else if !record.status.is_success() {
        // Its partial output was removed when it ended: a file at its path
        // now is someone else's (an older backup it was to replace).
        Some(format!(
            "this backup did not complete, so {} is not a file it wrote",
            record.path.display()
        ))
    } else if shared {
        Some(format!(
            "another backup in the history is the file {} now",
            record.path.display()
        ))
    } else {
        None
    };
    if kept_because.is_none() {
        sidecar::remove_backup(&record.path).map_err(|e| {
            EngineError::Io(format!(
                "cannot delete {}: {e}. The backup stays in the history",
                record.path.display()
            ))
        })?;
    }
    catalog.delete_backup(id)?;
    Ok(Deleted {
        file_removed: kept_because.is_none(),
        kept_because,
    })
}

/// Deletes a backup made into `bucket`: its objects (manifest first, so it
/// stops listing at once), then its record.
pub async fn delete_bucket_backup(
    catalog: &Catalog,
    id: &str,
    bucket: &Bucket,
) -> Result<Deleted, EngineError> {
    let record = catalog.require_backup(id)?;
    let Some(copy) = record
        .copies
        .iter()
        .find(|c| c.destination == bucket.destination().name)
    else {
        return Err(EngineError::InvalidOptions(format!(
            "\"{}\" has no copy in `{}`",
            record.name,
            bucket.destination().name
        )));
    };
    if record.status == BackupStatus::Running {
        return Err(EngineError::InvalidOptions(format!(
            "\"{}\" is still running: cancel it first, or wait for it to end",
            record.name
        )));
    }
    crate::backup::remote::delete_from_bucket(bucket, &copy.key).await?;
    if record.is_remote_only() {
        catalog.delete_backup(id)?;
    } else {
        catalog.remove_copy(id, &copy.destination)?;
    }
    Ok(Deleted {
        file_removed: true,
        kept_because: None,
    })
}

pub fn backup_status(status: JobStatus) -> BackupStatus {
    match status {
        JobStatus::Completed => BackupStatus::Completed,
        JobStatus::CompletedWithWarnings => BackupStatus::CompletedWithWarnings,
        JobStatus::Cancelled => BackupStatus::Cancelled,
        JobStatus::Pending | JobStatus::Running | JobStatus::Failed => BackupStatus::Failed,
    }
}
