//! An object read as a plain `std::io::Read`, for the threads that decrypt,
//! decompress and feed it to a tool: the download starts on the first read
//! and runs on the async runtime, a few chunks ahead of the reader; dropping
//! the reader stops it.

use crate::storage::upload::Explain;
use bytes::Bytes;
use object_store::aws::AmazonS3;
use object_store::path::Path as Key;
use object_store::ObjectStoreExt;
use std::io::{self, Read};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Chunks downloaded ahead of the reader.
const AHEAD: usize = 4;

pub struct ObjectReader {
    start: Option<Start>,
    chunks: Option<mpsc::Receiver<io::Result<Bytes>>>,
    current: Bytes,
    /// A failed download stays failed, however often it is read again.
    failed: Option<String>,
}

struct Start {
    runtime: tokio::runtime::Handle,
    store: Arc<AmazonS3>,
    path: Key,
    explain: Explain,
}

impl ObjectReader {
    /// Must be made on the runtime; read on a thread of its own.
    pub(crate) fn new(store: Arc<AmazonS3>, path: Key, explain: Explain) -> Self {
        ObjectReader {
            start: Some(Start {
                runtime: tokio::runtime::Handle::current(),
                store,
                path,
                explain,
            }),
            chunks: None,
            current: Bytes::new(),
            failed: None,
        }
    }

    fn started(&mut self) -> &mut mpsc::Receiver<io::Result<Bytes>> {
        if let Some(start) = self.start.take() {
            let (tx, rx) = mpsc::channel(AHEAD);
            start.runtime.spawn(async move {
                use futures_util::StreamExt;
                let failed = |e: &object_store::Error| {
                    io::Error::other((start.explain)(e, "read").to_string())
                };
                let mut stream = match start.store.get(&start.path).await {
                    Ok(got) => got.into_stream(),
                    Err(e) => {
                        let _ = tx.send(Err(failed(&e))).await;
                        return;
                    }
                };
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| failed(&e));
                    let stop = chunk.is_err();
                    // The reader is gone: so is the need for the rest.
                    if tx.send(chunk).await.is_err() || stop {
                        return;
                    }
                }
            });
            self.chunks = Some(rx);
        }
        self.chunks.as_mut().expect("started")
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            if let Some(why) = &self.failed {
                return Err(io::Error::other(why.clone()));
            }
            match self.started().blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => self.failed = Some(e.to_string()),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}
