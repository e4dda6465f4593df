//! `~/.config/tusk/config.toml`: the tools folder and named remotes
//! (`--remote staging`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tusk_engine::{ConnectionSpec, EngineError, ToolSearch};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder holding pg_dump, pg_restore and psql to use instead of searching.
    pub pg_bin: Option<PathBuf>,
    #[serde(default)]
    pub remotes: BTreeMap<String, Remote>,
}

/// A named connection: a URL, or fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remote {
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sslmode: Option<String>,
}

impl Config {
    /// `path`, else `$TUSK_CONFIG`, else the user's config folder; a missing
    /// default file is an empty config, a missing named file an error.
    pub fn load(path: Option<&Path>) -> Result<Config, EngineError> {
        let explicit = path
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("TUSK_CONFIG").map(PathBuf::from));
        let file = match explicit.clone().or_else(default_path) {
            Some(f) => f,
            None => return Ok(Config::default()),
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                return Ok(Config::default())
            }
            Err(e) => {
                return Err(EngineError::InvalidOptions(format!(
                    "cannot read the config file {}: {e}",
                    file.display()
                )))
            }
        };
        toml::from_str(&text).map_err(|e| {
            EngineError::InvalidOptions(format!(
                "the config file {} is not valid: {e}",
                file.display()
            ))
        })
    }

    pub fn tool_search(&self, flag: Option<PathBuf>) -> ToolSearch {
        ToolSearch {
            folder: flag.or_else(|| self.pg_bin.clone()),
        }
    }

    pub fn remote(&self, name: &str) -> Result<ConnectionSpec, EngineError> {
        let remote = self.remotes.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.remotes.keys().map(String::as_str).collect();
            EngineError::InvalidOptions(if known.is_empty() {
                format!(
                    "no remote named `{name}`: define [remotes.{name}] in {}",
                    describe_default()
                )
            } else {
                format!(
                    "no remote named `{name}`; known remotes: {}",
                    known.join(", ")
                )
            })
        })?;
        let mut spec = match &remote.url {
            Some(url) => ConnectionSpec::from_url(url)?,
            None => ConnectionSpec::default(),
        };
        spec.host = remote.host.clone().or(spec.host);
        spec.port = remote.port.or(spec.port);
        spec.database = remote.database.clone().or(spec.database);
        spec.user = remote.user.clone().or(spec.user);
        spec.sslmode = remote.sslmode.clone().or(spec.sslmode);
        spec.validate()?;
        Ok(spec)
    }
}

fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tusk").map(|d| d.config_dir().join("config.toml"))
}

fn describe_default() -> String {
    default_path().map_or_else(|| "the config file".into(), |p| p.display().to_string())
}
