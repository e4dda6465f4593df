//! A backup in a bucket, brought down for a restore or a verification: into
//! a private staging folder, hashed on the way and compared with the
//! `.sha256` beside it before anything reads it. Removed when dropped.

use crate::error::EngineError;
use crate::jobs::CancelHandle;
use crate::storage::bucket::checksum_key;
use crate::storage::{Bucket, StorageFailure};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub struct Fetched {
    path: PathBuf,
    /// The SHA-256 as a local backup records it (of the file, or of a
    /// directory backup's listing).
    pub sha256: String,
    pub bytes: u64,
    _dir: tempfile::TempDir,
}

impl Fetched {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Downloads the backup at `key` (a file, or a directory backup's folder of
/// objects). With `check`, the `.sha256` beside it must exist and match.
pub async fn fetch_backup(
    bucket: &Bucket,
    key: &str,
    check: bool,
    cancel: &CancelHandle,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<Fetched, EngineError> {
    let location = bucket.location(key);
    let listing = recorded_checksum(bucket, key, check).await?;
    let staging = crate::paths::staging_dir()
        .map_err(|e| EngineError::Io(format!("cannot create the staging folder: {e}")))?;
    let dir = tempfile::Builder::new()
        .prefix(".tusk-fetch-")
        .tempdir_in(&staging)
        .map_err(|e| EngineError::Io(format!("cannot write to {}: {e}", staging.display())))?;
    let name = key.rsplit('/').next().unwrap_or(key).to_string();
    let path = dir.path().join(&name);
    let parts = bucket.keys(&format!("{key}/")).await?;
    let (bytes, sha256, ours) = if parts.is_empty() {
        let (bytes, sha) = bucket.download(key, &path, cancel, progress).await?;
        let line = format!("{sha}  {name}\n");
        (bytes, sha, line)
    } else {
        std::fs::create_dir(&path)
            .map_err(|e| EngineError::Io(format!("cannot create {}: {e}", path.display())))?;
        let mut lines = Vec::new();
        let mut total = 0;
        for (part, _) in &parts {
            let file = part.rsplit('/').next().unwrap_or(part);
            let so_far = total;
            let (bytes, sha) = bucket
                .download(part, &path.join(file), cancel, &|n| progress(so_far + n))
                .await?;
            total += bytes;
            lines.push(format!("{sha}  {name}/{file}\n"));
        }
        lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
        let listing: String = lines.concat();
        let digest = hex::encode(Sha256::digest(listing.as_bytes()));
        (total, digest, listing)
    };
    if let (true, Some(recorded)) = (check, &listing) {
        let (theirs, mine) = (listed(recorded), listed(&ours));
        if theirs != mine {
            let changed: Vec<&str> = mine
                .iter()
                .filter(|l| !theirs.contains(l))
                .map(|(_, f)| *f)
                .collect();
            return Err(EngineError::Preflight(format!(
                "{location} does not match the SHA-256 recorded beside it ({}): the backup changed or was damaged in the bucket after it was made; nothing was restored",
                if changed.is_empty() {
                    "its listing differs".to_string()
                } else {
                    format!("{} differ{}", changed.join(", "), if changed.len() == 1 { "s" } else { "" })
                }
            )));
        }
    }
    Ok(Fetched {
        path,
        sha256,
        bytes,
        _dir: dir,
    })
}

/// A `sha256sum` listing as (hash, file) pairs, sorted; a folder's files
/// without the folder's name, which differs between the machine that made
/// the backup and the key of its copy in the bucket.
fn listed(listing: &str) -> Vec<(&str, &str)> {
    let mut entries: Vec<(&str, &str)> = listing
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, name)| (hash, name.split_once('/').map_or(name, |(_, file)| file)))
        .collect();
    entries.sort();
    entries
}

/// The `.sha256` beside `key` (`HASH  NAME` lines); with `check`, one must
/// be there.
pub(super) async fn recorded_checksum(
    bucket: &Bucket,
    key: &str,
    check: bool,
) -> Result<Option<String>, EngineError> {
    let listing = match bucket.get_bytes(&checksum_key(key)).await {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.failure == StorageFailure::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if check && listing.is_none() {
        return Err(EngineError::Preflight(format!(
            "{} has no .sha256 beside it, so it cannot be checked before it is used: it may not be a complete Tusk backup (restore with --ignore-checksum to use it anyway)",
            bucket.location(key)
        )));
    }
    Ok(listing)
}
