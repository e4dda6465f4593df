//! Proof that a backup restores: its SHA-256 still matches, every data block
//! of the archive reads back (rows counted from the archive itself), and —
//! when a server is given — a test restore into a scratch database whose row
//! counts per table equal those in the backup. The scratch database is always
//! dropped again.

use crate::catalog::sidecar;
use crate::catalog::{
    BackupRecord, Catalog, TableCheck, TableRows, Verification, VerifyCheck, VerifyStatus,
};
use crate::error::EngineError;
use crate::explain::{Explanation, FailureKind};
use crate::jobs::progress::{eta, BackupProgress, Phase};
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, JobStatus, JobType};
use crate::options::{BackupFormat, RestoreOptions};
use crate::restore::prepare_restore;
use crate::restore::rows::{count_archive_rows, count_on_server};
use crate::server::connection::ConnectionSpec;
use crate::server::tools::{discover, pick, ToolSearch};
use crate::server::Server;
use chrono::Utc;
use std::path::Path;
use std::time::Instant;

mod server;

/// What to verify and where to test-restore.
pub struct VerifyRequest<'a> {
    pub id: String,
    pub backup: BackupRecord,
    /// The server to restore on (any database of it; a scratch one is made).
    /// `None` checks the file only.
    pub restore_on: Option<ConnectionSpec>,
    pub search: &'a ToolSearch,
    /// The key of an encrypted backup.
    pub decrypt: Option<&'a crate::crypt::Decrypt>,
}

struct Progress<'a> {
    emit: EventSink<'a>,
    started: Instant,
}

impl Progress<'_> {
    fn report(&self, percent: f64, what: &str) {
        let elapsed = self.started.elapsed();
        (self.emit)(JobEvent::Progress(BackupProgress {
            phase: Phase::Verifying,
            current_object: Some(what.into()),
            percent,
            elapsed_ms: elapsed.as_millis() as i64,
            eta_ms: eta(elapsed, percent),
            ..Default::default()
        }));
    }
}

/// Runs the checks, records the result (and the backup's row counts, the
/// first time they are read) in the catalog, and returns it.
pub async fn verify_backup(
    catalog: &Catalog,
    mut req: VerifyRequest<'_>,
    cancel: &CancelHandle,
    emit: EventSink<'_>,
) -> Result<Verification, EngineError> {
    if !req.backup.parts.is_empty() {
        return server::verify_server(catalog, req, cancel, emit).await;
    }
    let started = Instant::now();
    let progress = Progress { emit, started };
    let backup = &req.backup;
    let mut checks = Vec::new();
    let mut tables = Vec::new();
    let mut restored_on = None;

    progress.report(0.0, "SHA-256 checksum");
    let checksum_ok = match &backup.sha256 {
        Some(sum) => {
            let (path, sum) = (backup.path.clone(), sum.clone());
            let result = tokio::task::spawn_blocking(move || sidecar::check(&path, &sum))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            checks.push(VerifyCheck {
                name: "checksum".into(),
                ok: result.is_ok(),
                detail: result.err().unwrap_or_else(|| {
                    format!("SHA-256 matches {}", short(backup.sha256.as_deref()))
                }),
            });
            checks[0].ok
        }
        None => {
            checks.push(VerifyCheck {
                name: "checksum".into(),
                ok: true,
                detail: "no checksum was recorded for this backup".into(),
            });
            true
        }
    };

    // An encrypted backup is checked as it is stored (above), then read
    // and test-restored decrypted.
    let mut _decrypted = None;
    let mut readable = checksum_ok;
    if checksum_ok && crate::crypt::is_encrypted(&req.backup.path) {
        match crate::crypt::decrypt_backup(&req.backup.path, req.decrypt) {
            Ok(d) => {
                checks.push(VerifyCheck {
                    name: "decrypt".into(),
                    ok: true,
                    detail: "decrypted with the key given; every chunk checked out".into(),
                });
                req.backup.path = d.path().to_path_buf();
                _decrypted = Some(d);
            }
            Err(e) => {
                checks.push(VerifyCheck {
                    name: "decrypt".into(),
                    ok: false,
                    detail: e.to_string(),
                });
                readable = false;
            }
        }
    }
    let backup = &req.backup;
    let mut expected: Option<Vec<TableRows>> = None;
    if readable && !cancel.is_cancelled() {
        progress.report(10.0, "reading the archive");
        match read_archive(&backup.path, req.search).await {
            Ok((summary, rows)) => {
                checks.push(VerifyCheck {
                    name: "archive".into(),
                    ok: true,
                    detail: summary,
                });
                let recorded = catalog.table_rows(&backup.id).unwrap_or_else(|e| {
                    tracing::warn!(backup = %backup.id, error = %e, "the recorded row counts could not be read");
                    Vec::new()
                });
                let total: u64 = rows.iter().map(|t| t.rows).sum();
                if recorded.is_empty() {
                    if let Err(e) = catalog.set_table_rows(&backup.id, &rows) {
                        tracing::warn!(backup = %backup.id, error = %e, "the row counts could not be recorded");
                    }
                    checks.push(VerifyCheck {
                        name: "rows".into(),
                        ok: true,
                        detail: format!(
                            "{total} rows in {} tables, read from the archive",
                            rows.len()
                        ),
                    });
                    expected = Some(rows);
                } else {
                    let same = recorded == rows;
                    checks.push(VerifyCheck {
                        name: "rows".into(),
                        ok: same,
                        detail: if same {
                            format!("{total} rows in {} tables, as recorded", rows.len())
                        } else {
                            "the archive's row counts differ from those recorded earlier".into()
                        },
                    });
                    expected = Some(recorded);
                }
            }
            Err(why) => checks.push(VerifyCheck {
                name: "archive".into(),
                ok: false,
                detail: why,
            }),
        }
    }

    let file_ok = checks.iter().all(|c| c.ok);
    if let (true, Some(server), Some(expected)) = (file_ok, &req.restore_on, &expected) {
        if !cancel.is_cancelled() {
            let scratch = scratch_name(&req.id);
            restored_on = Some(describe_server(server));
            let (check, counted) =
                test_restore(&req, server, &scratch, expected, cancel, &progress).await;
            tables = counted;
            checks.push(check);
        }
    } else if let Some(expected) = expected {
        tables = expected
            .into_iter()
            .map(|t| TableCheck {
                schema: t.schema,
                name: t.name,
                expected: Some(t.rows),
                restored: None,
            })
            .collect();
    }

    if cancel.is_cancelled() {
        return Err(EngineError::Io("the verification was cancelled".into()));
    }
    let ok = checks.iter().all(|c| c.ok);
    let summary = if ok {
        match &restored_on {
            Some(on) => format!(
                "Restorable: test restore on {on} brought back every row of {} tables",
                tables.len()
            ),
            None => "The file is intact and every table's data reads back (no test restore)".into(),
        }
    } else {
        let failed = checks.iter().find(|c| !c.ok).expect("a failed check");
        format!("Failed {}: {}", failed.name, failed.detail)
    };
    let verification = Verification {
        status: if ok {
            VerifyStatus::Passed
        } else {
            VerifyStatus::Failed
        },
        checked_at: Utc::now(),
        duration_ms: started.elapsed().as_millis() as i64,
        summary,
        checks,
        tables,
        restored_on,
    };
    record(catalog, backup, verification, &progress)
}

/// The scratch database of verification `id`.
fn scratch_name(id: &str) -> String {
    format!(
        "tusk_verify_{}",
        id.chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect::<String>()
            .to_lowercase()
    )
}

/// Records a verification in the catalog and in the manifest beside the backup.
fn record(
    catalog: &Catalog,
    backup: &BackupRecord,
    verification: Verification,
    progress: &Progress<'_>,
) -> Result<Verification, EngineError> {
    let updated = catalog
        .set_verification(&backup.id, &verification)
        .map_err(|e| EngineError::Io(e.to_string()))?;
    // The manifest carries it too, so a rebuilt or imported history keeps it.
    if updated.file_exists {
        if let Err(e) = sidecar::write_manifest(&updated) {
            tracing::warn!(backup = %updated.id, error = %e, "the manifest could not be updated with the verification");
        }
    }
    progress.report(100.0, "done");
    Ok(verification)
}

fn short(sum: Option<&str>) -> String {
    sum.map(|s| format!("{}…", &s[..s.len().min(12)]))
        .unwrap_or_default()
}

fn describe_server(conn: &ConnectionSpec) -> String {
    let host = conn.host.clone().unwrap_or_else(|| "localhost".into());
    match conn.port {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// Counts a new backup's rows per table from its file and records them in
/// the history, for the restore's check and the history to show. Left out
/// (`Ok(None)`) for what has no one file here to read: a whole-server
/// backup (each part is counted when verified), a backup kept in a bucket
/// only, an encrypted one (its key is not at hand).
pub async fn record_row_counts(
    catalog: &Catalog,
    id: &str,
    search: &ToolSearch,
) -> Result<Option<Vec<TableRows>>, String> {
    let b = catalog.require_backup(id).map_err(|e| e.to_string())?;
    let countable = b.status.is_success()
        && b.parts.is_empty()
        && !b.is_remote_only()
        && b.options.scope == crate::options::BackupScope::Database
        && !crate::crypt::is_encrypted(&b.path);
    if !countable {
        return Ok(None);
    }
    let (_, rows) = read_archive(&b.path, search).await?;
    catalog
        .set_table_rows(id, &rows)
        .map_err(|e| e.to_string())?;
    Ok(Some(rows))
}

/// Reads the table of contents and every table's rows from the archive:
/// plain SQL directly, archives through `pg_restore -f -` (which decodes
/// every data block, whatever its compression).
async fn read_archive(
    path: &Path,
    search: &ToolSearch,
) -> Result<(String, Vec<TableRows>), String> {
    let info = tusk_archive::read_info(path).map_err(|e| e.to_string())?;
    let summary = format!(
        "{} archive by pg_dump {}, {} entries",
        info.format.as_str(),
        info.pg_dump_version,
        info.entries.len()
    );
    let pg_restore = if info.format == BackupFormat::Plain {
        None
    } else {
        let found = discover(search);
        let tool = pick(&found, "pg_restore", None, search).map_err(|e| e.to_string())?;
        Some(tool.tool.path.clone())
    };
    let rows = count_archive_rows(path, info.format, info.zstd, pg_restore).await?;
    Ok((summary, rows))
}

/// Restores into `scratch`, counts every table's rows, drops `scratch`.
async fn test_restore(
    req: &VerifyRequest<'_>,
    server: &ConnectionSpec,
    scratch: &str,
    expected: &[TableRows],
    cancel: &CancelHandle,
    progress: &Progress<'_>,
) -> (VerifyCheck, Vec<TableCheck>) {
    let fail = |detail: String| VerifyCheck {
        name: "testRestore".into(),
        ok: false,
        detail,
    };
    let parallel = matches!(
        req.backup.format,
        BackupFormat::Custom | BackupFormat::Directory
    );
    let options = RestoreOptions {
        input_path: req.backup.path.clone(),
        target_database: Some(scratch.to_string()),
        create_database: true,
        // A plain script keeps its owners and grants (psql runs it as it is).
        no_owner: req.backup.format != BackupFormat::Plain,
        no_privileges: req.backup.format != BackupFormat::Plain,
        exit_on_error: true,
        single_transaction: Some(!parallel),
        jobs: if parallel { 2 } else { 1 },
        safety_backup: false,
        ..Default::default()
    };
    let maintenance = server.with_database(
        server
            .database
            .clone()
            .filter(|d| d != scratch)
            .as_deref()
            .unwrap_or("postgres"),
    );
    let prepared = match prepare_restore(
        &format!("{}-test", req.id),
        &maintenance,
        &options,
        req.search,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            return (
                fail(format!("the test restore could not start: {e}")),
                Vec::new(),
            )
        }
    };
    let psql = prepared.psql_path().to_path_buf();
    let sink = |event: JobEvent| {
        if let JobEvent::Progress(p) = event {
            progress.report(
                35.0 + p.percent * 0.6,
                &format!("test restore: {}", p.current_object.unwrap_or_default()),
            );
        }
    };
    let outcome = prepared.run(cancel, &sink).await;
    let restored_ok = matches!(outcome.status, JobStatus::Completed);
    let mut counted = Vec::new();
    let mut check = if restored_ok {
        progress.report(95.0, "counting rows");
        match count_on_server(&psql, &server.with_database(scratch), expected).await {
            Ok(c) => {
                counted = c;
                let wrong: Vec<String> = counted
                    .iter()
                    .filter(|t| !t.matches())
                    .map(|t| {
                        format!(
                            "{}.{}: {} in the backup, {} restored",
                            t.schema,
                            t.name,
                            t.expected.unwrap_or(0),
                            t.restored.unwrap_or(0)
                        )
                    })
                    .collect();
                if wrong.is_empty() {
                    VerifyCheck {
                        name: "testRestore".into(),
                        ok: true,
                        detail: format!(
                            "restored into a scratch database in {:.1} s; every table has the rows of the backup",
                            outcome.duration_ms as f64 / 1000.0
                        ),
                    }
                } else {
                    fail(format!("row counts differ: {}", wrong.join("; ")))
                }
            }
            Err(e) => fail(format!("the restored rows could not be counted: {e}")),
        }
    } else if outcome.status == JobStatus::Cancelled {
        fail("cancelled".into())
    } else {
        let why = outcome
            .error
            .map(|e| e.summary)
            .unwrap_or_else(|| "pg_restore reported errors".into());
        let first_error = outcome.errors.first().cloned().unwrap_or_default();
        fail(
            format!("the test restore failed: {why} {first_error}")
                .trim()
                .to_string(),
        )
    };
    // The restore removes its new database itself when it fails; make sure.
    let env = match maintenance.tool_env("tusk-verify") {
        Ok(env) => env,
        Err(e) => return (fail(e.to_string()), counted),
    };
    if let Err(e) = Server::new(&psql, &maintenance, &env)
        .query_work(
            "DROP DATABASE IF EXISTS :\"db\" WITH (FORCE)",
            &[("db", scratch)],
        )
        .await
    {
        check.detail.push_str(&format!(
            " (the scratch database \"{scratch}\" could not be dropped: {e})"
        ));
    }
    (check, counted)
}

/// A verification as a job's one terminal state.
pub fn outcome(
    id: &str,
    started_at: chrono::DateTime<chrono::Utc>,
    result: Result<Verification, EngineError>,
    cancelled: bool,
) -> JobOutcome {
    let (status, error) = match &result {
        _ if cancelled => (JobStatus::Cancelled, None),
        Ok(v) if v.status == VerifyStatus::Passed => (JobStatus::Completed, None),
        Ok(v) => (
            JobStatus::Failed,
            Some(Explanation {
                kind: FailureKind::Other,
                summary: v.summary.clone(),
                hint: "The backup may not restore: make a new one, and keep this one until you know why."
                    .into(),
            }),
        ),
        Err(e) => (
            JobStatus::Failed,
            Some(Explanation {
                kind: FailureKind::Other,
                summary: e.to_string(),
                hint: "The verification could not run.".into(),
            }),
        ),
    };
    JobOutcome {
        error,
        last_lines: result
            .iter()
            .flat_map(|v| v.checks.iter())
            .map(|c| format!("{} {}: {}", if c.ok { "✓" } else { "✗" }, c.name, c.detail))
            .collect(),
        progress: BackupProgress {
            percent: 100.0,
            phase: Phase::Finishing,
            ..Default::default()
        },
        ..JobOutcome::ended(id, JobType::Verify, started_at, status)
    }
}
