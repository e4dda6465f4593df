//! A backup: checked and planned before it starts (options, connection,
//! pg_dump matched to the server, table sizes), then run into a temporary name
//! that becomes the backup only once the result reads back as a valid archive.

mod probe;

use probe::{dump_signal, DumpProbe, Written};
pub mod recorded;
pub mod remote;

use crate::error::EngineError;
use crate::explain::{explain, Explanation, FailureKind};
use crate::jobs::output::{file_sink, PartialOutput};
use crate::jobs::progress::{ItemKind, Phase, Signal, Tracker, WorkItem};
use crate::jobs::{
    run_tool, CancelHandle, EventSink, Input, JobEvent, JobOutcome, JobStatus, JobType, OpenSink,
    Output, RunResult, ToolRun,
};
use crate::options::{BackupFormat, BackupOptions, CompressionMethod};
use crate::pattern::NamePattern;
use crate::server::command::{pg_dump_args, shell_quote, CommandLine};
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{discover, pick, ToolChoice, ToolSearch};
use crate::server::{Server, ServerInfo, TableStat};
use chrono::Utc;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// Cost of one small catalog item, in bytes of table data that take as long.
pub(crate) const DDL_COST: f64 = 100_000.0;

/// An uncompressed custom archive's bytes per byte of table on the server
/// (COPY text against heap pages; 388 MiB for 412 MiB in bench/).
const STREAM_RATIO: f64 = 0.9;

/// Reading a zstd backup back before it is kept (decompressing it whole)
/// costs this fraction of dumping its data (0.33 s against 1.9 s in bench/).
const CHECK_COST: f64 = 0.17;

/// What pg_dump's catalog work before the data weighs in a zstd dump, in
/// bytes of table data: ~0.2 s at the ~200 MB/s the data streams (bench/).
const ZSTD_DEFINITION_COST: f64 = 40_000_000.0;

/// A backup ready to run: everything that could be checked has been.
pub struct PreparedBackup {
    pub id: String,
    pub options: BackupOptions,
    pub server: ServerInfo,
    pub pg_dump: ToolChoice,
    conn: ConnectionSpec,
    env: ToolEnv,
    psql: PathBuf,
    plan: Vec<WorkItem>,
    /// Bytes of the tables whose rows are dumped, as the server counts them.
    data_bytes: u64,
    /// Planner row estimates by item key, to measure COPY progress in rows.
    rows: HashMap<String, u64>,
    target: Target,
    command: CommandLine,
}

/// Where a backup is written.
pub(crate) enum Target {
    /// A local file or folder, under a temporary name until it is checked.
    File(PartialOutput),
    /// A bucket: streamed into a multipart upload, or (the directory
    /// format) staged locally and uploaded file by file.
    Bucket(remote::BucketTarget),
}

impl Target {
    /// Where pg_dump writes itself (`-f`); `None`: to its stdout.
    fn tool_output(&self) -> Option<&std::path::Path> {
        match self {
            Target::File(partial) => Some(partial.path()),
            Target::Bucket(b) => b.staging.as_ref().map(PartialOutput::path),
        }
    }
}

/// What the dialog and `--dry-run` show before a backup starts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupPlan {
    pub command: String,
    pub server: ServerInfo,
    pub pg_dump: ToolChoice,
    pub tables: usize,
    pub estimated_bytes: u64,
}

/// The name under which tools connect for job `id` (found again in
/// pg_stat_activity by the progress probes).
pub(crate) fn app_name(kind: &str, id: &str) -> String {
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    format!("tusk-{kind}-{id}")
}

pub async fn prepare_backup(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
) -> Result<PreparedBackup, EngineError> {
    options.validate()?;
    conn.validate()?;
    let partial = PartialOutput::beside(&options.output_path, id)?;
    prepare(id, conn, options, search, Target::File(partial)).await
}

/// Everything but the target, checked: the server, pg_dump, the plan.
pub(crate) async fn prepare(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
    target: Target,
) -> Result<PreparedBackup, EngineError> {
    if options.scope != crate::options::BackupScope::Database {
        return Err(EngineError::InvalidOptions(
            "a whole-server or roles-and-tablespaces backup runs as its own job (tusk backup --server or --globals-only): this one backs up a single database".into(),
        ));
    }
    let found = discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let env = conn.tool_env(&app_name("backup", id))?;
    let server_conn = Server::new(&psql, conn, &env);
    // Both questions at once: they are most of the wait before pg_dump starts.
    let (server, stats) = tokio::join!(server_conn.info(), server_conn.table_stats());
    let server = server?;
    let pg_dump = pick(&found, "pg_dump", Some(server.version), search)?;
    crate::server::gates::check_backup(options, &pg_dump.tool)?;
    let stats = stats?;
    let options = &exact_names(options, &stats);
    let (mut plan, data_bytes) = backup_plan(&stats, options);
    if options.compression_method == CompressionMethod::Zstd {
        // pg_dump's catalog work (~0.2 s) weighs more against data that
        // streams out this fast.
        plan[0].weight += ZSTD_DEFINITION_COST;
        if matches!(target, Target::File(_)) && !options.encryption.is_on() {
            plan.push(WorkItem {
                label: "reading the backup back".into(),
                keys: vec!["check".into()],
                weight: (data_bytes as f64 * CHECK_COST).max(DDL_COST),
                counted: false,
                table: None,
                kind: ItemKind::Ddl,
            });
        }
    }
    let rows = stats
        .iter()
        .map(|t| {
            (
                format!("TABLE DATA {}.{}", t.schema, t.name),
                t.rows_estimate,
            )
        })
        .collect();
    let command = CommandLine {
        program: pg_dump.tool.path.clone(),
        // An encrypted backup is pg_dump's stdout, sealed on the way.
        args: pg_dump_args(
            conn,
            options,
            target.tool_output().filter(|_| !options.encryption.is_on()),
            pg_dump.tool.version,
        ),
    };
    Ok(PreparedBackup {
        id: id.to_string(),
        options: options.clone(),
        server,
        pg_dump,
        conn: conn.clone(),
        env,
        psql,
        plan,
        data_bytes,
        rows,
        target,
        command,
    })
}

/// Names as the user sees them, taken exactly: a value that is the
/// `schema.table` of a table of the database (or the name of a schema) is
/// passed to pg_dump quoted, so dots, capitals, quotes, spaces and wildcard
/// characters in it mean themselves. Anything else stays a pg_dump pattern.
fn exact_names(options: &BackupOptions, stats: &[TableStat]) -> BackupOptions {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let table = |value: &String| {
        stats
            .iter()
            .find(|t| format!("{}.{}", t.schema, t.name) == *value)
            .map_or_else(
                || value.clone(),
                |t| format!("{}.{}", quote(&t.schema), quote(&t.name)),
            )
    };
    let schema = |value: &String| {
        if stats.iter().any(|t| t.schema == *value) {
            quote(value)
        } else {
            value.clone()
        }
    };
    let mut o = options.clone();
    o.schemas = o.schemas.map(|v| v.iter().map(schema).collect());
    o.tables = o.tables.map(|v| v.iter().map(table).collect());
    o.exclude_tables = o.exclude_tables.iter().map(table).collect();
    o.exclude_table_data = o.exclude_table_data.iter().map(table).collect();
    o
}

/// One item per table pg_dump will copy, weighted by its size, plus the
/// catalog work before it; and the bytes of those tables.
fn backup_plan(stats: &[TableStat], o: &BackupOptions) -> (Vec<WorkItem>, u64) {
    let parse = |v: &[String]| v.iter().map(|p| NamePattern::parse(p)).collect::<Vec<_>>();
    let schemas = o.schemas.as_deref().map(parse);
    let tables = o.tables.as_deref().map(parse);
    let excluded = parse(&o.exclude_tables);
    let no_data = parse(&o.exclude_table_data);
    let selected: Vec<&TableStat> = stats
        .iter()
        .filter(|t| match (&tables, &schemas) {
            (Some(pats), _) => pats.iter().any(|p| p.matches_table(&t.schema, &t.name)),
            (None, Some(pats)) => pats.iter().any(|p| p.matches_schema(&t.schema)),
            (None, None) => true,
        })
        .filter(|t| !excluded.iter().any(|p| p.matches_table(&t.schema, &t.name)))
        .collect();
    let mut plan = vec![WorkItem {
        label: "database definition".into(),
        keys: vec!["schema".into()],
        weight: DDL_COST * (selected.len() as f64 + 10.0),
        counted: false,
        table: None,
        kind: ItemKind::Ddl,
    }];
    let mut data_bytes = 0;
    if o.include_data {
        let with_rows: Vec<&&TableStat> = selected
            .iter()
            .filter(|t| !no_data.iter().any(|p| p.matches_table(&t.schema, &t.name)))
            .collect();
        data_bytes = with_rows.iter().map(|t| t.bytes).sum();
        plan.extend(with_rows.into_iter().map(|t| WorkItem {
            label: format!("{}.{}", t.schema, t.name),
            keys: vec![
                format!("TABLE DATA {}.{}", t.schema, t.name),
                format!("TABLE DATA {}", t.name),
            ],
            weight: (t.bytes as f64).max(DDL_COST),
            counted: true,
            table: Some((t.schema.clone(), t.name.clone())),
            kind: ItemKind::Data,
        }));
    }
    (plan, data_bytes)
}

impl PreparedBackup {
    /// The command as the user may copy it: the final output path, no password.
    pub fn command_display(&self) -> String {
        let (staged, bucket) = match &self.target {
            Target::File(_) => (false, None),
            Target::Bucket(b) => (
                b.staging.is_some() || self.options.format == BackupFormat::Directory,
                Some(b.location()),
            ),
        };
        let zstd = self.options.compression_method == CompressionMethod::Zstd;
        let encrypted = self.options.encryption.is_on();
        let piped = zstd || encrypted || (bucket.is_some() && !staged);
        let shown = CommandLine {
            program: self.command.program.clone(),
            args: pg_dump_args(
                &self.conn,
                &self.options,
                (!piped).then_some(self.options.output_path.as_path()),
                self.pg_dump.tool.version,
            ),
        };
        // What Tusk does with pg_dump's output, as a shell would.
        let mut command = shown.display(&self.env);
        if zstd {
            command += &format!(" | zstd -{}", self.options.compression);
        }
        match &self.options.encryption {
            crate::options::Encryption::None => {}
            crate::options::Encryption::Passphrase => command += " | age -p",
            crate::options::Encryption::Recipients { recipients } => {
                command += " | age";
                for r in recipients {
                    command += &format!(" -r {}", r.trim());
                }
            }
        }
        match bucket {
            Some(at) if staged => format!("{command} && upload the folder's files to {at}/"),
            Some(at) => format!("{command} | upload to {at}"),
            None if piped => format!(
                "{command} > {}",
                shell_quote(&self.options.output_path.display().to_string())
            ),
            None => command,
        }
    }

    /// The temporary local name the job writes to, if any (a crash leaves
    /// it to be cleaned up at the next start).
    pub fn partial_path(&self) -> Option<&std::path::Path> {
        self.target.tool_output()
    }

    /// The bucket and key a backup to a bucket goes to.
    pub fn bucket_target(&self) -> Option<(std::sync::Arc<crate::storage::Bucket>, String)> {
        match &self.target {
            Target::Bucket(b) => Some((b.bucket.clone(), b.key.clone())),
            Target::File(_) => None,
        }
    }

    /// Bytes of the tables whose rows are dumped, as the server counts them.
    pub fn data_bytes(&self) -> u64 {
        self.data_bytes
    }

    pub fn plan(&self) -> BackupPlan {
        BackupPlan {
            command: self.command_display(),
            server: self.server.clone(),
            pg_dump: self.pg_dump.clone(),
            tables: self
                .plan
                .iter()
                .filter(|i| i.kind == ItemKind::Data)
                .count(),
            estimated_bytes: self.data_bytes,
        }
    }

    /// Runs pg_dump; always ends with exactly one `Finished` event.
    pub async fn run(mut self, cancel: &CancelHandle, emit: EventSink<'_>) -> JobOutcome {
        let started_at = Utc::now();
        let mut tracker = Tracker::new(self.plan.clone());
        tracker.set_phase(Phase::Connecting);
        if self.options.format == BackupFormat::Directory && self.options.jobs > 1 {
            tracker.apply(Signal::Parallel);
        }
        let zstd = self.options.compression_method == CompressionMethod::Zstd;
        let level = i32::from(self.options.compression);
        let streamed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let stream = |open| Output::Stream {
            open,
            zstd: zstd.then_some(level),
            streamed: streamed.clone(),
        };
        let sync = !self.options.no_sync;
        let encryption = self.options.encryption.clone();
        let passphrase = self.options.passphrase.clone();
        // Encrypted on the way to its sink, when asked.
        let sealed = |open: OpenSink| -> OpenSink {
            match crate::crypt::encrypting(open, &encryption, passphrase.as_ref()) {
                Ok(open) => open,
                Err(e) => Box::new(move || Err(std::io::Error::other(e.to_string()))),
            }
        };
        let encrypted = encryption.is_on();
        let (output, written, forward) = match &mut self.target {
            Target::File(partial) if zstd || encrypted => (
                stream(sealed(file_sink(partial.path().to_path_buf(), sync))),
                Written::File(partial.path().to_path_buf()),
                None,
            ),
            Target::File(partial) => (
                Output::Null,
                Written::File(partial.path().to_path_buf()),
                None,
            ),
            Target::Bucket(b) => match (b.take_sink(), &b.staging) {
                (_, Some(staging)) => (
                    Output::Null,
                    Written::File(staging.path().to_path_buf()),
                    None,
                ),
                (Some(sink), None) => (
                    stream(sealed(sink)),
                    Written::Stream(streamed.clone()),
                    Some(b.forward_cancel(cancel)),
                ),
                // A plan (`plan_bucket_backup`), never begun: nothing to write to.
                (None, None) => {
                    let refused: OpenSink = Box::new(|| {
                        Err(std::io::Error::other(
                            "this backup was only planned: prepare it to run it",
                        ))
                    });
                    (stream(refused), Written::Stream(streamed.clone()), None)
                }
            },
        };
        let mut probe = DumpProbe {
            server: Server::new(&self.psql, &self.conn, &self.env),
            app: app_name("backup", &self.id),
            written,
            rows: &self.rows,
            asked: None,
            streamed: zstd.then(|| streamed.clone()),
            current: None,
            seen: 0,
        };
        let run = ToolRun {
            program: self.command.program.clone(),
            args: self.command.args.clone(),
            env: &self.env,
            input: Input::Null,
            output,
            parse: dump_signal,
        };
        let result = run_tool(run, &mut tracker, &mut probe, cancel, emit).await;
        drop(probe);
        if let Some(forward) = forward {
            forward.abort();
        }
        let outcome = self.judge(result, &mut tracker, started_at, emit).await;
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        outcome
    }

    async fn judge(
        self,
        r: RunResult,
        tracker: &mut Tracker,
        started_at: chrono::DateTime<Utc>,
        emit: EventSink<'_>,
    ) -> JobOutcome {
        let mut outcome = JobOutcome {
            exit_code: r.exit_code,
            warnings: r
                .log
                .lines()
                .into_iter()
                .filter(|l| l.contains("warning:"))
                .collect(),
            errors: r.log.errors.clone(),
            last_lines: r.log.tail(),
            command: self.command_display(),
            progress: r.progress.clone(),
            ..JobOutcome::ended(&self.id, JobType::Backup, started_at, JobStatus::Failed)
        };
        let succeeded = if let Some(message) = r.spawn_error {
            outcome.error = Some(other(format!("pg_dump could not be started: {message}")));
            false
        } else if r.cancelled {
            outcome.status = JobStatus::Cancelled;
            false
        } else if let Some(e) = r.output_error {
            outcome.error = Some(match &self.target {
                Target::File(_) => write_failed(&e, &self.options.output_path),
                Target::Bucket(b) => b.upload_failed(&e),
            });
            false
        } else if r.exit_code != Some(0) {
            outcome.error = Some(explain(&r.log.lines()));
            false
        } else {
            true
        };
        if succeeded {
            tracker.set_phase(Phase::Verifying);
            emit(JobEvent::Progress(tracker.snapshot()));
        }
        match self.target {
            Target::File(partial) if succeeded => {
                // An encrypted backup reads back only with its key: its
                // chunks' tags, checked by any decryption, stand for the check.
                match partial.commit(
                    &self.options.output_path,
                    self.options.no_sync,
                    self.options.overwrite,
                    !self.options.encryption.is_on(),
                ) {
                    Ok((size, placed)) => {
                        let moved = placed != self.options.output_path;
                        if moved {
                            outcome.warnings.push(format!(
                                "{} appeared while this backup ran and was left as it is: this backup is {}",
                                self.options.output_path.display(),
                                placed.display()
                            ));
                        }
                        outcome.output_path = Some(placed);
                        completed(&mut outcome, tracker, size, moved);
                    }
                    Err(e) => {
                        outcome.error = Some(other(format!(
                            "pg_dump reported success but its output is not a valid backup: {e}"
                        )))
                    }
                }
            }
            Target::File(_) => {}
            Target::Bucket(b) => {
                if let Some(size) = b.settle(succeeded, &mut outcome, emit).await {
                    completed(&mut outcome, tracker, size, false);
                }
            }
        }
        outcome.finished_at = Utc::now();
        outcome.duration_ms = (outcome.finished_at - started_at).num_milliseconds();
        outcome
    }
}

/// A kept backup of `size` bytes; `warned`: with a warning of Tusk's own.
fn completed(outcome: &mut JobOutcome, tracker: &mut Tracker, size: u64, warned: bool) {
    tracker.complete();
    tracker.set_bytes(size);
    tracker.set_phase(Phase::Finishing);
    outcome.progress = tracker.snapshot();
    outcome.status = if warned {
        JobStatus::CompletedWithWarnings
    } else {
        JobStatus::Completed
    };
    outcome.size_bytes = Some(size);
}

/// Tusk could not write the compressed backup.
fn write_failed(e: &std::io::Error, target: &std::path::Path) -> Explanation {
    let folder = target.parent().unwrap_or(target).display();
    let (kind, hint) = match e.kind() {
        std::io::ErrorKind::StorageFull => (
            FailureKind::DiskFull,
            format!("No backup was kept. Free space in {folder} or choose another folder."),
        ),
        std::io::ErrorKind::PermissionDenied => (
            FailureKind::PermissionDenied,
            format!("No backup was kept. Choose a folder you can write to instead of {folder}."),
        ),
        std::io::ErrorKind::FileTooLarge => (
            FailureKind::DiskFull,
            "No backup was kept. The backup grew past the largest file this process may write (the file size limit, ulimit -f, or the file system's): raise the limit or write elsewhere.".into(),
        ),
        _ => (
            FailureKind::Other,
            "No backup was kept. See the log for details.".into(),
        ),
    };
    Explanation {
        kind,
        summary: format!("writing the compressed backup failed: {e}"),
        hint,
    }
}

fn other(summary: String) -> Explanation {
    Explanation {
        kind: FailureKind::Other,
        summary,
        hint: "No backup was kept. See the log for details.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(schema: &str, name: &str, bytes: u64) -> TableStat {
        TableStat {
            schema: schema.into(),
            name: name.into(),
            rows_estimate: 0,
            bytes,
        }
    }

    #[test]
    fn plan_follows_selection() {
        let stats = [
            stat("public", "a", 5_000_000),
            stat("public", "b", 1),
            stat("sales", "c", 9),
        ];
        let o = BackupOptions {
            schemas: Some(vec!["public".into()]),
            exclude_table_data: vec!["public.b".into()],
            ..Default::default()
        };
        let (plan, bytes) = backup_plan(&stats, &o);
        assert_eq!(bytes, 5_000_000);
        let labels: Vec<&str> = plan.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["database definition", "public.a"]);
        assert_eq!(plan[1].weight, 5_000_000.0);
    }
}
