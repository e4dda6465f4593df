//! A backup the engine can read: one in a bucket (`DEST:KEY`, or a history
//! record made there) is downloaded and checked against its `.sha256`; an
//! encrypted one is decrypted with the saved passphrase. The copies live in
//! the private staging folder while the dialog that asked for them, and the
//! restore it starts, need them: the last few are kept, older ones removed.

use crate::destinations::Destinations;
use crate::error::{AppError, AppResult};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tusk_engine::crypt::{decrypt_backup, is_encrypted, Decrypted};
use tusk_engine::restore::remote::{fetch_backup, Fetched};
use tusk_engine::restore::stream::{
    open_backup, open_encrypted_file, open_stream, Streamable, Streamed,
};
use tusk_engine::{CancelHandle, EngineError, RestoreOptions};

/// Copies kept at once (a dialog's backup, and one being restored).
const KEPT: usize = 2;

pub struct Readable {
    /// What the engine reads.
    pub path: PathBuf,
    _fetched: Option<Fetched>,
    _decrypted: Option<Decrypted>,
}

#[derive(Default)]
pub struct ReadableCache(Mutex<Vec<(PathBuf, bool, Arc<Readable>)>>);

impl Destinations {
    /// The bucket and key `input` names, when it is `DEST:KEY` of a saved
    /// destination and no local file.
    pub fn in_bucket(&self, input: &Path) -> Option<(String, String)> {
        if input.exists() {
            return None;
        }
        let (name, key) = tusk_engine::storage::parse_location(input.to_str()?)?;
        let known = self
            .view()
            .destinations
            .iter()
            .any(|d| d.destination.name == name);
        known.then(|| (name.to_string(), key.to_string()))
    }

    /// `input` opened to be read as it comes, by a restore with `options`
    /// or (`None`) for its information only: in a bucket, as it downloads;
    /// an encrypted local file, as it is decrypted. `None` when it is
    /// neither, or must be downloaded or decrypted first
    /// ([`ReadableCache::get`]).
    pub async fn streamed(
        &self,
        input: &Path,
        options: Option<&RestoreOptions>,
    ) -> AppResult<Option<Box<Streamed>>> {
        let decrypt = self.decrypt_key();
        let saved = decrypt.is_some();
        let opened = match self.in_bucket(input) {
            Some((name, key)) => {
                let bucket = self.bucket(&name)?;
                let check = options.is_none_or(|o| !o.ignore_checksum);
                match options {
                    Some(o) => open_stream(&bucket, &key, o, check, decrypt).await,
                    None => open_backup(&bucket, &key, check, decrypt).await,
                }
            }
            None if is_encrypted(input) => open_encrypted_file(input, options, decrypt).await,
            None => return Ok(None),
        };
        match opened {
            Ok(Streamable::Streamed(s)) => Ok(Some(s)),
            Ok(Streamable::Download { why, .. }) => {
                tracing::info!(%why, "the backup is downloaded before it is read");
                Ok(None)
            }
            Err(EngineError::Preflight(m)) if !saved && m.contains("is encrypted (age)") => {
                Err(needs_passphrase(input))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `input` must be downloaded or decrypted before the engine
    /// reads it ([`ReadableCache::get`]).
    pub fn needs_reading(&self, input: &Path) -> bool {
        self.in_bucket(input).is_some() || is_encrypted(input)
    }
}

impl ReadableCache {
    /// `input` as a local file the engine reads: downloaded when it is in a
    /// bucket of `destinations`, and (with `decrypt`) decrypted with the
    /// saved passphrase when it is encrypted.
    pub async fn get(
        &self,
        destinations: &Destinations,
        input: &Path,
        decrypt: bool,
    ) -> AppResult<Arc<Readable>> {
        let key = (input.to_path_buf(), decrypt);
        if let Some(hit) = self.find(&key) {
            return Ok(hit);
        }
        let fetched = match destinations.in_bucket(input) {
            Some((name, key)) => {
                let bucket = destinations.bucket(&name)?;
                Some(fetch_backup(&bucket, &key, true, &CancelHandle::new(), &|_| {}).await?)
            }
            None => None,
        };
        let path = fetched
            .as_ref()
            .map_or_else(|| input.to_path_buf(), |f| f.path().to_path_buf());
        let decrypted = if decrypt && is_encrypted(&path) {
            let to = path.clone();
            let with = destinations
                .decrypt_key()
                .ok_or_else(|| needs_passphrase(input))?;
            Some(
                tauri::async_runtime::spawn_blocking(move || decrypt_backup(&to, Some(&with)))
                    .await
                    .map_err(|e| AppError::Io(format!("decrypting stopped unexpectedly: {e}")))??,
            )
        } else {
            None
        };
        let readable = Arc::new(Readable {
            path: decrypted.as_ref().map_or(path, |d| d.path().to_path_buf()),
            _fetched: fetched,
            _decrypted: decrypted,
        });
        self.keep(key, readable.clone());
        Ok(readable)
    }

    fn find(&self, key: &(PathBuf, bool)) -> Option<Arc<Readable>> {
        let kept = self.0.lock().expect("readable cache");
        kept.iter()
            .find(|(p, d, _)| (p, d) == (&key.0, &key.1))
            .map(|(_, _, r)| r.clone())
    }

    fn keep(&self, key: (PathBuf, bool), readable: Arc<Readable>) {
        let mut kept = self.0.lock().expect("readable cache");
        kept.push((key.0, key.1, readable));
        while kept.len() > KEPT {
            // Removed once no job still reads it (the Arc's last holder).
            kept.remove(0);
        }
    }
}

fn needs_passphrase(input: &Path) -> AppError {
    AppError::Invalid(format!(
        "{} is encrypted: save its passphrase, or the private key of one of its recipients, under Destinations → Encryption to read it",
        input.display()
    ))
}
