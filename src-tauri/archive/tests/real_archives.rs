//! Archives written by the installed pg_dump, read back and compared with what
//! the database really holds; damaged copies must fail with the right error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use tusk_archive::{
    detect_format, read_info, render_list_file, select_tables, ArchiveError, BackupFormat,
    BackupInfo, DataLocation,
};
use tusk_testkit::PgServer;

const ODD_SCHEMA: &str = "My \"odd\" schema";

const SETUP: &str = r#"
CREATE SCHEMA "My ""odd"" schema";
CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.orders (
    id serial PRIMARY KEY,
    customer_id int REFERENCES public.customers (id),
    total numeric
);
CREATE INDEX orders_total_idx ON public.orders (total);
CREATE TABLE "My ""odd"" schema"."weird table" (
    note text,
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER customers_touch BEFORE INSERT ON public.customers
    FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE VIEW public.big_orders AS SELECT * FROM public.orders WHERE total > 100;
INSERT INTO public.customers (name) SELECT 'c' || g FROM generate_series(1, 100) g;
INSERT INTO public.orders (customer_id, total) SELECT g % 100 + 1, g FROM generate_series(1, 500) g;
-- A COPY row that looks like the comment pg_dump writes before an object.
INSERT INTO "My ""odd"" schema"."weird table" (note)
    VALUES ('a'), ('-- Name: fake; Type: TABLE; Schema: public; Owner: x');
SELECT lo_from_bytea(0, 'hello large object');
COMMENT ON TABLE public.orders IS 'the orders';
"#;

/// One database for all tests of this file, with an awkward name, and the
/// versions the archives should report.
struct Fixture {
    server: &'static PgServer,
    db: String,
    dir: tempfile::TempDir,
    server_version: String,
    pg_dump_version: String,
    made: chrono::DateTime<Utc>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = PgServer::shared();
        let db = format!("tusk archive \"odd\" {}", std::process::id());
        server.psql(
            "postgres",
            &format!("CREATE DATABASE \"{}\"", db.replace('"', "\"\"")),
        );
        server.psql(&db, SETUP);
        let version = Command::new(server.bin("pg_dump"))
            .arg("--version")
            .output()
            .unwrap();
        let version = String::from_utf8(version.stdout).unwrap();
        Fixture {
            server,
            server_version: server.psql(&db, "SHOW server_version"),
            pg_dump_version: version
                .trim()
                .trim_start_matches("pg_dump (PostgreSQL) ")
                .to_string(),
            db,
            dir: tempfile::tempdir().unwrap(),
            made: Utc::now(),
        }
    })
}

/// Runs pg_dump on the fixture database into `name` (made once per process).
fn dump(name: &str, args: &[&str]) -> PathBuf {
    static DUMPING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = DUMPING.lock().unwrap_or_else(|e| e.into_inner());
    let f = fixture();
    let path = f.dir.path().join(name);
    if !path.exists() {
        run_pg_dump(&f.db, args, &path);
    }
    path
}

fn run_pg_dump(db: &str, args: &[&str], path: &Path) {
    let server = fixture().server;
    let status = Command::new(server.bin("pg_dump"))
        .args(server.pg_dump_args(db))
        .args(args)
        .arg("-f")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "pg_dump {args:?} failed");
}

/// A copy of `src` cut to `len` bytes.
fn cut(src: &Path, len: usize, name: &str) -> PathBuf {
    let bytes = std::fs::read(src).unwrap();
    let path = fixture().dir.path().join(name);
    std::fs::write(&path, &bytes[..len]).unwrap();
    path
}

fn truncated_detail(result: Result<BackupInfo, ArchiveError>) -> String {
    match result {
        Err(ArchiveError::Truncated { detail, .. }) => detail,
        other => panic!("expected Truncated, got {other:?}"),
    }
}

fn check_truth(info: &BackupInfo, format: BackupFormat) {
    let f = fixture();
    assert_eq!(info.format, format);
    assert_eq!(info.server_version, f.server_version);
    assert_eq!(info.pg_dump_version, f.pg_dump_version);
    let c = &info.contents;
    assert_eq!(c.schemas, vec![ODD_SCHEMA, "public"]);
    let tables: Vec<(&str, &str)> = c
        .tables
        .iter()
        .map(|t| (t.schema.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        tables,
        vec![
            (ODD_SCHEMA, "weird table"),
            ("public", "customers"),
            ("public", "orders")
        ]
    );
    assert!(
        c.tables.iter().all(|t| t.data_bytes.is_some_and(|n| n > 0)),
        "{:?}",
        c.tables
    );
    assert_eq!((c.functions, c.views, c.sequences), (1, 1, 3));
    assert_eq!((c.indexes, c.triggers, c.constraints), (1, 1, 4));
    assert!(c.has_blobs);
    assert_eq!(c.blob_count, 1);
    let data_entries = info
        .entries
        .iter()
        .filter(|e| e.kind == "TABLE DATA" || e.kind == "BLOBS");
    assert!(data_entries.clone().count() == 4 && data_entries.clone().all(|e| e.data.is_some()));
}

fn check_archive_header(info: &BackupInfo) {
    let f = fixture();
    assert_eq!(info.database.as_deref(), Some(f.db.as_str()));
    assert!(info
        .archive_version
        .as_deref()
        .is_some_and(|v| v.starts_with("1.")));
    let created = info.created.expect("archives record when they were made");
    let slack = chrono::Duration::minutes(2);
    assert!(
        created > f.made - slack && created < Utc::now() + slack,
        "created {created}"
    );
}

#[test]
fn custom_archive_reports_the_truth() {
    let path = dump("db.backup", &["-Fc"]);
    assert_eq!(detect_format(&path).unwrap(), (BackupFormat::Custom, false));
    let info = read_info(&path).unwrap();
    check_truth(&info, BackupFormat::Custom);
    check_archive_header(&info);
    assert_eq!(info.compression.algorithm, "gzip");
    assert_eq!(info.size_bytes, std::fs::metadata(&path).unwrap().len());
    let Some(DataLocation::Range { end, .. }) = info
        .entries
        .iter()
        .filter_map(|e| e.data.clone())
        .max_by_key(DataLocation::len)
    else {
        panic!("custom data has byte ranges");
    };
    assert!(end <= info.size_bytes);
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["contents"]["blobCount"], 1);
}

#[test]
fn uncompressed_custom_archive_says_so() {
    let info = read_info(&dump("z0.backup", &["-Fc", "-Z0"])).unwrap();
    check_truth(&info, BackupFormat::Custom);
    assert_eq!(info.compression.algorithm, "none");
}

#[test]
fn directory_archive_reports_the_truth() {
    let path = dump("dir", &["-Fd"]);
    let info = read_info(&path).unwrap();
    check_truth(&info, BackupFormat::Directory);
    check_archive_header(&info);
    let on_disk: u64 = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(info.size_bytes, on_disk);
    let orders = info
        .entries
        .iter()
        .find(|e| e.kind == "TABLE DATA" && e.name == "orders")
        .unwrap();
    let Some(DataLocation::File { name, size }) = &orders.data else {
        panic!()
    };
    assert_eq!(*size, std::fs::metadata(path.join(name)).unwrap().len());
}

#[test]
fn tar_archive_reports_the_truth() {
    let path = dump("db.tar", &["-Ft"]);
    let info = read_info(&path).unwrap();
    check_truth(&info, BackupFormat::Tar);
    check_archive_header(&info);
    // Tar data is stored as is: the orders member is the COPY text itself.
    let bytes = std::fs::read(&path).unwrap();
    let orders = info
        .entries
        .iter()
        .find(|e| e.kind == "TABLE DATA" && e.name == "orders")
        .unwrap();
    let Some(DataLocation::Range { start, end }) = orders.data else {
        panic!()
    };
    assert!(bytes[start as usize..end as usize].starts_with(b"1\t2\t1\n"));
}

#[test]
fn plain_scripts_report_the_truth() {
    let plain = read_info(&dump("db.sql", &["-Fp"])).unwrap();
    check_truth(&plain, BackupFormat::Plain);
    assert_eq!((plain.database.as_deref(), plain.created), (None, None));

    let verbose = read_info(&dump("db_v.sql", &["-Fp", "-v", "--create"])).unwrap();
    check_truth(&verbose, BackupFormat::Plain);
    assert_eq!(verbose.database.as_deref(), Some(fixture().db.as_str()));
    assert!(verbose.created.is_some());
    let custom = read_info(&dump("db.backup", &["-Fc"])).unwrap();
    let ids = |i: &BackupInfo| {
        i.entries
            .iter()
            .filter(|e| e.kind == "TABLE")
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&verbose),
        ids(&custom),
        "verbose scripts carry the archive's dump ids"
    );

    let path = dump("db.sql.gz", &["-Fp", "-Z5"]);
    assert_eq!(detect_format(&path).unwrap(), (BackupFormat::Plain, true));
    let gz = read_info(&path).unwrap();
    check_truth(&gz, BackupFormat::Plain);
    assert!(gz.gzipped_plain);
    assert_eq!(gz.compression.algorithm, "gzip");
}

#[test]
fn cut_copies_are_truncated() {
    let custom = dump("db.backup", &["-Fc"]);
    let len = std::fs::metadata(&custom).unwrap().len() as usize;
    let detail = truncated_detail(read_info(&cut(&custom, len - 20, "end.backup")));
    assert!(detail.contains("ends at byte"), "{detail}");
    let detail = truncated_detail(read_info(&cut(&custom, len / 3, "third.backup")));
    assert!(
        detail.contains("table of contents") || detail.contains("data of"),
        "{detail}"
    );

    let tar = dump("db.tar", &["-Ft"]);
    let len = std::fs::metadata(&tar).unwrap().len() as usize;
    truncated_detail(read_info(&cut(&tar, len / 2, "half.tar")));

    let sql = dump("db.sql", &["-Fp"]);
    let len = std::fs::metadata(&sql).unwrap().len() as usize;
    let detail = truncated_detail(read_info(&cut(&sql, len / 2, "half.sql")));
    assert!(detail.contains("closing line"));

    let gz = dump("db.sql.gz", &["-Fp", "-Z5"]);
    let len = std::fs::metadata(&gz).unwrap().len() as usize;
    truncated_detail(read_info(&cut(&gz, len / 2, "half.sql.gz")));
}

#[test]
fn directory_missing_a_data_file_is_truncated() {
    let f = fixture();
    let dir = f.dir.path().join("dir_missing");
    run_pg_dump(&f.db, &["-Fd"], &dir);
    let info = read_info(&dir).unwrap();
    let orders = info
        .entries
        .iter()
        .find(|e| e.kind == "TABLE DATA" && e.name == "orders")
        .unwrap();
    let Some(DataLocation::File { name, .. }) = &orders.data else {
        panic!()
    };
    std::fs::remove_file(dir.join(name)).unwrap();
    let detail = truncated_detail(read_info(&dir));
    assert!(detail.contains("public.orders"), "{detail}");
}

#[test]
fn every_cut_of_every_format_fails_without_panicking() {
    for (name, args) in [
        ("db.backup", &["-Fc"][..]),
        ("db.tar", &["-Ft"]),
        ("db.sql.gz", &["-Fp", "-Z5"]),
    ] {
        let path = dump(name, args);
        let bytes = std::fs::read(&path).unwrap();
        let step = (bytes.len() / 150).max(1);
        for len in (0..bytes.len() - 1).step_by(step) {
            let copy = cut(&path, len, &format!("cut_{len}_{name}"));
            assert!(
                read_info(&copy).is_err(),
                "{name} cut at {len} was accepted"
            );
            std::fs::remove_file(copy).unwrap();
        }
    }
}

#[test]
fn empty_and_random_files_are_not_backups() {
    let dir = &fixture().dir;
    let empty = dir.path().join("empty.backup");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(read_info(&empty), Err(ArchiveError::Empty(_))));

    let random = dir.path().join("x.backup");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    std::fs::write(&random, bytes).unwrap();
    assert!(matches!(
        read_info(&random),
        Err(ArchiveError::NotABackup { .. })
    ));
    let missing = dir.path().join("nope.backup");
    assert!(matches!(
        read_info(&missing),
        Err(ArchiveError::NotFound(_))
    ));
}

/// Written to a pipe, a custom archive never gets its data offsets: it is
/// still complete, and read by walking its data blocks.
#[test]
fn archive_written_to_a_pipe_is_read_by_walking() {
    let f = fixture();
    let out = Command::new(f.server.bin("pg_dump"))
        .args(f.server.pg_dump_args(&f.db))
        .arg("-Fc")
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    let path = f.dir.path().join("piped.backup");
    std::fs::write(&path, &out.stdout).unwrap();
    let info = read_info(&path).unwrap();
    check_truth(&info, BackupFormat::Custom);

    let cut_path = cut(&path, out.stdout.len() - 100, "piped_cut.backup");
    assert!(matches!(
        read_info(&cut_path),
        Err(ArchiveError::Incomplete { .. })
    ));
}

#[test]
fn custom_archive_of_a_killed_pg_dump_is_incomplete() {
    let f = fixture();
    let db = f.server.create_db("tusk_killed");
    f.server.psql(
        &db,
        "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS a, md5((g + 1)::text) AS b FROM generate_series(1, 400000) g",
    );
    let path = f.dir.path().join("killed.backup");
    let mut child = Command::new(f.server.bin("pg_dump"))
        .args(f.server.pg_dump_args(&db))
        .args(["-Fc", "-Z0", "-f"])
        .arg(&path)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::metadata(&path).map_or(0, |m| m.len()) < 256 * 1024 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "pg_dump finished before it could be stopped"
        );
        assert!(
            Instant::now() < deadline,
            "pg_dump wrote nothing for a minute"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let err = read_info(&path).unwrap_err();
    assert!(matches!(err, ArchiveError::Incomplete { .. }), "{err:?}");
}

fn pick(info: &BackupInfo, schema: &str, table: &str) -> (Vec<i32>, String) {
    let ids = select_tables(info, &[(schema.to_string(), table.to_string())]).unwrap();
    let list = render_list_file(info, &ids);
    (ids, list)
}

#[test]
fn selected_table_restores_with_its_index_and_sequence_only() {
    let f = fixture();
    for (name, args) in [("db.backup", &["-Fc"][..]), ("dir", &["-Fd"])] {
        let archive = dump(name, args);
        let info = read_info(&archive).unwrap();
        let (_, list) = pick(&info, "public", "orders");
        for wanted in [
            "TABLE public orders ",
            "TABLE DATA public orders ",
            "CONSTRAINT public orders orders_pkey ",
            "INDEX public orders_total_idx ",
            "SEQUENCE public orders_id_seq ",
            "SEQUENCE SET public orders_id_seq ",
            "COMMENT public TABLE orders ",
        ] {
            assert!(list.contains(wanted), "{wanted:?} missing from\n{list}");
        }
        for unwanted in ["customers", "FK CONSTRAINT", "VIEW", "BLOB", "weird"] {
            assert!(!list.contains(unwanted), "{unwanted:?} in\n{list}");
        }

        let list_path = f.dir.path().join(format!("{name}.list"));
        std::fs::write(&list_path, &list).unwrap();
        let target = f.server.create_db("tusk_restore");
        let restore = Command::new(f.server.bin("pg_restore"))
            .args(f.server.pg_dump_args(&target))
            .arg("--exit-on-error")
            .arg("-L")
            .arg(&list_path)
            .arg(&archive)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&restore.stderr);
        assert!(restore.status.success(), "pg_restore failed: {stderr}");
        assert_eq!(
            f.server.psql(&target, "SELECT count(*) FROM public.orders"),
            "500"
        );
        assert_eq!(
            f.server
                .psql(&target, "SELECT nextval('public.orders_id_seq')"),
            "501"
        );
        let index = "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_total_idx'";
        assert_eq!(f.server.psql(&target, index), "1");
        assert_eq!(
            f.server
                .psql(&target, "SELECT to_regclass('public.customers') IS NULL"),
            "t"
        );
    }
}

#[test]
fn selecting_the_odd_table_brings_its_identity_sequence() {
    let info = read_info(&dump("db.backup", &["-Fc"])).unwrap();
    let (ids, list) = pick(&info, ODD_SCHEMA, "weird table");
    assert_eq!(ids.len(), 5, "{list}");
    assert!(
        list.contains("SEQUENCE My \"odd\" schema weird table_id_seq "),
        "{list}"
    );
    assert!(
        list.contains("CONSTRAINT My \"odd\" schema weird table weird table_pkey "),
        "{list}"
    );

    let both = select_tables(
        &info,
        &[
            ("public".into(), "customers".into()),
            ("public".into(), "orders".into()),
        ],
    )
    .unwrap();
    let fk = info
        .entries
        .iter()
        .find(|e| e.kind == "FK CONSTRAINT")
        .unwrap();
    assert!(both.contains(&fk.id));

    let err = select_tables(&info, &[("public".into(), "nope".into())]).unwrap_err();
    assert_eq!(
        err.missing,
        vec![("public".to_string(), "nope".to_string())]
    );
}
