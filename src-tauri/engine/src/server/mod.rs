//! Questions asked of the live server through psql — so the connection
//! behaves exactly as pg_dump's will (same libpq, `.pgpass`, service files,
//! environment), with the password only in the temporary password file.

pub mod command;
pub mod connection;
pub mod gates;
#[cfg(unix)]
pub mod localdb;
pub mod objects;
pub mod secrets;
pub mod tools;

use crate::error::EngineError;
use crate::explain::explain;
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::PgVersion;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FIELD_SEP: &str = "\x1f";
const RECORD_SEP: &str = "\x1e";

/// Tusk's own questions never wait long for a lock another session holds
/// (pg_dump's lock wait timeout does not cover them), and run under a
/// timeout of their own whatever the database or role sets.
pub const LOCK_TIMEOUT_SECS: u32 = 10;
const STATEMENT_TIMEOUT_SECS: u32 = 120;
/// A server that stops answering in the middle of a question: psql is
/// stopped this long after the statement timeout should have ended it.
const ANSWER_GRACE: std::time::Duration = std::time::Duration::from_secs(15);

/// How long Tusk's own statements may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// Catalog questions: bounded by the statement timeout.
    Question,
    /// Work that grows with the data (counting a table's rows, creating or
    /// dropping a database): no statement timeout, but still no endless wait
    /// for a lock.
    Work,
}

impl Patience {
    /// `PGOPTIONS` for the session: the user's own, then Tusk's settings.
    fn pg_options(self) -> String {
        let statement = match self {
            Patience::Question => format!("{STATEMENT_TIMEOUT_SECS}s"),
            Patience::Work => "0".into(),
        };
        let ours = format!("-c lock_timeout={LOCK_TIMEOUT_SECS}s -c statement_timeout={statement}");
        match std::env::var("PGOPTIONS") {
            Ok(theirs) if !theirs.trim().is_empty() => format!("{theirs} {ours}"),
            _ => ours,
        }
    }

    fn deadline(self) -> Option<std::time::Duration> {
        match self {
            Patience::Question => {
                Some(std::time::Duration::from_secs(STATEMENT_TIMEOUT_SECS.into()) + ANSWER_GRACE)
            }
            Patience::Work => None,
        }
    }
}

/// A connection to ask questions on.
pub struct Server<'a> {
    psql: PathBuf,
    conn: &'a ConnectionSpec,
    env: &'a ToolEnv,
    /// One psql kept open for the questions asked every half second while a
    /// job runs: a new process and connection each time would cost the job
    /// CPU on a busy machine.
    live: tokio::sync::Mutex<Option<Session>>,
}

/// A psql process reading statements from a pipe. Each answer ends with an
/// `\echo`ed marker of its own, so an answer abandoned by a timeout is never
/// taken for the next one.
struct Session {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::BufReader<tokio::process::ChildStdout>,
    asked: u64,
}

impl Session {
    fn open(server: &Server<'_>) -> std::io::Result<Session> {
        let mut cmd = tokio::process::Command::new(&server.psql);
        cmd.args(server.conn.tool_args(true))
            .args(["-X", "-q", "-A", "-t", "-F", FIELD_SEP, "-R", RECORD_SEP])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .env("PGOPTIONS", Patience::Question.pg_options())
            .kill_on_drop(true);
        server.env.apply(&mut cmd);
        crate::platform::die_with_parent(&mut cmd);
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = tokio::io::BufReader::new(child.stdout.take().expect("piped"));
        Ok(Session {
            child,
            stdin,
            stdout,
            asked: 0,
        })
    }

    async fn ask(&mut self, sql: &str, vars: &[(&str, &str)]) -> std::io::Result<Vec<Vec<String>>> {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
        self.asked += 1;
        let marker = format!("--tusk-answer-{}--", self.asked);
        let mut script = String::new();
        for (name, value) in vars {
            let quoted = value.replace('\\', "\\\\").replace('\'', "''");
            script.push_str(&format!("\\set {name} '{quoted}'\n"));
        }
        script.push_str(&format!(
            "{};\n\\echo {marker}\n",
            sql.trim_end_matches(';')
        ));
        self.stdin.write_all(script.as_bytes()).await?;
        self.stdin.flush().await?;
        let mut answer = String::new();
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).await? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "psql ended",
                ));
            }
            if line.trim_end() == marker {
                break;
            }
            if line.starts_with("--tusk-answer-") {
                // The end of an answer given up on earlier.
                answer.clear();
                continue;
            }
            answer.push_str(&line);
        }
        Ok(split_records(&answer))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn split_records(text: &str) -> Vec<Vec<String>> {
    text.split(RECORD_SEP)
        .map(|r| r.trim_matches('\n'))
        .filter(|r| !r.is_empty())
        .map(|r| r.split(FIELD_SEP).map(String::from).collect())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub version: PgVersion,
    /// `version()`: "PostgreSQL 15.18 (Debian …) on x86_64…"
    pub version_text: String,
    pub database: String,
    pub user: String,
}

/// A table as the catalog sees it before a dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableStat {
    pub schema: String,
    pub name: String,
    /// Planner estimate; 0 when never analysed.
    pub rows_estimate: u64,
    /// Heap plus TOAST bytes: what COPY reads.
    pub bytes: u64,
}

/// A row of `pg_stat_progress_copy` for one of our connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyProgress {
    pub schema: String,
    pub name: String,
    pub tuples: u64,
    pub bytes: u64,
}

/// A row of `pg_stat_progress_create_index` for one of our connections.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexProgress {
    pub schema: String,
    pub table: String,
    /// 0..1 through the build.
    pub fraction: f64,
}

impl<'a> Server<'a> {
    pub fn new(psql: &Path, conn: &'a ConnectionSpec, env: &'a ToolEnv) -> Self {
        Server {
            psql: psql.to_path_buf(),
            conn,
            env,
            live: tokio::sync::Mutex::new(None),
        }
    }

    /// Runs a statement on the kept-open session (opened on first use); a
    /// failure drops it, to be opened again next time. Errors mean "no answer".
    async fn query_live(
        &self,
        sql: &str,
        vars: &[(&str, &str)],
    ) -> Result<Vec<Vec<String>>, EngineError> {
        let mut live = self.live.lock().await;
        if live.is_none() {
            *live = Some(Session::open(self).map_err(|e| EngineError::Spawn {
                tool: "psql".into(),
                message: e.to_string(),
            })?);
        }
        let session = live.as_mut().expect("just opened");
        match session.ask(sql, vars).await {
            Ok(rows) => Ok(rows),
            Err(e) => {
                *live = None;
                Err(EngineError::Io(format!("progress query failed: {e}")))
            }
        }
    }

    /// Runs one catalog question; `vars` are bound as psql variables
    /// (`:'name'`).
    pub async fn query(
        &self,
        sql: &str,
        vars: &[(&str, &str)],
    ) -> Result<Vec<Vec<String>>, EngineError> {
        self.run_sql(sql, vars, Patience::Question).await
    }

    /// Runs a statement whose time grows with the data (see [`Patience`]).
    pub async fn query_work(
        &self,
        sql: &str,
        vars: &[(&str, &str)],
    ) -> Result<Vec<Vec<String>>, EngineError> {
        self.run_sql(sql, vars, Patience::Work).await
    }

    async fn run_sql(
        &self,
        sql: &str,
        vars: &[(&str, &str)],
        patience: Patience,
    ) -> Result<Vec<Vec<String>>, EngineError> {
        let mut cmd = tokio::process::Command::new(&self.psql);
        cmd.args(self.conn.tool_args(true))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-F", FIELD_SEP, "-R", RECORD_SEP]);
        for (name, value) in vars {
            cmd.arg("-v").arg(format!("{name}={value}"));
        }
        // The statement goes through stdin so psql expands the variables.
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .env("PGOPTIONS", patience.pg_options())
            .kill_on_drop(true);
        self.env.apply(&mut cmd);
        crate::platform::die_with_parent(&mut cmd);
        let mut child = cmd.spawn().map_err(|e| EngineError::Spawn {
            tool: "psql".into(),
            message: e.to_string(),
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            use tokio::io::AsyncWriteExt;
            let _ = stdin.write_all(sql.as_bytes()).await;
        }
        let waited = child.wait_with_output();
        let out =
            match patience.deadline() {
                Some(limit) => tokio::time::timeout(limit, waited).await.map_err(|_| {
                    EngineError::Connection {
                        summary: format!(
                            "The server stopped answering: a question Tusk asks it took over {} s.",
                            limit.as_secs()
                        ),
                        hint: "Check that the server is not overloaded or stuck, then try again."
                            .into(),
                        detail: String::new(),
                    }
                })?,
                None => waited.await,
            }
            .map_err(|e| EngineError::Io(e.to_string()))?;
        if !out.status.success() {
            let lines: Vec<String> = String::from_utf8_lossy(&out.stderr)
                .lines()
                .map(|l| self.env.scrub(l))
                .collect();
            let why = explain(&lines);
            let err = EngineError::Connection {
                summary: why.summary,
                hint: why.hint,
                detail: lines.join("\n"),
            };
            if why.kind == crate::explain::FailureKind::LockTimeout {
                return Err(self.name_the_lock(err).await);
            }
            return Err(err);
        }
        Ok(split_records(&String::from_utf8_lossy(&out.stdout)))
    }

    /// A question that gave up waiting for a lock: which tables other
    /// sessions hold locked (in a mode no reader gets past), and by whom.
    async fn name_the_lock(&self, err: EngineError) -> EngineError {
        let EngineError::Connection { detail, .. } = &err else {
            return err;
        };
        // Boxed: a question about a question.
        let Ok(rows) = Box::pin(self.query(
                "SELECT DISTINCT n.nspname, c.relname, l.pid, coalesce(a.application_name, ''), l.mode \
                 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.granted AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid() \
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 ORDER BY 1, 2 LIMIT 5",
                &[],
            ))
            .await
        else {
            return err;
        };
        let held: Vec<String> = rows
            .iter()
            .filter(|r| r.len() == 5)
            .map(|r| {
                let app = if r[3].is_empty() {
                    String::new()
                } else {
                    format!(", \"{}\"", r[3])
                };
                format!(
                    "{} (locked by session {}{app})",
                    qualified(&r[0], &r[1]),
                    r[2]
                )
            })
            .collect();
        if held.is_empty() {
            return err;
        }
        EngineError::Connection {
            summary: format!(
                "Another session holds {} locked, and Tusk waited {LOCK_TIMEOUT_SECS} s for it: {}.",
                if held.len() == 1 { "a table" } else { "tables" },
                held.join(", ")
            ),
            hint: "Retry when that session has finished (a long ALTER TABLE, VACUUM FULL or an open transaction that took the lock), or end it with pg_terminate_backend(pid).".into(),
            detail: detail.clone(),
        }
    }

    pub async fn info(&self) -> Result<ServerInfo, EngineError> {
        let rows = self
            .query(
                "SELECT current_setting('server_version_num'), version(), current_database(), current_user",
                &[],
            )
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| EngineError::Io("the server returned no version".into()))?;
        let num: u32 = row[0]
            .parse()
            .map_err(|_| EngineError::Io(format!("unexpected server_version_num `{}`", row[0])))?;
        Ok(ServerInfo {
            version: PgVersion(num),
            version_text: row[1].clone(),
            database: row[2].clone(),
            user: row[3].clone(),
        })
    }

    /// Every user table with its size, for weighting dump progress.
    pub async fn table_stats(&self) -> Result<Vec<TableStat>, EngineError> {
        let rows = self
            .query(
                "SELECT n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint, \
                 pg_relation_size(c.oid) + COALESCE(pg_relation_size(NULLIF(c.reltoastrelid, 0)), 0) \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' \
                 AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2",
                &[],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.len() == 4)
            .map(|r| TableStat {
                schema: r[0].clone(),
                name: r[1].clone(),
                rows_estimate: r[2].parse().unwrap_or(0),
                bytes: r[3].parse().unwrap_or(0),
            })
            .collect())
    }

    /// COPY commands running on connections named `app_name`.
    pub async fn copy_progress(&self, app_name: &str) -> Result<Vec<CopyProgress>, EngineError> {
        let rows = self
            .query_live(
                "SELECT n.nspname, c.relname, p.tuples_processed, p.bytes_processed \
                 FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid) \
                 JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE a.application_name = :'app'",
                &[("app", app_name)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.len() == 4)
            .map(|r| CopyProgress {
                schema: r[0].clone(),
                name: r[1].clone(),
                tuples: r[2].parse().unwrap_or(0),
                bytes: r[3].parse().unwrap_or(0),
            })
            .collect())
    }

    /// Index builds running on connections named `app_name`.
    pub async fn index_progress(&self, app_name: &str) -> Result<Vec<IndexProgress>, EngineError> {
        let rows = self
            .query_live(
                "SELECT n.nspname, c.relname, p.phase, p.blocks_total, p.blocks_done, p.tuples_total, p.tuples_done \
                 FROM pg_stat_progress_create_index p JOIN pg_stat_activity a USING (pid) \
                 JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE a.application_name = :'app'",
                &[("app", app_name)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.len() == 7)
            .map(|r| {
                let num = |i: usize| r[i].parse::<f64>().unwrap_or(0.0);
                IndexProgress {
                    schema: r[0].clone(),
                    table: r[1].clone(),
                    fraction: index_fraction(&r[2], num(3), num(4), num(5), num(6)),
                }
            })
            .collect())
    }

    /// Schema names of the database.
    pub async fn schemas(&self) -> Result<Vec<String>, EngineError> {
        let rows = self.query("SELECT nspname FROM pg_namespace", &[]).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next())
            .collect())
    }

    /// Of these roles, those the server does not have.
    pub async fn missing_roles(&self, roles: &[String]) -> Result<Vec<String>, EngineError> {
        self.not_in(
            "SELECT n FROM json_array_elements_text(:'names'::json) n \
             WHERE n NOT IN (SELECT rolname FROM pg_roles) ORDER BY 1",
            roles,
        )
        .await
    }

    /// Of these extensions, those the server cannot create (not installed
    /// on it: `pg_available_extensions`).
    pub async fn unavailable_extensions(
        &self,
        names: &[String],
    ) -> Result<Vec<String>, EngineError> {
        self.not_in(
            "SELECT n FROM json_array_elements_text(:'names'::json) n \
             WHERE n NOT IN (SELECT name FROM pg_available_extensions) ORDER BY 1",
            names,
        )
        .await
    }

    async fn not_in(&self, sql: &str, names: &[String]) -> Result<Vec<String>, EngineError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let names = serde_json::to_string(names).map_err(|e| EngineError::Io(e.to_string()))?;
        let rows = self.query(sql, &[("names", &names)]).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next())
            .collect())
    }

    pub async fn database_exists(&self, name: &str) -> Result<bool, EngineError> {
        let rows = self
            .query(
                "SELECT 1 FROM pg_database WHERE datname = :'db'",
                &[("db", name)],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// Other sessions connected to `database`.
    pub async fn active_connections(&self, database: &str) -> Result<u64, EngineError> {
        let rows = self
            .query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid()",
                &[("db", database)],
            )
            .await?;
        Ok(rows.first().and_then(|r| r[0].parse().ok()).unwrap_or(0))
    }

    /// Number of user tables (a quick "is this database empty?").
    pub async fn user_table_count(&self) -> Result<u64, EngineError> {
        let rows = self
            .query(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r','p','v','m','S') AND n.nspname <> 'information_schema' \
                 AND n.nspname NOT LIKE 'pg\\_%'",
                &[],
            )
            .await?;
        Ok(rows.first().and_then(|r| r[0].parse().ok()).unwrap_or(0))
    }

    /// `CREATE DATABASE` with a safely quoted name.
    pub async fn create_database(&self, name: &str) -> Result<(), EngineError> {
        self.query_work("CREATE DATABASE :\"db\"", &[("db", name)])
            .await
            .map(|_| ())
    }
}

/// `schema.table` as SQL would name it: quoted where the name needs it, so
/// a message names exactly the table meant (`"My Schema"."Order.Items"`).
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// An identifier as SQL would write it.
pub fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Rough position in an index build: the table scan is the first half,
/// sorting and loading the tree the second.
fn index_fraction(
    phase: &str,
    blocks_total: f64,
    blocks_done: f64,
    tuples_total: f64,
    tuples_done: f64,
) -> f64 {
    let ratio = |done: f64, total: f64| {
        if total > 0.0 {
            (done / total).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    if phase.contains("scanning table") {
        0.5 * ratio(blocks_done, blocks_total)
    } else if phase.contains("sorting") {
        0.5
    } else if phase.contains("loading tuples") {
        0.5 + 0.5 * ratio(tuples_done, tuples_total)
    } else if phase.contains("initializing") {
        0.0
    } else {
        0.9
    }
}
