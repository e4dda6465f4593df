//! Bad input gets a specific error, and nothing is lost or left behind.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use tusk_engine::explain::FailureKind;
use tusk_engine::{
    BackupFormat, BackupOptions, ConnectionSpec, EngineError, JobStatus, RestoreOptions, Secret,
    ToolSearch,
};

async fn backup_error(
    db_conn: &ConnectionSpec,
    options: BackupOptions,
    search: &ToolSearch,
) -> EngineError {
    match tusk_engine::prepare_backup(&uuid(), db_conn, &options, search).await {
        Ok(_) => panic!("expected the backup to be refused: {options:?}"),
        Err(e) => e,
    }
}

async fn restore_error(db_conn: &ConnectionSpec, options: RestoreOptions) -> EngineError {
    match tusk_engine::prepare_restore(&uuid(), db_conn, &options, &search()).await {
        Ok(_) => panic!("expected the restore to be refused: {options:?}"),
        Err(e) => e,
    }
}

fn to(dir: &Path, name: &str) -> BackupOptions {
    BackupOptions {
        output_path: dir.join(name),
        ..Default::default()
    }
}

fn restore_of(path: &Path) -> RestoreOptions {
    RestoreOptions {
        input_path: path.to_path_buf(),
        target_database: Some("never_created".into()),
        create_database: true,
        ..Default::default()
    }
}

fn assert_contains(e: &EngineError, needle: &str) {
    assert!(
        e.to_string().contains(needle),
        "expected `{needle}` in: {e}"
    );
}

fn assert_connection(e: &EngineError, kind_words: &str) {
    match e {
        EngineError::Connection { summary, .. } => {
            assert!(summary.contains(kind_words), "{summary}")
        }
        other => panic!("expected a connection error, got {other:?}"),
    }
}

async fn good_backup(dir: &Path) -> std::path::PathBuf {
    backed_up(&sample_db("good"), to(dir, "good.backup")).await
}

#[tokio::test]
async fn broken_archives_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_backup(dir.path()).await;
    let bytes = std::fs::read(&good).unwrap();

    let truncated = dir.path().join("truncated.backup");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let e = restore_error(&conn("postgres"), restore_of(&truncated)).await;
    assert_contains(&e, "truncated or damaged");

    // The same archive in a zstd stream (the fast preset's file), cut, and
    // a zstd file that holds no archive.
    let packed = zstd::stream::encode_all(bytes.as_slice(), 1).unwrap();
    let cut_zstd = dir.path().join("cut.backup.zst");
    std::fs::write(&cut_zstd, &packed[..packed.len() / 2]).unwrap();
    let e = restore_error(&conn("postgres"), restore_of(&cut_zstd)).await;
    assert_contains(&e, "cut off");
    let zstd_text = dir.path().join("notes.sql.zst");
    std::fs::write(
        &zstd_text,
        zstd::stream::encode_all(&b"SELECT 1;\n"[..], 1).unwrap(),
    )
    .unwrap();
    assert_contains(
        &restore_error(&conn("postgres"), restore_of(&zstd_text)).await,
        "a zstd-compressed SQL script; decompress it (zstd -d)",
    );

    let random = dir.path().join("random.backup");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&random, noise).unwrap();
    assert_contains(
        &restore_error(&conn("postgres"), restore_of(&random)).await,
        "is not a PostgreSQL backup",
    );

    let empty = dir.path().join("empty.backup");
    std::fs::write(&empty, b"").unwrap();
    assert_contains(
        &restore_error(&conn("postgres"), restore_of(&empty)).await,
        "is empty (0 bytes)",
    );

    let text = dir.path().join("notes.sql");
    std::fs::write(&text, "hello, this is a shopping list\nmilk\neggs\n").unwrap();
    assert_contains(
        &restore_error(&conn("postgres"), restore_of(&text)).await,
        "is not a PostgreSQL backup",
    );

    let missing = dir.path().join("missing.backup");
    assert_contains(
        &restore_error(&conn("postgres"), restore_of(&missing)).await,
        "no such file",
    );

    // Every input file is untouched.
    assert_eq!(std::fs::read(&good).unwrap(), bytes);
    assert_eq!(
        std::fs::metadata(&truncated).unwrap().len() as usize,
        bytes.len() / 2
    );
}

#[tokio::test]
async fn bad_connections_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg().create_db("conn");

    let mut wrong_password = conn(&db);
    wrong_password.user = Some(tusk_testkit::PASSWORD_ROLE.into());
    wrong_password.password = Some(Secret::new("not-the-password"));
    let e = backup_error(&wrong_password, to(dir.path(), "a.backup"), &search()).await;
    assert_connection(&e, "rejected the password");

    let mut no_password = conn(&db);
    no_password.user = Some(tusk_testkit::PASSWORD_ROLE.into());
    let e = backup_error(&no_password, to(dir.path(), "a.backup"), &search()).await;
    assert_connection(&e, "none was given");

    let e = backup_error(
        &conn("no_such_database"),
        to(dir.path(), "a.backup"),
        &search(),
    )
    .await;
    assert_connection(&e, "\"no_such_database\" does not exist");

    let unreachable = ConnectionSpec {
        host: Some("127.0.0.1".into()),
        port: Some(1),
        database: Some("x".into()),
        ..Default::default()
    };
    let e = backup_error(&unreachable, to(dir.path(), "a.backup"), &search()).await;
    assert_connection(&e, "Nothing is listening");

    let e = ConnectionSpec::from_url("postgres://host/db?sslmode=maybe").unwrap_err();
    assert_contains(&e, "sslmode `maybe`");

    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file was written"
    );
}

#[tokio::test]
async fn bad_destinations_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg().create_db("dest");
    let c = conn(&db);

    let e = backup_error(&c, to(Path::new("/sys"), "x.backup"), &search()).await;
    assert_contains(&e, "cannot write to the folder /sys");

    let e = backup_error(&c, to(&dir.path().join("nope"), "x.backup"), &search()).await;
    assert_contains(&e, "does not exist");

    let existing = dir.path().join("precious.backup");
    std::fs::write(&existing, b"keep me").unwrap();
    let e = backup_error(&c, to(dir.path(), "precious.backup"), &search()).await;
    assert_contains(&e, "already exists");
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let folder = dir.path().join("full");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("other.txt"), b"mine").unwrap();
    let options = BackupOptions {
        format: BackupFormat::Directory,
        output_path: folder.clone(),
        ..Default::default()
    };
    assert_contains(&backup_error(&c, options, &search()).await, "is not empty");
    assert_eq!(std::fs::read(folder.join("other.txt")).unwrap(), b"mine");
}

fn tools_folder(with_pg_dump: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(pg().bin("psql"), dir.path().join("psql")).unwrap();
    if let Some(version) = with_pg_dump {
        let script = dir.path().join("pg_dump");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n"),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[tokio::test]
async fn missing_or_too_old_pg_dump_is_caught_before_starting() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg().create_db("tools");
    let none = tools_folder(None);
    let e = backup_error(
        &conn(&db),
        to(dir.path(), "a.backup"),
        &ToolSearch::folder(none.path()),
    )
    .await;
    assert_contains(&e, "pg_dump was not found");

    let old = tools_folder(Some("9.6.24"));
    let e = backup_error(
        &conn(&db),
        to(dir.path(), "a.backup"),
        &ToolSearch::folder(old.path()),
    )
    .await;
    let expected = format!(
        "this server is PostgreSQL {}; pg_dump 9.6.24 found at {}",
        pg().major(),
        old.path().join("pg_dump").display()
    );
    assert_contains(&e, &expected);
    assert_contains(&e, &format!("install postgresql-client-{}", pg().major()));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn restore_targets_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_backup(dir.path()).await;
    let existing = pg().create_db("exists");

    let options = RestoreOptions {
        input_path: good.clone(),
        target_database: Some(existing.clone()),
        create_database: true,
        ..Default::default()
    };
    assert_contains(
        &restore_error(&conn("postgres"), options).await,
        "already exists",
    );

    let options = RestoreOptions {
        input_path: good.clone(),
        target_database: Some("not_there".into()),
        ..Default::default()
    };
    match restore_error(&conn("postgres"), options).await {
        EngineError::Connection { hint, .. } => {
            assert!(hint.contains("turn on \"create database\""), "{hint}")
        }
        other => panic!("{other:?}"),
    }

    let options = RestoreOptions {
        tables: Some(vec!["shop.nonexistent".into()]),
        ..restore_of(&good)
    };
    assert_contains(
        &restore_error(&conn("postgres"), options).await,
        "nonexistent",
    );

    let options = RestoreOptions {
        schemas: Some(vec!["nowhere".into()]),
        ..restore_of(&good)
    };
    assert_contains(
        &restore_error(&conn("postgres"), options).await,
        "\"nowhere\" are not in this backup",
    );
    assert_eq!(
        pg().psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname = 'never_created'"
        ),
        "0"
    );
}

#[tokio::test]
async fn failing_dump_leaves_no_file_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg().create_db("denied");
    pg().psql(
        &db,
        "CREATE TABLE secret (x int); INSERT INTO secret VALUES (1);",
    );
    pg().psql("postgres", "DO $$ BEGIN CREATE ROLE tusk_limited LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    let mut limited = conn(&db);
    limited.user = Some("tusk_limited".into());
    let events = Events::default();
    let prepared =
        tusk_engine::prepare_backup(&uuid(), &limited, &to(dir.path(), "d.backup"), &search())
            .await
            .unwrap();
    let outcome = prepared
        .run(&tusk_engine::CancelHandle::new(), &events.sink())
        .await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let error = outcome.error.expect("explained");
    assert_eq!(error.kind, FailureKind::PermissionDenied, "{error:?}");
    assert!(
        error.summary.contains("permission denied for table secret"),
        "{}",
        error.summary
    );
    assert!(outcome
        .errors
        .iter()
        .any(|l| l.contains("permission denied")));
    assert_eq!(outcome.exit_code, Some(1));
    assert_eq!(events.finished().len(), 1);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );
}

#[tokio::test]
async fn refused_extra_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for extra in [
        vec!["-f", "/tmp/elsewhere"],
        vec!["--dbname=other"],
        vec!["-hevil"],
        vec!["otherdb"],
        vec!["--port", "1"],
    ] {
        let options = BackupOptions {
            extra_args: extra.iter().map(|s| s.to_string()).collect(),
            ..to(dir.path(), "x.backup")
        };
        let e = backup_error(&conn("postgres"), options, &search()).await;
        assert!(
            matches!(e, EngineError::InvalidOptions(_)),
            "{extra:?}: {e}"
        );
    }
}

/// A tools folder whose pg_dump claims success but writes `content` (a fake:
/// it proves the engine's judgement of results, not pg_dump's work).
fn lying_pg_dump(content: &str) -> tempfile::TempDir {
    let dir = tools_folder(None);
    let script = dir.path().join("pg_dump");
    let body = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) {}.0'; exit 0; fi\n\
         while [ $# -gt 0 ]; do if [ \"$1\" = -f ]; then out=\"$2\"; fi; shift; done\n\
         printf '%s' '{content}' > \"$out\"\nexit 0\n",
        pg().major()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[tokio::test]
async fn empty_or_unreadable_result_is_a_failure() {
    let db = pg().create_db("liar");
    for content in ["", "PGDMP garbage"] {
        let dir = tempfile::tempdir().unwrap();
        let tools = lying_pg_dump(content);
        let prepared = tusk_engine::prepare_backup(
            &uuid(),
            &conn(&db),
            &to(dir.path(), "l.backup"),
            &ToolSearch::folder(tools.path()),
        )
        .await
        .unwrap();
        let events = Events::default();
        let outcome = prepared
            .run(&tusk_engine::CancelHandle::new(), &events.sink())
            .await;
        assert_eq!(outcome.status, JobStatus::Failed, "{content:?}");
        assert_eq!(outcome.exit_code, Some(0));
        let summary = outcome.error.unwrap().summary;
        assert!(
            summary.contains("reported success but its output is not a valid backup"),
            "{summary}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing that looks like a backup"
        );
    }
}

/// A zstd backup unpacks while the new database is created: when the
/// database cannot be created, that is the error, and nothing is left.
#[tokio::test]
async fn a_restore_that_cannot_create_its_database_says_so_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db("nocreate");
    let mut options = BackupOptions::default();
    tusk_engine::BackupPreset::Fast.apply(&mut options);
    options.output_path = dir.path().join("n.backup.zst");
    let (made, _) = backup(&db, options.clone()).await;
    assert_eq!(made.status, JobStatus::Completed, "{:?}", made.error);
    pg().psql("postgres", "DO $$ BEGIN CREATE ROLE tusk_limited LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    let mut limited = conn("postgres");
    limited.user = Some("tusk_limited".into());
    let restore = RestoreOptions {
        input_path: options.output_path.clone(),
        target_database: Some(format!("{db}_copy")),
        create_database: true,
        ..Default::default()
    };
    let prepared = tusk_engine::prepare_restore(&uuid(), &limited, &restore, &search())
        .await
        .expect("the pre-flight does not know the role cannot create databases");
    let events = Events::default();
    let outcome = prepared
        .run(&tusk_engine::CancelHandle::new(), &events.sink())
        .await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let error = outcome.error.expect("explained");
    assert!(
        error
            .summary
            .contains("permission denied to create database"),
        "{error:?}"
    );
    assert!(error.hint.contains("Nothing was restored"), "{error:?}");
    assert_eq!(events.finished().len(), 1);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "the backup only, no unpacked copy: {left:?}");
}
