//! Running a prepared restore: the tool, its progress, and what it left in
//! the target.

use super::*;

impl PreparedRestore {
    pub fn psql_path(&self) -> &Path {
        &self.psql
    }

    /// A zstd backup's checksum is checked while it unpacks, on its own
    /// thread, before anything touches the target; `false` (and nothing
    /// changed) for a backup that is not unpacked.
    pub(crate) fn check_while_unpacking(&mut self, sha256: &str) -> bool {
        if self.unpacked.is_none() {
            return false;
        }
        self.expected_sha256 = Some(sha256.to_string());
        true
    }

    /// Bytes of table data in the archive that this restore loads (guessed
    /// for a zstd backup not unpacked yet).
    pub fn data_bytes(&self) -> u64 {
        if self.streamed.is_some()
            || (self.info.zstd && self.info.entries.iter().all(|e| e.data.is_none()))
        {
            return guessed_data(&self.info) as u64;
        }
        self.plan
            .iter()
            .filter(|i| i.kind == ItemKind::Data)
            .map(|i| i.weight as u64)
            .sum()
    }

    pub fn command_display(&self) -> String {
        let mut command = self.command.display(&self.env);
        if let Some(script) = &self.script_shown {
            command =
                format!("{script} | (SET transaction_timeout = 0 made a comment) | {command}");
        }
        if let Some(feed) = &self.stream_shown {
            return format!("{feed} | {command}");
        }
        match &self.unpacked {
            Some(unpacked) => format!(
                "zstd -dc {} > {} && {command}",
                shell_quote(&self.options.input_path.display().to_string()),
                shell_quote(&unpacked.display().to_string())
            ),
            None => command,
        }
    }

    /// Unpacks a zstd backup into the file pg_restore reads, reading its
    /// data sizes on the way, and checks the backup's recorded checksum
    /// beside it when one is expected. Gives the plan made from the real
    /// sizes and the full info (`None` when there is nothing to unpack);
    /// `Err` is the outcome when it failed, was cancelled or the checksum
    /// did not match.
    async fn unpack(
        &self,
        tracker: &mut Tracker,
        started_at: chrono::DateTime<Utc>,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<Option<(Vec<WorkItem>, BackupInfo)>, JobOutcome> {
        use std::sync::atomic::Ordering;
        let Some(target) = &self.unpacked else {
            return Ok(None);
        };
        let guessed = guessed_zstd_data(&self.info).max(1.0);
        let progress = std::sync::Arc::new(tusk_archive::UnpackProgress::default());
        let (from, to, shared) = (
            self.options.input_path.clone(),
            target.to_path_buf(),
            progress.clone(),
        );
        let mut task =
            tokio::task::spawn_blocking(move || tusk_archive::unpack_zstd(&from, &to, &shared));
        // The checksum is read on its own thread while the backup unpacks.
        let mut check = self.expected_sha256.clone().map(|expected| {
            let path = self.options.input_path.clone();
            tokio::task::spawn_blocking(move || crate::catalog::sidecar::check(&path, &expected))
        });
        let mut mismatch = None;
        tracker.set_phase(Phase::Unpacking);
        tracker.apply(Signal::Start("unpack".into()));
        emit(JobEvent::Progress(tracker.snapshot()));
        let mut throttle = Throttle::new(10);
        let result = loop {
            tokio::select! {
                r = &mut task => break r.map_err(|e| EngineError::Io(e.to_string())).and_then(|r| r.map_err(EngineError::from)),
                checked = async { check.as_mut().expect("guarded").await }, if check.is_some() => {
                    check = None;
                    if let Err(why) = checked.unwrap_or_else(|e| Err(e.to_string())) {
                        // What was unpacked is not the backup that was made.
                        mismatch = Some(why);
                        progress.stop.store(true, Ordering::Relaxed);
                    }
                }
                _ = cancel.cancelled(), if !progress.stop.load(Ordering::Relaxed) => progress.stop.store(true, Ordering::Relaxed),
                _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                    if let Some(i) = tracker.find("unpack") {
                        let written = progress.written.load(Ordering::Relaxed) as f64;
                        tracker.set_fraction(i, written / guessed);
                    }
                    if throttle.ready() {
                        emit(JobEvent::Progress(tracker.snapshot()));
                    }
                }
            }
        };
        // Even after a failed unpack: a backup that changed since it was
        // made is the better explanation.
        if let Some(check) = check {
            tokio::select! {
                checked = check => mismatch = checked.unwrap_or_else(|e| Err(e.to_string())).err(),
                _ = cancel.cancelled() => {}
            }
        }
        if cancel.is_cancelled() {
            let nothing = Explanation {
                kind: FailureKind::Other,
                summary: String::new(),
                hint: String::new(),
            };
            let mut outcome = self.outcome(started_at, nothing, None, tracker.snapshot());
            outcome.status = JobStatus::Cancelled;
            outcome.error = None;
            return Err(outcome);
        }
        if let Some(why) = mismatch {
            return Err(self.outcome(started_at, checksum_refusal(why), None, tracker.snapshot()));
        }
        match result {
            Ok(info) => {
                // The real plan, from the sizes read while unpacking.
                let mut plan = restore_plan(&info, &self.options, self.chosen.as_ref());
                let data: f64 = plan
                    .iter()
                    .filter(|i| i.kind == ItemKind::Data)
                    .map(|i| i.weight)
                    .sum();
                plan.insert(0, unpack_item(&info, data));
                tracker.replan(plan.clone(), &["unpack"]);
                Ok(Some((plan, info)))
            }
            Err(e) => {
                let disk_full = matches!(&e, EngineError::Archive(tusk_archive::ArchiveError::Io { source, .. }) if source.kind() == std::io::ErrorKind::StorageFull);
                Err(self.outcome(
                    started_at,
                    Explanation {
                        kind: if disk_full {
                            FailureKind::DiskFull
                        } else {
                            FailureKind::Other
                        },
                        summary: format!("unpacking the zstd-compressed backup failed: {e}"),
                        hint: if disk_full {
                            "Nothing was restored: the target was not touched. Free space beside the backup or in the temporary folder, and try again.".into()
                        } else {
                            "Nothing was restored: the target was not touched.".into()
                        },
                    },
                    None,
                    tracker.snapshot(),
                ))
            }
        }
    }

    /// Runs the restore; always ends with exactly one `Finished` event.
    pub async fn run(self, cancel: &CancelHandle, emit: EventSink<'_>) -> JobOutcome {
        self.run_tracked(cancel, emit).await.0
    }

    /// [`run`](Self::run), telling also what it left in the database it
    /// restored into.
    pub async fn run_tracked(
        mut self,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> (JobOutcome, TargetState) {
        let started_at = Utc::now();
        let mut tracker = Tracker::new(self.plan.clone());
        let maintenance = Server::new(&self.psql, &self.maintenance, &self.env);
        // A new database is created while a zstd backup unpacks, and removed
        // again if the unpack fails: nothing that was there is touched
        // before the backup has unpacked (and matched its checksum).
        let stop = cancel.child();
        let create = async {
            if !self.options.create_database {
                // pg_restore --create makes it: removed again (if it got
                // that far) when the restore fails.
                return Ok(self.options.create_from_archive);
            }
            let created = maintenance
                .create_database(&self.preflight.target_database)
                .await;
            if created.is_err() {
                stop.cancel();
            }
            created.map(|()| true)
        };
        let (unpacked, created) =
            tokio::join!(self.unpack(&mut tracker, started_at, &stop, emit), create);
        let created = match created {
            Ok(created) => created,
            Err(e) => {
                let outcome = self.outcome(
                    started_at,
                    failed_before_start(&e),
                    None,
                    tracker.snapshot(),
                );
                emit(JobEvent::Finished(Box::new(outcome.clone())));
                return (outcome, TargetState::Untouched);
            }
        };
        match unpacked {
            Ok(Some((plan, info))) => {
                self.plan = plan;
                self.info = info;
            }
            Ok(None) => {}
            Err(mut outcome) => {
                let mut state = TargetState::Untouched;
                if created {
                    state = self.drop_created(&maintenance, &mut outcome).await;
                }
                emit(JobEvent::Finished(Box::new(outcome.clone())));
                return (outcome, state);
            }
        }
        tracker.set_phase(Phase::Connecting);
        let target_server = Server::new(&self.psql, &self.target, &self.env);
        let read_path = self.unpacked.as_deref().unwrap_or(&self.info.path);
        let mut probe = RestoreProbe::new(
            &self.info,
            read_path,
            target_server,
            app_name("restore", &self.id),
        );
        probe.streamed = self.streamed.clone();
        let run = ToolRun {
            program: self.command.program.clone(),
            args: self.command.args.clone(),
            env: &self.env,
            input: std::mem::replace(&mut self.input, Input::Null),
            output: Output::Null,
            parse: if self.info.format == BackupFormat::Plain || self.via_script {
                plain_signal
            } else {
                pg_restore_signal
            },
        };
        if self.info.format == BackupFormat::Plain {
            tracker.apply(Signal::Start("script".into()));
        }
        if self.streamed.is_some() || self.via_script {
            tracker.apply(Signal::Start("restore".into()));
        }
        let result = run_tool(run, &mut tracker, &mut probe, cancel, emit).await;
        let started_tool = result.spawn_error.is_none();
        let mut outcome = self.judge(result, &mut tracker, started_at);
        let state = if !matches!(outcome.status, JobStatus::Failed | JobStatus::Cancelled) {
            TargetState::Restored
        } else if created {
            self.drop_created(&maintenance, &mut outcome).await
        } else if !started_tool || self.options.single_transaction() {
            // Nothing ran, or what ran was rolled back.
            TargetState::Untouched
        } else {
            outcome.warnings.push(format!(
                "the restore stopped part way, outside a single transaction: \"{}\" now holds part of the backup. Restore it again (with clean, or into a new database), or drop it",
                self.preflight.target_database
            ));
            TargetState::Partial
        };
        emit(JobEvent::Finished(Box::new(outcome.clone())));
        (outcome, state)
    }

    /// Removes the database this restore created, after a failure: nothing
    /// is left of it, or (when it cannot be dropped) it is partial.
    async fn drop_created(
        &self,
        maintenance: &Server<'_>,
        outcome: &mut JobOutcome,
    ) -> TargetState {
        let db = &self.preflight.target_database;
        match drop_new_database(maintenance, db).await {
            Ok(done) => {
                outcome.warnings.push(done);
                TargetState::Untouched
            }
            Err(left) => {
                outcome.warnings.push(left);
                TargetState::Partial
            }
        }
    }

    /// A data-only backup: rows to load, no table to load them into.
    fn holds_no_schema(&self) -> bool {
        let has = |kind: &str| self.info.entries.iter().any(|e| e.kind == kind);
        has("TABLE DATA") && !has("TABLE")
    }

    fn outcome(
        &self,
        started_at: chrono::DateTime<Utc>,
        error: Explanation,
        r: Option<&RunResult>,
        progress: crate::jobs::progress::BackupProgress,
    ) -> JobOutcome {
        JobOutcome {
            exit_code: r.and_then(|r| r.exit_code),
            error: Some(error),
            warnings: self.preflight.warnings.clone(),
            errors: r.map(|r| r.log.errors.clone()).unwrap_or_default(),
            last_lines: r.map(|r| r.log.tail()).unwrap_or_default(),
            command: self.command_display(),
            progress,
            ..JobOutcome::ended(&self.id, JobType::Restore, started_at, JobStatus::Failed)
        }
    }

    fn judge(
        &self,
        r: RunResult,
        tracker: &mut Tracker,
        started_at: chrono::DateTime<Utc>,
    ) -> JobOutcome {
        let lines = r.log.lines();
        let mut why = explain(&lines);
        if why.kind == FailureKind::MissingObject && self.holds_no_schema() {
            why.summary = format!(
                "This backup holds data only, no schema, and \"{}\" lacks what it fills: {}",
                self.preflight.target_database,
                why.summary.trim_end_matches('.')
            );
            why.hint = "Restore the schema first (the full backup, or a schema-only one), then this backup; or restore into the database it was made from.".into();
        }
        let mut outcome = self.outcome(started_at, why, Some(&r), r.progress.clone());
        if let Some(message) = &r.spawn_error {
            outcome.error = Some(Explanation {
                kind: FailureKind::Other,
                summary: format!(
                    "{} could not be started: {message}",
                    self.preflight.tool.tool.name
                ),
                hint: "Check the tools folder.".into(),
            });
        } else if r.cancelled {
            outcome.status = JobStatus::Cancelled;
            outcome.error = None;
        } else if let Some(e) = &r.input_error {
            // The backup could not be read to its end (or did not match its
            // checksum there): pg_restore was stopped before it could finish.
            outcome.error = Some(Explanation {
                kind: FailureKind::Other,
                summary: e.to_string(),
                hint: if self.options.create_database
                    || self.options.create_from_archive
                    || self.options.single_transaction()
                {
                    "pg_restore was stopped before it read the backup's end: what it had done was undone.".into()
                } else {
                    "pg_restore was stopped before it read the backup's end.".into()
                },
            });
        } else if r.exit_code == Some(0) {
            outcome.status = JobStatus::Completed;
            outcome.error = None;
            // psql goes on after an error unless told to stop, and still
            // exits 0: the errors are what tells.
            let failed = psql_errors(&lines);
            if (self.info.format == BackupFormat::Plain || self.via_script) && failed > 0 {
                outcome.status = JobStatus::CompletedWithWarnings;
                outcome.warnings.push(format!(
                    "{failed} statement(s) of the script failed and were skipped (\"go on after errors\"); see the errors listed"
                ));
            }
        } else if let Some(n) = ignored_errors(&lines).filter(|_| !self.options.exit_on_error) {
            outcome.status = JobStatus::CompletedWithWarnings;
            outcome.warnings.push(format!(
                "{n} error(s) were ignored during the restore; see the errors listed"
            ));
        }
        if matches!(
            outcome.status,
            JobStatus::Completed | JobStatus::CompletedWithWarnings
        ) {
            tracker.complete();
            tracker.set_phase(Phase::Finishing);
            outcome.progress = tracker.snapshot();
        }
        outcome
    }
}

/// What a restore left in the database it restored into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    /// As it was: nothing ran, a transaction was rolled back, or the new
    /// database was removed again.
    Untouched,
    /// The backup was restored.
    Restored,
    /// Part of the backup: the restore stopped outside a transaction, or
    /// the new database it created could not be removed.
    Partial,
}

/// Removes the database this restore created; says how that went.
pub(super) async fn drop_new_database(
    maintenance: &Server<'_>,
    db: &str,
) -> Result<String, String> {
    maintenance
        .query_work(
            "DROP DATABASE IF EXISTS :\"db\" WITH (FORCE)",
            &[("db", db)],
        )
        .await
        .map(|_| format!("the new database \"{db}\" was removed again"))
        .map_err(|e| format!("the new database \"{db}\" could not be removed: {e}"))
}

/// The backup no longer matches the checksum the history recorded.
pub(crate) fn checksum_refusal(why: String) -> Explanation {
    Explanation {
        kind: FailureKind::Other,
        summary: format!("{why}. Nothing was restored."),
        hint: "Restore it anyway only if you know why it changed (turn on \"ignore checksum\"), or pick another backup.".into(),
    }
}

pub(super) fn failed_before_start(e: &EngineError) -> Explanation {
    Explanation {
        kind: FailureKind::Other,
        summary: e.to_string(),
        hint: "Nothing was restored.".into(),
    }
}

/// Statements psql reported as failed (`psql:FILE:LINE: ERROR:  …`).
pub(super) fn psql_errors(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|l| l.starts_with("psql:") && (l.contains(" ERROR:  ") || l.contains(" FATAL:  ")))
        .count()
}

pub(super) fn plain_signal(_: &str) -> Option<Signal> {
    None
}
