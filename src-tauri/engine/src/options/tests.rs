//! The options' defaults, presets and checks.

use super::*;

#[test]
fn seed_defaults() {
    let opts = BackupOptions::default();
    assert_eq!(opts.format, BackupFormat::Custom);
    assert_eq!(opts.compression, 6);
    assert!(opts.include_schema);
    assert!(opts.include_data);
    assert_eq!(opts.jobs, 4);
    let opts = RestoreOptions::default();
    assert!(!opts.schema_only);
    assert!(!opts.data_only);
    assert!(!opts.clean);
    assert!(opts.if_exists);
    assert!(opts.exit_on_error);
    assert!(opts.single_transaction());
}

#[test]
fn seed_wire_shape_deserialises_with_defaults() {
    let o: RestoreOptions = serde_json::from_str(
        r#"{"connectionId":"test-conn","inputPath":"/tmp/backup.dump","clean":false,"noOwner":true,"exitOnError":true,"jobs":4}"#,
    )
    .unwrap();
    assert!(o.no_owner);
    assert_eq!(o.jobs, 4);
    let b: BackupOptions =
        serde_json::from_str(r#"{"outputPath":"/tmp/x","format":"directory","compression":1}"#)
            .unwrap();
    assert_eq!(b.format, BackupFormat::Directory);
}

fn refused_backup(change: impl FnOnce(&mut BackupOptions), needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = BackupOptions {
        output_path: dir.path().join("x.backup"),
        ..Default::default()
    };
    change(&mut o);
    let err = o.validate().expect_err(needle).to_string();
    assert!(err.contains(needle), "expected `{needle}` in `{err}`");
}

fn refused_restore(change: impl FnOnce(&mut RestoreOptions), needle: &str) {
    let mut o = RestoreOptions {
        input_path: "/tmp/x.backup".into(),
        ..Default::default()
    };
    change(&mut o);
    let err = o.validate().expect_err(needle).to_string();
    assert!(err.contains(needle), "expected `{needle}` in `{err}`");
}

#[test]
fn contradictory_backups_are_refused() {
    refused_backup(
        |o| {
            o.include_schema = false;
            o.include_data = false;
        },
        "leave nothing to back up",
    );
    refused_backup(
        |o| o.compression = 10,
        "compression level 10 is out of range",
    );
    refused_backup(
        |o| o.format = BackupFormat::Tar,
        "tar format cannot be compressed",
    );
    refused_backup(
        |o| {
            o.compression_method = CompressionMethod::Zstd;
            o.format = BackupFormat::Directory;
        },
        "Tusk's zstd is for the custom format",
    );
    refused_backup(
        |o| {
            o.compression_method = CompressionMethod::Lz4;
            o.compression = 13;
        },
        "lz4 level 13 is out of range: use 1 (fastest) to 12",
    );
    refused_backup(
        |o| {
            o.compression_method = CompressionMethod::PgZstd;
            o.format = BackupFormat::Plain;
            o.output_path = o.output_path.with_extension("sql");
        },
        "compressed with gzip only",
    );
    refused_backup(|o| o.extra_float_digits = Some(4), "extra float digits 4");
    refused_backup(
        |o| {
            o.statistics = StatisticsMode::Only;
            o.include_data = false;
        },
        "statistics only",
    );
    for level in [0, 20] {
        refused_backup(
            |o| {
                o.compression_method = CompressionMethod::Zstd;
                o.compression = level;
            },
            &format!("zstd level {level} is out of range: use 1 (fastest) to 19"),
        );
    }
    refused_backup(|o| o.jobs = 0, "0 parallel jobs");
    refused_backup(|o| o.jobs = 65, "65 parallel jobs");
    refused_backup(|o| o.output_path = PathBuf::new(), "output path is empty");
    refused_backup(
        |o| {
            o.include_schema = false;
            o.clean = true;
        },
        "data-only backup has no DROP",
    );
    refused_backup(|o| o.if_exists = true, "IF EXISTS only applies to clean");
    refused_backup(
        |o| o.on_conflict_do_nothing = true,
        "needs INSERT statements",
    );
    // As pg_dump takes them: rows per INSERT implies INSERT statements.
    let dir = tempfile::tempdir().unwrap();
    BackupOptions {
        output_path: dir.path().join("x.backup"),
        rows_per_insert: Some(100),
        on_conflict_do_nothing: true,
        ..Default::default()
    }
    .validate()
    .unwrap();
    refused_backup(
        |o| {
            o.include_data = false;
            o.sections = vec![DumpSection::Data];
        },
        "either sections or schema-only",
    );
    refused_backup(
        |o| o.extra_args = vec!["-j".into(), "4".into()],
        "use the parallel jobs option",
    );
    refused_backup(
        |o| o.extra_args = vec!["--file=/tmp/y".into()],
        "`--file=/tmp/y` is not allowed",
    );
    refused_backup(
        |o| o.extra_args = vec!["-U".into(), "root".into()],
        "connection decides the user",
    );
    refused_backup(|o| o.extra_args = vec!["--schema".into()], "needs a value");
    refused_backup(|o| o.extra_args = vec!["-n".into()], "needs a value");
    refused_backup(|o| o.schemas = Some(vec![" ".into()]), "empty schema name");
    refused_backup(|o| o.encoding = Some("".into()), "encoding is empty");
}

#[test]
fn contradictory_restores_are_refused() {
    refused_restore(
        |o| {
            o.schema_only = true;
            o.data_only = true;
        },
        "restore nothing",
    );
    refused_restore(|o| o.jobs = 2, "parallel jobs inside a single transaction");
    refused_restore(|o| o.jobs = 0, "0 parallel jobs");
    refused_restore(
        |o| {
            o.clean = true;
            o.data_only = true;
        },
        "data-only restore does not create",
    );
    refused_restore(|o| o.create_database = true, "name the new database");
    refused_restore(
        |o| o.create_from_archive = true,
        "cannot create the archive's database inside a single transaction",
    );
    refused_restore(
        |o| {
            o.create_from_archive = true;
            o.single_transaction = Some(false);
            o.target_database = Some("x".into());
        },
        "leave the target database empty",
    );
    refused_restore(
        |o| {
            o.sections = vec![DumpSection::Data];
            o.schema_only = true;
        },
        "either sections or schema-only",
    );
    refused_restore(|o| o.input_path = PathBuf::new(), "input path is empty");
    refused_restore(
        |o| {
            o.tables = Some(vec!["t".into()]);
            o.toc_entries = Some(vec![1]);
        },
        "either tables or table-of-contents",
    );
    refused_restore(
        |o| o.extra_args = vec!["-d".into(), "other".into()],
        "connection decides the database",
    );
    let parallel = RestoreOptions {
        jobs: 2,
        single_transaction: Some(false),
        ..Default::default()
    };
    let err = parallel
        .validate_for(BackupFormat::Tar)
        .unwrap_err()
        .to_string();
    assert!(err.contains("tar archive with parallel jobs"), "{err}");
    let err = parallel
        .validate_for(BackupFormat::Plain)
        .unwrap_err()
        .to_string();
    assert!(err.contains("psql over one connection"), "{err}");
}

#[test]
fn extra_arguments_are_read_as_getopt_reads_them() {
    let check = |tool, args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        check_extra_args(tool, &args).map_err(|e| e.to_string())
    };
    // Bundled letters and glued values.
    let e = check(Tool::PgDump, &["-vf/tmp/x"]).unwrap_err();
    assert!(e.contains("`-vf/tmp/x` is not allowed (--file)"), "{e}");
    let e = check(Tool::PgRestore, &["-vdprod"]).unwrap_err();
    assert!(e.contains("(--dbname)"), "{e}");
    assert!(check(Tool::PgDump, &["-vx", "-Tfoo", "-n", "public"]).is_ok());
    // A glued value is not read as more letters: -t with the table "fdh".
    assert!(check(Tool::PgDump, &["-tfdh"]).is_ok());
    assert!(check(Tool::PgDump, &["-vn"])
        .unwrap_err()
        .contains("needs a value"));
    // Abbreviated long names.
    let e = check(Tool::PgDump, &["--fil=/tmp/x"]).unwrap_err();
    assert!(e.contains("(--file)"), "{e}");
    let e = check(Tool::PgRestore, &["--db", "prod"]).unwrap_err();
    assert!(e.contains("(--dbname)"), "{e}");
    assert!(check(
        Tool::PgRestore,
        &["--use-set-session-authorization", "--no-owner"]
    )
    .is_ok());
    // What the pre-flight must see goes through the options.
    for arg in ["-C", "--create", "-c", "--cle", "-vc"] {
        assert!(check(Tool::PgRestore, &[arg]).is_err(), "{arg}");
    }
    assert!(check(Tool::PgDump, &["--create", "--clean"]).is_ok());
    assert!(check(Tool::PgDump, &["--", "x"])
        .unwrap_err()
        .contains("ends the options"));
    assert!(check(Tool::PgDump, &["-"])
        .unwrap_err()
        .contains("not an option"));
}

#[test]
fn fast_preset() {
    let mut o = BackupOptions::default();
    BackupPreset::Fast.apply(&mut o);
    assert_eq!(o.format, BackupFormat::Custom);
    assert_eq!(o.compression, 1);
    assert_eq!(o.compression_method, CompressionMethod::Zstd);
    o.output_path = std::env::temp_dir().join("tusk-fast-preset-check.backup.zst");
    o.validate().unwrap();
    BackupPreset::Standard.apply(&mut o);
    assert_eq!(o.compression_method, CompressionMethod::Gzip);
    assert_eq!(o.compression, 6);
}
