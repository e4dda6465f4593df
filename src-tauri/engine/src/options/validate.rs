//! The checks that refuse contradictory or invalid options before anything
//! runs, and what the options write (file name extension).

use super::*;

impl BackupOptions {
    /// The file name extension these options write: `backup`, `backup.zst`,
    /// `sql`, `tar`, or none for a directory.
    pub fn file_extension(&self) -> String {
        match self.scope {
            BackupScope::Database => {}
            BackupScope::Server => return String::new(),
            BackupScope::Globals => return "sql".into(),
        }
        let ext = match (self.format, self.compression_method) {
            (BackupFormat::Custom, CompressionMethod::Zstd) => "backup.zst",
            (BackupFormat::Plain, _) if self.compression > 0 => "sql.gz",
            (format, _) => format.default_extension(),
        };
        if self.encryption.is_on() {
            format!("{ext}.age")
        } else {
            ext.to_string()
        }
    }

    /// Encryption needs one stream (not a folder of files) and its key.
    fn validate_encryption(&self) -> Result<(), EngineError> {
        match &self.encryption {
            Encryption::None => return Ok(()),
            Encryption::Passphrase => match &self.passphrase {
                None => {
                    return Err(invalid(
                        "an encrypted backup needs its passphrase: give it (from a file or standard input), or choose recipient keys instead",
                    ))
                }
                Some(p) if p.expose().chars().count() < 8 => {
                    return Err(invalid(
                        "the passphrase is shorter than 8 characters: choose a longer one (it is all that protects the backup)",
                    ))
                }
                Some(_) => {}
            },
            Encryption::Recipients { recipients } => {
                parse_recipients(recipients)?;
            }
        }
        if self.format == BackupFormat::Directory {
            return Err(invalid(
                "the directory format is a folder of files and cannot be encrypted as one: choose the custom, tar or plain format",
            ));
        }
        Ok(())
    }

    /// A server or globals backup: what pg_dumpall and a whole server allow.
    fn validate_server(&self) -> Result<(), EngineError> {
        let what = match self.scope {
            BackupScope::Database => return Ok(()),
            BackupScope::Server => "a whole-server backup",
            BackupScope::Globals => "a roles and tablespaces backup",
        };
        if self.encryption.is_on() {
            return Err(invalid(format!(
                "{what} cannot be encrypted yet: back it up unencrypted to a folder you trust, or encrypt each database's backup on its own"
            )));
        }
        if !(1..=8).contains(&self.server.parallel) {
            return Err(invalid(format!(
                "{} databases at once is out of range: use 1 to 8",
                self.server.parallel
            )));
        }
        let blank = |v: &[String]| v.iter().any(|p| p.trim().is_empty());
        if blank(&self.server.include_databases) || blank(&self.server.exclude_databases) {
            return Err(invalid(
                "a database name or pattern is empty: remove it, or type the database's name",
            ));
        }
        if self.scope == BackupScope::Globals {
            return Ok(());
        }
        if self.format == BackupFormat::Plain {
            return Err(invalid(
                "a whole-server backup keeps each database as an archive, so that one can be restored alone: choose the custom, directory or tar format",
            ));
        }
        if self.tables.is_some() || self.schemas.is_some() {
            return Err(invalid(
                "a whole-server backup takes whole databases: choose databases to include or leave out, not schemas or tables",
            ));
        }
        if self.server.globals != GlobalsContent::All {
            return Err(invalid(
                "a whole-server backup takes every global (roles and tablespaces): back up roles or tablespaces only as their own backup",
            ));
        }
        Ok(())
    }

    /// Checks that need no server: contradictions, ranges, the output path.
    pub fn validate(&self) -> Result<(), EngineError> {
        if self.output_path.as_os_str().is_empty() {
            return Err(invalid(
                "choose where to save the backup: the output path is empty",
            ));
        }
        if self.scope != BackupScope::Database {
            self.validate_server()?;
            if self.scope == BackupScope::Globals {
                return Ok(());
            }
        }
        if !self.include_schema && !self.include_data {
            return Err(invalid(
                "schema-only and data-only together leave nothing to back up: keep the schema, the data, or both",
            ));
        }
        self.validate_encryption()?;
        let method = self.compression_method;
        let levels = method.levels();
        let name = match method {
            CompressionMethod::Gzip => "compression level",
            CompressionMethod::Zstd | CompressionMethod::PgZstd => "zstd level",
            CompressionMethod::Lz4 => "lz4 level",
        };
        if method != CompressionMethod::Gzip && self.format == BackupFormat::Tar {
            return Err(invalid(
                "the tar format cannot be compressed by pg_dump: choose no compression, or the custom or directory format",
            ));
        }
        if method == CompressionMethod::Zstd && self.format != BackupFormat::Custom {
            return Err(invalid(format!(
                "Tusk's zstd is for the custom format, not {}: choose the custom format, or pg_dump's own zstd (PostgreSQL 16+)",
                self.format.as_str()
            )));
        }
        if matches!(method, CompressionMethod::PgZstd | CompressionMethod::Lz4)
            && self.format == BackupFormat::Plain
        {
            return Err(invalid(
                "a plain backup is compressed with gzip only, so that it stays a .sql.gz any tool opens: choose gzip, or the custom or directory format",
            ));
        }
        if !levels.contains(&self.compression) {
            return Err(invalid(format!(
                "{name} {} is out of range: use {} ({}) to {} (smallest)",
                self.compression,
                levels.start(),
                if *levels.start() == 0 {
                    "none"
                } else {
                    "fastest"
                },
                levels.end()
            )));
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
        check_patterns("excluded schema", &self.exclude_schemas)?;
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
        // Rows per INSERT implies INSERT statements, as in pg_dump.
        if self.insert_mode == InsertMode::Copy
            && self.rows_per_insert.is_none()
            && self.on_conflict_do_nothing
        {
            return Err(invalid("ON CONFLICT DO NOTHING needs INSERT statements: choose inserts, column inserts or rows per INSERT"));
        }
        if self.rows_per_insert == Some(0) {
            return Err(invalid("rows per INSERT must be at least 1"));
        }
        if let Some(digits) = self.extra_float_digits {
            if !(-15..=3).contains(&digits) {
                return Err(invalid(format!(
                    "extra float digits {digits} is out of range: use -15 to 3"
                )));
            }
        }
        if self.statistics == StatisticsMode::Only && partial {
            return Err(invalid(
                "statistics only leaves out the schema and the data already: turn off schema-only/data-only",
            ));
        }
        if self.statistics == StatisticsMode::Only && !self.sections.is_empty() {
            return Err(invalid(
                "choose either statistics only or sections, not both",
            ));
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

pub(super) fn has_gz_name(path: &std::path::Path) -> bool {
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
        if self.jobs > 1 && self.single_transaction() {
            return Err(invalid(
                "pg_restore cannot run parallel jobs inside a single transaction: set jobs to 1 or turn off single transaction",
            ));
        }
        if self.create_database && self.target_database.as_deref().unwrap_or("").is_empty() {
            return Err(invalid("name the new database to create"));
        }
        if self.create_from_archive {
            if self.create_database {
                return Err(invalid(
                    "choose one way to create the database: a new database you name, or the one named in the archive",
                ));
            }
            if self.single_transaction() {
                return Err(invalid(
                    "pg_restore cannot create the archive's database inside a single transaction (CREATE DATABASE cannot run in one): turn off single transaction",
                ));
            }
            if self.target_database.is_some() {
                return Err(invalid(
                    "creating the archive's database restores under the name the archive has: leave the target database empty, or create a new database you name",
                ));
            }
            if self.swap || self.clean {
                return Err(invalid(
                    "creating the archive's database makes a new database: turn off swap and clean",
                ));
            }
        }
        if !self.sections.is_empty() && (self.schema_only || self.data_only) {
            return Err(invalid(
                "choose either sections or schema-only/data-only, not both",
            ));
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
        check_patterns("excluded schema", &self.exclude_schemas)?;
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
            let selective = self.schemas.is_some()
                || self.tables.is_some()
                || self.toc_entries.is_some()
                || !self.exclude_schemas.is_empty()
                || !self.sections.is_empty();
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
                (self.no_tablespaces, "no tablespaces"),
                (self.no_comments, "no comments"),
                (self.no_publications, "no publications"),
                (self.no_subscriptions, "no subscriptions"),
                (self.no_security_labels, "no security labels"),
                (self.no_table_access_method, "no table access method"),
                (self.no_policies, "no policies"),
                (self.no_statistics, "no statistics"),
                (self.no_data_for_failed_tables, "no data for failed tables"),
                (
                    self.use_set_session_authorization,
                    "SET SESSION AUTHORIZATION",
                ),
                (self.enable_row_security, "row security"),
                (self.create_from_archive, "create the archive's database"),
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

/// The public keys of `Encryption::Recipients`, each checked.
pub fn parse_recipients(keys: &[String]) -> Result<Vec<age::x25519::Recipient>, EngineError> {
    if keys.is_empty() {
        return Err(EngineError::InvalidOptions(
            "encryption to recipients needs at least one age public key (age1…)".into(),
        ));
    }
    keys.iter()
        .map(|k| {
            <age::x25519::Recipient as std::str::FromStr>::from_str(k.trim()).map_err(|_| {
                EngineError::InvalidOptions(format!(
                    "`{}` is not an age public key: they begin with age1 (see `age-keygen -y KEYFILE`)",
                    k.trim()
                ))
            })
        })
        .collect()
}
