//! A whole-server backup restored onto a server (a fresh one, typically):
//! the globals first — roles the server already has are left as they are
//! and reported — then each chosen database created from its archive with
//! its own properties (owner, settings, grants). Nothing is touched before
//! the pre-flight has checked the parts' checksums, the globals script, the
//! user's rights and that no chosen database would land on one with tables.

use super::globals::{read_script, without_existing_roles};
use super::{read_contents, ServerContents};
use crate::backup::app_name;
use crate::catalog::{sidecar, BackupPart};
use crate::error::EngineError;
use crate::explain::{Explanation, FailureKind};
use crate::jobs::progress::{eta, BackupProgress, ItemKind, Phase, Tracker, WorkItem};
use crate::jobs::{
    run_tool, CancelHandle, EventSink, Input, JobEvent, JobOutcome, JobStatus, JobType, NoProbe,
    Output, ToolRun,
};
use crate::options::RestoreOptions;
use crate::restore::prepare_restore;
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{discover, ToolSearch};
use crate::server::{Server, ServerInfo};
use chrono::Utc;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to restore out of a server backup.
#[derive(Debug, Clone, Default)]
pub struct ServerRestoreRequest {
    /// The server backup's folder.
    pub backup: PathBuf,
    /// These databases only (`None`: every database the backup holds).
    pub databases: Option<Vec<String>>,
    /// Skip the globals (roles and tablespaces).
    pub skip_globals: bool,
    /// pg_restore jobs per database.
    pub jobs: u8,
    /// Restore even though a part's SHA-256 no longer matches.
    pub ignore_checksum: bool,
}

/// One database of a server restore, as the pre-flight found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DatabaseRestorePlan {
    pub name: String,
    pub file: String,
    /// The database exists on the target with no tables (a fresh server's
    /// `postgres`): restored into; otherwise created from the archive.
    pub into_existing: bool,
}

/// What the pre-flight found and the restore will do.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerRestorePlan {
    pub server: ServerInfo,
    pub contents: ServerContents,
    pub globals: bool,
    /// Roles in the globals the target already has: left as they are.
    pub existing_roles: Vec<String>,
    pub databases: Vec<DatabaseRestorePlan>,
    pub warnings: Vec<String>,
}

/// A server restore whose pre-flight passed.
pub struct PreparedServerRestore {
    pub id: String,
    pub plan: ServerRestorePlan,
    request: ServerRestoreRequest,
    /// The folder the parts are in.
    folder: PathBuf,
    conn: ConnectionSpec,
    search: ToolSearch,
    psql: PathBuf,
    env: ToolEnv,
}

/// The pre-flight of a server restore onto `conn`'s server (connected
/// through its database, `postgres` when none is named).
pub async fn prepare_server_restore(
    id: &str,
    conn: &ConnectionSpec,
    request: &ServerRestoreRequest,
    search: &ToolSearch,
) -> Result<PreparedServerRestore, EngineError> {
    conn.validate()?;
    let (folder, contents) = server_input_contents(&request.backup)?;
    let folder = &folder;
    let mut warnings = Vec::new();
    let available: Vec<&BackupPart> = contents.databases().collect();
    let names = || {
        available
            .iter()
            .map(|p| format!("\"{}\"", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen: Vec<&BackupPart> = match &request.databases {
        Some(wanted) => {
            let mut chosen = Vec::new();
            for name in wanted {
                let part = available.iter().find(|p| &p.name == name).ok_or_else(|| {
                    EngineError::InvalidOptions(format!(
                        "this server backup has no database \"{name}\": it holds {}",
                        names()
                    ))
                })?;
                if !part.status.is_success() {
                    return Err(EngineError::Preflight(format!(
                        "\"{name}\" failed when this server backup was made ({}), so it is not in it",
                        part.error.as_deref().unwrap_or("no archive")
                    )));
                }
                chosen.push(*part);
            }
            chosen
        }
        None => {
            for p in available.iter().filter(|p| !p.status.is_success()) {
                warnings.push(format!(
                    "\"{}\" failed when this backup was made and is not restored",
                    p.name
                ));
            }
            available
                .iter()
                .copied()
                .filter(|p| p.status.is_success())
                .collect()
        }
    };
    let globals_part = contents
        .globals()
        .filter(|p| p.status.is_success() && !request.skip_globals);
    if globals_part.is_none() && !request.skip_globals {
        warnings.push(
            "this backup has no roles and tablespaces (they failed when it was made): the databases' owners must exist on the target".into(),
        );
    }

    // The files: each part's checksum, and the globals script complete.
    let mut to_check: Vec<&BackupPart> = chosen.clone();
    to_check.extend(globals_part);
    for part in &to_check {
        let path = folder.join(&part.file);
        match &part.sha256 {
            Some(sum) if !request.ignore_checksum => {
                let (p, s) = (path.clone(), sum.clone());
                tokio::task::spawn_blocking(move || sidecar::check(&p, &s))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
                    .map_err(|why| {
                        EngineError::Preflight(format!(
                            "the part \"{}\" of this server backup ({}) does not match its checksum: {why}. Nothing was restored; restore another backup, or ignore the checksum if you trust the file",
                            part.name,
                            path.display()
                        ))
                    })?;
            }
            _ if !path.exists() => {
                return Err(EngineError::Preflight(format!(
                    "the part \"{}\" of this server backup is missing: {}",
                    part.name,
                    path.display()
                )))
            }
            _ => {}
        }
    }
    if let Some(g) = globals_part {
        read_script(&folder.join(&g.file)).map_err(EngineError::Preflight)?;
    }

    // The target: the rights the restore needs, the databases already there.
    let found = discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let env = conn.tool_env(&app_name("restore", id))?;
    let maintenance = match &conn.database {
        Some(_) => conn.clone(),
        None => conn.with_database("postgres"),
    };
    let server_conn = Server::new(&psql, &maintenance, &env);
    let server = server_conn.info().await?;
    let rights = server_conn
        .query(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await?;
    let has = |i: usize| {
        rights
            .first()
            .is_some_and(|r| r.get(i).is_some_and(|v| v == "t"))
    };
    if globals_part.is_some() && !has(0) && !has(1) {
        return Err(EngineError::Preflight(format!(
            "\"{}\" may not create roles on this server, so the roles cannot be restored: connect as a superuser (or a role with CREATEROLE), or restore the databases without the roles",
            server.user
        )));
    }
    if !chosen.is_empty() && !has(0) && !has(2) {
        return Err(EngineError::Preflight(format!(
            "\"{}\" may not create databases on this server: connect as a superuser (or a role with CREATEDB)",
            server.user
        )));
    }
    let existing_roles = match globals_part {
        Some(g) => {
            let rows = server_conn
                .query("SELECT rolname FROM pg_roles", &[])
                .await?;
            let on_target: Vec<String> = rows
                .into_iter()
                .filter_map(|r| r.into_iter().next())
                .collect();
            g.roles
                .iter()
                .filter(|r| on_target.contains(r))
                .cloned()
                .collect()
        }
        None => Vec::new(),
    };
    let mut databases = Vec::new();
    let mut occupied = Vec::new();
    for part in &chosen {
        let exists = server_conn.database_exists(&part.name).await?;
        if exists {
            let target = maintenance.with_database(&part.name);
            let tables = Server::new(&psql, &target, &env).user_table_count().await?;
            if tables > 0 {
                occupied.push(format!("\"{}\" ({tables} tables)", part.name));
            }
        }
        databases.push(DatabaseRestorePlan {
            name: part.name.clone(),
            file: part.file.clone(),
            into_existing: exists,
        });
    }
    if !occupied.is_empty() {
        return Err(EngineError::Preflight(format!(
            "the target server already has {} with tables: nothing was restored. Restore onto a fresh server, leave those databases out (--database for the others), or drop them first",
            occupied.join(", ")
        )));
    }
    drop(server_conn);
    Ok(PreparedServerRestore {
        id: id.to_string(),
        plan: ServerRestorePlan {
            server,
            globals: globals_part.is_some(),
            existing_roles,
            databases,
            warnings,
            contents: contents.clone(),
        },
        request: request.clone(),
        folder: folder.clone(),
        conn: maintenance,
        search: search.clone(),
        psql,
        env,
    })
}

pub use crate::restore::is_server_input;

/// What a server restore reads: a server backup's contents, or a globals
/// script standing alone as one (its checksum from its `.sha256`, if any),
/// with the folder its parts are in.
pub fn server_input_contents(path: &Path) -> Result<(PathBuf, ServerContents), EngineError> {
    if super::is_server_backup(path) {
        return Ok((path.to_path_buf(), read_contents(path)?));
    }
    if !crate::restore::is_globals_script(path) {
        return Err(EngineError::InvalidOptions(format!(
            "{} is neither a whole-server backup (a folder with {}) nor pg_dumpall's script of roles and tablespaces",
            path.display(),
            super::CONTENTS_FILE
        )));
    }
    let roles = read_script(path).map_err(EngineError::InvalidOptions)?;
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha256 = std::fs::read_to_string(sidecar::checksum_path(path))
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned));
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let contents = ServerContents {
        version: super::CONTENTS_VERSION,
        server: String::new(),
        server_version: String::new(),
        taken_at: std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map(chrono::DateTime::<Utc>::from)
            .unwrap_or_else(|_| Utc::now()),
        format: crate::options::BackupFormat::Plain,
        no_role_passwords: false,
        parts: vec![BackupPart {
            kind: crate::catalog::PartKind::Globals,
            name: "globals".into(),
            file,
            status: crate::catalog::BackupStatus::Completed,
            size_bytes: std::fs::metadata(path).ok().map(|m| m.len()),
            sha256,
            error: None,
            duration_ms: 0,
            database_bytes: None,
            roles,
        }],
    };
    Ok((folder, contents))
}

/// A line psql printed for a failed statement, with the statement it ran
/// (`psql:FILE:LINE: ERROR:  …` points into the script).
fn explain_script_error(line: &str, script: &[&str]) -> String {
    let message = line.split_once("ERROR:").map_or(line, |(_, m)| m.trim());
    let at = line
        .strip_prefix("psql:")
        .and_then(|rest| rest.split(": ").next())
        .and_then(|loc| loc.rsplit(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    match at.and_then(|n| script.get(n.wrapping_sub(1)).map(|s| (n, s))) {
        Some((n, statement)) => format!(
            "line {n} ({}): {message}",
            without_password(statement.trim())
        ),
        None => message.to_string(),
    }
}

/// A statement as it may be shown: a role's password (its SCRAM verifier,
/// from which a password can be guessed offline) replaced by `…`.
fn without_password(statement: &str) -> String {
    match statement.find("PASSWORD '") {
        Some(at) => {
            let value = at + "PASSWORD '".len();
            let end = statement[value..]
                .find('\'')
                .map_or(statement.len(), |i| value + i);
            format!("{}…{}", &statement[..value], &statement[end..])
        }
        None => statement.to_string(),
    }
}

impl PreparedServerRestore {
    /// Restores the globals, then each database; always ends with exactly
    /// one `Finished` event.
    pub async fn run(self, cancel: &CancelHandle, emit: EventSink<'_>) -> JobOutcome {
        let started_at = Utc::now();
        let started = Instant::now();
        let folder = self.folder.clone();
        let mut outcome = JobOutcome {
            command: format!(
                "psql -f {} && pg_restore --create for each of {} database(s)",
                super::GLOBALS_FILE,
                self.plan.databases.len()
            ),
            ..JobOutcome::ended(&self.id, JobType::Restore, started_at, JobStatus::Failed)
        };
        outcome.warnings.extend(self.plan.warnings.iter().cloned());
        let sizes: Vec<f64> = self
            .plan
            .databases
            .iter()
            .map(|d| {
                self.plan
                    .contents
                    .databases()
                    .find(|p| p.name == d.name)
                    .and_then(|p| p.size_bytes)
                    .unwrap_or(0) as f64
            })
            .map(|s| s.max(1_000_000.0))
            .collect();
        let total: f64 = sizes.iter().sum::<f64>() + 1_000_000.0;
        let report = |done: f64, phase: Phase, what: String| {
            let percent = (done / total * 100.0).min(99.9);
            let elapsed = started.elapsed();
            emit(JobEvent::Progress(BackupProgress {
                phase,
                current_object: Some(what),
                percent,
                elapsed_ms: elapsed.as_millis() as i64,
                eta_ms: eta(elapsed, percent),
                ..Default::default()
            }));
        };

        let mut no_tablespaces = false;
        if let Some(g) = self.plan.contents.globals().filter(|_| self.plan.globals) {
            report(0.0, Phase::Schema, "roles and tablespaces".into());
            match self
                .restore_globals(&folder.join(&g.file), cancel, emit)
                .await
            {
                Ok(failures) => {
                    if !self.plan.existing_roles.is_empty() {
                        outcome.warnings.push(format!(
                            "{} role(s) already existed on this server and were left as they are (attributes and passwords unchanged): {}",
                            self.plan.existing_roles.len(),
                            self.plan.existing_roles.join(", ")
                        ));
                    }
                    if failures.iter().any(|f| f.contains("TABLESPACE")) {
                        no_tablespaces = true;
                        outcome.warnings.push(
                            "a tablespace could not be created, so the databases are restored into the default tablespace (--no-tablespaces)".into(),
                        );
                    }
                    outcome.warnings.extend(
                        failures
                            .into_iter()
                            .map(|f| format!("roles and tablespaces: {f}")),
                    );
                }
                Err(e) => {
                    outcome.error = Some(e);
                    if cancel.is_cancelled() {
                        outcome.status = JobStatus::Cancelled;
                    }
                    return self.end(outcome, started_at, emit);
                }
            }
        }

        let mut done = 1_000_000.0;
        let mut restored = 0;
        let mut failed = Vec::new();
        for (i, (d, size)) in self.plan.databases.iter().zip(&sizes).enumerate() {
            if cancel.is_cancelled() {
                break;
            }
            let options = RestoreOptions {
                input_path: folder.join(&d.file),
                create_from_archive: !d.into_existing,
                target_database: d.into_existing.then(|| d.name.clone()),
                single_transaction: Some(false),
                exit_on_error: true,
                // pg_restore runs parallel jobs on custom and directory archives only.
                jobs: match self.plan.contents.format {
                    crate::options::BackupFormat::Custom
                    | crate::options::BackupFormat::Directory => self.request.jobs.max(1),
                    _ => 1,
                },
                no_tablespaces,
                safety_backup: false,
                ignore_checksum: true,
                ..RestoreOptions::default()
            };
            let sub_id = format!("{}-{}", self.id, i + 1);
            let base = done;
            let name = d.name.clone();
            let sink = |e: JobEvent| match e {
                JobEvent::Progress(p) => report(
                    base + size * (p.percent / 100.0).clamp(0.0, 1.0),
                    p.phase,
                    match p.current_object {
                        Some(what) => format!("{name}: {what}"),
                        None => name.clone(),
                    },
                ),
                JobEvent::Log(lines) => emit(JobEvent::Log(
                    lines.into_iter().map(|l| format!("[{name}] {l}")).collect(),
                )),
                JobEvent::Finished(_) => {}
            };
            let sub = match prepare_restore(&sub_id, &self.conn, &options, &self.search).await {
                Ok(prepared) => {
                    outcome.warnings.extend(
                        prepared
                            .preflight
                            .warnings
                            .iter()
                            .map(|w| format!("\"{}\": {w}", d.name)),
                    );
                    prepared.run(cancel, &sink).await
                }
                Err(e) => JobOutcome {
                    error: Some(Explanation {
                        kind: FailureKind::Other,
                        summary: e.to_string(),
                        hint: String::new(),
                    }),
                    ..JobOutcome::ended(&sub_id, JobType::Restore, Utc::now(), JobStatus::Failed)
                },
            };
            done += size;
            outcome.errors.extend(sub.errors.iter().cloned());
            match sub.status {
                JobStatus::Completed | JobStatus::CompletedWithWarnings => restored += 1,
                JobStatus::Cancelled => {}
                _ => failed.push(format!(
                    "\"{}\" ({})",
                    d.name,
                    sub.error.as_ref().map_or("failed".to_string(), |e| format!(
                        "{} {}",
                        e.summary, e.hint
                    ))
                )),
            }
        }
        outcome.progress = BackupProgress {
            phase: Phase::Finishing,
            objects_total: Some(self.plan.databases.len() as i64),
            objects_completed: restored,
            elapsed_ms: started.elapsed().as_millis() as i64,
            percent: 100.0,
            ..Default::default()
        };
        if cancel.is_cancelled() {
            outcome.status = JobStatus::Cancelled;
        } else if restored == 0 && !self.plan.databases.is_empty() {
            outcome.error = Some(Explanation {
                kind: FailureKind::Other,
                summary: format!("no database was restored: {}", failed.join("; ")),
                hint: "Each database that failed was removed again; the roles restored stay. See the log.".into(),
            });
        } else {
            if !failed.is_empty() {
                outcome.warnings.push(format!(
                    "{} of {} databases failed and were removed again: {}",
                    failed.len(),
                    self.plan.databases.len(),
                    failed.join("; ")
                ));
            }
            outcome.status = if outcome.warnings.is_empty() {
                JobStatus::Completed
            } else {
                JobStatus::CompletedWithWarnings
            };
        }
        self.end(outcome, started_at, emit)
    }

    fn end(
        &self,
        mut outcome: JobOutcome,
        started_at: chrono::DateTime<Utc>,
        emit: EventSink<'_>,
    ) -> JobOutcome {
        outcome.finished_at = Utc::now();
        outcome.duration_ms = (outcome.finished_at - started_at).num_milliseconds();
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        outcome
    }

    /// Runs the globals script with the statements that would change roles
    /// the server has turned into comments; every statement that still
    /// fails is returned, explained by its line. psql goes on after a
    /// failed statement, as the script expects.
    async fn restore_globals(
        &self,
        script: &Path,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<Vec<String>, Explanation> {
        let failed = |summary: String| Explanation {
            kind: FailureKind::Other,
            summary,
            hint: "No database was restored.".into(),
        };
        let text = std::fs::read_to_string(script)
            .map_err(|e| failed(format!("cannot read {}: {e}", script.display())))?;
        let (filtered, _) = without_existing_roles(&text, &self.plan.existing_roles);
        let mut file = tempfile::Builder::new()
            .prefix("tusk-globals-")
            .suffix(".sql")
            .tempfile()
            .map_err(|e| failed(format!("cannot write the roles script: {e}")))?;
        std::io::Write::write_all(&mut file, filtered.as_bytes())
            .map_err(|e| failed(format!("cannot write the roles script: {e}")))?;
        let mut args = self.conn.tool_args(true);
        args.extend(["-X", "-q", "-f"].map(std::ffi::OsString::from));
        args.push(file.path().as_os_str().to_owned());
        let mut tracker = Tracker::new(vec![WorkItem {
            label: "roles and tablespaces".into(),
            keys: vec!["globals".into()],
            weight: 1.0,
            counted: true,
            table: None,
            kind: ItemKind::Ddl,
        }]);
        let run = ToolRun {
            program: self.psql.clone(),
            args,
            env: &self.env,
            input: Input::Null,
            output: Output::Null,
            parse: |_| None,
        };
        let sink = |e: JobEvent| {
            if let JobEvent::Log(lines) = e {
                emit(JobEvent::Log(
                    lines
                        .into_iter()
                        .map(|l| format!("[globals] {l}"))
                        .collect(),
                ))
            }
        };
        let result = run_tool(run, &mut tracker, &mut NoProbe, cancel, &sink).await;
        if let Some(message) = result.spawn_error {
            return Err(failed(format!("psql could not be started: {message}")));
        }
        if result.cancelled {
            return Err(failed("cancelled while the roles were restored".into()));
        }
        if result.exit_code != Some(0) {
            return Err(crate::explain::explain(&result.log.lines()));
        }
        let lines: Vec<&str> = filtered.lines().collect();
        Ok(result
            .log
            .lines()
            .iter()
            .filter(|l| l.contains("ERROR:"))
            .map(|l| explain_script_error(l, &lines))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_failed_statement_is_never_shown() {
        let script = ["ALTER ROLE app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc$def:ghi';"];
        let got = explain_script_error(
            "psql:/tmp/x.sql:1: ERROR:  must be superuser to alter superuser roles",
            &script,
        );
        assert_eq!(
            got,
            "line 1 (ALTER ROLE app WITH LOGIN PASSWORD '…';): must be superuser to alter superuser roles"
        );
    }

    #[test]
    fn a_failed_statement_is_explained_by_its_own_line() {
        let script = [
            "CREATE ROLE a;",
            "CREATE TABLESPACE ts OWNER a LOCATION '/nowhere';",
            "GRANT a TO b;",
        ];
        let got = explain_script_error(
            "psql:/tmp/tusk-globals-x.sql:2: ERROR:  directory \"/nowhere\" does not exist",
            &script,
        );
        assert_eq!(
            got,
            "line 2 (CREATE TABLESPACE ts OWNER a LOCATION '/nowhere';): directory \"/nowhere\" does not exist"
        );
    }
}
