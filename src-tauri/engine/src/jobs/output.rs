//! Output safety: a job writes under a hidden temporary name beside the
//! target; only a result that reads back as a valid backup is renamed into
//! place. Anything else — failure, cancellation, a panic — removes it.

use crate::error::EngineError;
use std::path::{Path, PathBuf};

/// Marker in every temporary name, so a crash leftover is recognisable.
pub const PARTIAL_MARKER: &str = ".tusk-partial-";

pub struct PartialOutput {
    path: PathBuf,
    committed: bool,
}

impl PartialOutput {
    /// Reserves `.<name>.tusk-partial-<id>` in the target's folder, after
    /// checking the folder can be written to.
    pub fn beside(target: &Path, id: &str) -> Result<PartialOutput, EngineError> {
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        tempfile::Builder::new()
            .prefix(".tusk-write-check-")
            .tempfile_in(&folder)
            .map_err(|e| {
                EngineError::InvalidOptions(format!(
                    "cannot write to the folder {}: {}. Choose a folder you can write to",
                    folder.display(),
                    e.kind_description()
                ))
            })?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".into());
        let short: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(12)
            .collect();
        let path = folder.join(format!(".{name}{PARTIAL_MARKER}{short}"));
        remove_partial(&path);
        Ok(PartialOutput {
            path,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the result reads back as a backup and renames it to `target`.
    /// Without `overwrite`, a file that appeared at `target` while the job
    /// ran (another backup to the same name) is never replaced: the new
    /// backup takes the first free `name-2.ext`, `name-3.ext`, … instead.
    /// Returns its size and where it went. `check: false` (an encrypted
    /// backup) skips reading it back.
    pub fn commit(
        mut self,
        target: &Path,
        no_sync: bool,
        overwrite: bool,
        check: bool,
    ) -> Result<(u64, PathBuf), String> {
        let size = if check {
            let info = tusk_archive::read_info(&self.path).map_err(|e| e.to_string())?;
            tusk_archive::check_data(&info).map_err(|e| e.to_string())?;
            info.size_bytes
        } else {
            path_size(&self.path)
        };
        let placed = if overwrite {
            std::fs::rename(&self.path, target)
                .map_err(|e| format!("cannot rename into place: {e}"))?;
            target.to_path_buf()
        } else {
            rename_without_replacing(&self.path, target)?
        };
        self.committed = true;
        if !no_sync {
            if let Some(folder) = placed.parent().filter(|p| !p.as_os_str().is_empty()) {
                // Windows cannot open a folder to sync it: that is no error.
                if let Err(e) = std::fs::File::open(folder).and_then(|f| f.sync_all()) {
                    tracing::debug!(folder = %folder.display(), error = %e, "the folder could not be synced");
                }
            }
        }
        Ok((size, placed))
    }
}

impl Drop for PartialOutput {
    fn drop(&mut self) {
        if !self.committed {
            remove_partial(&self.path);
        }
    }
}

/// Renames `from` to `target`, or to the first free numbered sibling of it,
/// never over an existing file or folder.
fn rename_without_replacing(from: &Path, target: &Path) -> Result<PathBuf, String> {
    if from.is_dir() && target.is_dir() {
        // An empty folder chosen as the output (only an empty one goes).
        let _ = std::fs::remove_dir(target);
    }
    for n in 1..1000u32 {
        let candidate = if n == 1 {
            target.to_path_buf()
        } else {
            numbered(target, n)
        };
        match crate::platform::rename_no_replace(from, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot rename into place: {e}")),
        }
    }
    Err(format!(
        "cannot rename into place: {} and 998 numbered names beside it exist",
        target.display()
    ))
}

/// `folder/name-N.ext` (the extension kept, `.tar.gz`-style ones too).
fn numbered(target: &Path, n: u32) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match name.find('.').filter(|&i| i > 0) {
        Some(i) => name.split_at(i),
        None => (name.as_str(), ""),
    };
    target.with_file_name(format!("{stem}-{n}{ext}"))
}

/// A file as a job's sink, created on the writer thread; flushed to disk
/// before it counts as written when `sync` (pg_dump's own files are synced
/// by pg_dump unless `--no-sync`).
pub fn file_sink(path: PathBuf, sync: bool) -> crate::jobs::OpenSink {
    Box::new(move || {
        let file = std::fs::File::create(&path)?;
        Ok(Box::new(FileSink { file, sync }) as Box<dyn crate::jobs::Sink>)
    })
}

struct FileSink {
    file: std::fs::File,
    sync: bool,
}

impl std::io::Write for FileSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.file.write(data)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl crate::jobs::Sink for FileSink {
    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        use std::io::Write;
        self.file.flush()?;
        if self.sync {
            self.file.sync_all()?;
        }
        Ok(())
    }
}

/// Removes a partial output, file or folder.
pub fn remove_partial(path: &Path) {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    if let Err(e) = removed {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), error = %e, "a partial output could not be removed");
        }
    }
}

/// Bytes of a file, or of every file in a folder.
pub fn path_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| path_size(&e.path()))
                    .sum()
            })
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for std::io::Error {
    fn kind_description(&self) -> String {
        match self.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            std::io::ErrorKind::NotFound => "it does not exist".into(),
            std::io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
            std::io::ErrorKind::StorageFull => "the disk is full".into(),
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_the_extension() {
        let n = |p: &str| numbered(Path::new(p), 2).display().to_string();
        assert_eq!(n("/b/shop.backup"), "/b/shop-2.backup");
        assert_eq!(n("/b/shop.sql.gz"), "/b/shop-2.sql.gz");
        assert_eq!(n("/b/shop_dir"), "/b/shop_dir-2");
        assert_eq!(n("/b/.hidden"), "/b/.hidden-2");
    }

    #[test]
    fn a_file_that_appeared_meanwhile_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shop.backup");
        std::fs::write(&target, b"the other backup").unwrap();
        std::fs::write(dir.path().join("shop-2.backup"), b"and another").unwrap();
        let ours = dir.path().join(".shop.backup.partial");
        std::fs::write(&ours, b"ours").unwrap();
        let placed = rename_without_replacing(&ours, &target).unwrap();
        assert_eq!(placed, dir.path().join("shop-3.backup"));
        assert_eq!(std::fs::read(&target).unwrap(), b"the other backup");
        assert_eq!(std::fs::read(&placed).unwrap(), b"ours");
        assert!(!ours.exists());
        // A folder (directory format): into an empty folder chosen as the
        // output, but never over one with files in it.
        let chosen = dir.path().join("shop_dir");
        std::fs::create_dir(&chosen).unwrap();
        let folder = dir.path().join(".d.partial");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("toc.dat"), b"1").unwrap();
        assert_eq!(rename_without_replacing(&folder, &chosen).unwrap(), chosen);
        let again = dir.path().join(".e.partial");
        std::fs::create_dir(&again).unwrap();
        let placed = rename_without_replacing(&again, &chosen).unwrap();
        assert_eq!(placed, dir.path().join("shop_dir-2"));
        assert_eq!(std::fs::read(chosen.join("toc.dat")).unwrap(), b"1");
    }
}
