//! Command-line arguments and what each subcommand does with them.

use crate::config::Config;
use crate::manage::{
    CatalogAction, CatalogArgs, DaemonArgs, DeleteArgs, IdArgs, ImportArgs, ListArgs, PruneArgs,
    ScheduleAction, ScheduleArgs, VerifyArgs,
};
use crate::render::{self, Reporter};
use crate::{exit, outcome_code};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tusk_engine::catalog::{BackupReason, Source};
use tusk_engine::history::{prepare_guarded_restore, run_recorded_backup, RecordMeta};
use tusk_engine::options::{DumpSection, InsertMode};
use tusk_engine::{
    prepare_backup, BackupFormat, BackupOptions, BackupPreset, CancelHandle, CompressionMethod,
    ConnectionSpec, EngineError, RestoreOptions, Secret, ToolSearch,
};

#[derive(Parser)]
#[command(
    name = "tusk",
    version,
    about = "Back up and restore PostgreSQL databases",
    disable_help_flag = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Folder with pg_dump, pg_restore and psql to use (instead of searching PATH and /usr/lib/postgresql).
    #[arg(long, global = true, env = "TUSK_PG_BIN")]
    pub pg_bin: Option<PathBuf>,
    /// Config file with named remotes (default: ~/.config/tusk/config.toml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// The history's database (default: ~/.local/share/tusk/catalog.db).
    #[arg(long, global = true, env = "TUSK_CATALOG")]
    pub catalog: Option<PathBuf>,
    #[arg(long, global = true, action = clap::ArgAction::Help, help = "Print help")]
    help: Option<bool>,
}

impl Cli {
    pub fn json(&self) -> bool {
        match &self.command {
            Command::Backup(a) => a.out.json,
            Command::Restore(a) => a.out.json,
            Command::Info(a) => a.json,
            Command::Tools(a) => a.json,
            Command::Check(a) => a.json,
            Command::List(a) => a.json,
            Command::Show(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Delete(a) => a.json,
            Command::Prune(a) => a.json,
            Command::Import(a) => a.json,
            Command::Schedule(a) => match &a.action {
                ScheduleAction::Add(x) => x.json,
                ScheduleAction::List { json }
                | ScheduleAction::Show { json, .. }
                | ScheduleAction::Delete { json, .. }
                | ScheduleAction::Disable { json, .. }
                | ScheduleAction::Enable { json, .. }
                | ScheduleAction::Run { json, .. } => *json,
            },
            Command::Catalog(a) => match a.action {
                CatalogAction::Check { json } | CatalogAction::Backup { json } => json,
            },
            Command::Daemon(_) => false,
            Command::Restores(a) => a.json,
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Back up a database with pg_dump.
    Backup(BackupArgs),
    /// Restore a backup with pg_restore (or psql for plain SQL).
    Restore(RestoreArgs),
    /// Show what a backup holds: format, versions, contents, tables.
    Info(InfoArgs),
    /// List the PostgreSQL tools found and which would be used.
    Tools(ToolsArgs),
    /// Test a connection and show the server's version.
    Check(ToolsArgs),
    /// The history of backups, newest first.
    List(ListArgs),
    /// One backup of the history in full.
    Show(IdArgs),
    /// Prove a backup restores: checksum, archive, test restore with row counts.
    Verify(VerifyArgs),
    /// Delete a backup: its file, sidecars and record.
    Delete(DeleteArgs),
    /// Apply the schedules' retention (see what would go with --dry-run).
    Prune(PruneArgs),
    /// Add the backups of a folder (with their .tusk.json sidecars) to the history.
    Import(ImportArgs),
    /// Scheduled backups: add, list, show, run, enable, disable, delete.
    Schedule(ScheduleArgs),
    /// Run due schedules until stopped: for servers without the app.
    Daemon(DaemonArgs),
    /// Check or copy the history's own database.
    Catalog(CatalogArgs),
    /// Restores that stopped part way: list them, drop what they left, or dismiss.
    Restores(crate::restores::RestoresArgs),
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
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| {
                EngineError::InvalidConnection(format!("cannot read the password from stdin: {e}"))
            })?;
            spec.password = Some(Secret::new(line.trim_end_matches(['\r', '\n'])));
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

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Custom,
    Directory,
    Tar,
    Plain,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PresetArg {
    /// Custom format, gzip level 6 (pgAdmin's default).
    Standard,
    /// Custom format compressed with zstd level 1: over 3× faster, a little smaller.
    Fast,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// pg_dump's own gzip, levels 0-9.
    Gzip,
    /// zstd by Tusk as pg_dump writes, levels 1-19 (custom format; stock tools: zstd -d first).
    Zstd,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SectionArg {
    PreData,
    Data,
    PostData,
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    conn: ConnArgs,
    #[command(flatten)]
    out: OutputArgs,
    /// Output file (folder for the directory format).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    #[command(flatten)]
    dump: DumpArgs,
    /// Name in the history (default: database and time).
    #[arg(long)]
    name: Option<String>,
    /// A note kept with the backup in the history.
    #[arg(long)]
    description: Option<String>,
    /// Do not record the backup in the history (no checksum or sidecar files either).
    #[arg(long)]
    no_catalog: bool,
}

/// What to dump and how: shared by `backup` and `schedule add`.
#[derive(Args)]
pub struct DumpArgs {
    /// Start from a preset; other flags override it.
    #[arg(long, value_enum)]
    preset: Option<PresetArg>,
    #[arg(short = 'F', long, value_enum)]
    format: Option<FormatArg>,
    /// Compression level: gzip 0-9 (default 6; 0 for tar), zstd 1-19.
    #[arg(short = 'Z', long = "compress")]
    compression: Option<u8>,
    /// What compresses the backup.
    #[arg(long = "compress-with", value_enum)]
    compression_method: Option<MethodArg>,
    /// Parallel jobs (directory format).
    #[arg(short = 'j', long)]
    jobs: Option<u8>,
    #[arg(long, conflicts_with = "data_only")]
    schema_only: bool,
    #[arg(long)]
    data_only: bool,
    #[arg(long)]
    no_privileges: bool,
    #[arg(long)]
    no_owner: bool,
    /// Schema to include (repeatable; pg_dump patterns).
    #[arg(short = 'n', long = "schema")]
    schemas: Vec<String>,
    /// Table to include (repeatable).
    #[arg(short = 't', long = "table")]
    tables: Vec<String>,
    #[arg(short = 'T', long = "exclude-table")]
    exclude_tables: Vec<String>,
    #[arg(long = "exclude-table-data")]
    exclude_table_data: Vec<String>,
    /// Seconds to wait for locks (0 = forever).
    #[arg(long)]
    lock_wait_timeout: Option<u32>,
    #[arg(long)]
    no_sync: bool,
    #[arg(short = 'E', long)]
    encoding: Option<String>,
    #[arg(long = "section", value_enum)]
    sections: Vec<SectionArg>,
    #[arg(long, conflicts_with = "no_blobs")]
    blobs: bool,
    #[arg(long)]
    no_blobs: bool,
    #[arg(long, conflicts_with = "column_inserts")]
    inserts: bool,
    #[arg(long)]
    column_inserts: bool,
    #[arg(long)]
    rows_per_insert: Option<u32>,
    #[arg(long)]
    on_conflict_do_nothing: bool,
    #[arg(long)]
    create: bool,
    #[arg(long)]
    clean: bool,
    #[arg(long)]
    if_exists: bool,
    #[arg(long)]
    no_comments: bool,
    #[arg(long)]
    no_publications: bool,
    #[arg(long)]
    no_subscriptions: bool,
    #[arg(long)]
    no_security_labels: bool,
    #[arg(long)]
    no_tablespaces: bool,
    #[arg(long)]
    no_unlogged_table_data: bool,
    #[arg(long)]
    load_via_partition_root: bool,
    #[arg(long)]
    role: Option<String>,
    /// Replace an existing output file.
    #[arg(long)]
    overwrite: bool,
    /// Extra pg_dump argument (repeatable), e.g. --extra=--no-toast-compression
    #[arg(long = "extra", allow_hyphen_values = true)]
    extra_args: Vec<String>,
}

/// The backup options of `dump`, writing to `output`.
pub fn backup_options(dump: &DumpArgs, output: PathBuf) -> BackupOptions {
    dump.options(output)
}

impl DumpArgs {
    fn options(&self, output: PathBuf) -> BackupOptions {
        let mut o = BackupOptions::default();
        match self.preset {
            Some(PresetArg::Fast) => BackupPreset::Fast.apply(&mut o),
            Some(PresetArg::Standard) => BackupPreset::Standard.apply(&mut o),
            None => {}
        }
        if let Some(f) = self.format {
            o.format = match f {
                FormatArg::Custom => BackupFormat::Custom,
                FormatArg::Directory => BackupFormat::Directory,
                FormatArg::Tar => BackupFormat::Tar,
                FormatArg::Plain => BackupFormat::Plain,
            };
            o.compression = tusk_engine::options::default_compression(o.format);
        }
        o.output_path = output;
        if let Some(m) = self.compression_method {
            o.compression_method = match m {
                MethodArg::Gzip => CompressionMethod::Gzip,
                MethodArg::Zstd => CompressionMethod::Zstd,
            };
        }
        o.compression = self.compression.unwrap_or(o.compression);
        o.jobs = self.jobs.unwrap_or(o.jobs);
        o.include_schema = !self.data_only;
        o.include_data = !self.schema_only;
        o.include_privileges = !self.no_privileges;
        o.include_ownership = !self.no_owner;
        o.schemas = non_empty(&self.schemas);
        o.tables = non_empty(&self.tables);
        o.exclude_tables = self.exclude_tables.clone();
        o.exclude_table_data = self.exclude_table_data.clone();
        o.lock_wait_timeout = self.lock_wait_timeout.unwrap_or(o.lock_wait_timeout);
        o.no_sync = self.no_sync;
        o.encoding = self.encoding.clone();
        o.sections = self
            .sections
            .iter()
            .map(|s| match s {
                SectionArg::PreData => DumpSection::PreData,
                SectionArg::Data => DumpSection::Data,
                SectionArg::PostData => DumpSection::PostData,
            })
            .collect();
        o.blobs = (self.blobs || self.no_blobs).then_some(self.blobs);
        o.insert_mode = match (self.inserts, self.column_inserts) {
            (true, _) => InsertMode::Inserts,
            (_, true) => InsertMode::ColumnInserts,
            _ => InsertMode::Copy,
        };
        o.rows_per_insert = self.rows_per_insert;
        o.on_conflict_do_nothing = self.on_conflict_do_nothing;
        o.create = self.create;
        o.clean = self.clean;
        o.if_exists = self.if_exists;
        o.no_comments = self.no_comments;
        o.no_publications = self.no_publications;
        o.no_subscriptions = self.no_subscriptions;
        o.no_security_labels = self.no_security_labels;
        o.no_tablespaces = self.no_tablespaces;
        o.no_unlogged_table_data = self.no_unlogged_table_data;
        o.load_via_partition_root = self.load_via_partition_root;
        o.role = self.role.clone();
        o.overwrite = self.overwrite;
        o.extra_args = self.extra_args.clone();
        o
    }
}

fn non_empty(v: &[String]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| v.to_vec())
}

#[derive(Args)]
pub struct RestoreArgs {
    /// Backup file or directory.
    input: PathBuf,
    #[command(flatten)]
    conn: ConnArgs,
    #[command(flatten)]
    out: OutputArgs,
    /// Restore into this database instead of the connection's.
    #[arg(long)]
    target_db: Option<String>,
    /// Create the target database first (it must not exist).
    #[arg(long, requires = "target_db")]
    create_db: bool,
    #[arg(long, conflicts_with = "data_only")]
    schema_only: bool,
    #[arg(long)]
    data_only: bool,
    /// Restore only this schema (repeatable).
    #[arg(short = 'n', long = "schema")]
    schemas: Vec<String>,
    /// Restore only this table as schema.table, with its indexes and constraints (repeatable).
    #[arg(short = 't', long = "table")]
    tables: Vec<String>,
    /// Restore exactly this table-of-contents entry (ids from `tusk info`; repeatable).
    #[arg(long = "toc-entry")]
    toc_entries: Vec<i32>,
    /// Drop objects before recreating them (needs --yes).
    #[arg(long)]
    clean: bool,
    /// With --clean, plain DROP instead of DROP … IF EXISTS.
    #[arg(long)]
    no_if_exists: bool,
    #[arg(long)]
    no_owner: bool,
    #[arg(long)]
    no_privileges: bool,
    /// Go on after errors (pg_restore reports how many were ignored).
    #[arg(long)]
    no_exit_on_error: bool,
    /// Commit object by object instead of all or nothing.
    #[arg(long)]
    no_single_transaction: bool,
    /// Parallel jobs (needs --no-single-transaction; not for tar).
    #[arg(short = 'j', long)]
    jobs: Option<u8>,
    #[arg(long)]
    disable_triggers: bool,
    #[arg(long)]
    role: Option<String>,
    /// Confirm a destructive restore (--clean, --swap).
    #[arg(long)]
    yes: bool,
    /// Do not back up the target first (a safety backup is taken before a
    /// restore that drops objects or goes into a database that is not empty).
    #[arg(long)]
    no_safety_backup: bool,
    /// Restore even though the backup's SHA-256 no longer matches the history.
    #[arg(long)]
    ignore_checksum: bool,
    /// Restore into a new database, then swap it in for the target (the old
    /// one is kept under a dated name): all or nothing.
    #[arg(long, conflicts_with_all = ["clean", "create_db"])]
    swap: bool,
    /// Neither check the history's checksum nor record the safety backup.
    #[arg(long)]
    no_catalog: bool,
    /// Extra pg_restore argument (repeatable).
    #[arg(long = "extra", allow_hyphen_values = true)]
    extra_args: Vec<String>,
    /// Run a plain SQL script even though it holds psql commands pg_dump
    /// never writes (\!, \copy, \o, COPY … PROGRAM): only for a script you
    /// trust.
    #[arg(long)]
    allow_psql_commands: bool,
}

impl RestoreArgs {
    fn options(&self) -> RestoreOptions {
        let d = RestoreOptions::default();
        RestoreOptions {
            input_path: self.input.clone(),
            target_database: self.target_db.clone(),
            create_database: self.create_db,
            schema_only: self.schema_only,
            data_only: self.data_only,
            schemas: non_empty(&self.schemas),
            tables: non_empty(&self.tables),
            toc_entries: (!self.toc_entries.is_empty()).then(|| self.toc_entries.clone()),
            clean: self.clean,
            if_exists: !self.no_if_exists,
            no_owner: self.no_owner,
            no_privileges: self.no_privileges,
            exit_on_error: !self.no_exit_on_error,
            single_transaction: !self.no_single_transaction,
            jobs: self.jobs.unwrap_or(d.jobs),
            disable_triggers: self.disable_triggers,
            role: self.role.clone(),
            extra_args: self.extra_args.clone(),
            safety_backup: !self.no_safety_backup,
            ignore_checksum: self.ignore_checksum,
            swap: self.swap,
            allow_script_commands: self.allow_psql_commands,
            ..d
        }
    }
}

#[derive(Args)]
pub struct InfoArgs {
    /// Backup file or directory.
    path: PathBuf,
    #[arg(long)]
    json: bool,
    /// List every table-of-contents entry (ids for --toc-entry).
    #[arg(long)]
    entries: bool,
}

#[derive(Args)]
pub struct ToolsArgs {
    #[command(flatten)]
    conn: ConnArgs,
    #[arg(long)]
    json: bool,
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

/// What the history records as a backup's source.
fn source_of(conn: &ConnectionSpec, remote: Option<&String>) -> Source {
    Source {
        connection_id: None,
        connection_name: remote.cloned(),
        host: conn.host.clone(),
        port: conn.port,
        user: conn.user.clone(),
        database: conn.effective_database(),
    }
}

pub async fn backup(
    a: BackupArgs,
    config: &Config,
    search: &ToolSearch,
    catalog_path: Option<&std::path::Path>,
) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    let id = job_id(&a.out);
    let prepared = prepare_backup(&id, &conn, &a.dump.options(a.output.clone()), search).await?;
    if a.out.dry_run {
        render::backup_plan(&prepared.plan(), a.out.json);
        return Ok(exit::OK);
    }
    let catalog = if a.no_catalog {
        None
    } else {
        Some(crate::manage::open_catalog(catalog_path)?)
    };
    let reporter = Reporter::new(a.out.json, "Backing up");
    reporter.start(&prepared.command_display(), &prepared.pg_dump.reason);
    let cancel = cancel_on_interrupt();
    let sink = |e| reporter.event(e);
    let outcome = match &catalog {
        Some(c) => {
            let meta = RecordMeta {
                name: a.name.clone(),
                description: a.description.clone(),
                source: source_of(&conn, a.conn.remote.as_ref()),
                reason: BackupReason::Manual,
                schedule_id: None,
            };
            run_recorded_backup(c, prepared, meta, &cancel, &sink).await
        }
        None => prepared.run(&cancel, &sink).await,
    };
    reporter.finish(&outcome);
    Ok(outcome_code(&outcome))
}

pub async fn restore(
    a: RestoreArgs,
    config: &Config,
    search: &ToolSearch,
    catalog_path: Option<&std::path::Path>,
) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    let id = job_id(&a.out);
    let catalog = if a.no_catalog {
        None
    } else {
        Some(crate::manage::open_catalog(catalog_path)?)
    };
    let guarded =
        prepare_guarded_restore(&id, &conn, &a.options(), search, catalog.as_ref()).await?;
    let preflight = &guarded.restore.preflight;
    if a.out.dry_run {
        render::preflight(preflight, Some(&guarded.safety), a.out.json);
        return Ok(exit::OK);
    }
    let confirm = &guarded.safety.must_confirm;
    if !confirm.is_empty() && !a.yes {
        render::preflight(preflight, Some(&guarded.safety), a.out.json);
        return Err(EngineError::InvalidOptions(format!(
            "{}: add --yes to confirm",
            confirm.join("; ")
        )));
    }
    let reporter = Reporter::new(a.out.json, "Restoring");
    for w in &preflight.warnings {
        reporter.warn(w);
    }
    if let Some(path) = &guarded.safety.safety_backup {
        reporter.warn(&format!(
            "{}: a safety backup of the target goes to {} first (--no-safety-backup to skip)",
            guarded.safety.safety_reason.clone().unwrap_or_default(),
            path.display()
        ));
    }
    reporter.start(&guarded.command_display(), &preflight.tool.reason);
    let cancel = cancel_on_interrupt();
    let outcome = guarded
        .run(catalog.as_ref(), &cancel, &|e| reporter.event(e))
        .await;
    reporter.finish(&outcome);
    Ok(outcome_code(&outcome))
}

pub fn info(a: InfoArgs) -> Result<u8, EngineError> {
    let info = tusk_engine::get_backup_info(&a.path)?;
    render::info(&info, a.json, a.entries);
    Ok(exit::OK)
}

pub async fn tools(a: ToolsArgs, config: &Config, search: &ToolSearch) -> Result<u8, EngineError> {
    let found = tusk_engine::tools::discover(search);
    let wants_server = a.conn.url.is_some()
        || a.conn.remote.is_some()
        || a.conn.host.is_some()
        || a.conn.database.is_some();
    let server = if wants_server {
        let conn = a.conn.resolve(config)?;
        Some(tusk_engine::test_connection(&conn, search).await?)
    } else {
        None
    };
    render::tools(&found, server.as_ref(), search, a.json);
    Ok(exit::OK)
}

pub async fn check(a: ToolsArgs, config: &Config, search: &ToolSearch) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    let server = tusk_engine::test_connection(&conn, search).await?;
    render::server(&server, a.json);
    Ok(exit::OK)
}
