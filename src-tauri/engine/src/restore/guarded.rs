//! A restore that checks the backup's checksum, takes a safety backup of its
//! target first, or swaps a freshly restored database in for the target.

use crate::backup::{prepare_backup, PreparedBackup};
use crate::catalog::sidecar;
use crate::catalog::{BackupReason, BackupRecord, Catalog, NewRestore, Source};
use crate::error::EngineError;
use crate::jobs::progress::{eta, BackupProgress, Phase};
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, JobStatus, JobType};
use crate::options::{BackupFormat, BackupOptions, RestoreOptions};
use crate::restore::rows::RowCheckPlan;
use crate::restore::stream::Streamed;
use crate::restore::{prepare_restore, prepare_streamed_restore, PreparedRestore, TargetState};
use crate::server::connection::ConnectionSpec;
use crate::server::tools::ToolSearch;
use chrono::Utc;
use std::path::{Path, PathBuf};

use super::swap::*;
use crate::backup::recorded::{backup_status, dated_path, run_recorded_backup, RecordMeta};

/// What a restore will do around pg_restore, shown by the pre-flight.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestoreSafety {
    /// Where the safety backup of the target will go, when one is taken.
    pub safety_backup: Option<PathBuf>,
    /// Why a safety backup is (or would be) taken.
    pub safety_reason: Option<String>,
    /// The backup as the history knows it.
    pub catalog_backup: Option<BackupRecord>,
    /// The checksum will be checked before anything is touched.
    pub checks_checksum: bool,
    /// With swap: the database replaced (what the user confirms by typing
    /// it), the temporary database restored into, and the name the current
    /// database is kept under.
    pub swap_target: Option<String>,
    pub swap_temp_database: Option<String>,
    pub swap_keep_as: Option<String>,
    /// What the user must confirm before this restore runs (empty: nothing;
    /// the app asks for `confirm_name` to be typed, the CLI for `--yes`).
    pub must_confirm: Vec<String>,
    /// The database whose name confirms it.
    pub confirm_name: Option<String>,
}

/// A restore with everything it does before and after pg_restore.
pub struct GuardedRestore {
    pub restore: PreparedRestore,
    pub safety: RestoreSafety,
    safety_backup: Option<PreparedBackup>,
    catalog_sha: Option<String>,
    swap_target: Option<String>,
    conn: ConnectionSpec,
    /// The options as asked (a swap's restore runs with its own).
    asked: RestoreOptions,
}

/// Plans a restore: its pre-flight, the checksum check, the safety backup
/// (reason pre-restore, or before-import for a plain SQL script) and the swap.
pub async fn prepare_guarded_restore(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
    catalog: Option<&Catalog>,
) -> Result<GuardedRestore, EngineError> {
    prepare_guarded(id, conn, options, search, catalog, None).await
}

/// [`prepare_guarded_restore`] of a backup in a bucket that pg_restore reads
/// as it downloads: checked against the `.sha256` beside it on the way
/// (`options.input_path` is its `DEST:KEY`).
pub async fn prepare_guarded_streamed(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
    catalog: Option<&Catalog>,
    streamed: &Streamed,
) -> Result<GuardedRestore, EngineError> {
    prepare_guarded(id, conn, options, search, catalog, Some(streamed)).await
}

async fn prepare_guarded(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
    catalog: Option<&Catalog>,
    streamed: Option<&Streamed>,
) -> Result<GuardedRestore, EngineError> {
    let options_asked = options.clone();
    let mut options = options.clone();
    let mut swap_target = None;
    let mut swap_temp = None;
    let mut swap_keep = None;
    if options.swap {
        options.validate()?;
        let target = options
            .target_database
            .clone()
            .unwrap_or_else(|| conn.effective_database());
        let short: String = id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let temp = pg_name(&target, &format!("__tusk_{}", short.to_lowercase()));
        swap_keep = Some(pg_name(
            &target,
            &format!("_before_{}", chrono::Local::now().format("%Y%m%d_%H%M%S")),
        ));
        options.target_database = Some(temp.clone());
        options.create_database = true;
        options.swap = false;
        swap_target = Some(target);
        swap_temp = Some(temp);
    }
    let restore = match streamed {
        Some(streamed) => prepare_streamed_restore(id, conn, &options, search, streamed).await?,
        None => prepare_restore(id, conn, &options, search).await?,
    };
    let catalog_backup = match catalog {
        Some(c) => c.backup_at(&options.input_path).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the history could not be read: the backup's recorded checksum is not checked");
            None
        }),
        None => None,
    };
    // A backup streamed from a bucket is checked against the .sha256
    // beside it as it downloads; there is no file here to check before. A
    // local one (decrypted as it is read) is checked before, as any.
    let catalog_sha = catalog_backup
        .as_ref()
        .and_then(|b| b.sha256.clone())
        .filter(|_| streamed.is_none_or(Streamed::is_local));
    let p = &restore.preflight;
    let destructive = !p.creates_database && (options.clean || p.existing_relations > 0);
    let safety_reason = destructive.then(|| {
        if options.clean {
            format!("clean drops objects in \"{}\"", p.target_database)
        } else {
            format!(
                "\"{}\" already has {} table(s) or other relations",
                p.target_database, p.existing_relations
            )
        }
    });
    let mut safety_backup = None;
    let mut safety_path = None;
    if destructive && options.safety_backup {
        let folder = crate::paths::safety_dir();
        crate::paths::private_dir(&folder).map_err(|e| {
            EngineError::Io(format!(
                "cannot create the safety backup folder {}: {e}",
                folder.display()
            ))
        })?;
        let path = dated_path(
            &folder,
            &p.target_database,
            BackupFormat::Custom.default_extension(),
            "_pre-restore",
        );
        let backup_options = BackupOptions {
            output_path: path.clone(),
            compression: 1,
            ..Default::default()
        };
        let target = conn.with_database(&p.target_database);
        safety_backup =
            Some(prepare_backup(&format!("{id}-safety"), &target, &backup_options, search).await?);
        safety_path = Some(path);
    }
    let must_confirm = what_to_confirm(
        &restore,
        &options,
        swap_target.as_deref().zip(swap_keep.as_deref()),
        catalog_sha.is_some(),
    );
    let confirm_name = (!must_confirm.is_empty()).then(|| {
        swap_target
            .clone()
            .unwrap_or_else(|| restore.preflight.target_database.clone())
    });
    Ok(GuardedRestore {
        safety: RestoreSafety {
            safety_backup: safety_path,
            safety_reason,
            checks_checksum: (catalog_sha.is_some() || streamed.is_some_and(Streamed::checks))
                && !options.ignore_checksum,
            catalog_backup,
            swap_target: swap_target.clone(),
            swap_temp_database: swap_temp,
            swap_keep_as: swap_keep,
            must_confirm,
            confirm_name,
        },
        restore,
        safety_backup,
        catalog_sha: catalog_sha.filter(|_| !options.ignore_checksum),
        swap_target,
        conn: conn.clone(),
        asked: options_asked,
    })
}

/// What a restore does that cannot be undone, or that gives up a check:
/// the one policy the app (a typed name) and the CLI (`--yes`) enforce.
fn what_to_confirm(
    restore: &PreparedRestore,
    options: &RestoreOptions,
    swap: Option<(&str, &str)>,
    has_checksum: bool,
) -> Vec<String> {
    let p = &restore.preflight;
    let db = &p.target_database;
    let mut reasons = Vec::new();
    if let Some((target, keep_as)) = swap {
        reasons.push(format!(
            "\"{target}\" is replaced by the backup (the current database is kept as \"{keep_as}\")"
        ));
    } else if !p.creates_database && options.clean {
        reasons.push(format!(
            "clean drops {} object(s) in \"{db}\" before restoring",
            p.will_drop.len()
        ));
    } else if !p.creates_database && p.existing_relations > 0 {
        reasons.push(format!(
            "\"{db}\" already has {} table(s) or other relations: the backup is restored among them",
            p.existing_relations
        ));
    }
    if !reasons.is_empty() && swap.is_none() && !options.safety_backup {
        reasons.push(format!("no safety backup of \"{db}\" is taken first"));
    }
    if has_checksum && options.ignore_checksum {
        reasons.push(
            "the backup is restored without checking it against its recorded checksum".into(),
        );
    }
    reasons
}

/// Scales a part of a job into a slice of its progress bar.
struct Slice<'a> {
    emit: EventSink<'a>,
    from: f64,
    width: f64,
    started: std::time::Instant,
    phase: Option<Phase>,
}

impl Slice<'_> {
    fn sink(&self) -> impl Fn(JobEvent) + Send + Sync + '_ {
        move |event| match event {
            JobEvent::Progress(p) => {
                let percent = self.from + p.percent * self.width / 100.0;
                let elapsed = self.started.elapsed();
                (self.emit)(JobEvent::Progress(BackupProgress {
                    phase: self.phase.unwrap_or(p.phase),
                    percent: (percent * 10.0).round() / 10.0,
                    elapsed_ms: elapsed.as_millis() as i64,
                    eta_ms: eta(elapsed, percent),
                    ..p
                }))
            }
            JobEvent::Log(lines) => (self.emit)(JobEvent::Log(lines)),
            JobEvent::Finished(_) => {}
        }
    }
}

impl GuardedRestore {
    pub fn command_display(&self) -> String {
        self.restore.command_display()
    }

    /// Everything the user's confirmation is for: the options as asked, the
    /// backup file as it is now, the server and the target. A restore whose
    /// fingerprint differs from its pre-flight's is not what was confirmed.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let input = &self.asked.input_path;
        let file = |path: &std::path::Path| {
            std::fs::metadata(path)
                .map(|m| {
                    let modified = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    format!("{}:{modified}", m.len())
                })
                .unwrap_or_default()
        };
        let parts = [
            serde_json::to_string(&self.asked).unwrap_or_default(),
            std::fs::canonicalize(input)
                .unwrap_or_else(|_| input.clone())
                .display()
                .to_string(),
            file(input),
            file(&input.join("toc.dat")),
            format!(
                "{:?}:{:?}:{:?}",
                self.conn.host, self.conn.port, self.conn.user
            ),
            // What the plan is made from, not names it makes up for this
            // run (a swap's temporary database, the dated name the old one
            // is kept as).
            self.swap_target
                .clone()
                .unwrap_or_else(|| self.restore.preflight.target_database.clone()),
            format!(
                "{}:{}:{}:{}",
                self.restore.preflight.creates_database,
                self.restore.preflight.existing_relations,
                self.restore.preflight.will_drop.len(),
                self.safety.checks_checksum
            ),
            self.safety.confirm_name.clone().unwrap_or_default(),
        ];
        let mut hash = Sha256::new();
        for part in parts {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hex::encode(hash.finalize())
    }

    /// The history's record of this restore, claiming its target.
    fn new_restore(&self) -> NewRestore {
        let p = &self.restore.preflight;
        NewRestore {
            id: self.restore.id.clone(),
            host: self.conn.host.clone(),
            port: self.conn.port,
            target: self
                .swap_target
                .clone()
                .unwrap_or_else(|| p.target_database.clone()),
            database: p.target_database.clone(),
            connection_id: Some(self.asked.connection_id.clone()).filter(|s| !s.is_empty()),
            options: self.asked.clone(),
            at_risk: p.creates_database || !self.restore.options.single_transaction(),
            created_database: p.creates_database,
        }
    }

    /// Runs everything; exactly one `Finished` event. With a catalog, the
    /// target is claimed first (one restore per database at a time) and a
    /// restore that stops part way is recorded as incomplete.
    pub async fn run(
        self,
        catalog: Option<&Catalog>,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> JobOutcome {
        let started_at = Utc::now();
        let claimed = match catalog {
            Some(c) => {
                let new = self.new_restore();
                if let Err(e) = c.begin_restore(&new) {
                    let outcome = self.refuse(started_at, e.to_string(), "");
                    emit(JobEvent::Finished(Box::new(outcome.clone())));
                    return outcome;
                }
                Some((c, new.id))
            }
            None => None,
        };
        let (mut outcome, state) = self.run_claimed(catalog, cancel, emit).await;
        if let Some((c, id)) = claimed {
            let error = outcome.error.as_ref().map(|e| e.summary.clone());
            let recorded = c.finish_restore(
                &id,
                backup_status(outcome.status),
                state == TargetState::Partial,
                error.as_deref(),
            );
            if let Err(e) = recorded {
                outcome
                    .warnings
                    .push(format!("the restore was not recorded in the history: {e}"));
            }
        }
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        outcome
    }

    async fn run_claimed(
        mut self,
        catalog: Option<&Catalog>,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> (JobOutcome, TargetState) {
        let untouched = |outcome| (outcome, TargetState::Untouched);
        let started = std::time::Instant::now();
        let started_at = Utc::now();
        // Checked beside the unpacking of a zstd backup when no safety
        // backup comes first; else here, before anything else.
        let beside_unpack = self.safety_backup.is_none()
            && self
                .catalog_sha
                .as_deref()
                .is_some_and(|sha| self.restore.check_while_unpacking(sha));
        if let Some(expected) = self.catalog_sha.as_ref().filter(|_| !beside_unpack) {
            emit(JobEvent::Progress(BackupProgress {
                phase: Phase::Verifying,
                current_object: Some("SHA-256 checksum".into()),
                ..Default::default()
            }));
            let path = self.restore.options.input_path.clone();
            let expected = expected.clone();
            let checked = tokio::task::spawn_blocking(move || sidecar::check(&path, &expected))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            if let Err(why) = checked {
                let refusal = crate::restore::checksum_refusal(why);
                return untouched(self.finish_early(started_at, JobStatus::Failed, Some(refusal)));
            }
        }
        let safety_share = self
            .safety_backup
            .as_ref()
            .map_or(0.0, |b| safety_share(b.data_bytes(), &self.restore));
        let mut safety_path = None;
        let mut safety_id = None;
        if let Some(backup) = self.safety_backup.take() {
            let slice = Slice {
                emit,
                from: 0.0,
                width: safety_share,
                started,
                phase: Some(Phase::SafetyBackup),
            };
            let sink = slice.sink();
            let source = Source {
                database: self.restore.preflight.target_database.clone(),
                ..Source::of(&self.conn, Some(&self.restore.options.connection_id), None)
            };
            let reason = if self.restore.info.format == BackupFormat::Plain {
                BackupReason::BeforeImport
            } else {
                BackupReason::PreRestore
            };
            let meta = RecordMeta {
                name: Some(format!("{} before restore", source.database)),
                description: Some(format!(
                    "Taken automatically before restoring {}",
                    self.restore.options.input_path.display()
                )),
                source,
                reason,
                schedule_id: None,
            };
            let outcome = match catalog {
                Some(c) => run_recorded_backup(c, backup, meta, cancel, &sink).await,
                None => backup.run(cancel, &sink).await,
            };
            if outcome.status == JobStatus::Cancelled {
                return untouched(self.finish_early(started_at, JobStatus::Cancelled, None));
            }
            if !matches!(
                outcome.status,
                JobStatus::Completed | JobStatus::CompletedWithWarnings
            ) {
                let why = outcome
                    .error
                    .map(|e| e.summary)
                    .unwrap_or_else(|| "it did not complete".into());
                return untouched(self.refuse(
                    started_at,
                    format!(
                        "The safety backup of the target failed ({why}), so nothing was restored."
                    ),
                    "Fix the problem and try again, or turn off the safety backup.",
                ));
            }
            safety_path = outcome.output_path;
            safety_id = outcome.backup_id;
        }
        // Cancelled while checking the archive or finishing the safety
        // backup: the target is still untouched, so leave it that way.
        if cancel.is_cancelled() {
            return untouched(self.finish_early(started_at, JobStatus::Cancelled, None));
        }
        let slice = Slice {
            emit,
            from: safety_share,
            width: 100.0 - safety_share,
            started,
            phase: None,
        };
        let sink = slice.sink();
        let swap = self
            .swap_target
            .clone()
            .zip(self.safety.swap_keep_as.clone());
        let temp = self.restore.preflight.target_database.clone();
        let psql = self.restore.psql_path().to_path_buf();
        let rows = self.plan_row_check(catalog);
        let (mut outcome, state) = self.restore.run_tracked(cancel, &sink).await;
        outcome.started_at = started_at;
        if let (Some(rows), TargetState::Restored) = (rows, state) {
            let record = self.safety.catalog_backup.as_ref();
            check_rows(
                &self.conn,
                record,
                rows,
                &psql,
                &temp,
                catalog,
                &mut outcome,
            )
            .await;
        }
        outcome.safety_backup = safety_path;
        outcome.backup_id = safety_id;
        if let (Some((target, keep_as)), JobStatus::Completed | JobStatus::CompletedWithWarnings) =
            (swap, outcome.status)
        {
            if let Err(e) = swap_in(&psql, &self.conn, &temp, &target, &keep_as).await {
                outcome.status = JobStatus::Failed;
                let hint = match e {
                    SwapError::Untouched(_) => format!(
                        "\"{target}\" was not changed; the restored copy is \"{temp}\". Close the sessions that reconnect to \"{target}\" and rename the databases by hand, or restore again."
                    ),
                    SwapError::Halfway(_) => format!(
                        "\"{target}\" is now named \"{keep_as}\" and the restored copy \"{temp}\": rename one of them to \"{target}\" by hand (ALTER DATABASE … RENAME TO …)."
                    ),
                };
                outcome.error = Some(crate::explain::Explanation {
                    kind: crate::explain::FailureKind::Other,
                    summary: format!(
                        "The backup was restored into \"{temp}\" but it could not be swapped in for \"{target}\": {}",
                        e.cause()
                    ),
                    hint,
                });
            } else {
                outcome.warnings.push(format!(
                    "\"{target}\" now holds the restored backup; the previous database is kept as \"{keep_as}\""
                ));
            }
        }
        outcome.finished_at = Utc::now();
        outcome.duration_ms = (outcome.finished_at - started_at).num_milliseconds();
        (outcome, state)
    }

    /// The rows the restore should leave: recorded in the history, else
    /// counted from the archive beside the restore.
    fn plan_row_check(&self, catalog: Option<&Catalog>) -> Option<RowCheckPlan> {
        let r = &self.restore;
        let recorded = catalog
            .zip(self.safety.catalog_backup.as_ref())
            .and_then(|(c, b)| c.table_rows(&b.id).ok());
        let readable = r.streamed.is_none() && !crate::crypt::is_encrypted(&r.options.input_path);
        let pg_restore =
            (r.info.format != BackupFormat::Plain).then(|| r.preflight.tool.tool.path.clone());
        RowCheckPlan::start(
            &r.info,
            &r.options,
            r.chosen.as_ref(),
            pg_restore,
            recorded,
            readable,
        )
    }

    fn refuse(&self, started_at: chrono::DateTime<Utc>, summary: String, hint: &str) -> JobOutcome {
        let error = crate::explain::Explanation {
            kind: crate::explain::FailureKind::Other,
            summary,
            hint: hint.into(),
        };
        self.finish_early(started_at, JobStatus::Failed, Some(error))
    }

    fn finish_early(
        &self,
        started_at: chrono::DateTime<Utc>,
        status: JobStatus,
        error: Option<crate::explain::Explanation>,
    ) -> JobOutcome {
        JobOutcome {
            error,
            command: self.restore.command_display(),
            ..JobOutcome::ended(&self.restore.id, JobType::Restore, started_at, status)
        }
    }
}

/// The part of the bar the safety backup takes: its table bytes against the
/// restore's data, counted as uncompressed and with index builds on top
/// (measured with bench/: a compressed byte restores like ~2 dumped bytes).
fn safety_share(backup_bytes: u64, restore: &PreparedRestore) -> f64 {
    // A zstd backup's data positions are those of the archive unpacked.
    let compressed = restore.info.compression.algorithm != "none" && !restore.info.zstd;
    let restore_work = restore.data_bytes() as f64 * if compressed { 2.0 } else { 1.0 } * 1.3;
    let backup_work = backup_bytes as f64;
    if backup_work + restore_work <= 0.0 {
        return 50.0;
    }
    (100.0 * backup_work / (backup_work + restore_work)).clamp(5.0, 95.0)
}

/// `base` + `suffix` within PostgreSQL's 63-byte names: `base` is cut, never
/// the suffix that tells the names apart.
fn pg_name(base: &str, suffix: &str) -> String {
    let room = 63usize.saturating_sub(suffix.len());
    let mut end = base.len().min(room);
    while !base.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &base[..end])
}

/// The restore's last step: each restored table's rows in `database`
/// against the backup's. A difference is a warning (the target may
/// have held rows before); counts read from the archive are recorded
/// for a backup of the history that had none.
async fn check_rows(
    conn: &ConnectionSpec,
    record: Option<&BackupRecord>,
    plan: RowCheckPlan,
    psql: &Path,
    database: &str,
    catalog: Option<&Catalog>,
    outcome: &mut JobOutcome,
) {
    let Some(counted) = plan.check(psql, &conn.with_database(database)).await else {
        return;
    };
    if !counted.check.differing.is_empty() {
        outcome
            .warnings
            .push(format!("after the restore, {}", counted.check.summary));
        if outcome.status == JobStatus::Completed {
            outcome.status = JobStatus::CompletedWithWarnings;
        }
    }
    if let (Some(rows), Some(c), Some(b)) = (counted.from_archive, catalog, record) {
        if let Err(e) = c.set_table_rows(&b.id, &rows) {
            tracing::warn!(backup = %b.id, error = %e, "the row counts could not be recorded");
        }
    }
    outcome.row_check = Some(counted.check);
}
