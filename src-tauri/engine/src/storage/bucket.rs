//! One S3-compatible bucket: objects written without overwriting, read,
//! listed and deleted, the "Test" probe, and the manifests that list its
//! backups for every machine that writes to it.

use crate::catalog::sidecar;
use crate::catalog::{BackupCopy, BackupReason, BackupRecord, Catalog, ImportReport};
use crate::error::EngineError;
use crate::jobs::CancelHandle;
use crate::storage::read::ObjectReader;
use crate::storage::upload::{start, Explain, PendingUpload, UploadSink};
use crate::storage::{Credentials, S3Destination, StorageError, StorageFailure};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    RetryConfig,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Bucket {
    dest: S3Destination,
    store: Arc<AmazonS3>,
    secret: String,
}

/// One step of [`Bucket::test`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TestStep {
    /// "write", "read", "delete".
    pub step: String,
    pub ok: bool,
    pub detail: String,
    pub failure: Option<StorageFailure>,
}

/// A backup found in a bucket through its manifest.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RemoteBackup {
    /// The backup's key, relative to the destination's prefix.
    pub key: String,
    pub record: BackupRecord,
}

/// The manifest's key beside a backup's key.
pub fn manifest_key(key: &str) -> String {
    format!("{key}{}", sidecar::MANIFEST_SUFFIX)
}

/// The `sha256sum` listing's key beside a backup's key.
pub fn checksum_key(key: &str) -> String {
    format!("{key}{}", sidecar::CHECKSUM_SUFFIX)
}

impl Bucket {
    /// A client for `dest`; nothing is sent until it is used.
    pub fn open(dest: &S3Destination, creds: &Credentials) -> Result<Bucket, EngineError> {
        dest.validate()?;
        if creds.secret_access_key.expose().is_empty() {
            return Err(EngineError::InvalidOptions(format!(
                "no secret access key for `{}`: give it in the config file, AWS_SECRET_ACCESS_KEY or --secret-stdin",
                dest.name
            )));
        }
        // reqwest leaves the choice of TLS implementation to the program.
        // ring's (rustls marks it deprecated for lacking post-quantum key
        // exchange) builds everywhere with no C toolchain beyond cc, the
        // Windows cross-check included, unlike aws-lc.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&dest.bucket)
            .with_region(&dest.region)
            .with_access_key_id(&creds.access_key_id)
            .with_secret_access_key(creds.secret_access_key.expose())
            .with_virtual_hosted_style_request(!dest.path_style)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(200),
                    max_backoff: Duration::from_secs(3),
                    base: 2.0,
                },
                max_retries: 4,
                retry_timeout: Duration::from_secs(30),
            })
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(true)
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(120)),
            );
        // The body's SHA-256 is signed only where nothing else protects it:
        // TLS does on https, and loopback has no wire to tamper with. Each
        // unsigned part saves a hash of it here and in the store (the
        // backup's own SHA-256 and size are checked all the same).
        builder = builder.with_unsigned_payload(unsigned_is_safe(dest.endpoint.as_deref()));
        if let Some(endpoint) = &dest.endpoint {
            builder = builder.with_endpoint(if dest.path_style {
                endpoint.trim_end_matches('/').to_string()
            } else {
                virtual_host(endpoint, &dest.bucket)
            });
        }
        let store = builder.build().map_err(|e| {
            EngineError::InvalidOptions(format!(
                "the destination `{}` cannot be used: {e}",
                dest.name
            ))
        })?;
        Ok(Bucket {
            dest: dest.clone(),
            store: Arc::new(store),
            secret: creds.secret_access_key.expose().to_string(),
        })
    }

    pub fn destination(&self) -> &S3Destination {
        &self.dest
    }

    /// `NAME:KEY`, as the command line and the history name it.
    pub fn location(&self, key: &str) -> String {
        format!("{}:{key}", self.dest.name)
    }

    fn path(&self, key: &str) -> Key {
        let prefix = self.dest.prefix.trim_matches('/');
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}/{key}")
        };
        Key::from(full)
    }

    /// `key` relative to the prefix, for an object the store listed.
    fn relative(&self, path: &Key) -> String {
        let prefix = self.dest.prefix.trim_matches('/');
        let full = path.as_ref();
        if prefix.is_empty() {
            full.to_string()
        } else {
            full.strip_prefix(&format!("{prefix}/"))
                .unwrap_or(full)
                .to_string()
        }
    }

    pub(crate) fn fail(&self, e: &object_store::Error, what: &str) -> StorageError {
        StorageError::explain(e, what, &self.dest, &self.secret)
    }

    /// Writes a small object that must not exist yet: refused when it does
    /// (asked first, for stores that ignore conditional writes, such as
    /// Garage), and sent as a conditional write (`If-None-Match: *`) so that
    /// a store that has them (AWS S3, R2, MinIO) refuses a racing writer too.
    pub async fn put_new(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let path = self.path(key);
        // A HEAD's refusal has no body to say why (a wrong key and a key
        // without permission look alike): only "it exists" counts here, and
        // the write says what else is wrong.
        if self.store.head(&path).await.is_ok() {
            return Err(StorageError {
                failure: StorageFailure::AlreadyExists,
                message: format!(
                    "{} already exists: nothing was overwritten",
                    self.location(key)
                ),
                detail: String::new(),
            });
        }
        let payload = PutPayload::from(bytes);
        let create = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match self.store.put_opts(&path, payload.clone(), create).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::NotImplemented { .. }) => self
                .store
                .put(&path, payload)
                .await
                .map(|_| ())
                .map_err(|e| self.fail(&e, "write")),
            Err(e) => Err(self.fail(&e, "write")),
        }
    }

    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let got = self
            .store
            .get(&self.path(key))
            .await
            .map_err(|e| self.fail(&e, "read"))?;
        Ok(got
            .bytes()
            .await
            .map_err(|e| self.fail(&e, "read"))?
            .to_vec())
    }

    /// Bytes of an object.
    pub async fn size(&self, key: &str) -> Result<u64, StorageError> {
        self.store
            .head(&self.path(key))
            .await
            .map(|m| m.size)
            .map_err(|e| self.fail(&e, "read"))
    }

    /// Deletes an object; a missing one is no error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.fail(&e, "delete")),
        }
    }

    /// Keys (relative to the prefix) of every object under `under`.
    pub async fn keys(&self, under: &str) -> Result<Vec<(String, u64)>, StorageError> {
        use futures_util::TryStreamExt;
        let prefix = self.path(under.trim_end_matches('/'));
        let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
        let listed: Vec<_> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|e| self.fail(&e, "list"))?;
        Ok(listed
            .into_iter()
            .map(|m| (self.relative(&m.location), m.size))
            .collect())
    }

    /// Every backup whose manifest is in the bucket, newest first, and the
    /// manifests that could not be read (key, why).
    pub async fn backups(
        &self,
    ) -> Result<(Vec<RemoteBackup>, Vec<(String, String)>), StorageError> {
        let mut found = Vec::new();
        let mut unreadable = Vec::new();
        for (key, _) in self.keys("").await? {
            let Some(backup_key) = key.strip_suffix(sidecar::MANIFEST_SUFFIX) else {
                continue;
            };
            let parsed = self
                .get_bytes(&key)
                .await
                .map_err(|e| e.message)
                .and_then(|bytes| sidecar::parse_manifest(&bytes));
            match parsed {
                Ok((_, mut record)) => {
                    // On this machine it is where this destination says.
                    record.path = std::path::PathBuf::new();
                    record.file_exists = false;
                    record.copies = vec![BackupCopy {
                        destination: self.dest.name.clone(),
                        key: backup_key.to_string(),
                        size_bytes: record.size_bytes,
                        sha256: record.sha256.clone(),
                        stored_at: record.finished_at.unwrap_or(record.started_at),
                    }];
                    found.push(RemoteBackup {
                        key: backup_key.to_string(),
                        record,
                    });
                }
                Err(why) => unreadable.push((key.clone(), why)),
            }
        }
        found.sort_by_key(|b| std::cmp::Reverse(b.record.started_at));
        Ok((found, unreadable))
    }

    /// Adds the bucket's backups to `catalog`'s history (as backups in this
    /// destination), after checking each manifest against the bucket: the
    /// `.sha256` beside the backup must give the checksum the manifest
    /// records. A backup already in the history gains this copy.
    pub async fn import_into(&self, catalog: &Catalog) -> Result<ImportReport, EngineError> {
        let (found, unreadable) = self.backups().await?;
        let mut report = ImportReport::default();
        for (key, why) in unreadable {
            report
                .skipped
                .push(format!("{}: {why}", self.location(&key)));
        }
        for mut remote in found {
            let location = self.location(&remote.key);
            if let Err(why) = self.check_manifest(&remote).await {
                report.skipped.push(format!("{location}: {why}"));
                continue;
            }
            let copy = remote.record.copies[0].clone();
            if let Some(known) = catalog.get_backup(&remote.record.id)? {
                if !known
                    .copies
                    .iter()
                    .any(|c| c.destination == copy.destination)
                {
                    catalog.add_copy(&known.id, &copy)?;
                }
                report.already_known.push(known.id);
                continue;
            }
            let record = &mut remote.record;
            record.reason = BackupReason::Imported;
            record.schedule_id = None;
            catalog.insert_imported(record)?;
            catalog.add_copy(&record.id, &copy)?;
            report.imported.push(record.id.clone());
        }
        Ok(report)
    }

    /// A manifest describes what is beside it: completed, with a checksum
    /// file that gives the same SHA-256.
    async fn check_manifest(&self, remote: &RemoteBackup) -> Result<(), String> {
        let record = &remote.record;
        if !record.status.is_success() {
            return Err(format!(
                "its manifest says the backup did not complete ({})",
                record.status.as_str()
            ));
        }
        let sha = record
            .sha256
            .as_deref()
            .ok_or("its manifest records no checksum")?;
        let listing = self
            .get_bytes(&checksum_key(&remote.key))
            .await
            .map_err(|e| format!("its checksum file cannot be read: {e}"))?;
        let listing = String::from_utf8_lossy(&listing);
        let first = listing.split_whitespace().next().unwrap_or_default();
        let of_listing = hex::encode(Sha256::digest(listing.as_bytes()));
        if first != sha && of_listing != sha {
            return Err(format!(
                "its manifest records SHA-256 {sha}, but the checksum file beside it says otherwise: one of them was changed"
            ));
        }
        Ok(())
    }

    /// Downloads `key` into `to`, returning its size and SHA-256.
    pub async fn download(
        &self,
        key: &str,
        to: &std::path::Path,
        cancel: &CancelHandle,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(u64, String), StorageError> {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let got = self
            .store
            .get(&self.path(key))
            .await
            .map_err(|e| self.fail(&e, "read"))?;
        let mut stream = got.into_stream();
        let mut file = tokio::fs::File::create(to)
            .await
            .map_err(|e| StorageError::other(format!("cannot write {}: {e}", to.display())))?;
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        loop {
            let chunk = tokio::select! {
                c = stream.next() => c,
                _ = cancel.cancelled() => return Err(StorageError::other("cancelled")),
            };
            let Some(chunk) = chunk else { break };
            let chunk = chunk.map_err(|e| self.fail(&e, "read"))?;
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
            file.write_all(&chunk)
                .await
                .map_err(|e| StorageError::other(format!("cannot write {}: {e}", to.display())))?;
            progress(bytes);
        }
        file.flush()
            .await
            .map_err(|e| StorageError::other(format!("cannot write {}: {e}", to.display())))?;
        Ok((bytes, hex::encode(hasher.finalize())))
    }

    /// Reads `key` as it downloads (see [`ObjectReader`]): made on the
    /// runtime, read on a thread of its own.
    pub fn reader(&self, key: &str) -> ObjectReader {
        ObjectReader::new(self.store.clone(), self.path(key), self.failer())
    }

    /// Starts a multipart upload to `key`: bytes written to the sink go up in
    /// parts as they come; the upload becomes an object only when
    /// [`PendingUpload::complete`] is called, and is aborted otherwise.
    pub async fn upload(
        &self,
        key: &str,
        cancel: &CancelHandle,
    ) -> Result<(UploadSink, PendingUpload), StorageError> {
        let upload = self
            .store
            .put_multipart(&self.path(key))
            .await
            .map_err(|e| self.fail(&e, "write"))?;
        Ok(start(upload, self.failer(), cancel.clone()))
    }

    /// Uploads a local file to `key` (a part of a directory backup, a copy).
    pub async fn upload_file(
        &self,
        from: &std::path::Path,
        key: &str,
        cancel: &CancelHandle,
    ) -> Result<(u64, String), StorageError> {
        let (mut sink, pending) = self.upload(key, cancel).await?;
        let from = from.to_path_buf();
        let written = tokio::task::spawn_blocking(move || -> std::io::Result<UploadSink> {
            let mut file = std::fs::File::open(&from)?;
            std::io::copy(&mut file, &mut sink)?;
            Ok(sink)
        })
        .await
        .map_err(|e| StorageError::other(e.to_string()))?;
        let sink = match written {
            Ok(sink) => sink,
            Err(e) => {
                let _ = pending.abort().await;
                return Err(StorageError::other(format!("uploading failed: {e}")));
            }
        };
        let finished =
            tokio::task::spawn_blocking(move || crate::jobs::Sink::finish(Box::new(sink)))
                .await
                .map_err(|e| StorageError::other(e.to_string()))?;
        if let Err(e) = finished {
            let failure = pending.abort().await.err();
            return Err(
                failure.unwrap_or_else(|| StorageError::other(format!("uploading failed: {e}")))
            );
        }
        pending.complete().await.map(|s| (s.bytes, s.sha256))
    }

    fn failer(&self) -> Explain {
        let dest = self.dest.clone();
        let secret = self.secret.clone();
        Arc::new(move |e, what| StorageError::explain(e, what, &dest, &secret))
    }

    /// Writes, reads back and deletes a probe object; each step's result,
    /// stopping at the first that fails.
    pub async fn test(&self) -> Vec<TestStep> {
        let key = format!(".tusk-probe-{}", uuid::Uuid::new_v4().simple());
        let body = format!("Tusk Backup checked that it can write here ({key})").into_bytes();
        let mut steps = Vec::new();
        let step = |name: &str, r: Result<String, StorageError>| match r {
            Ok(detail) => TestStep {
                step: name.into(),
                ok: true,
                detail,
                failure: None,
            },
            Err(e) => TestStep {
                step: name.into(),
                ok: false,
                detail: e.message,
                failure: Some(e.failure),
            },
        };
        let wrote = self.put_new(&key, body.clone()).await;
        let ok = wrote.is_ok();
        steps.push(step(
            "write",
            wrote.map(|_| format!("wrote {} ({} bytes)", self.location(&key), body.len())),
        ));
        if !ok {
            return steps;
        }
        let read = match self.get_bytes(&key).await {
            Ok(b) if b == body => Ok("read it back, byte for byte".to_string()),
            Ok(b) => Err(StorageError::other(format!(
                "read back {} bytes that differ from the {} written: the store does not return what it stored",
                b.len(),
                body.len()
            ))),
            Err(e) => Err(e),
        };
        let ok = read.is_ok();
        steps.push(step("read", read));
        let deleted = self.delete(&key).await.map(|_| "deleted it".to_string());
        steps.push(step("delete", deleted));
        if !ok {
            steps.retain(|s| s.step != "delete" || !s.ok);
        }
        steps
    }
}

/// An https endpoint (AWS's when none is given), or one on loopback.
fn unsigned_is_safe(endpoint: Option<&str>) -> bool {
    let Some(endpoint) = endpoint else {
        return true;
    };
    match url::Url::parse(endpoint) {
        Ok(u) if u.scheme() == "https" => true,
        Ok(u) => match u.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        },
        Err(_) => false,
    }
}

/// `https://bucket.host:port` from `https://host:port`.
fn virtual_host(endpoint: &str, bucket: &str) -> String {
    match url::Url::parse(endpoint) {
        Ok(mut u) => {
            if let Some(host) = u.host_str().map(str::to_owned) {
                if !host.starts_with(&format!("{bucket}.")) {
                    let _ = u.set_host(Some(&format!("{bucket}.{host}")));
                }
            }
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => endpoint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn payloads_are_signed_where_nothing_else_protects_them() {
        assert!(super::unsigned_is_safe(None));
        assert!(super::unsigned_is_safe(Some("https://s3.example.com")));
        assert!(super::unsigned_is_safe(Some("http://127.0.0.1:3900")));
        assert!(super::unsigned_is_safe(Some("http://localhost:3900")));
        assert!(!super::unsigned_is_safe(Some("http://10.0.0.5:3900")));
        assert!(!super::unsigned_is_safe(Some("http://minio.lan:9000")));
    }

    #[test]
    fn virtual_host_puts_the_bucket_in_the_host() {
        assert_eq!(
            super::virtual_host("https://s3.example.com:9000/", "b"),
            "https://b.s3.example.com:9000"
        );
        assert_eq!(
            super::virtual_host("https://b.s3.example.com", "b"),
            "https://b.s3.example.com"
        );
    }
}
