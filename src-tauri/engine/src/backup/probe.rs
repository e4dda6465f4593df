//! Measuring a dump in flight: COPY progress on the server, the bytes
//! written to the file or streamed to the bucket, and pg_dump's log lines.

use crate::jobs::output::path_size;
use crate::jobs::progress::{pg_dump_signal, ItemKind, Signal, Tracker};
use crate::jobs::Probe;
use crate::server::Server;
use std::collections::HashMap;
use std::path::PathBuf;

use super::STREAM_RATIO;

pub(super) fn dump_signal(line: &str) -> Option<Signal> {
    if line == "pg_dump: saving database definition" {
        return Some(Signal::Start("schema".into()));
    }
    pg_dump_signal(line)
}

/// What grows as a backup is written.
pub(super) enum Written {
    File(PathBuf),
    /// Bytes read from pg_dump's stdout (streamed to a bucket).
    Stream(std::sync::Arc<std::sync::atomic::AtomicU64>),
}

/// Measures a dump in flight: COPY progress on the server (rows against the
/// planner's estimate, or bytes against the table's size when the table was
/// never analysed), bytes on disk.
pub(super) struct DumpProbe<'a> {
    pub(super) server: Server<'a>,
    pub(super) app: String,
    pub(super) written: Written,
    pub(super) rows: &'a HashMap<String, u64>,
    /// When the server was last asked (a query through the job's psql session).
    pub(super) asked: Option<std::time::Instant>,
    /// zstd: bytes pg_dump has written to us so far.
    pub(super) streamed: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// The table being dumped and the stream's length when it began.
    pub(super) current: Option<(usize, u64)>,
    /// The stream's length at the previous poll.
    pub(super) seen: u64,
}

impl DumpProbe<'_> {
    /// zstd: the table pg_dump is writing (one at a time in a custom
    /// archive) measured by the bytes it has sent since it began, against
    /// its size on the server. `false` when no table is known to run.
    fn measure_stream(&mut self, tracker: &mut Tracker) -> bool {
        let Some(streamed) = &self.streamed else {
            return false;
        };
        let now = streamed.load(std::sync::atomic::Ordering::Relaxed);
        let before = std::mem::replace(&mut self.seen, now);
        let Some((i, weight)) = tracker
            .running()
            .find(|(_, item)| item.kind == ItemKind::Data)
            .map(|(i, item)| (i, item.weight))
        else {
            return false;
        };
        // A table that began since the last poll began after what had been
        // streamed by then.
        let start = match self.current {
            Some((at, start)) if at == i => start,
            _ => {
                self.current = Some((i, before));
                before
            }
        };
        let expected = (weight * STREAM_RATIO).max(1.0);
        tracker.set_fraction(i, (now - start) as f64 / expected);
        true
    }
}

impl Probe for DumpProbe<'_> {
    async fn poll(&mut self, tracker: &mut Tracker, _pgid: u32) {
        tracker.set_bytes(match &self.written {
            Written::File(path) => path_size(path),
            Written::Stream(sent) => sent.load(std::sync::atomic::Ordering::Relaxed),
        });
        // The stream measures a zstd dump without asking the server.
        if self.measure_stream(tracker) {
            return;
        }
        if self
            .asked
            .is_some_and(|at| at.elapsed() < crate::jobs::SERVER_PROBE_EVERY)
        {
            return;
        }
        self.asked = Some(std::time::Instant::now());
        let Ok(copies) = self.server.copy_progress(&self.app).await else {
            return;
        };
        for copy in copies {
            let key = format!("TABLE DATA {}.{}", copy.schema, copy.name);
            if let Some(i) = tracker.find(&key) {
                let fraction = match self.rows.get(&key) {
                    Some(&rows) if rows > 0 => copy.tuples as f64 / rows as f64,
                    _ => copy.bytes as f64 / tracker.items()[i].weight.max(1.0),
                };
                tracker.set_fraction(i, fraction);
            }
        }
    }
}
