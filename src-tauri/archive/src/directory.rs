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
    let mut toc = read_toc(dir)?;
    for raw in &mut toc.entries {
        if let Extra::File(Some(name)) = &raw.extra {
            raw.entry.data = Some(locate(dir, &files, name, &raw.entry)?);
        }
    }
    let size = files.values().sum();
    Ok(toc.into_info(dir, BackupFormat::Directory, size))
}

fn read_toc(dir: &Path) -> Result<toc::Toc, ArchiveError> {
    let (file, len) = crate::open_file(&dir.join("toc.dat"))?;
    let mut rd = Reader::new(BufReader::new(file), len);
    toc::read_toc(&mut rd, toc::FORMAT_TAR, toc::Flavor::FileNames)
        .map_err(|f| f.into_error(dir, "toc.dat"))
}

/// Reads every data file of a directory archive to its end: a compressed
/// one must decompress whole (its checksum included), and COPY data must
/// end with pg_dump's `\.` line. The sizes [`read_info`] checks say nothing
/// of a file cut short. The files are read in parallel, largest first.
pub(crate) fn check_data(dir: &Path) -> Result<(), ArchiveError> {
    let files = list_files(dir)?;
    let toc = read_toc(dir)?;
    let mut work: Vec<(String, u64, bool, String)> = Vec::new();
    for raw in &toc.entries {
        let Extra::File(Some(name)) = &raw.extra else {
            continue;
        };
        let (actual, size) = find(&files, name).ok_or_else(|| {
            crate::truncated(
                dir,
                format!("{name}, the data of {}, is missing", describe(&raw.entry)),
            )
        })?;
        let what = describe(&raw.entry);
        work.push((actual.to_string(), size, raw.copy, what.clone()));
        if raw.entry.kind == "BLOBS" && actual == name {
            for blob in blob_files(&dir.join(actual))? {
                if let Some((file, size)) = find(&files, &blob) {
                    work.push((file.to_string(), size, false, what.clone()));
                }
            }
        }
    }
    work.sort_by_key(|w| std::cmp::Reverse(w.1));
    let next = std::sync::Mutex::new(work.into_iter());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| loop {
                    let Some((file, _, copy, what)) = next.lock().expect("not poisoned").next()
                    else {
                        return Ok(());
                    };
                    check_file(dir, &file, copy, &what)?;
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(crate::truncated(dir, "a data file could not be read")))
        })
    })
}

/// One data file, decompressed as its suffix says, read to the end.
fn check_file(dir: &Path, name: &str, copy: bool, what: &str) -> Result<(), ArchiveError> {
    let path = dir.join(name);
    let file = std::fs::File::open(&path).map_err(|e| io_error(&path, e))?;
    let reader: Box<dyn std::io::Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else if name.ends_with(".zst") {
        Box::new(zstd::stream::read::Decoder::new(file).map_err(|e| io_error(&path, e))?)
    } else if name.ends_with(".lz4") {
        // No lz4 reader here: its presence and size were checked.
        return Ok(());
    } else {
        Box::new(file)
    };
    let cut =
        |detail: String| crate::truncated(dir, format!("{name}, the data of {what}, {detail}"));
    let end = read_to_end_keeping_tail(reader).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::InvalidData
        | std::io::ErrorKind::InvalidInput
        | std::io::ErrorKind::Other => cut(format!("is cut off or damaged ({e})")),
        _ => io_error(&path, e),
    })?;
    if copy && !ends_copy_data(&end) {
        return Err(cut(
            "is cut off: its rows do not end with pg_dump's closing \\. line".into(),
        ));
    }
    Ok(())
}

/// Reads everything, keeping the last bytes.
fn read_to_end_keeping_tail(mut reader: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    const KEEP: usize = 16;
    let mut buf = vec![0u8; 1 << 16];
    let mut tail: Vec<u8> = Vec::with_capacity(KEEP * 2);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(tail),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        tail.extend_from_slice(&buf[n.saturating_sub(KEEP)..n]);
        let excess = tail.len().saturating_sub(KEEP);
        tail.drain(..excess);
    }
}

/// COPY text as pg_dump writes it: rows, then `\.` on a line of its own,
/// then blank lines.
fn ends_copy_data(end: &[u8]) -> bool {
    let mut body = end;
    while let Some(rest) = body.strip_suffix(b"\n") {
        body = rest;
    }
    body == b"\\." || body.ends_with(b"\n\\.")
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
