//! Schedules and retention against a real PostgreSQL and a real SQLite
//! catalog: firing when due, catching up once, one run at a time, pruning
//! that never costs the last good backups.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use std::path::Path;
use std::sync::Mutex;
use tusk_engine::catalog::retention::RetentionPolicy;
use tusk_engine::catalog::{
    BackupReason, NotifyOn, RunStatus, Schedule, Source, Trigger, VerifyStatus,
};
use tusk_engine::schedule::runner::{Clock, Notice, RunKind, Runner};
use tusk_engine::{BackupOptions, CancelHandle};

struct FakeClock(Mutex<DateTime<Utc>>);

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl FakeClock {
    fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
}

fn schedule(db: &str, dest: &Path, every_secs: u64, next: DateTime<Utc>) -> Schedule {
    Schedule {
        id: uuid(),
        name: format!("every {every_secs}s"),
        source: source(db),
        trigger: Trigger::Interval { every_secs },
        destination: dest.to_path_buf(),
        options: BackupOptions {
            compression: 1,
            ..Default::default()
        },
        retention: RetentionPolicy {
            keep_last: Some(2),
            min_keep: 1,
            ..Default::default()
        },
        max_retries: 0,
        retry_delay_secs: 0,
        notify: NotifyOn::Always,
        created_at: next - Duration::hours(1),
        next_run_at: Some(next),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_schedule_fires_when_due_catches_up_once_and_prunes() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_sched");
    let dest = dir.path().join("scheduled");
    let t0 = Utc::now();
    let clock = FakeClock(Mutex::new(t0 - Duration::seconds(1)));
    let mut s = schedule(&db, &dest, 3600, t0);
    s.verify_after = true;
    c.save_schedule(&s).unwrap();
    let notices: Mutex<Vec<Notice>> = Mutex::default();
    let notify = |n: Notice| notices.lock().unwrap().push(n);
    let runner = Runner {
        catalog: &c,
        search: &search(),
        clock: &clock,
        password: &|_| None,
        bucket: &no_buckets,
        passphrase: &|| None,
        notify: &notify,
        channels: &tusk_engine::notify::NoChannels,
    };
    assert!(runner.due().unwrap().is_empty(), "not due a second early");
    clock.set(t0 + Duration::seconds(1));
    assert_eq!(runner.due().unwrap().len(), 1);
    let runs = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let backup = c.require_backup(run.backup_id.as_ref().unwrap()).unwrap();
    assert_eq!(backup.reason, BackupReason::Scheduled);
    assert_eq!(backup.schedule_id.as_deref(), Some(s.id.as_str()));
    assert!(backup.path.starts_with(&dest));
    assert_eq!(backup.verification.unwrap().status, VerifyStatus::Passed);
    let saved = c.require_schedule(&s.id).unwrap();
    let expected = t0 + Duration::seconds(1) + Duration::hours(1);
    assert!(
        (saved.next_run_at.unwrap() - expected)
            .num_milliseconds()
            .abs()
            <= 1,
        "next run one hour after this one"
    );
    assert!(runner.due().unwrap().is_empty());
    assert_eq!(notices.lock().unwrap().len(), 1);
    assert!(!notices.lock().unwrap()[0].failed);

    // Ten hours later (the app was closed): one run, not ten.
    clock.set(t0 + Duration::hours(10));
    let runs = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(runs.len(), 1);
    assert!(runner.due().unwrap().is_empty());
    // A third run; retention keeps the newest two.
    clock.set(t0 + Duration::hours(12));
    let runs = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(runs[0].pruned, 1);
    let stats = c.schedule_stats(&s.id).unwrap();
    assert_eq!(
        (stats.total_runs, stats.successful_runs, stats.failed_runs),
        (3, 3, 0)
    );
    let kept = c.successful_backups(Some(&s.id), None).unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|b| b.path.exists()));
    let files = std::fs::read_dir(&dest).unwrap().count();
    assert_eq!(
        files,
        2 * 3,
        "two backups, each with .sha256 and .tusk.json"
    );
}

#[tokio::test]
async fn one_run_of_a_schedule_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let s = schedule("nowhere", dir.path(), 60, Utc::now());
    c.save_schedule(&s).unwrap();
    let run = |id: &str| tusk_engine::catalog::ScheduleRun {
        id: id.into(),
        schedule_id: s.id.clone(),
        scheduled_for: Utc::now(),
        started_at: Utc::now(),
        finished_at: None,
        status: RunStatus::Running,
        attempts: 0,
        backup_id: None,
        error: None,
        pruned: 0,
    };
    let finish = |id: &str| {
        let mut done = run(id);
        done.status = RunStatus::Succeeded;
        done.finished_at = Some(Utc::now());
        c.update_run(&done).unwrap();
    };
    let due = c.require_schedule(&s.id).unwrap().next_run_at;
    assert!(c.claim_run(&run("first"), due).unwrap());
    assert!(
        !c.claim_run(&run("second"), None).unwrap(),
        "the first is still running"
    );
    finish("first");
    // Another runner read the same list, but the run it saw as due is done
    // and the schedule moved on: it must not run it again.
    c.set_next_run(&s.id, due.map(|t| t + Duration::hours(1)))
        .unwrap();
    assert!(!c.claim_run(&run("stale"), due).unwrap());
    // Disabled in the meantime: not run either; "run now" still can.
    let mut off = c.require_schedule(&s.id).unwrap();
    off.enabled = false;
    c.save_schedule(&off).unwrap();
    assert!(!c.claim_run(&run("off"), off.next_run_at).unwrap());
    assert!(c.claim_run(&run("now"), None).unwrap());
    finish("now");
    off.enabled = true;
    c.save_schedule(&off).unwrap();
    assert!(c.claim_run(&run("due again"), off.next_run_at).unwrap());
}

#[tokio::test]
async fn twenty_failed_runs_never_cost_the_last_good_backups() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_minkeep");
    let dest = dir.path().join("kept");
    let t0 = Utc::now();
    let clock = FakeClock(Mutex::new(t0));
    let mut s = schedule(&db, &dest, 60, t0);
    s.retention = RetentionPolicy {
        keep_last: None,
        max_age_days: Some(1),
        min_keep: 2,
        ..Default::default()
    };
    s.max_retries = 1;
    s.notify = NotifyOn::Failure;
    c.save_schedule(&s).unwrap();
    let notices: Mutex<Vec<Notice>> = Mutex::default();
    let notify = |n: Notice| notices.lock().unwrap().push(n);
    let runner = Runner {
        catalog: &c,
        search: &search(),
        clock: &clock,
        password: &|_| None,
        bucket: &no_buckets,
        passphrase: &|| None,
        notify: &notify,
        channels: &tusk_engine::notify::NoChannels,
    };
    for _ in 0..3 {
        let run = runner
            .run(&s, RunKind::Now, &CancelHandle::new(), &|_| {})
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    }
    assert_eq!(
        c.successful_backups(Some(&s.id), None).unwrap().len(),
        3,
        "all younger than a day"
    );
    // The database goes away; a month of failures follows.
    let broken = Schedule {
        source: Source {
            database: "this_database_is_gone".into(),
            ..s.source.clone()
        },
        ..s.clone()
    };
    c.save_schedule(&broken).unwrap();
    for day in 0..20 {
        clock.set(t0 + Duration::days(2 + day));
        let run = runner
            .run(&broken, RunKind::Now, &CancelHandle::new(), &|_| {})
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, RunStatus::Failed);
        assert_eq!(run.attempts, 2, "one retry");
        assert!(
            run.error
                .as_deref()
                .unwrap()
                .contains("this_database_is_gone"),
            "{:?}",
            run.error
        );
    }
    // Every backup is now older than the one day kept: only the minimum stays.
    let pruned = runner.prune(&broken).await.unwrap();
    assert_eq!(pruned.len(), 1);
    assert!(
        pruned[0].reason.contains("older than 1 days"),
        "{:?}",
        pruned[0]
    );
    let kept = c.successful_backups(Some(&s.id), None).unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|b| b.path.exists()));
    let stats = c.schedule_stats(&s.id).unwrap();
    assert_eq!((stats.successful_runs, stats.failed_runs), (3, 20));
    assert_eq!(
        notices.lock().unwrap().iter().filter(|n| n.failed).count(),
        20
    );
}

/// Schedules here copy nowhere.
fn no_buckets(
    name: &str,
) -> Result<std::sync::Arc<tusk_engine::storage::Bucket>, tusk_engine::EngineError> {
    Err(tusk_engine::EngineError::InvalidOptions(format!(
        "no bucket {name}"
    )))
}

/// Seed 002 §3: automatic backups of a connection are a schedule every 4
/// hours with the fast preset and the newest 15 kept; at start, one whose
/// database has no good backup of the last day runs at once; a fresh
/// backup (made by hand too) puts it off.
#[tokio::test]
async fn automatic_backups_run_every_4_hours_and_at_start_when_a_day_old() {
    use tusk_engine::schedule::automatic::{self, automatic_schedule, catch_up};
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_auto");
    let t0 = Utc::now();
    let mut s = automatic_schedule(source(&db), None, t0);
    assert!(s.automatic);
    assert_eq!(s.name, "Automatic backups of Test server");
    assert_eq!(
        s.trigger,
        Trigger::Interval {
            every_secs: 4 * 3600
        }
    );
    assert_eq!(s.retention.keep_last, Some(15));
    s.destination = dir.path().join("automatic");
    // Not due yet: the app was started within 4 hours of setting it up.
    s.next_run_at = Some(t0 + Duration::hours(3));
    c.save_schedule(&s).unwrap();
    assert_eq!(automatic::find(&c, "conn-1").unwrap().unwrap().id, s.id);

    // At start: no good backup at all, so it is due now.
    assert_eq!(catch_up(&c, t0).unwrap(), [s.id.clone()]);
    let clock = FakeClock(Mutex::new(t0));
    let notify = |_: Notice| {};
    let runner = Runner {
        catalog: &c,
        search: &search(),
        clock: &clock,
        password: &|_| None,
        bucket: &no_buckets,
        passphrase: &|| None,
        notify: &notify,
        channels: &tusk_engine::notify::NoChannels,
    };
    let runs = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, RunStatus::Succeeded, "{:?}", runs[0].error);
    let backup = c
        .require_backup(runs[0].backup_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(backup.reason, BackupReason::Scheduled);
    assert_eq!(backup.format, tusk_engine::BackupFormat::Custom);
    assert!(
        backup.path.to_string_lossy().ends_with(".backup.zst"),
        "the fast preset"
    );
    assert!(backup.rows.is_some(), "rows counted after the run");
    let next = c.require_schedule(&s.id).unwrap().next_run_at.unwrap();
    assert!(
        ((next - t0).num_seconds() - 4 * 3600).abs() <= 1,
        "the next one 4 hours later: {next}"
    );

    // Started again 2 hours later: the last good backup is fresh, nothing to catch up.
    assert!(catch_up(&c, t0 + Duration::hours(2)).unwrap().is_empty());
    // A day and more without a good backup, the next run hours away (its
    // runs failed since, say): due at once. One already due is left as is.
    let later = t0 + Duration::hours(30);
    assert!(catch_up(&c, later).unwrap().is_empty(), "already due");
    c.set_next_run(&s.id, Some(later + Duration::hours(3)))
        .unwrap();
    assert_eq!(catch_up(&c, later).unwrap(), [s.id.clone()]);
    let due_at = c.require_schedule(&s.id).unwrap().next_run_at.unwrap();
    assert!((due_at - later).num_milliseconds().abs() <= 1, "due now");
    // Disabled: left alone.
    let mut off = c.require_schedule(&s.id).unwrap();
    off.enabled = false;
    off.next_run_at = Some(later + Duration::hours(1));
    c.save_schedule(&off).unwrap();
    assert!(catch_up(&c, later).unwrap().is_empty());
}
