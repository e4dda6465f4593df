//! The `tusk` binary end to end against a real PostgreSQL.

mod common;

use common::*;
use std::process::Command;
use std::time::{Duration, Instant};
use tusk_testkit::{processes_mentioning, PgServer};

#[test]
fn backup_info_restore_with_json_and_exit_codes() {
    let pg = PgServer::shared();
    let db = pg.seeded_db("cli", 1000);
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
    let db = pg.slow_db("orphan", 60000);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("orphan.backup");
    let needle = dir.path().display().to_string();
    let mut parent = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(with(
            &["backup", "-Z", "9", "-o", output.to_str().unwrap()],
            &conn_args(&db),
        ))
        .env("TUSK_PG_BIN", pg.bin_dir())
        .env("TUSK_DATA_DIR", data_dir())
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

#[test]
fn fast_preset_backs_up_through_zstd_and_verifies() {
    let pg = PgServer::shared();
    let db = pg.seeded_db("cli_fast", 700);
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db").display().to_string();
    let cat = ["--catalog".to_string(), catalog];
    let out_path = dir.path().join("f.backup.zst").display().to_string();

    let dry = run(&with(
        &["backup", "--preset", "fast", "--dry-run", "-o", &out_path],
        &conn_args(&db),
    ));
    let shown = String::from_utf8_lossy(&dry.stdout);
    assert!(
        shown.contains("-Z 0") && shown.contains("| zstd -1 > "),
        "{shown}"
    );
    assert!(!shown.contains(" -f "), "pg_dump writes to stdout: {shown}");

    let backup = ok(&run(&with(
        &[
            "backup", "--preset", "fast", "--json", "-o", &out_path, &cat[0], &cat[1],
        ],
        &conn_args(&db),
    )));
    let id = backup["backupId"].as_str().unwrap().to_string();
    let info = ok(&tusk(&["info", &out_path, "--json"]));
    assert_eq!(info["zstd"], true);
    assert_eq!(info["format"], "custom");
    assert_eq!(info["compression"]["algorithm"], "zstd");

    let verified = ok(&run(&with(&["verify", &id, "--json"], &cat)));
    assert_eq!(verified["status"], "passed", "{verified}");
    let t = &verified["tables"][0];
    assert_eq!(
        (t["expected"].as_u64(), t["restored"].as_u64()),
        (Some(700), Some(700))
    );

    // zstd belongs to the custom format: refused with what to do instead.
    let refused = run(&with(
        &[
            "backup",
            "--preset",
            "fast",
            "-F",
            "directory",
            "-o",
            &dir.path().join("d").display().to_string(),
        ],
        &conn_args(&db),
    ));
    assert_ne!(refused.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Tusk's zstd is for the custom format"),
        "{refused:?}"
    );
}

/// A history of its own: a database, a folder, a catalog, and a first backup
/// recorded in it under a name.
struct History {
    db: String,
    dir: tempfile::TempDir,
    out_path: String,
    id: String,
}

impl History {
    fn new(prefix: &str) -> History {
        let db = PgServer::shared().seeded_db(prefix, 500);
        let dir = tempfile::tempdir().unwrap();
        let out_path = dir.path().join("h.backup").display().to_string();
        let mut h = History {
            db,
            dir,
            out_path,
            id: String::new(),
        };
        let backup = ok(&run(&h.with_catalog(
            &[
                "backup",
                "--json",
                "--name",
                "before the migration",
                "-o",
                &h.out_path.clone(),
            ],
            true,
        )));
        h.id = backup["backupId"].as_str().unwrap().to_string();
        assert!(backup["sha256"].as_str().unwrap().len() == 64);
        h
    }

    fn catalog(&self) -> [String; 2] {
        let path = self.dir.path().join("catalog.db").display().to_string();
        ["--catalog".into(), path]
    }

    /// `args`, the history's catalog, and the connection when `conn`.
    fn with_catalog(&self, args: &[&str], conn: bool) -> Vec<String> {
        let mut all = with(args, &self.catalog());
        if conn {
            all.extend(conn_args(&self.db));
        }
        all
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        run(&self.with_catalog(args, false))
    }
}

#[test]
fn a_named_backup_is_listed_verified_and_shown() {
    let h = History::new("cli_hist");
    assert!(h.dir.path().join("h.backup.sha256").exists());

    let list = ok(&h.run(&["list", "--json"]));
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "before the migration");
    assert_eq!(list["items"][0]["reason"], "manual");
    let listed = h.run(&["list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("before the migration"));

    // Verify by id prefix: a test restore on the server it came from.
    let verified = ok(&h.run(&["verify", &h.id[..8], "--json"]));
    assert_eq!(verified["status"], "passed", "{verified}");
    let t = &verified["tables"][0];
    assert_eq!(
        (t["expected"].as_u64(), t["restored"].as_u64()),
        (Some(500), Some(500))
    );
    let shown = ok(&h.run(&["show", &h.id, "--json"]));
    assert_eq!(shown["backup"]["verification"]["status"], "passed");
    let text = String::from_utf8_lossy(&h.run(&["show", &h.id]).stdout).into_owned();
    assert!(text.contains("name:      before the migration"), "{text}");
    assert!(text.contains("verified:  passed"), "{text}");
    assert!(text.contains("sha256:    "), "{text}");
}

#[test]
fn a_corrupted_backup_fails_verification_and_is_not_restored() {
    let h = History::new("cli_corrupt");
    let mut bytes = std::fs::read(&h.out_path).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&h.out_path, &bytes).unwrap();
    let failed = h.run(&["verify", &h.id, "--no-restore"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("changed after it was made"));
    // And a restore of it is refused before anything is touched.
    let target = format!("{}_r", h.db);
    let refused = run(&h.with_catalog(
        &[
            "restore",
            &h.out_path,
            "--target-db",
            &target,
            "--create-db",
        ],
        true,
    ));
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Nothing was restored"));
    let exists = PgServer::shared().psql(
        "postgres",
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{target}'"),
    );
    assert_eq!(exists, "0", "no database was created");
}

#[test]
fn a_schedule_runs_as_cron_would_verifies_and_prunes() {
    let h = History::new("cli_sched");
    let dest = h.dir.path().join("scheduled").display().to_string();
    let added = ok(&run(&h.with_catalog(
        &[
            "schedule",
            "add",
            "--json",
            "--name",
            "often",
            "--every",
            "1s",
            "--dest",
            &dest,
            "--keep-last",
            "1",
            "--min-keep",
            "1",
            "--verify",
            "-Z",
            "1",
        ],
        true,
    )));
    assert_eq!(added["trigger"]["kind"], "interval");
    std::thread::sleep(Duration::from_millis(1100));
    let runs = ok(&h.run(&["schedule", "run", "--due", "--json"]));
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["status"], "succeeded", "{runs}");
    std::thread::sleep(Duration::from_millis(1100));
    let runs = ok(&h.run(&["schedule", "run", "often", "--json"]));
    assert_eq!(
        runs[0]["pruned"], 1,
        "keep last 1: the first scheduled backup goes"
    );
    let schedules = ok(&h.run(&["schedule", "list", "--json"]));
    assert_eq!(schedules[0]["stats"]["successfulRuns"], 2);
    let scheduled = ok(&h.run(&["list", "--json", "--schedule", "often"]));
    assert_eq!(scheduled["total"], 1);
    assert_eq!(scheduled["items"][0]["verification"]["status"], "passed");
    let preview = ok(&h.run(&["prune", "--dry-run", "--json"]));
    assert_eq!(preview[0]["decisions"][0]["keep"], true);
}

#[test]
fn a_bad_cron_expression_and_an_unknown_id_exit_with_2_and_say_why() {
    let h = History::new("cli_bad");
    let bad = run(&h.with_catalog(
        &["schedule", "add", "--name", "bad", "--cron", "every night"],
        true,
    ));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a cron expression"));
    let unknown = h.run(&["show", "no-such-backup"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no backup with id"));
}

#[test]
fn delete_needs_yes_then_removes_the_file_its_sidecars_and_the_record() {
    let h = History::new("cli_delete");
    let no = h.run(&["delete", &h.id]);
    assert_eq!(no.status.code(), Some(2));
    assert!(
        std::path::Path::new(&h.out_path).exists(),
        "kept without --yes"
    );
    ok(&h.run(&["delete", &h.id, "--yes", "--json"]));
    assert!(!std::path::Path::new(&h.out_path).exists());
    assert!(!h.dir.path().join("h.backup.sha256").exists());
    assert!(!h.dir.path().join("h.backup.tusk.json").exists());
    let list = ok(&h.run(&["list", "--json"]));
    assert_eq!(list["total"], 0);
    let check = ok(&h.run(&["catalog", "check", "--json"]));
    assert_eq!(check["integrity"], "ok");
}

#[test]
fn restore_with_clean_backs_up_the_target_first() {
    let pg = PgServer::shared();
    let db = pg.create_db("cli_safety");
    pg.psql(
        &db,
        "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);",
    );
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db").display().to_string();
    let out_path = dir.path().join("s.backup").display().to_string();
    ok(&run(&with(
        &["backup", "--json", "-o", &out_path, "--catalog", &catalog],
        &conn_args(&db),
    )));
    pg.psql(&db, "INSERT INTO t VALUES (3)");
    let restored = ok(&run(&with(
        &[
            "restore",
            &out_path,
            "--clean",
            "--yes",
            "--json",
            "--catalog",
            &catalog,
        ],
        &conn_args(&db),
    )));
    let safety = restored["safetyBackup"].as_str().unwrap();
    assert!(std::path::Path::new(safety).starts_with(data_dir()));
    assert_eq!(pg.psql(&db, "SELECT count(*) FROM t").trim(), "2");
    let list = ok(&run(
        &["list", "--json", "--catalog", &catalog].map(String::from)
    ));
    let reasons: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["preRestore", "manual"]);
}
