//! For the tests that meet several PostgreSQL versions (`matrix.rs`,
//! `cross_version.rs`): a sample every version has, a fingerprint to
//! compare databases, and backups and restores on any server.

use super::{uuid, Events};
use tusk_engine::{BackupOptions, CancelHandle, JobOutcome, JobStatus, RestoreOptions, ToolSearch};
use tusk_testkit::PgServer;

/// What every version has: types, NULLs, unicode, a large object, a
/// partitioned table, a quoted schema, a view, a function and a trigger.
pub const SQL: &str = r#"
CREATE SCHEMA shop;
CREATE SCHEMA "Odd ""schema"" ☃";
CREATE TABLE shop.customers (id serial PRIMARY KEY, name text NOT NULL, born date,
  balance numeric(12,2), tags text[], meta jsonb, uid uuid, photo bytea, f float8);
CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int REFERENCES shop.customers(id), total numeric, note text);
CREATE TABLE "Odd ""schema"" ☃"."Table = one" (v text, n int);
CREATE TABLE shop.measurements (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE shop.measurements_2024 PARTITION OF shop.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE shop.measurements_2025 PARTITION OF shop.measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.documents (id int PRIMARY KEY, doc oid);
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();
INSERT INTO shop.customers (name, born, balance, tags, meta, uid, photo, f)
SELECT 'Customer ' || i || ' ☃ é', date '1980-01-01' + i, (i * 13.37)::numeric(12,2),
       ARRAY['t' || (i % 5)], jsonb_build_object('i', i), md5(i::text)::uuid, decode(md5(i::text), 'hex'), i / 7.0
FROM generate_series(1, 400) i;
INSERT INTO shop.customers (name) VALUES ('Nulls everywhere');
INSERT INTO shop.orders (customer_id, total, note)
SELECT 1 + (i % 400), i * 1.5, CASE WHEN i % 3 = 0 THEN NULL ELSE 'tab	and "quote" and \ backslash' END
FROM generate_series(1, 2000) i;
INSERT INTO "Odd ""schema"" ☃"."Table = one" SELECT 'v' || i, i FROM generate_series(1, 100) i;
INSERT INTO shop.measurements SELECT date '2024-06-01' + (i % 400), i FROM generate_series(1, 800) i;
INSERT INTO public.documents VALUES (1, lo_from_bytea(0, 'large object payload ' || repeat('x', 3000)::bytea));
ANALYZE;
"#;

/// Row count and content hash of every table, and the large objects.
pub fn fingerprint(pg: &PgServer, db: &str) -> String {
    let tables = pg.psql(
        db,
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    );
    let mut out = String::new();
    for t in tables.lines() {
        let row = pg.psql(
            db,
            &format!("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM {t} x"),
        );
        out.push_str(&format!("{t}: {row}\n"));
    }
    let lobs = pg.psql(
        db,
        "SELECT coalesce(string_agg(md5(lo_get(oid)), ',' ORDER BY oid), '') FROM pg_largeobject_metadata",
    );
    out.push_str(&format!("large objects: {lobs}\n"));
    out
}

pub fn source_db(pg: &PgServer) -> String {
    let db = pg.create_db("matrix_src");
    pg.psql(&db, SQL);
    db
}

/// A restore of `input` into a new database of `pg`: its outcome, the
/// database, and the pre-flight.
pub async fn restore_into_new(
    pg: &PgServer,
    search: &ToolSearch,
    input: &std::path::Path,
    options: RestoreOptions,
) -> (JobOutcome, String, tusk_engine::RestorePreflight) {
    let target = format!("versions_restored_{}", uuid().replace('-', "_"));
    let options = RestoreOptions {
        input_path: input.to_path_buf(),
        target_database: Some(target.clone()),
        create_database: true,
        ..options
    };
    let prepared = tusk_engine::prepare_restore(&uuid(), &pg.spec("postgres"), &options, search)
        .await
        .unwrap_or_else(|e| panic!("prepare the restore of {}: {e}", input.display()));
    let preflight = prepared.preflight.clone();
    let events = Events::default();
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    (outcome, target, preflight)
}

/// A backup of `db` on `pg` with the tools of `search`: its outcome and the
/// command shown; `Err` when the pre-flight refused it.
pub async fn backup_with(
    pg: &PgServer,
    db: &str,
    search: &ToolSearch,
    options: BackupOptions,
) -> Result<(JobOutcome, String), tusk_engine::EngineError> {
    let prepared = tusk_engine::prepare_backup(&uuid(), &pg.spec(db), &options, search).await?;
    let shown = prepared.command_display();
    let outcome = prepared
        .run(&CancelHandle::new(), &Events::default().sink())
        .await;
    Ok((outcome, shown))
}

/// A backup that must complete; the command shown.
pub async fn completed_backup(
    pg: &PgServer,
    db: &str,
    search: &ToolSearch,
    options: BackupOptions,
) -> String {
    let (outcome, shown) = backup_with(pg, db, search, options)
        .await
        .unwrap_or_else(|e| panic!("the backup was refused: {e}"));
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    shown
}
