//! A restore: the archive read and the target checked first (versions, the
//! database, what clean would drop, other sessions); nothing touches the
//! target until that pre-flight has passed.

use crate::backup::{app_name, DDL_COST};
use crate::error::EngineError;
use crate::explain::{explain, ignored_errors, Explanation, FailureKind};
use crate::jobs::progress::{
    pg_restore_signal, ItemKind, Phase, Signal, Throttle, Tracker, WorkItem,
};
use crate::jobs::{
    run_tool, CancelHandle, EventSink, Input, JobEvent, JobOutcome, JobStatus, JobType, Output,
    Probe, RunResult, ToolRun,
};
use crate::options::{BackupFormat, RestoreOptions};
use crate::server::command::{pg_restore_args, psql_restore_args, shell_quote, CommandLine};
use crate::server::connection::{ConnectionSpec, ToolEnv};
use crate::server::tools::{discover, pick_reading, PgVersion, ToolChoice, ToolSearch};
use crate::server::{Server, ServerInfo};
use chrono::Utc;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use tusk_archive::{BackupInfo, DataLocation, Section, TocEntry};

mod compat;
pub mod guarded;
mod plan;
mod probe;
pub mod remote;
pub(crate) mod rows;
mod run;
pub mod stream;
mod swap;
mod unpack;

pub use swap::drop_incomplete_restore;

use plan::*;
use probe::*;
pub(crate) use run::checksum_refusal;
pub use run::TargetState;
use unpack::*;

/// Index builds and constraint checks cost this fraction of loading their
/// table's data, for a table of [`INDEX_REFERENCE`] bytes of data; more per
/// byte for larger tables (a sort outgrows maintenance_work_mem and spills
/// to disk): [`INDEX_GROWTH`] more per doubling. Measured with bench/: the
/// post-data work took 0.21 of the data load's time at 1× (two tables of
/// 194 MB) and 0.32 at 4×.
const INDEX_COST: f64 = 0.21;
const INDEX_REFERENCE: f64 = 194e6;
const INDEX_GROWTH: f64 = 0.25;

/// What building the indexes and constraints of a table with `data` bytes
/// costs, in bytes of data loaded.
fn index_cost(data: f64) -> f64 {
    let doublings = (data.max(1.0) / INDEX_REFERENCE).log2();
    INDEX_COST * data * (1.0 + INDEX_GROWTH * doublings).max(0.5)
}

/// Unpacking a zstd backup costs this fraction of loading its (unpacked)
/// data, measured the same way (0.43 s against 2.65 s, 2.25 s against 11.7 s).
const UNPACK_COST: f64 = 0.17;

/// Before a zstd backup is unpacked its data size is not known: this many
/// times the file's size stands in for it (2.6 in bench/).
const ZSTD_SIZE_GUESS: f64 = 2.5;

/// What the user should know before confirming a restore.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestorePreflight {
    pub server: ServerInfo,
    pub tool: ToolChoice,
    pub target_database: String,
    pub creates_database: bool,
    /// Other sessions connected to the target right now.
    pub active_connections: u64,
    /// Tables and other relations already in the target.
    pub existing_relations: u64,
    /// With clean: the archive objects that will be dropped first.
    pub will_drop: Vec<String>,
    pub warnings: Vec<String>,
    pub command: String,
}

pub struct PreparedRestore {
    pub id: String,
    pub options: RestoreOptions,
    pub info: BackupInfo,
    pub preflight: RestorePreflight,
    target: ConnectionSpec,
    maintenance: ConnectionSpec,
    env: ToolEnv,
    psql: PathBuf,
    command: CommandLine,
    input: Input,
    plan: Vec<WorkItem>,
    /// A zstd backup is unpacked here first: pg_restore reads this file.
    unpacked: Option<tempfile::TempPath>,
    /// The entries chosen, for the plan made once a zstd backup is unpacked.
    chosen: Option<Vec<i32>>,
    /// The SHA-256 a zstd backup must have, checked while it unpacks.
    expected_sha256: Option<String>,
    /// A backup read as it comes: bytes of it read so far, and its size.
    streamed: Option<(std::sync::Arc<std::sync::atomic::AtomicU64>, u64)>,
    /// What feeds pg_restore then, as a shell would say it.
    stream_shown: Option<String>,
    /// What writes the SQL psql runs, for an archive restored through psql
    /// or a script with a line left out (`compat`).
    script_shown: Option<String>,
    /// The archive is restored as SQL through psql (`compat`).
    via_script: bool,
    _list_file: Option<tempfile::NamedTempFile>,
}

pub async fn prepare_restore(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
) -> Result<PreparedRestore, EngineError> {
    options.validate()?;
    conn.validate()?;
    refuse_server_backup(&options.input_path)?;
    // A zstd backup: its table of contents now, its data sizes as it is
    // unpacked (one decompression in all).
    let info = tusk_archive::read_toc_info(&options.input_path)?;
    prepare_with(id, conn, options, search, info, None).await
}

/// A restore of a backup in a bucket that pg_restore reads as it downloads
/// (see [`stream`]); `options.input_path` is its `DEST:KEY`.
pub async fn prepare_streamed_restore(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
    streamed: &stream::Streamed,
) -> Result<PreparedRestore, EngineError> {
    options.validate()?;
    conn.validate()?;
    prepare_with(
        id,
        conn,
        options,
        search,
        streamed.info.clone(),
        Some(streamed),
    )
    .await
}

/// Whether `path` is restored as a whole server (`cluster::restore`): a
/// server backup's folder, or pg_dumpall's roles-and-tablespaces script
/// (its header, read from the first bytes only).
pub fn is_server_input(path: &std::path::Path) -> bool {
    path.join("tusk-server.json").is_file() || is_globals_script(path)
}

/// pg_dumpall's script: `-- PostgreSQL database cluster dump` at its head.
pub fn is_globals_script(path: &std::path::Path) -> bool {
    use std::io::Read;
    if !path.is_file() {
        return false;
    }
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    String::from_utf8_lossy(&head[..n])
        .lines()
        .take(4)
        .any(|l| l.trim() == "-- PostgreSQL database cluster dump")
}

/// A whole-server backup (or pg_dumpall's script) is restored as a server,
/// never as one database's backup.
fn refuse_server_backup(path: &std::path::Path) -> Result<(), EngineError> {
    if path.join("tusk-server.json").is_file() {
        return Err(EngineError::InvalidOptions(format!(
            "{} is a whole-server backup: restore it as a server (tusk restore FOLDER, or Restore… on it in the history), or one of its databases with --database NAME",
            path.display()
        )));
    }
    if is_globals_script(path) {
        return Err(EngineError::InvalidOptions(format!(
            "{} is pg_dumpall's script of roles and tablespaces: restore it as a server (tusk restore FILE, or the app's Restore, which recognise it), so that roles the server has are left as they are",
            path.display()
        )));
    }
    Ok(())
}

async fn prepare_with(
    id: &str,
    conn: &ConnectionSpec,
    options: &RestoreOptions,
    search: &ToolSearch,
    info: BackupInfo,
    streamed: Option<&stream::Streamed>,
) -> Result<PreparedRestore, EngineError> {
    options.validate_for(info.format)?;
    check_script(&info, options)?;
    let mut chosen = chosen_entries(&info, options)?;

    let found = discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let env = conn.tool_env(&app_name("restore", id))?;
    let target_name = if options.create_from_archive {
        info.database.clone().filter(|d| !d.is_empty()).ok_or_else(|| {
            EngineError::Preflight(
                "this backup does not name its database, so it cannot be created from it: create a new database you name instead".into(),
            )
        })?
    } else {
        options
            .target_database
            .clone()
            .unwrap_or_else(|| conn.effective_database())
    };
    let target = conn.with_database(&target_name);
    // A database that is created is created from the connection's own.
    let creates = options.create_database || options.create_from_archive;
    let maintenance = if creates {
        conn.clone()
    } else {
        target.clone()
    };
    let server_conn = Server::new(&psql, &maintenance, &env);
    let server = server_conn
        .info()
        .await
        .map_err(|e| missing_target_hint(e, &target_name))?;
    if creates && server_conn.database_exists(&target_name).await? {
        return Err(EngineError::Preflight(if options.create_from_archive {
            format!(
                "the database \"{target_name}\" named in the archive already exists: restore into it, or create a new database you name"
            )
        } else {
            format!(
                "the database \"{target_name}\" already exists: choose a new name, or restore into it without \"create database\""
            )
        }));
    }
    let tool_name = if info.format == BackupFormat::Plain {
        "psql"
    } else {
        "pg_restore"
    };
    let needed = match info.format {
        BackupFormat::Plain => 0,
        _ => crate::server::gates::reader_for_archive(info.archive_version.as_deref()),
    };
    let tool = pick_reading(&found, tool_name, Some(server.version), needed, search)?;
    check_archive_readable(&info, &tool)?;
    if info.format != BackupFormat::Plain {
        crate::server::gates::check_restore(options, &tool.tool)?;
    }
    let mut warnings = version_warnings(&info, &tool, &server);
    if options.single_transaction.is_none() && options.jobs > 1 {
        warnings.push(format!(
            "single transaction is off: pg_restore cannot run {} parallel jobs inside one transaction, so a restore that fails part way leaves what it restored so far (restore into a new database, or with swap, to keep the target all or nothing)",
            options.jobs
        ));
    }
    let compat = compat::check(&info, &tool, &server, options)?;
    warnings.extend(compat.warnings.iter().cloned());
    // Statistics an older server cannot load: pg_restore 18 leaves them out
    // itself; an older one reading an 18 archive is given the list without.
    let without_statistics;
    let options = if !compat.drop_statistics.is_empty() && tool.tool.version.major() >= 18 {
        without_statistics = RestoreOptions {
            no_statistics: true,
            ..options.clone()
        };
        &without_statistics
    } else {
        options
    };
    if !compat.drop_statistics.is_empty() && tool.tool.version.major() < 18 {
        let ids = chosen
            .take()
            .unwrap_or_else(|| info.entries.iter().map(|e| e.id).collect());
        chosen = Some(
            ids.into_iter()
                .filter(|id| !compat.drop_statistics.contains(id))
                .collect(),
        );
    }

    warnings.extend(missing_on_target(&server_conn, &info, options, chosen.as_ref()).await?);

    let (active_connections, existing_relations) = if creates {
        (0, 0)
    } else {
        (
            server_conn.active_connections(&target_name).await?,
            server_conn.user_table_count().await?,
        )
    };
    if active_connections > 0 {
        warnings.push(format!(
            "{active_connections} other session(s) are connected to \"{target_name}\"; they may block or see a half-restored database"
        ));
    }
    if existing_relations > 0 && !options.clean && !options.data_only {
        warnings.push(format!(
            "\"{target_name}\" already has {existing_relations} table(s) or other relations: objects that exist will fail to restore. Use clean, or restore into a new database"
        ));
    }
    if options.tables.is_some() || options.toc_entries.is_some() {
        let existing = if creates {
            vec!["public".to_string()]
        } else {
            server_conn.schemas().await?
        };
        add_missing_schemas(&info, chosen.as_mut(), &existing);
    }
    let will_drop = if options.clean {
        drop_list(&info, chosen.as_ref())
    } else {
        Vec::new()
    };

    let list_file = match &chosen {
        Some(ids) => Some(write_list_file(&info, ids)?),
        None => None,
    };
    let unpacked = if info.zstd && streamed.is_none() {
        Some(unpack_place(&info)?)
    } else {
        None
    };
    let input_path = unpacked.as_deref().unwrap_or(&options.input_path);
    // pg_restore --create connects elsewhere and makes the database.
    let connect_to = if options.create_from_archive {
        &maintenance
    } else {
        &target
    };
    let list_path = list_file.as_ref().map(|f| f.path());
    let (mut command, mut input) = restore_command(
        &tool,
        connect_to,
        options,
        &info,
        streamed.is_none().then_some(input_path),
        list_path,
    );
    if let Some(streamed) = streamed {
        input = streamed
            .input()
            .map_err(|e| EngineError::Io(format!("cannot read {}: {e}", streamed.location())))?;
    }
    let mut script_shown = None;
    if compat.via_script {
        let source = match std::mem::replace(&mut input, Input::Null) {
            Input::Reader(reader) => Some(
                reader
                    .into_inner()
                    .map_err(|_| EngineError::Io("the backup's reader was lost".into()))?,
            ),
            _ => None,
        };
        let args =
            compat::script_args(options, streamed.is_none().then_some(input_path), list_path);
        script_shown = Some(
            std::iter::once(tool.tool.path.display().to_string())
                .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
                .map(|a| shell_quote(&a))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let script = compat::ArchiveScript::new(tool.tool.path.clone(), args, source);
        input = Input::Reader(std::sync::Mutex::new(Box::new(
            compat::WithoutTimeout::new(std::io::BufReader::new(script)),
        )));
        command = CommandLine {
            program: psql.clone(),
            args: psql_restore_args(connect_to, options, None),
        };
    } else if compat.filter_plain {
        let file = std::fs::File::open(&options.input_path)
            .map_err(|e| EngineError::Io(format!("cannot read {}: {e}", info.path.display())))?;
        let script: Box<dyn std::io::Read + Send> = if info.gzipped_plain {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        input = Input::Reader(std::sync::Mutex::new(Box::new(
            compat::WithoutTimeout::new(std::io::BufReader::with_capacity(256 * 1024, script)),
        )));
        command = CommandLine {
            program: tool.tool.path.clone(),
            args: psql_restore_args(connect_to, options, None),
        };
        script_shown = Some(format!(
            "{} {}",
            if info.gzipped_plain {
                "gzip -dc"
            } else {
                "cat"
            },
            shell_quote(&options.input_path.display().to_string())
        ));
    }
    let plan = if streamed.is_some() || compat.via_script {
        streamed_plan(&info)
    } else if info.zstd {
        guessed_zstd_plan(&info)
    } else {
        restore_plan(&info, options, chosen.as_ref())
    };
    let preflight = RestorePreflight {
        server,
        tool,
        target_database: target_name,
        creates_database: creates,
        active_connections,
        existing_relations,
        will_drop,
        warnings,
        command: String::new(),
    };
    let mut prepared = PreparedRestore {
        id: id.to_string(),
        options: options.clone(),
        info,
        preflight,
        target,
        maintenance,
        env,
        psql,
        command,
        input,
        plan,
        unpacked,
        chosen,
        expected_sha256: None,
        streamed: streamed.map(stream::Streamed::progress),
        stream_shown: streamed.map(stream::Streamed::describe),
        script_shown,
        via_script: compat.via_script,
        _list_file: list_file,
    };
    prepared.preflight.command = prepared.command_display();
    Ok(prepared)
}

/// What the backup needs from the target server that it does not have:
/// the roles that own its objects (unless restored without owners) and the
/// extensions it creates. Said before anything is touched, with the fixes.
async fn missing_on_target(
    server: &Server<'_>,
    info: &BackupInfo,
    options: &RestoreOptions,
    chosen: Option<&Vec<i32>>,
) -> Result<Vec<String>, EngineError> {
    let entries = || {
        info.entries
            .iter()
            .filter(move |e| chosen.is_none_or(|ids| ids.contains(&e.id)))
    };
    let mut owners: Vec<String> = if options.no_owner {
        Vec::new()
    } else {
        entries()
            .filter_map(|e| e.owner.clone())
            .filter(|o| !o.is_empty())
            .collect()
    };
    owners.sort();
    owners.dedup();
    let mut extensions: Vec<String> = entries()
        .filter(|e| e.kind == "EXTENSION")
        .map(|e| e.name.clone())
        .collect();
    extensions.sort();
    extensions.dedup();
    let quoted = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut warnings = Vec::new();
    let (roles, missing) = tokio::join!(
        server.missing_roles(&owners),
        server.unavailable_extensions(&extensions)
    );
    let (roles, missing) = (roles?, missing?);
    if !roles.is_empty() {
        let fix = if info.format == BackupFormat::Plain {
            "create them first (restore the server's roles), or restore a custom archive without owners"
        } else {
            "create them first (restore the server's roles), or turn on No owner (objects owned by you)"
        };
        warnings.push(format!(
            "objects in the backup are owned by role(s) the target server does not have: {}; setting those owners will fail: {fix}",
            quoted(&roles)
        ));
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "the backup creates extension(s) the target server does not have installed: {}; creating them will fail: install them on the server first, or leave them out (table-of-contents entries)",
            quoted(&missing)
        ));
    }
    Ok(warnings)
}

/// A plain script runs in psql, which does more than SQL: one that leaves
/// the chosen database is refused (it would drop, create or fill another
/// one), and one with commands pg_dump never writes runs only when the user
/// allowed them for it. Nothing has been run either way.
fn check_script(info: &BackupInfo, options: &RestoreOptions) -> Result<(), EngineError> {
    use tusk_archive::FindingKind;
    let found = &info.script;
    let list = |kinds: &[FindingKind]| {
        let items: Vec<String> = found
            .items
            .iter()
            .filter(|f| kinds.contains(&f.kind))
            .take(5)
            .map(|f| format!("line {}: {}", f.line, f.text))
            .collect();
        let total = found
            .items
            .iter()
            .filter(|f| kinds.contains(&f.kind))
            .count() as u64
            + found.more;
        let more = total.saturating_sub(items.len() as u64);
        let more = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        format!("{}{more}", items.join("; "))
    };
    if found.has(FindingKind::DatabaseSwitch) {
        return Err(EngineError::Preflight(format!(
            "this SQL script works on databases of its own, not only on the one you chose ({}). It was probably made with pg_dump --create: run as it is, it would drop, create or fill those databases. Nothing was run. Restore it with psql yourself from a maintenance database, or make the backup without --create (Tusk's backups never include it)",
            list(&[FindingKind::DatabaseSwitch])
        )));
    }
    let unsafe_kinds = [
        FindingKind::MetaCommand,
        FindingKind::ServerProgram,
        FindingKind::UnreadableChange,
    ];
    if unsafe_kinds.iter().any(|k| found.has(*k)) && !options.allow_script_commands {
        return Err(EngineError::Preflight(format!(
            "this SQL script holds commands that pg_dump never writes and that can run programs or read and write files on this computer or the server ({}). Nothing was run. Restore it only if you wrote it or trust where it came from: then allow its psql commands (\"allow psql commands\" in the restore options, --allow-psql-commands in the CLI)",
            list(&unsafe_kinds)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_of_larger_tables_cost_more_per_byte() {
        let per_byte = |data: f64| index_cost(data) / data;
        assert!((per_byte(INDEX_REFERENCE) - INDEX_COST).abs() < 1e-9);
        // 4x the data: 0.21 -> 0.315 of its load (bench/ measured 0.32).
        assert!((per_byte(4.0 * INDEX_REFERENCE) - 0.315).abs() < 1e-9);
        // Small tables never cost less than half the reference share.
        assert!((per_byte(1e3) - INDEX_COST * 0.5).abs() < 1e-9);
        assert_eq!(index_cost(0.0), 0.0);
    }
}
