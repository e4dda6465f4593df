//! `tusk backup --server` / `--globals-only` and `tusk restore` of what they
//! write, end to end on real servers: a server backup restored (one
//! database by name) onto a fresh server of a newer major, a roles script
//! restored twice (the second time every role is left as it is), and the
//! mistakes a user can make, each refused with what to do.

mod common;

use common::*;
use std::process::Output;
use tusk_testkit::{versions, PgServer};

const ODD: &str = "shop 'x' = 1";

/// A job that completed, with or without warnings (exit 0 or 4): its outcome.
fn completed(out: &Output) -> serde_json::Value {
    assert!(matches!(out.status.code(), Some(0 | 4)), "{}", text(out));
    json(out)
}

#[test]
fn a_server_backup_restores_one_database_and_the_roles_onto_a_fresh_server() {
    let source = PgServer::start_major(16);
    source.psql(
        "postgres",
        "CREATE ROLE owner_one LOGIN PASSWORD 'pw-one'; CREATE ROLE viewer NOLOGIN; GRANT viewer TO owner_one;",
    );
    source.psql(
        "postgres",
        &format!("CREATE DATABASE \"{ODD}\" OWNER owner_one"),
    );
    source.psql("postgres", "CREATE DATABASE shop_two");
    source.psql("postgres", "CREATE DATABASE other");
    source.psql(
        ODD,
        "SET ROLE owner_one; CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 321); \
         GRANT SELECT ON t TO viewer;",
    );
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("server");
    let out = tusk_with_tools(
        dir.path(),
        &with(
            &[
                "backup",
                "--server",
                "-o",
                folder.to_str().unwrap(),
                "--include-database",
                "shop*",
                "--parallel-databases",
                "2",
                "--json",
            ],
            &source.conn_args("postgres"),
        ),
    );
    let outcome = ok(&out);
    assert_eq!(outcome["status"], "completed", "{outcome}");
    assert!(folder.join("tusk-server.json").is_file());
    assert!(folder.join("globals.sql.sha256").is_file());

    // The dry run says what it would do; then one database, by name.
    let target = PgServer::start_major(18);
    let plan = ok(&tusk_with_tools(
        dir.path(),
        &with(
            &["restore", folder.to_str().unwrap(), "--dry-run", "--json"],
            &target.conn_args("postgres"),
        ),
    ));
    let names: Vec<&str> = plan["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [ODD, "shop_two"], "{plan}");
    assert_eq!(
        target.psql(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname = 'owner_one'"
        ),
        "0",
        "a dry run touches nothing"
    );
    let restored = completed(&tusk_with_tools(
        dir.path(),
        &with(
            &[
                "restore",
                folder.to_str().unwrap(),
                "--database",
                ODD,
                "--json",
            ],
            &target.conn_args("postgres"),
        ),
    ));
    assert_ne!(restored["status"], "failed", "{restored}");
    assert_eq!(target.psql(ODD, "SELECT count(*) FROM t"), "321");
    assert_eq!(
        target.psql(ODD, "SELECT tableowner || ' ' || has_table_privilege('viewer', 't', 'SELECT') FROM pg_tables WHERE tablename = 't'"),
        "owner_one true"
    );
    assert_eq!(
        target.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname = 'shop_two'"
        ),
        "0"
    );

    // A name the backup does not hold.
    let out = tusk_with_tools(
        dir.path(),
        &with(
            &["restore", folder.to_str().unwrap(), "--database", "nope"],
            &target.conn_args("postgres"),
        ),
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("has no database \"nope\": it holds \"shop 'x' = 1\", \"shop_two\""),
        "{}",
        text(&out)
    );

    // The roles alone: a script, restored twice onto another server.
    let roles = dir.path().join("roles.sql");
    let outcome = ok(&tusk_with_tools(
        dir.path(),
        &with(
            &[
                "backup",
                "--globals-only",
                "-o",
                roles.to_str().unwrap(),
                "--json",
            ],
            &source.conn_args("postgres"),
        ),
    ));
    assert_eq!(outcome["status"], "completed", "{outcome}");
    let fresh = PgServer::start_major(18);
    for round in 0..2 {
        let out = tusk_with_tools(
            dir.path(),
            &with(
                &["restore", roles.to_str().unwrap(), "--json"],
                &fresh.conn_args("postgres"),
            ),
        );
        let outcome = completed(&out);
        let warnings = outcome["warnings"].to_string();
        if round == 1 {
            assert!(
                warnings.contains("left as they are") && warnings.contains("owner_one"),
                "{warnings}"
            );
        }
    }
    assert_eq!(
        fresh.psql("postgres", "SELECT string_agg(m.rolname || ' in ' || r.rolname, ',') FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = 'viewer'"),
        "owner_one in viewer"
    );
}

#[test]
fn server_options_that_cannot_work_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&with(
        &[
            "backup",
            "--server",
            "-F",
            "plain",
            "-o",
            dir.path().join("s").to_str().unwrap(),
        ],
        &conn_args("postgres"),
    ));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("keeps each database as an archive")
            && text(&out).contains("choose the custom, directory or tar format"),
        "{}",
        text(&out)
    );
    let db = PgServer::shared().seeded_db("srvopt", 5);
    let file = dir.path().join("one.backup");
    ok(&run(&with(
        &["backup", "-o", file.to_str().unwrap(), "--json"],
        &conn_args(&db),
    )));
    let out = run(&with(
        &["restore", file.to_str().unwrap(), "--database", "x"],
        &conn_args(&db),
    ));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("--database and --no-globals are for whole-server backups"),
        "{}",
        text(&out)
    );
    // A script that says it is pg_dumpall's but runs a shell command.
    let lying = dir.path().join("lying.sql");
    std::fs::write(
        &lying,
        "--\n-- PostgreSQL database cluster dump\n--\n\nCREATE ROLE x;\n\\! touch /tmp/tusk-pwned\n\n--\n-- PostgreSQL database cluster dump complete\n--\n",
    )
    .unwrap();
    let out = run(&with(
        &["restore", lying.to_str().unwrap()],
        &conn_args("postgres"),
    ));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains(
            "line 6: `\\! touch /tmp/tusk-pwned` is a psql command pg_dumpall never writes"
        ),
        "{}",
        text(&out)
    );
    assert!(!std::path::Path::new("/tmp/tusk-pwned").exists());

    // A schedule of whole-server backups: into a folder, never a bucket.
    let catalog = dir.path().join("catalog.db");
    let cat = ["--catalog", catalog.to_str().unwrap()];
    let dest = dir.path().join("nightly");
    let added = ok(&run(&with(
        &[
            "schedule",
            "add",
            "--json",
            "--name",
            "server nightly",
            "--every",
            "1d",
            "--server",
            "--include-database",
            "shop*",
            "--dest",
            dest.to_str().unwrap(),
            cat[0],
            cat[1],
        ],
        &conn_args("postgres"),
    )));
    assert_eq!(added["options"]["scope"], "server", "{added}");
    assert_eq!(added["options"]["server"]["includeDatabases"][0], "shop*");
    let out = run(&with(
        &[
            "schedule",
            "add",
            "--name",
            "to bucket",
            "--every",
            "1d",
            "--globals-only",
            "--bucket",
            "offsite",
            cat[0],
            cat[1],
        ],
        &conn_args("postgres"),
    ));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("writes to a folder on this computer for now"),
        "{}",
        text(&out)
    );
}

/// A server backup copied to a bucket as it is made (`--copy-to`), then
/// restored from the bucket onto a fresh server (`tusk restore DEST:KEY`):
/// downloaded, checked against its recorded SHA-256, restored as a server.
#[test]
fn a_server_backup_in_a_bucket_is_restored_onto_a_fresh_server() {
    let g = tusk_testkit::garage::Garage::start();
    let source = PgServer::start_major(16);
    source.psql("postgres", "CREATE ROLE keeper LOGIN");
    source.psql("postgres", "CREATE DATABASE kept OWNER keeper");
    source.psql(
        "kept",
        "SET ROLE keeper; CREATE TABLE t AS SELECT generate_series(1, 77) id;",
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "tools_folders = [\"{}\", \"{}\"]\n\n[destinations.offsite]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"backups\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
            versions::client_bin(18).unwrap().display(),
            versions::client_bin(16).unwrap().display(),
            g.endpoint(),
            g.key_id,
            g.secret
        ),
    )
    .unwrap();
    let tusk_here = |args: &[String]| {
        let mut cmd = tusk_command(args);
        cmd.env_remove("TUSK_PG_BIN")
            .env("TUSK_CONFIG", &config)
            .env("TUSK_DATA_DIR", dir.path().join("data"));
        cmd.output().unwrap()
    };
    let folder = dir.path().join("srv");
    let made = tusk_here(&with(
        &[
            "backup",
            "--server",
            "--include-database",
            "kept",
            "-o",
            folder.to_str().unwrap(),
            "--copy-to",
            "offsite",
        ],
        &source.conn_args("postgres"),
    ));
    assert_eq!(made.status.code(), Some(0), "{}", text(&made));
    let location = text(&made)
        .lines()
        .find_map(|l| l.strip_prefix("copied to ").map(str::to_owned))
        .unwrap_or_else(|| panic!("no copy: {}", text(&made)));
    // The local folder is gone: only the bucket has it.
    std::fs::remove_dir_all(&folder).unwrap();
    let target = PgServer::start_major(18);
    let restored = tusk_here(&with(
        &["restore", &location, "--json"],
        &target.conn_args("postgres"),
    ));
    assert!(
        matches!(restored.status.code(), Some(0 | 4)),
        "{}",
        text(&restored)
    );
    assert_eq!(target.psql("kept", "SELECT count(*) FROM t"), "77");
    assert_eq!(
        target.psql(
            "postgres",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'kept'"
        ),
        "keeper"
    );
}
