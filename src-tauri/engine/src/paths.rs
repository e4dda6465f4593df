//! Where Tusk keeps its files, shared by the app and the CLI so both see the
//! same history and schedules: `$TUSK_DATA_DIR`, else the XDG data folder
//! (`~/.local/share/tusk`); `$TUSK_CONFIG_DIR`, else `~/.config/tusk`.

use std::path::PathBuf;

fn from_env_or(var: &str, base: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    base.map(|b| b.join("tusk"))
        .unwrap_or_else(|| PathBuf::from(".tusk"))
}

/// Catalog, safety backups, scheduled backups by default, the demo database.
pub fn data_dir() -> PathBuf {
    from_env_or(
        "TUSK_DATA_DIR",
        directories::BaseDirs::new().map(|d| d.data_dir().to_path_buf()),
    )
}

/// Connection profiles and `config.toml`.
pub fn config_dir() -> PathBuf {
    from_env_or(
        "TUSK_CONFIG_DIR",
        directories::BaseDirs::new().map(|d| d.config_dir().to_path_buf()),
    )
}

pub use crate::platform::{private_dir, private_file, private_mode};

/// `TUSK_LOG_FILE`, opened for appending: one file every Tusk process of a
/// test run adds its log to, so that the test command can search all of it.
pub fn shared_log_file() -> Option<std::fs::File> {
    let path = std::env::var_os("TUSK_LOG_FILE")?;
    crate::platform::private_open(std::fs::OpenOptions::new().create(true).append(true))
        .open(&path)
        .inspect_err(|e| {
            eprintln!(
                "tusk: TUSK_LOG_FILE {}: {e}",
                PathBuf::from(&path).display()
            )
        })
        .ok()
}

/// Where short-lived files that hold secrets go (the temporary password
/// file): `$XDG_RUNTIME_DIR/tusk` (a per-user tmpfs), else `run/` in the
/// data folder; 0700 either way. Left over by a killed process, they are
/// removed at the next start ([`crate::server::connection::sweep_stale_passfiles`]).
pub fn runtime_dir() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|d| !d.is_empty() && std::path::Path::new(d).is_dir())
        .map(|d| PathBuf::from(d).join("tusk"))
        .unwrap_or_else(|| data_dir().join("run"))
}

/// The catalog database.
pub fn catalog_path() -> PathBuf {
    data_dir().join("catalog.db")
}

/// Where safety backups taken before a destructive restore go.
pub fn safety_dir() -> PathBuf {
    data_dir().join("safety-backups")
}

/// Where backups to and from buckets are staged: a directory backup before
/// its files are uploaded, a backup downloaded for a restore.
pub fn staging_dir() -> std::io::Result<PathBuf> {
    let dir = data_dir().join("staging");
    private_dir(&dir)?;
    Ok(dir)
}

/// Default destination of a schedule's backups.
pub fn scheduled_dir(schedule_name: &str) -> PathBuf {
    data_dir().join("backups").join(slug(schedule_name))
}

/// `Nightly shop (prod)` → `nightly-shop-prod`: safe in any file system.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "backup".into()
    } else {
        trimmed.chars().take(60).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("Nightly shop (prod)"), "nightly-shop-prod");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("***"), "backup");
        assert_eq!(slug("Ünïcode DB"), "ünïcode-db");
    }
}
