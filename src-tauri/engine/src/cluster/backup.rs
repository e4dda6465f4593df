//! A whole-server backup: the globals, then each chosen database in the
//! backup's format (several at once when asked), with one progress bar over
//! the whole server. A database that fails does not stop the others; the
//! folder is kept only when at least one database (and the globals) was
//! backed up, under its final name only once `tusk-server.json` is written.

use super::globals::{globals_item, globals_part, Dumped, GlobalsDump};
use super::{list_databases, part_file, write_contents, ServerContents, ServerDatabase};
use crate::backup::recorded::RecordedJob;
use crate::backup::{app_name, prepare_backup, DDL_COST};
use crate::catalog::{sidecar, BackupPart, BackupStatus, PartKind};
use crate::error::EngineError;
use crate::explain::{Explanation, FailureKind};
use crate::jobs::output::PartialOutput;
use crate::jobs::progress::{eta, BackupProgress, Phase, Tracker};
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, JobStatus, JobType};
use crate::options::{BackupOptions, BackupScope};
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{discover, pick, ToolChoice, ToolSearch};
use crate::server::{Server, ServerInfo};
use chrono::Utc;
use futures_util::StreamExt;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// What the dialog and `--dry-run` show before a server backup starts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerBackupPlan {
    pub command: String,
    pub server: ServerInfo,
    pub pg_dump: ToolChoice,
    pub pg_dumpall: ToolChoice,
    /// Every database of the server, chosen or not (and why not).
    pub databases: Vec<ServerDatabase>,
    pub estimated_bytes: u64,
    pub warnings: Vec<String>,
}

/// A whole-server backup ready to run.
pub struct PreparedServerBackup {
    pub id: String,
    pub options: BackupOptions,
    pub server: ServerInfo,
    pub pg_dump: ToolChoice,
    pub globals: GlobalsDump,
    pub databases: Vec<ServerDatabase>,
    conn: ConnectionSpec,
    search: ToolSearch,
    env: ToolEnv,
    partial: PartialOutput,
}

/// Checks a whole-server backup: the options, the server, pg_dump and
/// pg_dumpall for it, and which databases it takes.
pub async fn prepare_server_backup(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
) -> Result<PreparedServerBackup, EngineError> {
    options.validate()?;
    conn.validate()?;
    if options.output_path.is_file() {
        return Err(EngineError::InvalidOptions(format!(
            "{} is a file: a whole-server backup is a folder; choose a new folder name",
            options.output_path.display()
        )));
    }
    let partial = PartialOutput::beside(&options.output_path, id)?;
    let found = discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let env = conn.tool_env(&app_name("backup", id))?;
    let server_conn = Server::new(&psql, conn, &env);
    let server = server_conn.info().await?;
    let pg_dump = pick(&found, "pg_dump", Some(server.version), search)?;
    let per_database = BackupOptions {
        scope: BackupScope::Database,
        ..options.clone()
    };
    crate::server::gates::check_backup(&per_database, &pg_dump.tool)?;
    let globals = GlobalsDump::plan(&server_conn, &server, &found, search, conn, options).await?;
    let databases = list_databases(&server_conn, &options.server).await?;
    drop(server_conn);
    if !databases.iter().any(|d| d.chosen) {
        let names: Vec<&str> = databases.iter().map(|d| d.name.as_str()).collect();
        return Err(EngineError::InvalidOptions(format!(
            "no database of this server is chosen by the include and exclude lists: the server has {}",
            names.join(", ")
        )));
    }
    Ok(PreparedServerBackup {
        id: id.to_string(),
        options: options.clone(),
        server,
        pg_dump,
        globals,
        databases,
        conn: conn.clone(),
        search: search.clone(),
        env,
        partial,
    })
}

/// One database's share of the bar.
fn weight(d: &ServerDatabase) -> f64 {
    (d.bytes as f64).max(DDL_COST * 10.0)
}

/// The bar over the whole server: each part's fraction done, by weight.
struct Overall<'a> {
    weights: Vec<f64>,
    done: Mutex<(Vec<f64>, Vec<String>, u64)>,
    started: Instant,
    emit: EventSink<'a>,
}

impl Overall<'_> {
    /// Part `i` reached `p` (its own progress); reported over the whole.
    fn report(&self, i: usize, label: &str, p: &BackupProgress) {
        let mut done = self.done.lock().expect("progress lock");
        let fraction = (p.percent / 100.0).clamp(0.0, 1.0);
        done.0[i] = done.0[i].max(fraction);
        let total: f64 = self.weights.iter().sum::<f64>().max(1.0);
        let reached: f64 = self.weights.iter().zip(&done.0).map(|(w, f)| w * f).sum();
        let percent = (reached / total * 100.0).min(99.9);
        let completed = done.0.iter().filter(|f| **f >= 1.0).count();
        let elapsed = self.started.elapsed();
        let current = match &p.current_object {
            Some(what) => format!("{label}: {what}"),
            None => label.to_string(),
        };
        (self.emit)(JobEvent::Progress(BackupProgress {
            phase: p.phase,
            current_object: Some(current),
            objects_total: Some(self.weights.len() as i64),
            objects_completed: completed as i64,
            bytes_written: done.2 as i64 + p.bytes_written,
            elapsed_ms: elapsed.as_millis() as i64,
            percent,
            eta_ms: eta(elapsed, percent),
        }));
        drop(done);
    }

    /// Part `i` ended, having written `bytes`.
    fn finished(&self, i: usize, bytes: u64) {
        let mut done = self.done.lock().expect("progress lock");
        done.0[i] = 1.0;
        done.2 += bytes;
    }

    fn log(&self, label: &str, lines: Vec<String>) {
        (self.emit)(JobEvent::Log(
            lines
                .into_iter()
                .map(|l| format!("[{label}] {l}"))
                .collect(),
        ));
    }
}

impl PreparedServerBackup {
    pub fn command_display(&self) -> String {
        let chosen: Vec<&str> = self.chosen().map(|d| d.name.as_str()).collect();
        format!(
            "{} && pg_dump -F{} for each of {} database(s): {} → {}",
            self.globals
                .command(&self.options.output_path.join(super::GLOBALS_FILE))
                .display(&self.env),
            self.options.format.as_str().chars().next().unwrap_or('c'),
            chosen.len(),
            chosen.join(", "),
            self.options.output_path.display()
        )
    }

    fn chosen(&self) -> impl Iterator<Item = &ServerDatabase> {
        self.databases.iter().filter(|d| d.chosen)
    }

    pub fn partial_path(&self) -> &Path {
        self.partial.path()
    }

    pub fn plan(&self) -> ServerBackupPlan {
        ServerBackupPlan {
            command: self.command_display(),
            server: self.server.clone(),
            pg_dump: self.pg_dump.clone(),
            pg_dumpall: self.globals.pg_dumpall.clone(),
            databases: self.databases.clone(),
            estimated_bytes: self.chosen().map(|d| d.bytes).sum(),
            warnings: self.globals.warning.iter().cloned().collect(),
        }
    }

    /// Runs the globals and every chosen database; always ends with exactly
    /// one `Finished` event. Returns the parts as they ended.
    pub async fn run(
        self,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> (JobOutcome, Vec<BackupPart>) {
        let started_at = Utc::now();
        let mut outcome = JobOutcome {
            command: self.command_display(),
            ..JobOutcome::ended(&self.id, JobType::Backup, started_at, JobStatus::Failed)
        };
        outcome.warnings.extend(self.globals.warning.clone());
        let folder = self.partial.path().to_path_buf();
        if let Err(e) = std::fs::create_dir(&folder) {
            outcome.error = Some(write_failed(&e, &self.options.output_path));
            emit(JobEvent::Finished(Box::new(outcome.clone())));
            return (outcome, Vec::new());
        }
        let chosen: Vec<ServerDatabase> = self.chosen().cloned().collect();
        let mut weights = vec![globals_item().weight];
        weights.extend(chosen.iter().map(weight));
        let overall = Overall {
            done: Mutex::new((vec![0.0; weights.len()], Vec::new(), 0)),
            weights,
            started: Instant::now(),
            emit,
        };

        // The globals first: the roles every database's objects belong to.
        let mut parts = Vec::new();
        let globals_path = folder.join(super::GLOBALS_FILE);
        let mut tracker = Tracker::new(vec![globals_item()]);
        tracker.set_phase(Phase::Schema);
        let sink = |e: JobEvent| match e {
            JobEvent::Progress(p) => overall.report(0, "roles and tablespaces", &p),
            JobEvent::Log(lines) => overall.log("globals", lines),
            JobEvent::Finished(_) => {}
        };
        let started = Instant::now();
        let (dumped, result) = self
            .globals
            .run(&globals_path, &self.env, &mut tracker, cancel, &sink)
            .await;
        outcome.errors.extend(result.log.errors.iter().cloned());
        match dumped {
            Dumped::Cancelled => {}
            Dumped::Done { roles, size } => {
                let mut part = globals_part(&globals_path, roles, size, &outcome);
                part.duration_ms = started.elapsed().as_millis() as i64;
                part.sha256 = checksum(&globals_path, &mut outcome);
                overall.finished(0, size);
                parts.push(part);
            }
            Dumped::Failed(e) => {
                outcome.warnings.push(format!(
                    "the roles and tablespaces were not backed up: {} {}",
                    e.summary, e.hint
                ));
                parts.push(BackupPart {
                    kind: PartKind::Globals,
                    name: "globals".into(),
                    file: super::GLOBALS_FILE.into(),
                    status: BackupStatus::Failed,
                    size_bytes: None,
                    sha256: None,
                    error: Some(e.summary),
                    duration_ms: started.elapsed().as_millis() as i64,
                    database_bytes: None,
                    roles: Vec::new(),
                });
            }
        }

        // Then the databases, `parallel` at once.
        let extension = BackupOptions {
            scope: BackupScope::Database,
            ..self.options.clone()
        }
        .file_extension();
        let mut files = Vec::new();
        for d in &chosen {
            let file = part_file(&d.name, &extension, &files);
            files.push(file);
        }
        let parallel = usize::from(self.options.server.parallel.max(1));
        let folder_ref = folder.as_path();
        let overall_ref = &overall;
        let this = &self;
        let database_parts: Vec<(BackupPart, JobOutcome)> = futures_util::stream::iter(
            chosen
                .iter()
                .cloned()
                .zip(files.iter().cloned())
                .enumerate(),
        )
        .map(move |(i, (d, file))| {
            this.backup_database(i + 1, d, file, folder_ref, cancel, overall_ref)
        })
        .buffered(parallel)
        .collect()
        .await;

        let mut failed = Vec::new();
        for (part, sub) in database_parts {
            outcome.errors.extend(sub.errors.iter().cloned());
            outcome.warnings.extend(
                sub.warnings
                    .iter()
                    .map(|w| format!("\"{}\": {w}", part.name)),
            );
            if !part.status.is_success() && part.status != BackupStatus::Cancelled {
                failed.push(format!(
                    "\"{}\" ({})",
                    part.name,
                    part.error.as_deref().unwrap_or("failed")
                ));
            }
            parts.push(part);
        }
        outcome.progress = BackupProgress {
            phase: Phase::Finishing,
            objects_total: Some(parts.len() as i64),
            objects_completed: parts.iter().filter(|p| p.status.is_success()).count() as i64,
            bytes_written: parts.iter().filter_map(|p| p.size_bytes).sum::<u64>() as i64,
            elapsed_ms: overall.started.elapsed().as_millis() as i64,
            percent: 100.0,
            ..Default::default()
        };

        let backed_up = parts
            .iter()
            .filter(|p| p.kind == PartKind::Database && p.status.is_success())
            .count();
        if cancel.is_cancelled() {
            outcome.status = JobStatus::Cancelled;
        } else if backed_up == 0 {
            outcome.error = Some(Explanation {
                kind: FailureKind::Other,
                summary: format!(
                    "no database of the server was backed up: {}",
                    failed.join("; ")
                ),
                hint: "No backup was kept. See each database's error and the log.".into(),
            });
        } else {
            if !failed.is_empty() {
                outcome.warnings.push(format!(
                    "{} of {} databases failed and are not in this backup: {}",
                    failed.len(),
                    chosen.len(),
                    failed.join("; ")
                ));
            }
            self.keep(&folder, &parts, &mut outcome);
        }
        outcome.finished_at = Utc::now();
        outcome.duration_ms = (outcome.finished_at - started_at).num_milliseconds();
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        (outcome, parts)
    }

    /// Writes the table of contents and renames the folder into place.
    fn keep(self, folder: &Path, parts: &[BackupPart], outcome: &mut JobOutcome) {
        let contents = ServerContents {
            version: super::CONTENTS_VERSION,
            server: server_label(&self.conn),
            server_version: self.server.version.to_string(),
            taken_at: outcome.started_at,
            format: self.options.format,
            no_role_passwords: self.globals.no_role_passwords,
            parts: parts.to_vec(),
        };
        if let Err(e) = write_contents(folder, &contents) {
            outcome.error = Some(write_failed(&e, &self.options.output_path));
            return;
        }
        match self.partial.commit(
            &self.options.output_path,
            self.options.no_sync,
            false,
            false,
        ) {
            Ok((size, placed)) => {
                if placed != self.options.output_path {
                    outcome.warnings.push(format!(
                        "{} appeared while this backup ran and was left as it is: this backup is {}",
                        self.options.output_path.display(),
                        placed.display()
                    ));
                }
                outcome.size_bytes = Some(size);
                outcome.output_path = Some(placed);
                outcome.status = if outcome.warnings.is_empty() {
                    JobStatus::Completed
                } else {
                    JobStatus::CompletedWithWarnings
                };
            }
            Err(e) => {
                outcome.error = Some(Explanation {
                    kind: FailureKind::Other,
                    summary: format!("the server backup could not be put in place: {e}"),
                    hint: "No backup was kept. See the log for details.".into(),
                })
            }
        }
    }

    /// Backs up database `d` into `folder/file` as part `i` of the bar.
    async fn backup_database(
        &self,
        i: usize,
        d: ServerDatabase,
        file: String,
        folder: &Path,
        cancel: &CancelHandle,
        overall: &Overall<'_>,
    ) -> (BackupPart, JobOutcome) {
        let started = Instant::now();
        let started_at = Utc::now();
        let options = BackupOptions {
            scope: BackupScope::Database,
            output_path: folder.join(&file),
            overwrite: false,
            ..self.options.clone()
        };
        let sub_id = format!("{}-{i}", self.id);
        let conn = self.conn.with_database(&d.name);
        let label = d.name.clone();
        let sink = |e: JobEvent| match e {
            JobEvent::Progress(p) => overall.report(i, &label, &p),
            JobEvent::Log(lines) => overall.log(&label, lines),
            JobEvent::Finished(_) => {}
        };
        let mut sub = if cancel.is_cancelled() {
            JobOutcome::ended(&sub_id, JobType::Backup, started_at, JobStatus::Cancelled)
        } else {
            match prepare_backup(&sub_id, &conn, &options, &self.search).await {
                Ok(prepared) => prepared.run(cancel, &sink).await,
                Err(e) => JobOutcome {
                    error: Some(Explanation {
                        kind: FailureKind::Other,
                        summary: e.to_string(),
                        hint: String::new(),
                    }),
                    ..JobOutcome::ended(&sub_id, JobType::Backup, started_at, JobStatus::Failed)
                },
            }
        };
        let status = crate::backup::recorded::backup_status(sub.status);
        let mut part = BackupPart {
            kind: PartKind::Database,
            name: d.name.clone(),
            file: sub
                .output_path
                .as_deref()
                .and_then(|p| p.file_name())
                .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
            status,
            size_bytes: sub.size_bytes,
            sha256: None,
            error: sub.error.as_ref().map(|e| e.summary.clone()),
            duration_ms: started.elapsed().as_millis() as i64,
            database_bytes: Some(d.bytes),
            roles: Vec::new(),
        };
        if let (true, Some(path)) = (status.is_success(), sub.output_path.clone()) {
            part.sha256 = checksum(&path, &mut sub);
        }
        overall.finished(i, sub.size_bytes.unwrap_or(0));
        (part, sub)
    }
}

/// Writes `<part>.sha256` beside a part; a failure is a warning.
fn checksum(path: &Path, outcome: &mut JobOutcome) -> Option<String> {
    match sidecar::write_checksum(path) {
        Ok(sum) => Some(sum),
        Err(e) => {
            outcome.warnings.push(format!(
                "the checksum of {} could not be written: {e}",
                path.display()
            ));
            None
        }
    }
}

impl RecordedJob for PreparedServerBackup {
    fn job_id(&self) -> &str {
        &self.id
    }
    fn job_options(&self) -> &BackupOptions {
        &self.options
    }
    fn partial(&self) -> Option<PathBuf> {
        Some(self.partial_path().to_path_buf())
    }
    fn server_version(&self) -> String {
        self.server.version.to_string()
    }
    fn tool_version(&self) -> String {
        self.pg_dump.tool.version.to_string()
    }
    fn run_job<'a>(
        self,
        cancel: &'a CancelHandle,
        emit: EventSink<'a>,
    ) -> impl std::future::Future<Output = (JobOutcome, Vec<BackupPart>)> + Send + 'a {
        self.run(cancel, emit)
    }
}

/// `host:port` of a connection, as a server backup names its server.
pub(crate) fn server_label(conn: &ConnectionSpec) -> String {
    format!(
        "{}:{}",
        conn.host.as_deref().unwrap_or("localhost"),
        conn.port.unwrap_or(5432)
    )
}

fn write_failed(e: &std::io::Error, target: &Path) -> Explanation {
    let folder = target.parent().unwrap_or(target).display();
    Explanation {
        kind: if e.kind() == std::io::ErrorKind::StorageFull {
            FailureKind::DiskFull
        } else {
            FailureKind::Other
        },
        summary: format!("writing the server backup failed: {e}"),
        hint: format!("No backup was kept. Free space in {folder} or choose another folder."),
    }
}
