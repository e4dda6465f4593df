//! Rows per table: counted when a backup is made (kept in the history),
//! and checked on the target at the end of every restore, plain SQL too.

mod common;

use common::*;
use tusk_testkit::PgServer;

fn shop_db(name: &str) -> String {
    let pg = PgServer::shared();
    let db = pg.create_named_db(name);
    pg.psql(
        &db,
        "CREATE SCHEMA \"Sales Ü\"; \
         CREATE TABLE \"Sales Ü\".\"Order \"\"lines\"\"\" (id serial PRIMARY KEY, v text); \
         CREATE TABLE public.customers (id serial PRIMARY KEY, name text); \
         CREATE TABLE public.empty_one (id int); \
         INSERT INTO \"Sales Ü\".\"Order \"\"lines\"\"\" (v) SELECT 'l' || i FROM generate_series(1, 1204) i; \
         INSERT INTO public.customers (name) SELECT 'c' || i FROM generate_series(1, 46) i;",
    );
    db
}

/// The connection flags with the database name as it is (tusk takes `-d`
/// as a name, never as a connection string).
fn to(db: &str) -> Vec<String> {
    let mut args = conn_args("postgres");
    let last = args.len() - 1;
    args[last] = db.to_string();
    args
}

fn backup(db: &str, path: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["backup", "--json", "-o", path];
    args.extend_from_slice(extra);
    ok(&run(&with(&args, &to(db))))
}

fn restore(path: &str, target: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["restore", path, "--json", "--target-db", target];
    args.extend_from_slice(extra);
    let out = run(&with(&args, &conn_args("postgres")));
    assert!(
        matches!(out.status.code(), Some(0) | Some(4)),
        "{}",
        text(&out)
    );
    json(&out)
}

#[test]
fn a_backup_records_its_rows_and_a_restore_checks_them_on_the_target() {
    let pg = PgServer::shared();
    let db = shop_db("rows 'shop' = ü");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.backup").display().to_string();

    // Counted once made (by a tusk of its own, in the background), and
    // shown with the backup.
    let started = std::time::Instant::now();
    let made = backup(&db, &file, &[]);
    let id = made["backupId"].as_str().unwrap().to_string();
    let shown = loop {
        let shown = ok(&tusk(&["show", &id, "--json"]));
        if !shown["backup"]["rows"].is_null() || started.elapsed().as_secs() > 30 {
            break shown;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(shown["backup"]["rows"]["tables"], 3, "{shown}");
    assert_eq!(shown["backup"]["rows"]["rows"], 1250);
    let tables = shown["tables"].as_array().unwrap();
    assert!(tables
        .iter()
        .any(|t| t["schema"] == "Sales Ü" && t["name"] == "Order \"lines\"" && t["rows"] == 1204));
    let text_out = tusk(&["show", &id]);
    assert!(String::from_utf8_lossy(&text_out.stdout).contains("rows:      1250 in 3 tables"));

    // A restore into a new database ends with the check.
    let target = format!("{db} copy");
    let restored = restore(&file, &target, &["--create-db"]);
    assert_eq!(restored["status"], "completed", "{restored}");
    assert_eq!(
        restored["rowCheck"]["summary"],
        "3 tables, 1,250 rows, all match"
    );
    // And says so in words.
    let again = format!("{db} again");
    let out = run(&with(
        &["restore", &file, "--target-db", &again, "--create-db"],
        &conn_args("postgres"),
    ));
    assert!(
        text(&out).contains("rows checked on the target: 3 tables, 1,250 rows, all match"),
        "{}",
        text(&out)
    );

    // Only the tables restored are compared.
    let one = format!("{db} one");
    let restored = restore(&file, &one, &["--create-db", "-t", "public.customers"]);
    assert_eq!(
        restored["rowCheck"]["summary"], "1 table, 46 rows, all match",
        "{restored}"
    );

    // Rows the target held before: the restore completes with a warning
    // naming the table, its rows and the backup's.
    let busy = format!("{db} busy");
    restore(&file, &busy, &["--create-db", "--schema-only"]);
    pg.psql(
        &busy,
        "INSERT INTO public.customers (id, name) VALUES (9001, 'already here')",
    );
    let restored = restore(&file, &busy, &["--data-only", "--yes"]);
    assert_eq!(restored["status"], "completedWithWarnings", "{restored}");
    assert_eq!(
        restored["rowCheck"]["summary"],
        "1 of 3 tables differ from the backup: public.customers has 47 rows, the backup 46"
    );
    assert!(restored["warnings"].as_array().unwrap().iter().any(|w| w
        .as_str()
        .unwrap()
        .starts_with("after the restore, 1 of 3 tables differ")));
    // A schema-only restore restores no rows: nothing to compare.
    let schema = format!("{db} schema");
    let restored = restore(&file, &schema, &["--create-db", "--schema-only"]);
    assert!(restored["rowCheck"].is_null(), "{restored}");
}

#[test]
fn a_plain_sql_restore_and_a_backup_outside_the_history_are_checked_too() {
    let db = shop_db("rows 'plain' = ü");
    let dir = tempfile::tempdir().unwrap();
    let sql = dir.path().join("shop.sql").display().to_string();
    backup(&db, &sql, &["-F", "plain"]);
    let target = format!("{db} plain");
    let restored = restore(&sql, &target, &["--create-db"]);
    assert_eq!(restored["status"], "completed", "{restored}");
    assert_eq!(
        restored["rowCheck"]["summary"],
        "3 tables, 1,250 rows, all match"
    );

    // Not in the history: counted from the archive beside the restore.
    let loose = dir.path().join("loose.backup").display().to_string();
    backup(&db, &loose, &["--no-catalog"]);
    let target = format!("{db} loose");
    let restored = restore(&loose, &target, &["--create-db", "-j", "2"]);
    assert_eq!(restored["status"], "completed", "{restored}");
    assert_eq!(
        restored["rowCheck"]["summary"],
        "3 tables, 1,250 rows, all match"
    );
    assert!(restored["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| !w.as_str().unwrap().contains("differ")));
}

/// The history exported as CSV and JSON: every matching backup (not one
/// page), hostile names kept intact in JSON and made inert for spreadsheets
/// in CSV, the file written whole or not at all.
#[test]
fn the_history_exports_as_csv_and_json() {
    let db = shop_db("rows 'export' = ü");
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "=HYPERLINK(\"http://x\") export-me",
        "quote \" comma , export-me",
        "newline\nüñï export-me",
    ];
    for (i, name) in names.iter().enumerate() {
        let file = dir
            .path()
            .join(format!("e{i}.backup"))
            .display()
            .to_string();
        backup(
            &db,
            &file,
            &[
                "--name",
                name,
                "--description",
                "-1 note, \"quoted\"",
                "--no-row-counts",
            ],
        );
    }
    // CSV, to a file: one header, three rows (across pages of one).
    let csv_path = dir.path().join("history.csv");
    let out = tusk(&[
        "list",
        "--search",
        "export-me",
        "--limit",
        "1",
        "--export",
        "csv",
        "-o",
        &csv_path.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("3 backup(s) exported to"),
        "{}",
        text(&out)
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let got: Vec<&str> = rows.iter().map(|r| &r[col("name")]).collect();
    // Newest first; a formula made inert, the rest as they are.
    assert_eq!(
        got,
        [
            "newline\nüñï export-me",
            "quote \" comma , export-me",
            "'=HYPERLINK(\"http://x\") export-me"
        ]
    );
    assert!(rows
        .iter()
        .all(|r| &r[col("note")] == "'-1 note, \"quoted\""));
    assert!(rows.iter().all(|r| &r[col("database")] == db.as_str()));
    assert!(rows.iter().all(|r| &r[col("status")] == "completed"));
    assert!(rows.iter().all(|r| r[col("sha256")].len() == 64));
    // JSON, to stdout: every field, names exactly as given.
    let json_out = tusk(&["list", "--search", "export-me", "--export", "json"]);
    let all: serde_json::Value = json(&json_out);
    let mut got: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    got.sort();
    let mut want = names.to_vec();
    want.sort();
    assert_eq!(got, want);
    // A folder that cannot be written: an error naming it, no file left.
    let missing = dir.path().join("no such folder").join("h.json");
    let failed = tusk(&[
        "list",
        "--export",
        "json",
        "-o",
        &missing.display().to_string(),
    ]);
    assert!(!failed.status.success());
    assert!(
        text(&failed).contains("no such folder"),
        "{}",
        text(&failed)
    );
}
