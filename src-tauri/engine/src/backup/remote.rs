//! A backup made straight into a bucket. pg_dump's output streams into a
//! multipart upload (hashed on the way) that is completed only when pg_dump
//! succeeded, then checked by its size in the store; the directory format is
//! staged locally and uploaded file by file under the backup's key. Only
//! then is the `.sha256` written beside it, and the manifest after that
//! (by the recorded backup), so nothing half-written ever lists as a backup.

use crate::backup::{prepare, PreparedBackup, Target};
use crate::catalog::{BackupCopy, BackupRecord, Catalog};
use crate::error::EngineError;
use crate::explain::{Explanation, FailureKind};
use crate::jobs::output::PartialOutput;
use crate::jobs::progress::{BackupProgress, Phase};
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, OpenSink, Sink};
use crate::options::{BackupFormat, BackupOptions};
use crate::server::connection::ConnectionSpec;
use crate::server::tools::ToolSearch;
use crate::storage::bucket::{checksum_key, manifest_key};
use crate::storage::upload::PendingUpload;
use crate::storage::Bucket;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) struct BucketTarget {
    pub(crate) bucket: Arc<Bucket>,
    pub(crate) key: String,
    /// The directory format: pg_dump's folder, uploaded once it is complete.
    pub(crate) staging: Option<PartialOutput>,
    sink: Option<OpenSink>,
    pending: Option<PendingUpload>,
    /// Cancels the upload (with the job, through [`Self::forward_cancel`]).
    cancel: CancelHandle,
}

/// `shop/shop_2026-12-05_231500_1a2b3c4d.backup.zst`: the database's
/// folder, the time in UTC and the job's id, so that two machines (or two
/// jobs in one second) never pick the same key.
pub fn bucket_key(database: &str, options: &BackupOptions, id: &str) -> String {
    let slug = crate::paths::slug(database);
    let stamp = chrono::Utc::now().format("%Y-%m-%d_%H%M%S");
    let short: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    match options.file_extension().as_str() {
        "" => format!("{slug}/{slug}_{stamp}_{short}"),
        ext => format!("{slug}/{slug}_{stamp}_{short}.{ext}"),
    }
}

/// Where a directory backup is staged before it is uploaded.
pub(crate) fn staging_dir() -> Result<PathBuf, EngineError> {
    crate::paths::staging_dir()
        .map_err(|e| EngineError::Io(format!("cannot create the staging folder: {e}")))
}

/// A backup into `bucket`, checked as far as it can be before it starts:
/// the options, the server and pg_dump, and the bucket itself (the upload
/// is begun now, so a wrong key, a missing bucket or a store that does not
/// answer is said before pg_dump runs).
pub async fn prepare_bucket_backup(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
    bucket: Arc<Bucket>,
) -> Result<PreparedBackup, EngineError> {
    prepare_bucket(id, conn, options, search, bucket, true).await
}

/// What a backup into `bucket` would run (its command, server and plan),
/// checked like [`prepare_bucket_backup`] except for the bucket itself,
/// which is not asked: for a dialog's preview as the options change. It
/// cannot be run.
pub async fn plan_bucket_backup(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
    bucket: Arc<Bucket>,
) -> Result<PreparedBackup, EngineError> {
    prepare_bucket(id, conn, options, search, bucket, false).await
}

async fn prepare_bucket(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
    bucket: Arc<Bucket>,
    begin: bool,
) -> Result<PreparedBackup, EngineError> {
    conn.validate()?;
    let key = bucket_key(&conn.effective_database(), options, id);
    let name = key.rsplit('/').next().unwrap_or(&key).to_string();
    let options = BackupOptions {
        output_path: PathBuf::from(&name),
        overwrite: false,
        ..options.clone()
    };
    options.validate()?;
    let cancel = CancelHandle::new();
    let (staging, sink, pending) = if !begin {
        (None, None, None)
    } else if options.format == BackupFormat::Directory {
        let steps = bucket.test().await;
        if let Some(failed) = steps.iter().find(|s| !s.ok) {
            return Err(EngineError::Storage {
                message: failed.detail.clone(),
                detail: String::new(),
            });
        }
        let staging = PartialOutput::beside(&staging_dir()?.join(&name), id)?;
        (Some(staging), None, None)
    } else {
        let (sink, pending) = bucket.upload(&key, &cancel).await?;
        let open: OpenSink = Box::new(move || Ok(Box::new(sink) as Box<dyn Sink>));
        (None, Some(open), Some(pending))
    };
    let target = BucketTarget {
        bucket,
        key,
        staging,
        sink,
        pending,
        cancel,
    };
    prepare(id, conn, &options, search, Target::Bucket(target)).await
}

impl BucketTarget {
    pub(crate) fn location(&self) -> String {
        self.bucket.location(&self.key)
    }

    pub(crate) fn take_sink(&mut self) -> Option<OpenSink> {
        self.sink.take()
    }

    /// Cancels the upload when the job is cancelled, so that a store that
    /// hangs does not hold the cancellation up.
    pub(crate) fn forward_cancel(&self, job: &CancelHandle) -> tokio::task::JoinHandle<()> {
        let job = job.clone();
        let upload = self.cancel.clone();
        tokio::spawn(async move {
            job.cancelled().await;
            upload.cancel();
        })
    }

    /// Writing into the upload failed: the store's reason when it gave one.
    pub(crate) fn upload_failed(&self, e: &std::io::Error) -> Explanation {
        let reason = self
            .pending
            .as_ref()
            .and_then(PendingUpload::failure)
            .map_or_else(|| e.to_string(), |f| f.message);
        Explanation {
            kind: FailureKind::Storage,
            summary: format!("uploading the backup to {} failed: {reason}", self.location()),
            hint: "No backup was kept: the upload was aborted, and nothing lists as a backup in the bucket. Fix the cause, then back up again.".into(),
        }
    }

    /// Completes the upload when the job succeeded, and checks it; aborts it
    /// otherwise. The backup's size when it was kept.
    pub(crate) async fn settle(
        mut self,
        succeeded: bool,
        outcome: &mut JobOutcome,
        emit: EventSink<'_>,
    ) -> Option<u64> {
        let location = self.location();
        let kept = if succeeded {
            let stored = match self.staging.take() {
                Some(staging) => self.upload_folder(staging, outcome, emit).await,
                None => self.complete_stream().await,
            };
            match stored {
                Ok(stored) => Some(stored),
                Err(summary) => {
                    outcome.error = Some(Explanation {
                        kind: FailureKind::Storage,
                        summary,
                        hint:
                            "No backup was kept in the bucket. Fix the cause, then back up again."
                                .into(),
                    });
                    None
                }
            }
        } else {
            None
        };
        if kept.is_none() {
            if let Some(pending) = self.pending.take() {
                if let Err(e) = pending.abort().await {
                    outcome.warnings.push(e.message);
                }
            }
        }
        let (size, sha256, listing) = kept?;
        if let Err(e) = self
            .bucket
            .put_new(&checksum_key(&self.key), listing.into_bytes())
            .await
        {
            outcome.warnings.push(format!(
                "the checksum file beside {location} could not be written: {e}"
            ));
        }
        outcome.sha256 = Some(sha256);
        outcome.location = Some(location);
        Some(size)
    }

    /// Completes the streamed upload and checks the store holds every byte.
    async fn complete_stream(&mut self) -> Result<(u64, String, String), String> {
        let pending = self.pending.take().ok_or("the upload had already ended")?;
        let location = self.location();
        let streamed = pending
            .complete()
            .await
            .map_err(|e| format!("the upload to {location} could not be completed: {e}"))?;
        match self.bucket.size(&self.key).await {
            Ok(size) if size == streamed.bytes => {}
            Ok(size) => {
                let _ = self.bucket.delete(&self.key).await;
                return Err(format!(
                    "the store holds {size} bytes at {location} where {} were sent: the object was deleted",
                    streamed.bytes
                ));
            }
            Err(e) => {
                return Err(format!(
                    "the upload to {location} completed but could not be checked: {e}"
                ))
            }
        }
        let listing = format!("{}  {}\n", streamed.sha256, self.file_name());
        Ok((streamed.bytes, streamed.sha256, listing))
    }

    /// Checks the staged folder reads as a backup, then uploads its files.
    async fn upload_folder(
        &self,
        staging: PartialOutput,
        outcome: &JobOutcome,
        emit: EventSink<'_>,
    ) -> Result<(u64, String, String), String> {
        let folder = staging.path().to_path_buf();
        let info = tusk_archive::read_info(&folder).map_err(|e| {
            format!("pg_dump reported success but its output is not a valid backup: {e}")
        })?;
        tusk_archive::check_data(&info).map_err(|e| {
            format!("pg_dump reported success but its output is not a valid backup: {e}")
        })?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let total: u64 = files
            .iter()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        let mut lines = Vec::new();
        let mut sent = 0;
        for file in &files {
            let name = file_name(file);
            emit(JobEvent::Progress(BackupProgress {
                phase: Phase::Verifying,
                current_object: Some(format!("uploading {name}")),
                bytes_written: sent as i64,
                ..outcome.progress.clone()
            }));
            let key = format!("{}/{name}", self.key);
            match self.bucket.upload_file(file, &key, &self.cancel).await {
                Ok((bytes, sha)) => {
                    sent += bytes;
                    lines.push(format!("{sha}  {}/{name}\n", self.file_name()));
                }
                Err(e) => {
                    self.remove_uploaded(&files).await;
                    return Err(format!(
                        "uploading {name} to {} failed: {e}",
                        self.location()
                    ));
                }
            }
        }
        debug_assert_eq!(sent, total);
        lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
        let listing: String = lines.concat();
        let digest = hex::encode(Sha256::digest(listing.as_bytes()));
        drop(staging);
        Ok((sent, digest, listing))
    }

    async fn remove_uploaded(&self, files: &[PathBuf]) {
        for file in files {
            let key = format!("{}/{}", self.key, file_name(file));
            if let Err(e) = self.bucket.delete(&key).await {
                tracing::warn!(key, error = %e, "an uploaded part of a failed backup could not be removed");
            }
        }
    }

    fn file_name(&self) -> String {
        self.key.rsplit('/').next().unwrap_or(&self.key).to_string()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Copies a local backup to `bucket` (3-2-1: the local file stays): checked
/// against its recorded SHA-256 first, uploaded under a key of its own (a
/// directory backup file by file), checked again by the SHA-256 of what went
/// up, then its `.sha256` and manifest beside it, and the copy recorded.
pub async fn copy_to_bucket(
    catalog: &Catalog,
    id: &str,
    bucket: &Bucket,
    cancel: &CancelHandle,
) -> Result<BackupRecord, EngineError> {
    let record = catalog.require_backup(id)?;
    let name = &bucket.destination().name;
    let refuse = |why: String| Err(EngineError::InvalidOptions(why));
    if !record.status.is_success() {
        return refuse(format!(
            "\"{}\" did not complete: there is no backup to copy",
            record.name
        ));
    }
    if record.is_remote_only() {
        return refuse(format!(
            "\"{}\" is in a bucket, not on this machine",
            record.name
        ));
    }
    if !record.file_exists {
        return refuse(format!(
            "{} is missing: there is nothing to copy",
            record.path.display()
        ));
    }
    if record.copies.iter().any(|c| &c.destination == name) {
        return refuse(format!("\"{}\" is already in {name}", record.name));
    }
    let nested = record.path.is_dir()
        && std::fs::read_dir(&record.path)
            .map(|entries| entries.filter_map(Result::ok).any(|e| e.path().is_dir()))
            .unwrap_or(false);
    if !record.parts.is_empty() && nested {
        return refuse(format!(
            "\"{}\" keeps its databases in the directory format, folders inside its folder, which Tusk does not copy to a bucket yet: back the server up in the custom or tar format to copy it",
            record.name
        ));
    }
    if let Some(sum) = record.sha256.clone() {
        let path = record.path.clone();
        tokio::task::spawn_blocking(move || crate::catalog::sidecar::check(&path, &sum))
            .await
            .map_err(|e| EngineError::Io(e.to_string()))?
            .map_err(|why| EngineError::Preflight(format!("not copied: {why}")))?;
    }
    let file = file_name(&record.path);
    let short: String = record
        .id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    // The listing names the object as it is in the bucket.
    let object = format!("{short}-{file}");
    let key = format!("{}/{object}", crate::paths::slug(&record.source.database));
    let (size, listing) = if record.path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&record.path)
            .map_err(|e| EngineError::Io(format!("cannot read {}: {e}", record.path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let mut lines = Vec::new();
        let mut size = 0;
        for f in &files {
            let part = format!("{key}/{}", file_name(f));
            let (bytes, sha) = bucket.upload_file(f, &part, cancel).await?;
            size += bytes;
            lines.push(format!(
                "{sha}  {}/{}\n",
                file_name(&record.path),
                file_name(f)
            ));
        }
        lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
        (size, lines.concat())
    } else {
        let (bytes, sha) = bucket.upload_file(&record.path, &key, cancel).await?;
        (bytes, format!("{sha}  {object}\n"))
    };
    let digest = if record.path.is_dir() {
        hex::encode(Sha256::digest(listing.as_bytes()))
    } else {
        listing
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    if record.sha256.as_deref().is_some_and(|s| s != digest) {
        let _ = delete_from_bucket(bucket, &key).await;
        return Err(EngineError::Preflight(format!(
            "{} changed while it was copied (its SHA-256 is no longer the recorded one): the copy was removed",
            record.path.display()
        )));
    }
    bucket
        .put_new(&checksum_key(&key), listing.into_bytes())
        .await?;
    let copy = BackupCopy {
        destination: name.clone(),
        key: key.clone(),
        size_bytes: Some(size),
        sha256: Some(digest),
        stored_at: chrono::Utc::now(),
    };
    let updated = catalog.add_copy(&record.id, &copy)?;
    let manifest = crate::catalog::sidecar::manifest_bytes(&updated, &object);
    bucket.put_new(&manifest_key(&key), manifest).await?;
    Ok(updated)
}

/// Deletes a backup made into a bucket: its manifest first (so that it no
/// longer lists), then its checksum and its object (or folder of objects).
pub async fn delete_from_bucket(bucket: &Bucket, key: &str) -> Result<(), EngineError> {
    bucket.delete(&manifest_key(key)).await?;
    bucket.delete(&checksum_key(key)).await?;
    for (object, _) in bucket.keys(&format!("{key}/")).await? {
        bucket.delete(&object).await?;
    }
    bucket.delete(key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_name_the_database() {
        let o = BackupOptions::default();
        let a = bucket_key("Shop DB", &o, "1a2b3c4d-0000");
        assert!(a.starts_with("shop-db/shop-db_"), "{a}");
        assert!(a.ends_with("_1a2b3c4d.backup"), "{a}");
        assert_ne!(a, bucket_key("Shop DB", &o, "99999999-0000"));
    }
}
