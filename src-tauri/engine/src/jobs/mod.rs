//! Runs one tool as a job: its own process group, stderr streamed into the log
//! and the progress tracker, probes polled while it runs, at most 20 reports a
//! second, cancellation that takes the whole group down, and exactly one
//! outcome.

mod input;
pub mod output;
pub mod progress;

use crate::explain::Explanation;
use crate::jobs::progress::{BackupProgress, Signal, Throttle, Tracker};
use crate::platform;
use crate::server::connection::ToolEnv;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

/// Lines of log kept per job, however long it runs.
pub const LOG_CAPACITY: usize = 2000;
/// Lines sent with an outcome.
const TAIL_LINES: usize = 30;
/// Probes read file positions this often; their server queries (through one
/// kept-open psql session) are spaced by [`SERVER_PROBE_EVERY`].
const PROBE_EVERY: Duration = Duration::from_millis(200);
pub(crate) const SERVER_PROBE_EVERY: Duration = Duration::from_millis(500);
const PROBE_TIMEOUT: Duration = Duration::from_millis(800);
const KILL_GRACE: Duration = Duration::from_millis(700);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum JobType {
    Backup,
    Restore,
    /// Checksum, archive and test restore of a backup in the catalog.
    Verify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum JobStatus {
    Pending,
    Running,
    Completed,
    CompletedWithWarnings,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn is_terminal(&self) -> bool {
        !matches!(self, JobStatus::Pending | JobStatus::Running)
    }
}

/// The one terminal state of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JobOutcome {
    pub job_id: String,
    pub job_type: JobType,
    pub status: JobStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub exit_code: Option<i32>,
    /// The backup written (backups that completed only).
    pub output_path: Option<PathBuf>,
    pub size_bytes: Option<u64>,
    /// Why it failed, in plain words.
    pub error: Option<Explanation>,
    /// Warnings worth a look even though the job completed.
    pub warnings: Vec<String>,
    /// Error lines the tool printed (bounded).
    pub errors: Vec<String>,
    /// The last lines of the log.
    pub last_lines: Vec<String>,
    /// The command that ran, without the password.
    pub command: String,
    pub progress: BackupProgress,
    /// The catalog record of the backup this job wrote; for a restore, of the
    /// safety backup taken of the target first.
    #[serde(default)]
    pub backup_id: Option<String>,
    /// SHA-256 of the backup written.
    #[serde(default)]
    pub sha256: Option<String>,
    /// A restore's safety backup of the target, taken before it was touched.
    #[serde(default)]
    pub safety_backup: Option<PathBuf>,
    /// A backup made into a bucket: `DEST:KEY`.
    #[serde(default)]
    pub location: Option<String>,
    /// A restore's last step: the restored tables' rows on the target
    /// against the backup's (none when they could not be known).
    #[serde(default)]
    pub row_check: Option<RowCheck>,
}

/// Each restored table's rows on the target, compared with the backup's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RowCheck {
    pub tables: u32,
    /// Rows in the backup, all tables compared together.
    pub rows: u64,
    pub differing: Vec<RowDifference>,
    /// "12 tables, 1,204,388 rows, all match", or which differ.
    pub summary: String,
}

/// A table whose rows on the target are not the backup's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RowDifference {
    /// `schema.table`.
    pub table: String,
    pub expected: u64,
    /// `None`: the table could not be counted (it is missing).
    pub found: Option<u64>,
}

impl JobOutcome {
    /// A job that ended now with `status`, with nothing else to report: the
    /// one place an outcome is made; each job fills in what it knows with
    /// `JobOutcome { field, ..JobOutcome::ended(…) }`.
    pub fn ended(
        job_id: impl Into<String>,
        job_type: JobType,
        started_at: DateTime<Utc>,
        status: JobStatus,
    ) -> JobOutcome {
        let finished_at = Utc::now();
        JobOutcome {
            job_id: job_id.into(),
            job_type,
            status,
            started_at,
            finished_at,
            duration_ms: (finished_at - started_at).num_milliseconds().max(0),
            exit_code: None,
            output_path: None,
            size_bytes: None,
            error: None,
            warnings: Vec::new(),
            errors: Vec::new(),
            last_lines: Vec::new(),
            command: String::new(),
            progress: BackupProgress::default(),
            backup_id: None,
            sha256: None,
            safety_backup: None,
            location: None,
            row_check: None,
        }
    }
}

/// What a job tells the outside world while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "data")]
pub enum JobEvent {
    Progress(BackupProgress),
    Log(Vec<String>),
    Finished(Box<JobOutcome>),
}

pub type EventSink<'a> = &'a (dyn Fn(JobEvent) + Send + Sync);

/// Measures items in flight (server progress views, file positions).
pub trait Probe: Send {
    fn poll(
        &mut self,
        tracker: &mut Tracker,
        pgid: u32,
    ) -> impl std::future::Future<Output = ()> + Send;
}

/// A probe that measures nothing.
pub struct NoProbe;

impl Probe for NoProbe {
    async fn poll(&mut self, _: &mut Tracker, _: u32) {}
}

/// Where the tool's stdin comes from.
pub enum Input {
    Null,
    /// A gzip file decompressed by us into the tool's stdin; progress is the
    /// compressed bytes consumed.
    Gunzip(PathBuf),
    /// What a reader gives (a download, decrypted and decompressed), read
    /// on a thread of its own. Its last chunk reaches the tool only once
    /// the reader has said it ended well: a reader that checks the whole
    /// stream at its end (a checksum) fails before the tool can finish. An
    /// error of the reader stops the tool and is the job's error. (In a
    /// mutex only to be shared between threads before it is read.)
    Reader(std::sync::Mutex<Box<dyn std::io::Read + Send>>),
}

/// Where the tool's stdout goes.
pub enum Output {
    Null,
    /// Into a sink (a file, an upload) opened on the writer thread,
    /// compressed by us with zstd at `zstd`'s level on the way (the fast
    /// preset: `pg_dump -Fc -Z0 | zstd`) or as it comes; `streamed` counts
    /// the bytes read from the tool, for progress.
    Stream {
        open: OpenSink,
        zstd: Option<i32>,
        streamed: std::sync::Arc<std::sync::atomic::AtomicU64>,
    },
}

/// Opens a job's sink, on the thread that writes into it.
pub type OpenSink = Box<dyn FnOnce() -> std::io::Result<Box<dyn Sink>> + Send + Sync>;

/// Where a tool's output is written: a file, an upload.
pub trait Sink: std::io::Write + Send {
    /// Everything written is stored (synced to disk, every part uploaded);
    /// it is not the backup yet: the job decides that.
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

/// One tool invocation.
pub struct ToolRun<'a> {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: &'a ToolEnv,
    pub input: Input,
    pub output: Output,
    /// Turns a log line into a progress signal.
    pub parse: fn(&str) -> Option<Signal>,
}

/// How the tool ended, before the caller judges the result.
pub struct RunResult {
    pub exit_code: Option<i32>,
    pub cancelled: bool,
    pub log: BoundedLog,
    pub progress: BackupProgress,
    pub spawn_error: Option<String>,
    /// Writing the tool's stdout failed (e.g. the disk filled up).
    pub output_error: Option<std::io::Error>,
    /// Reading what went to the tool's stdin failed (a download, a
    /// checksum, damaged data); the tool was stopped.
    pub input_error: Option<std::io::Error>,
}

/// The last `LOG_CAPACITY` lines, plus every error line (bounded too).
#[derive(Default)]
pub struct BoundedLog {
    lines: VecDeque<String>,
    pub errors: Vec<String>,
    pub dropped: usize,
}

impl BoundedLog {
    pub fn push(&mut self, line: String) {
        if is_error_line(&line) && self.errors.len() < 200 {
            self.errors.push(line.clone());
        }
        if self.lines.len() == LOG_CAPACITY {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(line);
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }

    pub fn tail(&self) -> Vec<String> {
        let skip = self.lines.len().saturating_sub(TAIL_LINES);
        self.lines.iter().skip(skip).cloned().collect()
    }
}

fn is_error_line(line: &str) -> bool {
    line.contains("error:")
        || line.contains("ERROR:")
        || line.contains("FATAL:")
        || line.contains("DETAIL:")
        || line.contains("Command was:")
}

/// Cancels a running job from anywhere.
#[derive(Clone, Default)]
pub struct CancelHandle(CancellationToken);

impl CancelHandle {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancel()
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    pub async fn cancelled(&self) {
        self.0.cancelled().await
    }

    /// A handle cancelled with this one, or on its own.
    pub fn child(&self) -> Self {
        Self(self.0.child_token())
    }
}

/// Runs the tool to the end (or to cancellation), feeding `tracker`.
pub async fn run_tool<P: Probe>(
    run: ToolRun<'_>,
    tracker: &mut Tracker,
    probe: &mut P,
    cancel: &CancelHandle,
    emit: EventSink<'_>,
) -> RunResult {
    let mut log = BoundedLog::default();
    let tool = run
        .program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut child = match spawn(&run) {
        Ok(child) => {
            // The arguments hold no secret (the password goes by a file).
            tracing::info!(%tool, pid = child.id(), args = ?run.args, "tool started");
            child
        }
        Err(e) => {
            tracing::error!(%tool, error = %e, "tool could not be started");
            return RunResult {
                exit_code: None,
                cancelled: false,
                log,
                progress: tracker.snapshot(),
                spawn_error: Some(format!("{}: {e}", run.program.display())),
                output_error: None,
                input_error: None,
            };
        }
    };
    let pgid = child.id().unwrap_or(0);
    let source = input::source(run.input);
    let mut feeder = source
        .zip(child.stdin.take())
        .map(|(source, stdin)| tokio::spawn(input::feed(source, stdin)));
    let mut input_error = None;
    let writer = match run.output {
        Output::Stream {
            open,
            zstd,
            streamed,
        } => child
            .stdout
            .take()
            .map(|stdout| tokio::spawn(write_stream(stdout, open, zstd, streamed))),
        Output::Null => None,
    };
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut throttle = Throttle::new(20);
    let mut pending: Vec<String> = Vec::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(50));
    let mut next_probe = tokio::time::Instant::now();
    let mut stderr_open = true;
    let mut cancelled = false;

    let status = loop {
        tokio::select! {
            line = lines.next_line(), if stderr_open => match line {
                Ok(Some(line)) => {
                    let line = run.env.scrub(&line);
                    if let Some(signal) = (run.parse)(&line) {
                        tracker.apply(signal);
                    }
                    pending.push(line.clone());
                    log.push(line);
                }
                _ => stderr_open = false,
            },
            // Cancelled, the tool's end is enough: workers it forked may
            // still hold stderr open for a moment (the portable platform
            // layer stops the tool only).
            status = child.wait(), if !stderr_open || cancelled => break status.ok(),
            _ = cancel.cancelled(), if !cancelled => {
                cancelled = true;
                platform::terminate(&mut child, pgid, KILL_GRACE).await;
            }
            fed = async { feeder.as_mut().expect("guarded").await }, if feeder.is_some() => {
                feeder = None;
                match fed.unwrap_or_else(|e| Err((std::io::Error::other(e), None))) {
                    // The tool stopped reading: its own end says why.
                    Err((e, stdin)) if e.kind() != std::io::ErrorKind::BrokenPipe && !cancelled => {
                        tracing::warn!(%tool, error = %e, "the tool's input failed: stopping it");
                        input_error = Some(e);
                        platform::terminate(&mut child, pgid, KILL_GRACE).await;
                        // Closed only now that the tool cannot take it for an end.
                        drop(stdin);
                    }
                    _ => {}
                }
            }
            _ = ticker.tick() => {
                if tokio::time::Instant::now() >= next_probe && !cancelled {
                    tokio::select! {
                        _ = tokio::time::timeout(PROBE_TIMEOUT, probe.poll(tracker, pgid)) => {}
                        _ = cancel.cancelled() => {}
                    }
                    next_probe = tokio::time::Instant::now() + PROBE_EVERY;
                }
                if throttle.ready() {
                    flush(tracker, &mut pending, emit);
                }
            }
        }
    };
    if let Some(feeder) = feeder {
        // An input that failed as the tool ended still explains the end.
        if feeder.is_finished() && !cancelled {
            if let Ok(Err((e, _))) = feeder.await {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    input_error = Some(e);
                }
            }
        } else {
            feeder.abort();
        }
    }
    // Workers forked by the tool (pg_dump -j) must not outlive it.
    platform::kill_leftovers(pgid);
    if !pending.is_empty() {
        emit(JobEvent::Log(std::mem::take(&mut pending)));
    }
    // The tool has exited, so its stdout is at its end: the writer finishes.
    let output_error = match writer {
        Some(writer) => match writer.await {
            Ok(result) => result.err(),
            Err(e) => Some(std::io::Error::other(e)),
        },
        None => None,
    };
    let exit_code = status.and_then(|s| s.code());
    tracing::info!(%tool, ?exit_code, cancelled, errors = log.errors.len(), "tool ended");
    RunResult {
        exit_code,
        cancelled,
        log,
        progress: tracker.snapshot(),
        spawn_error: None,
        output_error,
        input_error,
    }
}

fn flush(tracker: &mut Tracker, pending: &mut Vec<String>, emit: EventSink<'_>) {
    if !pending.is_empty() {
        emit(JobEvent::Log(std::mem::take(pending)));
    }
    emit(JobEvent::Progress(tracker.snapshot()));
}

fn spawn(run: &ToolRun<'_>) -> std::io::Result<tokio::process::Child> {
    let mut cmd = tokio::process::Command::new(&run.program);
    cmd.args(&run.args)
        .stdin(match run.input {
            Input::Null => Stdio::null(),
            Input::Gunzip(_) | Input::Reader(_) => Stdio::piped(),
        })
        .stdout(match run.output {
            Output::Null => Stdio::null(),
            Output::Stream { .. } => Stdio::piped(),
        })
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    platform::own_process_group(&mut cmd);
    run.env.apply(&mut cmd);
    platform::die_with_parent(&mut cmd);
    cmd.spawn()
}

/// Writes the tool's stdout into its sink (compressed, when asked) on a
/// blocking thread. If writing fails, the pipe is closed, so the tool stops
/// on its next write instead of blocking forever.
async fn write_stream(
    mut stdout: tokio::process::ChildStdout,
    open: OpenSink,
    zstd: Option<i32>,
    streamed: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let sink = open()?;
        match zstd {
            Some(level) => {
                let mut encoder = zstd::stream::write::Encoder::new(sink, level)?;
                encoder.include_checksum(true)?;
                while let Some(chunk) = rx.blocking_recv() {
                    encoder.write_all(&chunk)?;
                }
                encoder.finish()?.finish()
            }
            None => {
                let mut sink = sink;
                while let Some(chunk) = rx.blocking_recv() {
                    sink.write_all(&chunk)?;
                }
                sink.finish()
            }
        }
    });
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = stdout.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        streamed.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        // The writer has stopped on an error: its result says which.
        if tx.send(buf[..n].to_vec()).await.is_err() {
            break;
        }
    }
    drop(tx);
    drop(stdout);
    writer.await.map_err(std::io::Error::other)?
}
