//! Linux: renameat2, the parent-death signal, signals to process groups, and
//! `/proc`.

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Renames `from` to `to`, failing with `AlreadyExists` if `to` exists (file
/// or folder): one atomic step (renameat2 with RENAME_NOREPLACE).
pub fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use nix::fcntl::{renameat2, RenameFlags};
    renameat2(None, from, None, to, RenameFlags::RENAME_NOREPLACE).map_err(std::io::Error::from)
}

/// The child is killed by the kernel if Tusk dies first, however it dies
/// (a tool's workers follow: they are in its group and lose their leader's
/// pipe). Every tool Tusk starts is spawned with this.
#[allow(unsafe_code)]
pub fn die_with_parent(cmd: &mut tokio::process::Command) {
    // SAFETY: prctl is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(std::io::Error::from)
        });
    }
}

/// [`die_with_parent`] for a tool run from a blocking thread (the row
/// counts' pg_restore): the signal comes when that thread ends, which it
/// does only once the tool has.
#[allow(unsafe_code)]
pub fn die_with_parent_blocking(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(std::io::Error::from)
        });
    }
}

/// A PostgreSQL server Tusk starts (the demo database) shuts down at once
/// (SIGQUIT) when the thread that spawned it ends.
#[allow(unsafe_code)]
pub fn quit_with_parent(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGQUIT).map_err(std::io::Error::from)
        });
    }
}

/// SIGTERM to the child's whole group (pg_dump cancels its queries), SIGKILL
/// after `grace`.
pub async fn terminate(_child: &mut tokio::process::Child, pgid: u32, grace: Duration) {
    let group = Pid::from_raw(pgid as i32);
    if killpg(group, Signal::SIGTERM).is_err() {
        return;
    }
    let deadline = tokio::time::Instant::now() + grace;
    while tokio::time::Instant::now() < deadline {
        if killpg(group, None).is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = killpg(group, Signal::SIGKILL);
}

/// Workers forked by a tool (pg_dump -j) must not outlive it: SIGKILL to
/// what is left of its group once it has exited.
pub fn kill_leftovers(pgid: u32) {
    let _ = killpg(Pid::from_raw(pgid as i32), Signal::SIGKILL);
}

/// A write past the file size limit (`ulimit -f`) fails with "File too
/// large" instead of killing the writer with SIGXFSZ, for Tusk and (the
/// disposition is inherited) for the tools it starts. Called once at start.
#[allow(unsafe_code)]
pub fn keep_going_past_file_size_limits() {
    // SAFETY: installs SIG_IGN, no handler code runs.
    unsafe {
        let _ = nix::sys::signal::signal(Signal::SIGXFSZ, nix::sys::signal::SigHandler::SigIgn);
    }
}

/// This process, as recorded on the jobs it runs: pid and start time, so a
/// recycled pid is not taken for the owner.
pub fn this_process() -> (u32, u64) {
    let pid = std::process::id();
    (pid, process_start(pid).unwrap_or(0))
}

/// Whether the process recorded as (`pid`, `start`) still runs (`start` 0:
/// any process with that pid).
pub fn process_alive(pid: u32, start: u64) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    if !Path::new("/proc/self/stat").exists() {
        // A sandbox without /proc: a signal-0 probe says whether the pid exists.
        return nix::sys::signal::kill(Pid::from_raw(pid as i32), None).is_ok();
    }
    match process_start(pid) {
        Some(now) => start == 0 || now == start,
        None => false,
    }
}

/// Start time of `pid` in clock ticks since boot (`/proc/<pid>/stat` field 22).
fn process_start(pid: u32) -> Option<u64> {
    stat_field(pid, 19)
}

/// A field of `/proc/<pid>/stat` after the parenthesised command (0: state).
fn stat_field(pid: u32, n: usize) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(n)?.parse().ok()
}

/// Files open in the process group `pgid` (and in this process, which feeds
/// decompressed scripts), with each descriptor's read position.
pub fn open_files(pgid: u32) -> Vec<(PathBuf, u64)> {
    let mut pids = vec![std::process::id()];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.filter_map(Result::ok) {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            // state ppid pgrp …
            if stat_field(pid, 2) == Some(u64::from(pgid)) {
                pids.push(pid);
            }
        }
    }
    pids.into_iter().flat_map(fd_positions).collect()
}

fn fd_positions(pid: u32) -> Vec<(PathBuf, u64)> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.filter_map(Result::ok)
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.path()).ok()?;
            if !target.is_absolute() {
                return None;
            }
            let info = std::fs::read_to_string(format!(
                "/proc/{pid}/fdinfo/{}",
                fd.file_name().to_string_lossy()
            ))
            .ok()?;
            let pos = info
                .lines()
                .find_map(|l| l.strip_prefix("pos:"))?
                .trim()
                .parse()
                .ok()?;
            Some((target, pos))
        })
        .collect()
}

/// Bytes free for this user in the file system of `folder`.
pub fn free_space(folder: &Path) -> Option<u64> {
    nix::sys::statvfs::statvfs(folder)
        .ok()
        .map(|s| s.blocks_available() * s.fragment_size())
}
