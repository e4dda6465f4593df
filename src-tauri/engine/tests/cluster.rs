//! Whole servers on real PostgreSQL: a server with roles (memberships,
//! settings, a hostile name, an owner of objects), a tablespace and three
//! databases (one with a hostile name) backed up as one recorded backup,
//! restored onto a second, fresh server of a newer major and compared —
//! every database, owner, grant, setting and role; one database failing
//! mid-backup leaves the others complete and the job honest; a
//! non-superuser's globals leave the passwords out and say why.

mod common;

use common::versions::fingerprint;
use common::{catalog, uuid, Events};
use std::time::{Duration, Instant};
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::catalog::{BackupReason, BackupStatus, PartKind, Source, VerifyStatus};
use tusk_engine::cluster::backup::prepare_server_backup;
use tusk_engine::cluster::globals::prepare_globals_backup;
use tusk_engine::cluster::restore::{prepare_server_restore, ServerRestoreRequest};
use tusk_engine::options::{BackupScope, ServerOptions};
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{BackupOptions, CancelHandle, EngineError, JobStatus};
use tusk_testkit::{versions, PgServer};

const HOSTILE_DB: &str = "Db 'quote' \"dq\" = ünï";
const HOSTILE_ROLE: &str = "Ops \"team\" =1";

/// Roles, a tablespace in `ts_dir`, and three databases.
fn populate(pg: &PgServer, ts_dir: &std::path::Path) {
    pg.psql(
        "postgres",
        &format!(
            "CREATE ROLE app_owner LOGIN PASSWORD 'app-pw'; \
             CREATE ROLE readers NOLOGIN; \
             GRANT readers TO app_owner; \
             ALTER ROLE app_owner SET work_mem = '8MB'; \
             CREATE ROLE \"{}\" LOGIN;",
            HOSTILE_ROLE.replace('"', "\"\""),
        ),
    );
    pg.psql(
        "postgres",
        &format!(
            "CREATE TABLESPACE ts1 OWNER app_owner LOCATION '{}'",
            ts_dir.display()
        ),
    );
    pg.psql("postgres", "CREATE DATABASE shop OWNER app_owner");
    pg.psql(
        "postgres",
        "ALTER DATABASE shop SET search_path = public, sales",
    );
    pg.psql(
        "shop",
        "SET ROLE app_owner; CREATE SCHEMA sales; \
         CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric, note text) TABLESPACE ts1; \
         INSERT INTO sales.orders SELECT i, i * 1.5, 'order ☃ ' || i FROM generate_series(1, 3000) i; \
         GRANT USAGE ON SCHEMA sales TO readers; GRANT SELECT ON sales.orders TO readers;",
    );
    pg.psql("postgres", "CREATE DATABASE crm");
    pg.psql(
        "crm",
        "CREATE TABLE contacts (id int, name text); \
         INSERT INTO contacts SELECT i, 'c' || i FROM generate_series(1, 500) i;",
    );
    pg.psql(
        "postgres",
        &format!(
            "CREATE DATABASE \"{}\" OWNER \"{}\"",
            HOSTILE_DB.replace('"', "\"\""),
            HOSTILE_ROLE.replace('"', "\"\"")
        ),
    );
    pg.psql(
        HOSTILE_DB,
        &format!(
            "SET ROLE \"{}\"; CREATE TABLE \"T = 1\" (v text); \
             INSERT INTO \"T = 1\" SELECT 'v' || i FROM generate_series(1, 200) i;",
            HOSTILE_ROLE.replace('"', "\"\"")
        ),
    );
}

/// What a server's roles, databases and grants look like, to compare two.
fn roles_and_owners(pg: &PgServer) -> String {
    let mut out = pg.psql(
        "postgres",
        "SELECT string_agg(format('%s login=%s super=%s config=%s', rolname, rolcanlogin, rolsuper, rolconfig), E'\\n' ORDER BY rolname) \
         FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname NOT IN ('postgres', 'tusk_pw')",
    );
    out += "\n";
    out += &pg.psql(
        "postgres",
        "SELECT string_agg(format('%s member of %s', m.rolname, r.rolname), E'\\n' ORDER BY 1) \
         FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member",
    );
    out += "\n";
    out += &pg.psql(
        "postgres",
        "SELECT string_agg(format('%s owner=%s', datname, pg_get_userbyid(datdba)), E'\\n' ORDER BY datname) \
         FROM pg_database WHERE NOT datistemplate",
    );
    out += "\n";
    out += &pg.psql(
        "postgres",
        "SELECT string_agg(format('%s %s', coalesce(d.datname, '-'), s.setconfig), E'\\n' ORDER BY 1) \
         FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase",
    );
    out += "\n";
    out += &pg.psql(
        "shop",
        "SELECT format('orders owner=%s tablespace=%s readers_select=%s', tableowner, tablespace, \
         has_table_privilege('readers', 'sales.orders', 'SELECT')) FROM pg_tables WHERE tablename = 'orders'",
    );
    out
}

fn server_options(output: std::path::PathBuf) -> BackupOptions {
    BackupOptions {
        output_path: output,
        scope: BackupScope::Server,
        compression: 1,
        server: ServerOptions {
            parallel: 2,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn meta(pg: &PgServer) -> RecordMeta {
    RecordMeta {
        name: None,
        description: None,
        source: Source::of(&pg.spec("postgres"), None, Some("Source server")),
        reason: BackupReason::Manual,
        schedule_id: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_server_is_backed_up_and_rebuilt_on_a_fresh_server() {
    let source = PgServer::start_major(16);
    let ts_dir = source.socket_dir().join("tablespace one");
    std::fs::create_dir(&ts_dir).unwrap();
    chown_like(&ts_dir, source.socket_dir());
    populate(&source, &ts_dir);
    let search = versions::matrix_tools();
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());

    // The plan lists every database, templates left out.
    let output = dir.path().join("whole server");
    let options = server_options(output.clone());
    let prepared = prepare_server_backup(&uuid(), &source.spec("postgres"), &options, &search)
        .await
        .unwrap();
    let plan = prepared.plan();
    let chosen: Vec<&str> = plan
        .databases
        .iter()
        .filter(|d| d.chosen)
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(chosen, [HOSTILE_DB, "crm", "postgres", "shop"], "{plan:#?}");
    assert!(plan
        .databases
        .iter()
        .any(|d| d.name == "template1" && d.left_out_because.as_deref() == Some("a template")));

    let events = Events::default();
    let outcome = run_recorded_backup(
        &c,
        prepared,
        meta(&source),
        &CancelHandle::new(),
        &events.sink(),
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(events.finished().len(), 1, "exactly one terminal event");
    let percents: Vec<f64> = events.progress().iter().map(|p| p.percent).collect();
    assert!(
        percents.windows(2).all(|w| w[1] >= w[0] - 1e-9),
        "the bar over the whole server never goes back: {percents:?}"
    );
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(record.status, BackupStatus::Completed);
    assert!(
        record.name.starts_with("whole server Source server"),
        "{}",
        record.name
    );
    assert_eq!(record.path, output);
    assert!(record.sha256.is_some());
    assert_eq!(record.parts.len(), 5, "{:#?}", record.parts);
    for part in &record.parts {
        assert_eq!(part.status, BackupStatus::Completed, "{part:#?}");
        let sum = part.sha256.as_deref().expect("each part has its checksum");
        let file = output.join(&part.file);
        let beside = std::fs::read_to_string(format!("{}.sha256", file.display())).unwrap();
        assert!(beside.starts_with(sum), "{beside}");
    }
    let globals = &record.parts[0];
    assert_eq!(globals.kind, PartKind::Globals);
    for role in ["app_owner", "readers", HOSTILE_ROLE] {
        assert!(
            globals.roles.iter().any(|r| r == role),
            "{:?}",
            globals.roles
        );
    }
    let script = std::fs::read_to_string(output.join("globals.sql")).unwrap();
    assert!(
        script.contains("PASSWORD 'SCRAM-SHA-256"),
        "a superuser's globals keep the passwords"
    );
    // Nothing half-written is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tusk-partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Verified: the roles script complete, every database test-restored.
    let verification = verify_backup(
        &c,
        VerifyRequest {
            id: uuid(),
            backup: record.clone(),
            restore_on: Some(source.spec("postgres")),
            search: &search,
            decrypt: None,
        },
        &CancelHandle::new(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        verification.status,
        VerifyStatus::Passed,
        "{verification:#?}"
    );
    let names: Vec<&str> = verification
        .checks
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "checksum".to_string(),
            "globals".into(),
            format!("database \"{HOSTILE_DB}\""),
            "database \"crm\"".into(),
            "database \"postgres\"".into(),
            "database \"shop\"".into()
        ]
    );
    let orders = verification
        .tables
        .iter()
        .find(|t| t.schema == "shop: sales" && t.name == "orders")
        .expect("shop's orders counted");
    assert_eq!((orders.expected, orders.restored), (Some(3000), Some(3000)));
    assert_eq!(
        source.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'tusk_verify%'"
        ),
        "0",
        "every scratch database is dropped"
    );
    // A single-database restore of the folder says what it is.
    let err = tusk_engine::prepare_restore(
        &uuid(),
        &source.spec("postgres"),
        &tusk_engine::RestoreOptions {
            input_path: record.path.clone(),
            ..Default::default()
        },
        &search,
    )
    .await
    .map(|_| ())
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("is a whole-server backup: restore it as a server"),
        "{err}"
    );

    // A fresh server of a newer major: the whole server back.
    let target = PgServer::start_major(18);
    let expected = roles_and_owners(&source);
    let request = ServerRestoreRequest {
        backup: record.path.clone(),
        jobs: 2,
        ..Default::default()
    };
    let prepared = prepare_server_restore(&uuid(), &target.spec("postgres"), &request, &search)
        .await
        .unwrap();
    assert_eq!(
        prepared.plan.existing_roles,
        ["postgres", "tusk_pw"],
        "the harness makes tusk_pw on every server"
    );
    let into_existing: Vec<&str> = prepared
        .plan
        .databases
        .iter()
        .filter(|d| d.into_existing)
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        into_existing,
        ["postgres"],
        "a fresh server's empty postgres is restored into"
    );
    let events = Events::default();
    let restored = prepared.run(&CancelHandle::new(), &events.sink()).await;
    assert_eq!(
        restored.status,
        JobStatus::CompletedWithWarnings,
        "{restored:#?}"
    );
    assert!(
        restored.warnings.iter().any(|w| w
            .contains("already existed on this server and were left as they are")
            && w.contains("postgres")),
        "{:#?}",
        restored.warnings
    );
    assert_eq!(roles_and_owners(&target), expected);
    for db in ["shop", "crm", HOSTILE_DB] {
        assert_eq!(fingerprint(&target, db), fingerprint(&source, db), "{db}");
    }
    assert_eq!(
        target.psql(
            "postgres",
            "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = 'ts1'"
        ),
        ts_dir.display().to_string()
    );
    // The role's password came back with it.
    let hash = |pg: &PgServer| {
        pg.psql(
            "postgres",
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'app_owner'",
        )
    };
    assert_eq!(hash(&target), hash(&source));

    // Once more onto the same server: refused before anything is touched.
    let again = prepare_server_restore(&uuid(), &target.spec("postgres"), &request, &search).await;
    let Err(EngineError::Preflight(why)) = again else {
        panic!("expected a refusal, got {:?}", again.map(|p| p.plan));
    };
    assert!(
        why.contains("\"shop\" (1 tables)") && why.contains("nothing was restored"),
        "{why}"
    );

    // One database out of it, by name, and a name it does not hold.
    let third = PgServer::start_major(18);
    let one = ServerRestoreRequest {
        databases: Some(vec![HOSTILE_DB.to_string()]),
        ..request.clone()
    };
    let prepared = prepare_server_restore(&uuid(), &third.spec("postgres"), &one, &search)
        .await
        .unwrap();
    assert_eq!(prepared.plan.databases.len(), 1);
    let outcome = prepared.run(&CancelHandle::new(), &|_| {}).await;
    assert!(
        matches!(
            outcome.status,
            JobStatus::Completed | JobStatus::CompletedWithWarnings
        ),
        "{outcome:#?}"
    );
    assert_eq!(
        fingerprint(&third, HOSTILE_DB),
        fingerprint(&source, HOSTILE_DB)
    );
    assert_eq!(
        third.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname = 'shop'"
        ),
        "0"
    );
    let unknown = ServerRestoreRequest {
        databases: Some(vec!["nope".into()]),
        ..request.clone()
    };
    let err = prepare_server_restore(&uuid(), &third.spec("postgres"), &unknown, &search)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("has no database \"nope\": it holds"),
        "{err}"
    );

    // A part changed on disk is caught by its checksum, before anything.
    let part = output.join(&record.parts[2].file);
    let mut bytes = std::fs::read(&part).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    std::fs::write(&part, bytes).unwrap();
    let fourth = PgServer::start_major(18);
    let err = prepare_server_restore(&uuid(), &fourth.spec("postgres"), &request, &search)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(
        err.to_string().contains("does not match its checksum"),
        "{err}"
    );
    assert_eq!(
        fourth.psql(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname = 'app_owner'"
        ),
        "0",
        "nothing was touched"
    );
    drop((fourth, third, target));
}

/// A database that cannot be backed up (a table locked past the lock
/// timeout) is named; the others are complete and the backup is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_fails_leaves_the_others_complete() {
    let pg = PgServer::start_major(16);
    for db in ["alpha", "beta"] {
        pg.psql("postgres", &format!("CREATE DATABASE {db}"));
        pg.psql(
            db,
            "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100);",
        );
    }
    let mut holder = std::process::Command::new(pg.bin("psql"))
        .args(pg.conn_args("beta"))
        .args([
            "-X",
            "-c",
            "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while pg.psql("beta", "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND relation = 't'::regclass") != "1" {
        assert!(Instant::now() < deadline, "the lock was never taken");
        std::thread::sleep(Duration::from_millis(100));
    }
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let options = BackupOptions {
        lock_wait_timeout: 1,
        server: ServerOptions {
            include_databases: vec!["alpha".into(), "beta".into()],
            ..Default::default()
        },
        ..server_options(dir.path().join("two"))
    };
    let search = versions::matrix_tools();
    let prepared = prepare_server_backup(&uuid(), &pg.spec("postgres"), &options, &search)
        .await
        .unwrap();
    let outcome = run_recorded_backup(&c, prepared, meta(&pg), &CancelHandle::new(), &|_| {}).await;
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(
        outcome.status,
        JobStatus::CompletedWithWarnings,
        "{outcome:#?}"
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.starts_with("1 of 2 databases failed") && w.contains("\"beta\"")),
        "{:#?}",
        outcome.warnings
    );
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(record.status, BackupStatus::CompletedWithWarnings);
    let status = |name: &str| record.parts.iter().find(|p| p.name == name).unwrap().status;
    assert_eq!(status("alpha"), BackupStatus::Completed);
    assert_eq!(status("beta"), BackupStatus::Failed);
    let files: Vec<String> = std::fs::read_dir(&record.path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("beta") || f.contains("tusk-partial")),
        "no file of the failed database looks like a backup: {files:?}"
    );
}

/// A user who may not read pg_authid: the globals are backed up without
/// the passwords, and the backup says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn globals_of_a_non_superuser_leave_the_passwords_out_and_say_why() {
    let pg = PgServer::start_major(16);
    pg.psql(
        "postgres",
        "CREATE ROLE plain_user LOGIN CREATEROLE; CREATE ROLE other LOGIN PASSWORD 'other-pw';",
    );
    let dir = tempfile::tempdir().unwrap();
    let conn = tusk_engine::ConnectionSpec {
        user: Some("plain_user".into()),
        ..pg.spec("postgres")
    };
    let options = BackupOptions {
        output_path: dir.path().join("roles.sql"),
        scope: BackupScope::Globals,
        ..Default::default()
    };
    let prepared = prepare_globals_backup(&uuid(), &conn, &options, &versions::matrix_tools())
        .await
        .unwrap();
    assert!(prepared.dump.no_role_passwords);
    assert!(prepared.command_display().contains("--no-role-passwords"));
    let c = catalog(dir.path());
    let outcome = run_recorded_backup(&c, prepared, meta(&pg), &CancelHandle::new(), &|_| {}).await;
    assert_eq!(
        outcome.status,
        JobStatus::CompletedWithWarnings,
        "{outcome:#?}"
    );
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert!(
        record.name.starts_with("roles and tablespaces"),
        "{}",
        record.name
    );
    let parts = record.parts.clone();
    assert!(
        outcome.warnings[0].contains("\"plain_user\" may not read pg_authid"),
        "{:?}",
        outcome.warnings
    );
    let script = std::fs::read_to_string(dir.path().join("roles.sql")).unwrap();
    assert!(
        script.contains("CREATE ROLE other;") && !script.contains("PASSWORD"),
        "{script}"
    );
    assert!(parts[0].roles.iter().any(|r| r == "other"));
    // Verified: its checksum, and the script complete with its roles.
    let verification = verify_backup(
        &c,
        VerifyRequest {
            id: uuid(),
            backup: record,
            restore_on: None,
            search: &versions::matrix_tools(),
            decrypt: None,
        },
        &CancelHandle::new(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        verification.status,
        VerifyStatus::Passed,
        "{verification:#?}"
    );
    assert!(verification
        .checks
        .iter()
        .any(|c| c.name == "globals" && c.detail.contains("other")));
}

/// The tablespace folder owned like the server's own folder (the server
/// runs as `postgres` when the tests run as root).
fn chown_like(path: &std::path::Path, like: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(like).unwrap();
    std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid())).unwrap();
}

struct FakeClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl tusk_engine::schedule::runner::Clock for FakeClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
}

/// A schedule of whole-server backups: each run a verified folder in the
/// destination; retention removes a whole server backup at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_backs_up_the_whole_server_and_retention_keeps_whole_backups() {
    use chrono::{Duration as Span, Utc};
    use tusk_engine::catalog::retention::RetentionPolicy;
    use tusk_engine::catalog::{NotifyOn, RunStatus, Schedule, Trigger};
    use tusk_engine::schedule::runner::Runner;
    let pg = PgServer::start_major(16);
    pg.psql("postgres", "CREATE DATABASE alpha");
    pg.psql(
        "alpha",
        "CREATE TABLE t AS SELECT generate_series(1, 50) id",
    );
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let dest = dir.path().join("nightly");
    let t0 = Utc::now();
    let s = Schedule {
        id: uuid(),
        name: "whole server".into(),
        source: Source::of(&pg.spec("postgres"), None, Some("Source server")),
        trigger: Trigger::Interval { every_secs: 3600 },
        destination: dest.clone(),
        options: BackupOptions {
            scope: BackupScope::Server,
            compression: 1,
            server: ServerOptions {
                include_databases: vec!["alpha".into()],
                ..Default::default()
            },
            ..Default::default()
        },
        retention: RetentionPolicy {
            keep_last: Some(1),
            min_keep: 1,
            ..Default::default()
        },
        verify_after: true,
        max_retries: 0,
        retry_delay_secs: 0,
        notify: NotifyOn::Never,
        created_at: t0 - Span::hours(1),
        next_run_at: Some(t0),
        ..Default::default()
    };
    c.save_schedule(&s).unwrap();
    let clock = FakeClock(std::sync::Mutex::new(t0 + Span::seconds(1)));
    let search = versions::matrix_tools();
    let no_bucket =
        |name: &str| -> Result<std::sync::Arc<tusk_engine::storage::Bucket>, EngineError> {
            Err(EngineError::InvalidOptions(format!("no bucket {name}")))
        };
    let runner = Runner {
        catalog: &c,
        search: &search,
        clock: &clock,
        password: &|_| None,
        bucket: &no_bucket,
        passphrase: &|| None,
        notify: &|_| {},
        channels: &tusk_engine::notify::NoChannels,
    };
    let first = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(
        first[0].status,
        RunStatus::Succeeded,
        "{:?}",
        first[0].error
    );
    let one = c
        .require_backup(first[0].backup_id.as_ref().unwrap())
        .unwrap();
    assert!(one.path.starts_with(&dest) && one.path.join("tusk-server.json").is_file());
    assert_eq!(one.parts.len(), 2, "{:#?}", one.parts);
    assert_eq!(
        one.verification.as_ref().map(|v| v.status),
        Some(VerifyStatus::Passed)
    );
    *clock.0.lock().unwrap() = t0 + Span::hours(2);
    let second = runner.run_due(&CancelHandle::new()).await;
    assert_eq!(
        second[0].status,
        RunStatus::Succeeded,
        "{:?}",
        second[0].error
    );
    assert_eq!(second[0].pruned, 1);
    assert!(
        !one.path.exists(),
        "the older server backup is gone, folder and all"
    );
    let left: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left.len(),
        3,
        "one folder with its .sha256 and .tusk.json: {left:?}"
    );
}

/// Cancelled while a database is being dumped: the job says so, and
/// nothing that looks like a backup is left (no folder, no partial).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_server_backup_leaves_nothing() {
    let pg = PgServer::start_major(16);
    pg.psql("postgres", "CREATE DATABASE big");
    pg.psql(
        "big",
        "CREATE TABLE t AS SELECT i, md5(i::text) || md5((i + 1)::text) AS v FROM generate_series(1, 500000) i",
    );
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let options = BackupOptions {
        compression: 9,
        server: ServerOptions {
            include_databases: vec!["big".into()],
            ..Default::default()
        },
        ..server_options(dir.path().join("cancelled"))
    };
    let search = versions::matrix_tools();
    let prepared = prepare_server_backup(&uuid(), &pg.spec("postgres"), &options, &search)
        .await
        .unwrap();
    let cancel = CancelHandle::new();
    let events = Events::default();
    let cancelling = cancel.clone();
    let sink = |e: tusk_engine::JobEvent| {
        // Once the database's rows are being dumped, cancel.
        if let tusk_engine::JobEvent::Progress(p) = &e {
            if p.current_object
                .as_deref()
                .is_some_and(|o| o.starts_with("big:"))
            {
                cancelling.cancel();
            }
        }
        events.sink()(e)
    };
    let outcome = run_recorded_backup(&c, prepared, meta(&pg), &cancel, &sink).await;
    assert_eq!(outcome.status, JobStatus::Cancelled, "{outcome:#?}");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("catalog.db"))
        .collect();
    assert!(left.is_empty(), "nothing is left: {left:?}");
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap_or(&outcome.job_id))
        .unwrap();
    assert_eq!(record.status, BackupStatus::Cancelled);
}
