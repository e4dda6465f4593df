//! A throwaway PostgreSQL server for tests, started from the installed binaries
//! (`/usr/lib/postgresql/*/bin`), listening on a unix socket in a temporary
//! folder only, with fsync off. One server per test process; each test makes its
//! own databases. The server dies with the test process (parent-death signal),
//! so an aborted run leaves nothing behind.

pub mod garage;
pub mod listeners;
pub mod versions;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use tusk_engine::server::localdb::{newest_server_bin, LocalServer};
use tusk_engine::{ConnectionSpec, ToolSearch};

/// Role with a password, reachable only with password authentication.
pub const PASSWORD_ROLE: &str = "tusk_pw";
/// Its password: tests assert it never shows up in argv or output.
pub const PASSWORD: &str = "s3cret-Pa55:word\\with#odd";

pub struct PgServer {
    socket_dir: PathBuf,
    port: u16,
    bin_dir: PathBuf,
    /// psql and pg_isready: the server's own, or (for a server-only
    /// package, see `versions`) the newest installed.
    client_dir: PathBuf,
    /// Stopped when dropped (all but the shared server, which is stopped
    /// at exit).
    owned: bool,
    _root: tempfile::TempDir,
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.owned {
            self.stop_and_remove();
        }
    }
}

static SHARED: OnceLock<PgServer> = OnceLock::new();
static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl PgServer {
    /// The server of this test process, started on first use, stopped and
    /// removed when the process exits.
    // The test harness may call libc: the rule keeps unsafe out of the product.
    #[allow(unsafe_code)]
    pub fn shared() -> &'static PgServer {
        SHARED.get_or_init(|| {
            let server = PgServer::start().expect("start throwaway PostgreSQL");
            // SAFETY: registers a plain function to run at exit.
            unsafe { libc::atexit(stop_at_exit) };
            server
        })
    }

    /// Stops the server (fast shutdown) and removes its folder.
    #[allow(unsafe_code)]
    fn stop_and_remove(&self) {
        let pid_file = self.socket_dir.join("data/postmaster.pid");
        let pid = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()));
        if let Some(pid) = pid {
            // SAFETY: signals a process by pid.
            unsafe { libc::kill(pid, libc::SIGINT) };
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            // SAFETY: signal 0 only asks whether the process exists.
            while unsafe { libc::kill(pid, 0) } == 0 && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = std::fs::remove_dir_all(&self.socket_dir);
    }

    fn start() -> Result<PgServer, String> {
        remove_stale_servers();
        let bin_dir = match std::env::var_os("TUSK_TEST_PG_BIN") {
            Some(dir) => PathBuf::from(dir),
            None => newest_server_bin()?,
        };
        Self::start_from(bin_dir, false)
    }

    /// A server of its own of PostgreSQL `major` (13–18, see `versions`),
    /// stopped and removed when dropped.
    pub fn start_major(major: u32) -> PgServer {
        let bin_dir = versions::server_bin(major);
        Self::start_from(bin_dir, true).unwrap_or_else(|e| panic!("start PostgreSQL {major}: {e}"))
    }

    fn start_from(bin_dir: PathBuf, owned: bool) -> Result<PgServer, String> {
        let client_dir = if bin_dir.join("psql").exists() {
            bin_dir.clone()
        } else {
            newest_server_bin()?
        };
        let root = tempfile::Builder::new()
            .prefix("tusk-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let port = 54329;
        LocalServer {
            bin_dir: bin_dir.clone(),
            data_dir: root.path().join("data"),
            socket_dir: root.path().to_path_buf(),
            port,
            hba: Some(format!(
                "local all {PASSWORD_ROLE} scram-sha-256\nlocal all all trust\n"
            )),
            unsafe_fast: true,
        }
        .start()?;
        let server = PgServer {
            socket_dir: root.path().to_path_buf(),
            port,
            bin_dir,
            client_dir,
            owned,
            _root: root,
        };
        server.psql(
            "postgres",
            &format!("CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'"),
        );
        Ok(server)
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Major version of the server binaries (e.g. 15).
    pub fn major(&self) -> u32 {
        self.bin_dir
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Path of a client tool: from the server's own bin folder, or the
    /// newest installed when the server came without them.
    pub fn bin(&self, tool: &str) -> PathBuf {
        self.client_dir.join(tool)
    }

    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// `-h <socket dir> -p <port> -U postgres -d <db>` for any libpq tool.
    pub fn conn_args(&self, db: &str) -> Vec<String> {
        vec![
            "-h".into(),
            self.socket_dir.display().to_string(),
            "-p".into(),
            self.port.to_string(),
            "-U".into(),
            "postgres".into(),
            "-d".into(),
            // Names that look like connection strings stay names.
            tusk_engine::server::connection::dbname_arg(db),
        ]
    }

    /// The engine's connection to `db`, as the trusted superuser over the socket.
    pub fn spec(&self, db: &str) -> ConnectionSpec {
        ConnectionSpec {
            host: Some(self.socket_dir.display().to_string()),
            port: Some(self.port),
            database: Some(db.to_string()),
            user: Some("postgres".into()),
            ..Default::default()
        }
    }

    /// The PostgreSQL tools of this server's own folder.
    pub fn tools(&self) -> ToolSearch {
        ToolSearch::folder(&self.bin_dir)
    }

    /// A new database holding `t (id int PRIMARY KEY, v text)` with `rows`
    /// rows (`1, 'v1'`, `2, 'v2'`, …).
    pub fn seeded_db(&self, prefix: &str, rows: u32) -> String {
        let db = self.create_db(prefix);
        self.psql(
            &db,
            &format!(
                "CREATE TABLE t (id int PRIMARY KEY, v text); \
                 INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, {rows}) i;"
            ),
        );
        db
    }

    /// A new database that takes seconds to dump: a table `a` of `rows` rows
    /// of 768 random hex characters each, which hardly compress (60,000 rows
    /// are about 50 MB).
    pub fn slow_db(&self, prefix: &str, rows: u32) -> String {
        let db = self.create_db(prefix);
        self.psql(
            &db,
            &format!(
                "CREATE TABLE a AS SELECT i, (SELECT string_agg(md5(random()::text), '') \
                 FROM generate_series(1, 24) WHERE i > 0) AS t FROM generate_series(1, {rows}) i;"
            ),
        );
        db
    }

    /// Same as `conn_args`, the name kept for pg_dump call sites.
    pub fn pg_dump_args(&self, db: &str) -> Vec<String> {
        self.conn_args(db)
    }

    /// A libpq URL for `db` as the trusted superuser.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres@{}:{}/{}",
            percent_encode(&self.socket_dir.display().to_string()),
            self.port,
            percent_encode(db)
        )
    }

    /// A fresh empty database whose name starts with `prefix`.
    pub fn create_db(&self, prefix: &str) -> String {
        let n = DB_COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("{prefix}_{}_{n}", std::process::id());
        self.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
        name
    }

    /// A fresh empty database named exactly `name` (quotes, `=`, spaces,
    /// anything PostgreSQL accepts), with this test process's id after it
    /// so that runs never meet.
    pub fn create_named_db(&self, name: &str) -> String {
        let name = format!("{name} {}", std::process::id());
        self.psql(
            "postgres",
            &format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")),
        );
        name
    }

    /// Runs SQL with psql (`ON_ERROR_STOP`), panics on error, returns `-At` output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql on {db} failed: {e}\nSQL: {sql}"))
    }

    /// Runs SQL with psql; the error is psql's stderr.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin("psql"))
            .args(self.conn_args(db))
            .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

/// A data folder of this test process's own (`TUSK_DATA_DIR`: the history,
/// safety backups, logs), never the user's; removed when the process exits.
pub fn isolated_data_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary data folder");
        std::env::set_var("TUSK_DATA_DIR", dir.path());
        dir
    })
    .path()
}

/// A test run leaves no server and no folder behind.
extern "C" fn stop_at_exit() {
    if let Some(server) = SHARED.get() {
        server.stop_and_remove();
    }
}

/// Processes whose command line mentions `needle`, as (pid, command line).
pub fn processes_mentioning(needle: &str) -> Vec<(u32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            cmd.contains(needle).then_some((pid, cmd))
        })
        .collect()
}

/// Folders of servers from earlier test processes: their server is gone (no
/// postmaster.pid) and they are older than a minute (not being set up).
fn remove_stale_servers() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with("tusk-pg-");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(60))
            .unwrap_or(false);
        if ours && old && !path.join("data/postmaster.pid").exists() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
