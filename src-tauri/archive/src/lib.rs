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
mod select;
mod tarfmt;
mod toc;

pub use detect::detect_format;
pub use error::ArchiveError;
pub use model::*;
pub use plain::{count_copy_rows, count_plain_rows, CopyRows};
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
        BackupFormat::Custom if packing == detect::Packing::Zstd => custom::read_zstd_info(path),
        BackupFormat::Custom => custom::read_info(path),
        BackupFormat::Directory => directory::read_info(path),
        BackupFormat::Tar => tarfmt::read_info(path),
        BackupFormat::Plain => plain::read_info(path, packing == detect::Packing::Gzip),
    }
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
