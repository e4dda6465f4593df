//! Finds pg_dump, pg_restore, psql and pg_dumpall on this machine and picks,
//! for a given server, the tools whose major version is at least the server's.

use crate::error::EngineError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const TOOL_NAMES: &[&str] = &["pg_dump", "pg_restore", "psql", "pg_dumpall"];

/// A PostgreSQL version as `server_version_num` spells it (150018 = 15.18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct PgVersion(pub u32);

impl PgVersion {
    /// Parses "15.18", "16beta2", "9.6.24", "17.2 (Debian 17.2-1)".
    pub fn parse(text: &str) -> Option<PgVersion> {
        let digits: String = text
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts = digits
            .split('.')
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<u32>());
        let major = parts.next()?.ok()?;
        let minor = parts.next().and_then(Result::ok).unwrap_or(0);
        if major >= 10 {
            Some(PgVersion(major * 10000 + minor))
        } else {
            let patch = parts.next().and_then(Result::ok).unwrap_or(0);
            Some(PgVersion(major * 10000 + minor * 100 + patch))
        }
    }

    /// First number of the version: 15 for 15.x, 9 for 9.6.x (tools older
    /// than 10 are only compared among themselves by full version).
    pub fn major(&self) -> u32 {
        self.0 / 10000
    }

    /// "15", or "9.6" before version 10.
    pub fn major_label(&self) -> String {
        if self.0 >= 100000 {
            self.major().to_string()
        } else {
            format!("{}.{}", self.major(), (self.0 / 100) % 100)
        }
    }
}

impl std::fmt::Display for PgVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 >= 100000 {
            write!(f, "{}.{}", self.0 / 10000, self.0 % 10000)
        } else {
            write!(
                f,
                "{}.{}.{}",
                self.0 / 10000,
                (self.0 / 100) % 100,
                self.0 % 100
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub name: String,
    pub path: PathBuf,
    pub version: PgVersion,
    /// What `--version` printed.
    pub version_text: String,
    /// pg_dump 16+: the compression methods this build has (gzip, lz4,
    /// zstd: builds without lz4 or zstd exist). Empty for other tools.
    #[serde(default)]
    pub compression: Vec<String>,
}

/// Where to look. A configured folder (`--pg-bin`, `TUSK_PG_BIN`) is used
/// alone: an explicit choice wins. Added folders (the app's Settings, the
/// CLI's `tools_folders`) are searched before the usual places.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSearch {
    pub folder: Option<PathBuf>,
    #[serde(default)]
    pub extra: Vec<PathBuf>,
}

impl ToolSearch {
    pub fn folder(folder: impl Into<PathBuf>) -> Self {
        ToolSearch {
            folder: Some(folder.into()),
            extra: Vec::new(),
        }
    }

    /// The usual places, after these folders.
    pub fn with_extra(extra: Vec<PathBuf>) -> Self {
        ToolSearch {
            folder: None,
            extra,
        }
    }

    /// The folders searched, in order.
    pub fn folders(&self) -> Vec<PathBuf> {
        if let Some(folder) = &self.folder {
            return vec![folder.clone()];
        }
        let mut dirs: Vec<PathBuf> = self.extra.clone();
        dirs.extend(
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        for pattern_root in [
            "/usr/lib/postgresql",
            "/usr/local/opt",
            "/opt/homebrew/opt",
            "/Applications/Postgres.app/Contents/Versions",
        ] {
            dirs.extend(versioned_bins(Path::new(pattern_root)));
        }
        dirs.extend(versioned_bins_prefixed(Path::new("/usr"), "pgsql-"));
        dirs
    }

    fn describe(&self) -> String {
        match &self.folder {
            Some(f) => format!("the tools folder {}", f.display()),
            None if self.extra.is_empty() => "PATH and /usr/lib/postgresql/*/bin".into(),
            None => format!(
                "{}, PATH and /usr/lib/postgresql/*/bin",
                self.extra
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// `<root>/*/bin` for every sub-folder of `root` (e.g. /usr/lib/postgresql/15/bin).
fn versioned_bins(root: &Path) -> Vec<PathBuf> {
    versioned_bins_prefixed(root, "")
}

fn versioned_bins_prefixed(root: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path().join("bin"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.reverse();
    found
}

/// Every distinct tool binary found, with its version. The `--version`
/// calls run at once: they are most of the time a job spends before it starts.
pub fn discover(search: &ToolSearch) -> Vec<ToolInfo> {
    let mut seen = BTreeSet::new();
    let mut candidates = Vec::new();
    for dir in search.folders() {
        for name in TOOL_NAMES {
            let path = dir.join(name);
            let Ok(real) = std::fs::canonicalize(&path) else {
                continue;
            };
            // Debian's /usr/bin/pg_dump is a Perl dispatcher to
            // /usr/lib/postgresql/*/bin, which we search directly; running it
            // costs ~100 ms per tool and it picks versions by its own rules.
            if real.file_name().is_some_and(|n| n == "pg_wrapper") {
                continue;
            }
            if seen.insert((name.to_string(), real)) {
                candidates.push((name, path));
            }
        }
    }
    std::thread::scope(|scope| {
        let probes: Vec<_> = candidates
            .iter()
            .map(|(name, path)| scope.spawn(move || probe(name, path)))
            .collect();
        probes
            .into_iter()
            .filter_map(|p| p.join().ok().flatten())
            .collect()
    })
}

fn probe(name: &str, path: &Path) -> Option<ToolInfo> {
    let out = std::process::Command::new(path)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    let version = text
        .split_once(')')
        .map(|(_, rest)| rest)
        .and_then(PgVersion::parse)?;
    let compression = if name == "pg_dump" && version.major() >= 16 {
        ["gzip", "lz4", "zstd"]
            .into_iter()
            .filter(|m| has_compression(path, m))
            .map(String::from)
            .collect()
    } else {
        Vec::new()
    };
    Some(ToolInfo {
        name: name.into(),
        path: path.to_path_buf(),
        version,
        version_text: text,
        compression,
    })
}

impl ToolInfo {
    /// A pg_dump that compresses with `method` (`zstd`, `lz4`) itself: 16+
    /// and built with it.
    pub fn compresses_with(&self, method: &str) -> bool {
        self.name == "pg_dump"
            && self.version.major() >= crate::server::gates::NATIVE_COMPRESSION_SINCE
            && self.compression.iter().any(|m| m == method)
    }
}

/// Whether this pg_dump was built with `method`: it checks the method before
/// connecting, so a connection that cannot work tells the two apart.
fn has_compression(pg_dump: &Path, method: &str) -> bool {
    std::process::Command::new(pg_dump)
        .args([&format!("--compress={method}:1"), "--format=custom"])
        .args(["--dbname", "host=/nonexistent/tusk-probe port=1 dbname=x"])
        .env("PGCONNECT_TIMEOUT", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .map(|out| !String::from_utf8_lossy(&out.stderr).contains("does not support compression"))
        .unwrap_or(false)
}

/// The tools chosen for one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ToolChoice {
    pub tool: ToolInfo,
    /// Why this one, in a sentence.
    pub reason: String,
}

/// psql, for Tusk's own questions to a server: the one place it is
/// chosen (the newest found; any psql talks to any supported server).
pub fn psql(found: &[ToolInfo], search: &ToolSearch) -> Result<PathBuf, EngineError> {
    Ok(pick(found, "psql", None, search)?.tool.path)
}

/// Picks `name` for a server of version `server` (or the newest when unknown):
/// the lowest major that is at least the server's, newest minor first — the
/// closest match dumps exactly what that server has and restores anywhere
/// the server's own tools would.
pub fn pick(
    found: &[ToolInfo],
    name: &str,
    server: Option<PgVersion>,
    search: &ToolSearch,
) -> Result<ToolChoice, EngineError> {
    pick_reading(found, name, server, 0, search)
}

/// Like [`pick`], for a tool that must also be of major `needed` or newer
/// (pg_restore reading an archive made by a newer pg_dump).
pub fn pick_reading(
    found: &[ToolInfo],
    name: &str,
    server: Option<PgVersion>,
    needed: u32,
    search: &ToolSearch,
) -> Result<ToolChoice, EngineError> {
    let mut candidates: Vec<&ToolInfo> = found.iter().filter(|t| t.name == name).collect();
    if candidates.is_empty() {
        return Err(EngineError::ToolNotFound {
            tool: name.into(),
            searched: search.describe(),
        });
    }
    candidates.sort_by_key(|t| std::cmp::Reverse(t.version));
    let Some(server) = server else {
        let tool = candidates[0].clone();
        let reason = format!("newest {name} found ({})", tool.version);
        return Ok(ToolChoice { tool, reason });
    };
    let floor = server.major().max(needed);
    let fitting = candidates
        .iter()
        .filter(|t| t.version.major() >= floor)
        .min_by_key(|t| (t.version.major(), std::cmp::Reverse(t.version)));
    match fitting {
        Some(tool) => Ok(ToolChoice {
            tool: (*tool).clone(),
            reason: if needed > server.major() {
                format!(
                    "{name} {} reads this archive (it needs {name} {needed}+) and restores into PostgreSQL {}",
                    tool.version,
                    server.major_label()
                )
            } else if tool.version.major() == server.major() {
                format!(
                    "{name} {} matches the server's PostgreSQL {}",
                    tool.version,
                    server.major_label()
                )
            } else {
                format!(
                    "{name} {} is the closest found to the server's PostgreSQL {} (none of {} was found; a newer {name} works with an older server)",
                    tool.version,
                    server.major_label(),
                    server.major_label()
                )
            },
        }),
        None if needed > server.major() => Err(EngineError::ArchiveTooNew {
            needed: needed.to_string(),
            found: format!(
                "only {name} {needed} or newer reads it, and {}",
                candidates
                    .iter()
                    .map(|t| format!("{name} {} found at {}", t.version, t.path.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        None => Err(EngineError::ToolTooOld {
            server: server.major_label(),
            found: candidates
                .iter()
                .map(|t| format!("{name} {} found at {}", t.version, t.path.display()))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(major: u32, minor: u32) -> ToolInfo {
        ToolInfo {
            name: "pg_dump".into(),
            path: PathBuf::from(format!("/usr/lib/postgresql/{major}/bin/pg_dump")),
            version: PgVersion(major * 10000 + minor),
            version_text: String::new(),
            compression: Vec::new(),
        }
    }

    #[test]
    fn versions_parse() {
        assert_eq!(
            PgVersion::parse("15.18 (Debian 15.18-0+deb12u1)"),
            Some(PgVersion(150018))
        );
        assert_eq!(PgVersion::parse("16beta2"), Some(PgVersion(160000)));
        assert_eq!(PgVersion::parse("9.6.24").unwrap().major_label(), "9.6");
        assert_eq!(PgVersion(170002).to_string(), "17.2");
        assert_eq!(PgVersion::parse("garbage"), None);
    }

    #[test]
    fn picks_the_closest_major_not_older_than_the_server() {
        let found = vec![tool(14, 3), tool(17, 1), tool(15, 2), tool(15, 9)];
        let search = ToolSearch::default();
        let c = pick(&found, "pg_dump", PgVersion::parse("15.4"), &search).unwrap();
        assert_eq!(c.tool.version, PgVersion(150009));
        let c = pick(&found, "pg_dump", PgVersion::parse("16.0"), &search).unwrap();
        assert_eq!(c.tool.version.major(), 17);
        let err = pick(&found, "pg_dump", PgVersion::parse("18.0"), &search)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("this server is PostgreSQL 18; pg_dump 17.1 found at /usr/lib/postgresql/17/bin/pg_dump"), "{err}");
        assert!(err.contains("install postgresql-client-18"), "{err}");
        let err = pick(&found, "pg_restore", None, &search)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pg_restore was not found"), "{err}");
    }
}
