//! Directory archives (`pg_dump -Fd`): `toc.dat` (the custom header and TOC,
//! with a file name per entry), one file per table's data, and for large
//! objects a list file (`blobs.toc`, or `blobs_<id>.toc` since PostgreSQL 17)
//! naming one `blob_<oid>.dat` per object. Data files may carry a compression
//! suffix the TOC does not mention.

use crate::toc::{self, Extra, Reader};
use crate::{describe, io_error, ArchiveError, BackupFormat, BackupInfo, DataLocation, TocEntry};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

const SUFFIXES: &[&str] = &["", ".gz", ".lz4", ".zst"];

pub(crate) fn read_info(dir: &Path) -> Result<BackupInfo, ArchiveError> {
    let files = list_files(dir)?;
    let toc_path = dir.join("toc.dat");
    let (file, len) = crate::open_file(&toc_path)?;
    let mut rd = Reader::new(BufReader::new(file), len);
    let mut toc = toc::read_toc(&mut rd, toc::FORMAT_TAR, toc::Flavor::FileNames)
        .map_err(|f| f.into_error(dir, "toc.dat"))?;
    for raw in &mut toc.entries {
        if let Extra::File(Some(name)) = &raw.extra {
            raw.entry.data = Some(locate(dir, &files, name, &raw.entry)?);
        }
    }
    let size = files.values().sum();
    Ok(toc.into_info(dir, BackupFormat::Directory, size))
}

/// Regular files of the folder (pg_dump writes no subfolders), with sizes.
fn list_files(dir: &Path) -> Result<HashMap<String, u64>, ArchiveError> {
    let mut files = HashMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let meta = entry.metadata().map_err(|e| io_error(&entry.path(), e))?;
        if meta.is_file() {
            files.insert(entry.file_name().to_string_lossy().into_owned(), meta.len());
        }
    }
    Ok(files)
}

/// The file the TOC names, under whichever compression suffix it got.
fn find<'a>(files: &'a HashMap<String, u64>, name: &str) -> Option<(&'a str, u64)> {
    SUFFIXES
        .iter()
        .find_map(|ext| files.get_key_value(&format!("{name}{ext}")))
        .map(|(k, v)| (k.as_str(), *v))
}

fn locate(
    dir: &Path,
    files: &HashMap<String, u64>,
    name: &str,
    entry: &TocEntry,
) -> Result<DataLocation, ArchiveError> {
    let missing = |file: &str| {
        crate::truncated(
            dir,
            format!("{file}, the data of {}, is missing", describe(entry)),
        )
    };
    let (actual, mut size) = find(files, name).ok_or_else(|| missing(name))?;
    // A large-object list is only a list: the objects' files count too.
    if entry.kind == "BLOBS" && actual == name {
        for blob in blob_files(&dir.join(actual))? {
            size += find(files, &blob).ok_or_else(|| missing(&blob))?.1;
        }
    }
    Ok(DataLocation::File {
        name: actual.to_string(),
        size,
    })
}

/// File names in a large-object list: lines of "<oid> <file name>".
fn blob_files(list: &Path) -> Result<Vec<String>, ArchiveError> {
    let (file, _) = crate::open_file(list)?;
    let mut names = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| io_error(list, e))?;
        if let Some((_oid, name)) = line.trim().split_once(' ') {
            names.push(name.to_string());
        }
    }
    Ok(names)
}
