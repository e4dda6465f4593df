//! The CLI with several PostgreSQL versions (`tusk_testkit::versions`):
//! the tools it picks and why, pg_dump's own compression, options refused
//! below the version that has them, pgAdmin's options, and a backup of a
//! newer server restored into an older one.

mod common;

use common::*;
use tusk_testkit::PgServer;

#[test]
fn tools_are_picked_for_the_server_with_the_reason_and_compression() {
    let pg = PgServer::start_major(17);
    let db = pg.create_db("tools");
    let dir = tempfile::tempdir().unwrap();
    let out = tusk_with_tools(dir.path(), &with(&["tools", "--json"], &pg.conn_args(&db)));
    let report = ok(&out);
    let pg_dump = report["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["tool"] == "pg_dump")
        .unwrap()
        .clone();
    assert!(
        pg_dump["version"].as_str().unwrap().starts_with("18."),
        "{pg_dump}"
    );
    assert!(
        pg_dump["reason"]
            .as_str()
            .unwrap()
            .contains("closest found"),
        "{pg_dump}"
    );
    let found18 = report["found"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "pg_dump" && t["version"].as_u64() == Some(180006))
        .unwrap()
        .clone();
    assert_eq!(
        found18["compression"],
        serde_json::json!(["gzip", "lz4", "zstd"])
    );
    let human = tusk_with_tools(dir.path(), &with(&["tools"], &pg.conn_args(&db)));
    assert!(
        text(&human).contains("compresses with gzip, lz4, zstd"),
        "{}",
        text(&human)
    );
}

#[test]
fn pg_dumps_own_zstd_and_a_refused_option() {
    let pg = PgServer::start_major(16);
    let db = pg.seeded_db("native", 500);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("native.backup");
    let out = tusk_with_tools(
        dir.path(),
        &with(
            &[
                "backup",
                "--json",
                "--no-catalog",
                "--compress-with",
                "pg-zstd",
                "-Z",
                "3",
                "-o",
                output.to_str().unwrap(),
            ],
            &pg.conn_args(&db),
        ),
    );
    assert_eq!(ok(&out)["status"], "completed");
    let info = ok(&tusk(&["info", "--json", output.to_str().unwrap()]));
    assert_eq!(info["compression"]["algorithm"], "zstd");
    assert_eq!(
        info["zstd"], false,
        "pg_dump's own: stock pg_restore 16+ reads it"
    );

    // The fast preset follows the pg_dump: its own zstd here, unless the
    // file is named for Tusk's.
    for (name, tusk_zstd) in [("fast.backup", false), ("fast.backup.zst", true)] {
        let output = dir.path().join(name);
        let out = tusk_with_tools(
            dir.path(),
            &with(
                &[
                    "backup",
                    "--json",
                    "--no-catalog",
                    "--preset",
                    "fast",
                    "-o",
                    output.to_str().unwrap(),
                ],
                &pg.conn_args(&db),
            ),
        );
        assert_eq!(ok(&out)["status"], "completed");
        let info = ok(&tusk(&["info", "--json", output.to_str().unwrap()]));
        assert_eq!(info["compression"]["algorithm"], "zstd", "{name}");
        assert_eq!(info["zstd"], tusk_zstd, "{name}");
    }

    // --statistics is pg_dump 18's; this server gets pg_dump 16.
    let refused = tusk_with_tools(
        dir.path(),
        &with(
            &[
                "backup",
                "--statistics",
                "include",
                "-o",
                dir.path().join("never.backup").to_str().unwrap(),
            ],
            &pg.conn_args(&db),
        ),
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("needs pg_dump 18 or newer"),
        "{}",
        text(&refused)
    );
    assert!(!dir.path().join("never.backup").exists());
}

#[test]
fn pgadmin_options_from_the_cli() {
    let pg = PgServer::shared();
    let db = pg.seeded_db("pgadmin_cli", 30);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.sql");
    // --inserts with --column-inserts, as pg_dump takes them.
    let out = run(&with(
        &[
            "backup",
            "--json",
            "--no-catalog",
            "-F",
            "plain",
            "--inserts",
            "--column-inserts",
            "--quote-all-identifiers",
            "--extra-float-digits",
            "-1",
            "-o",
            script.to_str().unwrap(),
        ],
        &conn_args(&db),
    ));
    assert_eq!(ok(&out)["status"], "completed");
    let sql = std::fs::read_to_string(&script).unwrap();
    assert!(
        sql.contains("INSERT INTO \"public\".\"t\" (\"id\", \"v\") VALUES"),
        "{sql}"
    );

    let archive = dir.path().join("a.backup");
    ok(&run(&with(
        &[
            "backup",
            "--json",
            "--no-catalog",
            "-o",
            archive.to_str().unwrap(),
        ],
        &conn_args(&db),
    )));
    pg.psql("postgres", &format!("DROP DATABASE \"{db}\""));
    let restored = run(&with(
        &[
            "restore",
            "--json",
            "--no-catalog",
            "--create",
            archive.to_str().unwrap(),
        ],
        &conn_args("postgres"),
    ));
    assert_eq!(ok(&restored)["status"], "completed");
    assert_eq!(pg.psql(&db, "SELECT count(*) FROM t"), "30");
}

#[test]
fn a_backup_of_postgresql_18_restores_into_15_from_the_cli() {
    let pg18 = PgServer::start_major(18);
    let db = pg18.seeded_db("by18", 200);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("by18.backup");
    ok(&tusk_with_tools(
        dir.path(),
        &with(
            &[
                "backup",
                "--json",
                "--no-catalog",
                "-o",
                archive.to_str().unwrap(),
            ],
            &pg18.conn_args(&db),
        ),
    ));
    let pg15 = PgServer::start_major(15);
    let out = tusk_with_tools(
        dir.path(),
        &with(
            &[
                "restore",
                "--no-catalog",
                "--target-db",
                "from18",
                "--create-db",
                archive.to_str().unwrap(),
            ],
            &pg15.conn_args("postgres"),
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("transaction_timeout"), "{}", text(&out));
    assert_eq!(pg15.psql("from18", "SELECT count(*) FROM t"), "200");
}
