//! Reads what a pg_dump archive holds — format, header, table of contents, data
//! sizes — straight from its bytes, so `info`, selective restore and restore
//! progress never guess from a file name and never need a matching pg_restore.

mod contents;
mod custom;
mod detect;
mod directory;
mod error;
mod model;
mod plain;
mod script;
mod select;
mod tarfmt;
mod toc;
mod unpack;

pub use detect::detect_format;
pub use error::ArchiveError;
pub use model::*;
pub use plain::{count_copy_rows, count_plain_rows, CopyRows};
pub use script::{FindingKind, ScriptFinding, ScriptFindings};
pub use select::{render_list_file, select_tables, SelectError};

use std::fs::File;
use std::io;
use std::path::Path;

/// Everything about the backup at `path`: format (from its content), header,
/// table of contents, counts and per-entry data sizes. Checks the backup is
/// complete as far as that can be told without decompressing table data (a
/// zstd-wrapped custom archive is decompressed once, as a whole, to walk it).
pub fn read_info(path: &Path) -> Result<BackupInfo, ArchiveError> {
    let (format, packing) = detect::detect(path)?;
    match format {
        BackupFormat::Custom if packing == detect::Packing::Zstd => {
            custom::read_zstd(path, custom::ZstdRead::Walk)
        }
        BackupFormat::Custom => custom::read_info(path),
        BackupFormat::Directory => directory::read_info(path),
        BackupFormat::Tar => tarfmt::read_info(path),
        BackupFormat::Plain => plain::read_info(path, packing == detect::Packing::Gzip),
    }
}

/// Checks what [`read_info`] cannot tell without decompressing the data:
/// every data file of a directory archive is read to its end. Other formats
/// were checked whole by [`read_info`] already.
pub fn check_data(info: &BackupInfo) -> Result<(), ArchiveError> {
    match info.format {
        BackupFormat::Directory => directory::check_data(&info.path),
        _ => Ok(()),
    }
}

/// What a restore needs before it starts, read quickly: for a zstd-wrapped
/// custom archive the table of contents only (no data sizes), after checking
/// the zstd stream is whole (its frames' block headers, without
/// decompressing); for any other backup the same as [`read_info`].
pub fn read_toc_info(path: &Path) -> Result<BackupInfo, ArchiveError> {
    let (format, packing) = detect::detect(path)?;
    if format == BackupFormat::Custom && packing == detect::Packing::Zstd {
        detect::check_zstd_frames(path)?;
        return custom::read_zstd(path, custom::ZstdRead::Toc);
    }
    read_info(path)
}

/// The table of contents of a custom archive read from the head of a
/// stream (a download, a decrypted stream), the fast preset's zstd wrapping
/// included; only as much of the stream is read as the TOC takes. `name`
/// names it in messages and `size` is its size as stored. `None` for any
/// other content (tar, a SQL script, …): it cannot be read this way.
pub fn read_stream_toc(
    name: &Path,
    stream: impl io::Read,
    size: u64,
) -> Result<Option<BackupInfo>, ArchiveError> {
    use io::BufRead;
    let mut stream = io::BufReader::with_capacity(1 << 18, stream);
    let head = stream.fill_buf().map_err(|e| io_error(name, e))?;
    if head.is_empty() {
        return Err(ArchiveError::Empty(name.to_path_buf()));
    }
    if head.starts_with(b"PGDMP") {
        let toc = custom::read_buffered(name, stream, false)?;
        return Ok(Some(toc.into_info(name, BackupFormat::Custom, size)));
    }
    if !head.starts_with(detect::ZSTD_MAGIC) {
        return Ok(None);
    }
    let mut decoder = io::BufReader::with_capacity(
        1 << 18,
        zstd::stream::read::Decoder::with_buffer(stream).map_err(|e| io_error(name, e))?,
    );
    let inner = decoder
        .fill_buf()
        .map_err(|e| truncated(name, format!("its zstd-compressed data is damaged ({e})")))?;
    if !inner.starts_with(b"PGDMP") {
        return Ok(None);
    }
    let toc = custom::read_buffered(name, decoder, false)?;
    let mut info = toc.into_info(name, BackupFormat::Custom, size);
    custom::mark_zstd(&mut info);
    Ok(Some(info))
}

/// How far an unpack is, and a way to stop it.
#[derive(Debug, Default)]
pub struct UnpackProgress {
    /// Decompressed bytes written so far.
    pub written: std::sync::atomic::AtomicU64,
    /// Set to stop the unpack (it then fails).
    pub stop: std::sync::atomic::AtomicBool,
}

/// Decompresses a zstd-wrapped custom archive into `to` (what `zstd -d`
/// writes) and reads it as it goes: one pass gives the unpacked file and its
/// full [`BackupInfo`] (positions are those of `to`; `path` stays the
/// archive's). A failed write is an `Io` error on `to`.
pub fn unpack_zstd(
    path: &Path,
    to: &Path,
    progress: &UnpackProgress,
) -> Result<BackupInfo, ArchiveError> {
    custom::read_zstd(path, custom::ZstdRead::Unpack { to, progress })
}

fn io_error(path: &Path, source: io::Error) -> ArchiveError {
    if source.kind() == io::ErrorKind::NotFound {
        return ArchiveError::NotFound(path.to_path_buf());
    }
    ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn truncated(path: &Path, detail: impl Into<String>) -> ArchiveError {
    ArchiveError::Truncated {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

/// Opens a file and tells its length.
fn open_file(path: &Path) -> Result<(File, u64), ArchiveError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    Ok((file, len))
}

/// "table public.orders", "large objects", … for messages about an entry.
fn describe(entry: &TocEntry) -> String {
    match (entry.kind.as_str(), &entry.schema) {
        ("TABLE DATA", Some(schema)) => format!("table {schema}.{}", entry.name),
        ("TABLE DATA", None) => format!("table {}", entry.name),
        ("BLOBS", _) => "the large objects".into(),
        (kind, _) => format!("{} {}", kind.to_lowercase(), entry.name),
    }
}
