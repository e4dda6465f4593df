//! `tusk backup`: a recorded backup, with pg_dump's options as flags.

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::commands::keys::EncryptArgs;
use crate::config::Config;
use crate::render::{self, Reporter};
use crate::{exit, outcome_code};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::backup::remote::{copy_to_bucket, prepare_bucket_backup};
use tusk_engine::catalog::BackupReason;
use tusk_engine::options::{DumpSection, InsertMode, StatisticsMode};
use tusk_engine::{
    prepare_backup, BackupFormat, BackupOptions, BackupPreset, CompressionMethod, EngineError,
    ToolSearch,
};

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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// pg_dump's own gzip, levels 0-9.
    Gzip,
    /// zstd by Tusk as pg_dump writes, levels 1-19 (custom format; stock tools: zstd -d first).
    Zstd,
    /// pg_dump's own zstd, levels 1-19 (pg_dump 16+ built with zstd; custom or directory).
    PgZstd,
    /// pg_dump's own lz4, levels 1-12 (pg_dump 16+ built with lz4; custom or directory).
    Lz4,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatisticsArg {
    /// --statistics (pg_dump 18+).
    Include,
    /// --no-statistics (pg_dump 18+).
    Exclude,
    /// --statistics-only (pg_dump 18+).
    Only,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SectionArg {
    PreData,
    Data,
    PostData,
}

impl SectionArg {
    pub fn section(self) -> DumpSection {
        match self {
            SectionArg::PreData => DumpSection::PreData,
            SectionArg::Data => DumpSection::Data,
            SectionArg::PostData => DumpSection::PostData,
        }
    }
}

/// `tusk backup [FLAGS]`, or seed 003's `tusk backup create` and
/// `tusk backup list`, which are the same backup and `tusk list`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupCommand {
    #[command(subcommand)]
    pub action: Option<BackupAction>,
    #[command(flatten)]
    pub args: BackupArgs,
}

#[derive(Subcommand)]
pub enum BackupAction {
    /// Make a backup: the same as `tusk backup FLAGS` (without -o, a dated
    /// file in the backups folder).
    Create(Box<BackupArgs>),
    /// The history: the same as `tusk list` (`--remote NAME` for one remote's).
    List(Box<crate::commands::list::ListArgs>),
}

impl BackupCommand {
    pub fn json(&self) -> bool {
        match &self.action {
            None => self.args.out.json,
            Some(BackupAction::Create(a)) => a.out.json,
            Some(BackupAction::List(a)) => a.json,
        }
    }
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    conn: ConnArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Output file (folder for the directory format). Default: a dated
    /// file in the backups folder (`backups_folder` in the config, else
    /// `backups/<remote or database>` in Tusk's data folder).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Back up straight into this bucket (`tusk destination add`): streamed
    /// as pg_dump writes, under a key of its own.
    #[arg(long, conflicts_with_all = ["output", "no_catalog"])]
    dest: Option<String>,
    /// Keep the local backup and copy it to this bucket too once it is made
    /// (repeatable): 3-2-1.
    #[arg(long = "copy-to", requires = "output", conflicts_with = "no_catalog")]
    copy_to: Vec<String>,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    encrypt: EncryptArgs,
    #[command(flatten)]
    dump: DumpArgs,
    /// Name in the history (default: database and time).
    #[arg(long, allow_hyphen_values = true)]
    name: Option<String>,
    /// A note kept with the backup in the history.
    #[arg(long, allow_hyphen_values = true)]
    description: Option<String>,
    /// Do not record the backup in the history (no checksum or sidecar files either).
    #[arg(long)]
    no_catalog: bool,
    /// Do not count the backup's rows per table once it is made (done in
    /// the background otherwise; they are then counted by its first verify
    /// or restore).
    #[arg(long)]
    no_row_counts: bool,
    #[command(flatten)]
    whole: WholeServerArgs,
}

/// A whole server, or its roles and tablespaces, instead of one database.
#[derive(Args)]
pub struct WholeServerArgs {
    /// Back up the whole server: its roles and tablespaces, and every
    /// database (templates left out) in the chosen format, into the folder
    /// -o names.
    #[arg(long, conflicts_with_all = ["globals_only", "roles_only", "tablespaces_only"])]
    server: bool,
    /// Back up the roles (with memberships and settings) and tablespaces
    /// only (pg_dumpall --globals-only): a script, restored with `tusk restore`.
    #[arg(long)]
    globals_only: bool,
    /// The roles only (pg_dumpall --roles-only).
    #[arg(long, conflicts_with = "tablespaces_only")]
    roles_only: bool,
    /// The tablespaces only (pg_dumpall --tablespaces-only).
    #[arg(long)]
    tablespaces_only: bool,
    /// Leave the role passwords out (done by itself, with a warning, where
    /// the user cannot read pg_authid: managed services).
    #[arg(long)]
    no_role_passwords: bool,
    /// With --server: only this database (repeatable; `*` patterns).
    #[arg(long = "include-database", requires = "server")]
    include_databases: Vec<String>,
    /// With --server: leave this database out (repeatable; `*` patterns).
    #[arg(long = "exclude-database", requires = "server")]
    exclude_databases: Vec<String>,
    /// With --server: databases backed up at once (1-8, default 1).
    #[arg(long = "parallel-databases", requires = "server")]
    parallel_databases: Option<u8>,
}

impl WholeServerArgs {
    pub fn scope(&self) -> tusk_engine::options::BackupScope {
        use tusk_engine::options::BackupScope;
        if self.server {
            BackupScope::Server
        } else if self.globals_only || self.roles_only || self.tablespaces_only {
            BackupScope::Globals
        } else {
            BackupScope::Database
        }
    }

    pub fn apply(&self, o: &mut BackupOptions) {
        use tusk_engine::options::GlobalsContent;
        o.scope = self.scope();
        o.server.globals = if self.roles_only {
            GlobalsContent::RolesOnly
        } else if self.tablespaces_only {
            GlobalsContent::TablespacesOnly
        } else {
            GlobalsContent::All
        };
        o.server.no_role_passwords = self.no_role_passwords;
        o.server.include_databases = self.include_databases.clone();
        o.server.exclude_databases = self.exclude_databases.clone();
        o.server.parallel = self.parallel_databases.unwrap_or(o.server.parallel);
    }
}

/// What to dump and how: shared by `backup` and `schedule add`.
#[derive(Args)]
pub struct DumpArgs {
    /// Start from a preset; other flags override it.
    #[arg(long, value_enum)]
    preset: Option<PresetArg>,
    #[arg(short = 'F', long, value_enum)]
    format: Option<FormatArg>,
    /// Compression level: gzip 0-9 (default 6; 0 for tar), zstd 1-19, lz4 1-12.
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
    /// Schema to leave out (repeatable; pg_dump patterns).
    #[arg(short = 'N', long = "exclude-schema")]
    exclude_schemas: Vec<String>,
    /// The table patterns also take partitions and child tables (pg_dump 16+).
    #[arg(long)]
    include_child_tables: bool,
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
    /// INSERT statements (with --column-inserts: with column names, as pg_dump takes both).
    #[arg(long)]
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
    #[arg(long)]
    use_set_session_authorization: bool,
    #[arg(long)]
    quote_all_identifiers: bool,
    #[arg(long)]
    disable_dollar_quoting: bool,
    /// -15 to 3.
    #[arg(long, allow_hyphen_values = true)]
    extra_float_digits: Option<i8>,
    #[arg(long)]
    enable_row_security: bool,
    #[arg(long)]
    disable_triggers: bool,
    /// pg_dump 14+.
    #[arg(long)]
    no_toast_compression: bool,
    /// pg_dump 15+.
    #[arg(long)]
    no_table_access_method: bool,
    /// Planner statistics (pg_dump 18+).
    #[arg(long, value_enum)]
    statistics: Option<StatisticsArg>,
    /// pg_dump 18+.
    #[arg(long)]
    no_policies: bool,
    /// pg_dump 18+.
    #[arg(long)]
    sequence_data: bool,
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
    /// `--preset fast` with the compression left to it: its choice depends
    /// on the pg_dump (`BackupPreset::choice_with`).
    fn preset_follows_tools(&self) -> bool {
        matches!(self.preset, Some(PresetArg::Fast))
            && self.compression_method.is_none()
            && self.format.is_none_or(|f| matches!(f, FormatArg::Custom))
    }

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
                MethodArg::PgZstd => CompressionMethod::PgZstd,
                MethodArg::Lz4 => CompressionMethod::Lz4,
            };
            if self.compression.is_none() && m != MethodArg::Gzip {
                o.compression = o.compression.clamp(1, 12);
            }
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
        o.sections = self.sections.iter().map(|s| s.section()).collect();
        o.blobs = (self.blobs || self.no_blobs).then_some(self.blobs);
        o.insert_mode = match (self.inserts, self.column_inserts) {
            (_, true) => InsertMode::ColumnInserts,
            (true, false) => InsertMode::Inserts,
            _ => InsertMode::Copy,
        };
        o.exclude_schemas = self.exclude_schemas.clone();
        o.include_child_tables = self.include_child_tables;
        o.use_set_session_authorization = self.use_set_session_authorization;
        o.quote_all_identifiers = self.quote_all_identifiers;
        o.disable_dollar_quoting = self.disable_dollar_quoting;
        o.extra_float_digits = self.extra_float_digits;
        o.enable_row_security = self.enable_row_security;
        o.disable_triggers = self.disable_triggers;
        o.no_toast_compression = self.no_toast_compression;
        o.no_table_access_method = self.no_table_access_method;
        o.statistics = match self.statistics {
            None => StatisticsMode::Default,
            Some(StatisticsArg::Include) => StatisticsMode::Include,
            Some(StatisticsArg::Exclude) => StatisticsMode::Exclude,
            Some(StatisticsArg::Only) => StatisticsMode::Only,
        };
        o.no_policies = self.no_policies;
        o.sequence_data = self.sequence_data;
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

pub async fn backup(
    a: BackupArgs,
    config: &Config,
    search: &ToolSearch,
    catalog_path: Option<&std::path::Path>,
) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    let id = job_id(&a.out);
    if let Some(remote) = &a.conn.remote {
        err!("remote {}", config.describe_remote(remote));
    }
    let output = match (&a.dest, &a.output) {
        (Some(_), _) => None,
        (None, Some(output)) => Some(output.clone()),
        (None, None) => Some(automatic_output(&a, config, &conn)?),
    };
    if a.whole.scope() != tusk_engine::options::BackupScope::Database {
        let output = output.ok_or_else(|| {
            EngineError::InvalidOptions(
                "a whole-server or roles backup is made in a folder on this computer (-o), then copied to buckets with --copy-to".into(),
            )
        })?;
        return whole_server(a, output, config, conn, &id, search, catalog_path).await;
    }
    // The fast preset follows the tools: pg_dump's own zstd where the
    // server's pg_dump has it, unless the file is named for Tusk's (.zst).
    let named_zst = output
        .as_ref()
        .is_some_and(|o| o.to_string_lossy().ends_with(".zst"));
    let pg_dump_zstd = a.dump.preset_follows_tools()
        && !named_zst
        && tusk_engine::server::objects::pg_dump_for(&conn, search)
            .await
            .is_ok_and(|c| c.tool.compresses_with("zstd"));
    let options = |output: PathBuf| -> Result<BackupOptions, EngineError> {
        let mut o = a.dump.options(output);
        if pg_dump_zstd {
            o.compression_method = BackupPreset::Fast.choice_with(true).compression_method;
        }
        a.encrypt.apply(&mut o)?;
        Ok(o)
    };
    let prepared = match (&a.dest, &output) {
        (Some(dest), _) => {
            let bucket = open_bucket(config, dest, &a.secret)?;
            prepare_bucket_backup(&id, &conn, &options(PathBuf::new())?, search, bucket).await?
        }
        (None, Some(output)) => {
            prepare_backup(&id, &conn, &options(output.clone())?, search).await?
        }
        (None, None) => unreachable!("an output is chosen above when there is no --dest"),
    };
    if a.out.dry_run {
        render::backup_plan(&prepared.plan(), a.out.json);
        return Ok(exit::OK);
    }
    let catalog = open_catalog_unless(a.no_catalog, catalog_path)?;
    let reporter = Reporter::new(a.out.json, "Backing up");
    reporter.start(&prepared.command_display(), &prepared.pg_dump.reason);
    let cancel = cancel_on_interrupt();
    let sink = |e| reporter.event(e);
    let outcome = match &catalog {
        Some(c) => {
            let meta = RecordMeta {
                name: a.name.clone(),
                description: a.description.clone(),
                source: Source::of(&conn, None, a.conn.remote.as_deref()),
                reason: BackupReason::Manual,
                schedule_id: None,
            };
            run_recorded_backup(c, prepared, meta, &cancel, &sink).await
        }
        None => prepared.run(&cancel, &sink).await,
    };
    reporter.finish(&outcome);
    created(&outcome, a.out.json);
    if let (Some(c), false) = (&catalog, a.no_row_counts) {
        count_rows_detached(c, &outcome, search, config);
    }
    let kept = matches!(
        outcome.status,
        tusk_engine::JobStatus::Completed | tusk_engine::JobStatus::CompletedWithWarnings
    );
    if let (Some(c), true) = (&catalog, kept) {
        crate::commands::retention::apply_after(c, config).await;
    }
    let code = outcome_code(&outcome);
    Ok(copy_made(&a, config, catalog.as_ref(), &outcome, &cancel, code).await)
}

/// The new backup's rows per table, counted from its file into the
/// history (what a restore of it is checked against) by a `tusk` of its
/// own, detached, as `git gc --auto` is: the command ends as soon as the
/// backup is made, and the count is in the history a moment later.
fn count_rows_detached(
    catalog: &tusk_engine::catalog::Catalog,
    outcome: &tusk_engine::JobOutcome,
    search: &ToolSearch,
    config: &Config,
) {
    let kept = matches!(
        outcome.status,
        tusk_engine::JobStatus::Completed | tusk_engine::JobStatus::CompletedWithWarnings
    );
    let Some(id) = outcome.backup_id.as_deref().filter(|_| kept) else {
        return;
    };
    let spawned = std::env::current_exe().and_then(|exe| {
        let mut cmd = std::process::Command::new(exe);
        cmd.args(["catalog", "count-rows", id, "--catalog"])
            .arg(catalog.path());
        if let Some(folder) = &search.folder {
            cmd.arg("--pg-bin").arg(folder);
        }
        // The config this command read (a default one that does not exist
        // is no config, and not to be named).
        if let Some(file) = config.file.as_ref().filter(|f| f.is_file()) {
            cmd.arg("--config").arg(file);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        #[cfg(unix)]
        {
            // Its own process group: a Ctrl+C meant for the shell's next
            // command does not reach it.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        cmd.spawn()
    });
    if let Err(e) = spawned {
        tracing::warn!(backup = %id, error = %e, "the rows could not be counted: they will be at the first verify or restore");
    }
}

/// A dated file (or folder) in the backups folder, for a backup made
/// without `-o`: `shop_2026-12-06_120000.backup`.
fn automatic_output(
    a: &BackupArgs,
    config: &Config,
    conn: &tusk_engine::ConnectionSpec,
) -> Result<PathBuf, EngineError> {
    let database = conn.database.clone().unwrap_or_else(|| {
        std::env::var("PGDATABASE")
            .ok()
            .filter(|d| !d.is_empty())
            .or_else(|| conn.user.clone())
            .unwrap_or_else(|| "postgres".into())
    });
    let folder = config.backups_folder(a.conn.remote.as_deref(), &database);
    std::fs::create_dir_all(&folder).map_err(|e| {
        EngineError::Io(format!(
            "cannot create the backups folder {}: {e} (set backups_folder in the config, or give -o)",
            folder.display()
        ))
    })?;
    let mut options = a.dump.options(PathBuf::new());
    a.whole.apply(&mut options);
    a.encrypt.apply(&mut options)?;
    let name = match options.scope {
        tusk_engine::options::BackupScope::Database => database,
        _ => conn.host.clone().unwrap_or_else(|| "server".into()),
    };
    Ok(tusk_engine::backup::recorded::dated_path(
        &folder,
        &name,
        &options.file_extension(),
        "",
    ))
}

/// "Backup created: PATH" on stdout once a backup is kept (the progress
/// and the details are on stderr).
fn created(outcome: &tusk_engine::JobOutcome, json: bool) {
    let kept = matches!(
        outcome.status,
        tusk_engine::JobStatus::Completed | tusk_engine::JobStatus::CompletedWithWarnings
    );
    let place = outcome.location.clone().or_else(|| {
        outcome
            .output_path
            .as_ref()
            .map(|p| p.display().to_string())
    });
    if let (false, true, Some(place)) = (json, kept, place) {
        out!("Backup created: {place}");
    }
}

/// `--copy-to`: the backup just made, copied to each bucket; a copy that
/// fails is a warning (the backup itself is kept). Returns the exit code.
async fn copy_made(
    a: &BackupArgs,
    config: &Config,
    catalog: Option<&tusk_engine::catalog::Catalog>,
    outcome: &tusk_engine::JobOutcome,
    cancel: &tusk_engine::CancelHandle,
    mut code: u8,
) -> u8 {
    let kept = matches!(
        outcome.status,
        tusk_engine::JobStatus::Completed | tusk_engine::JobStatus::CompletedWithWarnings
    );
    if let (Some(c), Some(id), true) = (catalog, &outcome.backup_id, kept) {
        for dest in &a.copy_to {
            let copied = async {
                let bucket = open_bucket(config, dest, &a.secret)?;
                copy_to_bucket(c, id, &bucket, cancel).await
            }
            .await;
            match copied {
                Ok(record) => {
                    if let Some(copy) = record.copies.iter().find(|x| &x.destination == dest) {
                        err!("copied to {}", copy.location());
                    }
                }
                Err(e) => {
                    err!("warning: the backup was kept, but its copy to {dest} failed: {e}");
                    code = exit::WARNINGS;
                }
            }
        }
    }
    code
}

/// `--server` and `--globals-only`: pg_dumpall's globals, and with
/// `--server` every chosen database, as one backup in the history.
async fn whole_server(
    a: BackupArgs,
    output: PathBuf,
    config: &Config,
    conn: tusk_engine::ConnectionSpec,
    id: &str,
    search: &ToolSearch,
    catalog_path: Option<&std::path::Path>,
) -> Result<u8, EngineError> {
    use tusk_engine::cluster::backup::prepare_server_backup;
    use tusk_engine::cluster::globals::prepare_globals_backup;
    use tusk_engine::options::BackupScope;
    let mut options = a.dump.options(output);
    a.whole.apply(&mut options);
    a.encrypt.apply(&mut options)?;
    let catalog = open_catalog_unless(a.no_catalog, catalog_path)?;
    let meta = RecordMeta {
        name: a.name.clone(),
        description: a.description.clone(),
        source: Source::of(&conn, None, a.conn.remote.as_deref()),
        reason: BackupReason::Manual,
        schedule_id: None,
    };
    let cancel = cancel_on_interrupt();
    let outcome = if options.scope == BackupScope::Server {
        let prepared = prepare_server_backup(id, &conn, &options, search).await?;
        let plan = prepared.plan();
        if a.out.dry_run {
            render::server_backup_plan(&plan, a.out.json);
            return Ok(exit::OK);
        }
        let reporter = Reporter::new(a.out.json, "Backing up the server");
        plan.warnings.iter().for_each(|w| reporter.warn(w));
        reporter.start(&plan.command, &plan.pg_dump.reason);
        let sink = |e| reporter.event(e);
        let outcome = match &catalog {
            Some(c) => run_recorded_backup(c, prepared, meta, &cancel, &sink).await,
            None => prepared.run(&cancel, &sink).await.0,
        };
        reporter.finish(&outcome);
        created(&outcome, a.out.json);
        outcome
    } else {
        let prepared = prepare_globals_backup(id, &conn, &options, search).await?;
        if a.out.dry_run {
            out!("{}", prepared.command_display());
            prepared
                .dump
                .warning
                .iter()
                .for_each(|w| err!("warning: {w}"));
            return Ok(exit::OK);
        }
        let reporter = Reporter::new(a.out.json, "Backing up roles and tablespaces");
        reporter.start(
            &prepared.command_display(),
            &prepared.dump.pg_dumpall.reason,
        );
        let sink = |e| reporter.event(e);
        let outcome = match &catalog {
            Some(c) => run_recorded_backup(c, prepared, meta, &cancel, &sink).await,
            None => prepared.run(&cancel, &sink).await.0,
        };
        reporter.finish(&outcome);
        created(&outcome, a.out.json);
        outcome
    };
    let code = outcome_code(&outcome);
    Ok(copy_made(&a, config, catalog.as_ref(), &outcome, &cancel, code).await)
}
