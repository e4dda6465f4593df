//! Ctrl+C, SIGTERM and SIGHUP stop whatever `tusk` is doing, in any phase:
//! a running job is cancelled (its tools stopped, its partial output
//! removed) and a pre-flight is abandoned (its psql probes killed with it).
//! The exit code then says which signal it was (130, 143, 129).

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;
#[cfg(unix)]
use tokio::signal::unix::{signal, SignalKind};
use tusk_engine::CancelHandle;

static CANCEL: OnceLock<CancelHandle> = OnceLock::new();
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Starts listening; called once, first thing in `main`.
#[cfg(unix)]
pub fn install() {
    let cancel = CANCEL.get_or_init(CancelHandle::new).clone();
    for kind in [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ] {
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                let _ = RECEIVED.compare_exchange(
                    0,
                    kind.as_raw_value(),
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
                cancel.cancel();
            }
        });
    }
}

/// Elsewhere (Windows): Ctrl+C, with SIGINT's exit code (130).
#[cfg(not(unix))]
pub fn install() {
    let cancel = CANCEL.get_or_init(CancelHandle::new).clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = RECEIVED.compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst);
            cancel.cancel();
        }
    });
}

static JOB_STARTED: AtomicBool = AtomicBool::new(false);

/// Cancelled when a signal arrives.
pub fn cancel_handle() -> CancelHandle {
    CANCEL.get_or_init(CancelHandle::new).child()
}

/// The handle of a job about to run: from now on a signal cancels the job,
/// which then ends by itself (stopping its tools, removing its partial
/// output, recording how it ended) instead of being dropped.
pub fn job_handle() -> CancelHandle {
    JOB_STARTED.store(true, Ordering::SeqCst);
    cancel_handle()
}

/// The exit code for the signal received, if one was: 128 + its number.
pub fn exit_code() -> Option<u8> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        n => u8::try_from(128 + n).ok(),
    }
}

/// Runs `work` until it ends, or until a signal arrives before any job has
/// started: then the work is dropped (the processes it started are killed
/// with it) and `None` is given.
pub async fn until_signal<T>(work: impl std::future::Future<Output = T>) -> Option<T> {
    let cancel = cancel_handle();
    tokio::pin!(work);
    tokio::select! {
        done = &mut work => return Some(done),
        _ = cancel.cancelled() => {}
    }
    if JOB_STARTED.load(Ordering::SeqCst) {
        Some(work.await)
    } else {
        None
    }
}
