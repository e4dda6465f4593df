//! Shared by the engine's integration tests: a varied sample database, a
//! fingerprint to compare databases, and a way to run jobs collecting events.

#![allow(dead_code)]

pub mod versions;

use std::sync::Mutex;
use tusk_engine::{CancelHandle, ConnectionSpec, JobEvent, JobOutcome, ToolSearch};
use tusk_testkit::PgServer;

pub const ODD_SCHEMA: &str = "My \"odd\" schema";

pub fn pg() -> &'static PgServer {
    PgServer::shared()
}

pub fn conn(db: &str) -> ConnectionSpec {
    pg().spec(db)
}

/// Tools from the test server's own folder.
pub fn search() -> ToolSearch {
    pg().tools()
}

/// Types of every common kind, NULLs, unicode, a large object, two schemas
/// (one with spaces and quotes), a view, a function, a trigger, FKs.
pub const SAMPLE_SQL: &str = r#"
CREATE SCHEMA shop;
CREATE SCHEMA "My ""odd"" schema";
CREATE TABLE shop.customers (
  id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, born date,
  balance numeric(12,2), tags text[], meta jsonb, active boolean DEFAULT true,
  uid uuid, photo bytea, created timestamptz DEFAULT '2024-01-01 00:00:00+00');
CREATE TABLE shop.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int REFERENCES shop.customers(id), total numeric, placed_at timestamp, note text);
CREATE INDEX orders_customer_idx ON shop.orders(customer_id);
CREATE TABLE "My ""odd"" schema"."Table with spaces" ("Weird ""col""" text, n int, f float8, r int4range);
CREATE TABLE public.documents (id int PRIMARY KEY, body text, doc oid);
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();
INSERT INTO shop.customers (name, email, born, balance, tags, meta, uid, photo)
SELECT 'Customer ' || i || ' ☃ é',  'c' || i || '@example.com', date '1980-01-01' + i,
       (i * 13.37)::numeric(12,2), ARRAY['t' || (i % 5), 'x'], jsonb_build_object('i', i, 'even', i % 2 = 0),
       md5(i::text)::uuid, decode(md5(i::text), 'hex')
FROM generate_series(1, 500) i;
INSERT INTO shop.customers (name) VALUES ('Nulls everywhere');
INSERT INTO shop.orders (customer_id, total, placed_at, note)
SELECT 1 + (i % 500), i * 1.5, timestamp '2024-02-01' + i * interval '1 hour', CASE WHEN i % 3 = 0 THEN NULL ELSE 'tab	and "quote" and \ backslash' END
FROM generate_series(1, 3000) i;
INSERT INTO "My ""odd"" schema"."Table with spaces" SELECT 'v' || i, i, i / 7.0, int4range(i, i + 10) FROM generate_series(1, 200) i;
INSERT INTO public.documents VALUES (1, 'has a large object', lo_from_bytea(0, 'large object payload ' || repeat('x', 5000)::bytea));
ANALYZE;
"#;

pub fn sample_db(prefix: &str) -> String {
    let db = pg().create_db(prefix);
    pg().psql(&db, SAMPLE_SQL);
    db
}

/// Row count and content hash of every user table, plus large objects.
pub fn fingerprint(db: &str) -> String {
    let tables = pg().psql(
        db,
        "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1",
    );
    let mut out = String::new();
    for t in tables.lines() {
        let row = pg().psql(
            db,
            &format!("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM {t} x"),
        );
        out.push_str(&format!("{t}: {row}\n"));
    }
    let lobs = pg().psql(db, "SELECT coalesce(string_agg(md5(lo_get(oid)), ',' ORDER BY oid), '') FROM pg_largeobject_metadata");
    out.push_str(&format!("large objects: {lobs}\n"));
    out
}

/// Collects every event of a job.
#[derive(Default)]
pub struct Events(pub Mutex<Vec<JobEvent>>);

impl Events {
    pub fn sink(&self) -> impl Fn(JobEvent) + Send + Sync + '_ {
        move |e| self.0.lock().unwrap().push(e)
    }

    pub fn finished(&self) -> Vec<JobOutcome> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                JobEvent::Finished(o) => Some((**o).clone()),
                _ => None,
            })
            .collect()
    }

    pub fn progress(&self) -> Vec<tusk_engine::BackupProgress> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                JobEvent::Progress(p) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn all_json(&self) -> String {
        serde_json::to_string(&*self.0.lock().unwrap()).unwrap()
    }
}

pub async fn backup(db: &str, options: tusk_engine::BackupOptions) -> (JobOutcome, Events) {
    let events = Events::default();
    let prepared = tusk_engine::prepare_backup(&uuid(), &conn(db), &options, &search())
        .await
        .expect("prepare backup");
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    (outcome, events)
}

pub async fn restore(
    conn: &ConnectionSpec,
    options: tusk_engine::RestoreOptions,
) -> (JobOutcome, Events) {
    let events = Events::default();
    let prepared = tusk_engine::prepare_restore(&uuid(), conn, &options, &search())
        .await
        .expect("prepare restore");
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    (outcome, events)
}

/// A backup of `db` with `options` that must complete; its path.
pub async fn backed_up(db: &str, options: tusk_engine::BackupOptions) -> std::path::PathBuf {
    let path = options.output_path.clone();
    let (outcome, _) = backup(db, options).await;
    assert_eq!(
        outcome.status,
        tusk_engine::JobStatus::Completed,
        "{outcome:#?}"
    );
    path
}

/// A restore of a plain script that goes on after errors, one statement at
/// a time (psql's own defaults).
pub async fn restore_going_on(db: &str, script: std::path::PathBuf) -> JobOutcome {
    restore(
        &conn(db),
        tusk_engine::RestoreOptions {
            input_path: script,
            exit_on_error: false,
            single_transaction: Some(false),
            ..Default::default()
        },
    )
    .await
    .0
}

/// `schema.table` of every table of a backup, sorted.
pub fn table_names(info: &tusk_engine::BackupInfo) -> Vec<String> {
    let mut tables: Vec<String> = info
        .contents
        .tables
        .iter()
        .map(|t| format!("{}.{}", t.schema, t.name))
        .collect();
    tables.sort();
    tables
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

// The history: a catalog, recorded backups and their verification.

use std::path::{Path, PathBuf};
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::catalog::{BackupReason, Catalog, Source};
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::BackupOptions;

/// One data folder for this test binary: safety backups go there.
pub fn data_dir() -> &'static Path {
    tusk_testkit::isolated_data_dir()
}

pub fn catalog(dir: &Path) -> Catalog {
    data_dir();
    Catalog::open(&dir.join("catalog.db")).unwrap().0
}

pub fn source(db: &str) -> Source {
    Source::of(&conn(db), Some("conn-1"), Some("Test server"))
}

pub async fn recorded_backup(c: &Catalog, db: &str, path: PathBuf) -> tusk_engine::JobOutcome {
    let options = BackupOptions {
        output_path: path,
        compression: 1,
        ..Default::default()
    };
    recorded_backup_with(c, db, &options).await
}

pub async fn recorded_backup_with(
    c: &Catalog,
    db: &str,
    options: &BackupOptions,
) -> tusk_engine::JobOutcome {
    let prepared = tusk_engine::prepare_backup(&uuid(), &conn(db), options, &search())
        .await
        .unwrap();
    let events = Events::default();
    let outcome =
        run_recorded_backup(c, prepared, meta(db), &CancelHandle::new(), &events.sink()).await;
    assert_eq!(events.finished().len(), 1, "exactly one terminal event");
    assert_eq!(events.finished()[0].backup_id, outcome.backup_id);
    outcome
}

pub async fn verify(
    c: &Catalog,
    id: &str,
    restore_on: Option<&str>,
) -> tusk_engine::catalog::Verification {
    let req = VerifyRequest {
        id: uuid(),
        backup: c.require_backup(id).unwrap(),
        restore_on: restore_on.map(conn),
        search: &search(),
        decrypt: None,
    };
    verify_backup(c, req, &CancelHandle::new(), &|_| {})
        .await
        .unwrap()
}

/// What the history records of a manual backup of `db`.
pub fn meta(db: &str) -> RecordMeta {
    RecordMeta {
        name: None,
        description: None,
        source: source(db),
        reason: BackupReason::Manual,
        schedule_id: None,
    }
}
