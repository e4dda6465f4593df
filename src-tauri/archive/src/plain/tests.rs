use super::*;

#[test]
fn copy_rows_are_counted_per_table() {
    let script = "SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n1\tx\n2\t\\.\n\\.\nCOPY \"My \"\"odd\"\" schema\".\"T s\" (\"c\") FROM stdin;\n\\.\n";
    let counts = count_copy_rows(script.as_bytes()).unwrap();
    assert_eq!(
        counts,
        [
            CopyRows {
                schema: Some("public".into()),
                name: "t".into(),
                rows: 2
            },
            CopyRows {
                schema: Some("My \"odd\" schema".into()),
                name: "T s".into(),
                rows: 0
            },
        ]
    );
    let cut = "COPY public.t (a) FROM stdin;\n1\n";
    assert!(count_copy_rows(cut.as_bytes())
        .unwrap_err()
        .to_string()
        .contains("cut off"));
}
use std::io::Write;

const SCRIPT: &str = "--
-- PostgreSQL database dump
--

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

-- Started on 2026-11-22 05:41:39 UTC

SET statement_timeout = 0;

CREATE DATABASE \"My \"\"db\"\"\" WITH TEMPLATE = template0;

\\connect -reuse-previous=on \"dbname='My \"\"db\"\"'\"

--
-- TOC entry 220 (class 1259 OID 16411)
-- Dependencies: 6
-- Name: weird table; Type: TABLE; Schema: My \"odd\" schema; Owner: postgres
--

CREATE TABLE \"My \"\"odd\"\" schema\".\"weird table\" (id integer);

--
-- TOC entry 3372 (class 0 OID 16411)
-- Dependencies: 220
-- Data for Name: weird table; Type: TABLE DATA; Schema: My \"odd\" schema; Owner: postgres
--

COPY \"My \"\"odd\"\" schema\".\"weird table\" (id) FROM stdin;
1
-- Name: fake; Type: TABLE; Schema: public; Owner: x
\\.


--
-- TOC entry 3373 (class 2613 OID 16424)
-- Name: 16424; Type: BLOB; Schema: -; Owner: postgres
--

SELECT pg_catalog.lo_create('16424');

--
-- PostgreSQL database dump complete
--

";

fn info(text: &[u8], gzipped: bool) -> Result<BackupInfo, ArchiveError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sql");
    std::fs::write(&path, text).unwrap();
    read_info(&path, gzipped)
}

#[test]
fn reads_header_entries_and_data_range() {
    let info = info(SCRIPT.as_bytes(), false).unwrap();
    assert_eq!(info.server_version, "15.18 (Debian 15.18-0+deb12u1)");
    assert_eq!(info.database.as_deref(), Some("My \"db\""));
    assert_eq!(
        info.created.unwrap().to_rfc3339(),
        "2026-11-22T05:41:39+00:00"
    );
    let kinds: Vec<_> = info
        .entries
        .iter()
        .map(|e| (e.id, e.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![(220, "TABLE"), (3372, "TABLE DATA"), (3373, "BLOB")]
    );
    let data = &info.entries[1];
    assert_eq!(data.schema.as_deref(), Some("My \"odd\" schema"));
    assert_eq!(data.dependencies, vec![220]);
    let Some(DataLocation::Range { start, end }) = data.data else {
        panic!()
    };
    let section = &SCRIPT[start as usize..end as usize];
    assert!(section.starts_with("--\n-- TOC entry 3372"), "{section}");
    assert!(section.ends_with("\\.\n\n\n"), "{section}");
    assert!(info.contents.has_blobs);
    assert_eq!(info.contents.blob_count, 1);
    assert_eq!(info.entries[2].schema, None);
}

#[test]
fn gzipped_script_reads_the_same() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(SCRIPT.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let info = info(&gz, true).unwrap();
    assert_eq!(info.entries.len(), 3);
    assert!(info.gzipped_plain);
    assert_eq!(info.compression.algorithm, "gzip");
    let err = info_err(&gz[..gz.len() / 2], true);
    assert!(matches!(err, ArchiveError::Truncated { .. }), "{err:?}");
}

fn info_err(text: &[u8], gzipped: bool) -> ArchiveError {
    info(text, gzipped).unwrap_err()
}

#[test]
fn script_without_closing_line_is_truncated() {
    let cut = &SCRIPT[..SCRIPT.find("-- PostgreSQL database dump complete").unwrap()];
    let err = info_err(cut.as_bytes(), false);
    assert!(
        matches!(err, ArchiveError::Truncated { ref detail, .. } if detail.contains("closing line"))
    );
}

#[test]
fn any_sql_script_is_accepted_without_versions() {
    let info = info(
        b"create table t (id int);\ninsert into t values (1);\n",
        false,
    )
    .unwrap();
    assert_eq!(info.server_version, "unknown");
    assert!(info.entries.is_empty());
    assert_eq!(info.database, None);
}

#[test]
fn huge_lines_are_not_kept_whole() {
    let long_row = format!("{}\n-- Name: fake", "x".repeat(100_000));
    let long_copy = format!("COPY x ({}) FROM stdin;", "c, ".repeat(5_000));
    let text = SCRIPT.replace("1\n-- Name: fake", &long_row).replace(
        "COPY \"My \"\"odd\"\" schema\".\"weird table\" (id) FROM stdin;",
        &long_copy,
    );
    let info = info(text.as_bytes(), false).unwrap();
    assert_eq!(info.entries.len(), 3);
}

#[test]
fn name_lines() {
    let parsed = parse_name_line("a; b; Type: TABLE; Schema: s; Owner: o; Tablespace: ts").unwrap();
    assert_eq!(
        parsed,
        (
            "a; b".into(),
            "TABLE".into(),
            Some("s".into()),
            Some("o".into())
        )
    );
    let blobs = parse_name_line("BLOBS; Type: BLOBS; Schema: -; Owner: -").unwrap();
    assert_eq!((blobs.2, blobs.3), (None, None));
    assert!(parse_name_line("nothing here").is_none());
}

#[test]
fn connect_lines() {
    assert_eq!(parse_connect("mydb").as_deref(), Some("mydb"));
    let complex = r#"-reuse-previous=on "dbname='it\'s ""x""'""#;
    assert_eq!(parse_connect(complex).as_deref(), Some("it's \"x\""));
    assert_eq!(parse_identifier("\"unterminated"), None);
}

#[test]
fn started_on_zones() {
    let t = |s: &str| parse_started(s).map(|d| d.to_rfc3339());
    assert_eq!(
        t("2026-11-22 05:41:39 UTC").as_deref(),
        Some("2026-11-22T05:41:39+00:00")
    );
    assert_eq!(
        t("2026-11-22 05:41:39 CEST").as_deref(),
        Some("2026-11-22T03:41:39+00:00")
    );
    assert_eq!(
        t("2026-11-22 05:41:39 -03").as_deref(),
        Some("2026-11-22T08:41:39+00:00")
    );
    assert_eq!(
        t("2026-11-22 05:41:39 +05:30").as_deref(),
        Some("2026-11-22T00:11:39+00:00")
    );
    assert_eq!(t("2026-11-22 05:41:39 CST"), None);
    assert_eq!(t("2026-11-22 05:41:39 W. Europe Standard Time"), None);
    assert_eq!(t("garbage"), None);
}
