//! Real PostgreSQL of every supported major, 13 to 18, for the version
//! matrix: 15 from Debian (`/usr/lib/postgresql/15`), the others installed
//! by `scripts/postgres-versions.sh` (run by `scripts/setup.sh`) under
//! [`root`]: 14, 16, 17 and 18 with their client tools, 13 a server only.

use std::path::PathBuf;
use tusk_engine::ToolSearch;

/// Every major the matrix runs.
pub const MAJORS: [u32; 6] = [13, 14, 15, 16, 17, 18];

/// Where `scripts/postgres-versions.sh` installs them (`TUSK_PG_VERSIONS`
/// overrides): a folder the `postgres` user can read when run as root.
#[allow(unsafe_code)]
pub fn root() -> PathBuf {
    if let Some(dir) = std::env::var_os("TUSK_PG_VERSIONS") {
        return dir.into();
    }
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } == 0 {
        PathBuf::from("/var/cache/tusk/postgres")
    } else {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/tusk/postgres")
    }
}

/// The bin folder of the PostgreSQL `major` server.
pub fn server_bin(major: u32) -> PathBuf {
    let debian = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
    if debian.join("postgres").exists() {
        return debian;
    }
    let installed = root().join(major.to_string()).join("bin");
    assert!(
        installed.join("postgres").exists(),
        "PostgreSQL {major} is not installed under {}: run scripts/postgres-versions.sh (scripts/setup.sh does)",
        root().display()
    );
    installed
}

/// The bin folder of the client tools of `major`, where there are some.
pub fn client_bin(major: u32) -> Option<PathBuf> {
    let bin = server_bin(major);
    bin.join("pg_dump").exists().then_some(bin)
}

/// Client tools 15 (Debian's), 16 and 18, as a user who installed a few
/// has them: Tusk picks among them by itself (pg_dump 15 for a 13 or 14
/// server, 18 for a 17 one).
pub fn matrix_tools() -> ToolSearch {
    ToolSearch::with_extra(vec![
        client_bin(18).expect("client tools 18"),
        client_bin(16).expect("client tools 16"),
    ])
}

/// The tools of one major alone.
pub fn tools_of(major: u32) -> ToolSearch {
    ToolSearch::folder(client_bin(major).unwrap_or_else(|| panic!("no client tools {major}")))
}
