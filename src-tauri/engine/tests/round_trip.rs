//! Backups through all four formats restore to identical data, and `info`
//! reads each one for real.

mod common;

use common::*;
use tusk_engine::{BackupFormat, BackupOptions, JobStatus, RestoreOptions};

async fn round_trip(format: BackupFormat, compression: u8, jobs: u8) {
    let source = sample_db("src");
    let dir = tempfile::tempdir().unwrap();
    let output = dir
        .path()
        .join(format!("sample.{}", format.default_extension()));
    let (outcome, events) = backup(
        &source,
        BackupOptions {
            output_path: output.clone(),
            format,
            compression,
            jobs,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(events.finished().len(), 1, "exactly one terminal event");
    assert_eq!(outcome.progress.percent, 100.0);
    assert!(output.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the backup in the folder: {leftovers:?}"
    );

    let info = tusk_engine::get_backup_info(&output).unwrap();
    assert_eq!(info.format, format);
    if format != BackupFormat::Plain {
        assert_eq!(info.database.as_deref(), Some(source.as_str()));
    }
    assert!(
        info.server_version.starts_with(&pg().major().to_string()),
        "{}",
        info.server_version
    );
    assert!(info.pg_dump_version.starts_with(&pg().major().to_string()));
    let age = chrono::Utc::now() - info.created.expect("creation time");
    assert!(age.num_minutes() < 10, "created {:?}", info.created);
    let mut tables: Vec<String> = info
        .contents
        .tables
        .iter()
        .map(|t| format!("{}.{}", t.schema, t.name))
        .collect();
    tables.sort();
    assert_eq!(
        tables,
        [
            "My \"odd\" schema.Table with spaces",
            "public.documents",
            "shop.customers",
            "shop.orders"
        ]
    );
    assert!(
        info.contents.schemas.iter().any(|s| s == ODD_SCHEMA),
        "{:?}",
        info.contents.schemas
    );
    assert_eq!(info.contents.views, 1);
    assert_eq!(info.contents.functions, 1);
    assert_eq!(info.contents.triggers, 1);
    assert!(info.contents.has_blobs);
    assert!(info.contents.indexes >= 1);
    assert!(info.contents.constraints >= 4, "{:?}", info.contents);

    let target = format!("{source}_copy");
    let (restored, _) = restore(
        &conn("postgres"),
        RestoreOptions {
            input_path: output.clone(),
            target_database: Some(target.clone()),
            create_database: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
    assert_eq!(restored.progress.percent, 100.0);
    assert_eq!(fingerprint(&source), fingerprint(&target));
    // The identity sequence came along: new rows continue after the old ones.
    assert_eq!(
        pg().psql(
            &target,
            "INSERT INTO shop.orders (customer_id, total) VALUES (1, 1) RETURNING id"
        ),
        "3001"
    );
}

#[tokio::test]
async fn custom_format_round_trip() {
    round_trip(BackupFormat::Custom, 6, 1).await;
}

#[tokio::test]
async fn directory_format_round_trip_in_parallel() {
    round_trip(BackupFormat::Directory, 1, 2).await;
}

#[tokio::test]
async fn tar_format_round_trip() {
    round_trip(BackupFormat::Tar, 0, 1).await;
}

#[tokio::test]
async fn plain_format_round_trip() {
    round_trip(BackupFormat::Plain, 0, 1).await;
}

#[tokio::test]
async fn gzipped_plain_round_trip() {
    round_trip(BackupFormat::Plain, 5, 1).await;
}

#[tokio::test]
async fn selective_restore_of_one_table() {
    let source = sample_db("sel");
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("sel.backup");
    let (outcome, _) = backup(
        &source,
        BackupOptions {
            output_path: output.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed);

    // A fresh database: the table's schema has to come along too.
    let target = pg().create_db("sel_target");
    let (restored, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: output,
            tables: Some(vec!["shop.customers".into()]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
    let tables = pg().psql(
        &target,
        "SELECT string_agg(schemaname || '.' || relname, ',' ORDER BY 1) FROM pg_stat_user_tables",
    );
    assert_eq!(tables, "shop.customers");
    assert_eq!(
        pg().psql(&target, "SELECT count(*) FROM shop.customers"),
        "501"
    );
    let pk = pg().psql(
        &target,
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'customers'",
    );
    assert_eq!(
        pk, "2",
        "primary key and unique index restored with the table"
    );
    let next = pg().psql(&target, "SELECT nextval('shop.customers_id_seq')");
    assert_eq!(next, "502", "the serial sequence came along with its value");
}
