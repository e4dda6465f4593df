//! Every call that differs between operating systems, in one place: renaming
//! without replacing, a child that dies with Tusk, process groups and their
//! signals, what a process has open, whether a process still runs, free disk
//! space, and private file modes.
//!
//! Linux gets the strong version of each (`linux.rs`). Everywhere else, and
//! on Linux with the cargo feature `portable`, a std-only fallback
//! (`portable.rs`) runs with weaker guarantees, each written down at its
//! function and in the README. The engine's whole test suite runs through the
//! fallback in CI (`cargo test -p tusk-engine --features portable`).

#[cfg(all(target_os = "linux", not(feature = "portable")))]
mod linux;
#[cfg(all(target_os = "linux", not(feature = "portable")))]
pub use linux::*;

#[cfg(any(not(target_os = "linux"), feature = "portable"))]
mod portable;
#[cfg(any(not(target_os = "linux"), feature = "portable"))]
pub use portable::*;

use std::path::Path;

/// Whether this build uses the fallback (shown in the app's About and in
/// `tusk --version`).
pub const FALLBACK: bool = cfg!(any(not(target_os = "linux"), feature = "portable"));

/// The child leads a process group of its own, so that cancelling a job
/// reaches the workers it forks (pg_dump -j, pg_restore -j).
pub fn own_process_group(cmd: &mut tokio::process::Command) {
    #[cfg(unix)]
    cmd.process_group(0);
    #[cfg(not(unix))]
    let _ = cmd;
}

/// Creates `path` and the folders above it that are missing, readable by
/// this user only (0700 on Unix); folders that exist keep their mode.
pub fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Makes a folder that exists this user's only (0700 on Unix).
pub fn private_mode(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o700)
}

/// Makes a file of Tusk's readable by this user only (0600 on Unix).
pub fn private_file(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

/// Files this opens are created readable by this user only (0600 on Unix).
pub fn private_open(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// Elsewhere a folder's access is its owner's by the system's defaults.
#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

/// Run as root, initdb and postgres must run as `postgres`: its ids, or
/// `None` when not root (the demo database and the test servers).
#[cfg(unix)]
pub fn server_owner() -> Result<Option<(u32, u32)>, String> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")
        .map_err(|e| e.to_string())?
        .ok_or("running as root but there is no `postgres` user to run the server")?;
    Ok(Some((user.uid.as_raw(), user.gid.as_raw())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_never_replaces_a_file_or_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "new").unwrap();
        std::fs::write(&b, "old").unwrap();
        let err = rename_no_replace(&a, &b).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new");
        let c = dir.path().join("c");
        rename_no_replace(&a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "new");

        let (d, e) = (dir.path().join("d"), dir.path().join("e"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("f"), "x").unwrap();
        std::fs::create_dir(&e).unwrap();
        std::fs::write(e.join("kept"), "y").unwrap();
        assert!(rename_no_replace(&d, &e).is_err());
        assert!(e.join("kept").exists());
        let g = dir.path().join("g");
        rename_no_replace(&d, &g).unwrap();
        assert!(g.join("f").exists());
    }

    #[test]
    fn this_process_runs_and_a_made_up_one_does_not() {
        let (pid, start) = this_process();
        assert!(process_alive(pid, start));
        // Beyond Linux's pid_max (4194304): no such process.
        assert!(!process_alive(4_194_305 + 17, 0));
    }
}
