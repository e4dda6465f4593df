//! Verifying a whole-server backup: the folder's checksum, the globals
//! script complete (its trailer) with the roles it creates, and every
//! database part read back and test-restored with its row counts.

use super::*;
use crate::catalog::PartKind;
use crate::cluster::globals::read_script;

/// The checks of a server backup, recorded like any verification. A
/// database's tables are named `database: schema` in the table list.
pub(super) async fn verify_server(
    catalog: &Catalog,
    req: VerifyRequest<'_>,
    cancel: &CancelHandle,
    emit: EventSink<'_>,
) -> Result<Verification, EngineError> {
    let started = Instant::now();
    let progress = Progress { emit, started };
    let backup = &req.backup;
    let mut checks = Vec::new();
    let mut tables = Vec::new();

    progress.report(0.0, "SHA-256 checksum");
    if let Some(sum) = &backup.sha256 {
        let (path, sum) = (backup.path.clone(), sum.clone());
        let result = tokio::task::spawn_blocking(move || sidecar::check(&path, &sum))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        checks.push(VerifyCheck {
            name: "checksum".into(),
            ok: result.is_ok(),
            detail: result.err().unwrap_or_else(|| {
                format!(
                    "SHA-256 of the folder's files matches {}",
                    short(backup.sha256.as_deref())
                )
            }),
        });
    }
    let parts: Vec<_> = backup
        .parts
        .iter()
        .filter(|p| p.status.is_success())
        .collect();
    let share = 95.0 / parts.len().max(1) as f64;
    // A server backup's parts are in its folder; a roles backup is its one part.
    let folder = if backup.path.is_dir() {
        backup.path.clone()
    } else {
        backup
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    for (i, part) in parts.iter().enumerate() {
        if cancel.is_cancelled() || checks.iter().any(|c| !c.ok) {
            break;
        }
        let path = folder.join(&part.file);
        // Each part's own checksum, written beside it.
        if let Some(sum) = &part.sha256 {
            let (p, s) = (path.clone(), sum.clone());
            let result = tokio::task::spawn_blocking(move || sidecar::check(&p, &s))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            if let Err(why) = result {
                checks.push(VerifyCheck {
                    name: format!("checksum of \"{}\"", part.name),
                    ok: false,
                    detail: why,
                });
                break;
            }
        }
        let base = 5.0 + share * i as f64;
        if part.kind == PartKind::Globals {
            progress.report(base, "roles and tablespaces");
            let read = read_script(&path);
            checks.push(VerifyCheck {
                name: "globals".into(),
                ok: read.is_ok(),
                detail: match read {
                    Ok(roles) => format!(
                        "the roles and tablespaces script is complete; it creates {} role(s): {}",
                        roles.len(),
                        roles.join(", ")
                    ),
                    Err(why) => why,
                },
            });
            continue;
        }
        let name = part.name.clone();
        let remap = move |e: JobEvent| {
            if let JobEvent::Progress(p) = e {
                emit(JobEvent::Progress(BackupProgress {
                    percent: base + p.percent * share / 100.0,
                    current_object: Some(match p.current_object {
                        Some(what) => format!("{name}: {what}"),
                        None => name.clone(),
                    }),
                    ..p
                }))
            }
        };
        let part_progress = Progress {
            emit: &remap,
            started,
        };
        part_progress.report(0.0, "reading the archive");
        let label = format!("database \"{}\"", part.name);
        let (summary, rows) = match read_archive(&path, req.search).await {
            Ok(read) => read,
            Err(why) => {
                checks.push(VerifyCheck {
                    name: label,
                    ok: false,
                    detail: why,
                });
                continue;
            }
        };
        let in_database = |schema: &str| format!("{}: {schema}", part.name);
        match &req.restore_on {
            Some(server) => {
                let sub = VerifyRequest {
                    id: format!("{}-{i}", req.id),
                    backup: BackupRecord {
                        path: path.clone(),
                        ..backup.clone()
                    },
                    restore_on: req.restore_on.clone(),
                    search: req.search,
                    decrypt: None,
                };
                let scratch = format!("{}_{i}", scratch_name(&req.id));
                let (check, counted) =
                    test_restore(&sub, server, &scratch, &rows, cancel, &part_progress).await;
                checks.push(VerifyCheck {
                    name: label,
                    ok: check.ok,
                    detail: format!("{summary}; {}", check.detail),
                });
                tables.extend(counted.into_iter().map(|t| TableCheck {
                    schema: in_database(&t.schema),
                    ..t
                }));
            }
            None => {
                let total: u64 = rows.iter().map(|t| t.rows).sum();
                checks.push(VerifyCheck {
                    name: label,
                    ok: true,
                    detail: format!("{summary}; {total} rows read back"),
                });
                tables.extend(rows.into_iter().map(|t| TableCheck {
                    schema: in_database(&t.schema),
                    name: t.name,
                    expected: Some(t.rows),
                    restored: None,
                }));
            }
        }
    }
    if cancel.is_cancelled() {
        return Err(EngineError::Io("the verification was cancelled".into()));
    }
    let databases = parts
        .iter()
        .filter(|p| p.kind == PartKind::Database)
        .count();
    let restored_on = req.restore_on.as_ref().map(describe_server);
    let ok = checks.iter().all(|c| c.ok);
    let summary = if ok {
        match &restored_on {
            Some(on) => format!(
                "Restorable: each of {databases} database(s) test-restored on {on} with every row of {} tables; the roles script is complete",
                tables.len()
            ),
            None => format!(
                "The files are intact and every table of {databases} database(s) reads back (no test restore)"
            ),
        }
    } else {
        let failed = checks.iter().find(|c| !c.ok).expect("a failed check");
        format!("Failed {}: {}", failed.name, failed.detail)
    };
    record(
        catalog,
        backup,
        Verification {
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
        },
        &progress,
    )
}
