//! The Tauri commands under the mock runtime, against a real PostgreSQL:
//! events in order with exactly one terminal event, cancel, duplicate ids,
//! and the error shape the frontend relies on.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::{Listener, WebviewWindow, WebviewWindowBuilder};
use tusk_app::profiles::{NoKeychain, Profiles};
use tusk_app::state::AppState;
use tusk_engine::catalog::Catalog;
use tusk_engine::ToolSearch;
use tusk_testkit::PgServer;

struct TestApp {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    events: Arc<Mutex<Vec<(String, Value)>>>,
    handle: tauri::AppHandle<MockRuntime>,
    dir: tempfile::TempDir,
}

/// Safety backups and Tusk's other files of this test binary: never the
/// user's data folder.
fn data_dir() -> &'static std::path::Path {
    tusk_testkit::isolated_data_dir()
}

fn app() -> TestApp {
    data_dir();
    let dir = tempfile::tempdir().unwrap();
    let profiles =
        Profiles::load(dir.path().join("connections.json"), Box::new(NoKeychain)).unwrap();
    let app = tusk_app::with_commands(mock_builder())
        .manage(AppState::new(
            profiles,
            ToolSearch::folder(PgServer::shared().bin_dir()),
            dir.path().to_path_buf(),
            Catalog::open(&dir.path().join("catalog.db")).unwrap().0,
        ))
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp {
        handle: app.handle().clone(),
        _app: app,
        webview,
        events: Default::default(),
        dir,
    }
}

impl TestApp {
    fn invoke(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        tauri::test::get_ipc_response(
            &self.webview,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(body),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    /// Records the events of job `id` (and jobs:changed) in arrival order.
    fn record(&self, kind: &str, id: &str) {
        for name in [
            format!("{kind}:progress:{id}"),
            format!("job:log:{id}"),
            format!("{kind}:finished:{id}"),
            "jobs:changed".to_string(),
        ] {
            let events = self.events.clone();
            let label = name.clone();
            self.handle.listen_any(name, move |e| {
                let payload = serde_json::from_str(e.payload()).unwrap_or(Value::Null);
                events.lock().unwrap().push((label.clone(), payload));
            });
        }
    }

    fn wait_for(&self, event: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some((_, payload)) = self.events.lock().unwrap().iter().find(|(n, _)| n == event)
            {
                return payload.clone();
            }
            assert!(Instant::now() < deadline, "no {event} within 60 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn names(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The restore as the dialog starts it: its pre-flight first, then
    /// `restore_backup` with the plan's token and the name it asks for.
    fn restore(&self, job_id: &str, options: Value) -> Result<Value, Value> {
        let plan = self.invoke("preflight_restore", json!({ "options": options }))?;
        self.invoke(
            "restore_backup",
            json!({ "jobId": job_id, "options": options, "confirmation": {
                "token": plan["token"], "typedName": plan["safety"]["confirmName"] } }),
        )
    }

    fn connection(&self, db: &str) -> String {
        let pg = PgServer::shared();
        let saved = self
            .invoke(
                "save_connection",
                json!({ "profile": { "name": "test", "host": pg.socket_dir(), "port": pg.port(), "database": db, "user": "postgres" } }),
            )
            .unwrap();
        saved["id"].as_str().unwrap().to_string()
    }
}

#[test]
fn backup_then_restore_through_commands_and_events() {
    let pg = PgServer::shared();
    let db = pg.create_db("app");
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 20000) i;");
    let t = app();
    let conn = t.connection(&db);
    let output = t.dir.path().join("app.backup");

    t.record("backup", "00000000-0000-4000-8000-0000000000b1");
    let started = t
        .invoke(
            "create_backup",
            json!({ "jobId": "00000000-0000-4000-8000-0000000000b1", "options": { "connectionId": conn, "outputPath": output } }),
        )
        .unwrap();
    assert_eq!(started["jobType"], "backup");
    assert!(started["command"].as_str().unwrap().contains("pg_dump"));
    let outcome = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000b1");
    assert_eq!(outcome["status"], "completed", "{outcome}");
    assert!(output.exists());
    std::thread::sleep(Duration::from_millis(200));
    let names = t.names();
    let finished: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("backup:finished"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(finished.len(), 1, "exactly one terminal event: {names:?}");
    let last_progress = names
        .iter()
        .rposition(|n| n.starts_with("backup:progress"))
        .expect("progress events");
    assert!(
        last_progress < finished[0],
        "progress before the terminal event: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("job:log")),
        "log lines sent"
    );

    let jobs = t.invoke("list_jobs", json!({})).unwrap();
    assert_eq!(jobs[0]["jobId"], "00000000-0000-4000-8000-0000000000b1");
    assert_eq!(jobs[0]["status"], "completed");

    let info = t
        .invoke("get_backup_info", json!({ "path": output }))
        .unwrap();
    assert_eq!(info["database"], db.as_str());
    assert_eq!(info["contents"]["tables"].as_array().unwrap().len(), 1);

    t.record("restore", "00000000-0000-4000-8000-0000000000a1");
    let target = format!("{db}_restored");
    t.restore(
        "00000000-0000-4000-8000-0000000000a1",
        json!({ "connectionId": conn, "inputPath": output, "targetDatabase": target, "createDatabase": true }),
    )
    .unwrap();
    let restored = t.wait_for("restore:finished:00000000-0000-4000-8000-0000000000a1");
    assert_eq!(restored["status"], "completed", "{restored}");
    assert_eq!(pg.psql(&target, "SELECT count(*) FROM t"), "20000");
}

#[test]
fn duplicate_job_id_is_refused_and_errors_have_a_stable_shape() {
    let pg = PgServer::shared();
    let db = pg.create_db("dup");
    let t = app();
    let conn = t.connection(&db);
    let output = t.dir.path().join("a.backup");
    t.record("backup", "00000000-0000-4000-8000-000000000005");
    t.invoke(
        "create_backup",
        json!({ "jobId": "00000000-0000-4000-8000-000000000005", "options": { "connectionId": conn, "outputPath": output } }),
    )
    .unwrap();
    let again = t
        .invoke("create_backup", json!({ "jobId": "00000000-0000-4000-8000-000000000005", "options": { "connectionId": conn, "outputPath": t.dir.path().join("b.backup") } }))
        .unwrap_err();
    assert_eq!(
        again,
        json!({ "kind": "jobIdInUse", "message": "a job with id `00000000-0000-4000-8000-000000000005` already exists: use a new id", "detail": null })
    );
    t.wait_for("backup:finished:00000000-0000-4000-8000-000000000005");

    let invalid = t
        .invoke("create_backup", json!({ "jobId": "00000000-0000-4000-8000-00000000000e", "options": { "connectionId": conn, "outputPath": t.dir.path().join("c.backup"), "compression": 12 } }))
        .unwrap_err();
    assert_eq!(
        invalid,
        json!({ "kind": "invalidOptions", "message": "compression level 12 is out of range: use 0 (none) to 9 (smallest)", "detail": null })
    );
    // A refused job gives its id back.
    let list = t.invoke("list_jobs", json!({})).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["jobId"] != "00000000-0000-4000-8000-00000000000e"));

    let unknown = t
        .invoke("create_backup", json!({ "jobId": "00000000-0000-4000-8000-00000000000f", "options": { "connectionId": "nope", "outputPath": t.dir.path().join("d.backup") } }))
        .unwrap_err();
    assert_eq!(unknown["kind"], "unknownConnection");

    let bogus = t.dir.path().join("bogus.backup");
    std::fs::write(&bogus, b"").unwrap();
    let err = t
        .invoke("get_backup_info", json!({ "path": bogus }))
        .unwrap_err();
    assert_eq!(err["kind"], "archive");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("is empty (0 bytes)"));
}

#[test]
fn cancel_job_ends_a_running_backup_as_cancelled() {
    let pg = PgServer::shared();
    let db = pg.slow_db("appcancel", 80000);
    let t = app();
    let conn = t.connection(&db);
    let output = t.dir.path().join("slow.backup");
    t.record("backup", "00000000-0000-4000-8000-0000000000c1");
    t.invoke(
        "create_backup",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000c1", "options": { "connectionId": conn, "outputPath": output, "compression": 9 } }),
    )
    .unwrap();
    t.wait_for("backup:progress:00000000-0000-4000-8000-0000000000c1");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        t.invoke(
            "cancel_job",
            json!({ "jobId": "00000000-0000-4000-8000-0000000000c1" })
        )
        .unwrap(),
        json!(true)
    );
    let outcome = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000c1");
    assert_eq!(outcome["status"], "cancelled");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        t.names()
            .iter()
            .filter(|n| n.starts_with("backup:finished"))
            .count(),
        1
    );
    assert_eq!(
        t.invoke(
            "cancel_job",
            json!({ "jobId": "00000000-0000-4000-8000-0000000000c1" })
        )
        .unwrap(),
        json!(false),
        "already ended"
    );
    assert_eq!(
        t.invoke(
            "cancel_job",
            json!({ "jobId": "00000000-0000-4000-8000-000000000099" })
        )
        .unwrap_err()["kind"],
        "unknownJob"
    );
    let left: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        left.iter()
            .all(|n| n == "connections.json" || n.to_string_lossy().starts_with("catalog.db")),
        "no partial file: {left:?}"
    );
}

#[test]
fn connections_are_saved_without_passwords() {
    let pg = PgServer::shared();
    let t = app();
    let saved = t
        .invoke(
            "save_connection",
            json!({ "profile": { "name": "pw", "host": pg.socket_dir(), "port": pg.port(), "database": "postgres", "user": tusk_testkit::PASSWORD_ROLE, "password": tusk_testkit::PASSWORD } }),
        )
        .unwrap();
    assert_eq!(saved["passwordStorage"], "session");
    let id = saved["id"].as_str().unwrap();
    let info = t.invoke("test_connection", json!({ "id": id })).unwrap();
    assert_eq!(info["user"], tusk_testkit::PASSWORD_ROLE);
    let file = std::fs::read_to_string(t.dir.path().join("connections.json")).unwrap();
    assert!(
        !file.contains(tusk_testkit::PASSWORD),
        "no password in the profiles file"
    );
    let objects = t
        .invoke("list_objects", json!({ "connectionId": id }))
        .unwrap();
    assert_eq!(objects["database"], "postgres");
    assert!(objects["schemas"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "public"));
    t.invoke("delete_connection", json!({ "id": id })).unwrap();
    assert_eq!(t.invoke("list_connections", json!({})).unwrap(), json!([]));
    assert_eq!(
        t.invoke("test_connection", json!({ "id": id }))
            .unwrap_err()["kind"],
        "unknownConnection"
    );
}

#[test]
fn backups_go_to_the_history_and_verify_as_a_job() {
    let pg = PgServer::shared();
    let db = pg.create_db("apphist");
    pg.psql(
        &db,
        "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 321);",
    );
    let t = app();
    let conn = t.connection(&db);
    let output = t.dir.path().join("h.backup");
    t.record("backup", "00000000-0000-4000-8000-0000000000d1");
    t.invoke(
        "create_backup",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000d1", "options": { "connectionId": conn, "outputPath": output }, "notes": { "name": "before the upgrade" } }),
    )
    .unwrap();
    let outcome = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000d1");
    let backup_id = outcome["backupId"].as_str().expect("recorded").to_string();
    let page = t
        .invoke("list_backups", json!({ "query": { "connectionId": conn } }))
        .unwrap();
    assert_eq!(page["total"], 1);
    let record = &page["items"][0];
    assert_eq!(record["name"], "before the upgrade");
    assert_eq!(record["source"]["connectionName"], "test");
    assert_eq!(record["sha256"], outcome["sha256"]);

    t.record("verify", "00000000-0000-4000-8000-0000000000e1");
    t.invoke(
        "verify_backup_job",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000e1", "backupId": backup_id }),
    )
    .unwrap();
    let verified = t.wait_for("verify:finished:00000000-0000-4000-8000-0000000000e1");
    assert_eq!(verified["status"], "completed", "{verified}");
    std::thread::sleep(Duration::from_millis(200));
    let names = t.names();
    assert_eq!(
        names
            .iter()
            .filter(|n| *n == "verify:finished:00000000-0000-4000-8000-0000000000e1")
            .count(),
        1
    );
    assert!(names
        .iter()
        .any(|n| n == "verify:progress:00000000-0000-4000-8000-0000000000e1"));
    let page = t
        .invoke("list_backups", json!({ "query": { "connectionId": conn } }))
        .unwrap();
    let v = &page["items"][0]["verification"];
    assert_eq!(v["status"], "passed");
    assert_eq!(v["tables"][0]["restored"], 321);

    let gone = t
        .invoke(
            "verify_backup_job",
            json!({ "jobId": "00000000-0000-4000-8000-0000000000e2", "backupId": "nope" }),
        )
        .unwrap_err();
    assert_eq!(gone["kind"], "unknownBackup");
    t.invoke(
        "delete_backup",
        json!({ "id": backup_id, "keepFile": false }),
    )
    .unwrap();
    assert!(!output.exists());
    assert!(!t.dir.path().join("h.backup.sha256").exists());
}

#[test]
fn a_scheduled_run_with_retries_ends_in_one_terminal_event() {
    let pg = PgServer::shared();
    let t = app();
    // A database that does not exist: every attempt fails.
    let conn = t.connection("no_such_database_here");
    let saved = t
        .invoke(
            "save_schedule",
            json!({ "schedule": {
                "name": "broken", "source": { "connectionId": conn },
                "trigger": { "kind": "interval", "everySecs": 3600 },
                "destination": t.dir.path().join("sched"),
                "maxRetries": 2, "retryDelaySecs": 0
            } }),
        )
        .unwrap();
    assert!(saved["nextRunAt"].is_string());
    let id = saved["id"].as_str().unwrap();
    t.record("backup", "00000000-0000-4000-8000-0000000000f1");
    t.invoke(
        "run_schedule_now",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000f1", "scheduleId": id }),
    )
    .unwrap();
    let outcome = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000f1");
    assert_eq!(outcome["status"], "failed");
    assert!(outcome["error"]["summary"]
        .as_str()
        .unwrap()
        .contains("no_such_database_here"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        t.names()
            .iter()
            .filter(|n| *n == "backup:finished:00000000-0000-4000-8000-0000000000f1")
            .count(),
        1,
        "three attempts, one terminal event"
    );
    let summaries = t.invoke("list_schedules", json!({})).unwrap();
    let stats = &summaries[0]["stats"];
    assert_eq!(stats["failedRuns"], 1);
    assert_eq!(stats["lastRun"]["attempts"], 3);

    let bad = t
        .invoke(
            "save_schedule",
            json!({ "schedule": { "name": "x", "source": { "connectionId": conn }, "destination": t.dir.path(), "trigger": { "kind": "cron", "expression": "99 * * * *" } } }),
        )
        .unwrap_err();
    assert_eq!(bad["kind"], "invalidOptions");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("not a cron expression"),
        "{bad}"
    );
    let _ = pg;
}

/// The backend runs a restore only as it was checked and confirmed: the
/// pre-flight's token for exactly these options, and the typed target name
/// when the restore drops or replaces something. A restore that stops part
/// way is listed as incomplete until dropped or dismissed.
#[test]
fn restores_run_only_as_confirmed_and_incomplete_ones_are_listed() {
    let pg = PgServer::shared();
    let db = pg.create_db("confirm");
    pg.psql(&db, "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a SELECT generate_series(1, 50); CREATE TABLE z (id int);");
    let t = app();
    let conn = t.connection(&db);
    let output = t.dir.path().join("confirm.backup");
    let job = "00000000-0000-4000-8000-00000000c0f1";
    t.record("backup", job);
    t.invoke(
        "create_backup",
        json!({ "jobId": job, "options": { "connectionId": conn, "outputPath": output } }),
    )
    .unwrap();
    assert_eq!(
        t.wait_for(&format!("backup:finished:{job}"))["status"],
        "completed"
    );

    let clean = json!({ "connectionId": conn, "inputPath": output, "clean": true });
    let plan = t
        .invoke("preflight_restore", json!({ "options": clean }))
        .unwrap();
    assert_eq!(plan["safety"]["confirmName"], db.as_str());
    assert!(plan["safety"]["mustConfirm"][0]
        .as_str()
        .unwrap()
        .contains("clean drops"));
    let token = plan["token"].clone();
    let start = |id: &str, options: &Value, confirmation: Value| {
        t.invoke(
            "restore_backup",
            json!({ "jobId": id, "options": options, "confirmation": confirmation }),
        )
    };
    let refused = start(
        "00000000-0000-4000-8000-00000000c0f2",
        &clean,
        json!({ "token": "forged", "typedName": db }),
    )
    .unwrap_err();
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("not the one that was checked"),
        "{refused}"
    );
    let unconfirmed = start(
        "00000000-0000-4000-8000-00000000c0f3",
        &clean,
        json!({ "token": token, "typedName": "wrong" }),
    )
    .unwrap_err();
    assert!(
        unconfirmed["message"]
            .as_str()
            .unwrap()
            .contains(&format!("type \"{db}\" to confirm")),
        "{unconfirmed}"
    );
    let changed =
        json!({ "connectionId": conn, "inputPath": output, "clean": true, "safetyBackup": false });
    let other = start(
        "00000000-0000-4000-8000-00000000c0f4",
        &changed,
        json!({ "token": token, "typedName": db }),
    )
    .unwrap_err();
    assert!(
        other["message"]
            .as_str()
            .unwrap()
            .contains("not the one that was checked"),
        "{other}"
    );
    // A swap's plan names a temporary database after its job: its token
    // stands for the swap, not for those names.
    let swap = json!({ "connectionId": conn, "inputPath": output, "swap": true });
    let plan = t
        .invoke("preflight_restore", json!({ "options": swap }))
        .unwrap();
    assert_eq!(plan["safety"]["confirmName"], db.as_str());
    let job = "00000000-0000-4000-8000-00000000c0f6";
    t.record("restore", job);
    start(
        job,
        &swap,
        json!({ "token": plan["token"], "typedName": db }),
    )
    .unwrap();
    let swapped = t.wait_for(&format!("restore:finished:{job}"));
    assert_eq!(swapped["status"], "completed", "{swapped}");

    let not_uuid = start("r1", &clean, json!({ "token": token, "typedName": db })).unwrap_err();
    assert!(
        not_uuid["message"]
            .as_str()
            .unwrap()
            .contains("is not a UUID"),
        "{not_uuid}"
    );
    let jobs = t.invoke("list_jobs", json!({})).unwrap();
    assert_eq!(
        jobs.as_array().unwrap().len(),
        2,
        "refused restores hold no job: {jobs}"
    );

    // Into the database as it is, outside a transaction: table z exists,
    // its CREATE fails after a was restored; the database holds part of it.
    let partial = json!({ "connectionId": conn, "inputPath": output, "singleTransaction": false, "safetyBackup": false });
    pg.psql(&db, "DROP TABLE a");
    let job = "00000000-0000-4000-8000-00000000c0f5";
    t.record("restore", job);
    t.restore(job, partial).unwrap();
    let outcome = t.wait_for(&format!("restore:finished:{job}"));
    assert_eq!(outcome["status"], "failed", "{outcome}");
    let incomplete = t.invoke("list_incomplete_restores", json!({})).unwrap();
    assert_eq!(incomplete[0]["database"], db.as_str(), "{incomplete}");
    assert_eq!(incomplete[0]["connectionId"], conn.as_str());
    let id = incomplete[0]["id"].as_str().unwrap();
    let wrong = t
        .invoke(
            "drop_incomplete_restore",
            json!({ "id": id, "typedName": "nope" }),
        )
        .unwrap_err();
    assert!(wrong["message"].as_str().unwrap().contains("type its name"));
    let dropped = t
        .invoke(
            "drop_incomplete_restore",
            json!({ "id": id, "typedName": db }),
        )
        .unwrap();
    assert_eq!(dropped, db.as_str());
    assert_eq!(
        t.invoke("list_incomplete_restores", json!({})).unwrap(),
        json!([])
    );
    assert!(pg
        .try_psql(&db, "SELECT 1")
        .unwrap_err()
        .contains("does not exist"));
}

#[test]
fn a_destination_takes_an_encrypted_backup_that_restores_and_verifies_from_the_bucket() {
    let pg = PgServer::shared();
    let g = tusk_testkit::garage::Garage::start();
    let db = pg.create_db("appbucket");
    pg.psql(
        &db,
        "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 4321) i;",
    );
    let t = app();
    let conn = t.connection(&db);
    let destination = json!(g.destination("offsite", "app"));

    // A wrong secret fails the test at its first step, saying why.
    let steps = t
        .invoke(
            "test_destination",
            json!({ "input": { "destination": destination, "secret": "f".repeat(64) } }),
        )
        .unwrap();
    assert_eq!(steps[0]["ok"], false, "{steps}");
    assert_eq!(steps[0]["failure"], "credentials", "{steps}");
    // Saved without a secret: refused.
    let refused = t
        .invoke(
            "save_destination",
            json!({ "input": { "destination": destination } }),
        )
        .unwrap_err();
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("secret access key"),
        "{refused}"
    );
    let view = t
        .invoke(
            "save_destination",
            json!({ "input": { "destination": destination, "secret": g.secret } }),
        )
        .unwrap();
    assert_eq!(view["destinations"][0]["destination"]["name"], "offsite");
    // No keychain in tests: kept for the session, never in the file.
    assert_eq!(view["destinations"][0]["secretStorage"], "session");
    let saved = std::fs::read_to_string(t.dir.path().join("destinations.json")).unwrap();
    assert!(!saved.contains(&g.secret), "{saved}");
    let steps = t
        .invoke(
            "test_destination",
            json!({ "input": { "destination": destination, "originalName": "offsite" } }),
        )
        .unwrap();
    assert!(
        steps.as_array().unwrap().iter().all(|s| s["ok"] == true),
        "{steps}"
    );

    // Encrypted with the saved passphrase, straight into the bucket.
    let options = json!({ "connectionId": conn, "encryption": { "kind": "passphrase" } });
    let none = t
        .invoke(
            "create_backup",
            json!({ "jobId": "00000000-0000-4000-8000-0000000000f0", "options": options, "destination": "offsite" }),
        )
        .unwrap_err();
    assert!(
        none["message"]
            .as_str()
            .unwrap()
            .contains("no encryption passphrase"),
        "{none}"
    );
    let passphrase = "app passphrase: long enough";
    t.invoke(
        "set_encryption_passphrase",
        json!({ "passphrase": passphrase }),
    )
    .unwrap();
    let plan = t
        .invoke(
            "preview_backup",
            json!({ "options": options, "destination": "offsite" }),
        )
        .unwrap();
    assert!(
        plan["command"]
            .as_str()
            .unwrap()
            .contains("| age -p | upload to offsite:"),
        "{plan}"
    );
    t.record("backup", "00000000-0000-4000-8000-0000000000f1");
    t.invoke(
        "create_backup",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000f1", "options": options, "destination": "offsite" }),
    )
    .unwrap();
    let outcome = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000f1");
    assert_eq!(outcome["status"], "completed", "{outcome}");
    let location = outcome["location"].as_str().unwrap().to_string();
    let backup_id = outcome["backupId"].as_str().unwrap().to_string();
    let listing = t
        .invoke("bucket_backups", json!({ "name": "offsite" }))
        .unwrap();
    assert_eq!(listing["backups"][0]["record"]["id"], backup_id.as_str());

    // Read, restored and verified from the bucket, decrypted on the way.
    let info = t
        .invoke("get_backup_info", json!({ "path": location }))
        .unwrap();
    assert_eq!(info["database"], db.as_str());
    t.record("restore", "00000000-0000-4000-8000-0000000000f2");
    let target = format!("{db}_from_bucket");
    t.restore(
        "00000000-0000-4000-8000-0000000000f2",
        json!({ "connectionId": conn, "inputPath": location, "targetDatabase": target, "createDatabase": true }),
    )
    .unwrap();
    let restored = t.wait_for("restore:finished:00000000-0000-4000-8000-0000000000f2");
    assert_eq!(restored["status"], "completed", "{restored}");
    // Read as it downloads: pg_restore's archive comes on its stdin.
    let command = restored["command"].as_str().unwrap();
    assert!(command.starts_with("(download offsite:"), "{command}");
    assert_eq!(pg.psql(&target, "SELECT count(*) FROM t"), "4321");
    t.record("verify", "00000000-0000-4000-8000-0000000000f3");
    t.invoke(
        "verify_backup_job",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000f3", "backupId": backup_id }),
    )
    .unwrap();
    let verified = t.wait_for("verify:finished:00000000-0000-4000-8000-0000000000f3");
    assert_eq!(verified["status"], "completed", "{verified}");
    let everything = format!("{:?}", t.events.lock().unwrap());
    assert!(!everything.contains(passphrase) && !everything.contains(&g.secret));

    // Another machine's history imports it from the bucket.
    let other = app();
    other
        .invoke(
            "save_destination",
            json!({ "input": { "destination": destination, "secret": g.secret } }),
        )
        .unwrap();
    let report = other
        .invoke("import_from_destination", json!({ "name": "offsite" }))
        .unwrap();
    assert_eq!(report["imported"][0], backup_id.as_str(), "{report}");
    let page = other
        .invoke("list_backups", json!({ "query": {} }))
        .unwrap();
    assert_eq!(page["items"][0]["copies"][0]["destination"], "offsite");
}

/// A backup encrypted to a public key (as `tusk backup --recipient` makes
/// them) is read once its private key is saved under Destinations: refused
/// before, saying what to save; text that is no private key is refused.
#[test]
fn a_saved_private_key_reads_backups_encrypted_to_its_public_key() {
    let pg = PgServer::shared();
    let db = pg.create_db("appidentity");
    pg.psql(
        &db,
        "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 777);",
    );
    let t = app();
    let conn = t.connection(&db);
    let key_file = t.dir.path().join("key.txt");
    let made = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(&key_file)
        .output()
        .expect("age-keygen (Debian package age)");
    assert!(made.status.success(), "{made:?}");
    let identity = std::fs::read_to_string(&key_file).unwrap();
    let public = identity
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_string();

    let output = t.dir.path().join("sealed.backup.age");
    let options = json!({ "connectionId": conn, "outputPath": output,
        "encryption": { "kind": "recipients", "recipients": [public] } });
    t.record("backup", "00000000-0000-4000-8000-0000000000e0");
    t.invoke(
        "create_backup",
        json!({ "jobId": "00000000-0000-4000-8000-0000000000e0", "options": options }),
    )
    .unwrap();
    let made = t.wait_for("backup:finished:00000000-0000-4000-8000-0000000000e0");
    assert_eq!(made["status"], "completed", "{made}");

    let refused = t
        .invoke("get_backup_info", json!({ "path": output }))
        .unwrap_err();
    let said = refused["message"].as_str().unwrap();
    assert!(
        said.contains("the private key of one of its recipients"),
        "{said}"
    );
    let not_a_key = t
        .invoke(
            "set_encryption_identity",
            json!({ "identity": "AGE-SECRET-KEY-1NOTAKEY" }),
        )
        .unwrap_err();
    assert!(
        not_a_key["message"]
            .as_str()
            .unwrap()
            .contains("not an age private key"),
        "{not_a_key}"
    );
    let view = t
        .invoke("set_encryption_identity", json!({ "identity": identity }))
        .unwrap();
    assert_eq!(view["identityRecipients"], json!([public]));
    assert_eq!(view["encryptionIdentity"], "session");
    let saved = std::fs::read_to_string(t.dir.path().join("destinations.json")).unwrap();
    assert!(!saved.contains("AGE-SECRET-KEY"), "{saved}");

    let info = t
        .invoke("get_backup_info", json!({ "path": output }))
        .unwrap();
    assert_eq!(info["database"], db.as_str());
    t.record("restore", "00000000-0000-4000-8000-0000000000e1");
    let target = format!("{db}_opened");
    t.restore(
        "00000000-0000-4000-8000-0000000000e1",
        json!({ "connectionId": conn, "inputPath": output, "targetDatabase": target, "createDatabase": true }),
    )
    .unwrap();
    let restored = t.wait_for("restore:finished:00000000-0000-4000-8000-0000000000e1");
    assert_eq!(restored["status"], "completed", "{restored}");
    assert_eq!(pg.psql(&target, "SELECT count(*) FROM t"), "777");
    let everything = format!("{:?}", t.events.lock().unwrap());
    assert!(!everything.contains("AGE-SECRET-KEY"));

    // Forgotten: refused again.
    let view = t
        .invoke("set_encryption_identity", json!({ "identity": null }))
        .unwrap();
    assert_eq!(view["encryptionIdentity"], "none");
    assert_eq!(view["identityRecipients"], json!([]));
}
