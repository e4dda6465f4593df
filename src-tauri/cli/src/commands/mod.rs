//! One file per subcommand, with its arguments; what several share is here:
//! the connection flags, the catalog, finding a backup or a schedule.

pub mod backup;
pub mod catalog;
pub mod copy;
pub mod daemon;
pub mod delete;
pub mod destination;
pub mod import;
pub mod info;
pub mod keys;
pub mod list;
pub mod notify;
pub mod prune;
pub mod restore;
pub mod restores;
pub mod retention;
pub mod schedule;
pub mod show;
pub mod tools;
pub mod verify;

use crate::config::Config;
use clap::Args;
use std::path::{Path, PathBuf};
use tusk_engine::catalog::{BackupRecord, Catalog, Schedule, Source};
use tusk_engine::schedule::runner::{Notice, Runner, SystemClock};
use tusk_engine::server::secrets::{Keychain, OsKeychain};
use tusk_engine::{CancelHandle, ConnectionSpec, EngineError, Secret, ToolSearch};

/// The first line of standard input, for `flag`. Standard input has one
/// first line: a second flag that wants it is refused, not left to hang.
pub fn stdin_line(flag: &'static str, what: &str) -> Result<String, EngineError> {
    static TAKEN: std::sync::Mutex<Option<&'static str>> = std::sync::Mutex::new(None);
    let mut taken = TAKEN.lock().expect("stdin flag");
    if let Some(first) = taken.filter(|f| *f != flag) {
        return Err(EngineError::InvalidOptions(format!(
            "{first} and {flag} both read standard input: give one of them from a file or the environment instead"
        )));
    }
    *taken = Some(flag);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| EngineError::InvalidOptions(format!("cannot read {what} from stdin: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

impl tusk_engine::schedule::runner::Buckets for Config {
    fn bucket(
        &self,
        name: &str,
    ) -> Result<std::sync::Arc<tusk_engine::storage::Bucket>, EngineError> {
        let (dest, creds) = self.destination(name, None)?;
        Ok(std::sync::Arc::new(tusk_engine::storage::Bucket::open(
            &dest, &creds,
        )?))
    }
}

/// Where to connect. Anything left out comes from libpq's environment
/// (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) and ~/.pgpass.
#[derive(Args, Clone, Default)]
pub struct ConnArgs {
    /// Connection URL: postgresql://user@host:5432/db
    #[arg(long, conflicts_with = "remote")]
    pub url: Option<String>,
    /// A named remote from the config file.
    #[arg(long)]
    pub remote: Option<String>,
    #[arg(short = 'h', long)]
    pub host: Option<String>,
    #[arg(short = 'p', long)]
    pub port: Option<u16>,
    #[arg(short = 'd', long = "dbname")]
    pub database: Option<String>,
    #[arg(short = 'U', long = "username")]
    pub user: Option<String>,
    #[arg(long)]
    pub sslmode: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

impl ConnArgs {
    /// Whether any connection flag was given.
    pub fn given(&self) -> bool {
        self.url.is_some()
            || self.remote.is_some()
            || self.host.is_some()
            || self.port.is_some()
            || self.database.is_some()
            || self.user.is_some()
    }

    pub fn resolve(&self, config: &Config) -> Result<ConnectionSpec, EngineError> {
        let mut spec = match (&self.remote, &self.url) {
            (Some(name), _) => config.remote(name)?,
            (None, Some(url)) => ConnectionSpec::from_url(url)?,
            (None, None) => ConnectionSpec::default(),
        };
        spec.host = self.host.clone().or(spec.host);
        spec.port = self.port.or(spec.port);
        spec.database = self.database.clone().or(spec.database);
        spec.user = self.user.clone().or(spec.user);
        spec.sslmode = self.sslmode.clone().or(spec.sslmode);
        if self.password_stdin {
            spec.password = Some(Secret::new(stdin_line("--password-stdin", "the password")?));
        }
        spec.validate()?;
        Ok(spec)
    }
}

#[derive(Args, Clone, Default)]
pub struct OutputArgs {
    /// Print the result as JSON (no progress bar).
    #[arg(long)]
    pub json: bool,
    /// Check everything and print the command, without running it.
    #[arg(long)]
    pub dry_run: bool,
    /// Job id (default: a new UUID).
    #[arg(long)]
    pub job_id: Option<String>,
}

#[derive(Args)]
pub struct IdArgs {
    /// Backup id (or its first characters), or the backup's path.
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

fn job_id(out: &OutputArgs) -> String {
    out.job_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Cancels the job on Ctrl+C, SIGTERM or SIGHUP (see [`crate::signals`]).
pub fn cancel_on_interrupt() -> CancelHandle {
    crate::signals::job_handle()
}

/// The catalog, unless the job runs without it (`--no-catalog`).
pub fn open_catalog_unless(
    no_catalog: bool,
    path: Option<&Path>,
) -> Result<Option<Catalog>, EngineError> {
    if no_catalog {
        return Ok(None);
    }
    open_catalog(path).map(Some)
}

/// Opens the catalog (`--catalog`, `$TUSK_CATALOG`, or the data folder) and
/// says on stderr what opening it repaired.
pub fn open_catalog(path: Option<&Path>) -> Result<Catalog, EngineError> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("TUSK_CATALOG").map(PathBuf::from))
        .unwrap_or_else(tusk_engine::paths::catalog_path);
    let (catalog, report) = Catalog::open(&path)?;
    if report.rebuilt {
        err!(
            "warning: the catalog {} was damaged; it was rebuilt ({} backup(s) from its copy, {} from sidecar files; the damaged file is {})",
            path.display(),
            report.restored_from_copy,
            report.imported,
            report
                .damaged_copy
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    for id in &report.interrupted {
        err!("warning: backup {id} was interrupted (its process stopped); its partial file was removed");
    }
    Ok(catalog)
}

/// A backup by id, unique id prefix, or path.
fn find_backup(c: &Catalog, key: &str) -> Result<BackupRecord, EngineError> {
    if let Some(b) = c.get_backup(key)? {
        return Ok(b);
    }
    if let Some(b) = c.backup_at(Path::new(key))? {
        return Ok(b);
    }
    let matching = c.backups_with_prefix(key, 2)?;
    match matching.len() {
        1 => Ok(matching.into_iter().next().expect("one")),
        0 => Err(tusk_engine::catalog::CatalogError::UnknownBackup(key.into()).into()),
        n => Err(EngineError::InvalidOptions(format!(
            "`{key}` matches {n} backups: give more of the id"
        ))),
    }
}

/// A schedule by id, unique id prefix, or name.
fn find_schedule(c: &Catalog, key: &str) -> Result<Schedule, EngineError> {
    let all = c.list_schedules()?;
    let matching: Vec<&Schedule> = all
        .iter()
        .filter(|s| s.id == key || s.name == key)
        .chain(all.iter().filter(|s| s.id.starts_with(key)))
        .collect();
    match matching.first() {
        Some(s) if matching.iter().all(|m| m.id == s.id) => Ok((*s).clone()),
        Some(_) => Err(EngineError::InvalidOptions(format!(
            "`{key}` matches several schedules: give more of the id"
        ))),
        None => Err(tusk_engine::catalog::CatalogError::UnknownSchedule(key.into()).into()),
    }
}

/// The connection a record or schedule names, with its keychain password.
fn connection_of(s: &Source, sslmode: Option<String>) -> tusk_engine::ConnectionSpec {
    tusk_engine::ConnectionSpec {
        host: s.host.clone(),
        port: s.port,
        database: Some(s.database.clone()),
        user: s.user.clone(),
        password: s
            .connection_id
            .as_deref()
            .and_then(|id| OsKeychain.get(id))
            .map(Secret::new),
        sslmode,
        ..Default::default()
    }
}

fn runner<'a>(
    c: &'a Catalog,
    search: &'a ToolSearch,
    config: &'a Config,
    notify: &'a (dyn Fn(Notice) + Send + Sync),
) -> Runner<'a> {
    Runner {
        // A schedule's buckets take their secrets from the config file or
        // the environment (nothing can be typed in a daemon).
        bucket: config,
        passphrase: &crate::commands::keys::saved_passphrase,
        catalog: c,
        search,
        clock: &SystemClock,
        password: &|s: &Schedule| {
            s.source
                .connection_id
                .as_deref()
                .and_then(|id| OsKeychain.get(id))
                .map(Secret::new)
        },
        notify,
        // Channels' secrets come from the config file or the environment,
        // as buckets' do.
        channels: config,
    }
}

fn non_empty(v: &[String]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| v.to_vec())
}
