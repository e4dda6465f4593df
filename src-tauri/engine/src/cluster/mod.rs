//! Whole servers: the globals (roles with their memberships and settings,
//! tablespaces) through pg_dumpall, and every database of a server backed up
//! and restored as one backup. A server backup is a folder: `globals.sql`,
//! one archive per database, each with its `.sha256` beside it, and
//! `tusk-server.json` naming the parts. It is written under a temporary name
//! and renamed only once it is complete.

pub mod backup;
pub mod globals;
pub mod restore;

use crate::catalog::{BackupPart, PartKind};
use crate::error::EngineError;
use crate::options::{BackupFormat, ServerOptions};
use crate::pattern::NamePattern;
use crate::server::Server;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The server backup's own table of contents, inside its folder.
pub const CONTENTS_FILE: &str = "tusk-server.json";
/// The globals' script inside a server backup.
pub const GLOBALS_FILE: &str = "globals.sql";
pub(crate) const CONTENTS_VERSION: u32 = 1;

/// What `tusk-server.json` says: the server, and every part with its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerContents {
    pub version: u32,
    /// `host:port` (or the socket folder) it was taken from.
    pub server: String,
    pub server_version: String,
    pub taken_at: DateTime<Utc>,
    /// The databases' format.
    pub format: BackupFormat,
    /// The role passwords were left out (`--no-role-passwords`).
    pub no_role_passwords: bool,
    pub parts: Vec<BackupPart>,
}

impl ServerContents {
    pub fn globals(&self) -> Option<&BackupPart> {
        self.parts.iter().find(|p| p.kind == PartKind::Globals)
    }

    pub fn databases(&self) -> impl Iterator<Item = &BackupPart> {
        self.parts.iter().filter(|p| p.kind == PartKind::Database)
    }
}

/// A folder holding a server backup.
pub fn is_server_backup(path: &Path) -> bool {
    path.is_dir() && path.join(CONTENTS_FILE).is_file()
}

/// Reads a server backup's table of contents.
pub fn read_contents(folder: &Path) -> Result<ServerContents, EngineError> {
    let file = folder.join(CONTENTS_FILE);
    let text = std::fs::read(&file).map_err(|e| {
        EngineError::InvalidOptions(format!(
            "{} is not a whole-server backup Tusk can read ({}: {e})",
            folder.display(),
            CONTENTS_FILE
        ))
    })?;
    let contents: ServerContents = serde_json::from_slice(&text).map_err(|e| {
        EngineError::InvalidOptions(format!(
            "{} is damaged: {e}. The parts inside can still be restored one by one",
            file.display()
        ))
    })?;
    if contents.version > CONTENTS_VERSION {
        return Err(EngineError::InvalidOptions(format!(
            "{} was written by a newer Tusk (version {}): update Tusk to restore it",
            file.display(),
            contents.version
        )));
    }
    for part in &contents.parts {
        // A part's file is a plain name inside the folder, never a path out of it.
        if part.file.is_empty() || part.file.contains(['/', '\\']) || part.file.starts_with('.') {
            return Err(EngineError::InvalidOptions(format!(
                "{} names the file `{}` for \"{}\", which is not a file of this folder: the backup was altered",
                file.display(),
                part.file,
                part.name
            )));
        }
    }
    Ok(contents)
}

pub(crate) fn write_contents(folder: &Path, contents: &ServerContents) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(contents).map_err(std::io::Error::other)?;
    crate::catalog::sidecar::write_atomic(&folder.join(CONTENTS_FILE), &text)
}

/// A database of a server, as a server backup lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerDatabase {
    pub name: String,
    /// `pg_database_size`.
    pub bytes: u64,
    pub owner: String,
    /// A whole-server backup with these options takes it.
    pub chosen: bool,
    /// Why it is left out, when it is.
    pub left_out_because: Option<String>,
}

/// The databases of the server `server` is connected to, each marked as
/// `options` choose it: every database that takes connections, templates
/// left out, then the include and exclude patterns.
pub async fn list_databases(
    server: &Server<'_>,
    options: &ServerOptions,
) -> Result<Vec<ServerDatabase>, EngineError> {
    let rows = server
        .query(
            "SELECT datname, pg_database_size(oid), pg_get_userbyid(datdba), datallowconn, datistemplate \
             FROM pg_database ORDER BY datname",
            &[],
        )
        .await?;
    let patterns = |v: &[String]| v.iter().map(|p| NamePattern::parse(p)).collect::<Vec<_>>();
    let include = patterns(&options.include_databases);
    let exclude = patterns(&options.exclude_databases);
    Ok(rows
        .into_iter()
        .filter(|r| r.len() == 5)
        .map(|r| {
            let name = r[0].clone();
            let why = if r[4] == "t" {
                Some("a template".to_string())
            } else if r[3] != "t" {
                Some("it does not allow connections".to_string())
            } else if !include.is_empty() && !include.iter().any(|p| p.matches_schema(&name)) {
                Some("not among the databases to include".to_string())
            } else if exclude.iter().any(|p| p.matches_schema(&name)) {
                Some("among the databases to leave out".to_string())
            } else {
                None
            };
            ServerDatabase {
                bytes: r[1].parse().unwrap_or(0),
                owner: r[2].clone(),
                chosen: why.is_none(),
                left_out_because: why,
                name,
            }
        })
        .collect())
}

/// Whether the connected user may read `pg_authid` (the role passwords).
pub(crate) async fn reads_role_passwords(server: &Server<'_>) -> Result<bool, EngineError> {
    let rows = server
        .query(
            "SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')",
            &[],
        )
        .await?;
    Ok(rows
        .first()
        .is_some_and(|r| r.first().is_some_and(|v| v == "t")))
}

/// A file name for `name` inside a server backup's folder, not one of `taken`.
pub(crate) fn part_file(name: &str, extension: &str, taken: &[String]) -> String {
    // Letters and digits with dashes: never a path, a hidden name or empty.
    let base = crate::paths::slug(name);
    (1..)
        .map(|n| {
            let stem = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            match extension {
                "" => stem,
                ext => format!("{stem}.{ext}"),
            }
        })
        .find(|f| f != GLOBALS_FILE && f != CONTENTS_FILE && !taken.contains(f))
        .expect("a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_files_are_distinct_and_inside() {
        let mut taken = Vec::new();
        for name in ["Shop", "shop", "../etc", "globals", "a\"b c=d", "日本"] {
            let f = part_file(name, "backup", &taken);
            assert!(!f.contains('/') && !f.starts_with('.'), "{f}");
            assert!(!taken.contains(&f), "{f} twice");
            taken.push(f);
        }
        assert_ne!(part_file("globals", "sql", &[]), GLOBALS_FILE);
    }
}
