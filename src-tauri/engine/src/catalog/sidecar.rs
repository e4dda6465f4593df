//! Files beside each backup: `<backup>.sha256`, readable by `sha256sum -c`
//! from the backup's folder, and `<backup>.tusk.json`, the catalog's record,
//! so a folder of backups copied to another machine can be imported.

use crate::catalog::BackupRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MANIFEST_SUFFIX: &str = ".tusk.json";
pub const CHECKSUM_SUFFIX: &str = ".sha256";
const MANIFEST_VERSION: u32 = 1;

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

pub fn manifest_path(backup: &Path) -> PathBuf {
    with_suffix(backup, MANIFEST_SUFFIX)
}

pub fn checksum_path(backup: &Path) -> PathBuf {
    with_suffix(backup, CHECKSUM_SUFFIX)
}

pub fn is_manifest(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(MANIFEST_SUFFIX))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The `sha256sum` listing of a backup: one line for a file, one per file
/// (sorted, as `folder/file`) for a directory backup, hashed on every core,
/// largest files first so that two big tables land on different cores.
pub fn listing(backup: &Path) -> std::io::Result<String> {
    let name = file_name(backup);
    if !backup.is_dir() {
        return Ok(format!("{}  {name}\n", hash_file(backup)?));
    }
    let mut files: Vec<(PathBuf, u64)> = std::fs::read_dir(backup)?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file().then(|| (e.path(), meta.len()))
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(files.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut hashed: Vec<(usize, std::io::Result<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, _)) = files.get(i) else {
                            break done;
                        };
                        done.push((i, hash_file(path)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("hashing thread"))
            .collect()
    });
    hashed.sort_by_key(|(i, _)| *i);
    let mut lines: Vec<(String, String)> = files
        .iter()
        .zip(hashed)
        .map(|((f, _), (_, h))| h.map(|h| (file_name(f), h)))
        .collect::<std::io::Result<_>>()?;
    lines.sort();
    Ok(lines
        .into_iter()
        .map(|(file, h)| format!("{h}  {name}/{file}\n"))
        .collect())
}

/// The backup's SHA-256: of the file, or of a directory backup's listing.
pub fn digest_of_listing(backup: &Path, listing: &str) -> String {
    if backup.is_dir() {
        hex::encode(Sha256::digest(listing.as_bytes()))
    } else {
        listing.split_whitespace().next().unwrap_or_default().into()
    }
}

/// Hashes the backup, writes `<backup>.sha256`, returns the SHA-256.
pub fn write_checksum(backup: &Path) -> std::io::Result<String> {
    let text = listing(backup)?;
    write_atomic(&checksum_path(backup), text.as_bytes())?;
    Ok(digest_of_listing(backup, &text))
}

/// Recomputes the checksum; `Err` says what no longer matches.
pub fn check(backup: &Path, expected: &str) -> Result<(), String> {
    if !backup.exists() {
        return Err(format!("{} is missing", backup.display()));
    }
    let text = listing(backup).map_err(|e| format!("cannot read {}: {e}", backup.display()))?;
    let actual = digest_of_listing(backup, &text);
    if actual == expected {
        return Ok(());
    }
    // Name the files that changed, from the sidecar listing when there is one.
    let recorded = std::fs::read_to_string(checksum_path(backup)).unwrap_or_default();
    let changed: Vec<&str> = text
        .lines()
        .filter(|l| !recorded.lines().any(|r| r == *l))
        .filter_map(|l| l.split_once("  ").map(|(_, f)| f))
        .collect();
    Err(if changed.is_empty() || recorded.is_empty() {
        format!(
            "the SHA-256 of {} is {actual}, not {expected} as recorded: the backup changed after it was made",
            backup.display()
        )
    } else {
        format!(
            "the backup changed after it was made: {} no longer match{} the recorded SHA-256",
            changed.join(", "),
            if changed.len() == 1 { "es" } else { "" }
        )
    })
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    tusk_manifest: u32,
    /// The backup's name inside the manifest's folder.
    file_name: String,
    record: BackupRecord,
}

/// A manifest's bytes: what the catalog knows of the backup named
/// `file_name` beside it (the local path is not part of it).
pub fn manifest_bytes(record: &BackupRecord, file_name: &str) -> Vec<u8> {
    let manifest = Manifest {
        tusk_manifest: MANIFEST_VERSION,
        file_name: file_name.to_string(),
        record: readable_part(record),
    };
    serde_json::to_vec_pretty(&manifest).expect("a record serialises")
}

/// What a manifest may say of a backup: all of it, unless the backup is
/// encrypted; then nothing about the data itself (the schemas and tables
/// chosen, a verification's table names and row counts, pg_dump's warnings)
/// is written beside it in the clear.
fn readable_part(record: &BackupRecord) -> BackupRecord {
    let mut r = record.clone();
    if r.options.encryption.is_on() {
        let o = &mut r.options;
        o.schemas = None;
        o.tables = None;
        o.exclude_tables.clear();
        o.exclude_table_data.clear();
        o.extra_args.clear();
        r.verification = None;
        r.warnings.clear();
        r.error = None;
    }
    r
}

/// Writes `<backup>.tusk.json` with what the catalog knows.
pub fn write_manifest(record: &BackupRecord) -> std::io::Result<()> {
    let text = manifest_bytes(record, &file_name(&record.path));
    write_atomic(&manifest_path(&record.path), &text)
}

/// A manifest's backup file name and record, as written.
pub fn parse_manifest(bytes: &[u8]) -> Result<(String, BackupRecord), String> {
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| format!("not a Tusk manifest ({e})"))?;
    if manifest.tusk_manifest > MANIFEST_VERSION {
        return Err(format!(
            "made by a newer Tusk (manifest version {}): update Tusk to import it",
            manifest.tusk_manifest
        ));
    }
    Ok((manifest.file_name, manifest.record))
}

/// Reads a manifest; the backup's path is taken relative to the manifest.
pub fn read_manifest(path: &Path) -> Result<BackupRecord, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (file_name, mut record) = parse_manifest(&bytes)?;
    // Only a name inside the manifest's folder: never a path elsewhere.
    let plain = Path::new(&file_name).components().count() == 1
        && matches!(
            Path::new(&file_name).components().next(),
            Some(std::path::Component::Normal(_))
        );
    if !plain {
        return Err(format!(
            "its file name `{file_name}` is not a plain name in this folder"
        ));
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    record.path = folder.join(&file_name);
    record.file_exists = record.path.exists();
    if !record.file_exists {
        return Err(format!("its backup {} is missing", record.path.display()));
    }
    Ok(record)
}

/// A manifest says what a file is, but anyone can write one: before an
/// imported backup becomes a record (that retention may one day delete, or
/// a restore trust), its file must read as a backup of the format claimed
/// and match the checksum the manifest records.
pub fn check_imported(record: &BackupRecord) -> Result<(), String> {
    if !record.status.is_success() {
        return Err(format!(
            "its manifest says the backup did not complete ({})",
            record.status.as_str()
        ));
    }
    let info = tusk_archive::read_toc_info(&record.path)
        .map_err(|e| format!("it is not a readable backup: {e}"))?;
    if info.format != record.format {
        return Err(format!(
            "its manifest calls it a {} backup, but {} is a {} one",
            record.format.as_str(),
            record.path.display(),
            info.format.as_str()
        ));
    }
    let sha = record
        .sha256
        .as_deref()
        .ok_or("its manifest records no checksum, so the file cannot be told to be the backup it describes")?;
    check(&record.path, sha)
}

/// Deletes a backup and its sidecars. A missing file is not an error.
pub fn remove_backup(backup: &Path) -> std::io::Result<()> {
    let result = if backup.is_dir() {
        std::fs::remove_dir_all(backup)
    } else {
        std::fs::remove_file(backup)
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    for side in [manifest_path(backup), checksum_path(backup)] {
        if let Err(e) = std::fs::remove_file(&side) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(path = %side.display(), error = %e, "a sidecar file could not be removed");
            }
        }
    }
    Ok(())
}

/// Copies a backup and its sidecars into `folder`; returns the copy's path.
/// Written under a temporary name first, like every backup.
pub fn copy_backup(record: &BackupRecord, folder: &Path) -> std::io::Result<PathBuf> {
    let target = folder.join(file_name(&record.path));
    if target.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", target.display()),
        ));
    }
    let partial = folder.join(format!(
        ".{}{}copy",
        file_name(&record.path),
        crate::jobs::output::PARTIAL_MARKER
    ));
    let copied = copy_tree(&record.path, &partial).and_then(|_| std::fs::rename(&partial, &target));
    if let Err(e) = copied {
        crate::jobs::output::remove_partial(&partial);
        return Err(e);
    }
    for side in [checksum_path(&record.path), manifest_path(&record.path)] {
        if side.exists() {
            std::fs::copy(&side, folder.join(file_name(&side)))?;
        }
    }
    Ok(target)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(|_| ())
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(folder)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_directory_listings_match_sha256sum() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.backup");
        std::fs::write(&file, b"abc").unwrap();
        let sum = write_checksum(&file).unwrap();
        assert_eq!(
            sum,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            std::fs::read_to_string(checksum_path(&file)).unwrap(),
            format!("{sum}  a.backup\n")
        );
        assert!(check(&file, &sum).is_ok());
        std::fs::write(&file, b"abd").unwrap();
        assert!(check(&file, &sum).unwrap_err().contains("changed"));

        let folder = dir.path().join("d");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("toc.dat"), b"x").unwrap();
        std::fs::write(folder.join("3001.dat.gz"), b"y").unwrap();
        // Hashed largest first, listed by name.
        std::fs::write(folder.join("3002.dat.gz"), vec![7u8; 3 << 20]).unwrap();
        let sum = write_checksum(&folder).unwrap();
        let text = std::fs::read_to_string(checksum_path(&folder)).unwrap();
        let names: Vec<&str> = text.lines().map(|l| &l[66..]).collect();
        assert_eq!(names, ["d/3001.dat.gz", "d/3002.dat.gz", "d/toc.dat"]);
        let status = std::process::Command::new("sha256sum")
            .arg("-c")
            .arg("--quiet")
            .arg(checksum_path(&folder))
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "sha256sum -c rejects {text}");
        std::fs::write(folder.join("toc.dat"), b"z").unwrap();
        assert_eq!(
            check(&folder, &sum).unwrap_err(),
            "the backup changed after it was made: d/toc.dat no longer matches the recorded SHA-256"
        );
    }
}
