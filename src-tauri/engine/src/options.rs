//! What a user asks for: the options of a backup or a restore, their defaults
//! (those of the design seed), the measured "fast" preset, and the checks that
//! refuse contradictory or invalid combinations before anything runs.

use crate::error::EngineError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
pub use tusk_archive::BackupFormat;

/// pg_dump's `--section`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DumpSection {
    PreData,
    Data,
    PostData,
}

impl DumpSection {
    pub fn as_arg(&self) -> &'static str {
        match self {
            DumpSection::PreData => "pre-data",
            DumpSection::Data => "data",
            DumpSection::PostData => "post-data",
        }
    }
}

/// How table data is written: COPY (fast, the default) or INSERT statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum InsertMode {
    #[default]
    Copy,
    Inserts,
    ColumnInserts,
}

/// What compresses the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CompressionMethod {
    /// pg_dump's own gzip (`-Z level`), levels 0–9.
    #[default]
    Gzip,
    /// Custom format only: pg_dump writes the archive uncompressed (`-Z0`)
    /// and Tusk compresses it with zstd as it arrives, levels 1–19 — much
    /// faster than gzip at a similar size. Tusk restores it directly; stock
    /// pg_restore after `zstd -d`.
    Zstd,
}

/// Options for creating a backup. Field names and defaults follow the design
/// seed; everything after `extra_args` is what pgAdmin users also expect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct BackupOptions {
    /// Connection profile to back up (resolved by the caller).
    pub connection_id: String,
    /// Output file, or folder for the directory format.
    pub output_path: PathBuf,
    pub format: BackupFormat,
    /// Compression level: gzip 0–9 (0 = none), zstd 1–19. Not available for tar.
    pub compression: u8,
    pub compression_method: CompressionMethod,
    pub include_schema: bool,
    pub include_data: bool,
    pub include_privileges: bool,
    pub include_ownership: bool,
    /// Schemas to back up (`None` = all). pg_dump patterns are accepted.
    pub schemas: Option<Vec<String>>,
    /// Tables to back up (`None` = all), as `schema.table` or patterns.
    pub tables: Option<Vec<String>>,
    pub exclude_tables: Vec<String>,
    /// Tables whose definition is kept but whose rows are left out.
    pub exclude_table_data: Vec<String>,
    /// Parallel dump jobs; used by the directory format only.
    pub jobs: u8,
    /// Seconds to wait for table locks; 0 waits forever.
    pub lock_wait_timeout: u32,
    pub no_sync: bool,
    pub encoding: Option<String>,
    /// Additional pg_dump arguments, checked by [`check_extra_args`].
    pub extra_args: Vec<String>,

    /// Only these sections (empty = all).
    pub sections: Vec<DumpSection>,
    /// Large objects: `None` = pg_dump's default, `Some(true)` = `--blobs`,
    /// `Some(false)` = `--no-blobs`.
    pub blobs: Option<bool>,
    pub insert_mode: InsertMode,
    pub rows_per_insert: Option<u32>,
    pub on_conflict_do_nothing: bool,
    /// Add `CREATE DATABASE` to the dump.
    pub create: bool,
    /// Add `DROP` statements before each `CREATE`.
    pub clean: bool,
    pub if_exists: bool,
    pub no_comments: bool,
    pub no_publications: bool,
    pub no_subscriptions: bool,
    pub no_security_labels: bool,
    pub no_tablespaces: bool,
    pub no_unlogged_table_data: bool,
    pub load_via_partition_root: bool,
    /// `SET ROLE` before dumping.
    pub role: Option<String>,
    /// Keep pg_dump's verbose log. Progress is coarser without it.
    pub verbose: bool,
    /// Replace an existing file at `output_path` (never a non-empty folder).
    pub overwrite: bool,
}

impl Default for BackupOptions {
    fn default() -> Self {
        Self {
            connection_id: String::new(),
            output_path: PathBuf::new(),
            format: BackupFormat::Custom,
            compression: 6,
            compression_method: CompressionMethod::Gzip,
            include_schema: true,
            include_data: true,
            include_privileges: true,
            include_ownership: true,
            schemas: None,
            tables: None,
            exclude_tables: Vec::new(),
            exclude_table_data: Vec::new(),
            jobs: 4,
            lock_wait_timeout: 30,
            no_sync: false,
            encoding: None,
            extra_args: Vec::new(),
            sections: Vec::new(),
            blobs: None,
            insert_mode: InsertMode::Copy,
            rows_per_insert: None,
            on_conflict_do_nothing: false,
            create: false,
            clean: false,
            if_exists: false,
            no_comments: false,
            no_publications: false,
            no_subscriptions: false,
            no_security_labels: false,
            no_tablespaces: false,
            no_unlogged_table_data: false,
            load_via_partition_root: false,
            role: None,
            verbose: true,
            overwrite: false,
        }
    }
}

/// Named starting points for backup options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BackupPreset {
    /// The seed's defaults: custom format, gzip level 6 (what pgAdmin and DBeaver run).
    Standard,
    /// Measured on a 0.5 GB database (bench/): a custom archive compressed
    /// by Tusk with zstd level 1 — over 3× faster than gzip 6 and a little
    /// smaller, restored in parallel (stock tools: `zstd -d` first).
    Fast,
}

/// What a preset sets: the format and how it is compressed. The rest of the
/// options stay as the user has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PresetChoice {
    pub format: BackupFormat,
    pub compression: u8,
    pub compression_method: CompressionMethod,
}

impl BackupPreset {
    pub const ALL: [BackupPreset; 2] = [BackupPreset::Standard, BackupPreset::Fast];

    pub fn choice(self) -> PresetChoice {
        match self {
            BackupPreset::Standard => {
                let defaults = BackupOptions::default();
                PresetChoice {
                    format: defaults.format,
                    compression: defaults.compression,
                    compression_method: defaults.compression_method,
                }
            }
            BackupPreset::Fast => PresetChoice {
                format: BackupFormat::Custom,
                compression: 1,
                compression_method: CompressionMethod::Zstd,
            },
        }
    }

    pub fn apply(self, options: &mut BackupOptions) {
        let choice = self.choice();
        options.format = choice.format;
        options.compression = choice.compression;
        options.compression_method = choice.compression_method;
    }
}

/// Options for restoring a backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct RestoreOptions {
    pub connection_id: String,
    pub input_path: PathBuf,
    /// Database to restore into (`None` = the connection's database).
    pub target_database: Option<String>,
    /// Create `target_database` first; it must not exist.
    pub create_database: bool,
    pub schema_only: bool,
    pub data_only: bool,
    /// Restore only these schemas (`None` = all).
    pub schemas: Option<Vec<String>>,
    /// Restore only these tables, as `schema.table`, with their indexes,
    /// constraints, triggers and sequences.
    pub tables: Option<Vec<String>>,
    /// Drop objects before recreating them.
    pub clean: bool,
    /// With `clean`: `DROP … IF EXISTS`.
    pub if_exists: bool,
    pub no_owner: bool,
    pub no_privileges: bool,
    pub exit_on_error: bool,
    pub single_transaction: bool,
    /// Parallel restore jobs (custom and directory archives).
    pub jobs: u8,
    pub disable_triggers: bool,
    pub extra_args: Vec<String>,

    /// Exactly these table-of-contents entries (dump ids from `info`).
    pub toc_entries: Option<Vec<i32>>,
    /// `SET ROLE` before restoring.
    pub role: Option<String>,
    pub verbose: bool,

    /// Back up the target first when the restore drops objects or goes into
    /// a database that is not empty.
    pub safety_backup: bool,
    /// Restore even though the file's SHA-256 no longer matches the catalog.
    pub ignore_checksum: bool,
    /// Restore into a new database, then swap it in for the target by
    /// renaming (the old one is kept under a dated name): all or nothing.
    pub swap: bool,
    /// Run a plain SQL script even though it holds psql commands pg_dump
    /// never writes (`\!`, `\copy`, `\o`, `COPY … PROGRAM`, …): only for a
    /// script the user wrote or trusts.
    pub allow_script_commands: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        Self {
            connection_id: String::new(),
            input_path: PathBuf::new(),
            target_database: None,
            create_database: false,
            schema_only: false,
            data_only: false,
            schemas: None,
            tables: None,
            clean: false,
            if_exists: true,
            no_owner: false,
            no_privileges: false,
            exit_on_error: true,
            single_transaction: true,
            // One job: pg_restore refuses parallel jobs inside a single
            // transaction, which is on by default.
            jobs: 1,
            disable_triggers: false,
            extra_args: Vec::new(),
            toc_entries: None,
            role: None,
            verbose: true,
            safety_backup: true,
            ignore_checksum: false,
            swap: false,
            allow_script_commands: false,
        }
    }
}

const MAX_JOBS: u8 = 64;

/// The compression a format starts with, as in pgAdmin: gzip 6 for the
/// archives that compress their data; none for tar (pg_dump cannot) and
/// for plain SQL, which stays a script anyone can open and run with psql.
pub fn default_compression(format: BackupFormat) -> u8 {
    match format {
        BackupFormat::Custom | BackupFormat::Directory => 6,
        BackupFormat::Tar | BackupFormat::Plain => 0,
    }
}

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::InvalidOptions(message.into())
}

impl BackupOptions {
    /// The file name extension these options write: `backup`, `backup.zst`,
    /// `sql`, `tar`, or none for a directory.
    pub fn file_extension(&self) -> &'static str {
        match (self.format, self.compression_method) {
            (BackupFormat::Custom, CompressionMethod::Zstd) => "backup.zst",
            (BackupFormat::Plain, _) if self.compression > 0 => "sql.gz",
            (format, _) => format.default_extension(),
        }
    }

    /// Checks that need no server: contradictions, ranges, the output path.
    pub fn validate(&self) -> Result<(), EngineError> {
        if self.output_path.as_os_str().is_empty() {
            return Err(invalid(
                "choose where to save the backup: the output path is empty",
            ));
        }
        if !self.include_schema && !self.include_data {
            return Err(invalid(
                "schema-only and data-only together leave nothing to back up: keep the schema, the data, or both",
            ));
        }
        match self.compression_method {
            CompressionMethod::Gzip if self.compression > 9 => {
                return Err(invalid(format!(
                    "compression level {} is out of range: use 0 (none) to 9 (smallest)",
                    self.compression
                )));
            }
            CompressionMethod::Zstd if self.format != BackupFormat::Custom => {
                return Err(invalid(format!(
                    "zstd compression is for the custom format, not {}: choose the custom format, or gzip",
                    self.format.as_str()
                )));
            }
            CompressionMethod::Zstd if !(1..=19).contains(&self.compression) => {
                return Err(invalid(format!(
                    "zstd level {} is out of range: use 1 (fastest) to 19 (smallest)",
                    self.compression
                )));
            }
            _ => {}
        }
        if self.format == BackupFormat::Plain
            && self.compression > 0
            && !has_gz_name(&self.output_path)
        {
            return Err(invalid(format!(
                "a compressed plain backup is a gzip file, not a script psql can run: name it {}.gz, or set compression to 0",
                self.output_path.display()
            )));
        }
        if self.format == BackupFormat::Tar && self.compression > 0 {
            return Err(invalid(
                "the tar format cannot be compressed by pg_dump: set compression to 0, or use the custom or directory format",
            ));
        }
        if self.jobs == 0 || self.jobs > MAX_JOBS {
            return Err(invalid(format!(
                "{} parallel jobs is out of range: use 1 to {MAX_JOBS}",
                self.jobs
            )));
        }
        self.validate_content()?;
        check_extra_args(Tool::PgDump, &self.extra_args)?;
        check_patterns("schema", self.schemas.iter().flatten())?;
        check_patterns("table", self.tables.iter().flatten())?;
        check_patterns("excluded table", &self.exclude_tables)?;
        check_patterns("table to leave data out of", &self.exclude_table_data)?;
        check_name("encoding", self.encoding.as_deref())?;
        check_name("role", self.role.as_deref())?;
        self.validate_output_path()
    }

    fn validate_content(&self) -> Result<(), EngineError> {
        let partial = !self.include_schema || !self.include_data;
        if partial && !self.sections.is_empty() {
            return Err(invalid(
                "choose either sections or schema-only/data-only, not both",
            ));
        }
        if !self.include_schema && (self.clean || self.create) {
            return Err(invalid(
                "a data-only backup has no DROP or CREATE statements: turn off clean/create or include the schema",
            ));
        }
        if self.if_exists && !self.clean {
            return Err(invalid(
                "IF EXISTS only applies to clean: turn on clean, or turn off IF EXISTS",
            ));
        }
        if self.insert_mode == InsertMode::Copy {
            if self.rows_per_insert.is_some() {
                return Err(invalid(
                    "rows per INSERT needs INSERT statements: choose inserts or column inserts",
                ));
            }
            if self.on_conflict_do_nothing {
                return Err(invalid("ON CONFLICT DO NOTHING needs INSERT statements: choose inserts or column inserts"));
            }
        }
        if self.rows_per_insert == Some(0) {
            return Err(invalid("rows per INSERT must be at least 1"));
        }
        Ok(())
    }

    fn validate_output_path(&self) -> Result<(), EngineError> {
        let path = &self.output_path;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if parent.exists() && !parent.is_dir() {
            return Err(invalid(format!(
                "{} is a file, not a folder: choose a folder to save the backup in",
                parent.display()
            )));
        }
        if !parent.is_dir() {
            return Err(invalid(format!(
                "the folder {} does not exist: create it or choose another location",
                parent.display()
            )));
        }
        if self.format == BackupFormat::Directory {
            if path.is_file() {
                return Err(invalid(format!(
                    "{} is a file; the directory format needs a folder path",
                    path.display()
                )));
            }
            let non_empty = std::fs::read_dir(path)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if non_empty {
                return Err(invalid(format!(
                    "the folder {} is not empty: the directory format needs a new or empty folder",
                    path.display()
                )));
            }
        } else if path.is_dir() {
            return Err(invalid(format!(
                "{} is a folder; the {} format writes a single file: add a file name",
                path.display(),
                self.format.as_str()
            )));
        } else if path.exists() && !self.overwrite {
            return Err(invalid(format!(
                "{} already exists: choose another name or allow overwriting",
                path.display()
            )));
        }
        Ok(())
    }
}

fn has_gz_name(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

impl RestoreOptions {
    /// Checks that need neither server nor archive contents.
    pub fn validate(&self) -> Result<(), EngineError> {
        if self.input_path.as_os_str().is_empty() {
            return Err(invalid(
                "choose a backup to restore: the input path is empty",
            ));
        }
        if self.schema_only && self.data_only {
            return Err(invalid(
                "schema-only and data-only together restore nothing: choose one, or neither",
            ));
        }
        if self.clean && self.data_only {
            return Err(invalid(
                "clean drops and recreates objects, which a data-only restore does not create: turn off one of them",
            ));
        }
        if self.jobs == 0 || self.jobs > MAX_JOBS {
            return Err(invalid(format!(
                "{} parallel jobs is out of range: use 1 to {MAX_JOBS}",
                self.jobs
            )));
        }
        if self.jobs > 1 && self.single_transaction {
            return Err(invalid(
                "pg_restore cannot run parallel jobs inside a single transaction: set jobs to 1 or turn off single transaction",
            ));
        }
        if self.create_database && self.target_database.as_deref().unwrap_or("").is_empty() {
            return Err(invalid("name the new database to create"));
        }
        if self.tables.is_some() && self.toc_entries.is_some() {
            return Err(invalid(
                "choose either tables or table-of-contents entries, not both",
            ));
        }
        if self.swap {
            if self.create_database {
                return Err(invalid(
                    "swap replaces an existing database: turn off create database, or turn off swap",
                ));
            }
            if self.data_only
                || self.schema_only
                || self.tables.is_some()
                || self.schemas.is_some()
                || self.toc_entries.is_some()
            {
                return Err(invalid(
                    "swap replaces the whole database with the backup, so it needs a full restore: restore everything, or turn off swap",
                ));
            }
            if self.clean {
                return Err(invalid(
                    "swap restores into a new, empty database: clean is not needed, turn it off",
                ));
            }
        }
        check_name("target database", self.target_database.as_deref())?;
        check_name("role", self.role.as_deref())?;
        check_patterns("schema", self.schemas.iter().flatten())?;
        check_patterns("table", self.tables.iter().flatten())?;
        check_extra_args(Tool::PgRestore, &self.extra_args)
    }

    /// Checks that depend on the archive's format.
    pub fn validate_for(&self, format: BackupFormat) -> Result<(), EngineError> {
        if self.jobs > 1 && format == BackupFormat::Tar {
            return Err(invalid(
                "pg_restore cannot restore a tar archive with parallel jobs: set jobs to 1",
            ));
        }
        if self.jobs > 1 && format == BackupFormat::Plain {
            return Err(invalid(
                "a plain SQL script is restored by psql over one connection: set jobs to 1",
            ));
        }
        if format == BackupFormat::Plain {
            let selective =
                self.schemas.is_some() || self.tables.is_some() || self.toc_entries.is_some();
            if selective || self.schema_only || self.data_only || self.clean {
                return Err(invalid(
                    "a plain SQL script is run as a whole: choosing objects, schema/data-only and clean need a custom, directory or tar archive",
                ));
            }
            // psql runs the script as it is: what only pg_restore can do is
            // refused, never silently left out.
            let archive_only = [
                (self.no_owner, "no owner"),
                (self.no_privileges, "no privileges"),
                (self.disable_triggers, "disable triggers"),
                (!self.extra_args.is_empty(), "extra pg_restore arguments"),
            ];
            let asked: Vec<&str> = archive_only
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, name)| *name)
                .collect();
            if !asked.is_empty() {
                return Err(invalid(format!(
                    "a plain SQL script is run by psql exactly as it was written, so {} cannot apply to it: turn {} off, or make the backup in the custom format (with --no-owner or --no-privileges if that is what you need)",
                    asked.join(", "),
                    if asked.len() == 1 { "it" } else { "them" }
                )));
            }
        }
        Ok(())
    }
}

/// Which tool extra arguments are meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    PgDump,
    PgRestore,
}

/// Options that would send output or the connection elsewhere, or that have a
/// field of their own.
const REDIRECTING: &[(char, &str, &str)] = &[
    ('f', "--file", "output goes to the chosen output path"),
    ('d', "--dbname", "the connection decides the database"),
    ('h', "--host", "the connection decides the host"),
    ('p', "--port", "the connection decides the port"),
    ('U', "--username", "the connection decides the user"),
    ('W', "--password", "the password comes from the connection"),
    ('F', "--format", "use the format option"),
    ('j', "--jobs", "use the parallel jobs option"),
    ('Z', "--compress", "use the compression option"),
    ('l', "--list", "Tusk reads the archive's contents itself"),
    (
        'L',
        "--use-list",
        "choose objects with the table-of-contents option",
    ),
];

/// pg_restore options that change which database is touched, or what is
/// dropped: the pre-flight and the safety backup have to know about them.
const RESTORE_ONLY: &[(char, &str, &str)] = &[
    (
        'C',
        "--create",
        "use the create-database option: with it pg_restore would work in the database named in the archive",
    ),
    (
        'c',
        "--clean",
        "use the clean option, so the pre-flight lists what is dropped and a safety backup is taken",
    ),
];

/// The short options as getopt reads them (PostgreSQL 12–17): a letter
/// followed by `:` takes a value, glued on or as the next argument.
fn short_options(tool: Tool) -> &'static str {
    match tool {
        Tool::PgDump => "abBcCd:e:E:f:F:h:j:n:N:Op:RsS:t:T:U:vwWxZ:",
        Tool::PgRestore => "acCd:ef:F:h:I:j:lL:n:N:Op:P:RsS:t:T:U:vwWx1",
    }
}

/// Long options of pg_dump / pg_restore that take a separate value.
const TAKES_VALUE: &[&str] = &[
    "--schema",
    "--exclude-schema",
    "--table",
    "--exclude-table",
    "--exclude-table-data",
    "--encoding",
    "--lock-wait-timeout",
    "--section",
    "--rows-per-insert",
    "--role",
    "--snapshot",
    "--extra-float-digits",
    "--include-foreign-data",
    "--superuser",
    "--index",
    "--function",
    "--trigger",
    "--filter",
    "--table-and-children",
    "--exclude-table-and-children",
    "--exclude-table-data-and-children",
    "--exclude-database",
];

/// Refuses extra arguments that redirect output or the connection, and stray
/// words that pg_dump would read as a database name. Arguments are read as
/// getopt reads them: bundled letters (`-vf x`, `-vfx`) and abbreviated long
/// names (`--fil=x`) are caught too.
pub fn check_extra_args(tool: Tool, args: &[String]) -> Result<(), EngineError> {
    let blocked: Vec<&(char, &str, &str)> = match tool {
        Tool::PgDump => REDIRECTING.iter().collect(),
        Tool::PgRestore => REDIRECTING.iter().chain(RESTORE_ONLY).collect(),
    };
    let refuse = |arg: &str, (_, long, why): &(char, &str, &str)| {
        Err(invalid(format!(
            "extra argument `{arg}` is not allowed ({long}): {why}"
        )))
    };
    let tool_name = match tool {
        Tool::PgDump => "pg_dump",
        Tool::PgRestore => "pg_restore",
    };
    let shorts = short_options(tool);
    let mut expects_value = false;
    for arg in args {
        if expects_value {
            expects_value = false;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or_default();
            if name.is_empty() {
                return Err(invalid(format!(
                    "extra argument `{arg}` is not allowed: it ends the options, and {tool_name} would read what follows as a database or file name"
                )));
            }
            // getopt takes any unambiguous abbreviation of a long name.
            if let Some(b) = blocked.iter().find(|(_, l, _)| l[2..].starts_with(name)) {
                return refuse(arg, b);
            }
            expects_value = !long.contains('=') && TAKES_VALUE.contains(&arg.as_str());
            continue;
        }
        let letters = match arg.strip_prefix('-') {
            Some(letters) if !letters.is_empty() => letters,
            _ => {
                return Err(invalid(format!(
                    "extra argument `{arg}` is not an option: {tool_name} would read it as a database or file name; give options only"
                )))
            }
        };
        for (i, c) in letters.char_indices() {
            if let Some(b) = blocked.iter().find(|(short, _, _)| *short == c) {
                return refuse(arg, b);
            }
            let takes_value = shorts
                .find(c)
                .is_some_and(|at| shorts[at + c.len_utf8()..].starts_with(':'));
            if takes_value {
                // The rest of the word is the value, or else the next argument.
                expects_value = i + c.len_utf8() == letters.len();
                break;
            }
        }
    }
    if expects_value {
        return Err(invalid(format!(
            "extra argument `{}` needs a value after it",
            args.last().map(String::as_str).unwrap_or_default()
        )));
    }
    Ok(())
}

fn check_patterns<'a>(
    what: &str,
    patterns: impl IntoIterator<Item = &'a String>,
) -> Result<(), EngineError> {
    for p in patterns {
        if p.trim().is_empty() {
            return Err(invalid(format!(
                "an empty {what} name was given: remove it or type a name"
            )));
        }
        if p.contains('\0') {
            return Err(invalid(format!(
                "the {what} name `{}` contains a NUL byte",
                p.escape_debug()
            )));
        }
    }
    Ok(())
}

fn check_name(what: &str, value: Option<&str>) -> Result<(), EngineError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(invalid(format!(
            "the {what} is empty: remove it or type a name"
        ))),
        Some(v) if v.contains('\0') => Err(invalid(format!("the {what} contains a NUL byte"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_defaults() {
        let opts = BackupOptions::default();
        assert_eq!(opts.format, BackupFormat::Custom);
        assert_eq!(opts.compression, 6);
        assert!(opts.include_schema);
        assert!(opts.include_data);
        assert_eq!(opts.jobs, 4);
        let opts = RestoreOptions::default();
        assert!(!opts.schema_only);
        assert!(!opts.data_only);
        assert!(!opts.clean);
        assert!(opts.if_exists);
        assert!(opts.exit_on_error);
        assert!(opts.single_transaction);
    }

    #[test]
    fn seed_wire_shape_deserialises_with_defaults() {
        let o: RestoreOptions = serde_json::from_str(
            r#"{"connectionId":"test-conn","inputPath":"/tmp/backup.dump","clean":false,"noOwner":true,"exitOnError":true,"jobs":4}"#,
        )
        .unwrap();
        assert!(o.no_owner);
        assert_eq!(o.jobs, 4);
        let b: BackupOptions =
            serde_json::from_str(r#"{"outputPath":"/tmp/x","format":"directory","compression":1}"#)
                .unwrap();
        assert_eq!(b.format, BackupFormat::Directory);
    }

    fn refused_backup(change: impl FnOnce(&mut BackupOptions), needle: &str) {
        let dir = tempfile::tempdir().unwrap();
        let mut o = BackupOptions {
            output_path: dir.path().join("x.backup"),
            ..Default::default()
        };
        change(&mut o);
        let err = o.validate().expect_err(needle).to_string();
        assert!(err.contains(needle), "expected `{needle}` in `{err}`");
    }

    fn refused_restore(change: impl FnOnce(&mut RestoreOptions), needle: &str) {
        let mut o = RestoreOptions {
            input_path: "/tmp/x.backup".into(),
            ..Default::default()
        };
        change(&mut o);
        let err = o.validate().expect_err(needle).to_string();
        assert!(err.contains(needle), "expected `{needle}` in `{err}`");
    }

    #[test]
    fn contradictory_backups_are_refused() {
        refused_backup(
            |o| {
                o.include_schema = false;
                o.include_data = false;
            },
            "leave nothing to back up",
        );
        refused_backup(
            |o| o.compression = 10,
            "compression level 10 is out of range",
        );
        refused_backup(
            |o| o.format = BackupFormat::Tar,
            "tar format cannot be compressed",
        );
        refused_backup(
            |o| {
                o.compression_method = CompressionMethod::Zstd;
                o.format = BackupFormat::Directory;
            },
            "zstd compression is for the custom format",
        );
        for level in [0, 20] {
            refused_backup(
                |o| {
                    o.compression_method = CompressionMethod::Zstd;
                    o.compression = level;
                },
                &format!("zstd level {level} is out of range: use 1 (fastest) to 19"),
            );
        }
        refused_backup(|o| o.jobs = 0, "0 parallel jobs");
        refused_backup(|o| o.jobs = 65, "65 parallel jobs");
        refused_backup(|o| o.output_path = PathBuf::new(), "output path is empty");
        refused_backup(
            |o| {
                o.include_schema = false;
                o.clean = true;
            },
            "data-only backup has no DROP",
        );
        refused_backup(|o| o.if_exists = true, "IF EXISTS only applies to clean");
        refused_backup(|o| o.rows_per_insert = Some(100), "needs INSERT statements");
        refused_backup(
            |o| o.on_conflict_do_nothing = true,
            "needs INSERT statements",
        );
        refused_backup(
            |o| {
                o.include_data = false;
                o.sections = vec![DumpSection::Data];
            },
            "either sections or schema-only",
        );
        refused_backup(
            |o| o.extra_args = vec!["-j".into(), "4".into()],
            "use the parallel jobs option",
        );
        refused_backup(
            |o| o.extra_args = vec!["--file=/tmp/y".into()],
            "`--file=/tmp/y` is not allowed",
        );
        refused_backup(
            |o| o.extra_args = vec!["-U".into(), "root".into()],
            "connection decides the user",
        );
        refused_backup(|o| o.extra_args = vec!["--schema".into()], "needs a value");
        refused_backup(|o| o.extra_args = vec!["-n".into()], "needs a value");
        refused_backup(|o| o.schemas = Some(vec![" ".into()]), "empty schema name");
        refused_backup(|o| o.encoding = Some("".into()), "encoding is empty");
    }

    #[test]
    fn contradictory_restores_are_refused() {
        refused_restore(
            |o| {
                o.schema_only = true;
                o.data_only = true;
            },
            "restore nothing",
        );
        refused_restore(|o| o.jobs = 2, "parallel jobs inside a single transaction");
        refused_restore(|o| o.jobs = 0, "0 parallel jobs");
        refused_restore(
            |o| {
                o.clean = true;
                o.data_only = true;
            },
            "data-only restore does not create",
        );
        refused_restore(|o| o.create_database = true, "name the new database");
        refused_restore(|o| o.input_path = PathBuf::new(), "input path is empty");
        refused_restore(
            |o| {
                o.tables = Some(vec!["t".into()]);
                o.toc_entries = Some(vec![1]);
            },
            "either tables or table-of-contents",
        );
        refused_restore(
            |o| o.extra_args = vec!["-d".into(), "other".into()],
            "connection decides the database",
        );
        let parallel = RestoreOptions {
            jobs: 2,
            single_transaction: false,
            ..Default::default()
        };
        let err = parallel
            .validate_for(BackupFormat::Tar)
            .unwrap_err()
            .to_string();
        assert!(err.contains("tar archive with parallel jobs"), "{err}");
        let err = parallel
            .validate_for(BackupFormat::Plain)
            .unwrap_err()
            .to_string();
        assert!(err.contains("psql over one connection"), "{err}");
    }

    #[test]
    fn extra_arguments_are_read_as_getopt_reads_them() {
        let check = |tool, args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            check_extra_args(tool, &args).map_err(|e| e.to_string())
        };
        // Bundled letters and glued values.
        let e = check(Tool::PgDump, &["-vf/tmp/x"]).unwrap_err();
        assert!(e.contains("`-vf/tmp/x` is not allowed (--file)"), "{e}");
        let e = check(Tool::PgRestore, &["-vdprod"]).unwrap_err();
        assert!(e.contains("(--dbname)"), "{e}");
        assert!(check(Tool::PgDump, &["-vx", "-Tfoo", "-n", "public"]).is_ok());
        // A glued value is not read as more letters: -t with the table "fdh".
        assert!(check(Tool::PgDump, &["-tfdh"]).is_ok());
        assert!(check(Tool::PgDump, &["-vn"])
            .unwrap_err()
            .contains("needs a value"));
        // Abbreviated long names.
        let e = check(Tool::PgDump, &["--fil=/tmp/x"]).unwrap_err();
        assert!(e.contains("(--file)"), "{e}");
        let e = check(Tool::PgRestore, &["--db", "prod"]).unwrap_err();
        assert!(e.contains("(--dbname)"), "{e}");
        assert!(check(
            Tool::PgRestore,
            &["--use-set-session-authorization", "--no-owner"]
        )
        .is_ok());
        // What the pre-flight must see goes through the options.
        for arg in ["-C", "--create", "-c", "--cle", "-vc"] {
            assert!(check(Tool::PgRestore, &[arg]).is_err(), "{arg}");
        }
        assert!(check(Tool::PgDump, &["--create", "--clean"]).is_ok());
        assert!(check(Tool::PgDump, &["--", "x"])
            .unwrap_err()
            .contains("ends the options"));
        assert!(check(Tool::PgDump, &["-"])
            .unwrap_err()
            .contains("not an option"));
    }

    #[test]
    fn fast_preset() {
        let mut o = BackupOptions::default();
        BackupPreset::Fast.apply(&mut o);
        assert_eq!(o.format, BackupFormat::Custom);
        assert_eq!(o.compression, 1);
        assert_eq!(o.compression_method, CompressionMethod::Zstd);
        o.output_path = std::env::temp_dir().join("tusk-fast-preset-check.backup.zst");
        o.validate().unwrap();
        BackupPreset::Standard.apply(&mut o);
        assert_eq!(o.compression_method, CompressionMethod::Gzip);
        assert_eq!(o.compression, 6);
    }
}
