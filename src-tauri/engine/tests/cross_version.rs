//! What differs between PostgreSQL versions (`tusk_testkit::versions`):
//! arguments spelled for the tool, options refused below the version that
//! has them, archives too new for a pg_restore, restores into an older
//! server than the backup's tools wrote for, and what the target server
//! lacks (owners, extensions), named by the pre-flight.

mod common;

use common::uuid;
use common::versions::*;
use tusk_engine::options::StatisticsMode;
use tusk_engine::{BackupFormat, BackupOptions, JobStatus, RestoreOptions};
use tusk_testkit::{versions, PgServer};

/// Large objects are `--large-objects` for pg_dump 16+, `--blobs` before;
/// both back them up.
#[tokio::test(flavor = "multi_thread")]
async fn large_objects_are_spelled_for_the_pg_dump() {
    for (major, flag) in [(15, "--blobs"), (16, "--large-objects")] {
        let pg = PgServer::start_major(major);
        let db = source_db(&pg);
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("b.backup");
        let shown = completed_backup(
            &pg,
            &db,
            &versions::tools_of(major),
            BackupOptions {
                output_path: output.clone(),
                blobs: Some(true),
                schemas: Some(vec!["public".into()]),
                ..Default::default()
            },
        )
        .await;
        assert!(shown.contains(flag), "{shown}");
        let info = tusk_engine::get_backup_info(&output).unwrap();
        assert!(
            info.entries
                .iter()
                .any(|e| e.kind.starts_with("BLOB") || e.kind.starts_with("LARGE OBJECT")),
            "the large object is in the backup"
        );
    }
}

/// Options newer than the pg_dump picked are refused before pg_dump runs,
/// naming the version that has them; with that version they work.
#[tokio::test(flavor = "multi_thread")]
async fn options_are_refused_below_their_version_and_work_from_it() {
    let pg14 = PgServer::start_major(14);
    let db = pg14.create_db("gated");
    pg14.psql(
        &db,
        "CREATE TABLE t (id int, v text); INSERT INTO t VALUES (1, 'a');",
    );
    let dir = tempfile::tempdir().unwrap();
    let plain = |name: &str| BackupOptions {
        output_path: dir.path().join(name),
        format: BackupFormat::Plain,
        compression: 0,
        no_table_access_method: true,
        ..Default::default()
    };
    let err = backup_with(&pg14, &db, &versions::tools_of(14), plain("a.sql"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs pg_dump 15 or newer"), "{err}");
    assert!(!dir.path().join("a.sql").exists());
    // pg_dump 15 for the same 14 server has it: no access method is set.
    completed_backup(&pg14, &db, &versions::matrix_tools(), plain("b.sql")).await;
    let script = std::fs::read_to_string(dir.path().join("b.sql")).unwrap();
    assert!(!script.contains("default_table_access_method"), "{script}");

    // Tables with their partitions: pg_dump 16+.
    let pg16 = PgServer::start_major(16);
    let db16 = source_db(&pg16);
    let children = |name: &str| BackupOptions {
        output_path: dir.path().join(name),
        tables: Some(vec!["shop.measurements".into()]),
        include_child_tables: true,
        ..Default::default()
    };
    let err = backup_with(&pg16, &db16, &versions::matrix_tools(), {
        let mut o = children("c.backup");
        o.extra_args = vec!["--no-statistics".into()];
        o
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("needs pg_dump 18 or newer"), "{err}");
    let shown = completed_backup(
        &pg16,
        &db16,
        &versions::matrix_tools(),
        children("d.backup"),
    )
    .await;
    assert!(
        shown.contains("--table-and-children=shop.measurements")
            || shown.contains("--table-and-children="),
        "{shown}"
    );
    let info = tusk_engine::get_backup_info(&dir.path().join("d.backup")).unwrap();
    let data: Vec<&str> = info
        .entries
        .iter()
        .filter(|e| e.kind == "TABLE DATA")
        .map(|e| e.name.as_str())
        .collect();
    assert!(
        data.contains(&"measurements_2024") && data.contains(&"measurements_2025"),
        "the partitions' data came along: {data:?}"
    );
    // pg_dump 15 has no such switch: refused.
    let pg15 = PgServer::start_major(15);
    let db15 = source_db(&pg15);
    let err = backup_with(&pg15, &db15, &versions::tools_of(15), children("e.backup"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs pg_dump 16 or newer"), "{err}");
}

/// An archive of pg_dump 17+ with only an older pg_restore: refused before
/// anything runs, naming the version needed.
#[tokio::test(flavor = "multi_thread")]
async fn an_archive_too_new_for_the_pg_restore_is_refused() {
    let pg = PgServer::start_major(16);
    let db = source_db(&pg);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("by18.backup");
    completed_backup(
        &pg,
        &db,
        &versions::tools_of(18),
        BackupOptions {
            output_path: output.clone(),
            ..Default::default()
        },
    )
    .await;
    let before = pg.psql("postgres", "SELECT count(*) FROM pg_database");
    let err = tusk_engine::prepare_restore(
        &uuid(),
        &pg.spec("postgres"),
        &RestoreOptions {
            input_path: output,
            target_database: Some("never_made".into()),
            create_database: true,
            ..Default::default()
        },
        &versions::tools_of(16),
    )
    .await
    .err()
    .expect("refused")
    .to_string();
    assert!(
        err.contains("pg_restore 17 or newer") && err.contains("postgresql-client-17"),
        "{err}"
    );
    assert_eq!(
        pg.psql("postgres", "SELECT count(*) FROM pg_database"),
        before
    );
}

/// A backup of a PostgreSQL 18 server by pg_dump 18, with its statistics,
/// restored into PostgreSQL 15: stock pg_restore 18 fails there on its own
/// `SET transaction_timeout`, and on the statistics. Tusk says so in the
/// pre-flight, leaves both out, and the data arrives whole; a plain script
/// of pg_dump 18 the same.
#[tokio::test(flavor = "multi_thread")]
async fn a_newer_backup_restores_into_an_older_server() {
    let pg18 = PgServer::start_major(18);
    let db = source_db(&pg18);
    let expected = fingerprint(&pg18, &db);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("by18.backup");
    let script = dir.path().join("by18.sql");
    for (output, format) in [
        (&archive, BackupFormat::Custom),
        (&script, BackupFormat::Plain),
    ] {
        completed_backup(
            &pg18,
            &db,
            &versions::matrix_tools(),
            BackupOptions {
                output_path: output.clone(),
                format,
                compression: if format == BackupFormat::Plain { 0 } else { 6 },
                statistics: if format == BackupFormat::Plain {
                    StatisticsMode::Default
                } else {
                    StatisticsMode::Include
                },
                ..Default::default()
            },
        )
        .await;
    }
    let info = tusk_engine::get_backup_info(&archive).unwrap();
    assert!(info.entries.iter().any(|e| e.kind == "STATISTICS DATA"));

    let pg15 = PgServer::start_major(15);
    // Stock tools cannot: what Tusk works around.
    pg15.psql("postgres", "CREATE DATABASE stock_attempt");
    let stock = std::process::Command::new(versions::client_bin(18).unwrap().join("pg_restore"))
        .args(pg15.conn_args("stock_attempt"))
        .args(["--exit-on-error", "--single-transaction"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(!stock.status.success());
    assert!(String::from_utf8_lossy(&stock.stderr).contains("transaction_timeout"));

    for input in [&archive, &script] {
        let (outcome, target, preflight) = restore_into_new(
            &pg15,
            &versions::matrix_tools(),
            input,
            RestoreOptions::default(),
        )
        .await;
        assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
        let warnings = preflight.warnings.join("\n");
        assert!(warnings.contains("transaction_timeout"), "{warnings}");
        if input == &archive {
            assert_eq!(
                preflight.tool.tool.version.major(),
                18,
                "{}",
                preflight.tool.reason
            );
            assert!(warnings.contains("statistics"), "{warnings}");
            assert!(
                preflight.command.contains("pg_restore") && preflight.command.contains("psql"),
                "{}",
                preflight.command
            );
        }
        assert_eq!(fingerprint(&pg15, &target), expected, "{}", input.display());
    }
}

/// PostgreSQL 18's own switches: refused with pg_dump 17, and with 18 they
/// change the dump (policies left out, sequence values kept, statistics only).
#[tokio::test(flavor = "multi_thread")]
async fn postgresql_18_switches() {
    let pg = PgServer::start_major(18);
    let db = pg.create_db("eighteen");
    pg.psql(
        &db,
        "CREATE TABLE t (id serial PRIMARY KEY, owner text); INSERT INTO t (owner) SELECT 'u' || i FROM generate_series(1, 20) i; \
         ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY mine ON t USING (owner = current_user); ANALYZE t;",
    );
    let dir = tempfile::tempdir().unwrap();
    // Schema only: the sequence's value comes only with --sequence-data.
    let plain = |name: &str| BackupOptions {
        output_path: dir.path().join(name),
        format: BackupFormat::Plain,
        compression: 0,
        include_data: false,
        no_policies: true,
        sequence_data: true,
        ..Default::default()
    };
    let pg17 = PgServer::start_major(17);
    let db17 = pg17.create_db("seventeen");
    let err = backup_with(&pg17, &db17, &versions::tools_of(17), plain("17.sql"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs pg_dump 18 or newer"), "{err}");
    completed_backup(&pg, &db, &versions::matrix_tools(), plain("18.sql")).await;
    let script = std::fs::read_to_string(dir.path().join("18.sql")).unwrap();
    assert!(!script.contains("CREATE POLICY"), "policies left out");
    assert!(
        script.contains("setval('public.t_id_seq', 20, true)"),
        "sequence data"
    );
    completed_backup(
        &pg,
        &db,
        &versions::matrix_tools(),
        BackupOptions {
            no_policies: false,
            sequence_data: false,
            ..plain("18-control.sql")
        },
    )
    .await;
    let control = std::fs::read_to_string(dir.path().join("18-control.sql")).unwrap();
    assert!(control.contains("CREATE POLICY") && !control.contains("setval("));

    completed_backup(
        &pg,
        &db,
        &versions::matrix_tools(),
        BackupOptions {
            output_path: dir.path().join("stats.sql"),
            format: BackupFormat::Plain,
            compression: 0,
            statistics: StatisticsMode::Only,
            ..Default::default()
        },
    )
    .await;
    let stats = std::fs::read_to_string(dir.path().join("stats.sql")).unwrap();
    assert!(stats.contains("pg_restore_relation_stats"), "statistics");
    assert!(!stats.contains("CREATE TABLE"), "statistics only");
}

/// The pre-flight names the owners and extensions the target server lacks,
/// with the fixes, before anything is touched: a backup of PostgreSQL 15
/// whose table belongs to a role, and with an extension 13 does not have,
/// checked against a fresh 13 server.
#[tokio::test(flavor = "multi_thread")]
async fn missing_owners_and_extensions_are_named_before_the_restore() {
    let pg15 = PgServer::start_major(15);
    let role = "Own=er \"☃\"";
    let db = pg15.create_db("owners");
    pg15.psql(
        &db,
        &format!(
            "CREATE ROLE \"{r}\"; CREATE EXTENSION pg_walinspect; CREATE TABLE t (i int); ALTER TABLE t OWNER TO \"{r}\"",
            r = role.replace('"', "\"\"")
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("owned.backup");
    completed_backup(
        &pg15,
        &db,
        &versions::tools_of(15),
        BackupOptions {
            output_path: output.clone(),
            ..Default::default()
        },
    )
    .await;

    let pg13 = PgServer::start_major(13);
    let preflight = |no_owner: bool| {
        let options = RestoreOptions {
            input_path: output.clone(),
            target_database: Some("owned".into()),
            create_database: true,
            no_owner,
            ..Default::default()
        };
        let conn = pg13.spec("postgres");
        async move {
            tusk_engine::prepare_restore(&uuid(), &conn, &options, &versions::matrix_tools())
                .await
                .unwrap()
                .preflight
                .warnings
                .join("\n")
        }
    };
    let warnings = preflight(false).await;
    assert!(
        warnings.contains(&format!("\"{role}\"")) && warnings.contains("No owner"),
        "{warnings}"
    );
    assert!(warnings.contains("\"pg_walinspect\""), "{warnings}");
    assert!(!warnings.contains("\"postgres\""), "{warnings}");
    let warnings = preflight(true).await;
    assert!(!warnings.contains("role(s)"), "{warnings}");
    assert!(warnings.contains("\"pg_walinspect\""), "{warnings}");
    assert_eq!(
        pg13.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname = 'owned'"
        ),
        "0",
        "nothing was touched"
    );
}
