//! `tusk restore`: a guarded restore (checksum, pre-flight, safety backup or
//! swap), confirmed with `--yes` when it replaces data.

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::commands::keys::DecryptArgs;
use crate::config::Config;
use crate::render::{self, Reporter};
use crate::{exit, outcome_code};
use clap::Args;
use std::path::PathBuf;
use tusk_engine::crypt::Decrypt;
use tusk_engine::restore::guarded::{
    prepare_guarded_restore, prepare_guarded_streamed, GuardedRestore,
};
use tusk_engine::restore::remote::{fetch_backup, Fetched};
use tusk_engine::restore::stream::{open_encrypted_file, open_stream, Streamable};
use tusk_engine::storage::Bucket;
use tusk_engine::{EngineError, RestoreOptions, ToolSearch};

#[derive(Args)]
pub struct RestoreArgs {
    /// Backup file or directory, or a backup in a bucket as DEST:KEY (see
    /// `tusk list --dest DEST`).
    input: PathBuf,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    keys: DecryptArgs,
    #[command(flatten)]
    conn: ConnArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Restore into this database instead of the connection's.
    #[arg(long)]
    target_db: Option<String>,
    /// Create the target database first (it must not exist).
    #[arg(long, requires = "target_db")]
    create_db: bool,
    /// Create the database named in the backup, with its own properties
    /// (pg_restore --create; it must not exist). Runs outside a single
    /// transaction, which CREATE DATABASE cannot be part of; on failure the
    /// database is removed again.
    #[arg(long, conflicts_with_all = ["target_db", "create_db", "clean"])]
    create: bool,
    #[arg(long, conflicts_with = "data_only")]
    schema_only: bool,
    #[arg(long)]
    data_only: bool,
    /// Restore only this section (repeatable).
    #[arg(long = "section", value_enum)]
    sections: Vec<super::backup::SectionArg>,
    /// Restore only this schema (repeatable).
    #[arg(short = 'n', long = "schema")]
    schemas: Vec<String>,
    /// Leave this schema out (repeatable).
    #[arg(short = 'N', long = "exclude-schema")]
    exclude_schemas: Vec<String>,
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
    /// Parallel jobs (single transaction is then off, and the plan says so;
    /// not for tar or plain SQL).
    #[arg(short = 'j', long)]
    jobs: Option<u8>,
    #[arg(long)]
    disable_triggers: bool,
    #[arg(long)]
    no_tablespaces: bool,
    #[arg(long)]
    no_comments: bool,
    #[arg(long)]
    no_publications: bool,
    #[arg(long)]
    no_subscriptions: bool,
    #[arg(long)]
    no_security_labels: bool,
    /// pg_restore 15+.
    #[arg(long)]
    no_table_access_method: bool,
    /// pg_restore 18+.
    #[arg(long)]
    no_policies: bool,
    /// Leave the backup's planner statistics out (pg_restore 18+).
    #[arg(long)]
    no_statistics: bool,
    /// A table that fails to be created gets no data.
    #[arg(long)]
    no_data_for_failed_tables: bool,
    #[arg(long)]
    use_set_session_authorization: bool,
    #[arg(long)]
    enable_row_security: bool,
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
    /// From a whole-server backup: restore only this database (repeatable).
    #[arg(long = "database")]
    databases: Vec<String>,
    /// From a whole-server backup: leave its roles and tablespaces out.
    #[arg(long)]
    no_globals: bool,
}

impl RestoreArgs {
    fn options(&self, input: PathBuf) -> RestoreOptions {
        let d = RestoreOptions::default();
        RestoreOptions {
            input_path: input,
            target_database: self.target_db.clone(),
            create_database: self.create_db,
            create_from_archive: self.create,
            schema_only: self.schema_only,
            data_only: self.data_only,
            sections: self.sections.iter().map(|s| s.section()).collect(),
            schemas: non_empty(&self.schemas),
            exclude_schemas: self.exclude_schemas.clone(),
            tables: non_empty(&self.tables),
            toc_entries: (!self.toc_entries.is_empty()).then(|| self.toc_entries.clone()),
            clean: self.clean,
            if_exists: !self.no_if_exists,
            no_owner: self.no_owner,
            no_privileges: self.no_privileges,
            exit_on_error: !self.no_exit_on_error,
            // Not asked for: on, unless parallel jobs rule it out (the plan says so).
            single_transaction: (self.no_single_transaction || self.create).then_some(false),
            jobs: self.jobs.unwrap_or(d.jobs),
            disable_triggers: self.disable_triggers,
            no_tablespaces: self.no_tablespaces,
            no_comments: self.no_comments,
            no_publications: self.no_publications,
            no_subscriptions: self.no_subscriptions,
            no_security_labels: self.no_security_labels,
            no_table_access_method: self.no_table_access_method,
            no_policies: self.no_policies,
            no_statistics: self.no_statistics,
            no_data_for_failed_tables: self.no_data_for_failed_tables,
            use_set_session_authorization: self.use_set_session_authorization,
            enable_row_security: self.enable_row_security,
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

pub async fn restore(
    a: RestoreArgs,
    config: &Config,
    search: &ToolSearch,
    catalog_path: Option<&std::path::Path>,
) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    if let Some(remote) = &a.conn.remote {
        err!("remote {}", config.describe_remote(remote));
    }
    let id = job_id(&a.out);
    if tusk_engine::cluster::restore::is_server_input(&a.input) {
        let input = a.input.clone();
        return whole_server(a, conn, &id, search, &input).await;
    }
    if let Some((name, key)) = in_bucket(&a.input) {
        let bucket = open_bucket(config, name, &a.secret)?;
        if let Some(fetched) = fetch_server_backup(&a, &bucket, key).await? {
            return whole_server(a, conn, &id, search, fetched.path()).await;
        }
    }
    if !a.databases.is_empty() || a.no_globals {
        return Err(EngineError::InvalidOptions(format!(
            "--database and --no-globals are for whole-server backups (tusk backup --server), and {} is not one",
            a.input.display()
        )));
    }
    let catalog = open_catalog_unless(a.no_catalog, catalog_path)?;
    // The downloaded or decrypted copies read live as long as the restore.
    let (guarded, _copies) = match in_bucket(&a.input) {
        Some((name, key)) => {
            let bucket = open_bucket(config, name, &a.secret)?;
            from_bucket(&a, &id, &conn, &bucket, key, search, catalog.as_ref()).await?
        }
        None => from_file(&a, &id, &conn, search, catalog.as_ref()).await?,
    };
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
    if let (Some(c), Some(_)) = (&catalog, &outcome.safety_backup) {
        crate::commands::retention::apply_after(c, config).await;
    }
    Ok(outcome_code(&outcome))
}

/// A restore of the backup at `key`: read as it downloads where that is
/// safe (see `tusk_engine::restore::stream`), else downloaded first,
/// checked against its .sha256.
async fn from_bucket(
    a: &RestoreArgs,
    id: &str,
    conn: &tusk_engine::ConnectionSpec,
    bucket: &Bucket,
    key: &str,
    search: &ToolSearch,
    catalog: Option<&tusk_engine::catalog::Catalog>,
) -> Result<(GuardedRestore, Copies), EngineError> {
    let location = bucket.location(key);
    let options = a.options(PathBuf::from(&location));
    let check = !a.ignore_checksum;
    let decrypt = match open_stream(bucket, key, &options, check, a.keys.key()?).await? {
        Streamable::Streamed(streamed) => {
            if !a.out.json {
                err!(
                    "reading {location} as it downloads, {}",
                    if streamed.checks() {
                        "checked against its .sha256 before pg_restore reads its end"
                    } else {
                        "unchecked (--ignore-checksum)"
                    }
                );
            }
            let guarded =
                prepare_guarded_streamed(id, conn, &options, search, catalog, &streamed).await?;
            return Ok((guarded, (None, None)));
        }
        Streamable::Download { why, decrypt } => {
            if !a.out.json {
                err!("downloading {location} first: {why} …");
            }
            decrypt
        }
    };
    let cancel = cancel_on_interrupt();
    let fetched = fetch_backup(bucket, key, check, &cancel, &|_| {}).await?;
    let local = Readable::of(fetched.path(), decrypt.as_ref())?;
    let options = a.options(local.path().to_path_buf());
    let guarded = prepare_guarded_restore(id, conn, &options, search, catalog).await?;
    Ok((guarded, (Some(fetched), Some(local))))
}

/// What a restore reads that must outlive it: a downloaded backup, a
/// decrypted copy.
type Copies = (Option<Fetched>, Option<Readable>);

/// A restore of a local backup: an encrypted one is decrypted as
/// pg_restore reads it where that is safe (its checksum is checked first,
/// as any local backup's), else into a private copy first.
async fn from_file(
    a: &RestoreArgs,
    id: &str,
    conn: &tusk_engine::ConnectionSpec,
    search: &ToolSearch,
    catalog: Option<&tusk_engine::catalog::Catalog>,
) -> Result<(GuardedRestore, Copies), EngineError> {
    let mut key = a.keys.key()?;
    if tusk_engine::crypt::is_encrypted(&a.input) {
        let options = a.options(a.input.clone());
        let shown = a.input.display();
        match open_encrypted_file(&a.input, Some(&options), key).await? {
            Streamable::Streamed(streamed) => {
                if !a.out.json {
                    err!("decrypting {shown} as pg_restore reads it");
                }
                let guarded =
                    prepare_guarded_streamed(id, conn, &options, search, catalog, &streamed)
                        .await?;
                return Ok((guarded, (None, None)));
            }
            Streamable::Download { why, decrypt } => {
                if !a.out.json {
                    err!("decrypting {shown} into a private copy first: {why} …");
                }
                key = decrypt;
            }
        }
    }
    let local = Readable::of(&a.input, key.as_ref())?;
    let options = a.options(local.path().to_path_buf());
    let guarded = prepare_guarded_restore(id, conn, &options, search, catalog).await?;
    Ok((guarded, (None, Some(local))))
}

/// A backup as pg_restore can read it: the file itself, or (encrypted) a
/// copy decrypted whole first, every chunk checked, so that a wrong key
/// or damaged data stops it before the pre-flight reads it.
enum Readable {
    File(PathBuf),
    Decrypted(tusk_engine::crypt::Decrypted),
}

impl Readable {
    fn of(path: &std::path::Path, key: Option<&Decrypt>) -> Result<Readable, EngineError> {
        Ok(if tusk_engine::crypt::is_encrypted(path) {
            Readable::Decrypted(tusk_engine::crypt::decrypt_backup(path, key)?)
        } else {
            Readable::File(path.to_path_buf())
        })
    }

    fn path(&self) -> &std::path::Path {
        match self {
            Readable::File(path) => path,
            Readable::Decrypted(d) => d.path(),
        }
    }
}

/// `DEST:KEY` when `input` names no local file.
fn in_bucket(input: &std::path::Path) -> Option<(&str, &str)> {
    if input.exists() {
        return None;
    }
    tusk_engine::storage::parse_location(input.to_str()?)
}

/// A whole-server backup (or a roles-and-tablespaces script) restored onto
/// the connection's server: the roles first, then each database created.
async fn whole_server(
    a: RestoreArgs,
    conn: tusk_engine::ConnectionSpec,
    id: &str,
    search: &ToolSearch,
    input: &std::path::Path,
) -> Result<u8, EngineError> {
    use tusk_engine::cluster::restore::{prepare_server_restore, ServerRestoreRequest};
    let request = ServerRestoreRequest {
        backup: input.to_path_buf(),
        databases: (!a.databases.is_empty()).then(|| a.databases.clone()),
        skip_globals: a.no_globals,
        jobs: a.jobs.unwrap_or(1),
        ignore_checksum: a.ignore_checksum,
    };
    let prepared = prepare_server_restore(id, &conn, &request, search).await?;
    if a.out.dry_run {
        render::server_restore_plan(&prepared.plan, a.out.json);
        return Ok(exit::OK);
    }
    let reporter = Reporter::new(a.out.json, "Restoring the server");
    if !a.out.json {
        render::server_restore_plan(&prepared.plan, false);
    }
    let cancel = cancel_on_interrupt();
    let outcome = prepared.run(&cancel, &|e| reporter.event(e)).await;
    reporter.finish(&outcome);
    Ok(outcome_code(&outcome))
}

/// A whole-server backup (a folder with `tusk-server.json`) or a roles
/// script in the bucket, downloaded and checked against the SHA-256
/// recorded beside it; `None` for any other backup.
async fn fetch_server_backup(
    a: &RestoreArgs,
    bucket: &Bucket,
    key: &str,
) -> Result<Option<Fetched>, EngineError> {
    let is_folder = bucket
        .keys(&format!("{key}/"))
        .await?
        .iter()
        .any(|(k, _)| k.ends_with("/tusk-server.json"));
    // A roles script says so in the manifest beside it.
    let roles_script = !is_folder
        && key.ends_with(".sql")
        && bucket
            .get_bytes(&tusk_engine::storage::bucket::manifest_key(key))
            .await
            .is_ok_and(|m| String::from_utf8_lossy(&m).contains("\"scope\": \"globals\""));
    if !is_folder && !roles_script {
        return Ok(None);
    }
    if !a.out.json {
        err!(
            "downloading {} first: a whole server is restored from local files …",
            bucket.location(key)
        );
    }
    let fetched = fetch_backup(
        bucket,
        key,
        !a.ignore_checksum,
        &cancel_on_interrupt(),
        &|_| {},
    )
    .await?;
    Ok(tusk_engine::cluster::restore::is_server_input(fetched.path()).then_some(fetched))
}
