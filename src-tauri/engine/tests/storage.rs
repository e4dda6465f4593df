//! Backups straight into a real S3-compatible store (Garage, started by the
//! test on loopback) and restored from it, with the failures a bucket can
//! have: a cancelled upload, a store that dies mid-upload, a node of three
//! lost, wrong credentials, a missing bucket, nothing listening, and two
//! machines writing to one bucket.

mod common;

use common::*;
use std::sync::Arc;
use tusk_engine::backup::recorded::run_recorded_backup;
use tusk_engine::backup::remote::prepare_bucket_backup;
use tusk_engine::catalog::Catalog;
use tusk_engine::crypt::Decrypt;
use tusk_engine::restore::prepare_streamed_restore;
use tusk_engine::restore::remote::fetch_backup;
use tusk_engine::restore::stream::{open_stream, Streamable};
use tusk_engine::storage::{Bucket, StorageFailure};
use tusk_engine::{
    BackupFormat, BackupOptions, CancelHandle, CompressionMethod, EngineError, JobEvent,
    JobOutcome, JobStatus, RestoreOptions,
};
use tusk_testkit::garage::Garage;

fn bucket(g: &Garage, prefix: &str) -> Arc<Bucket> {
    Arc::new(Bucket::open(&g.destination("offsite", prefix), &g.credentials()).unwrap())
}

async fn bucket_backup(
    c: &Catalog,
    db: &str,
    options: &BackupOptions,
    b: &Arc<Bucket>,
    cancel: &CancelHandle,
    events: &Events,
) -> JobOutcome {
    let prepared = prepare_bucket_backup(&uuid(), &conn(db), options, &search(), b.clone())
        .await
        .expect("prepare the backup to the bucket");
    run_recorded_backup(c, prepared, meta(db), cancel, &events.sink()).await
}

/// Downloads the backup (checked against its `.sha256`) and restores it
/// into a new database; its fingerprint.
async fn restored_from(b: &Bucket, key: &str) -> String {
    let fetched = fetch_backup(b, key, true, &CancelHandle::new(), &|_| {})
        .await
        .expect("fetch the backup");
    let target = pg().create_db("from_bucket");
    let (outcome, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: fetched.path().to_path_buf(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    fingerprint(&target)
}

/// Restores the backup at `key` as it downloads (it must stream) with
/// `options`; the outcome and the events.
async fn streamed_restore(
    b: &Bucket,
    key: &str,
    target: &str,
    options: RestoreOptions,
    decrypt: Option<Decrypt>,
) -> (JobOutcome, Events) {
    let options = RestoreOptions {
        input_path: b.location(key).into(),
        target_database: Some(target.to_string()),
        ..options
    };
    let streamed = match open_stream(b, key, &options, true, decrypt).await.unwrap() {
        Streamable::Streamed(s) => s,
        Streamable::Download { why, .. } => panic!("{key} did not stream: {why}"),
    };
    assert!(streamed.checks(), "checked against its .sha256");
    let prepared =
        prepare_streamed_restore(&uuid(), &conn("postgres"), &options, &search(), &streamed)
            .await
            .expect("prepare the streamed restore");
    // pg_restore reads stdin: no file on its command line.
    assert!(
        prepared.preflight.command.starts_with("(download offsite:"),
        "{}",
        prepared.preflight.command
    );
    let events = Events::default();
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    (outcome, events)
}

fn key_of(outcome: &JobOutcome) -> String {
    let location = outcome.location.clone().expect("a location");
    location
        .strip_prefix("offsite:")
        .expect("the destination's name")
        .to_string()
}

#[tokio::test]
async fn every_format_goes_to_the_bucket_and_comes_back_the_same() {
    let g = Garage::start();
    let b = bucket(&g, "tusk/laptop");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("to_bucket");
    let expected = fingerprint(&db);
    let formats = [
        (BackupFormat::Custom, CompressionMethod::Zstd, 3),
        (BackupFormat::Custom, CompressionMethod::Gzip, 6),
        (BackupFormat::Plain, CompressionMethod::Gzip, 0),
        (BackupFormat::Tar, CompressionMethod::Gzip, 0),
        (BackupFormat::Directory, CompressionMethod::Gzip, 1),
    ];
    let mut keys = Vec::new();
    for (format, method, level) in formats {
        let options = BackupOptions {
            format,
            compression_method: method,
            compression: level,
            jobs: if format == BackupFormat::Directory {
                2
            } else {
                1
            },
            ..Default::default()
        };
        let events = Events::default();
        let outcome = bucket_backup(&c, &db, &options, &b, &CancelHandle::new(), &events).await;
        assert_eq!(
            outcome.status,
            JobStatus::Completed,
            "{format:?}: {outcome:#?}"
        );
        assert_eq!(events.finished().len(), 1);
        assert!(outcome.output_path.is_none(), "no local file");
        let key = key_of(&outcome);
        assert!(key.starts_with("to-bucket"), "{key}");
        // The history says where it is, with its checksum.
        let record = c
            .require_backup(outcome.backup_id.as_ref().unwrap())
            .unwrap();
        assert!(record.is_remote_only());
        assert_eq!(record.copies.len(), 1);
        assert_eq!(record.copies[0].key, key);
        assert_eq!(record.copies[0].sha256, outcome.sha256);
        assert_eq!(record.sha256, outcome.sha256);
        assert_eq!(record.location(), format!("offsite:{key}"));
        assert_eq!(restored_from(&b, &key).await, expected, "{format:?}");
        if format == BackupFormat::Custom {
            // Read as it downloads, straight into pg_restore.
            let target = format!("streamed_{}", keys.len());
            let (outcome, events) = streamed_restore(
                &b,
                &key,
                &target,
                RestoreOptions {
                    create_database: true,
                    ..Default::default()
                },
                None,
            )
            .await;
            assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
            assert_eq!(fingerprint(&target), expected, "{format:?} streamed");
            let seen: Vec<f64> = events.progress().iter().map(|p| p.percent).collect();
            assert!(
                seen.windows(2).all(|w| w[0] <= w[1] + 1e-9),
                "progress only goes forward: {seen:?}"
            );
            assert_eq!(outcome.progress.percent, 100.0);
        }
        keys.push(key);
    }
    // The bucket lists each through its manifest, newest first.
    let (listed, unreadable) = b.backups().await.unwrap();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let mut listed_keys: Vec<String> = listed.iter().map(|r| r.key.clone()).collect();
    listed_keys.sort();
    keys.sort();
    assert_eq!(listed_keys, keys);
    // Under the destination's prefix, and nothing half-written.
    let objects = g.cli(&["bucket", "info", tusk_testkit::garage::BUCKET]);
    assert!(objects.contains("Objects:"), "{objects}");
    assert_eq!(g.unfinished_uploads(), 0);
    // A plain zstd-less custom archive in the bucket is what stock pg_restore reads.
    let custom = &keys.iter().find(|k| k.ends_with(".backup")).unwrap();
    let fetched = fetch_backup(&b, custom, true, &CancelHandle::new(), &|_| {})
        .await
        .unwrap();
    let listed = std::process::Command::new(pg().bin("pg_restore"))
        .arg("-l")
        .arg(fetched.path())
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
}

#[tokio::test]
async fn a_cancelled_upload_leaves_no_object_and_no_pending_parts() {
    let g = Garage::start();
    let b = bucket(&g, "");
    // What a pending upload looks like to Garage, so that "none" means none.
    {
        use std::io::Write;
        let (mut sink, pending) = b.upload("pending", &CancelHandle::new()).await.unwrap();
        tokio::task::spawn_blocking(move || {
            sink.write_all(&[7u8; 1 << 20]).unwrap();
            tusk_engine::jobs::Sink::finish(Box::new(sink)).unwrap();
        })
        .await
        .unwrap();
        assert_eq!(
            g.unfinished_uploads(),
            1,
            "{}",
            g.cli(&["bucket", "info", "backups"])
        );
        pending.abort().await.unwrap();
        assert_eq!(g.unfinished_uploads(), 0);
        assert_eq!(b.keys("").await.unwrap(), vec![]);
    }
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    // ~120 MB of incompressible text: several parts.
    let db = pg().slow_db("cancel_upload", 160_000);
    let options = BackupOptions {
        compression: 0,
        compression_method: CompressionMethod::Gzip,
        ..Default::default()
    };
    let cancel = CancelHandle::new();
    let events = Events::default();
    // Cancelled once more than one part (16 MiB) has gone up.
    static PARTS_UP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let sink = |e: JobEvent| {
        if matches!(&e, JobEvent::Progress(p) if p.bytes_written > 20 << 20) {
            PARTS_UP.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        events.sink()(e);
    };
    let prepared = prepare_bucket_backup(&uuid(), &conn(&db), &options, &search(), b.clone())
        .await
        .unwrap();
    let running = run_recorded_backup(&c, prepared, meta(&db), &cancel, &sink);
    let outcome = while_running(running, &PARTS_UP, || cancel.cancel()).await;
    assert_eq!(outcome.status, JobStatus::Cancelled, "{outcome:#?}");
    assert!(outcome.location.is_none());
    assert_eq!(b.keys("").await.unwrap(), vec![], "no object left");
    assert_eq!(g.unfinished_uploads(), 0, "no pending multipart upload");
    assert!(b.backups().await.unwrap().0.is_empty());
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert!(record.copies.is_empty());
}

#[tokio::test]
async fn a_store_that_dies_mid_upload_fails_the_backup_plainly_and_the_next_one_works() {
    let mut g = Garage::start();
    let b = bucket(&g, "");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = pg().slow_db("store_dies", 160_000);
    let options = BackupOptions {
        compression: 0,
        compression_method: CompressionMethod::Gzip,
        ..Default::default()
    };
    let events = Events::default();
    let prepared = prepare_bucket_backup(&uuid(), &conn(&db), &options, &search(), b.clone())
        .await
        .unwrap();
    let cancel = CancelHandle::new();
    let sink = |e: JobEvent| {
        let stop = matches!(&e, JobEvent::Progress(p) if p.bytes_written > 12 << 20);
        events.sink()(e);
        if stop {
            STOP.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let running = run_recorded_backup(&c, prepared, meta(&db), &cancel, &sink);
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let outcome = while_running(running, &STOP, || g.stop()).await;
    assert_eq!(outcome.status, JobStatus::Failed, "{outcome:#?}");
    let error = outcome.error.clone().unwrap();
    assert!(
        error.summary.contains("uploading the backup to offsite:")
            && error.summary.contains("nothing answers at"),
        "{error:#?}"
    );
    assert!(error.hint.contains("No backup was kept"), "{error:#?}");
    g.restart_node(0);
    assert!(b.backups().await.unwrap().0.is_empty(), "nothing lists");
    // The next backup works.
    let small = sample_db("after_outage");
    let outcome = bucket_backup(
        &c,
        &small,
        &BackupOptions::default(),
        &b,
        &CancelHandle::new(),
        &Events::default(),
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(b.backups().await.unwrap().0.len(), 1);
}

#[tokio::test]
async fn one_node_of_three_lost_during_a_backup_does_not_stop_it() {
    let mut g = Garage::cluster(3);
    let b = bucket(&g, "");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = pg().slow_db("node_lost", 160_000);
    let expected = fingerprint(&db);
    let options = BackupOptions {
        compression: 0,
        compression_method: CompressionMethod::Gzip,
        ..Default::default()
    };
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let prepared = prepare_bucket_backup(&uuid(), &conn(&db), &options, &search(), b.clone())
        .await
        .unwrap();
    let cancel = CancelHandle::new();
    let sink = |e: JobEvent| {
        if matches!(&e, JobEvent::Progress(p) if p.bytes_written > 4 << 20) {
            STOP.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let running = run_recorded_backup(&c, prepared, meta(&db), &cancel, &sink);
    let outcome = while_running(running, &STOP, || g.stop_node(2)).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(restored_from(&b, &key_of(&outcome)).await, expected);
}

/// Runs `job`, doing `then` once `flag` is set while it runs; fails if the
/// job ended before (the test would not test what it says).
async fn while_running(
    job: impl std::future::Future<Output = JobOutcome>,
    flag: &std::sync::atomic::AtomicBool,
    then: impl FnOnce(),
) -> JobOutcome {
    tokio::pin!(job);
    let mut then = Some(then);
    loop {
        tokio::select! {
            outcome = &mut job => {
                assert!(then.is_none(), "the job ended before the moment it was to be disturbed: {outcome:#?}");
                return outcome;
            }
            _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    if let Some(then) = then.take() {
                        then();
                    }
                }
            }
        }
    }
}

fn storage_error(e: EngineError) -> String {
    match e {
        EngineError::Storage { message, detail } => format!("{message} [{detail}]"),
        other => panic!("not a storage error: {other:?}"),
    }
}

#[tokio::test]
async fn wrong_secret_missing_bucket_and_no_store_each_say_what_is_wrong() {
    let g = Garage::start();
    let db = sample_db("bad_dest");
    let try_with = |dest: tusk_engine::storage::S3Destination, secret: &str| {
        let mut creds = g.credentials();
        creds.secret_access_key = tusk_engine::Secret::new(secret);
        let db = db.clone();
        async move {
            let b = Arc::new(Bucket::open(&dest, &creds).unwrap());
            let test = b.test().await;
            let prepared =
                prepare_bucket_backup(&uuid(), &conn(&db), &BackupOptions::default(), &search(), b)
                    .await;
            (test, storage_error(prepared.err().expect("refused")))
        }
    };
    let wrong = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let (test, message) = try_with(g.destination("offsite", ""), wrong).await;
    assert!(message.contains("refused the access key"), "{message}");
    assert_eq!(
        test[0].failure,
        Some(StorageFailure::Credentials),
        "{test:?}"
    );
    assert!(!message.contains(wrong) && !format!("{test:?}").contains(wrong));

    let mut missing = g.destination("offsite", "");
    missing.bucket = "no-such-bucket".into();
    let (test, message) = try_with(missing, &g.secret).await;
    assert!(
        message.contains("the bucket `no-such-bucket` does not exist"),
        "{message}"
    );
    assert_eq!(test[0].failure, Some(StorageFailure::NoBucket), "{test:?}");

    let mut nowhere = g.destination("offsite", "");
    nowhere.endpoint = Some("http://127.0.0.1:9".into());
    let (test, message) = try_with(nowhere, &g.secret).await;
    assert!(
        message.contains("nothing answers at http://127.0.0.1:9"),
        "{message}"
    );
    assert_eq!(
        test[0].failure,
        Some(StorageFailure::Unreachable),
        "{test:?}"
    );

    let mut unknown_host = g.destination("offsite", "");
    unknown_host.endpoint = Some("http://no-such-host.invalid:3900".into());
    let (test, message) = try_with(unknown_host, &g.secret).await;
    assert!(message.contains("was not found (DNS)"), "{message}");
    assert_eq!(test[0].failure, Some(StorageFailure::Dns), "{test:?}");

    // TLS spoken to a store that speaks plain HTTP.
    let mut tls = g.destination("offsite", "");
    tls.endpoint = Some(g.endpoint().replace("http://", "https://"));
    let (test, message) = try_with(tls, &g.secret).await;
    assert!(
        message.contains("the secure (TLS) connection"),
        "{message} {test:?}"
    );
    assert_eq!(test[0].failure, Some(StorageFailure::Tls), "{test:?}");

    // A key that may read the bucket but not write to it.
    g.cli(&["key", "create", "reader"]);
    let reader = g.cli(&["key", "info", "reader", "--show-secret"]);
    g.cli(&[
        "bucket",
        "allow",
        "--read",
        tusk_testkit::garage::BUCKET,
        "--key",
        "reader",
    ]);
    let field = |name: &str| {
        reader
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap()
    };
    let mut read_only = g.destination("offsite", "");
    read_only.access_key_id = field("Key ID:");
    let secret = field("Secret key:");
    let b = Arc::new(
        Bucket::open(
            &read_only,
            &tusk_engine::storage::Credentials {
                access_key_id: read_only.access_key_id.clone(),
                secret_access_key: tusk_engine::Secret::new(secret),
            },
        )
        .unwrap(),
    );
    let steps = b.test().await;
    assert_eq!(
        steps[0].failure,
        Some(StorageFailure::Forbidden),
        "{steps:?}"
    );
    assert!(
        steps[0]
            .detail
            .contains("may not write in the bucket `backups`"),
        "{steps:?}"
    );

    // The right key passes every step of the test.
    let b = bucket(&g, "probe");
    let steps = b.test().await;
    assert!(steps.iter().all(|s| s.ok), "{steps:?}");
    assert_eq!(
        steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(),
        ["write", "read", "delete"]
    );
    assert_eq!(b.keys("").await.unwrap(), vec![], "the probe was deleted");
}

/// The store's clock three days off (libfaketime; Garage tolerates hours):
/// signed requests are refused as skewed, and the Test and the backup say
/// to set the clock.
#[tokio::test]
async fn a_store_whose_clock_is_off_says_to_set_the_clock() {
    let mut g = Garage::start();
    g.skew_clock(0, "+3d");
    let b = bucket(&g, "");
    let test = b.test().await;
    assert_eq!(test[0].failure, Some(StorageFailure::ClockSkew), "{test:?}");
    let db = pg().create_db("skewed");
    let prepared =
        prepare_bucket_backup(&uuid(), &conn(&db), &BackupOptions::default(), &search(), b).await;
    let message = storage_error(prepared.err().expect("refused"));
    assert!(
        message.contains("clock is too far from its own"),
        "{message}"
    );
}

#[tokio::test]
async fn two_machines_writing_to_one_bucket_see_each_others_backups() {
    let g = Garage::start();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (laptop, server) = (catalog(dir_a.path()), catalog(dir_b.path()));
    let (a, b) = (bucket(&g, "shared"), bucket(&g, "shared"));
    let db = sample_db("two_writers");
    let options = BackupOptions::default();
    // At the same moment, the same database: never the same key.
    let (cancel, events) = (CancelHandle::new(), Events::default());
    let (x, y) = tokio::join!(
        bucket_backup(&laptop, &db, &options, &a, &cancel, &events),
        bucket_backup(&server, &db, &options, &b, &cancel, &events)
    );
    assert_eq!(x.status, JobStatus::Completed, "{x:#?}");
    assert_eq!(y.status, JobStatus::Completed, "{y:#?}");
    assert_ne!(x.location, y.location);
    let (listed, _) = a.backups().await.unwrap();
    assert_eq!(listed.len(), 2);
    let ids: Vec<&str> = listed.iter().map(|r| r.record.id.as_str()).collect();
    assert!(ids.contains(&x.backup_id.as_deref().unwrap()));
    assert!(ids.contains(&y.backup_id.as_deref().unwrap()));
    // A manifest is never overwritten.
    let manifest = format!("{}.tusk.json", key_of(&x));
    let again = a.put_new(&manifest, b"{}".to_vec()).await.unwrap_err();
    assert_eq!(again.failure, StorageFailure::AlreadyExists, "{again:?}");
    assert!(a.backups().await.unwrap().1.is_empty(), "still readable");
}

#[tokio::test]
async fn a_local_backup_is_copied_to_the_bucket_checked_and_listed_where_it_is() {
    let g = Garage::start();
    let b = bucket(&g, "copies");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("copied");
    let expected = fingerprint(&db);
    let file = dir.path().join("copied.backup");
    let outcome = recorded_backup(&c, &db, file.clone()).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let id = outcome.backup_id.unwrap();
    let copied = tusk_engine::backup::remote::copy_to_bucket(&c, &id, &b, &CancelHandle::new())
        .await
        .unwrap();
    assert!(
        !copied.is_remote_only() && copied.file_exists,
        "the local file stays"
    );
    assert_eq!(copied.copies.len(), 1);
    assert_eq!(copied.copies[0].sha256, copied.sha256);
    let key = copied.copies[0].key.clone();
    let (listed, _) = b.backups().await.unwrap();
    assert_eq!(listed[0].key, key);
    assert_eq!(listed[0].record.id, id);
    assert_eq!(restored_from(&b, &key).await, expected);
    // Once per destination; a local file changed since it was made stays home.
    let again = tusk_engine::backup::remote::copy_to_bucket(&c, &id, &b, &CancelHandle::new())
        .await
        .unwrap_err();
    assert!(
        again.to_string().contains("is already in offsite"),
        "{again}"
    );
    let other = bucket(&g, "elsewhere");
    let renamed = Arc::new(
        Bucket::open(
            &tusk_engine::storage::S3Destination {
                name: "second".into(),
                ..other.destination().clone()
            },
            &g.credentials(),
        )
        .unwrap(),
    );
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let changed =
        tusk_engine::backup::remote::copy_to_bucket(&c, &id, &renamed, &CancelHandle::new())
            .await
            .unwrap_err();
    assert!(changed.to_string().contains("not copied"), "{changed}");
    assert_eq!(renamed.keys("").await.unwrap(), vec![]);
}

/// The runner's buckets: `offsite` only.
struct OneBucket(Arc<Bucket>);

impl tusk_engine::schedule::runner::Buckets for OneBucket {
    fn bucket(&self, name: &str) -> Result<Arc<Bucket>, EngineError> {
        if name == "offsite" {
            Ok(self.0.clone())
        } else {
            Err(EngineError::InvalidOptions(format!(
                "no destination named `{name}`"
            )))
        }
    }
}

/// One run of `s` now, with `offsite` as its only bucket.
async fn run_schedule(
    c: &tusk_engine::catalog::Catalog,
    b: &Arc<Bucket>,
    s: &tusk_engine::catalog::Schedule,
    passphrase: Option<&str>,
) -> tusk_engine::catalog::ScheduleRun {
    use tusk_engine::schedule::runner::{RunKind, Runner, SystemClock};
    let buckets = OneBucket(b.clone());
    let runner = Runner {
        catalog: c,
        search: &search(),
        clock: &SystemClock,
        password: &|_| None,
        bucket: &buckets,
        passphrase: &|| passphrase.map(tusk_engine::Secret::new),
        notify: &|_| {},
        channels: &tusk_engine::notify::NoChannels,
    };
    runner
        .run(s, RunKind::Now, &CancelHandle::new(), &|_| {})
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_schedule_copies_each_backup_offsite_and_retention_prunes_both() {
    use tusk_engine::catalog::retention::RetentionPolicy;
    use tusk_engine::catalog::{RunStatus, Schedule, Trigger};
    let g = Garage::start();
    let b = bucket(&g, "scheduled");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("sched_copies");
    let mut s = Schedule {
        id: uuid(),
        name: "offsite nightly".into(),
        source: source(&db),
        trigger: Trigger::Interval { every_secs: 3600 },
        destination: dir.path().join("scheduled"),
        copy_to: vec!["offsite".into()],
        options: BackupOptions {
            compression: 1,
            ..Default::default()
        },
        retention: RetentionPolicy {
            keep_last: Some(1),
            min_keep: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    c.save_schedule(&s).unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let run = run_schedule(&c, &b, &s, None).await;
        assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
        let record = c.require_backup(run.backup_id.as_ref().unwrap()).unwrap();
        assert_eq!(record.copies[0].destination, "offsite", "{record:#?}");
        ids.push(record.id);
    }
    // Retention kept one: the newest, here and in the bucket.
    let (listed, _) = b.backups().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].record.id, ids[1]);
    assert!(c.get_backup(&ids[0]).unwrap().is_none());
    // A destination it cannot reach fails the run, and keeps the backup.
    s.copy_to = vec!["elsewhere".into()];
    c.save_schedule(&s).unwrap();
    let run = run_schedule(&c, &b, &s, None).await;
    assert_eq!(run.status, RunStatus::Failed);
    let error = run.error.unwrap();
    assert!(
        error.contains("its copy to elsewhere failed: no destination named `elsewhere`"),
        "{error}"
    );
    assert!(
        c.require_backup(run.backup_id.as_ref().unwrap())
            .unwrap()
            .file_exists
    );
}

#[tokio::test]
async fn a_schedule_into_a_bucket_streams_there_and_retention_prunes_it_there() {
    use tusk_engine::catalog::retention::RetentionPolicy;
    use tusk_engine::catalog::{RunStatus, Schedule, Trigger};
    let g = Garage::start();
    let b = bucket(&g, "into");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("sched_into");
    let s = Schedule {
        id: uuid(),
        name: "into the bucket".into(),
        source: source(&db),
        trigger: Trigger::Interval { every_secs: 3600 },
        bucket: Some("offsite".into()),
        retention: RetentionPolicy {
            keep_last: Some(1),
            min_keep: 1,
            ..Default::default()
        },
        // Encrypted with the saved passphrase, and verified from the bucket.
        options: BackupOptions {
            encryption: tusk_engine::options::Encryption::Passphrase,
            ..Default::default()
        },
        verify_after: true,
        max_retries: 0,
        ..Default::default()
    };
    tusk_engine::schedule::prepare(&s).unwrap();
    c.save_schedule(&s).unwrap();
    // Without the passphrase saved, a run says what to do.
    let run = run_schedule(&c, &b, &s, None).await;
    assert_eq!(run.status, RunStatus::Failed);
    let why = run.error.unwrap();
    assert!(why.contains("none is saved"), "{why}");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let run = run_schedule(&c, &b, &s, Some("the saved passphrase")).await;
        assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
        let record = c.require_backup(run.backup_id.as_ref().unwrap()).unwrap();
        assert!(record.is_remote_only());
        assert!(record.location().ends_with(".age"), "{}", record.location());
        assert_eq!(
            record.verification.as_ref().map(|v| v.status),
            Some(tusk_engine::catalog::VerifyStatus::Passed),
            "verified from the bucket"
        );
        ids.push(record.id);
    }
    let (listed, _) = b.backups().await.unwrap();
    assert_eq!(listed.len(), 1, "retention pruned the bucket");
    assert_eq!(listed[0].record.id, ids[1]);
    assert!(c.get_backup(&ids[0]).unwrap().is_none());
    let keys: Vec<String> = b
        .keys("")
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys.len(),
        3,
        "one backup, its .sha256 and manifest: {keys:?}"
    );
}

#[tokio::test]
async fn a_streamed_backup_that_does_not_match_its_checksum_never_finishes_a_restore() {
    let g = Garage::start();
    let b = bucket(&g, "tusk/laptop");
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("swapped");
    let options = BackupOptions {
        format: BackupFormat::Custom,
        compression_method: CompressionMethod::Gzip,
        compression: 6,
        ..Default::default()
    };
    let events = Events::default();
    let first = bucket_backup(&c, &db, &options, &b, &CancelHandle::new(), &events).await;
    pg().psql(
        &db,
        "INSERT INTO shop.customers (name) VALUES ('not in the first backup')",
    );
    let second = bucket_backup(&c, &db, &options, &b, &CancelHandle::new(), &events).await;
    let (first, second) = (key_of(&first), key_of(&second));
    // The first backup's object replaced by the second's, a valid archive
    // of the same database: only its checksum tells.
    let other = std::fs::read(
        fetch_backup(&b, &second, true, &CancelHandle::new(), &|_| {})
            .await
            .unwrap()
            .path(),
    )
    .unwrap();
    b.delete(&first).await.unwrap();
    b.put_new(&first, other).await.unwrap();

    // Into a new database: it is removed again.
    let target = "swapped_new";
    let (outcome, _) = streamed_restore(
        &b,
        &first,
        target,
        RestoreOptions {
            create_database: true,
            single_transaction: Some(false),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Failed, "{outcome:#?}");
    let error = outcome.error.unwrap();
    assert!(
        error
            .summary
            .contains("does not match the SHA-256 recorded beside it"),
        "{error:?}"
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.contains("was removed again")),
        "{:?}",
        outcome.warnings
    );
    let exists = pg().psql(
        "postgres",
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{target}'"),
    );
    assert_eq!(exists.trim(), "0");

    // Into an existing database, in one transaction: nothing stays.
    let existing = pg().create_db("swapped_existing");
    let (outcome, _) =
        streamed_restore(&b, &first, &existing, RestoreOptions::default(), None).await;
    assert_eq!(outcome.status, JobStatus::Failed, "{outcome:#?}");
    assert!(outcome
        .error
        .unwrap()
        .summary
        .contains("does not match the SHA-256"));
    let tables = pg().psql(
        &existing,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(tables.trim(), "0", "the transaction was rolled back");

    // What cannot be read in order from a stream is downloaded first.
    let parallel = RestoreOptions {
        input_path: b.location(&second).into(),
        jobs: 2,
        single_transaction: Some(false),
        ..Default::default()
    };
    match open_stream(&b, &second, &parallel, true, None)
        .await
        .unwrap()
    {
        Streamable::Download { why, .. } => assert!(why.contains("parallel"), "{why}"),
        Streamable::Streamed(_) => panic!("a parallel restore must not stream"),
    }
}
