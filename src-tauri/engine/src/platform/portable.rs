//! The std-only fallback, for macOS, Windows, and Linux with the cargo
//! feature `portable`. What it gives up, against `linux.rs`:
//! - a tool is not killed with Tusk if Tusk itself is killed (no
//!   parent-death signal); it runs to its end, its output still only a
//!   temporary file that the next start removes;
//! - cancelling stops the tool Tusk started, not the workers it forked
//!   (pg_dump -j): they end when their leader's pipe closes;
//! - renaming a finished *folder* (directory format) into place checks that
//!   the name is free, then renames: another program creating that name in
//!   between would be replaced (files are still linked into place atomically);
//! - restore progress comes from pg_restore's log and the server, not from
//!   where the tool reads in the archive (no `/proc`);
//! - a running job is told from a crashed one by a lock file each Tusk
//!   process holds (`<temp>/tusk-alive/<pid>`), not by its pid and start time;
//! - free disk space is not known before unpacking a zstd backup (running
//!   out still fails the unpack before the target is touched);

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Renames `from` to `to`, failing with `AlreadyExists` if `to` exists. A
/// file is hard-linked to its new name (which fails if that exists) and then
/// unlinked from the old; a folder is renamed after checking the name is free.
pub fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        if std::fs::symlink_metadata(to).is_ok() {
            return Err(std::io::ErrorKind::AlreadyExists.into());
        }
        return std::fs::rename(from, to);
    }
    std::fs::hard_link(from, to)?;
    std::fs::remove_file(from)
}

/// Nothing: see the module's notes.
pub fn die_with_parent(_: &mut tokio::process::Command) {}

/// Nothing: see the module's notes.
pub fn die_with_parent_blocking(_: &mut std::process::Command) {}

/// Nothing: see the module's notes.
pub fn quit_with_parent(_: &mut std::process::Command) {}

/// Kills the tool Tusk started (not its workers).
pub async fn terminate(child: &mut tokio::process::Child, _pgid: u32, _grace: Duration) {
    let _ = child.start_kill();
}

/// Nothing: see the module's notes.
pub fn kill_leftovers(_: u32) {}

/// Nothing: a write past a file size limit may end the tool with a signal,
/// which fails the job as any crash does.
pub fn keep_going_past_file_size_limits() {}

fn alive_dir() -> PathBuf {
    std::env::temp_dir().join("tusk-alive")
}

/// This process, with its lock file taken (held until it exits).
pub fn this_process() -> (u32, u64) {
    static HELD: OnceLock<Option<File>> = OnceLock::new();
    let pid = std::process::id();
    HELD.get_or_init(|| {
        super::private_dir(&alive_dir()).ok()?;
        let file = File::create(alive_dir().join(pid.to_string())).ok()?;
        file.lock().ok()?;
        Some(file)
    });
    (pid, 0)
}

/// A Tusk process with this pid holds its lock file.
pub fn process_alive(pid: u32, _start: u64) -> bool {
    if pid == 0 {
        return false;
    }
    if pid == std::process::id() {
        return true;
    }
    let Ok(file) = File::open(alive_dir().join(pid.to_string())) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

/// Nothing known: see the module's notes.
pub fn open_files(_: u32) -> Vec<(PathBuf, u64)> {
    Vec::new()
}

/// Not known: see the module's notes.
pub fn free_space(_: &Path) -> Option<u64> {
    None
}
