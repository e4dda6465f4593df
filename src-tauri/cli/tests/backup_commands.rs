//! Seed 003's example tests ("Phase 4B - Backup Management"), adapted to
//! Tusk and PostgreSQL: named remotes in the config file (with the seed's
//! `environment`), `tusk backup create --remote NAME` with no `-o` (a dated
//! file in the backups folder), `tusk restore … --remote NAME`, and
//! `tusk backup list --remote NAME`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use tusk_testkit::PgServer;

/// The seed's `setup_test_database` + `populate_test_data`: a `blog`
/// schema with users and posts.
fn blog_db(prefix: &str) -> String {
    let pg = PgServer::shared();
    let db = pg.create_db(prefix);
    pg.psql(
        &db,
        "CREATE SCHEMA blog; \
         CREATE TABLE blog.tb_user (pk_user serial PRIMARY KEY, email text UNIQUE NOT NULL, name text); \
         CREATE TABLE blog.tb_post (pk_post serial PRIMARY KEY, fk_user int REFERENCES blog.tb_user, title text); \
         INSERT INTO blog.tb_user (email, name) SELECT 'user' || i || '@example.com', 'Ünï ''user'' ' || i FROM generate_series(1, 250) i; \
         INSERT INTO blog.tb_post (fk_user, title) SELECT 1 + i % 250, 'post ' || i FROM generate_series(1, 1000) i;",
    );
    db
}

fn count_users(db: &str) -> String {
    PgServer::shared().psql(db, "SELECT count(*) FROM blog.tb_user")
}

fn all_users(db: &str) -> String {
    PgServer::shared().psql(
        db,
        "SELECT string_agg(pk_user || '|' || email || '|' || name, E'\\n' ORDER BY pk_user) FROM blog.tb_user",
    )
}

/// The seed's `setup_test_project`: a config file naming the remotes, and a
/// backups folder, in `dir`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(remotes: &[(&str, &str, &str)]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let mut config = format!("backups_folder = {:?}\n", backups.display().to_string());
        for (name, db, environment) in remotes {
            config.push_str(&format!(
                "\n[remotes.{name:?}]\nurl = {:?}\nenvironment = {environment:?}\n",
                PgServer::shared().url(db)
            ));
        }
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Project { dir }
    }

    fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    /// `tusk ARGS` with this project's config, run from its folder (as the
    /// seed runs `cargo run -- backup create` in the project).
    fn tusk(&self, args: &[&str]) -> Output {
        let mut cmd = tusk_command(args);
        cmd.arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .current_dir(self.dir.path());
        cmd.output().unwrap()
    }

    /// `backup create --remote NAME --json`: the outcome.
    fn create_backup(&self, remote: &str) -> serde_json::Value {
        ok(&self.tusk(&["backup", "create", "--remote", remote, "--json"]))
    }

    fn restore(&self, backup: &Path, remote: &str, extra: &[&str]) -> Output {
        let file = backup.display().to_string();
        let mut args = vec!["restore", file.as_str(), "--remote", remote];
        args.extend_from_slice(extra);
        self.tusk(&args)
    }
}

fn output_path(outcome: &serde_json::Value) -> PathBuf {
    PathBuf::from(outcome["outputPath"].as_str().unwrap())
}

#[test]
fn test_backup_creation() {
    let db = blog_db("seed3_source");
    let project = Project::new(&[("test_remote", &db, "local")]);
    let backup_info = project.create_backup("test_remote");

    // The file exists, under a dated name in the configured backups folder.
    let file_path = output_path(&backup_info);
    assert!(file_path.exists());
    assert_eq!(file_path.parent().unwrap(), project.backups());
    let name = file_path.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with(&format!("{}_", tusk_engine::paths::slug(&db)))
            && name.ends_with(".backup"),
        "{name}"
    );
    assert!(backup_info["sizeBytes"].as_u64().unwrap() > 0);
    let checksum = backup_info["sha256"].as_str().unwrap();
    assert_eq!(checksum.len(), 64);
    // What the checksum file beside it says.
    let sidecar = std::fs::read_to_string(format!("{}.sha256", file_path.display())).unwrap();
    assert!(sidecar.starts_with(checksum));

    // The seed reads the file as text: a custom archive is binary, but its
    // table of contents names the schema and the tables as they are.
    let backup_content = std::fs::read(&file_path).unwrap();
    let holds = |what: &str| {
        backup_content
            .windows(what.len())
            .any(|w| w == what.as_bytes())
    };
    assert!(holds("blog"), "should contain our schema");
    assert!(holds("tb_user"), "should contain our tables");
    // And Tusk reads it as an archive of this database.
    let info = ok(&tusk(&["info", "--json", &file_path.display().to_string()]));
    assert_eq!(info["database"], db.as_str());
    assert!(info["contents"]["schemas"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "blog"));
}

#[test]
fn test_backup_restoration() {
    let source = blog_db("seed3_backup_source");
    let target = PgServer::shared().create_named_db("seed3 'target' = ü");
    let project = Project::new(&[("source", &source, "local"), ("target", &target, "local")]);
    let backup_info = project.create_backup("source");

    let restored = project.restore(&output_path(&backup_info), "target", &[]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(count_users(&source), count_users(&target));
    assert_eq!(all_users(&source), all_users(&target));
}

#[test]
fn test_backup_rollback_scenario() {
    let db = blog_db("seed3_rollback");
    let project = Project::new(&[("rollback_test", &db, "staging")]);
    let initial_user_count = count_users(&db);
    let initial_users = all_users(&db);
    let backup_info = project.create_backup("rollback_test");

    // A failed deployment changes the data.
    PgServer::shared().psql(
        &db,
        "DELETE FROM blog.tb_post WHERE fk_user > 200; DELETE FROM blog.tb_user WHERE pk_user > 200; \
         UPDATE blog.tb_user SET name = 'broken';",
    );
    assert_ne!(count_users(&db), initial_user_count);

    // Rolling back over the live database drops what is there: it asks to
    // be confirmed, and touches nothing until it is.
    let unconfirmed = project.restore(&output_path(&backup_info), "rollback_test", &["--clean"]);
    assert!(!unconfirmed.status.success());
    assert!(
        text(&unconfirmed).contains("--yes"),
        "{}",
        text(&unconfirmed)
    );
    assert_eq!(count_users(&db), "200");

    let rolled_back = project.restore(
        &output_path(&backup_info),
        "rollback_test",
        &["--clean", "--yes"],
    );
    assert!(rolled_back.status.success(), "{}", text(&rolled_back));
    // The remote's environment is named, so a restore aimed at it says where it goes.
    assert!(
        text(&rolled_back).contains("rollback_test (environment: staging)"),
        "{}",
        text(&rolled_back)
    );
    assert_eq!(count_users(&db), initial_user_count);
    assert_eq!(all_users(&db), initial_users);
}

#[test]
fn test_backup_commands() {
    let db = blog_db("seed3_staging");
    let project = Project::new(&[("staging", &db, "staging")]);

    let output = project.tusk(&["backup", "create", "--remote", "staging"]);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Backup created"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("staging (environment: staging)"));

    let output = project.tusk(&["backup", "list", "--remote", "staging", "--json"]);
    let page = ok(&output);
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["source"]["connectionName"], "staging");

    // `backup list` succeeds even when there are no backups.
    let empty = Project::new(&[("staging", &db, "staging")]);
    let none = empty.tusk(&["backup", "list", "--remote", "nobody-backs-this-up"]);
    assert!(none.status.success(), "{}", text(&none));

    // A remote the config does not name: the error says so (the seed's
    // "remote"), with the remotes it knows.
    let missing = project.tusk(&["backup", "create", "--remote", "production"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("no remote named `production`; known remotes: staging"),
        "{stderr}"
    );
    // A remote whose server is not there: a connection error, and no file.
    let down = Project::new(&[("down", "nowhere", "staging")]);
    let config = down.dir.path().join("config.toml");
    let text_config = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&format!(":{}/", PgServer::shared().port()), ":1/");
    std::fs::write(&config, text_config).unwrap();
    let failed = down.tusk(&["backup", "create", "--remote", "down"]);
    assert!(!failed.status.success());
    assert!(
        text(&failed).to_lowercase().contains("connect"),
        "{}",
        text(&failed)
    );
    let left: Vec<_> = std::fs::read_dir(down.backups())
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "a failed backup leaves no file: {left:?}");

    // The same backup as `tusk backup` by its old name, and `tusk list`.
    let classic = project.tusk(&["backup", "--remote", "staging"]);
    assert!(classic.status.success(), "{}", text(&classic));
    let page = ok(&project.tusk(&["list", "--connection", "staging", "--json"]));
    assert_eq!(page["total"], 2, "{page}");
}
