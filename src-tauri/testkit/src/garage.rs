//! A throwaway Garage (a real, distributed S3-compatible store) on loopback:
//! one node, or a cluster of three with every object on all three. Each
//! test starts its own, on free ports in a temporary folder; it dies with
//! the test process (parent-death signal) or when dropped.
//!
//! The binary: `$TUSK_GARAGE`, else what `scripts/setup.sh` builds into
//! `~/.cache/tusk/garage-<version>/bin`, else `garage` on the PATH.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tusk_engine::storage::{Credentials, S3Destination};
use tusk_engine::Secret;

pub const GARAGE_VERSION: &str = "2.5.0";
pub const BUCKET: &str = "backups";

pub fn garage_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TUSK_GARAGE") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cached = home.join(format!(".cache/tusk/garage-{GARAGE_VERSION}/bin/garage"));
    if cached.exists() {
        cached
    } else {
        PathBuf::from("garage")
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Node {
    config: PathBuf,
    s3_port: u16,
    rpc_port: u16,
    child: Option<Child>,
}

pub struct Garage {
    _root: tempfile::TempDir,
    nodes: Vec<Node>,
    pub key_id: String,
    pub secret: String,
}

impl Garage {
    /// One node, a bucket `backups` and a key that may read and write it.
    pub fn start() -> Garage {
        Garage::cluster(1)
    }

    /// `n` nodes, each object stored on every one of them (replication
    /// factor `n`), writes acknowledged by a quorum.
    pub fn cluster(n: usize) -> Garage {
        let root = tempfile::tempdir().expect("temp dir");
        let secret = hex32();
        let mut nodes: Vec<Node> = (0..n)
            .map(|i| {
                let dir = root.path().join(format!("node{i}"));
                std::fs::create_dir_all(&dir).expect("node dir");
                let (s3_port, rpc_port, admin_port) = (free_port(), free_port(), free_port());
                let config = dir.join("garage.toml");
                std::fs::write(
                    &config,
                    format!(
                        r#"metadata_dir = "{dir}/meta"
data_dir = "{dir}/data"
db_engine = "sqlite"
replication_factor = {n}
rpc_bind_addr = "127.0.0.1:{rpc_port}"
rpc_public_addr = "127.0.0.1:{rpc_port}"
rpc_secret = "{secret}"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3_port}"
root_domain = ".s3.garage.localhost"
[admin]
api_bind_addr = "127.0.0.1:{admin_port}"
admin_token = "{token}"
"#,
                        dir = dir.display(),
                        token = hex32(),
                    ),
                )
                .expect("garage config");
                Node {
                    config,
                    s3_port,
                    rpc_port,
                    child: None,
                }
            })
            .collect();
        for node in &mut nodes {
            node.child = Some(spawn(&node.config, &root.path().join("garage.log"), None));
        }
        let mut garage = Garage {
            _root: root,
            nodes,
            key_id: String::new(),
            secret: String::new(),
        };
        // Each node's key exists once it listens: asked for below.
        for i in 0..n {
            garage.wait_up(i);
        }
        let ids: Vec<String> = (0..n)
            .map(|i| {
                let out = garage.cli_on(i, &["node", "id", "-q"]);
                out.trim().to_string()
            })
            .collect();
        for id in ids.iter().skip(1) {
            garage.cli(&["node", "connect", id]);
        }
        for id in &ids {
            let short = id.split('@').next().unwrap_or(id);
            garage.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", short]);
        }
        garage.cli(&["layout", "apply", "--version", "1"]);
        garage.cli(&["bucket", "create", BUCKET]);
        let key = garage.cli(&["key", "create", "tusk-test"]);
        garage.key_id = field(&key, "Key ID:");
        garage.secret = field(&key, "Secret key:");
        garage.cli(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            BUCKET,
            "--key",
            "tusk-test",
        ]);
        garage.wait_writable();
        garage
    }

    pub fn endpoint(&self) -> String {
        self.endpoint_of(0)
    }

    pub fn endpoint_of(&self, node: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[node].s3_port)
    }

    /// A destination named `name` for this store's bucket under `prefix`.
    pub fn destination(&self, name: &str, prefix: &str) -> S3Destination {
        S3Destination {
            name: name.into(),
            endpoint: Some(self.endpoint()),
            region: "garage".into(),
            bucket: BUCKET.into(),
            prefix: prefix.into(),
            path_style: true,
            access_key_id: self.key_id.clone(),
        }
    }

    pub fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.key_id.clone(),
            secret_access_key: Secret::new(self.secret.clone()),
        }
    }

    /// Runs the garage CLI against node 0; panics on failure.
    pub fn cli(&self, args: &[&str]) -> String {
        self.cli_on(0, args)
    }

    fn cli_on(&self, node: usize, args: &[&str]) -> String {
        let out = Command::new(garage_binary())
            .arg("-c")
            .arg(&self.nodes[node].config)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run garage");
        assert!(
            out.status.success(),
            "garage {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Multipart uploads begun in the bucket and neither completed nor
    /// aborted, as Garage counts them.
    pub fn unfinished_uploads(&self) -> u64 {
        let info = self.cli(&["bucket", "info", BUCKET]);
        info.lines()
            .find(|l| l.to_lowercase().contains("unfinished"))
            .and_then(|l| {
                l.split(|c: char| !c.is_ascii_digit())
                    .find(|s| !s.is_empty())
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Stops a node (SIGKILL: as a crash or a pulled cable looks).
    pub fn stop_node(&mut self, node: usize) {
        if let Some(mut child) = self.nodes[node].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops every node.
    pub fn stop(&mut self) {
        for i in 0..self.nodes.len() {
            self.stop_node(i);
        }
    }

    /// Starts a stopped node again, with its data.
    pub fn restart_node(&mut self, node: usize) {
        self.start_node(node, None);
    }

    /// Restarts a node with its clock `offset` off (libfaketime, e.g.
    /// "+3d"): its S3 API then refuses requests signed with the real time
    /// (Garage: "Date is too old", beyond a tolerance of hours).
    pub fn skew_clock(&mut self, node: usize, offset: &str) {
        self.stop_node(node);
        self.start_node(node, Some(offset));
    }

    fn start_node(&mut self, node: usize, skew: Option<&str>) {
        if self.nodes[node].child.is_none() {
            let log = self._root.path().join("garage.log");
            self.nodes[node].child = Some(spawn(&self.nodes[node].config, &log, skew));
            self.wait_up(node);
        }
    }

    fn wait_up(&self, node: usize) {
        let port = self.nodes[node].rpc_port;
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "garage did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let s3 = self.nodes[node].s3_port;
        while std::net::TcpStream::connect(("127.0.0.1", s3)).is_err() {
            assert!(
                Instant::now() < deadline,
                "garage's S3 API did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The layout takes a moment to reach every node: wait until the key
    /// can see the bucket.
    fn wait_writable(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let info = self.cli(&["bucket", "info", BUCKET]);
            if info.contains(&self.key_id) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the bucket never became writable"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._root.path().join("garage.log")).unwrap_or_default()
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Debian's libfaketime (package faketime), to skew a node's clock.
const LIBFAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// The test harness may call libc: the rule keeps unsafe out of the product.
#[allow(unsafe_code)]
fn spawn(config: &Path, log: &Path, skew: Option<&str>) -> Child {
    use std::os::unix::process::CommandExt;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("garage log");
    let mut cmd = Command::new(garage_binary());
    cmd.arg("-c")
        .arg(config)
        .arg("server")
        .env("RUST_LOG", "garage=warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log);
    if let Some(offset) = skew {
        assert!(
            Path::new(LIBFAKETIME).exists(),
            "{LIBFAKETIME} is missing: scripts/setup.sh installs the Debian package faketime"
        );
        cmd.env("LD_PRELOAD", LIBFAKETIME).env("FAKETIME", offset);
    }
    // SAFETY: prctl in the child between fork and exec, no allocation.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot start garage ({}): {e}. scripts/setup.sh builds it",
            garage_binary().display()
        )
    })
}

fn field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(name))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("no `{name}` in garage's output: {text}"))
}

fn hex32() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
