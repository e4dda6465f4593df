//! Cancellation, progress and credentials of real jobs.

mod common;

use common::*;
use std::time::{Duration, Instant};
use tusk_engine::{BackupFormat, BackupOptions, CancelHandle, JobEvent, JobStatus, Phase, Secret};
use tusk_testkit::processes_mentioning;

#[tokio::test]
async fn cancel_mid_dump_of_parallel_directory_backup() {
    // Two ~60 MB tables of poorly compressible text, dumped at -Z 9: seconds of work.
    let db = pg().slow_db("slow", 80000);
    pg().psql(&db, "CREATE TABLE b AS SELECT * FROM a; ANALYZE;");
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("slow_dir");
    let options = BackupOptions {
        output_path: output.clone(),
        format: BackupFormat::Directory,
        compression: 9,
        jobs: 2,
        ..Default::default()
    };
    let events = Events::default();
    let prepared = tusk_engine::prepare_backup(&uuid(), &conn(&db), &options, &search())
        .await
        .unwrap();
    let cancel = CancelHandle::new();
    // Percent × 10 reached so far.
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watcher = {
        let cancel = cancel.clone();
        let needle = dir.path().display().to_string();
        let reached = reached.clone();
        tokio::spawn(async move {
            // Wait until the leader and both workers copy data and the
            // progress has moved (however loaded the machine is).
            let deadline = Instant::now() + Duration::from_secs(30);
            while (processes_mentioning(&needle).len() < 3
                || reached.load(std::sync::atomic::Ordering::Relaxed) < 60)
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let running = processes_mentioning(&needle).len();
            cancel.cancel();
            (Instant::now(), running)
        })
    };
    let sink = events.sink();
    let record = |e: JobEvent| {
        if let JobEvent::Progress(p) = &e {
            reached.fetch_max(
                (p.percent * 10.0) as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        sink(e)
    };
    let outcome = prepared.run(&cancel, &record).await;
    let (cancelled_at, running) = watcher.await.unwrap();
    assert!(
        running >= 3,
        "pg_dump and two workers were running ({running})"
    );
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(2),
        "ended within 2 s: {:?}",
        cancelled_at.elapsed()
    );
    assert_eq!(outcome.status, JobStatus::Cancelled);
    assert_eq!(events.finished().len(), 1);
    // The portable platform layer stops the tool, not its workers: they
    // end by themselves once their leader is gone.
    let grace = if cfg!(feature = "portable") { 15 } else { 0 };
    let deadline = Instant::now() + Duration::from_secs(grace);
    while !processes_mentioning(&dir.path().display().to_string()).is_empty()
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        processes_mentioning(&dir.path().display().to_string()).is_empty(),
        "no pg_dump left"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial output left"
    );
    let progress: Vec<f64> = events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress(p) => Some(p.percent),
            _ => None,
        })
        .collect();
    assert!(
        progress.iter().any(|p| *p > 5.0),
        "progress moved before cancel: {progress:?}"
    );
}

#[tokio::test]
async fn progress_is_weighted_coalesced_and_ordered() {
    let db = sample_db("prog");
    pg().psql(&db, "CREATE TABLE big AS SELECT i, md5(i::text) AS m FROM generate_series(1, 300000) i; ANALYZE big;");
    let dir = tempfile::tempdir().unwrap();
    let (outcome, events) = backup(
        &db,
        BackupOptions {
            output_path: dir.path().join("p.backup"),
            compression: 9,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed);
    let all = events.0.lock().unwrap().clone();
    assert!(
        matches!(all.last(), Some(JobEvent::Finished(_))),
        "terminal event last"
    );
    let progress: Vec<_> = all
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(
        progress.windows(2).all(|w| w[0].percent <= w[1].percent),
        "never backwards"
    );
    let per_second = progress.len() as f64 / (outcome.duration_ms.max(1) as f64 / 1000.0);
    assert!(per_second <= 21.0, "{per_second} reports per second");
    assert!(progress
        .iter()
        .any(|p| p.phase == Phase::Data && p.current_object.as_deref() == Some("public.big")));
    assert_eq!(outcome.progress.objects_total, Some(5));
    assert_eq!(outcome.progress.objects_completed, 5);
    assert!(outcome.progress.bytes_written > 0);
}

#[tokio::test]
async fn password_never_reaches_argv_or_output() {
    let db = sample_db("secret");
    let mut c = conn(&db);
    c.user = Some(tusk_testkit::PASSWORD_ROLE.into());
    c.password = Some(Secret::new(tusk_testkit::PASSWORD));
    let dir = tempfile::tempdir().unwrap();
    let options = BackupOptions {
        output_path: dir.path().join("s.backup"),
        compression: 9,
        ..Default::default()
    };
    let events = Events::default();
    let prepared = tusk_engine::prepare_backup(&uuid(), &c, &options, &search())
        .await
        .unwrap();
    let display = prepared.command_display();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spy = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen_children = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let pg_dumps = processes_mentioning("pg_dump");
                seen_children += pg_dumps.len();
                assert!(
                    processes_mentioning(tusk_testkit::PASSWORD).is_empty(),
                    "password in a command line"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            seen_children
        })
    };
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(spy.join().unwrap() > 0, "the spy saw pg_dump running");
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let everything = format!(
        "{display}\n{}\n{}",
        events.all_json(),
        serde_json::to_string(&outcome).unwrap()
    );
    assert!(!everything.contains(tusk_testkit::PASSWORD));
    assert!(
        display.contains("PGPASSFILE=<temporary password file>"),
        "{display}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("tusk-pgpass-"))
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .contains("Pa55")
        })
        .collect();
    assert!(leftovers.is_empty(), "password file removed");
}
