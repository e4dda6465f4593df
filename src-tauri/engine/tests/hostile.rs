//! What an attacker, or plain bad luck, can hand Tusk: database names that
//! look like connection strings, scripts that do more than SQL, backups cut
//! short by a faulty tool, tables locked by another session, servers that
//! never answer. None of it may cost data or report success falsely.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tusk_engine::catalog::VerifyStatus;
use tusk_engine::restore::guarded::prepare_guarded_restore;
use tusk_engine::{
    BackupFormat, BackupOptions, CancelHandle, ConnectionSpec, EngineError, JobStatus,
    RestoreOptions, ToolSearch,
};

async fn restored_into(name: &str, input: &Path) -> (tusk_engine::JobOutcome, Events) {
    restore(
        &conn("postgres"),
        RestoreOptions {
            input_path: input.to_path_buf(),
            target_database: Some(name.to_string()),
            create_database: true,
            ..Default::default()
        },
    )
    .await
}

/// Names PostgreSQL accepts reach every tool as names: never read as a
/// connection string (which would connect elsewhere, or send the password
/// to another host), whatever they hold.
#[tokio::test]
async fn hostile_database_names_are_backed_up_restored_verified_and_swapped() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let source = pg().create_named_db("src = 'q' \"dq\" ü");
    pg().psql(&source, SAMPLE_SQL);
    let original = fingerprint(&source);
    // A database the names below point at, were they read as connection strings.
    let victim = pg().create_db("victim");
    pg().psql(
        &victim,
        "CREATE TABLE untouched (x int); INSERT INTO untouched VALUES (1)",
    );
    let victim_before = fingerprint(&victim);

    for (format, name) in [
        (BackupFormat::Custom, format!("postgresql:///{victim}")),
        (
            BackupFormat::Plain,
            format!("dbname={victim} host=elsewhere"),
        ),
    ] {
        let output = dir
            .path()
            .join(format!("hostile.{}", format.default_extension()));
        let options = BackupOptions {
            output_path: output.clone(),
            format,
            compression: 0,
            ..Default::default()
        };
        let outcome = recorded_backup_with(&c, &source, &options).await;
        assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
        let info = tusk_engine::get_backup_info(&output).unwrap();
        if format != BackupFormat::Plain {
            assert_eq!(info.database.as_deref(), Some(source.as_str()));
        }

        let (restored, _) = restored_into(&name, &output).await;
        assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
        assert_eq!(fingerprint(&name), original, "restored into {name:?}");
        assert_eq!(fingerprint(&victim), victim_before, "{victim} untouched");

        // The test restore runs from the hostile-named database.
        let verified = verify(&c, outcome.backup_id.as_deref().unwrap(), Some(&source)).await;
        assert_eq!(verified.status, VerifyStatus::Passed, "{verified:#?}");
        assert!(verified.restored_on.is_some());
    }

    // A swap renames through the maintenance database, by these names too.
    let target = format!("postgresql:///{victim}");
    pg().psql(&target, "DELETE FROM shop.orders");
    let options = RestoreOptions {
        input_path: dir.path().join("hostile.backup"),
        swap: true,
        ..Default::default()
    };
    let guarded = prepare_guarded_restore(&uuid(), &conn(&target), &options, &search(), None)
        .await
        .unwrap();
    let outcome = guarded.run(None, &CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{:?}", outcome.error);
    assert_eq!(fingerprint(&target), original);
    assert_eq!(fingerprint(&victim), victim_before, "{victim} untouched");
}

fn write_script(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn preflight_error(e: Result<tusk_engine::PreparedRestore, EngineError>) -> String {
    match e {
        Ok(_) => panic!("expected the restore to be refused"),
        Err(EngineError::Preflight(why)) => why,
        Err(other) => panic!("expected a pre-flight refusal, got {other:?}"),
    }
}

/// A plain script made with `pg_dump --create --clean` drops and recreates
/// its own database: run as it is, it drops a database the user did not
/// choose. It is refused before anything runs, saying which lines do it.
#[tokio::test]
async fn a_script_that_switches_database_is_refused_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let source = sample_db("createclean");
    let before = fingerprint(&source);
    let script = dir.path().join("create_clean.sql");
    let dumped = std::process::Command::new(pg().bin("pg_dump"))
        .args(pg().conn_args(&source))
        .args(["--create", "--clean", "-Fp", "-f"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(dumped.status.success(), "{dumped:?}");
    let target = format!("new_{}", std::process::id());
    let options = RestoreOptions {
        input_path: script,
        target_database: Some(target.clone()),
        create_database: true,
        single_transaction: Some(false),
        ..Default::default()
    };
    let why = preflight_error(
        tusk_engine::prepare_restore(&uuid(), &conn("postgres"), &options, &search()).await,
    );
    assert!(why.contains("works on databases of its own"), "{why}");
    assert!(why.contains(&format!("DROP DATABASE {source}")), "{why}");
    assert!(why.contains("\\connect"), "{why}");
    assert!(why.contains("line "), "{why}");
    assert_eq!(
        fingerprint(&source),
        before,
        "the source database untouched"
    );
    assert!(pg()
        .try_psql(&target, "SELECT 1")
        .unwrap_err()
        .contains("does not exist"));
}

/// `\!` and `\copy … program` run commands on this machine; pg_dump never
/// writes them. Refused unless allowed for this restore; with the user's
/// word, run.
#[tokio::test]
async fn psql_commands_in_a_script_run_only_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let script = write_script(
        dir.path(),
        "commands.sql",
        &format!(
            "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1); \\! touch '{}'\n",
            marker.display()
        ),
    );
    let target = pg().create_db("psqlcmd");
    let mut options = RestoreOptions {
        input_path: script.clone(),
        ..Default::default()
    };
    let why = preflight_error(
        tusk_engine::prepare_restore(&uuid(), &conn(&target), &options, &search()).await,
    );
    assert!(why.contains("line 2: \\! touch"), "{why}");
    assert!(why.contains("--allow-psql-commands"), "{why}");
    assert!(!marker.exists());
    assert_eq!(
        pg().psql(
            &target,
            "SELECT count(*) FROM pg_tables WHERE tablename = 't'"
        ),
        "0"
    );

    let copy = write_script(
        dir.path(),
        "copy.sql",
        "SELECT 1;\n\\copy (SELECT 1) TO PROGRAM 'id'\n",
    );
    let why = preflight_error(
        tusk_engine::prepare_restore(
            &uuid(),
            &conn(&target),
            &RestoreOptions {
                input_path: copy,
                ..Default::default()
            },
            &search(),
        )
        .await,
    );
    assert!(
        why.contains("line 2: \\copy (SELECT 1) TO PROGRAM"),
        "{why}"
    );

    options.allow_script_commands = true;
    let (outcome, _) = restore(&conn(&target), options).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert!(marker.exists(), "allowed, the script ran as written");
}

/// psql goes on after a failed statement and exits 0: the restore must not
/// say "completed" while statements failed.
#[tokio::test]
async fn a_plain_restore_with_failed_statements_ends_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let script = write_script(
        dir.path(),
        "errors.sql",
        "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nSELECT 1/0;\nINSERT INTO t VALUES (2);\n",
    );
    let target = pg().create_db("plainerr");
    let outcome = restore_going_on(&target, script).await;
    assert_eq!(
        outcome.status,
        JobStatus::CompletedWithWarnings,
        "{outcome:#?}"
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.contains("1 statement(s)")),
        "{:?}",
        outcome.warnings
    );
    assert!(
        outcome
            .errors
            .iter()
            .any(|e| e.contains("division by zero")),
        "{:?}",
        outcome.errors
    );
    assert_eq!(pg().psql(&target, "SELECT count(*) FROM t"), "2");
}

/// A pg_dump that exits 0 after its data files were cut short (a faulty
/// wrapper, a full disk it did not notice): the real pg_dump's output,
/// with its largest data file cut in half.
fn cutting_pg_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(pg().bin("psql"), dir.path().join("psql")).unwrap();
    let script = dir.path().join("pg_dump");
    let body = format!(
        "#!/bin/sh\nreal='{}'\n\
         if [ \"$1\" = --version ]; then exec \"$real\" --version; fi\n\
         \"$real\" \"$@\" || exit $?\n\
         prev=''; for a in \"$@\"; do [ \"$prev\" = -f ] && out=\"$a\"; prev=\"$a\"; done\n\
         f=$(ls -S \"$out\"/*.dat* | head -n 1)\n\
         truncate -s $(( $(stat -c %s \"$f\") / 2 )) \"$f\"\n",
        pg().bin("pg_dump").display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[tokio::test]
async fn a_directory_backup_with_a_cut_data_file_is_not_kept() {
    let source = sample_db("cutdir");
    let tools = cutting_pg_dump();
    for compression in [0, 6] {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("cut");
        let options = BackupOptions {
            output_path: output.clone(),
            format: BackupFormat::Directory,
            compression,
            jobs: 2,
            ..Default::default()
        };
        let prepared = tusk_engine::prepare_backup(
            &uuid(),
            &conn(&source),
            &options,
            &ToolSearch::folder(tools.path()),
        )
        .await
        .unwrap();
        let outcome = prepared.run(&CancelHandle::new(), &|_| {}).await;
        assert_eq!(
            outcome.status,
            JobStatus::Failed,
            "-Z{compression}: {outcome:#?}"
        );
        let error = outcome.error.unwrap();
        assert!(
            error.summary.contains("is cut off") && error.summary.contains("table shop.orders"),
            "-Z{compression}: {}",
            error.summary
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "-Z{compression}: nothing kept: {left:?}");
    }
}

/// A parent table's own rows are what its TABLE DATA holds; its children's
/// rows are counted as theirs.
#[tokio::test]
async fn verify_counts_a_parent_tables_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = pg().create_db("inherit");
    pg().psql(
        &db,
        "CREATE SCHEMA app; CREATE TABLE app.car (id int, name text); \
         CREATE TABLE app.sports_car (top_speed int) INHERITS (app.car); \
         INSERT INTO app.car VALUES (1, 'a'), (2, 'b'); \
         INSERT INTO app.sports_car VALUES (3, 'c', 300)",
    );
    let outcome = recorded_backup(&c, &db, dir.path().join("inherit.backup")).await;
    assert_eq!(outcome.status, JobStatus::Completed);
    let verified = verify(&c, outcome.backup_id.as_deref().unwrap(), Some(&db)).await;
    assert_eq!(verified.status, VerifyStatus::Passed, "{verified:#?}");
    let car = verified.tables.iter().find(|t| t.name == "car").unwrap();
    assert_eq!((car.expected, car.restored), (Some(2), Some(2)));
}

/// Another session holds a table locked: Tusk's own questions give up after
/// their lock timeout and name the table and the session, instead of
/// waiting forever; a database-level statement_timeout does not cut them.
#[tokio::test]
async fn a_locked_table_is_named_instead_of_waited_for_forever() {
    let db = pg().create_db("locked");
    pg().psql(
        &db,
        &format!(
            "CREATE TABLE \"Locked T\" (a int); CREATE TABLE free (a int); \
             ALTER DATABASE \"{db}\" SET statement_timeout = '1ms'"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (outcome, _) = backup(
        &db,
        BackupOptions {
            output_path: dir.path().join("before.backup"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");

    let mut holder = std::process::Command::new(pg().bin("psql"))
        .args(pg().conn_args(&db))
        .args([
            "-X",
            "-c",
            "SET statement_timeout = 0",
            "-c",
            "BEGIN; LOCK TABLE \"Locked T\" IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let locked = "SET statement_timeout = 0; SELECT count(*) FROM pg_locks \
                  WHERE mode = 'AccessExclusiveLock' AND relation = '\"Locked T\"'::regclass";
    while pg().psql(&db, locked) != "1" {
        assert!(Instant::now() < deadline, "the lock was never taken");
        std::thread::sleep(Duration::from_millis(100));
    }
    let started = Instant::now();
    let options = BackupOptions {
        output_path: dir.path().join("locked.backup"),
        ..Default::default()
    };
    let err = tusk_engine::prepare_backup(&uuid(), &conn(&db), &options, &search()).await;
    let _ = holder.kill();
    let _ = holder.wait();
    let waited = started.elapsed();
    let Err(EngineError::Connection { summary, .. }) = err else {
        panic!("expected the lock to be named, got {:?}", err.map(|_| ()));
    };
    assert!(
        summary.contains("public.\"Locked T\" (locked by session"),
        "{summary}"
    );
    assert!(waited < Duration::from_secs(30), "waited {waited:?}");
}

/// A server that accepts the connection and never answers: every tool and
/// probe gives up after the connect timeout.
#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let spec = ConnectionSpec {
        host: Some("127.0.0.1".into()),
        port: Some(port),
        database: Some("postgres".into()),
        user: Some("postgres".into()),
        connect_timeout: Some(2),
        ..Default::default()
    };
    let started = Instant::now();
    let err = tusk_engine::test_connection(&spec, &search())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("did not answer in time"), "{err}");
    drop(listener);
}

/// One restore per database: while another restore into it runs (here
/// claimed by this very process, which is alive), a second is refused
/// before it touches anything.
#[tokio::test]
async fn a_second_restore_into_the_same_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("claim");
    let path = dir.path().join("claim.backup");
    recorded_backup(&c, &db, path.clone()).await;
    let before = fingerprint(&db);
    let spec = conn(&db);
    c.begin_restore(&tusk_engine::catalog::NewRestore {
        id: uuid(),
        host: spec.host.clone(),
        port: spec.port,
        target: db.clone(),
        database: db.clone(),
        connection_id: None,
        options: RestoreOptions::default(),
        at_risk: true,
        created_database: false,
    })
    .unwrap();
    let options = RestoreOptions {
        input_path: path,
        clean: true,
        ..Default::default()
    };
    let guarded = prepare_guarded_restore(&uuid(), &spec, &options, &search(), Some(&c))
        .await
        .unwrap();
    let outcome = guarded.run(Some(&c), &CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let why = outcome.error.unwrap().summary;
    assert!(
        why.contains(&format!("another restore into \"{db}\"")),
        "{why}"
    );
    assert_eq!(fingerprint(&db), before, "nothing was touched");
    assert!(outcome.safety_backup.is_none(), "not even a safety backup");
}

/// The history names every database and backup: its folder and files are
/// this user's only, as are the safety backups' folder.
#[test]
fn the_catalog_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("new").join("tusk");
    let path = folder.join("catalog.db");
    let c = tusk_engine::catalog::Catalog::open(&path).unwrap().0;
    c.backup_self().unwrap();
    drop(c);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    for file in std::fs::read_dir(&folder).unwrap().filter_map(Result::ok) {
        assert_eq!(mode(&file.path()), 0o600, "{}", file.path().display());
    }
}

/// A manifest anyone could have written: what it describes becomes a
/// record (that retention may delete, that a restore trusts) only when the
/// file reads as a backup of the format claimed and matches its checksum.
#[tokio::test]
async fn an_import_trusts_files_not_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("lying_import");
    let made = dir.path().join("made");
    std::fs::create_dir_all(&made).unwrap();
    recorded_backup(&c, &db, made.join("real.backup")).await;
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(made.join("real.backup.tusk.json")).unwrap())
            .unwrap();
    let folder = dir.path().join("incoming");
    std::fs::create_dir_all(&folder).unwrap();
    let lie = |name: &str, content: &[u8], edit: &dyn Fn(&mut serde_json::Value)| {
        std::fs::write(folder.join(name), content).unwrap();
        let mut m = manifest.clone();
        m["fileName"] = name.into();
        m["record"]["id"] = uuid().into();
        edit(&mut m);
        std::fs::write(
            folder.join(format!("{name}.tusk.json")),
            serde_json::to_vec(&m).unwrap(),
        )
        .unwrap();
    };
    let real = std::fs::read(made.join("real.backup")).unwrap();
    lie("notes.backup", b"just some notes, not a backup\n", &|_| {});
    let mut changed = real.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 1;
    lie("changed.backup", &changed, &|_| {});
    lie("plain.backup", &real, &|m| {
        m["record"]["format"] = "plain".into()
    });
    lie("unsummed.backup", &real, &|m| {
        m["record"]["sha256"] = serde_json::Value::Null
    });
    lie("good.backup", &real, &|_| {});

    let other = tusk_engine::catalog::Catalog::open(&dir.path().join("other.db"))
        .unwrap()
        .0;
    let report = other.import_folder(&folder, false).unwrap();
    assert_eq!(report.imported.len(), 1, "{report:#?}");
    let skipped = report.skipped.join("\n");
    for (file, why) in [
        ("notes.backup", "not a readable backup"),
        ("changed.backup", "changed after it was made"),
        ("plain.backup", "calls it a Plain SQL (.sql) backup"),
        ("unsummed.backup", "records no checksum"),
    ] {
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.contains(file) && s.contains(why)),
            "{file}: {why}\n{skipped}"
        );
    }
}

fn failure_of(outcome: &tusk_engine::JobOutcome) -> tusk_engine::explain::Explanation {
    assert_eq!(outcome.status, JobStatus::Failed, "{outcome:#?}");
    outcome.error.clone().expect("a reason")
}

/// Each failure is explained by the line that caused it, in words that
/// name the real problem.
#[tokio::test]
async fn failures_are_explained_by_their_cause() {
    use tusk_engine::explain::FailureKind;
    let dir = tempfile::tempdir().unwrap();
    let source = sample_db("why");

    // Data only, into an empty database: the backup holds no schema.
    let data_only = backed_up(
        &source,
        BackupOptions {
            output_path: dir.path().join("data_only.backup"),
            include_schema: false,
            ..Default::default()
        },
    )
    .await;
    let empty = pg().create_db("why_empty");
    let (outcome, _) = restore(
        &conn(&empty),
        RestoreOptions {
            input_path: data_only,
            ..Default::default()
        },
    )
    .await;
    let why = failure_of(&outcome);
    assert_eq!(why.kind, FailureKind::MissingObject);
    assert!(
        why.summary.contains("holds data only, no schema"),
        "{}",
        why.summary
    );

    // A read-only target names the setting.
    let full = backed_up(
        &source,
        BackupOptions {
            output_path: dir.path().join("full.backup"),
            ..Default::default()
        },
    )
    .await;
    let read_only = pg().create_db("why_ro");
    pg().psql(
        "postgres",
        &format!("ALTER DATABASE \"{read_only}\" SET default_transaction_read_only = on"),
    );
    let (outcome, _) = restore(
        &conn(&read_only),
        RestoreOptions {
            input_path: full.clone(),
            ..Default::default()
        },
    )
    .await;
    let why = failure_of(&outcome);
    assert_eq!(why.kind, FailureKind::ReadOnly, "{why:?}");
    assert!(why.summary.contains("default_transaction_read_only"));

    // Bytes that are not UTF-8: the encoding is the cause, not the role
    // the garbled text names after it.
    let script = dir.path().join("latin1.sql");
    let mut text = b"CREATE TABLE t (a text);\nINSERT INTO t VALUES ('M".to_vec();
    text.extend_from_slice(&[0xfc]);
    text.extend_from_slice(b"ller');\nALTER TABLE t OWNER TO \"; \xc3\xbc\";\n");
    std::fs::write(&script, text).unwrap();
    let target = pg().create_db("why_enc");
    let outcome = restore_going_on(&target, script).await;
    assert_eq!(
        outcome.status,
        JobStatus::CompletedWithWarnings,
        "{outcome:#?}"
    );
    let failed = tusk_engine::explain::explain(&outcome.errors);
    assert_eq!(failed.kind, FailureKind::Encoding, "{failed:?}");

    // A directory backup missing a data file: the file, not a socket.
    let folder = backed_up(
        &source,
        BackupOptions {
            output_path: dir.path().join("folder"),
            format: BackupFormat::Directory,
            ..Default::default()
        },
    )
    .await;
    let biggest = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dat.gz"))
        .max_by_key(|e| e.metadata().unwrap().len())
        .unwrap()
        .path();
    std::fs::remove_file(&biggest).unwrap();
    let target = pg().create_db("why_dir");
    let err = tusk_engine::prepare_restore(
        &uuid(),
        &conn(&target),
        &RestoreOptions {
            input_path: folder,
            ..Default::default()
        },
        &search(),
    )
    .await
    .err()
    .expect("refused");
    assert!(err.to_string().contains("is missing"), "{err}");
    assert!(!err.to_string().contains("socket"), "{err}");
}

/// A folder path whose parent is a file is named for what it is.
#[tokio::test]
async fn an_output_folder_that_is_a_file_is_named_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = tusk_engine::prepare_backup(
        &uuid(),
        &conn("postgres"),
        &BackupOptions {
            output_path: file.join("shop.backup"),
            ..Default::default()
        },
        &search(),
    )
    .await
    .err()
    .expect("refused");
    assert!(err.to_string().contains("is a file, not a folder"), "{err}");
}

/// Names exactly as the user sees them: dots, capitals, quotes, spaces and
/// wildcard characters mean themselves, for backup and restore alike; one
/// table-of-contents entry brings its schema when the target lacks it.
#[tokio::test]
async fn exact_table_names_select_exactly_those_tables() {
    let db = pg().create_db("exact");
    pg().psql(
        &db,
        "CREATE SCHEMA \"Sales Dept\"; \
         CREATE TABLE \"Sales Dept\".\"Order.Items \"\"x\"\"\" (a int); INSERT INTO \"Sales Dept\".\"Order.Items \"\"x\"\"\" VALUES (1), (2); \
         CREATE TABLE \"Sales Dept\".\" lead*\" (a int); INSERT INTO \"Sales Dept\".\" lead*\" VALUES (3); \
         CREATE TABLE public.\"Caps\" (a int); CREATE TABLE public.other (a int);",
    );
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("exact.backup");
    let (outcome, _) = backup(
        &db,
        BackupOptions {
            output_path: output.clone(),
            tables: Some(vec![
                "Sales Dept.Order.Items \"x\"".into(),
                "Sales Dept. lead*".into(),
                "public.Caps".into(),
            ]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let info = tusk_engine::get_backup_info(&output).unwrap();
    assert_eq!(
        table_names(&info),
        [
            "Sales Dept. lead*",
            "Sales Dept.Order.Items \"x\"",
            "public.Caps"
        ]
    );

    // Restored by its name as shown, into a database without its schema,
    // from a backup of the whole database (one made with -t holds no schema).
    let output = backed_up(
        &db,
        BackupOptions {
            output_path: dir.path().join("whole.backup"),
            ..Default::default()
        },
    )
    .await;
    let info = tusk_engine::get_backup_info(&output).unwrap();
    let target = pg().create_db("exact_one");
    let (restored, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: output.clone(),
            tables: Some(vec!["Sales Dept.Order.Items \"x\"".into()]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
    assert_eq!(
        pg().psql(
            &target,
            "SELECT count(*) FROM \"Sales Dept\".\"Order.Items \"\"x\"\"\""
        ),
        "2"
    );

    // One entry by id: its schema comes along.
    let entry = info
        .entries
        .iter()
        .find(|e| e.kind == "TABLE" && e.name == " lead*")
        .unwrap()
        .id;
    let target = pg().create_db("exact_entry");
    let (restored, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: output,
            toc_entries: Some(vec![entry]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
    assert_eq!(
        pg().psql(
            &target,
            "SELECT count(*) FROM pg_tables WHERE tablename = ' lead*'"
        ),
        "1"
    );
}
