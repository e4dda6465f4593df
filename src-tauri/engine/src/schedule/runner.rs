//! Runs schedules: whichever are due (a missed run is caught up once, never in
//! a burst), one run of a schedule at a time across every process, retries
//! with a doubling wait, verification after the backup when asked, retention
//! after it, and a notice for the user.

use crate::backup::prepare_backup;
use crate::backup::recorded::{dated_path, run_recorded_backup, RecordMeta};
use crate::backup::remote::{copy_to_bucket, prepare_bucket_backup};
use crate::catalog::retention::{decide, Candidate, PruneDecision};
use crate::catalog::{
    BackupReason, Catalog, NotifyOn, RunStatus, Schedule, ScheduleRun, VerifyStatus,
};
use crate::cluster::backup::prepare_server_backup;
use crate::cluster::globals::prepare_globals_backup;
use crate::crypt::Decrypt;
use crate::error::EngineError;
use crate::jobs::{CancelHandle, EventSink, JobEvent, JobOutcome, JobStatus};
use crate::notify;
use crate::options::BackupScope;
use crate::options::Encryption;
use crate::restore::remote::fetch_backup;
use crate::schedule::{next_run, parse_timezone};
use crate::server::connection::{ConnectionSpec, Secret};
use crate::server::tools::ToolSearch;
use crate::storage::Bucket;
use crate::verify::{verify_backup, VerifyRequest};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// Why a schedule runs: it is due, or the user asked ("run now", which
/// leaves its next run where it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Due,
    Now,
}

/// Enabled schedules due at `now` whose previous run is over.
pub fn due_at(
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> crate::catalog::CatalogResult<Vec<Schedule>> {
    let running = catalog.running_schedules()?;
    Ok(catalog
        .list_schedules()?
        .into_iter()
        .filter(|s| s.enabled && s.next_run_at.is_some_and(|t| t <= now))
        .filter(|s| !running.contains(&s.id))
        .collect())
}

/// The time, injectable so tests can make schedules fire.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// What the user is told when a run ends.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub schedule_id: String,
    pub title: String,
    pub body: String,
    pub failed: bool,
}

/// Everything a run needs from its surroundings.
/// Where the runner finds a destination's bucket (with its secret): the
/// CLI's config file, the app's saved destinations.
pub trait Buckets: Send + Sync {
    fn bucket(&self, name: &str) -> Result<Arc<Bucket>, EngineError>;
}

impl<F: Fn(&str) -> Result<Arc<Bucket>, EngineError> + Send + Sync> Buckets for F {
    fn bucket(&self, name: &str) -> Result<Arc<Bucket>, EngineError> {
        self(name)
    }
}

pub struct Runner<'a> {
    pub catalog: &'a Catalog,
    pub search: &'a ToolSearch,
    pub clock: &'a dyn Clock,
    /// The saved password of a connection profile, if any.
    pub password: &'a (dyn Fn(&Schedule) -> Option<Secret> + Send + Sync),
    /// The buckets schedules copy their backups to, by name.
    pub bucket: &'a dyn Buckets,
    /// The passphrase that schedules encrypting with one use, if saved.
    pub passphrase: &'a (dyn Fn() -> Option<Secret> + Send + Sync),
    pub notify: &'a (dyn Fn(Notice) + Send + Sync),
    /// The notification channels schedules name in `notify_via`.
    pub channels: &'a dyn notify::Channels,
}

impl Runner<'_> {
    /// Enabled schedules whose next run is due.
    pub fn due(&self) -> crate::catalog::CatalogResult<Vec<Schedule>> {
        due_at(self.catalog, self.clock.now())
    }

    /// Runs every due schedule, one after the other.
    pub async fn run_due(&self, cancel: &CancelHandle) -> Vec<ScheduleRun> {
        let mut runs = Vec::new();
        let due = self.due().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the schedules could not be read: none runs until the catalog can be read");
            Vec::new()
        });
        for schedule in due {
            if cancel.is_cancelled() {
                break;
            }
            if let Ok(Some(run)) = self.run(&schedule, RunKind::Due, cancel, &|_| {}).await {
                runs.push(run);
            }
        }
        runs
    }

    /// One run of `schedule` now. `Ok(None)` when another run of it is in
    /// progress (here or in another process) or, for a due run, when it is
    /// no longer due (another runner ran it, it was disabled).
    pub async fn run(
        &self,
        schedule: &Schedule,
        kind: RunKind,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<Option<ScheduleRun>, crate::catalog::CatalogError> {
        let now = self.clock.now();
        let mut run = ScheduleRun {
            id: uuid::Uuid::new_v4().to_string(),
            schedule_id: schedule.id.clone(),
            scheduled_for: schedule.next_run_at.unwrap_or(now),
            started_at: now,
            finished_at: None,
            status: RunStatus::Running,
            attempts: 0,
            backup_id: None,
            error: None,
            pruned: 0,
        };
        let due_at = match kind {
            RunKind::Due => schedule.next_run_at,
            RunKind::Now => None,
        };
        if !self.catalog.claim_run(&run, due_at)? {
            return Ok(None);
        }
        match self
            .run_claimed(schedule, kind, &mut run, now, cancel, emit)
            .await
        {
            Ok(()) => Ok(Some(run)),
            Err(e) => {
                // The history could not be written: still try to end the run,
                // so its claim does not keep the schedule "running" until a
                // restart.
                let why = format!("the history could not be written: {e}");
                run.error = Some(match run.error.take() {
                    Some(first) => format!("{first}; and {why}"),
                    None => why,
                });
                run.status = RunStatus::Failed;
                run.finished_at = Some(self.clock.now());
                if let Err(again) = self.catalog.update_run(&run) {
                    tracing::error!(schedule = %run.schedule_id, run = %run.id, error = %again, "a schedule's run could not be ended in the history");
                }
                Err(e)
            }
        }
    }

    /// The run once claimed; an error here is ended by [`Runner::run`].
    async fn run_claimed(
        &self,
        schedule: &Schedule,
        kind: RunKind,
        run: &mut ScheduleRun,
        now: DateTime<Utc>,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<(), crate::catalog::CatalogError> {
        if kind == RunKind::Due {
            // The next run counts from now: however many were missed, one runs.
            let next = next_run(&schedule.trigger, &schedule.timezone, now).ok();
            self.catalog.set_next_run(&schedule.id, next)?;
        }

        let outcome = self.attempts(schedule, run, cancel, emit).await;
        let mut failure = outcome.as_ref().err().cloned();
        if let Ok(backup_id) = &outcome {
            run.backup_id = Some(backup_id.clone());
            if schedule.verify_after && !cancel.is_cancelled() {
                if let Err(why) = self.verify(schedule, backup_id, cancel).await {
                    failure = Some(why);
                }
            } else if !cancel.is_cancelled() {
                // Verify records the rows it counts; without it, they are
                // counted here, for the history and the restore's check.
                if let Err(why) =
                    crate::verify::record_row_counts(self.catalog, backup_id, self.search).await
                {
                    tracing::warn!(backup = %backup_id, %why, "the backup's rows could not be counted");
                }
            }
            // Offsite copies, each checked; one that fails fails the run
            // (and is notified), but the backup stays.
            if failure.is_none() && !cancel.is_cancelled() {
                for dest in &schedule.copy_to {
                    let copied = async {
                        let bucket = self.bucket.bucket(dest)?;
                        copy_to_bucket(self.catalog, backup_id, &bucket, cancel).await
                    }
                    .await;
                    if let Err(e) = copied {
                        failure = Some(format!(
                            "the backup was made, but its copy to {dest} failed: {e}"
                        ));
                    }
                }
            }
            // A new backup that does not verify is no reason to delete old ones.
            if failure.is_none() {
                match self.prune(schedule).await {
                    Ok(removed) => run.pruned = removed.len() as u32,
                    Err(why) => failure = Some(format!("retention failed: {why}")),
                }
            }
        }
        run.status = if failure.is_none() {
            RunStatus::Succeeded
        } else {
            RunStatus::Failed
        };
        run.error = failure;
        run.finished_at = Some(self.clock.now());
        self.catalog.update_run(run)?;
        self.tell(schedule, run).await;
        Ok(())
    }

    /// The backup, retried with a doubling wait. Returns the backup's id.
    async fn attempts(
        &self,
        schedule: &Schedule,
        run: &mut ScheduleRun,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<String, String> {
        let mut last_error = String::new();
        for attempt in 0..=schedule.max_retries {
            if attempt > 0 {
                let wait = Duration::from_secs(
                    schedule
                        .retry_delay_secs
                        .saturating_mul(1 << (attempt - 1).min(16)),
                );
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = cancel.cancelled() => return Err("cancelled".into()),
                }
            }
            run.attempts = attempt + 1;
            if let Err(e) = self.catalog.update_run(run) {
                tracing::warn!(run = %run.id, error = %e, "a schedule run's attempt could not be recorded");
            }
            match self.backup_once(schedule, run, cancel, emit).await {
                Ok(id) => return Ok(id),
                Err(e) if cancel.is_cancelled() => return Err(e),
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    async fn backup_once(
        &self,
        schedule: &Schedule,
        run: &ScheduleRun,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<String, String> {
        let conn = self.connection(schedule);
        let id = format!("{}-{}", run.id, run.attempts);
        let mut options = schedule.options.clone();
        if options.encryption == Encryption::Passphrase {
            options.passphrase = Some(self.saved_passphrase()?);
        }
        let meta = RecordMeta {
            name: Some(format!(
                "{} {}",
                schedule.name,
                chrono::Local::now().format("%Y-%m-%d %H:%M")
            )),
            description: Some(format!(
                "Scheduled run {} of {}",
                run.attempts, schedule.name
            )),
            source: schedule.source.clone(),
            reason: BackupReason::Scheduled,
            schedule_id: Some(schedule.id.clone()),
        };
        if options.scope != BackupScope::Database {
            return self
                .whole_server_once(schedule, &id, &conn, options, meta, cancel, emit)
                .await;
        }
        let prepared = match &schedule.bucket {
            Some(name) => {
                let bucket = self.bucket.bucket(name).map_err(|e| e.to_string())?;
                prepare_bucket_backup(&id, &conn, &options, self.search, bucket).await
            }
            None => {
                std::fs::create_dir_all(&schedule.destination).map_err(|e| {
                    format!(
                        "cannot create the destination {}: {e}",
                        schedule.destination.display()
                    )
                })?;
                options.output_path = dated_path(
                    &schedule.destination,
                    &schedule.source.database,
                    &options.file_extension(),
                    "",
                );
                prepare_backup(&id, &conn, &options, self.search).await
            }
        }
        .map_err(|e| e.to_string())?;
        let outcome = run_recorded_backup(self.catalog, prepared, meta, cancel, emit).await;
        match outcome.status {
            JobStatus::Completed | JobStatus::CompletedWithWarnings => outcome
                .backup_id
                .ok_or_else(|| "the backup was made but not recorded in the history".into()),
            _ => Err(failure_text(&outcome)),
        }
    }

    /// A scheduled whole-server or roles backup: into a dated folder (or
    /// `.sql`) in the schedule's destination, recorded like any other.
    #[allow(clippy::too_many_arguments)]
    async fn whole_server_once(
        &self,
        schedule: &Schedule,
        id: &str,
        conn: &ConnectionSpec,
        mut options: crate::options::BackupOptions,
        meta: RecordMeta,
        cancel: &CancelHandle,
        emit: EventSink<'_>,
    ) -> Result<String, String> {
        if schedule.bucket.is_some() {
            return Err(
                "a whole-server or roles backup goes to a folder on this computer for now: choose a local destination for this schedule".into(),
            );
        }
        std::fs::create_dir_all(&schedule.destination).map_err(|e| {
            format!(
                "cannot create the destination {}: {e}",
                schedule.destination.display()
            )
        })?;
        let what = if options.scope == BackupScope::Server {
            "server"
        } else {
            "roles"
        };
        options.output_path = dated_path(
            &schedule.destination,
            &format!("{} {what}", schedule.source.database),
            &options.file_extension(),
            "",
        );
        let outcome = if options.scope == BackupScope::Server {
            let prepared = prepare_server_backup(id, conn, &options, self.search)
                .await
                .map_err(|e| e.to_string())?;
            run_recorded_backup(self.catalog, prepared, meta, cancel, emit).await
        } else {
            let prepared = prepare_globals_backup(id, conn, &options, self.search)
                .await
                .map_err(|e| e.to_string())?;
            run_recorded_backup(self.catalog, prepared, meta, cancel, emit).await
        };
        match outcome.status {
            JobStatus::Completed | JobStatus::CompletedWithWarnings => outcome
                .backup_id
                .ok_or_else(|| "the backup was made but not recorded in the history".into()),
            _ => Err(failure_text(&outcome)),
        }
    }

    fn saved_passphrase(&self) -> Result<Secret, String> {
        (self.passphrase)().ok_or_else(|| {
            "this schedule encrypts its backups with the saved passphrase, and none is saved: save it under Destinations (the CLI's daemon reads it from the same keychain entry, or from the file TUSK_PASSPHRASE_FILE names), or edit the schedule".to_string()
        })
    }

    fn connection(&self, schedule: &Schedule) -> ConnectionSpec {
        let s = &schedule.source;
        ConnectionSpec {
            host: s.host.clone(),
            port: s.port,
            database: Some(s.database.clone()),
            user: s.user.clone(),
            password: (self.password)(schedule),
            sslmode: schedule.sslmode.clone(),
            ..Default::default()
        }
    }

    async fn verify(
        &self,
        schedule: &Schedule,
        backup_id: &str,
        cancel: &CancelHandle,
    ) -> Result<(), String> {
        let mut backup = self
            .catalog
            .require_backup(backup_id)
            .map_err(|e| e.to_string())?;
        let key = match &schedule.options.encryption {
            Encryption::None => None,
            Encryption::Passphrase => Some(Decrypt::Passphrase(self.saved_passphrase()?)),
            Encryption::Recipients { .. } => return Err(
                "the backup was made, but it cannot be verified: it is encrypted to public keys and no private key is kept here. Turn off \"verify after each backup\" for this schedule, or encrypt with the passphrase".into(),
            ),
        };
        // One only in a bucket is brought down first (checked by verify).
        let _fetched = match backup.copies.first().filter(|_| backup.is_remote_only()) {
            Some(copy) => {
                let bucket = self
                    .bucket
                    .bucket(&copy.destination)
                    .map_err(|e| e.to_string())?;
                let fetched = fetch_backup(&bucket, &copy.key, false, cancel, &|_| {})
                    .await
                    .map_err(|e| format!("the backup could not be read back to verify it: {e}"))?;
                backup.path = fetched.path().to_path_buf();
                Some(fetched)
            }
            None => None,
        };
        let req = VerifyRequest {
            id: backup_id.chars().take(12).collect(),
            backup,
            restore_on: Some(self.connection(schedule)),
            search: self.search,
            decrypt: key.as_ref(),
        };
        let v = verify_backup(self.catalog, req, cancel, &|_: JobEvent| {})
            .await
            .map_err(|e| e.to_string())?;
        match v.status {
            VerifyStatus::Passed => Ok(()),
            VerifyStatus::Failed => Err(format!("the backup failed verification: {}", v.summary)),
        }
    }

    /// Applies the schedule's retention; returns the backups deleted.
    /// Applies retention: the backups it lets go are deleted here and in
    /// every bucket they were copied to (a copy whose bucket cannot be
    /// reached keeps its backup in the history, to be pruned next time).
    pub async fn prune(&self, schedule: &Schedule) -> Result<Vec<PruneDecision>, String> {
        let removed: Vec<PruneDecision> = self
            .plan_prune(schedule)?
            .into_iter()
            .filter(|d| !d.keep)
            .collect();
        let ids: Vec<String> = removed.iter().map(|d| d.id.clone()).collect();
        crate::schedule::housekeeping::remove_backups(self.catalog, self.bucket, &ids).await?;
        Ok(removed)
    }

    /// What retention would do now, without doing it.
    pub fn plan_prune(&self, schedule: &Schedule) -> Result<Vec<PruneDecision>, String> {
        plan_prune(self.catalog, schedule, self.clock.now())
    }

    /// Tells the user how the run went, as the schedule asks: the desktop
    /// notice, then each of its channels (a webhook, e-mail), each within
    /// [`crate::notify::SEND_TIMEOUT`]. A channel that cannot be reached is
    /// itself told on the desktop and logged, never with its secret.
    async fn tell(&self, schedule: &Schedule, run: &ScheduleRun) {
        let failed = run.status != RunStatus::Succeeded;
        let wanted = match schedule.notify {
            NotifyOn::Never => false,
            NotifyOn::Failure => failed,
            NotifyOn::Always => true,
        };
        if !wanted {
            return;
        }
        let (title, body) = if failed {
            (
                format!("Scheduled backup “{}” failed", schedule.name),
                run.error.clone().unwrap_or_default(),
            )
        } else {
            (
                format!("Scheduled backup “{}” done", schedule.name),
                format!(
                    "{}{}",
                    if schedule.verify_after {
                        "Backed up and verified restorable."
                    } else {
                        "Backed up."
                    },
                    if run.pruned > 0 {
                        format!(" {} old backup(s) removed by retention.", run.pruned)
                    } else {
                        String::new()
                    }
                ),
            )
        };
        let message = notify::Message {
            event: if failed {
                notify::Event::Failed
            } else {
                notify::Event::Succeeded
            },
            title: title.clone(),
            text: body.clone(),
            schedule: Some(schedule.name.clone()),
            database: Some(schedule.source.database.clone()),
            server: schedule
                .source
                .host
                .as_ref()
                .map(|host| format!("{host}:{}", schedule.source.port.unwrap_or(5432))),
            backup: run
                .backup_id
                .as_deref()
                .and_then(|id| self.catalog.get_backup(id).ok().flatten())
                // A backup made straight into a bucket is named by its
                // object there (`DEST:KEY`), not by its bare file name.
                .map(|b| match b.copies.first() {
                    Some(copy) if !b.path.is_absolute() => copy.location(),
                    _ => b.path.display().to_string(),
                }),
            at: run.finished_at.unwrap_or_else(|| self.clock.now()),
            machine: notify::machine_name(),
        };
        (self.notify)(Notice {
            schedule_id: schedule.id.clone(),
            title,
            body,
            failed,
        });
        for name in &schedule.notify_via {
            let sent = match self.channels.channel(name) {
                Ok((channel, secret)) => notify::send(&channel, secret.as_ref(), &message)
                    .await
                    .map_err(|e| e.to_string()),
                Err(why) => Err(why),
            };
            if let Err(why) = sent {
                tracing::warn!(schedule = %schedule.id, channel = %name, %why, "a notification was not delivered");
                (self.notify)(Notice {
                    schedule_id: schedule.id.clone(),
                    title: format!("“{name}” could not be notified"),
                    body: format!(
                        "The run of “{}” was not sent through “{name}”: {why}",
                        schedule.name
                    ),
                    failed: true,
                });
            }
        }
    }
}

/// Retention decisions for a schedule's successful backups at `now`.
pub fn plan_prune(
    catalog: &Catalog,
    schedule: &Schedule,
    now: DateTime<Utc>,
) -> Result<Vec<PruneDecision>, String> {
    let tz = parse_timezone(&schedule.timezone)?;
    let backups = catalog
        .successful_backups(Some(&schedule.id), None)
        .map_err(|e| e.to_string())?;
    let candidates: Vec<Candidate> = backups
        .iter()
        .map(crate::schedule::housekeeping::candidate)
        .collect();
    Ok(decide(&schedule.retention, &candidates, now, &tz))
}

fn failure_text(outcome: &JobOutcome) -> String {
    match (&outcome.status, &outcome.error) {
        (JobStatus::Cancelled, _) => "cancelled".into(),
        (_, Some(e)) => format!("{} {}", e.summary, e.hint).trim().to_string(),
        _ => "the backup did not complete".into(),
    }
}
