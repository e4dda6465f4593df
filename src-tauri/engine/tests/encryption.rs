//! Encryption at rest with age: backups encrypted as they are written,
//! locally and into a real bucket (Garage), restored through Tusk and
//! through the stock `age -d` and pg_restore; wrong keys and damaged data
//! refused before anything touches a database; manifests that say nothing
//! about the data.

mod common;

use common::*;
use std::process::{Command, Stdio};
use std::sync::Arc;
use tusk_engine::backup::recorded::run_recorded_backup;
use tusk_engine::backup::remote::prepare_bucket_backup;
use tusk_engine::crypt::{decrypt_backup, decrypt_backup_in, is_encrypted, Decrypt};
use tusk_engine::options::Encryption;
use tusk_engine::restore::prepare_streamed_restore;
use tusk_engine::restore::remote::fetch_backup;
use tusk_engine::restore::stream::{open_encrypted_file, open_stream, Streamable};
use tusk_engine::storage::Bucket;
use tusk_engine::{
    BackupFormat, BackupOptions, CancelHandle, CompressionMethod, JobStatus, RestoreOptions, Secret,
};
use tusk_testkit::garage::Garage;

const PASSPHRASE: &str = "correct horse battery staple: 'quoted' = \"x\" ü";

/// An age key pair made by the stock age-keygen: (identity file, public key).
fn key_pair(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let file = dir.join("key.txt");
    let made = Command::new("age-keygen")
        .arg("-o")
        .arg(&file)
        .output()
        .expect("age-keygen (Debian package age)");
    assert!(made.status.success(), "{made:?}");
    let public = Command::new("age-keygen")
        .arg("-y")
        .arg(&file)
        .output()
        .unwrap();
    (
        file,
        String::from_utf8(public.stdout).unwrap().trim().to_string(),
    )
}

async fn restore_into_new(path: &std::path::Path) -> String {
    let target = pg().create_db("decrypted");
    let (outcome, _) = restore(
        &conn(&target),
        RestoreOptions {
            input_path: path.to_path_buf(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    fingerprint(&target)
}

#[tokio::test]
async fn encrypted_backups_restore_through_tusk_and_through_stock_age_and_pg_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, public) = key_pair(dir.path());
    let db = sample_db("sealed");
    let expected = fingerprint(&db);

    // To a public key, the standard preset: `age -d | pg_restore` restores it.
    let to_key = dir.path().join("sealed.backup.age");
    let (outcome, _) = backup(
        &db,
        BackupOptions {
            output_path: to_key.clone(),
            encryption: Encryption::Recipients {
                recipients: vec![public.clone()],
            },
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert!(
        outcome.command.contains(&format!("| age -r {public} >")),
        "{}",
        outcome.command
    );
    assert!(is_encrypted(&to_key));
    assert!(
        tusk_engine::get_backup_info(&to_key).is_err(),
        "unreadable without the key"
    );
    let stock = pg().create_db("stock_age");
    let mut age = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&identity)
        .arg(&to_key)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let restored = Command::new(pg().bin("pg_restore"))
        .args(pg().conn_args(&stock))
        .stdin(age.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(age.wait().unwrap().success());
    assert!(restored.status.success(), "{restored:?}");
    assert_eq!(fingerprint(&stock), expected);
    let key = Decrypt::identity_file(&identity).unwrap();
    let plain = decrypt_backup(&to_key, Some(&key)).unwrap();
    assert_eq!(restore_into_new(plain.path()).await, expected);

    // With a passphrase, the fast preset (zstd inside, age outside).
    let with_passphrase = dir.path().join("sealed.backup.zst.age");
    let (outcome, events) = backup(
        &db,
        BackupOptions {
            output_path: with_passphrase.clone(),
            compression_method: CompressionMethod::Zstd,
            compression: 1,
            encryption: Encryption::Passphrase,
            passphrase: Some(Secret::new(PASSPHRASE)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert!(
        !events.all_json().contains(PASSPHRASE),
        "the passphrase leaked"
    );
    let key = Decrypt::Passphrase(Secret::new(PASSPHRASE));
    let plain = decrypt_backup(&with_passphrase, Some(&key)).unwrap();
    assert_eq!(restore_into_new(plain.path()).await, expected);
    // Decrypted as pg_restore reads it, no decrypted copy made: the same.
    let options = RestoreOptions {
        input_path: with_passphrase.clone(),
        target_database: Some("sealed_on_the_fly".into()),
        create_database: true,
        ..Default::default()
    };
    let wrong = Decrypt::Passphrase(Secret::new("not the passphrase at all"));
    let refused = open_encrypted_file(&with_passphrase, Some(&options), Some(wrong))
        .await
        .err()
        .expect("a wrong passphrase is refused before anything")
        .to_string();
    assert!(
        refused.contains("cannot be decrypted with this key"),
        "{refused}"
    );
    let Streamable::Streamed(streamed) =
        open_encrypted_file(&with_passphrase, Some(&options), Some(key))
            .await
            .unwrap()
    else {
        panic!("an encrypted custom archive is decrypted as it is read");
    };
    assert!(streamed.is_local() && streamed.info.zstd);
    let prepared =
        prepare_streamed_restore(&uuid(), &conn("postgres"), &options, &search(), &streamed)
            .await
            .unwrap();
    assert!(
        prepared.preflight.command.starts_with("(age -d "),
        "{}",
        prepared.preflight.command
    );
    let outcome = prepared.run(&CancelHandle::new(), &|_| {}).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    assert_eq!(fingerprint("sealed_on_the_fly"), expected);
    let key = Decrypt::Passphrase(Secret::new(PASSPHRASE));

    // Plain SQL too.
    let script = dir.path().join("sealed.sql.age");
    let (outcome, _) = backup(
        &db,
        BackupOptions {
            output_path: script.clone(),
            format: BackupFormat::Plain,
            compression: 0,
            encryption: Encryption::Passphrase,
            passphrase: Some(Secret::new(PASSPHRASE)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let plain = decrypt_backup(&script, Some(&key)).unwrap();
    assert_eq!(restore_into_new(plain.path()).await, expected);
}

#[tokio::test]
async fn a_wrong_key_or_damaged_data_is_refused_with_its_own_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (identity, _) = key_pair(dir.path());
    let db = sample_db("refused");
    let file = dir.path().join("refused.backup.age");
    let (outcome, _) = backup(
        &db,
        BackupOptions {
            output_path: file.clone(),
            encryption: Encryption::Passphrase,
            passphrase: Some(Secret::new(PASSPHRASE)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let staging = tempfile::tempdir().unwrap();
    let message = |key: Option<&Decrypt>, path: &std::path::Path| {
        decrypt_backup_in(path, key, staging.path())
            .err()
            .expect("refused")
            .to_string()
    };
    let wrong = Decrypt::Passphrase(Secret::new("not the passphrase at all"));
    assert!(
        message(Some(&wrong), &file).contains("the passphrase is wrong"),
        "{}",
        message(Some(&wrong), &file)
    );
    let not_a_recipient = Decrypt::identity_file(&identity).unwrap();
    assert!(message(Some(&not_a_recipient), &file)
        .contains("encrypted with a passphrase, not to public keys"));
    assert!(message(None, &file).contains("is encrypted (age): give its passphrase"));
    // One byte changed in the middle of the data.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = dir.path().join("damaged.backup.age");
    std::fs::write(&damaged, bytes).unwrap();
    let right = Decrypt::Passphrase(Secret::new(PASSPHRASE));
    let said = message(Some(&right), &damaged);
    assert!(said.contains("is damaged"), "{said}");
    // Nothing decrypted was left behind.
    let left: Vec<_> = std::fs::read_dir(staging.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Too short a passphrase, or a key that is not one.
    for (encryption, passphrase, expected) in [
        (Encryption::Passphrase, Some("short"), "shorter than 8"),
        (Encryption::Passphrase, None, "needs its passphrase"),
        (
            Encryption::Recipients {
                recipients: vec!["age1notakey".into()],
            },
            None,
            "`age1notakey` is not an age public key",
        ),
    ] {
        let options = BackupOptions {
            output_path: dir.path().join("x.backup.age"),
            encryption,
            passphrase: passphrase.map(Secret::new),
            ..Default::default()
        };
        let err = tusk_engine::prepare_backup(&uuid(), &conn(&db), &options, &search())
            .await
            .err()
            .expect("refused");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[tokio::test]
async fn an_encrypted_backup_in_a_bucket_says_nothing_of_its_tables_and_restores() {
    let g = Garage::start();
    let b = Arc::new(Bucket::open(&g.destination("offsite", "sealed"), &g.credentials()).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("sealed_bucket");
    let expected = fingerprint(&db);
    let options = BackupOptions {
        encryption: Encryption::Passphrase,
        passphrase: Some(Secret::new(PASSPHRASE)),
        exclude_table_data: vec!["public.documents".into()],
        ..Default::default()
    };
    let prepared = prepare_bucket_backup(&uuid(), &conn(&db), &options, &search(), b.clone())
        .await
        .unwrap();
    let events = Events::default();
    let outcome = run_recorded_backup(
        &c,
        prepared,
        meta(&db),
        &CancelHandle::new(),
        &events.sink(),
    )
    .await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let location = outcome.location.clone().unwrap();
    let key = location.strip_prefix("offsite:").unwrap();
    assert!(key.ends_with(".backup.age"), "{key}");
    let manifest =
        String::from_utf8(b.get_bytes(&format!("{key}.tusk.json")).await.unwrap()).unwrap();
    assert!(!manifest.contains("documents"), "{manifest}");
    assert!(manifest.contains("\"kind\": \"passphrase\""), "{manifest}");
    assert!(!manifest.contains(PASSPHRASE) && !events.all_json().contains(PASSPHRASE));
    let fetched = fetch_backup(&b, key, true, &CancelHandle::new(), &|_| {})
        .await
        .unwrap();
    let plain = decrypt_backup(
        fetched.path(),
        Some(&Decrypt::Passphrase(Secret::new(PASSPHRASE))),
    )
    .unwrap();
    let restored = restore_into_new(plain.path()).await;
    let without_customers: Vec<&str> = expected
        .lines()
        .filter(|l| !l.starts_with("public.documents"))
        .collect();
    for line in without_customers {
        assert!(restored.contains(line), "{line} missing from {restored}");
    }
    // Verify works on it with the key: checksum, decrypt, archive, test restore.
    let record = c
        .require_backup(outcome.backup_id.as_ref().unwrap())
        .unwrap();
    assert!(record.is_remote_only());
    let mut local = record.clone();
    local.path = fetched.path().to_path_buf();
    let key = Decrypt::Passphrase(Secret::new(PASSPHRASE));
    let v = tusk_engine::verify::verify_backup(
        &c,
        tusk_engine::verify::VerifyRequest {
            id: uuid(),
            backup: local,
            restore_on: Some(conn(&db)),
            search: &search(),
            decrypt: Some(&key),
        },
        &CancelHandle::new(),
        &|_| {},
    )
    .await
    .unwrap();
    let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["checksum", "decrypt", "archive", "rows", "testRestore"],
        "{v:#?}"
    );
    assert!(v.checks.iter().all(|c| c.ok), "{v:#?}");

    // Read as it downloads: decrypted and decompressed on the way into
    // pg_restore, a wrong passphrase refused before anything is touched.
    let key = location.strip_prefix("offsite:").unwrap();
    let options = RestoreOptions {
        input_path: location.clone().into(),
        target_database: Some("sealed_streamed".into()),
        create_database: true,
        ..Default::default()
    };
    let wrong = Decrypt::Passphrase(Secret::new("not the passphrase"));
    let refused = open_stream(&b, key, &options, true, Some(wrong))
        .await
        .err()
        .expect("a wrong passphrase is refused")
        .to_string();
    assert!(
        refused.contains("cannot be decrypted with this key"),
        "{refused}"
    );
    let refused = open_stream(&b, key, &options, true, None)
        .await
        .err()
        .expect("no key is refused")
        .to_string();
    assert!(refused.contains("is encrypted (age)"), "{refused}");
    let right = Decrypt::Passphrase(Secret::new(PASSPHRASE));
    let Streamable::Streamed(streamed) = open_stream(&b, key, &options, true, Some(right))
        .await
        .unwrap()
    else {
        panic!("an encrypted custom archive streams");
    };
    assert!(streamed.checks());
    let prepared =
        prepare_streamed_restore(&uuid(), &conn("postgres"), &options, &search(), &streamed)
            .await
            .unwrap();
    let events = Events::default();
    let outcome = prepared.run(&CancelHandle::new(), &events.sink()).await;
    assert_eq!(outcome.status, JobStatus::Completed, "{outcome:#?}");
    let streamed_print = fingerprint("sealed_streamed");
    assert_eq!(streamed_print, restored);
    assert!(!events.all_json().contains(PASSPHRASE));
}
