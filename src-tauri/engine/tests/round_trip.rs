//! Backups through all four formats restore to identical data, and `info`
//! reads each one for real.

mod common;

use common::*;
use tusk_engine::{
    BackupFormat, BackupOptions, BackupPreset, CompressionMethod, JobStatus, Phase, RestoreOptions,
};

async fn round_trip(format: BackupFormat, compression: u8, jobs: u8) {
    round_trip_with(BackupOptions {
        format,
        compression,
        jobs,
        ..Default::default()
    })
    .await
}

async fn round_trip_with(mut options: BackupOptions) {
    let format = options.format;
    let zstd = options.compression_method == CompressionMethod::Zstd;
    let source = sample_db("src");
    let dir = tempfile::tempdir().unwrap();
    let output = dir
        .path()
        .join(format!("sample.{}", options.file_extension()));
    options.output_path = output.clone();
    let (outcome, events) = backup(&source, options).await;
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
    assert_eq!(info.zstd, zstd);
    if zstd {
        assert_eq!(info.compression.algorithm, "zstd");
        // Stock tools read it after one standard decompression.
        let unpacked = dir.path().join("unpacked.backup");
        let file = std::fs::File::open(&output).unwrap();
        zstd::stream::copy_decode(file, std::fs::File::create(&unpacked).unwrap()).unwrap();
        let listed = std::process::Command::new(pg().bin("pg_restore"))
            .arg("-l")
            .arg(&unpacked)
            .output()
            .unwrap();
        assert!(listed.status.success(), "{listed:?}");
        assert!(String::from_utf8_lossy(&listed.stdout).contains("TABLE DATA shop orders"));
        std::fs::remove_file(&unpacked).unwrap();
    }
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
    assert_eq!(
        table_names(&info),
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
    let parallel = format != BackupFormat::Plain && format != BackupFormat::Tar;
    let (restored, events) = restore(
        &conn("postgres"),
        RestoreOptions {
            input_path: output.clone(),
            target_database: Some(target.clone()),
            create_database: true,
            // zstd: pg_restore -j2 reads the unpacked archive.
            jobs: if zstd && parallel { 2 } else { 1 },
            single_transaction: Some(!zstd),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(restored.status, JobStatus::Completed, "{restored:#?}");
    assert_eq!(restored.progress.percent, 100.0);
    let unpacking = events
        .progress()
        .iter()
        .any(|p| p.phase == Phase::Unpacking);
    assert_eq!(unpacking, zstd, "an unpacking phase only for zstd");
    if zstd {
        assert!(
            restored.command.starts_with("zstd -dc "),
            "{}",
            restored.command
        );
    }
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(
        leftovers, 1,
        "the unpacked copy is removed after the restore"
    );
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
async fn fast_preset_round_trip_through_zstd() {
    let mut options = BackupOptions::default();
    BackupPreset::Fast.apply(&mut options);
    round_trip_with(options).await;
}

#[tokio::test]
async fn gzipped_plain_round_trip() {
    round_trip(BackupFormat::Plain, 5, 1).await;
}

#[tokio::test]
async fn selective_restore_of_one_table() {
    selective_restore(BackupPreset::Standard).await;
}

/// The pre-flight of a zstd backup reads its table of contents only: the
/// chosen table and what it needs still come out of it.
#[tokio::test]
async fn selective_restore_of_one_table_from_a_zstd_backup() {
    selective_restore(BackupPreset::Fast).await;
}

async fn selective_restore(preset: BackupPreset) {
    let source = sample_db("sel");
    let dir = tempfile::tempdir().unwrap();
    let mut options = BackupOptions::default();
    preset.apply(&mut options);
    let output = dir.path().join(format!("sel.{}", options.file_extension()));
    options.output_path = output.clone();
    let (outcome, _) = backup(&source, options).await;
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
