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
    /// Returns its size.
    pub fn commit(mut self, target: &Path, no_sync: bool) -> Result<u64, String> {
        let info = tusk_archive::read_info(&self.path).map_err(|e| e.to_string())?;
        std::fs::rename(&self.path, target)
            .map_err(|e| format!("cannot rename into place: {e}"))?;
        self.committed = true;
        if !no_sync {
            if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                let _ = std::fs::File::open(folder).and_then(|f| f.sync_all());
            }
        }
        Ok(info.size_bytes)
    }
}

impl Drop for PartialOutput {
    fn drop(&mut self) {
        if !self.committed {
            remove_partial(&self.path);
        }
    }
}

/// Removes a partial output, file or folder.
pub fn remove_partial(path: &Path) {
    if path.is_dir() {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
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
