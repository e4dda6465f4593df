//! The globals: roles (with memberships and settings) and tablespaces, as
//! pg_dumpall writes them — dumped into a script that is checked complete
//! (its trailer) before it is kept, and run onto a server with the roles
//! that are already there left as they are.

use crate::backup::app_name;
use crate::backup::recorded::RecordedJob;
use crate::catalog::{BackupPart, BackupStatus, PartKind};
use crate::error::EngineError;
use crate::explain::{explain, Explanation, FailureKind};
use crate::jobs::output::{path_size, PartialOutput};
use crate::jobs::progress::{ItemKind, Phase, Tracker, WorkItem};
use crate::jobs::{
    run_tool, CancelHandle, EventSink, Input, JobEvent, JobOutcome, JobStatus, JobType, NoProbe,
    Output, RunResult, ToolRun,
};
use crate::options::{BackupOptions, GlobalsContent};
use crate::server::command::{pg_dumpall_args, CommandLine};
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{discover, pick, ToolChoice, ToolInfo, ToolSearch};
use crate::server::{Server, ServerInfo};
use chrono::Utc;
use std::path::{Path, PathBuf};

/// The last line pg_dumpall writes: a script without it was cut short.
pub const TRAILER: &str = "-- PostgreSQL database cluster dump complete";

/// pg_dumpall, checked and ready to write the globals.
pub struct GlobalsDump {
    pub pg_dumpall: ToolChoice,
    pub content: GlobalsContent,
    pub no_role_passwords: bool,
    /// Said when Tusk left the passwords out by itself.
    pub warning: Option<String>,
    conn: ConnectionSpec,
}

impl GlobalsDump {
    /// Picks pg_dumpall for `server` and decides on the role passwords:
    /// left out when asked, or when the user cannot read them (`pg_authid`
    /// is for superusers only; managed services give no one it).
    pub(crate) async fn plan(
        server: &Server<'_>,
        info: &ServerInfo,
        found: &[ToolInfo],
        search: &ToolSearch,
        conn: &ConnectionSpec,
        options: &BackupOptions,
    ) -> Result<GlobalsDump, EngineError> {
        let pg_dumpall = pick(found, "pg_dumpall", Some(info.version), search)?;
        let content = match options.scope {
            crate::options::BackupScope::Globals => options.server.globals,
            _ => GlobalsContent::All,
        };
        let mut no_role_passwords = options.server.no_role_passwords;
        let mut warning = None;
        if !no_role_passwords
            && content != GlobalsContent::TablespacesOnly
            && !super::reads_role_passwords(server).await?
        {
            no_role_passwords = true;
            warning = Some(format!(
                "the role passwords were left out (--no-role-passwords): \"{}\" may not read pg_authid, where PostgreSQL keeps them (only a superuser may; managed services let no one). The roles restore without passwords: set them again with ALTER ROLE … PASSWORD",
                info.user
            ));
        }
        Ok(GlobalsDump {
            pg_dumpall,
            content,
            no_role_passwords,
            warning,
            conn: conn.clone(),
        })
    }

    pub fn command(&self, output: &Path) -> CommandLine {
        CommandLine {
            program: self.pg_dumpall.tool.path.clone(),
            args: pg_dumpall_args(&self.conn, self.content, self.no_role_passwords, output),
        }
    }

    /// Runs pg_dumpall into `output` (a temporary name: the caller keeps
    /// it), then checks the script is complete and reads its roles.
    pub(crate) async fn run(
        &self,
        output: &Path,
        env: &ToolEnv,
        tracker: &mut Tracker,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> (Dumped, RunResult) {
        let command = self.command(output);
        let run = ToolRun {
            program: command.program,
            args: command.args,
            env,
            input: Input::Null,
            output: Output::Null,
            parse: |_| None,
        };
        let result = run_tool(run, tracker, &mut NoProbe, cancel, emit).await;
        let dumped = if let Some(message) = &result.spawn_error {
            Dumped::Failed(failed(format!(
                "pg_dumpall could not be started: {message}"
            )))
        } else if result.cancelled {
            Dumped::Cancelled
        } else if result.exit_code != Some(0) {
            Dumped::Failed(explain(&result.log.lines()))
        } else {
            match read_script(output) {
                Ok(roles) => Dumped::Done {
                    roles,
                    size: path_size(output),
                },
                Err(e) => Dumped::Failed(failed(e)),
            }
        };
        (dumped, result)
    }
}

/// How pg_dumpall ended.
pub(crate) enum Dumped {
    Done { roles: Vec<String>, size: u64 },
    Cancelled,
    Failed(Explanation),
}

fn failed(summary: String) -> Explanation {
    Explanation {
        kind: FailureKind::Other,
        summary,
        hint: "No backup of the roles and tablespaces was kept. See the log for details.".into(),
    }
}

/// Checks a globals script is complete (pg_dumpall's trailer) and returns
/// the roles it creates.
pub fn read_script(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("the globals script {} cannot be read: {e}", path.display()))?;
    let complete = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && l.trim() != "--")
        .is_some_and(|l| l.trim() == TRAILER);
    if !complete {
        return Err(format!(
            "{} is not a complete pg_dumpall script: it does not end with \"{TRAILER}\" (cut short, or not written by pg_dumpall)",
            path.display()
        ));
    }
    check_commands(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().filter_map(created_role).collect())
}

/// A globals script holds SQL and pg_dumpall's own `\restrict` lines only:
/// any other psql command (`\!` runs a shell) is refused, and `\connect`
/// means a whole pg_dumpall script, databases and all.
fn check_commands(text: &str) -> Result<(), String> {
    for (n, line) in text.lines().enumerate() {
        let Some(command) = line.trim_start().strip_prefix('\\') else {
            continue;
        };
        let word = command.split_whitespace().next().unwrap_or("");
        match word {
            "restrict" | "unrestrict" => {}
            "connect" | "c" => {
                return Err(format!(
                    "line {}: `{}` — this is a whole pg_dumpall script with its databases, not roles and tablespaces only: run it with psql -f, or back the server up with Tusk (tusk backup --server)",
                    n + 1,
                    line.trim()
                ))
            }
            _ => {
                return Err(format!(
                    "line {}: `{}` is a psql command pg_dumpall never writes, so this script was not written by it (or was changed); it is not run",
                    n + 1,
                    line.trim()
                ))
            }
        }
    }
    Ok(())
}

/// The role a `CREATE ROLE name;` line creates.
pub fn created_role(line: &str) -> Option<String> {
    let rest = line.strip_prefix("CREATE ROLE ")?;
    let (name, tail) = leading_ident(rest)?;
    (tail.trim_start().starts_with(';') || tail.trim_start().starts_with("WITH")).then_some(name)
}

/// The role an `ALTER ROLE name WITH …;` line (attributes, password) sets.
fn altered_role(line: &str) -> Option<String> {
    let rest = line.strip_prefix("ALTER ROLE ")?;
    let (name, tail) = leading_ident(rest)?;
    tail.trim_start().starts_with("WITH ").then_some(name)
}

/// An identifier at the start of `text` (`name` or `"quoted ""name"""`) and
/// what follows it.
fn leading_ident(text: &str) -> Option<(String, &str)> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, c)| *c) == Some('"') {
                    chars.next();
                    name.push('"');
                } else {
                    return Some((name, &quoted[i + 1..]));
                }
            } else {
                name.push(c);
            }
        }
        None
    } else {
        let end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(text.len());
        (end > 0).then(|| (text[..end].to_string(), &text[end..]))
    }
}

/// The globals script with the statements that would change roles the
/// target already has (`CREATE ROLE`, and `ALTER ROLE … WITH`, which sets
/// their attributes and password) turned into comments, line for line, so
/// psql's line numbers still point into the original. Memberships and
/// settings of those roles still apply. Returns the script and the roles
/// that were left as they are.
pub fn without_existing_roles(script: &str, existing: &[String]) -> (String, Vec<String>) {
    let mut kept = Vec::new();
    let mut out = String::with_capacity(script.len() + 256);
    for line in script.split_inclusive('\n') {
        let role = created_role(line).or_else(|| altered_role(line));
        match role.filter(|r| existing.contains(r)) {
            Some(role) => {
                if !kept.contains(&role) {
                    kept.push(role);
                }
                out.push_str("-- Tusk: the role exists on this server and is left as it is: ");
                out.push_str(line.trim_end_matches('\n'));
                out.push('\n');
            }
            None => out.push_str(line),
        }
    }
    (out, kept)
}

/// A roles-and-tablespaces backup ready to run.
pub struct PreparedGlobals {
    pub id: String,
    pub options: BackupOptions,
    pub server: ServerInfo,
    pub dump: GlobalsDump,
    env: ToolEnv,
    partial: PartialOutput,
}

/// Checks a roles-and-tablespaces backup (`pg_dumpall --globals-only`):
/// the options, the server, pg_dumpall and the passwords.
pub async fn prepare_globals_backup(
    id: &str,
    conn: &ConnectionSpec,
    options: &BackupOptions,
    search: &ToolSearch,
) -> Result<PreparedGlobals, EngineError> {
    options.validate()?;
    conn.validate()?;
    let partial = PartialOutput::beside(&options.output_path, id)?;
    let found = discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let env = conn.tool_env(&app_name("backup", id))?;
    let server_conn = Server::new(&psql, conn, &env);
    let server = server_conn.info().await?;
    let dump = GlobalsDump::plan(&server_conn, &server, &found, search, conn, options).await?;
    drop(server_conn);
    Ok(PreparedGlobals {
        id: id.to_string(),
        options: options.clone(),
        server,
        dump,
        env,
        partial,
    })
}

impl PreparedGlobals {
    /// The command as the user may copy it (no password).
    pub fn command_display(&self) -> String {
        self.dump
            .command(&self.options.output_path)
            .display(&self.env)
    }

    pub fn partial_path(&self) -> &Path {
        self.partial.path()
    }

    /// Runs pg_dumpall; the script is kept only once it reads back complete.
    /// Always ends with exactly one `Finished` event.
    pub async fn run(
        self,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> (JobOutcome, Vec<BackupPart>) {
        let started_at = Utc::now();
        let mut tracker = Tracker::new(vec![globals_item()]);
        tracker.set_phase(Phase::Schema);
        let (dumped, result) = self
            .dump
            .run(self.partial.path(), &self.env, &mut tracker, cancel, emit)
            .await;
        let mut outcome = JobOutcome {
            exit_code: result.exit_code,
            errors: result.log.errors.clone(),
            last_lines: result.log.tail(),
            command: self.command_display(),
            progress: result.progress.clone(),
            ..JobOutcome::ended(&self.id, JobType::Backup, started_at, JobStatus::Failed)
        };
        outcome.warnings.extend(self.dump.warning.clone());
        let mut parts = Vec::new();
        match dumped {
            Dumped::Cancelled => outcome.status = JobStatus::Cancelled,
            Dumped::Failed(e) => outcome.error = Some(e),
            Dumped::Done { roles, .. } => {
                match self.partial.commit(
                    &self.options.output_path,
                    self.options.no_sync,
                    self.options.overwrite,
                    false,
                ) {
                    Ok((size, placed)) => {
                        tracker.complete();
                        tracker.set_bytes(size);
                        tracker.set_phase(Phase::Finishing);
                        outcome.progress = tracker.snapshot();
                        if placed != self.options.output_path {
                            outcome.warnings.push(format!(
                                "{} appeared while this backup ran and was left as it is: this backup is {}",
                                self.options.output_path.display(),
                                placed.display()
                            ));
                        }
                        outcome.status = if outcome.warnings.is_empty() {
                            JobStatus::Completed
                        } else {
                            JobStatus::CompletedWithWarnings
                        };
                        outcome.size_bytes = Some(size);
                        parts.push(globals_part(&placed, roles, size, &outcome));
                        outcome.output_path = Some(placed);
                    }
                    Err(e) => outcome.error = Some(failed(e)),
                }
            }
        }
        outcome.finished_at = Utc::now();
        outcome.duration_ms = (outcome.finished_at - started_at).num_milliseconds();
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        (outcome, parts)
    }
}

impl RecordedJob for PreparedGlobals {
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
        self.dump.pg_dumpall.tool.version.to_string()
    }
    fn run_job<'a>(
        self,
        cancel: &'a CancelHandle,
        emit: EventSink<'a>,
    ) -> impl std::future::Future<Output = (JobOutcome, Vec<BackupPart>)> + Send + 'a {
        self.run(cancel, emit)
    }
}

pub(crate) fn globals_item() -> WorkItem {
    WorkItem {
        label: "roles and tablespaces".into(),
        keys: vec!["globals".into()],
        weight: crate::backup::DDL_COST * 10.0,
        counted: true,
        table: None,
        kind: ItemKind::Ddl,
    }
}

/// The part that records a globals script written to `path`.
pub(crate) fn globals_part(
    path: &Path,
    roles: Vec<String>,
    size: u64,
    outcome: &JobOutcome,
) -> BackupPart {
    BackupPart {
        kind: PartKind::Globals,
        name: "globals".into(),
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        status: BackupStatus::Completed,
        size_bytes: Some(size),
        sha256: None,
        error: None,
        duration_ms: outcome.duration_ms,
        database_bytes: None,
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_with_their_quotes() {
        assert_eq!(created_role("CREATE ROLE app;").as_deref(), Some("app"));
        assert_eq!(
            created_role("CREATE ROLE \"Ops \"\"team\"\" =1\";").as_deref(),
            Some("Ops \"team\" =1")
        );
        assert_eq!(created_role("CREATE ROLEx;"), None);
        assert_eq!(created_role("-- CREATE ROLE app;"), None);
    }

    #[test]
    fn existing_roles_are_left_as_they_are_line_for_line() {
        let script = "CREATE ROLE postgres;\nALTER ROLE postgres WITH SUPERUSER PASSWORD 'x';\nCREATE ROLE app;\nALTER ROLE app WITH LOGIN;\nALTER ROLE postgres SET work_mem TO '8MB';\nGRANT app TO postgres;\n";
        let (out, kept) = without_existing_roles(script, &["postgres".into()]);
        assert_eq!(kept, ["postgres"]);
        assert_eq!(out.lines().count(), script.lines().count());
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("-- Tusk:") && lines[1].starts_with("-- Tusk:"));
        assert_eq!(lines[2], "CREATE ROLE app;");
        assert_eq!(lines[4], "ALTER ROLE postgres SET work_mem TO '8MB';");
        assert_eq!(lines[5], "GRANT app TO postgres;");
    }

    #[test]
    fn psql_commands_other_than_restrict_are_refused() {
        assert!(check_commands("\\restrict abc\nCREATE ROLE a;\n\\unrestrict abc\n").is_ok());
        let e = check_commands("CREATE ROLE a;\n\\! rm -rf /\n").unwrap_err();
        assert!(e.starts_with("line 2: `\\! rm -rf /`"), "{e}");
        let e = check_commands("\\connect shop\n").unwrap_err();
        assert!(e.contains("whole pg_dumpall script"), "{e}");
    }

    #[test]
    fn a_script_without_its_trailer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.sql");
        std::fs::write(&p, "CREATE ROLE a;\n").unwrap();
        assert!(read_script(&p).unwrap_err().contains("not a complete"));
        std::fs::write(&p, format!("CREATE ROLE a;\n\n--\n{TRAILER}\n--\n\n")).unwrap();
        assert_eq!(read_script(&p).unwrap(), ["a"]);
    }
}
