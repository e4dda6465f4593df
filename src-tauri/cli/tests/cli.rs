//! The `tusk` binary end to end against a real PostgreSQL.

use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tusk_testkit::{processes_mentioning, PgServer};

fn tusk(args: &[&str]) -> Output {
    let pg = PgServer::shared();
    Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(args)
        .env("TUSK_PG_BIN", pg.bin_dir())
        .env("XDG_CONFIG_HOME", "/nonexistent-tusk-config-home")
        .env_remove("TUSK_CONFIG")
        .env_remove("PGPASSWORD")
        .output()
        .expect("run tusk")
}

fn conn_args(db: &str) -> Vec<String> {
    PgServer::shared().conn_args(db)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn with(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect()
}

fn run(args: &[String]) -> Output {
    tusk(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn backup_info_restore_with_json_and_exit_codes() {
    let pg = PgServer::shared();
    let db = pg.create_db("cli");
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 1000) i;");
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("cli.backup").display().to_string();

    let dry = run(&with(
        &["backup", "--dry-run", "--json", "-o", &out_path],
        &conn_args(&db),
    ));
    assert!(
        dry.status.success(),
        "{:?} {} {}",
        dry.status,
        String::from_utf8_lossy(&dry.stdout),
        String::from_utf8_lossy(&dry.stderr)
    );
    let plan = json(&dry);
    assert!(
        plan["command"].as_str().unwrap().contains("pg_dump -w -h"),
        "{plan}"
    );
    assert!(
        !dir.path().join("cli.backup").exists(),
        "dry run writes nothing"
    );

    let backup = run(&with(
        &["backup", "--json", "-o", &out_path],
        &conn_args(&db),
    ));
    assert_eq!(
        backup.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let outcome = json(&backup);
    assert_eq!(outcome["status"], "completed");
    assert!(outcome["sizeBytes"].as_u64().unwrap() > 0);

    let info = json(&tusk(&["info", "--json", &out_path]));
    assert_eq!(info["database"], db.as_str());
    assert_eq!(info["format"], "custom");
    assert_eq!(info["contents"]["tables"][0]["name"], "t");

    let target = format!("{db}_r");
    let restore = run(&with(
        &[
            "restore",
            &out_path,
            "--json",
            "--target-db",
            &target,
            "--create-db",
        ],
        &conn_args("postgres"),
    ));
    assert_eq!(
        restore.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&restore.stdout)
    );
    assert_eq!(pg.psql(&target, "SELECT count(*) FROM t"), "1000");

    // Refused input: exit 2 with a JSON error naming the problem.
    let again = run(&with(
        &["backup", "--json", "-o", &out_path],
        &conn_args(&db),
    ));
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(json(&again)["error"]["kind"], "invalidOptions");

    let bogus = dir.path().join("bogus.backup");
    std::fs::write(&bogus, b"definitely not a dump").unwrap();
    let info = tusk(&["info", bogus.to_str().unwrap()]);
    assert_eq!(info.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&info.stderr).contains("is not a PostgreSQL backup"));

    // Cannot connect: exit 3 with the reason.
    let down = tusk(&["check", "-h", "127.0.0.1", "-p", "1", "-d", "x"]);
    assert_eq!(down.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&down.stderr).contains("Nothing is listening"));

    // Clean needs confirmation.
    let clean = run(&with(
        &["restore", &out_path, "--clean"],
        &conn_args(&target),
    ));
    assert_eq!(clean.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clean.stderr).contains("add --yes to confirm"));
}

#[test]
fn named_remote_and_tools() {
    let pg = PgServer::shared();
    let db = pg.create_db("remote");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[remotes.staging]\nurl = \"{}\"\n", pg.url(&db)),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args([
            "check",
            "--json",
            "--remote",
            "staging",
            "--config",
            config.to_str().unwrap(),
        ])
        .env("TUSK_PG_BIN", pg.bin_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(json(&out)["database"], db.as_str());

    let unknown = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args([
            "check",
            "--remote",
            "prod",
            "--config",
            config.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("known remotes: staging"));

    let tools = run(&with(&["tools", "--json"], &conn_args(&db)));
    assert!(tools.status.success());
    let report = json(&tools);
    let chosen = report["chosen"].as_array().unwrap();
    let pg_dump = chosen.iter().find(|c| c["tool"] == "pg_dump").unwrap();
    assert!(
        pg_dump["reason"]
            .as_str()
            .unwrap()
            .contains("matches the server's PostgreSQL"),
        "{pg_dump}"
    );
}

#[test]
fn killing_tusk_takes_pg_dump_with_it() {
    let pg = PgServer::shared();
    let db = pg.create_db("orphan");
    pg.psql(
        &db,
        "CREATE TABLE a AS SELECT i, (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 24) WHERE i > 0) AS t FROM generate_series(1, 60000) i;",
    );
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("orphan.backup");
    let needle = dir.path().display().to_string();
    let mut parent = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(with(
            &["backup", "-Z", "9", "-o", output.to_str().unwrap()],
            &conn_args(&db),
        ))
        .env("TUSK_PG_BIN", pg.bin_dir())
        .env("XDG_CONFIG_HOME", "/nonexistent-tusk-config-home")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pg_dump_running = || {
        processes_mentioning(&needle)
            .iter()
            .any(|(_, c)| c.contains("pg_dump"))
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !pg_dump_running() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(pg_dump_running(), "pg_dump started");
    parent.kill().unwrap(); // SIGKILL: tusk gets no chance to clean up
    parent.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    while pg_dump_running() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!pg_dump_running(), "pg_dump died with its parent");
    assert!(!output.exists(), "no backup-looking file");
}
