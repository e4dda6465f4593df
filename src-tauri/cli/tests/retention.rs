//! Bounded disk use: the rules for manual backups (opt-in) and for the
//! safety backups taken before restores (on by default), shown, set,
//! previewed with `tusk prune --dry-run`, and applied by `tusk prune`,
//! after each backup or restore, and by the daemon. One test: the rules
//! are the history's, shared by everything in this binary.

mod common;

use common::*;
use std::path::Path;
use tusk_testkit::PgServer;

fn backup_file(db: &str, path: &Path) -> String {
    let out = ok(&run(&with(
        &["backup", "--json", "-o", &path.display().to_string()],
        &conn_args(db),
    )));
    out["backupId"].as_str().unwrap().to_string()
}

fn sidecars_gone(path: &Path) -> bool {
    let with = |ext: &str| format!("{}{ext}", path.display());
    !path.exists()
        && !Path::new(&with(".sha256")).exists()
        && !Path::new(&with(".tusk.json")).exists()
}

#[test]
fn manual_and_safety_backups_are_kept_within_their_rules() {
    let pg = PgServer::shared();
    let dir = tempfile::tempdir().unwrap();

    // The defaults: manual backups all kept, safety backups 14 days with 2 kept.
    let rules = ok(&tusk(&["retention", "--json"]));
    assert!(rules["manual"].is_null(), "{rules}");
    assert_eq!(rules["safety"]["maxAgeDays"], 14);
    assert_eq!(rules["safety"]["minKeep"], 2);
    let shown = tusk(&["retention"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("manual backups: every backup kept"));

    // Three manual backups of one database, one of another: all kept.
    let shop = pg.seeded_db("ret_shop", 100);
    let other = pg.seeded_db("ret_other", 10);
    let files: Vec<_> = (0..3)
        .map(|i| dir.path().join(format!("shop{i}.backup")))
        .collect();
    let ids: Vec<String> = files.iter().map(|f| backup_file(&shop, f)).collect();
    let other_file = dir.path().join("other.backup");
    backup_file(&other, &other_file);
    assert!(files.iter().all(|f| f.exists()));

    // A rule that cannot keep anything safe is refused, with why.
    let bad = tusk(&["retention", "manual", "--keep-last", "0"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("keep last must be at least 1"),
        "{}",
        text(&bad)
    );

    // Seed 002's cap, narrowed to 2 here: what would go is shown first.
    let set = ok(&tusk(&[
        "retention",
        "manual",
        "--keep-last",
        "2",
        "--min-keep",
        "1",
        "--json",
    ]));
    assert_eq!(set["manual"]["keepLast"], 2);
    let dry = tusk(&["prune", "--dry-run"]);
    let said = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(
        said.contains(&format!("manual backups of {shop}")),
        "{said}"
    );
    assert!(said.contains(": 1 would be deleted"), "{said}");
    assert!(said.contains("not among the newest 2"), "{said}");
    assert!(
        said.contains("keep   ") && said.contains("one of the newest 2"),
        "{said}"
    );
    assert!(
        files.iter().all(|f| f.exists()),
        "a dry run deletes nothing"
    );
    let plan = ok(&tusk(&["prune", "--dry-run", "--json"]));
    let group = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "manual" && g["database"] == shop.as_str())
        .unwrap();
    let going: Vec<&str> = group["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["keep"] == false)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(going, [ids[0].as_str()], "the oldest goes");

    // Applied: the oldest backup, its sidecars and its record are gone.
    let pruned = tusk(&["prune"]);
    assert!(pruned.status.success(), "{}", text(&pruned));
    assert!(sidecars_gone(&files[0]));
    assert!(files[1].exists() && files[2].exists() && other_file.exists());
    assert_eq!(tusk(&["show", &ids[0]]).status.code(), Some(2));

    // Each new manual backup applies the rule by itself.
    let fourth = dir.path().join("shop3.backup");
    let made = run(&with(
        &["backup", "-o", &fourth.display().to_string()],
        &conn_args(&shop),
    ));
    assert!(made.status.success(), "{}", text(&made));
    assert!(text(&made).contains("retention deleted"), "{}", text(&made));
    assert!(sidecars_gone(&files[1]));
    assert!(files[2].exists() && fourth.exists());

    // Safety backups: keep 1, and restores over the database take them.
    ok(&tusk(&[
        "retention",
        "safety",
        "--keep-last",
        "1",
        "--min-keep",
        "1",
        "--json",
    ]));
    let mut safety = Vec::new();
    for _ in 0..2 {
        let out = run(&with(
            &[
                "restore",
                &files[2].display().to_string(),
                "--clean",
                "--yes",
                "--json",
            ],
            &conn_args(&shop),
        ));
        let outcome = ok(&out);
        safety.push(std::path::PathBuf::from(
            outcome["safetyBackup"].as_str().unwrap(),
        ));
    }
    assert!(sidecars_gone(&safety[0]), "the older safety backup went");
    assert!(safety[1].exists(), "the newest is kept");

    // Off: every backup kept again.
    ok(&tusk(&["retention", "manual", "--off", "--json"]));
    let rules = ok(&tusk(&["retention", "--json"]));
    assert!(rules["manual"].is_null());

    // The daemon's care: retention, and the catalog vacuumed.
    let daemon = tusk(&["daemon", "--once"]);
    assert!(daemon.status.success(), "{}", text(&daemon));
    assert!(
        text(&daemon).contains("the catalog was vacuumed"),
        "{}",
        text(&daemon)
    );
    let vacuum = ok(&tusk(&["catalog", "vacuum", "--json"]));
    assert!(vacuum["bytesAfter"].as_u64().unwrap() > 0);
}
