//! A streamed multipart upload. The job's writer thread writes into an
//! [`UploadSink`] (hashing on the way); full parts go to a task that keeps
//! at most two in flight, so memory stays flat whatever the backup's size.
//! The object appears only when the job, having judged the result, calls
//! [`PendingUpload::complete`]; a failure, a cancellation or a dropped
//! `PendingUpload` aborts the upload so that no parts stay behind.

use crate::jobs::{CancelHandle, Sink};
use crate::storage::StorageError;
use bytes::Bytes;
use object_store::{MultipartUpload, PutPayload, PutResult};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Parts grow with the upload so that S3's limit of 10,000 parts allows
/// ~1.7 TB: 16 MiB for the first 1,000, then 64 MiB, then 256 MiB.
fn part_size(parts_sent: usize) -> usize {
    match parts_sent {
        0..1000 => 16 << 20,
        1000..4000 => 64 << 20,
        _ => 256 << 20,
    }
}

/// Parts uploading at once: memory is about (this + 2) parts, whatever the
/// backup's size.
const IN_FLIGHT: usize = 3;

/// Turns a store's error into a user's message (what was being done).
pub(crate) type Explain = Arc<dyn Fn(&object_store::Error, &str) -> StorageError + Send + Sync>;

enum Msg {
    Part(Bytes),
    /// Every part was sent: answer once all are stored.
    Flushed(oneshot::Sender<()>),
}

/// What went up: its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streamed {
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Default)]
struct Shared {
    streamed: Option<Streamed>,
    failure: Option<StorageError>,
}

/// The writing end, for a blocking thread (`std::io::Write`).
pub struct UploadSink {
    tx: mpsc::Sender<Msg>,
    buf: Vec<u8>,
    parts: usize,
    hasher: Sha256,
    bytes: u64,
    shared: Arc<Mutex<Shared>>,
}

/// The deciding end, kept by the job.
pub struct PendingUpload {
    decide: Option<oneshot::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<Result<Option<PutResult>, StorageError>>>,
    shared: Arc<Mutex<Shared>>,
}

pub(crate) fn start(
    upload: Box<dyn MultipartUpload>,
    explain: Explain,
    cancel: CancelHandle,
) -> (UploadSink, PendingUpload) {
    let (tx, rx) = mpsc::channel(1);
    let (decide, decision) = oneshot::channel();
    let shared = Arc::new(Mutex::new(Shared::default()));
    let task = tokio::spawn(drive(upload, rx, decision, cancel, explain, shared.clone()));
    (
        UploadSink {
            tx,
            buf: Vec::with_capacity(part_size(0)),
            parts: 0,
            hasher: Sha256::new(),
            bytes: 0,
            shared: shared.clone(),
        },
        PendingUpload {
            decide: Some(decide),
            task: Some(task),
            shared,
        },
    )
}

impl UploadSink {
    fn stopped(&self) -> std::io::Error {
        let shared = self.shared.lock().expect("upload state");
        std::io::Error::other(
            shared
                .failure
                .as_ref()
                .map_or_else(|| "the upload stopped".to_string(), |f| f.message.clone()),
        )
    }

    fn send(&mut self, part: Vec<u8>) -> std::io::Result<()> {
        self.parts += 1;
        self.tx
            .blocking_send(Msg::Part(Bytes::from(part)))
            .map_err(|_| self.stopped())
    }
}

impl std::io::Write for UploadSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(data);
        self.bytes += data.len() as u64;
        self.buf.extend_from_slice(data);
        let size = part_size(self.parts);
        if self.buf.len() >= size {
            let rest = self.buf.split_off(size);
            let part = std::mem::replace(&mut self.buf, rest);
            self.buf.reserve(part_size(self.parts + 1));
            self.send(part)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink for UploadSink {
    /// Sends the last part and waits until every part is stored.
    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        let last = std::mem::take(&mut self.buf);
        if !last.is_empty() || self.parts == 0 {
            self.send(last)?;
        }
        let (ack, stored) = oneshot::channel();
        self.tx
            .blocking_send(Msg::Flushed(ack))
            .map_err(|_| self.stopped())?;
        stored.blocking_recv().map_err(|_| self.stopped())?;
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        self.shared.lock().expect("upload state").streamed = Some(Streamed {
            bytes: self.bytes,
            sha256,
        });
        Ok(())
    }
}

impl PendingUpload {
    /// Makes the upload an object; what was streamed into it.
    pub async fn complete(mut self) -> Result<Streamed, StorageError> {
        let streamed = self.shared.lock().expect("upload state").streamed.clone();
        let Some(streamed) = streamed else {
            self.decide(false).await.ok();
            return Err(StorageError::other(
                "the upload was not finished, so it was not kept",
            ));
        };
        match self.decide(true).await? {
            Some(_) => Ok(streamed),
            None => Err(StorageError::other("the upload was cancelled")),
        }
    }

    /// Drops the upload and its parts; `Err` when the store could not be
    /// told (its parts then stay until the bucket's lifecycle removes them).
    pub async fn abort(mut self) -> Result<(), StorageError> {
        match self.decide(false).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let failure = self.shared.lock().expect("upload state").failure.clone();
                // The failure that stopped the upload was already reported.
                match failure {
                    Some(f) if f.message == e.message => Ok(()),
                    _ => Err(e),
                }
            }
        }
    }

    /// Why the upload stopped, if it did on its own.
    pub fn failure(&self) -> Option<StorageError> {
        self.shared.lock().expect("upload state").failure.clone()
    }

    async fn decide(&mut self, keep: bool) -> Result<Option<PutResult>, StorageError> {
        if let Some(decide) = self.decide.take() {
            let _ = decide.send(keep);
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|e| StorageError::other(format!("the upload task failed: {e}")))?,
            None => Ok(None),
        }
    }
}

impl Drop for PendingUpload {
    fn drop(&mut self) {
        // Undecided: the task aborts the upload on its own.
        if let Some(decide) = self.decide.take() {
            let _ = decide.send(false);
        }
    }
}

async fn drive(
    mut upload: Box<dyn MultipartUpload>,
    mut rx: mpsc::Receiver<Msg>,
    decision: oneshot::Receiver<bool>,
    cancel: CancelHandle,
    explain: Explain,
    shared: Arc<Mutex<Shared>>,
) -> Result<Option<PutResult>, StorageError> {
    let mut in_flight = VecDeque::new();
    let sent: Result<bool, StorageError> = async {
        loop {
            let msg = tokio::select! {
                m = rx.recv() => m,
                _ = cancel.cancelled() => return Ok(false),
            };
            match msg {
                Some(Msg::Part(bytes)) => {
                    in_flight.push_back(tokio::spawn(upload.put_part(PutPayload::from(bytes))));
                    while in_flight.len() > IN_FLIGHT {
                        wait_part(in_flight.pop_front(), &explain).await?;
                    }
                }
                Some(Msg::Flushed(ack)) => {
                    while let Some(part) = in_flight.pop_front() {
                        wait_part(Some(part), &explain).await?;
                    }
                    let _ = ack.send(());
                    return Ok(true);
                }
                // The writer stopped without finishing (failed, cancelled).
                None => return Ok(false),
            }
        }
    }
    .await;
    let keep = match sent {
        Ok(true) => tokio::select! {
            d = decision => d.unwrap_or(false),
            _ = cancel.cancelled() => false,
        },
        Ok(false) => false,
        Err(e) => {
            shared.lock().expect("upload state").failure = Some(e.clone());
            drop(rx);
            for part in in_flight.drain(..) {
                part.abort();
            }
            return Err(match upload.abort().await {
                Ok(()) => e,
                Err(a) => with_leftover(e, &explain(&a, "abort the upload")),
            });
        }
    };
    drop(rx);
    for part in in_flight.drain(..) {
        part.abort();
    }
    if keep {
        match upload.complete().await {
            Ok(put) => Ok(Some(put)),
            Err(e) => {
                let failure = explain(&e, "complete the upload");
                let _ = upload.abort().await;
                shared.lock().expect("upload state").failure = Some(failure.clone());
                Err(failure)
            }
        }
    } else {
        match upload.abort().await {
            Ok(()) => Ok(None),
            Err(a) => Err(explain(&a, "abort the upload")),
        }
    }
}

async fn wait_part(
    part: Option<tokio::task::JoinHandle<object_store::Result<()>>>,
    explain: &Explain,
) -> Result<(), StorageError> {
    let Some(part) = part else { return Ok(()) };
    match part.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(explain(&e, "write")),
        Err(e) => Err(StorageError::other(format!("an upload part failed: {e}"))),
    }
}

fn with_leftover(e: StorageError, abort: &StorageError) -> StorageError {
    StorageError {
        message: format!(
            "{}; its parts could not be removed either ({}): the bucket keeps them until its lifecycle rule for incomplete uploads removes them",
            e.message, abort.message
        ),
        ..e
    }
}
