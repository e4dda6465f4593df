//! `tusk destination`, `backup --dest`, `list --dest`, `import --dest`,
//! `restore DEST:KEY`, `verify` and `delete` of a backup in a bucket, from
//! two machines sharing one bucket, against a real Garage and PostgreSQL.

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use tusk_testkit::garage::Garage;
use tusk_testkit::PgServer;

/// A machine: its own config file, history and log.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        Machine {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("config.toml")
    }

    fn log(&self) -> std::path::PathBuf {
        self.dir.path().join("tusk.log")
    }

    fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = tusk_command(args);
        cmd.arg("-vv")
            .env("TUSK_CONFIG", self.config())
            .env("TUSK_DATA_DIR", self.dir.path().join("data"))
            .env("TUSK_LOG_FILE", self.log())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_ENDPOINT_URL");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// With `input` on standard input.
    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn succeeded(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", text(out));
    text(out)
}

fn db_args(db: &str) -> Vec<String> {
    conn_args(db)
}

#[test]
fn two_machines_back_up_to_one_bucket_list_import_verify_restore_and_delete() {
    let pg = PgServer::shared();
    let g = Garage::start();
    let db = pg.seeded_db("bucket_cli", 2000);
    let (laptop, server) = (Machine::new(), Machine::new());
    let endpoint = g.endpoint();
    let mut everything = String::new();

    // The laptop keeps the secret in its config file.
    let add = laptop.run_with_input(
        &[
            "destination",
            "add",
            "offsite",
            "--endpoint",
            &endpoint,
            "--region",
            "garage",
            "--bucket",
            "backups",
            "--prefix",
            "team",
            "--access-key-id",
            &g.key_id,
            "--secret-stdin",
        ],
        &format!("{}\n", g.secret),
    );
    everything += &succeeded(&add);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(laptop.config())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the config file holds a secret: {mode:o}");
    }
    let again = laptop.run(&[
        "destination",
        "add",
        "offsite",
        "--bucket",
        "other",
        "--access-key-id",
        "x",
    ]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("add --replace"), "{}", text(&again));
    let listed = json(&laptop.run(&["destination", "list", "--json"]));
    assert_eq!(listed[0]["name"], "offsite");
    assert_eq!(listed[0]["secret"], "configFile");
    let test = laptop.run(&["destination", "test", "offsite"]);
    let said = succeeded(&test);
    assert!(
        said.contains("✓ write") && said.contains("✓ delete"),
        "{said}"
    );
    everything += &said;

    // Backed up straight into the bucket.
    let mut args = vec!["backup", "--dest", "offsite", "--json", "--name", "nightly"];
    let conn = db_args(&db);
    args.extend(conn.iter().map(String::as_str));
    let backup = laptop.run(&args);
    everything += &succeeded(&backup);
    let outcome = json(&backup);
    assert_eq!(outcome["status"], "completed", "{outcome}");
    let location = outcome["location"].as_str().unwrap().to_string();
    let key = location.strip_prefix("offsite:").unwrap().to_string();
    assert!(key.starts_with("bucket-cli"), "{key}");
    let history = json(&laptop.run(&["list", "--json"]));
    assert_eq!(history["items"][0]["copies"][0]["key"], key.as_str());
    let table = succeeded(&laptop.run(&["list"]));
    assert!(table.contains("offsite"), "{table}");

    // The server has the key in its config and the secret in its environment.
    std::fs::write(
        server.config(),
        format!(
            "[destinations.offsite]\nendpoint = \"{endpoint}\"\nregion = \"garage\"\nbucket = \"backups\"\nprefix = \"team\"\naccess_key_id = \"{}\"\n",
            g.key_id
        ),
    )
    .unwrap();
    let no_secret = server.run(&["list", "--dest", "offsite"]);
    assert_eq!(no_secret.status.code(), Some(2), "{}", text(&no_secret));
    assert!(text(&no_secret).contains("no secret access key for `offsite`"));
    let in_bucket = server
        .command(&["list", "--dest", "offsite", "--json"])
        .env("AWS_SECRET_ACCESS_KEY", &g.secret)
        .output()
        .unwrap();
    everything += &succeeded(&in_bucket);
    let in_bucket = json(&in_bucket);
    assert_eq!(in_bucket["backups"][0]["key"], key.as_str(), "{in_bucket}");
    assert_eq!(in_bucket["backups"][0]["record"]["name"], "nightly");
    let import = server
        .command(&["import", "--dest", "offsite", "--json"])
        .env("AWS_SECRET_ACCESS_KEY", &g.secret)
        .output()
        .unwrap();
    everything += &succeeded(&import);
    let id = outcome["backupId"].as_str().unwrap();
    assert_eq!(json(&import)["imported"][0], id);

    // Verified (downloaded, checksum, test restore) and restored from there.
    let mut verify_args = vec!["verify", id, "--json"];
    verify_args.extend(conn.iter().map(String::as_str));
    let verified = server
        .command(&verify_args)
        .env("AWS_SECRET_ACCESS_KEY", &g.secret)
        .output()
        .unwrap();
    everything += &succeeded(&verified);
    assert_eq!(json(&verified)["status"], "passed");
    // Restored from there: read as it downloads where that is safe (said
    // unless --json), downloaded first where pg_restore must seek.
    let restores: [(&str, &[&str], Option<&str>); 3] = [
        ("_from_bucket", &["--json"], None),
        (
            "_streamed",
            &[],
            Some("as it downloads, checked against its .sha256"),
        ),
        (
            "_parallel",
            &["--jobs", "2", "--no-single-transaction"],
            Some("first: a parallel restore reads the backup out of order"),
        ),
    ];
    for (suffix, extra, said) in restores {
        let target = format!("{db}{suffix}");
        let mut args = vec![
            "restore".to_string(),
            location.clone(),
            "--target-db".into(),
            target.clone(),
            "--create-db".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.extend(conn_args("postgres"));
        let restored = server
            .command(&args)
            .env("AWS_SECRET_ACCESS_KEY", &g.secret)
            .output()
            .unwrap();
        everything += &succeeded(&restored);
        if let Some(said) = said {
            assert!(text(&restored).contains(said), "{}", text(&restored));
        }
        assert_eq!(
            pg.psql(&target, "SELECT count(*) FROM t"),
            pg.psql(&db, "SELECT count(*) FROM t")
        );
    }

    // Deleted from the server's history: gone from the bucket for both.
    let deleted = server
        .command(&["delete", id, "--yes"])
        .env("AWS_SECRET_ACCESS_KEY", &g.secret)
        .output()
        .unwrap();
    everything += &succeeded(&deleted);
    let now = json(&laptop.run(&["list", "--dest", "offsite", "--json"]));
    assert_eq!(now["backups"].as_array().unwrap().len(), 0, "{now}");
    assert_eq!(g.unfinished_uploads(), 0);

    // The secret is in no output and no log line, though every step was logged.
    for m in [&laptop, &server] {
        let log = std::fs::read_to_string(m.log()).unwrap();
        assert!(log.contains("tool started"), "{log}");
        everything += &log;
    }
    assert!(!everything.contains(&g.secret), "the secret leaked");
}

#[test]
fn a_wrong_secret_a_missing_bucket_and_no_store_each_exit_with_their_own_message() {
    let g = Garage::start();
    let m = Machine::new();
    std::fs::write(
        m.config(),
        format!(
            "[destinations.offsite]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"backups\"\naccess_key_id = \"{}\"\n\n\
             [destinations.nobucket]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"nope\"\naccess_key_id = \"{}\"\n\n\
             [destinations.nowhere]\nendpoint = \"http://127.0.0.1:9\"\nregion = \"garage\"\nbucket = \"backups\"\naccess_key_id = \"{}\"\n",
            g.endpoint(),
            g.key_id,
            g.endpoint(),
            g.key_id,
            g.key_id
        ),
    )
    .unwrap();
    let wrong = "f".repeat(64);
    let cases = [
        ("offsite", wrong.as_str(), "refused the access key"),
        (
            "nobucket",
            g.secret.as_str(),
            "the bucket `nope` does not exist",
        ),
        (
            "nowhere",
            g.secret.as_str(),
            "nothing answers at http://127.0.0.1:9",
        ),
    ];
    for (name, secret, expected) in cases {
        let test = m.run_with_input(
            &["destination", "test", name, "--secret-stdin"],
            &format!("{secret}\n"),
        );
        assert_eq!(test.status.code(), Some(1), "{}", text(&test));
        assert!(text(&test).contains(expected), "{name}: {}", text(&test));
        assert!(!text(&test).contains(secret), "{name}: the secret leaked");
        let pg = PgServer::shared();
        let mut args = vec![
            "backup".to_string(),
            "--dest".into(),
            name.into(),
            "--secret-stdin".into(),
        ];
        args.extend(pg.conn_args("postgres"));
        let backup = m.run_with_input(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &format!("{secret}\n"),
        );
        assert_eq!(backup.status.code(), Some(3), "{}", text(&backup));
        assert!(
            text(&backup).contains(expected),
            "{name}: {}",
            text(&backup)
        );
    }
    // An unknown destination names the known ones.
    let unknown = m.run(&["list", "--dest", "elsewhere"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("known destinations: nobucket, nowhere, offsite"),
        "{}",
        text(&unknown)
    );
}

#[test]
fn an_encrypted_backup_needs_its_key_for_info_restore_and_verify() {
    let pg = PgServer::shared();
    let db = pg.seeded_db("sealed_cli", 500);
    let m = Machine::new();
    std::fs::write(m.config(), "").unwrap();
    let dir = m.dir.path();
    let passphrase = "a long passphrase = with 'quotes' and ü";
    std::fs::write(dir.join("pass.txt"), format!("{passphrase}\n")).unwrap();
    std::fs::write(dir.join("wrong.txt"), "another long passphrase\n").unwrap();
    let file = dir.join("sealed.backup.age").display().to_string();
    let pass = dir.join("pass.txt").display().to_string();
    let wrong = dir.join("wrong.txt").display().to_string();
    let mut args = vec!["backup", "-o", &file, "--passphrase-file", &pass, "--json"];
    let conn = db_args(&db);
    args.extend(conn.iter().map(String::as_str));
    let backup = m.run(&args);
    let mut everything = succeeded(&backup);
    let id = json(&backup)["backupId"].as_str().unwrap().to_string();

    let no_key = m.run(&["info", &file]);
    assert_eq!(no_key.status.code(), Some(3), "{}", text(&no_key));
    assert!(text(&no_key).contains("is encrypted (age): give its passphrase"));
    let info = m.run(&["info", &file, "--passphrase-file", &pass, "--json"]);
    everything += &succeeded(&info);
    assert_eq!(json(&info)["database"], db.as_str());

    let target = format!("{db}_r");
    let mut restore = vec![
        "restore".to_string(),
        file.clone(),
        "--passphrase-file".into(),
        wrong.clone(),
        "--target-db".into(),
        target.clone(),
        "--create-db".into(),
    ];
    restore.extend(conn_args("postgres"));
    let refused = m.run(&restore.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused));
    assert!(
        text(&refused).contains("the passphrase is wrong"),
        "{}",
        text(&refused)
    );
    assert!(
        pg.try_psql(&target, "SELECT 1").is_err(),
        "nothing was created before the key was checked"
    );
    restore[3] = pass.clone();
    let restored = m.run(&restore.iter().map(String::as_str).collect::<Vec<_>>());
    everything += &succeeded(&restored);
    // No decrypted copy: decrypted as pg_restore reads it.
    assert!(
        text(&restored).contains("as pg_restore reads it"),
        "{}",
        text(&restored)
    );
    assert_eq!(pg.psql(&target, "SELECT count(*) FROM t"), "500");

    let mut verify = vec!["verify", &id, "--passphrase-file", &pass, "--json"];
    verify.extend(conn.iter().map(String::as_str));
    let verified = m.run(&verify);
    everything += &succeeded(&verified);
    assert_eq!(json(&verified)["status"], "passed");

    everything += &std::fs::read_to_string(m.log()).unwrap();
    assert!(!everything.contains(passphrase), "the passphrase leaked");
}

#[test]
fn a_local_backup_is_copied_to_a_bucket_as_it_is_made_and_later() {
    let pg = PgServer::shared();
    let g = Garage::start();
    let db = pg.seeded_db("copy_cli", 300);
    let m = Machine::new();
    std::fs::write(
        m.config(),
        format!(
            "[destinations.offsite]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"backups\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n\n[destinations.second]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"backups\"\nprefix = \"second\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
            g.endpoint(), g.key_id, g.secret, g.endpoint(), g.key_id, g.secret
        ),
    )
    .unwrap();
    let file = m.dir.path().join("copy.backup").display().to_string();
    let mut args = vec!["backup", "-o", &file, "--copy-to", "offsite", "--json"];
    let conn = db_args(&db);
    args.extend(conn.iter().map(String::as_str));
    let made = m.run(&args);
    succeeded(&made);
    let id = json(&made)["backupId"].as_str().unwrap().to_string();
    let copied = m.run(&["copy", &id, "--dest", "second", "--json"]);
    succeeded(&copied);
    assert!(json(&copied)["key"]
        .as_str()
        .unwrap()
        .starts_with("copy-cli"));
    let table = succeeded(&m.run(&["list"]));
    assert!(table.contains("local, offsite, second"), "{table}");
    let again = m.run(&["copy", &id, "--dest", "second"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("is already in second"));
    let listed = json(&m.run(&["list", "--dest", "second", "--json"]));
    assert_eq!(listed["backups"][0]["record"]["id"], id.as_str());
}

#[test]
fn neither_the_secret_nor_the_passphrase_is_in_any_process_argv_while_it_runs() {
    let pg = PgServer::shared();
    let g = Garage::start();
    let db = pg.slow_db("argv_bucket", 30_000);
    let m = Machine::new();
    std::fs::write(
        m.config(),
        format!(
            "[destinations.offsite]\nendpoint = \"{}\"\nregion = \"garage\"\nbucket = \"backups\"\naccess_key_id = \"{}\"\n",
            g.endpoint(),
            g.key_id
        ),
    )
    .unwrap();
    let passphrase = "argv passphrase that must never show";
    let pass_file = m.dir.path().join("pass.txt");
    std::fs::write(&pass_file, passphrase).unwrap();
    let mut args = vec![
        "backup".to_string(),
        "--dest".into(),
        "offsite".into(),
        "--secret-stdin".into(),
        "--passphrase-file".into(),
        pass_file.display().to_string(),
        "--json".into(),
    ];
    args.extend(db_args(&db));
    let mut child = m
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", g.secret).as_bytes())
        .unwrap();
    let mut saw_pg_dump = false;
    while child.try_wait().unwrap().is_none() {
        saw_pg_dump |= !tusk_testkit::processes_mentioning(&db).is_empty();
        assert_eq!(tusk_testkit::processes_mentioning(&g.secret), vec![]);
        assert_eq!(tusk_testkit::processes_mentioning(passphrase), vec![]);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(saw_pg_dump, "the check ran while pg_dump did");
    let out = child.wait_with_output().unwrap();
    let said = succeeded(&out);
    assert!(!said.contains(&g.secret) && !said.contains(passphrase));
    assert_eq!(json(&out)["status"], "completed");
}
