//! pgAdmin's Backup and Restore options, each proven by its effect on a
//! real dump or restore (the test server's PostgreSQL 15).

mod common;

use common::*;
use tusk_engine::options::{DumpSection, InsertMode};
use tusk_engine::{BackupFormat, BackupOptions, JobStatus, RestoreOptions};

const SQL: &str = r#"
CREATE SCHEMA keep;
CREATE SCHEMA "left out";
CREATE TABLE keep.t (id int PRIMARY KEY, f float8, body text COMPRESSION pglz);
CREATE TABLE "left out".gone (id int);
INSERT INTO keep.t SELECT i, i / 7.0, 'row ' || i FROM generate_series(1, 50) i;
INSERT INTO "left out".gone VALUES (1);
COMMENT ON TABLE keep.t IS 'a commented table';
CREATE FUNCTION keep.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION keep.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_trg BEFORE INSERT ON keep.t FOR EACH ROW EXECUTE FUNCTION keep.trg();
CREATE PUBLICATION everything FOR ALL TABLES;
ALTER TABLE keep.t ENABLE ROW LEVEL SECURITY;
"#;

fn db() -> String {
    let db = pg().create_db("pgadmin");
    pg().psql(&db, SQL);
    db
}

/// A plain backup of `db` with `options`; its text.
async fn script(db: &str, options: BackupOptions) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sql");
    let (outcome, _) = backup(
        db,
        BackupOptions {
            output_path: path.clone(),
            format: BackupFormat::Plain,
            compression: 0,
            ..options
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test]
async fn backup_options_change_the_dump() {
    let db = db();
    let default = script(&db, BackupOptions::default()).await;
    assert!(default.contains("\"left out\".gone"));
    assert!(default.contains("AS $$"));
    assert!(default.contains("COPY keep.t"));
    assert!(default.contains("SET COMPRESSION pglz"), "{default}");

    let excluded = script(
        &db,
        BackupOptions {
            exclude_schemas: vec!["left out".into()],
            ..Default::default()
        },
    )
    .await;
    assert!(!excluded.contains("gone"), "schema left out");
    assert!(excluded.contains("CREATE TABLE keep.t"));

    let s = script(
        &db,
        BackupOptions {
            use_set_session_authorization: true,
            quote_all_identifiers: true,
            disable_dollar_quoting: true,
            extra_float_digits: Some(0),
            enable_row_security: true,
            no_toast_compression: true,
            no_table_access_method: true,
            ..Default::default()
        },
    )
    .await;
    assert!(
        s.contains("SET SESSION AUTHORIZATION"),
        "set session authorization"
    );
    assert!(
        s.contains("CREATE TABLE \"keep\".\"t\""),
        "all identifiers quoted"
    );
    assert!(
        !s.contains("AS $$") && s.contains("AS '"),
        "no dollar quoting"
    );
    assert!(
        s.contains("0.142857142857143\t"),
        "15 significant digits: {s}"
    );
    assert!(!default.contains("0.142857142857143\t"), "17 by default");
    assert!(!s.contains("SET COMPRESSION"), "no TOAST compression");
    assert!(
        !s.contains("default_table_access_method"),
        "no access method"
    );

    let rows = script(
        &db,
        BackupOptions {
            schemas: Some(vec!["keep".into()]),
            rows_per_insert: Some(25),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        rows.matches("INSERT INTO keep.t VALUES").count(),
        2,
        "rows per INSERT alone writes INSERTs, 25 rows each"
    );
    let data_only = script(
        &db,
        BackupOptions {
            include_schema: false,
            disable_triggers: true,
            insert_mode: InsertMode::ColumnInserts,
            ..Default::default()
        },
    )
    .await;
    assert!(
        data_only.contains("DISABLE TRIGGER ALL"),
        "disable triggers"
    );
    assert!(data_only.contains("INSERT INTO keep.t (id, f, body) VALUES"));
}

async fn restored(db: &str, options: RestoreOptions) -> (String, tusk_engine::JobOutcome) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.backup");
    backed_up(
        db,
        BackupOptions {
            output_path: path.clone(),
            ..Default::default()
        },
    )
    .await;
    let target = pg().create_db("pgadmin_restored");
    let (outcome, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: path,
            ..options
        },
    )
    .await;
    (target, outcome)
}

#[tokio::test]
async fn restore_options_change_what_is_restored() {
    let db = db();
    let (target, outcome) = restored(
        &db,
        RestoreOptions {
            sections: vec![DumpSection::PreData],
            exclude_schemas: vec!["left out".into()],
            no_comments: true,
            no_publications: true,
            no_tablespaces: true,
            no_security_labels: true,
            no_subscriptions: true,
            use_set_session_authorization: true,
            enable_row_security: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(
        pg().psql(&target, "SELECT count(*) FROM keep.t"),
        "0",
        "pre-data only"
    );
    // pg_restore -N leaves out what is in the schema (the schema's own
    // entry belongs to no schema).
    assert_eq!(
        pg().psql(&target, "SELECT to_regclass('\"left out\".gone') IS NULL"),
        "t"
    );
    assert_eq!(
        pg().psql(
            &target,
            "SELECT coalesce(obj_description('keep.t'::regclass), 'none')"
        ),
        "none"
    );
    assert_eq!(
        pg().psql(&target, "SELECT count(*) FROM pg_publication"),
        "0"
    );

    // A table that exists already is not filled twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.backup");
    backed_up(
        &db,
        BackupOptions {
            output_path: path.clone(),
            schemas: Some(vec!["keep".into()]),
            ..Default::default()
        },
    )
    .await;
    let target = pg().create_db("pgadmin_failed_tables");
    pg().psql(&target, "CREATE SCHEMA keep; CREATE TABLE keep.t (id int, f float8, body text); INSERT INTO keep.t VALUES (0, 0, 'mine');");
    let (outcome, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: path,
            no_data_for_failed_tables: true,
            exit_on_error: false,
            single_transaction: Some(false),
            safety_backup: false,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        outcome.status,
        JobStatus::CompletedWithWarnings,
        "{outcome:#?}"
    );
    assert_eq!(
        pg().psql(&target, "SELECT string_agg(body, ',') FROM keep.t"),
        "mine"
    );
}

/// "Create the database" from the archive's own name and properties.
#[tokio::test]
async fn the_archives_database_is_created_from_it() {
    let source = format!("pgadmin create ☃ {}", uuid().split('-').next().unwrap());
    pg().psql(
        "postgres",
        &format!("CREATE DATABASE \"{source}\" TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"),
    );
    pg().psql(
        &source,
        "CREATE TABLE t AS SELECT generate_series(1, 7) AS i",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.backup");
    backed_up(
        &source,
        BackupOptions {
            output_path: path.clone(),
            ..Default::default()
        },
    )
    .await;
    let options = RestoreOptions {
        input_path: path,
        create_from_archive: true,
        single_transaction: Some(false),
        ..Default::default()
    };
    // It exists: refused before anything runs.
    let err = tusk_engine::prepare_restore(&uuid(), &conn("postgres"), &options, &search())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("named in the archive already exists"), "{err}");
    pg().psql(
        "postgres",
        &format!("DROP DATABASE \"{}\"", source.replace('"', "\"\"")),
    );
    let (outcome, _) = restore(&conn("postgres"), options).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(pg().psql(&source, "SELECT count(*) FROM t"), "7");
    assert_eq!(
        pg().psql(&source, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"),
        "SQL_ASCII",
        "the archive's own properties"
    );
    // Single transaction with it: refused, saying why.
    let err = tusk_engine::prepare_restore(
        &uuid(),
        &conn("postgres"),
        &RestoreOptions {
            input_path: dir.path().join("c.backup"),
            create_from_archive: true,
            ..Default::default()
        },
        &search(),
    )
    .await
    .err()
    .expect("refused")
    .to_string();
    assert!(err.contains("single transaction"), "{err}");
}
