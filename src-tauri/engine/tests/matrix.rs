//! Every supported PostgreSQL, 13 to 18 (`tusk_testkit::versions`): for
//! each server major, backups in every format and the fast preset (and
//! pg_dump's own zstd where the tools have it) with the tools Tusk picks by
//! itself from client tools 15, 16 and 18; each one verified (a test
//! restore with row counts), restored into a new database and compared with
//! the source. What differs between versions is in `cross_version.rs`.

mod common;

use common::versions::*;
use common::{catalog, uuid, Events};
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::catalog::{BackupReason, Source, VerifyStatus};
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{
    BackupFormat, BackupOptions, BackupPreset, CancelHandle, CompressionMethod, JobStatus,
    RestoreOptions,
};
use tusk_testkit::{versions, PgServer};

/// One server major: every format with the tools Tusk picks, recorded,
/// verified, restored and compared.
async fn matrix(major: u32) {
    let pg = PgServer::start_major(major);
    let db = source_db(&pg);
    let expected = fingerprint(&pg, &db);
    let search = versions::matrix_tools();
    let picked_major = match major {
        13..=15 => 15,
        16 => 16,
        _ => 18,
    };
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog(dir.path());
    let mut cases: Vec<(&str, BackupOptions)> = vec![
        ("custom", BackupOptions::default()),
        (
            "directory",
            BackupOptions {
                format: BackupFormat::Directory,
                jobs: 2,
                ..Default::default()
            },
        ),
        (
            "tar",
            BackupOptions {
                format: BackupFormat::Tar,
                compression: 0,
                ..Default::default()
            },
        ),
        (
            "plain",
            BackupOptions {
                format: BackupFormat::Plain,
                compression: 0,
                ..Default::default()
            },
        ),
        ("fast preset", {
            let mut o = BackupOptions::default();
            BackupPreset::Fast.apply(&mut o);
            o
        }),
    ];
    if picked_major >= 16 {
        cases.push((
            "pg_dump's zstd",
            BackupOptions {
                compression_method: CompressionMethod::PgZstd,
                compression: 3,
                ..Default::default()
            },
        ));
    }
    for (name, mut options) in cases {
        options.output_path = dir.path().join(format!(
            "{}.{}",
            name.replace(' ', "_"),
            options.file_extension()
        ));
        let prepared = tusk_engine::prepare_backup(&uuid(), &pg.spec(&db), &options, &search)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL {major}, {name}: prepare: {e}"));
        assert_eq!(
            prepared.pg_dump.tool.version.major(),
            picked_major,
            "PostgreSQL {major}: {}",
            prepared.pg_dump.reason
        );
        let meta = RecordMeta {
            name: None,
            description: None,
            source: Source::of(&pg.spec(&db), Some("matrix"), Some("matrix")),
            reason: BackupReason::Manual,
            schedule_id: None,
        };
        let events = Events::default();
        let outcome = run_recorded_backup(
            &catalog,
            prepared,
            meta,
            &CancelHandle::new(),
            &events.sink(),
        )
        .await;
        assert_eq!(
            outcome.status,
            JobStatus::Completed,
            "PostgreSQL {major}, {name}: {outcome:#?}"
        );
        let info = tusk_engine::get_backup_info(&options.output_path).unwrap();
        assert_eq!(
            tusk_engine::PgVersion::parse(&info.pg_dump_version)
                .unwrap()
                .major(),
            picked_major
        );

        let id = outcome.backup_id.clone().expect("recorded");
        let verification = verify_backup(
            &catalog,
            VerifyRequest {
                id: uuid(),
                backup: catalog.require_backup(&id).unwrap(),
                restore_on: Some(pg.spec("postgres")),
                search: &search,
                decrypt: None,
            },
            &CancelHandle::new(),
            &|_| {},
        )
        .await
        .unwrap();
        assert_eq!(
            verification.status,
            VerifyStatus::Passed,
            "PostgreSQL {major}, {name}: {verification:#?}"
        );
        assert!(
            verification.tables.len() >= 5,
            "row counts of every table: {verification:#?}"
        );

        let (outcome, target, preflight) = restore_into_new(
            &pg,
            &search,
            &options.output_path,
            RestoreOptions::default(),
        )
        .await;
        assert_eq!(
            outcome.status,
            JobStatus::Completed,
            "PostgreSQL {major}, {name}: {outcome:#?}"
        );
        assert!(
            preflight.tool.tool.version.major() >= major,
            "{}",
            preflight.tool.reason
        );
        assert_eq!(
            fingerprint(&pg, &target),
            expected,
            "PostgreSQL {major}, {name}: the restored database differs"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_13() {
    matrix(13).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_14() {
    matrix(14).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_15() {
    matrix(15).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_16() {
    matrix(16).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_17() {
    matrix(17).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_18() {
    matrix(18).await
}
