//! A guarded restore against a real PostgreSQL: a safety backup of the target
//! before a destructive restore, and a swap that keeps the old database.

mod common;

use common::*;
use tusk_engine::catalog::{BackupReason, BackupStatus};
use tusk_engine::restore::guarded::prepare_guarded_restore;
use tusk_engine::{CancelHandle, JobStatus, RestoreOptions};

#[tokio::test]
async fn a_destructive_restore_takes_a_safety_backup_of_the_target_first() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_safety");
    let path = dir.path().join("before.backup");
    recorded_backup(&c, &db, path.clone()).await;
    // The target changes after the backup; the restore with clean will undo it.
    pg().psql(&db, "DELETE FROM shop.orders WHERE id > 100; CREATE TABLE public.made_later (x int); INSERT INTO public.made_later VALUES (42)");
    let changed = fingerprint(&db);
    let options = RestoreOptions {
        input_path: path,
        clean: true,
        ..Default::default()
    };
    let guarded = prepare_guarded_restore(&uuid(), &conn(&db), &options, &search(), Some(&c))
        .await
        .unwrap();
    let planned = guarded
        .safety
        .safety_backup
        .clone()
        .expect("a safety backup is planned");
    assert!(guarded
        .safety
        .safety_reason
        .as_deref()
        .unwrap()
        .contains("clean"));
    let events = Events::default();
    let outcome = guarded
        .run(Some(&c), &CancelHandle::new(), &events.sink())
        .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.safety_backup.as_ref(), Some(&planned));
    assert!(planned.starts_with(data_dir()));
    let safety = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(safety.reason, BackupReason::PreRestore);
    assert_eq!(safety.status, BackupStatus::Completed);
    // Progress covered both parts and never went back.
    let percents: Vec<f64> = events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            tusk_engine::JobEvent::Progress(p) => Some(p.percent),
            _ => None,
        })
        .collect();
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1] + 0.05),
        "{percents:?}"
    );
    assert!(events.all_json().contains("safetyBackup"));
    // The safety backup holds the database as it was just before.
    let check = pg().create_db("cat_safety_check");
    let (restored, _) = restore(
        &conn(&check),
        RestoreOptions {
            input_path: planned,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        restored.status,
        JobStatus::Completed,
        "{:?}",
        restored.error
    );
    assert_eq!(fingerprint(&check), changed);
}

#[tokio::test]
async fn swap_restores_into_a_new_database_and_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_swap");
    let path = dir.path().join("swap.backup");
    recorded_backup(&c, &db, path.clone()).await;
    let original = fingerprint(&db);
    pg().psql(&db, "DELETE FROM shop.orders");
    let options = RestoreOptions {
        input_path: path,
        swap: true,
        ..Default::default()
    };
    let guarded = prepare_guarded_restore(&uuid(), &conn(&db), &options, &search(), Some(&c))
        .await
        .unwrap();
    assert!(
        guarded.safety.safety_backup.is_none(),
        "the old database is kept instead"
    );
    let keep = guarded.safety.swap_keep_as.clone().unwrap();
    let outcome = guarded.run(Some(&c), &CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{:?}", outcome.error);
    assert_eq!(fingerprint(&db), original);
    assert_eq!(
        pg().psql(&keep, "SELECT count(*) FROM shop.orders").trim(),
        "0"
    );
}
