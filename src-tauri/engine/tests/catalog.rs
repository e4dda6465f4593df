//! The catalog, verification and checksums against a real PostgreSQL and a
//! real SQLite catalog (schedules: `schedules.rs`; safety backups and swaps:
//! `guarded.rs`).

mod common;

use chrono::Utc;
use common::*;
use std::path::Path;
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::catalog::{BackupQuery, BackupReason, BackupStatus, Catalog, VerifyStatus};
use tusk_engine::restore::guarded::prepare_guarded_restore;
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{BackupOptions, CancelHandle, JobStatus, RestoreOptions};

#[tokio::test]
async fn a_recorded_backup_has_its_checksum_manifest_and_history_entry() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_rec");
    let path = dir.path().join("shop.backup");
    let outcome = recorded_backup(&c, &db, path.clone()).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{:?}", outcome.error);
    let id = outcome.backup_id.clone().unwrap();
    let record = c.require_backup(&id).unwrap();
    assert_eq!(record.status, BackupStatus::Completed);
    assert_eq!(record.reason, BackupReason::Manual);
    assert_eq!(record.source.database, db);
    assert_eq!(record.size_bytes, outcome.size_bytes);
    assert!(record.server_version.is_some() && record.pg_dump_version.is_some());
    assert!(record.file_exists);
    // The sidecar is what sha256sum -c reads, from the backup's folder.
    let check = std::process::Command::new("sha256sum")
        .arg("-c")
        .arg("shop.backup.sha256")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("shop.backup.sha256"))
            .unwrap()
            .split_whitespace()
            .next(),
        record.sha256.as_deref()
    );
    assert!(dir.path().join("shop.backup.tusk.json").exists());
    // Listed, filtered by connection and status, paged.
    let page = c
        .list_backups(&BackupQuery {
            connection_id: Some("conn-1".into()),
            statuses: vec![BackupStatus::Completed],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, id);
    assert_eq!(
        c.list_backups(&BackupQuery {
            statuses: vec![BackupStatus::Failed],
            ..Default::default()
        })
        .unwrap()
        .total,
        0
    );
}

#[tokio::test]
async fn a_failed_backup_is_recorded_as_failed_with_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_fail");
    let path = dir.path().join("fail.backup");
    let options = BackupOptions {
        output_path: path.clone(),
        extra_args: vec!["--table=no_such_table_anywhere".into()],
        ..Default::default()
    };
    let prepared = tusk_engine::prepare_backup(&uuid(), &conn(&db), &options, &search())
        .await
        .unwrap();
    let meta = RecordMeta {
        name: Some("will fail".into()),
        description: None,
        source: source(&db),
        reason: BackupReason::Manual,
        schedule_id: None,
    };
    let outcome = run_recorded_backup(&c, prepared, meta, &CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(record.status, BackupStatus::Failed);
    assert!(
        record
            .error
            .as_deref()
            .unwrap_or("")
            .contains("no matching tables"),
        "{:?}",
        record.error
    );
    assert!(!path.exists());
    assert!(std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .all(|e| !e.file_name().to_string_lossy().contains("fail.backup")));

    // A file at its path now (the older backup it was to replace) is not its
    // own: deleting the failed entry keeps it.
    std::fs::write(&path, b"an older backup").unwrap();
    let deleted = tusk_engine::backup::recorded::delete_backup(&c, &record.id, false).unwrap();
    assert!(!deleted.file_removed);
    assert!(
        deleted
            .kept_because
            .as_deref()
            .unwrap_or("")
            .contains("did not complete"),
        "{deleted:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"an older backup");
    assert!(c.get_backup(&record.id).unwrap().is_none());
}

#[tokio::test]
async fn verification_passes_for_a_good_backup_and_fails_for_a_corrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_verify");
    let good = recorded_backup(&c, &db, dir.path().join("good.backup")).await;
    let good_id = good.backup_id.unwrap();
    let v = verify(&c, &good_id, Some(&db)).await;
    assert_eq!(v.status, VerifyStatus::Passed, "{v:#?}");
    let orders = v
        .tables
        .iter()
        .find(|t| t.schema == "shop" && t.name == "orders")
        .unwrap();
    assert_eq!((orders.expected, orders.restored), (Some(3000), Some(3000)));
    let odd = v.tables.iter().find(|t| t.schema == ODD_SCHEMA).unwrap();
    assert_eq!(odd.restored, Some(200));
    assert!(v.restored_on.is_some());
    assert_eq!(c.table_rows(&good_id).unwrap().len(), v.tables.len());
    let stored = c.require_backup(&good_id).unwrap().verification.unwrap();
    assert_eq!(stored.status, VerifyStatus::Passed);
    // The scratch database is gone again.
    let left = pg().psql(
        "postgres",
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'tusk_verify_%'",
    );
    assert_eq!(left.trim(), "0");

    // Flip bytes in the middle: the checksum no longer matches.
    let bad = recorded_backup(&c, &db, dir.path().join("bad.backup")).await;
    let bad_id = bad.backup_id.unwrap();
    let path = dir.path().join("bad.backup");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let v = verify(&c, &bad_id, Some(&db)).await;
    assert_eq!(v.status, VerifyStatus::Failed);
    assert_eq!(v.checks[0].name, "checksum");
    assert!(!v.checks[0].ok);
    assert!(
        v.summary.contains("changed after it was made"),
        "{}",
        v.summary
    );

    // Damaged data whose checksum was (wrongly) re-recorded: the archive no
    // longer reads back, whatever the checksum says.
    let sum = tusk_engine::catalog::sidecar::write_checksum(&path).unwrap();
    let mut record = c.require_backup(&bad_id).unwrap();
    record.sha256 = Some(sum);
    let req = VerifyRequest {
        id: uuid(),
        backup: record,
        restore_on: Some(conn(&db)),
        search: &search(),
        decrypt: None,
    };
    let v = verify_backup(&c, req, &CancelHandle::new(), &|_| {})
        .await
        .unwrap();
    assert_eq!(v.status, VerifyStatus::Failed, "{v:#?}");
    assert!(
        v.checks.iter().any(|c| !c.ok && c.name != "checksum"),
        "{v:#?}"
    );
}

#[tokio::test]
async fn restore_refuses_a_backup_whose_checksum_changed_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_sum");
    // A custom archive, checked before the restore; a zstd one (the fast
    // preset), checked while it unpacks.
    let gzip = BackupOptions {
        output_path: dir.path().join("sum.backup"),
        compression: 1,
        ..Default::default()
    };
    let mut zstd = BackupOptions {
        output_path: dir.path().join("sum.backup.zst"),
        ..Default::default()
    };
    tusk_engine::BackupPreset::Fast.apply(&mut zstd);
    for (n, backup) in [gzip, zstd].iter().enumerate() {
        let path = backup.output_path.clone();
        let made = recorded_backup_with(&c, &db, backup).await;
        assert_eq!(made.status, JobStatus::Completed, "{:?}", made.error);
        // The archive still reads once this is appended (a newline after a
        // custom archive, an empty skippable frame after a zstd stream); the
        // checksum does not match.
        let tail: &[u8] = if n == 0 {
            b"\n"
        } else {
            &[0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]
        };
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, tail).unwrap();
        let target = format!("{db}_copy{n}");
        let options = RestoreOptions {
            input_path: path.clone(),
            target_database: Some(target.clone()),
            create_database: true,
            ..Default::default()
        };
        let guarded =
            prepare_guarded_restore(&uuid(), &conn("postgres"), &options, &search(), Some(&c))
                .await
                .unwrap();
        assert!(guarded.safety.checks_checksum);
        let events = Events::default();
        let outcome = guarded
            .run(Some(&c), &CancelHandle::new(), &events.sink())
            .await;
        assert_eq!(outcome.status, JobStatus::Failed, "{}", path.display());
        assert_eq!(events.finished().len(), 1, "exactly one terminal event");
        // The zstd backup's checksum is read beside its unpacking, not
        // before it.
        let phases: Vec<_> = events.progress().iter().map(|p| p.phase).collect();
        assert_eq!(
            phases.contains(&tusk_engine::Phase::Verifying),
            n == 0,
            "{phases:?}"
        );
        assert_eq!(phases.contains(&tusk_engine::Phase::Unpacking), n == 1);
        assert_refused_as_changed(&outcome, &target, dir.path());

        let forced = RestoreOptions {
            ignore_checksum: true,
            ..options
        };
        let guarded =
            prepare_guarded_restore(&uuid(), &conn("postgres"), &forced, &search(), Some(&c))
                .await
                .unwrap();
        let outcome = guarded.run(Some(&c), &CancelHandle::new(), &|_| {}).await;
        assert_eq!(outcome.status, JobStatus::Completed, "{:?}", outcome.error);
        assert_eq!(fingerprint(&target), fingerprint(&db));
        assert_unpacked_copies_gone(dir.path());
    }
}

#[tokio::test]
async fn a_damaged_zstd_backup_is_refused_for_its_changed_checksum() {
    // The unpack fails on the damage and the checksum read beside it fails
    // too: the changed checksum is the explanation the user gets, as it is
    // for any other backup (the data no longer being what was made).
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_sum_damaged");
    // Enough data for many zstd blocks: the damage below sits early in the
    // stream, so the unpack fails long before the checksum is read through.
    pg().psql(
        &db,
        "CREATE TABLE public.bulk AS SELECT g, md5(g::text) AS h FROM generate_series(1, 200000) g",
    );
    let mut backup = BackupOptions {
        output_path: dir.path().join("damaged.backup.zst"),
        ..Default::default()
    };
    tusk_engine::BackupPreset::Fast.apply(&mut backup);
    let made = recorded_backup_with(&c, &db, &backup).await;
    assert_eq!(made.status, JobStatus::Completed, "{:?}", made.error);
    let path = backup.output_path.clone();
    // One byte inside a compressed block a fifth of the way in: the frames'
    // layout, which the pre-flight checks, stays whole; the unpack stops there.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = compressed_block_at(&bytes, bytes.len() / 5);
    bytes[at] ^= 0x5a;
    std::fs::write(&path, &bytes).unwrap();

    // Unrecorded, the damage itself is what is reported.
    let target = format!("{db}_copy");
    let options = RestoreOptions {
        input_path: path.clone(),
        target_database: Some(target.clone()),
        create_database: true,
        ..Default::default()
    };
    let guarded = prepare_guarded_restore(&uuid(), &conn("postgres"), &options, &search(), None)
        .await
        .unwrap();
    let outcome = guarded.run(None, &CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let error = outcome.error.unwrap();
    assert!(
        error.summary.contains("cut off or damaged"),
        "{}",
        error.summary
    );

    // Recorded, the changed checksum is.
    let guarded =
        prepare_guarded_restore(&uuid(), &conn("postgres"), &options, &search(), Some(&c))
            .await
            .unwrap();
    assert!(guarded.safety.checks_checksum);
    let events = Events::default();
    let outcome = guarded
        .run(Some(&c), &CancelHandle::new(), &events.sink())
        .await;
    assert_eq!(outcome.status, JobStatus::Failed);
    assert_eq!(events.finished().len(), 1, "exactly one terminal event");
    assert_refused_as_changed(&outcome, &target, dir.path());
}

/// The restore was refused because the backup's checksum changed, and left
/// neither the new database nor an unpacked copy behind.
fn assert_refused_as_changed(outcome: &tusk_engine::JobOutcome, target: &str, dir: &Path) {
    let error = outcome.error.as_ref().expect("an error");
    assert!(
        error.summary.contains("changed after it was made"),
        "{}",
        error.summary
    );
    assert!(error.summary.contains("Nothing was restored"));
    let exists = pg().psql(
        "postgres",
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{target}'"),
    );
    assert_eq!(exists.trim(), "0", "no target is left behind");
    assert_unpacked_copies_gone(dir);
}

/// The first content byte (the literals section's header) of the first
/// compressed block at or after `from` in a one-frame zstd stream (RFC 8878:
/// frame header, then blocks with 3-byte headers). Damaged, the decoder
/// stops there; a byte further in may only change the output, found by the
/// content checksum at the end.
fn compressed_block_at(zst: &[u8], from: usize) -> usize {
    assert_eq!(&zst[..4], &[0x28, 0xb5, 0x2f, 0xfd], "a zstd frame");
    let fhd = zst[4];
    let single_segment = fhd & 0x20 != 0;
    let dict_id = [0, 1, 2, 4][usize::from(fhd & 3)];
    let content_size = match fhd >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    let mut pos = 5 + usize::from(!single_segment) + dict_id + content_size;
    loop {
        let header = u32::from_le_bytes([zst[pos], zst[pos + 1], zst[pos + 2], 0]);
        let (last, kind, size) = (header & 1 == 1, (header >> 1) & 3, (header >> 3) as usize);
        let content = if kind == 1 { 1 } else { size };
        if kind == 2 && pos >= from && size > 16 {
            return pos + 3;
        }
        assert!(!last, "no compressed block after byte {from}");
        pos += 3 + content;
    }
}

fn assert_unpacked_copies_gone(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tusk-unpacked-"))
        .collect();
    assert!(left.is_empty(), "unpacked copies left: {left:?}");
}

/// Records a running backup `id` to `output`, writing to `partial`.
fn begin_running(c: &Catalog, id: &str, output: &Path, partial: &Path) {
    c.begin_backup(&tusk_engine::catalog::NewBackup {
        id: id.into(),
        name: id.into(),
        description: None,
        source: source("shop"),
        options: BackupOptions {
            output_path: output.to_path_buf(),
            ..Default::default()
        },
        partial_path: Some(partial.to_path_buf()),
        server_version: None,
        pg_dump_version: None,
        reason: BackupReason::Manual,
        schedule_id: None,
        started_at: Utc::now(),
        remote_only: false,
    })
    .unwrap();
}

#[tokio::test]
async fn a_job_whose_process_died_is_marked_interrupted_and_its_file_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let partial = dir.path().join(".crash.backup.tusk-partial-abc");
    std::fs::write(&partial, b"half a backup").unwrap();
    {
        let c = Catalog::open(&path).unwrap().0;
        begin_running(&c, "crashed", &dir.path().join("crash.backup"), &partial);
    }
    // Make the record look like another, dead process's.
    let dead = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    let _ = dead.wait_with_output();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE backups SET owner_pid = ?1", [dead_pid])
        .unwrap();
    drop(conn);

    let (c, report) = Catalog::open(&path).unwrap();
    assert_eq!(report.interrupted, ["crashed"]);
    assert!(!partial.exists());
    let record = c.require_backup("crashed").unwrap();
    assert_eq!(record.status, BackupStatus::Interrupted);
    assert!(record.error.unwrap().contains("stopped before it finished"));
}

#[tokio::test]
async fn a_damaged_catalog_is_rebuilt_from_its_copy_and_the_sidecars() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let folder_a = dir.path().join("a");
    let folder_b = dir.path().join("b");
    std::fs::create_dir_all(&folder_a).unwrap();
    std::fs::create_dir_all(&folder_b).unwrap();
    let db = sample_db("cat_rebuild");
    let (first, second);
    {
        let (c, _) = Catalog::open(&path).unwrap();
        first = recorded_backup(&c, &db, folder_a.join("one.backup"))
            .await
            .backup_id
            .unwrap();
        let v = verify(&c, &first, None).await;
        assert_eq!(v.status, VerifyStatus::Passed);
        let copy = c.backup_self().unwrap();
        let older = dir.path().join("older-copy");
        std::fs::copy(&copy, &older).unwrap();
        // Made after that copy: only its sidecars will know it.
        second = recorded_backup(&c, &db, folder_b.join("two.backup"))
            .await
            .backup_id
            .unwrap();
        std::fs::copy(&older, &copy).unwrap();
        assert_eq!(c.integrity_check().unwrap(), "ok");
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, b"this is not a database any more").unwrap();
    let (c, report) = Catalog::open(&path).unwrap();
    assert!(report.rebuilt);
    assert!(report.damaged_copy.as_ref().unwrap().exists());
    assert_eq!(report.restored_from_copy, 1);
    assert_eq!(report.imported, 1);
    let first_back = c.require_backup(&first).unwrap();
    let second_back = c.require_backup(&second).unwrap();
    assert_eq!(first_back.reason, BackupReason::Manual);
    assert_eq!(
        second_back.sha256,
        tusk_engine::catalog::sidecar::listing(&folder_b.join("two.backup"))
            .ok()
            .map(|l| l.split_whitespace().next().unwrap().to_string())
    );

    // Without any copy, the sidecars alone rebuild it.
    drop(c);
    for suffix in ["-wal", "-shm", "-copy"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, b"garbage again").unwrap();
    let (c, report) = Catalog::open(&path).unwrap();
    assert!(report.rebuilt);
    assert_eq!(report.imported, 2);
    assert_eq!(c.list_backups(&BackupQuery::default()).unwrap().total, 2);
    // What was learnt after the backup (its verification) came back too.
    let back = c.require_backup(&first).unwrap();
    assert_eq!(back.verification.unwrap().status, VerifyStatus::Passed);
}

#[tokio::test]
async fn a_folder_copied_from_another_machine_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("cat_import");
    let made = dir.path().join("made");
    std::fs::create_dir_all(&made).unwrap();
    let id = recorded_backup(&c, &db, made.join("x.backup"))
        .await
        .backup_id
        .unwrap();
    // Another machine: a copy of the folder under another name, a new catalog.
    let copied = dir.path().join("copied");
    std::fs::create_dir_all(&copied).unwrap();
    for f in std::fs::read_dir(&made).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), copied.join(f.file_name())).unwrap();
    }
    let other = Catalog::open(&dir.path().join("other.db")).unwrap().0;
    let report = other.import_folder(&copied, false).unwrap();
    assert_eq!(report.imported, std::slice::from_ref(&id));
    let record = other.require_backup(&id).unwrap();
    assert_eq!(record.reason, BackupReason::Imported);
    assert_eq!(record.path, copied.join("x.backup"));
    assert!(record.file_exists);
    assert_eq!(
        other.import_folder(&copied, false).unwrap().already_known,
        [id]
    );
}

#[tokio::test]
async fn a_run_or_backup_of_a_live_process_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.db");
    let partial = dir.path().join(".live.backup.tusk-partial-abc");
    std::fs::write(&partial, b"being written").unwrap();
    let c = Catalog::open(&path).unwrap().0;
    begin_running(&c, "live", &dir.path().join("live.backup"), &partial);
    // Another process (a `tusk list`) opens the catalog while this one works.
    let (other, report) = Catalog::open(&path).unwrap();
    assert!(report.interrupted.is_empty());
    assert!(partial.exists(), "a live job's file is never touched");
    assert_eq!(
        other.require_backup("live").unwrap().status,
        BackupStatus::Running
    );
}

#[test]
fn the_history_is_searched_by_name_note_and_database_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let named = |id: &str, name: &str, note: Option<&str>| {
        begin_running(
            &c,
            id,
            &dir.path().join(id),
            &dir.path().join(format!(".{id}")),
        );
        c.rename_backup(id, name, note).unwrap();
    };
    named("a", "Before the ÜNÏ migration", Some("100% of the orders"));
    named("b", "nightly", Some("after the release"));
    named("c", "weekly_full", None);
    let found = |text: &str| -> Vec<String> {
        let page = c
            .list_backups(&BackupQuery {
                search: Some(text.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.total as usize, page.items.len());
        let mut ids: Vec<String> = page.items.into_iter().map(|b| b.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(found("ünï"), ["a"], "unicode folded, not only ASCII");
    assert_eq!(found("RELEASE"), ["b"], "the note is searched");
    assert_eq!(found("100%"), ["a"], "`%` is a plain character");
    assert_eq!(found("_full"), ["c"], "`_` is a plain character");
    assert!(found("100_").is_empty());
    assert_eq!(found("shop"), ["a", "b", "c"], "the database is searched");
    assert_eq!(found("migration orders"), ["a"], "every word must be found");
    assert!(found("migration nightly").is_empty());
    assert_eq!(found("   ").len(), 3, "blank finds everything");
}

/// Two processes (the app and the daemon, two commands) opening a new
/// catalog at the same moment: one creates its tables, the others find them.
#[test]
fn a_new_catalog_opened_at_once_by_several_is_created_once() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Catalog::open(&path).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().unwrap();
        }
    }
}

/// The default rule for safety backups: 14 days, the newest 2 of each
/// database always kept; manual backups are all kept until a rule is set;
/// scheduled and imported backups are never theirs.
#[test]
fn safety_backups_go_after_14_days_and_other_kinds_are_left_to_their_rules() {
    use tusk_engine::catalog::{BackupFinish, NewBackup};
    use tusk_engine::schedule::housekeeping::{load, plan_own, OwnKind};
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let now = Utc::now();
    let add = |id: &str, reason: BackupReason, days_ago: i64, db: &str| {
        let path = dir.path().join(id);
        std::fs::write(&path, b"x").unwrap();
        c.begin_backup(&NewBackup {
            id: id.into(),
            name: id.into(),
            description: None,
            source: source(db),
            options: BackupOptions {
                output_path: path.clone(),
                ..Default::default()
            },
            partial_path: None,
            server_version: None,
            pg_dump_version: None,
            reason,
            schedule_id: None,
            started_at: now - chrono::Duration::days(days_ago),
            remote_only: false,
        })
        .unwrap();
        c.finish_backup(
            id,
            &BackupFinish {
                status: BackupStatus::Completed,
                finished_at: now,
                duration_ms: 1,
                size_bytes: Some(1),
                sha256: None,
                error: None,
                warnings: Vec::new(),
                path: None,
            },
        )
        .unwrap();
    };
    for (i, days) in [1, 20, 30, 40].iter().enumerate() {
        add(
            &format!("safety-{i}"),
            BackupReason::PreRestore,
            *days,
            "shop",
        );
        add(&format!("manual-{i}"), BackupReason::Manual, *days, "shop");
        add(
            &format!("imported-{i}"),
            BackupReason::Imported,
            *days,
            "shop",
        );
    }
    add("safety-crm", BackupReason::BeforeImport, 90, "crm");
    let plan = plan_own(&c, &load(&c), now).unwrap();
    assert!(
        plan.iter().all(|g| g.kind == OwnKind::Safety),
        "manual: off by default"
    );
    let shop = plan.iter().find(|g| g.database == "shop").unwrap();
    let going: Vec<&str> = shop.deleting().map(|d| d.id.as_str()).collect();
    assert_eq!(going, ["safety-2", "safety-3"]);
    let kept = shop.decisions.iter().find(|d| d.id == "safety-1").unwrap();
    assert!(
        kept.keep && kept.reason.starts_with("minimum kept"),
        "{kept:?}"
    );
    assert!(shop
        .decisions
        .iter()
        .any(|d| d.reason == "older than 14 days"));
    // The only safety backup of another database stays, however old.
    let crm = plan.iter().find(|g| g.database == "crm").unwrap();
    assert_eq!(crm.deleting().count(), 0);
}
