//! A PostgreSQL server of our own, started from the installed binaries
//! (`/usr/lib/postgresql/*/bin`): the app's demo database and the tests'
//! throwaway server. It listens on a unix socket only and dies with the
//! process that started it (parent-death signal), so nothing is left running.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where and how to run a local server.
pub struct LocalServer {
    pub bin_dir: PathBuf,
    pub data_dir: PathBuf,
    pub socket_dir: PathBuf,
    pub port: u16,
    /// pg_hba.conf to write at creation (default: trust on the socket).
    pub hba: Option<String>,
    /// fsync and friends off: for throwaway servers only.
    pub unsafe_fast: bool,
}

impl LocalServer {
    /// Creates the cluster if needed and starts the server; returns once it
    /// accepts connections. Returns whether the cluster was created now.
    pub fn start(&self) -> Result<bool, String> {
        let owner = ServerOwner::detect()?;
        // The socket folder decides who may connect (trust authentication):
        // its owner only.
        crate::paths::private_dir(&self.socket_dir).map_err(|e| e.to_string())?;
        owner.chown(&self.socket_dir)?;
        crate::paths::private_mode(&self.socket_dir).map_err(|e| e.to_string())?;
        let created = !self.data_dir.join("PG_VERSION").exists();
        if created {
            self.init(&owner)?;
        }
        spawn_postmaster(&owner, self)?;
        self.wait_ready()?;
        Ok(created)
    }

    /// Whether a server already answers on this socket and port.
    pub fn is_running(&self) -> bool {
        // A server-only installation has no pg_isready: any version's asks.
        let mut pg_isready = self.bin_dir.join("pg_isready");
        if !pg_isready.exists() {
            if let Ok(newest) = newest_server_bin() {
                pg_isready = newest.join("pg_isready");
            }
        }
        Command::new(pg_isready)
            .arg("-h")
            .arg(&self.socket_dir)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn init(&self, owner: &ServerOwner) -> Result<(), String> {
        if let Some(parent) = self.data_dir.parent() {
            crate::paths::private_dir(parent).map_err(|e| e.to_string())?;
            owner.chown(parent)?;
            crate::paths::private_mode(parent).map_err(|e| e.to_string())?;
        }
        let out = owner
            .command(self.bin_dir.join("initdb"))
            .arg("-D")
            .arg(&self.data_dir)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale",
                "C.UTF-8",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if let Some(hba) = &self.hba {
            let path = self.data_dir.join("pg_hba.conf");
            std::fs::write(&path, hba).map_err(|e| e.to_string())?;
            owner.chown(&path)?;
        }
        Ok(())
    }

    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.is_running() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "PostgreSQL did not become ready within 30 s (see {})",
            self.socket_dir.join("server.log").display()
        ))
    }
}

/// The newest installed server's bin folder.
pub fn newest_server_bin() -> Result<PathBuf, String> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| {
            "no PostgreSQL server installed in /usr/lib/postgresql (apt-get install postgresql)"
                .to_string()
        })?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or_else(|| "no postgres binary under /usr/lib/postgresql/*/bin".into())
}

/// initdb and postgres refuse to run as root; as root we run them as `postgres`.
struct ServerOwner {
    ids: Option<(u32, u32)>,
}

impl ServerOwner {
    fn detect() -> Result<ServerOwner, String> {
        Ok(ServerOwner {
            ids: crate::platform::server_owner()?,
        })
    }

    fn chown(&self, path: &Path) -> Result<(), String> {
        match self.ids {
            Some((uid, gid)) => {
                std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(|e| e.to_string())
            }
            None => Ok(()),
        }
    }

    fn command(&self, program: PathBuf) -> Command {
        let mut cmd = Command::new(program);
        if let Some((uid, gid)) = self.ids {
            cmd.uid(uid).gid(gid).current_dir("/");
        }
        cmd
    }
}

/// Starts the postmaster from a thread that lives as long as the process, with
/// SIGQUIT (immediate shutdown) as its parent-death signal: the kernel sends it
/// when the spawning thread dies, i.e. when this process exits.
fn spawn_postmaster(owner: &ServerOwner, server: &LocalServer) -> Result<(), String> {
    let mut cmd = owner.command(server.bin_dir.join("postgres"));
    cmd.arg("-D")
        .arg(&server.data_dir)
        .arg("-k")
        .arg(&server.socket_dir)
        .args(["-p", &server.port.to_string()])
        .args(["-c", "listen_addresses=", "-c", "max_connections=60"])
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(server.socket_dir.join("server.log"))
                .map_err(|e| e.to_string())?,
        ));
    if server.unsafe_fast {
        cmd.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    crate::platform::quit_with_parent(&mut cmd);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("tusk-testkit-postgres".into())
        .spawn(move || {
            let child = cmd.spawn();
            let failed = child.is_err();
            let _ = tx.send(
                child
                    .map(|_| ())
                    .map_err(|e| format!("spawn postgres: {e}")),
            );
            if !failed {
                loop {
                    std::thread::park();
                }
            }
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())?
}
