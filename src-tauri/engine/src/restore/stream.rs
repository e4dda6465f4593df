//! A backup in a bucket restored as it downloads, straight into pg_restore's
//! stdin: decrypted and decompressed on the way, hashed, and checked against
//! the `.sha256` beside it before pg_restore gets its last bytes, so that a
//! backup that does not match never finishes a restore. An encrypted local
//! file is read the same way, decrypted as pg_restore reads it (its
//! checksum checked before, as any local backup's). Only where that is
//! enough to leave the target as it was: pg_restore reads a custom archive
//! in order to its very end (no parallel or partial restore), inside one
//! transaction or into a new database that is removed again. Anything else
//! is downloaded first ([`super::remote::fetch_backup`]).

use super::remote::recorded_checksum;
use crate::crypt::{self, Decrypt};
use crate::error::EngineError;
use crate::jobs::Input;
use crate::options::RestoreOptions;
use crate::storage::Bucket;
use sha2::{Digest, Sha256};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tusk_archive::BackupInfo;

/// A backup that a restore reads as it comes: from a bucket as it
/// downloads, or an encrypted local file as it is decrypted.
pub struct Streamed {
    source: Source,
    location: String,
    /// Its size in the bucket.
    pub size: u64,
    /// What the `.sha256` beside it says (`None`: not checked).
    sha256: Option<String>,
    decrypt: Option<Arc<Decrypt>>,
    /// Read from the head of the stream: its table of contents.
    pub info: BackupInfo,
    /// Bytes of the object read so far.
    consumed: Arc<AtomicU64>,
}

/// Where a streamed backup's bytes come from.
enum Source {
    Bucket {
        bucket: Bucket,
        key: String,
    },
    /// An encrypted file here: its checksum is checked before, like any
    /// local backup's, and it is decrypted as pg_restore reads it.
    File(PathBuf),
}

impl Source {
    /// Made on the runtime (a download starts there).
    fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Source::Bucket { bucket, key } => Box::new(bucket.reader(key)),
            Source::File(path) => Box::new(std::fs::File::open(path)?),
        })
    }
}

/// How a restore reads a backup in a bucket.
pub enum Streamable {
    Streamed(Box<Streamed>),
    /// Downloaded first, because `why`; the key comes back for that.
    Download {
        why: String,
        decrypt: Option<Decrypt>,
    },
}

/// Why a restore with `o` cannot read the backup as it downloads.
fn why_download(o: &RestoreOptions) -> Option<&'static str> {
    if o.jobs > 1 {
        return Some("a parallel restore reads the backup out of order, from a file");
    }
    if o.schema_only
        || o.tables.is_some()
        || o.schemas.is_some()
        || o.toc_entries.is_some()
        || !o.extra_args.is_empty()
    {
        return Some(
            "a partial restore stops before the backup's end, where its checksum is checked",
        );
    }
    if !(o.single_transaction() || o.create_database || o.create_from_archive || o.swap) {
        return Some(
            "outside a single transaction, tables would be committed before the checksum at the backup's end is checked",
        );
    }
    None
}

/// Opens the backup at `key` for a restore with `options`: its `.sha256`
/// (which must be there with `check`) and its table of contents, read from
/// the head of the object (decrypted with `decrypt`). Tells why not when
/// the restore must download it first instead. Options that cannot work
/// are refused first.
pub async fn open_stream(
    bucket: &Bucket,
    key: &str,
    options: &RestoreOptions,
    check: bool,
    decrypt: Option<Decrypt>,
) -> Result<Streamable, EngineError> {
    // Options that cannot work are refused before anything is downloaded.
    options.validate()?;
    if let Some(why) = why_download(options) {
        return Ok(Streamable::Download {
            why: why.to_string(),
            decrypt,
        });
    }
    open_backup(bucket, key, check, decrypt).await
}

/// The backup at `key` opened to be read as it downloads, whatever reads
/// it (a restore, the info of a dialog): its `.sha256` (required with
/// `check`) and its table of contents from the head of the object. One
/// that is not a single custom archive must be downloaded instead.
pub async fn open_backup(
    bucket: &Bucket,
    key: &str,
    check: bool,
    decrypt: Option<Decrypt>,
) -> Result<Streamable, EngineError> {
    let download = |why: &str, decrypt| {
        Ok(Streamable::Download {
            why: why.to_string(),
            decrypt,
        })
    };
    if !bucket.keys(&format!("{key}/")).await?.is_empty() {
        return download("a directory backup is a folder of files", decrypt);
    }
    let location = bucket.location(key);
    let sha256 = recorded_checksum(bucket, key, check)
        .await?
        .filter(|_| check)
        .and_then(|listing| listing.split_whitespace().next().map(str::to_string));
    let size = bucket.size(key).await?;
    let source = Source::Bucket {
        bucket: bucket.clone(),
        key: key.to_string(),
    };
    opened(source, location, size, sha256, decrypt).await
}

/// An encrypted local backup opened to be decrypted as pg_restore reads it
/// (by a restore with `options`, or `None` for its information only),
/// instead of into a decrypted copy first. Its checksum is the history's,
/// checked before the restore like any local backup's.
pub async fn open_encrypted_file(
    path: &Path,
    options: Option<&RestoreOptions>,
    decrypt: Option<Decrypt>,
) -> Result<Streamable, EngineError> {
    if let Some(options) = options {
        options.validate()?;
        if let Some(why) = why_download(options) {
            return Ok(Streamable::Download {
                why: why.to_string(),
                decrypt,
            });
        }
    }
    let size = std::fs::metadata(path)
        .map_err(|e| EngineError::Io(format!("cannot read {}: {e}", path.display())))?
        .len();
    let source = Source::File(path.to_path_buf());
    opened(source, path.display().to_string(), size, None, decrypt).await
}

/// `source` opened: its table of contents read from its head (decrypted
/// with `decrypt`), or why it must be read whole first.
async fn opened(
    source: Source,
    location: String,
    size: u64,
    sha256: Option<String>,
    decrypt: Option<Decrypt>,
) -> Result<Streamable, EngineError> {
    let decrypt = decrypt.map(Arc::new);
    let reader = source
        .reader()
        .map_err(|e| EngineError::Io(format!("cannot read {location}: {e}")))?;
    let (key_for_head, shown) = (decrypt.clone(), location.clone());
    let head = tokio::task::spawn_blocking(move || read_head(reader, key_for_head, &shown, size))
        .await
        .map_err(|e| EngineError::Io(e.to_string()))??;
    let Some((info, encrypted)) = head else {
        let decrypt = decrypt.and_then(|d| Arc::try_unwrap(d).ok());
        return Ok(Streamable::Download {
            why: "only a custom-format archive streams into pg_restore".into(),
            decrypt,
        });
    };
    Ok(Streamable::Streamed(Box::new(Streamed {
        source,
        location,
        size,
        sha256,
        decrypt: decrypt.filter(|_| encrypted),
        info,
        consumed: Arc::new(AtomicU64::new(0)),
    })))
}

/// The table of contents at the head of the object, and whether it is
/// encrypted; `None` when it holds no custom archive.
fn read_head(
    reader: Box<dyn Read + Send>,
    decrypt: Option<Arc<Decrypt>>,
    shown: &str,
    size: u64,
) -> Result<Option<(BackupInfo, bool)>, EngineError> {
    let name = PathBuf::from(shown);
    let mut raw = BufReader::with_capacity(1 << 16, reader);
    let head = raw
        .fill_buf()
        .map_err(|e| EngineError::Preflight(e.to_string()))?;
    if !crypt::is_age(head) {
        return Ok(tusk_archive::read_stream_toc(&name, raw, size)?.map(|i| (i, false)));
    }
    let key = decrypt.ok_or_else(|| crypt::needs_key(shown))?;
    let plain = BufReader::new(crypt::decrypting(raw, &key, shown)?);
    let info = tusk_archive::read_stream_toc(&name, plain, size).map_err(|e| match e {
        tusk_archive::ArchiveError::Io { source, .. } if crypt::is_damage(&source) => {
            EngineError::Preflight(crypt::damaged(shown, &source))
        }
        other => other.into(),
    })?;
    Ok(info.map(|i| (i, true)))
}

impl Streamed {
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Whether it is checked against a `.sha256` as it downloads.
    pub fn checks(&self) -> bool {
        self.sha256.is_some()
    }

    /// A local file (its checksum is checked before it is read).
    pub fn is_local(&self) -> bool {
        matches!(self.source, Source::File(_))
    }

    /// What feeds pg_restore, as a shell would say it.
    pub(crate) fn describe(&self) -> String {
        let zstd = if self.info.zstd { " | zstd -dc" } else { "" };
        match &self.source {
            Source::Bucket { .. } => format!(
                "(download {} and check it{})",
                self.location,
                if self.info.zstd { ", zstd -dc" } else { "" }
            ),
            Source::File(path) => format!(
                "(age -d {}{zstd})",
                crate::server::command::shell_quote(&path.display().to_string())
            ),
        }
    }

    /// Bytes of the object read so far, and its size.
    pub(crate) fn progress(&self) -> (Arc<AtomicU64>, u64) {
        (self.consumed.clone(), self.size)
    }

    /// What pg_restore reads: the object as it downloads, checked at its
    /// end. Made on the runtime.
    pub(crate) fn input(&self) -> io::Result<Input> {
        let raw = Arc::new(Mutex::new(Raw {
            reader: self.source.reader()?,
            hasher: Sha256::new(),
            consumed: self.consumed.clone(),
            failed: false,
        }));
        Ok(Input::Reader(Mutex::new(Box::new(Checked {
            raw,
            plain: None,
            location: self.location.clone(),
            sha256: self.sha256.clone(),
            decrypt: self.decrypt.clone(),
            zstd: self.info.zstd,
            failed: None,
        }))))
    }
}

/// The object's bytes as they come, hashed and counted.
struct Raw {
    reader: Box<dyn Read + Send>,
    hasher: Sha256,
    consumed: Arc<AtomicU64>,
    /// The download itself failed (its message says how).
    failed: bool,
}

#[derive(Clone)]
struct RawHandle(Arc<Mutex<Raw>>);

impl Read for RawHandle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut raw = self.0.lock().expect("raw");
        match raw.reader.read(buf) {
            Ok(n) => {
                raw.hasher.update(&buf[..n]);
                raw.consumed.fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                raw.failed = true;
                Err(e)
            }
        }
    }
}

/// The archive as pg_restore reads it: decrypted and decompressed from the
/// object; its end comes only once the whole object matched its checksum.
struct Checked {
    raw: Arc<Mutex<Raw>>,
    plain: Option<Box<dyn Read + Send>>,
    location: String,
    sha256: Option<String>,
    decrypt: Option<Arc<Decrypt>>,
    zstd: bool,
    /// Failed once, failed for good.
    failed: Option<String>,
}

impl Checked {
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let raw = BufReader::with_capacity(1 << 18, RawHandle(self.raw.clone()));
        let plain: Box<dyn BufRead + Send> = match &self.decrypt {
            Some(key) => Box::new(BufReader::new(
                crypt::decrypting(raw, key, &self.location)
                    .map_err(|e| io::Error::other(e.to_string()))?,
            )),
            None => Box::new(raw),
        };
        Ok(if self.zstd {
            Box::new(zstd::stream::read::Decoder::with_buffer(plain)?)
        } else {
            Box::new(plain)
        })
    }

    /// What went wrong reading, in words about the backup.
    fn explain(&self, e: io::Error) -> io::Error {
        let shown = &self.location;
        if self.raw.lock().expect("raw").failed {
            return io::Error::other(format!("reading {shown} failed: {e}"));
        }
        if self.decrypt.is_some() && crypt::is_damage(&e) {
            return io::Error::other(crypt::damaged(shown, &e));
        }
        if self.zstd {
            return io::Error::other(format!(
                "{shown} is damaged: its zstd-compressed data does not decompress ({e})"
            ));
        }
        e
    }

    /// The end of the archive: the rest of the object is hashed too, and
    /// must match the `.sha256`.
    fn check_end(&self) -> io::Result<()> {
        let mut rest = RawHandle(self.raw.clone());
        io::copy(&mut rest, &mut io::sink()).map_err(|e| self.explain(e))?;
        let Some(expected) = &self.sha256 else {
            return Ok(());
        };
        let raw = self.raw.lock().expect("raw");
        let found = hex::encode(raw.hasher.clone().finalize());
        if !found.eq_ignore_ascii_case(expected) {
            return Err(io::Error::other(format!(
                "{} does not match the SHA-256 recorded beside it (it has {found}, the .sha256 says {expected}): the backup changed or was damaged in the bucket after it was made, and the restore was stopped before pg_restore read its end",
                self.location
            )));
        }
        Ok(())
    }

    fn read_checked(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.plain.is_none() {
            self.plain = Some(self.open()?);
        }
        let n = match self.plain.as_mut().expect("opened").read(buf) {
            Ok(n) => n,
            Err(e) => return Err(self.explain(e)),
        };
        if n == 0 && !buf.is_empty() {
            self.check_end()?;
        }
        Ok(n)
    }
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(why) = &self.failed {
            return Err(io::Error::other(why.clone()));
        }
        self.read_checked(buf)
            .inspect_err(|e| self.failed = Some(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_restore_in_one_transaction_or_a_new_database_streams() {
        let whole = RestoreOptions {
            single_transaction: Some(true),
            jobs: 1,
            ..Default::default()
        };
        assert_eq!(why_download(&whole), None);
        let refused = |o: RestoreOptions| why_download(&o).is_some();
        assert!(refused(RestoreOptions {
            jobs: 4,
            ..whole.clone()
        }));
        assert!(refused(RestoreOptions {
            tables: Some(vec!["public.t".into()]),
            ..whole.clone()
        }));
        assert!(refused(RestoreOptions {
            schema_only: true,
            ..whole.clone()
        }));
        assert!(refused(RestoreOptions {
            extra_args: vec!["--section=data".into()],
            ..whole.clone()
        }));
        let outside = RestoreOptions {
            single_transaction: Some(false),
            ..whole.clone()
        };
        assert!(refused(outside.clone()));
        // A new database is removed again when the checksum fails.
        assert_eq!(
            why_download(&RestoreOptions {
                create_database: true,
                ..outside.clone()
            }),
            None
        );
        assert_eq!(
            why_download(&RestoreOptions {
                swap: true,
                ..outside
            }),
            None
        );
    }
}
