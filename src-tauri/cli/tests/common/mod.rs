//! Shared by the CLI's end-to-end tests: running `tusk` against the test
//! server with a history of its own.

#![allow(dead_code)]

use std::process::{Command, Output};
use tusk_testkit::{versions, PgServer};

/// The history and safety backups of this test binary's runs.
pub fn data_dir() -> &'static std::path::Path {
    tusk_testkit::isolated_data_dir()
}

pub fn tusk(args: &[&str]) -> Output {
    tusk_command(args).output().expect("run tusk")
}

/// `tusk` with the test server's tools and this binary's history, to run or
/// to spawn.
pub fn tusk_command<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let pg = PgServer::shared();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tusk"));
    cmd.args(args)
        .env("TUSK_PG_BIN", pg.bin_dir())
        .env("TUSK_DATA_DIR", data_dir())
        .env_remove("TUSK_CATALOG")
        .env("XDG_CONFIG_HOME", "/nonexistent-tusk-config-home")
        .env_remove("TUSK_CONFIG")
        .env_remove("PGPASSWORD");
    cmd
}

pub fn conn_args(db: &str) -> Vec<String> {
    PgServer::shared().conn_args(db)
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn with(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect()
}

pub fn run(args: &[String]) -> Output {
    tusk(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

pub fn ok(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json(out)
}

/// `tusk` with a config whose `tools_folders` hold client tools 16 and 18
/// (Debian's 15 is found in the usual place): no `TUSK_PG_BIN`.
pub fn tusk_with_tools(dir: &std::path::Path, args: &[String]) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "tools_folders = [\"{}\", \"{}\"]\n",
            versions::client_bin(18).unwrap().display(),
            versions::client_bin(16).unwrap().display()
        ),
    )
    .unwrap();
    let mut cmd = tusk_command(args);
    cmd.env_remove("TUSK_PG_BIN").arg("--config").arg(&config);
    cmd.output().unwrap()
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
