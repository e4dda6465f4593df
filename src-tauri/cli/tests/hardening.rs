//! The CLI under attack and bad luck: signals in every phase, a reader that
//! goes away, crafted files, and defaults that keep a backup usable.

mod common;

use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use tusk_testkit::{processes_mentioning, PgServer};

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` and waits for the exit code.
fn stop(mut child: Child, signal: Signal) -> (Option<i32>, String) {
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                use std::io::Read;
                let _ = stderr.read_to_string(&mut err);
            }
            return (status.code(), err);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tusk did not stop on {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A pre-flight waiting on a server that never answers: each signal stops
/// tusk at once with its own exit code, and its psql probe dies with it.
#[test]
fn signals_during_the_preflight_stop_everything() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("never.backup");
    // psql's command line, not tusk's own.
    let probe = format!("-w -h 127.0.0.1 -p {port}");
    for (signal, code) in [
        (Signal::SIGTERM, 143),
        (Signal::SIGHUP, 129),
        (Signal::SIGINT, 130),
    ] {
        let child = tusk_command(&[
            "backup",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-d",
            "postgres",
            "-o",
            output.to_str().unwrap(),
        ])
        .env("PGCONNECT_TIMEOUT", "120")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        wait_for("the psql probe", Duration::from_secs(20), || {
            !processes_mentioning(&probe).is_empty()
        });
        let (exit, stderr) = stop(child, signal);
        assert_eq!(exit, Some(code), "{signal}: {stderr}");
        assert!(stderr.contains("nothing was changed"), "{signal}: {stderr}");
        wait_for("the probe to die", Duration::from_secs(2), || {
            processes_mentioning(&probe).is_empty()
        });
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }
    drop(listener);
}

/// SIGTERM while pg_dump runs: the job is cancelled, pg_dump stopped, the
/// partial output removed, and the exit code says SIGTERM.
#[test]
fn sigterm_during_a_backup_cancels_it_and_cleans_up() {
    let pg = PgServer::shared();
    let db = pg.slow_db("sigterm", 60000);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("term.backup");
    let needle = dir.path().display().to_string();
    let child = tusk_command(&with(
        &["backup", "-Z", "9", "-o", output.to_str().unwrap()],
        &conn_args(&db),
    ))
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let pg_dump_running = || {
        processes_mentioning(&needle)
            .iter()
            .any(|(_, c)| c.contains("pg_dump"))
    };
    wait_for("pg_dump", Duration::from_secs(20), pg_dump_running);
    let (exit, stderr) = stop(child, Signal::SIGTERM);
    assert_eq!(exit, Some(143), "{stderr}");
    assert!(!pg_dump_running(), "pg_dump stopped with the job");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "no partial output: {left:?}");
}

/// `tusk list | head`: the reader goes away and tusk ends quietly.
#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = tusk_command(&["tools"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}

/// A plain backup is a script anyone can open and run with psql: not
/// compressed unless asked, and then named `.gz`.
#[test]
fn plain_backups_are_uncompressed_scripts_by_default() {
    let pg = PgServer::shared();
    let db = pg.create_db("plainz");
    pg.psql(&db, "CREATE TABLE t (a int); INSERT INTO t VALUES (42)");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("plain.sql");
    ok(&run(&with(
        &[
            "backup",
            "--json",
            "--format",
            "plain",
            "-o",
            script.to_str().unwrap(),
        ],
        &conn_args(&db),
    )));
    let text = std::fs::read_to_string(&script).expect("a text file");
    assert!(text.contains("PostgreSQL database dump"));
    let copy = pg.create_db("plainz_copy");
    let ran = std::process::Command::new(pg.bin("psql"))
        .args(conn_args(&copy))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(pg.psql(&copy, "SELECT a FROM t"), "42");

    let out = run(&with(
        &[
            "backup",
            "--format",
            "plain",
            "-Z",
            "5",
            "-o",
            dir.path().join("z.sql").to_str().unwrap(),
        ],
        &conn_args(&db),
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("z.sql.gz"));
}

/// A fast (zstd) backup is on disk, not only in the page cache, before it
/// counts as written: tusk fsyncs the file itself, pg_dump does not write it.
#[test]
fn a_fast_backup_is_fsynced_before_it_is_recorded() {
    let pg = PgServer::shared();
    let db = pg.create_db("fsync");
    pg.psql(
        &db,
        "CREATE TABLE t AS SELECT generate_series(1, 1000) AS a",
    );
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("fast.backup.zst");
    let trace = dir.path().join("trace");
    let out = std::process::Command::new("strace")
        .args(["-f", "-y", "-e", "trace=fsync,fdatasync", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_tusk"))
        .args(with(
            &[
                "backup",
                "--preset",
                "fast",
                "--no-catalog",
                "-o",
                output.to_str().unwrap(),
            ],
            &conn_args(&db),
        ))
        .env("TUSK_PG_BIN", pg.bin_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let trace = std::fs::read_to_string(trace).unwrap();
    assert!(
        trace
            .lines()
            .any(|l| l.contains("fsync(") && l.contains(".tusk-partial-")),
        "{trace}"
    );
}

/// A small zstd file whose table of contents claims entry after entry
/// (each a few bytes once decompressed): refused once it claims more than a
/// real database has, with the memory it took staying bounded.
#[test]
fn a_crafted_table_of_contents_cannot_fill_the_memory() {
    fn int(buf: &mut Vec<u8>, v: i64) {
        buf.push(u8::from(v < 0));
        buf.extend_from_slice(&(v.unsigned_abs() as u32).to_le_bytes());
    }
    fn text(buf: &mut Vec<u8>, s: Option<&str>) {
        match s {
            None => int(buf, -1),
            Some(s) => {
                int(buf, s.len() as i64);
                buf.extend_from_slice(s.as_bytes());
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crafted.backup.zst");
    let file = std::fs::File::create(&path).unwrap();
    let mut z = zstd::stream::write::Encoder::new(file, 3).unwrap();
    let mut head = b"PGDMP".to_vec();
    head.extend_from_slice(&[1, 14, 0, 4, 8, 1]);
    int(&mut head, 0);
    for v in [0, 0, 0, 1, 0, 100, 0] {
        int(&mut head, v);
    }
    for s in ["db", "15.0", "15.0"] {
        text(&mut head, Some(s));
    }
    int(&mut head, 999_999);
    z.write_all(&head).unwrap();
    let mut entry = Vec::new();
    for id in 1..=999_999i64 {
        entry.clear();
        int(&mut entry, id);
        int(&mut entry, 0);
        for s in ["0", "0", "t", "TABLE"] {
            text(&mut entry, Some(s));
        }
        int(&mut entry, 2);
        for s in [
            Some(""),
            None,
            None,
            Some("public"),
            Some(""),
            Some("heap"),
            Some("x"),
            Some("false"),
        ] {
            text(&mut entry, s);
        }
        for dep in 1..=40 {
            text(&mut entry, Some(&dep.to_string()));
        }
        text(&mut entry, None);
        entry.push(3);
        entry.extend_from_slice(&[0; 8]);
        z.write_all(&entry).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 4 << 20);

    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "max-rss-kib %M"])
        .arg(env!("CARGO_BIN_EXE_tusk"))
        .args(["info", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more than any real database"), "{stderr}");
    let rss: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("max-rss-kib "))
        .and_then(|n| n.trim().parse().ok())
        .expect("max RSS");
    assert!(rss < 512 * 1024, "peak memory {rss} KiB");
}

/// A restore outside a single transaction killed part way (SIGKILL: no
/// chance to clean up): the next tusk says the database holds part of the
/// backup, and `tusk restores drop` removes it.
#[test]
fn a_killed_restore_is_reported_as_incomplete() {
    let pg = PgServer::shared();
    let db = pg.slow_db("killrestore", 60000);
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("kill.backup");
    ok(&run(&with(
        &[
            "backup",
            "--json",
            "--no-row-counts",
            "-Z",
            "0",
            "-o",
            backup.to_str().unwrap(),
        ],
        &conn_args(&db),
    )));
    let target = format!("{db}_target");
    let mut child = tusk_command(&with(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--target-db",
            &target,
            "--create-db",
            "--no-single-transaction",
        ],
        &conn_args("postgres"),
    ))
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let needle = backup.display().to_string();
    // The pg_restore restoring into the target, not the one counting the
    // backup's rows beside it.
    let restoring = || {
        processes_mentioning(&needle)
            .iter()
            .any(|(_, c)| c.contains("pg_restore") && c.contains(&target))
    };
    wait_for("pg_restore", Duration::from_secs(20), restoring);
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for("pg_restore to die", Duration::from_secs(5), || !restoring());

    let listed = ok(&tusk(&["restores", "--json"]));
    let record = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["database"] == target.as_str())
        .unwrap_or_else(|| panic!("listed: {listed}"))
        .clone();
    assert_eq!(record["status"], "interrupted");
    assert_eq!(record["createdDatabase"], true);
    let list = tusk(&["list"]);
    let shown = String::from_utf8_lossy(&list.stderr);
    assert!(
        shown.contains(&format!("incomplete restore of \"{target}\"")),
        "{shown}"
    );

    let id = record["id"].as_str().unwrap();
    let refused = tusk(&["restores", "drop", id]);
    assert_eq!(refused.status.code(), Some(2));
    let mut drop = vec![
        "restores".to_string(),
        "drop".into(),
        id.into(),
        "--yes".into(),
    ];
    drop.extend(conn_args("postgres"));
    let dropped = run(&drop);
    assert_eq!(dropped.status.code(), Some(0), "{dropped:?}");
    assert!(pg
        .try_psql(&target, "SELECT 1")
        .unwrap_err()
        .contains("does not exist"));
    assert!(!String::from_utf8_lossy(&tusk(&["list"]).stderr).contains(&target));
}

/// The temporary password file lives in a folder of this user's only, and
/// one a killed tusk left behind is removed when tusk next starts.
#[test]
fn a_password_file_left_by_a_killed_tusk_is_swept_at_the_next_start() {
    use std::os::unix::fs::PermissionsExt;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let runtime = tempfile::tempdir().unwrap();
    let folder = runtime.path().join("tusk");
    let mut child = tusk_command(&["check", "--password-stdin", "-h", "127.0.0.1", "-p", &port])
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("PGCONNECT_TIMEOUT", "120")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"s3cret-for-the-sweep\n")
        .unwrap();
    let files = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&folder)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    wait_for("the password file", Duration::from_secs(20), || {
        !files().is_empty()
    });
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&files()[0]), 0o600);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(files().len(), 1, "SIGKILL: nothing could remove it");
    let out = tusk_command(&["tools"])
        .env("XDG_RUNTIME_DIR", runtime.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(files().is_empty(), "swept: {:?}", files());
    drop(listener);
}

/// A backup larger than the file size limit (`ulimit -f`): neither tusk nor
/// pg_dump is killed by SIGXFSZ; the backup fails with the reason and
/// leaves nothing.
#[test]
fn the_file_size_limit_is_named_and_nothing_is_left() {
    let pg = PgServer::shared();
    let db = pg.create_db("fsize");
    pg.psql(
        &db,
        "CREATE TABLE t AS SELECT i, md5(i::text) AS m FROM generate_series(1, 20000) i",
    );
    for preset in ["standard", "fast"] {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("big.backup");
        let mut args = vec![
            "backup".to_string(),
            "--no-catalog".into(),
            "-Z".into(),
            "0".into(),
            "--preset".into(),
            preset.into(),
            "-o".into(),
            output.display().to_string(),
        ];
        if preset == "fast" {
            args.retain(|a| a != "-Z" && a != "0");
        }
        args.extend(conn_args(&db));
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -f 64; exec '{}' {}",
                env!("CARGO_BIN_EXE_tusk"),
                quoted.join(" ")
            ))
            .env("TUSK_PG_BIN", pg.bin_dir())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{preset}: {stderr}");
        assert!(stderr.contains("file size limit"), "{preset}: {stderr}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{preset}: {left:?}");
    }
}

/// Disabled, a schedule has no next run (the app and the CLI share the
/// rule): a stale time would be shown, and run at once when enabled again.
#[test]
fn a_disabled_schedule_shows_no_next_run() {
    let pg = PgServer::shared();
    let db = pg.create_db("sched_toggle");
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db").display().to_string();
    let dest = dir.path().join("dest").display().to_string();
    let cat = ["--catalog", catalog.as_str()];
    let added = ok(&run(&with(
        &[
            "schedule", "add", "--json", "--name", "toggle", "--every", "1h", "--dest", &dest,
            cat[0], cat[1],
        ],
        &conn_args(&db),
    )));
    assert!(added["nextRunAt"].is_string());
    let disabled = ok(&tusk(&[
        "schedule", "disable", "toggle", "--json", cat[0], cat[1],
    ]));
    assert_eq!(disabled["enabled"], false);
    assert!(disabled["nextRunAt"].is_null(), "{disabled}");
    let enabled = ok(&tusk(&[
        "schedule", "enable", "toggle", "--json", cat[0], cat[1],
    ]));
    assert!(enabled["nextRunAt"].is_string(), "{enabled}");
}

/// A schedule encrypts with the saved passphrase (the keychain's, or the
/// file TUSK_PASSPHRASE_FILE names) or to public keys; what cannot work at
/// its first run is refused when it is added.
#[test]
fn an_encrypted_schedule_is_refused_now_when_it_could_not_run() {
    let pg = PgServer::shared();
    let db = pg.create_db("sched_sealed");
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.db").display().to_string();
    let dest = dir.path().join("dest").display().to_string();
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "a long enough passphrase\n").unwrap();
    let add = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "schedule",
            "add",
            "--json",
            "--name",
            name,
            "--every",
            "1h",
            "--dest",
            &dest,
            "--catalog",
            &catalog,
        ];
        args.extend(extra);
        tusk_command(&with(&args, &conn_args(&db)))
    };
    let refused = add("sealed", &["--encrypt"])
        .env_remove("TUSK_PASSPHRASE_FILE")
        .output()
        .unwrap();
    let said = format!("{refused:?}");
    assert_ne!(refused.status.code(), Some(0), "{said}");
    assert!(said.contains("none is saved"), "{said}");
    let added = add("sealed", &["--encrypt"])
        .env("TUSK_PASSPHRASE_FILE", &pass)
        .output()
        .unwrap();
    assert_eq!(ok(&added)["options"]["encryption"]["kind"], "passphrase");
    let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    let refused = add("to-keys", &["--recipient", key, "--verify"])
        .output()
        .unwrap();
    let said = format!("{refused:?}");
    assert_ne!(refused.status.code(), Some(0), "{said}");
    assert!(
        said.contains("verifying each backup means decrypting it"),
        "{said}"
    );
    let added = add("to-keys", &["--recipient", key]).output().unwrap();
    assert_eq!(ok(&added)["options"]["encryption"]["kind"], "recipients");
}

/// `-vv` and `TUSK_LOG_FILE` log what a backup ran (each tool started and
/// ended), and the password given on stdin is in neither the log nor stderr.
#[test]
fn the_log_tells_what_ran_and_never_the_password() {
    let pg = PgServer::shared();
    let db = pg.create_db("logged");
    pg.psql(
        &db,
        "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g",
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let output = dir.path().join("logged.backup");
    let mut args = conn_args(&db);
    let user = args.iter().position(|a| a == "-U").unwrap() + 1;
    args[user] = tusk_testkit::PASSWORD_ROLE.into();
    let mut child = tusk_command(&with(
        &[
            "-vv",
            "backup",
            "--password-stdin",
            "--json",
            "-o",
            output.to_str().unwrap(),
        ],
        &args,
    ))
    .env("TUSK_LOG_FILE", &log)
    .env_remove("RUST_LOG")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", tusk_testkit::PASSWORD).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("tool started") && text.contains("pg_dump"),
        "{text}"
    );
    assert!(text.contains("tool ended"), "{text}");
    assert!(
        stderr.contains("tool started"),
        "-vv shows the log: {stderr}"
    );
    assert!(
        !text.contains(tusk_testkit::PASSWORD),
        "the log holds the password"
    );
    assert!(
        !stderr.contains(tusk_testkit::PASSWORD),
        "stderr holds the password"
    );
}
