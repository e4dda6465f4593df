//! Whole servers from the app: the plan of a server or roles backup (the
//! server's databases and the tools), the backup itself through
//! `create_backup`, and a server backup restored onto a connection's server.

use crate::error::{AppError, AppResult};
use crate::events;
use crate::jobs::{spawn, JobStarted};
use crate::state::AppState;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime, State};
use tusk_engine::backup::recorded::{run_recorded_backup, RecordMeta};
use tusk_engine::catalog::{BackupReason, Source};
use tusk_engine::cluster::backup::{prepare_server_backup, ServerBackupPlan};
use tusk_engine::cluster::globals::prepare_globals_backup;
use tusk_engine::cluster::restore::{
    prepare_server_restore, server_input_contents, ServerRestorePlan, ServerRestoreRequest,
};
use tusk_engine::cluster::ServerContents;
use tusk_engine::options::BackupScope;
use tusk_engine::{BackupOptions, JobType};

/// The plan of a whole-server or roles-and-tablespaces backup: the command,
/// the tools, and (a whole server) every database with why it is left out.
#[tauri::command]
pub async fn preview_server_backup(
    state: State<'_, AppState>,
    options: BackupOptions,
) -> AppResult<ServerBackupPlan> {
    let conn = state.profiles.connection(&options.connection_id)?;
    match options.scope {
        BackupScope::Server => {
            Ok(
                prepare_server_backup("preview", &conn, &options, &state.tools())
                    .await?
                    .plan(),
            )
        }
        BackupScope::Globals => {
            let prepared =
                prepare_globals_backup("preview", &conn, &options, &state.tools()).await?;
            Ok(ServerBackupPlan {
                command: prepared.command_display(),
                server: prepared.server.clone(),
                pg_dump: prepared.dump.pg_dumpall.clone(),
                pg_dumpall: prepared.dump.pg_dumpall.clone(),
                databases: Vec::new(),
                estimated_bytes: 0,
                warnings: prepared.dump.warning.iter().cloned().collect(),
            })
        }
        BackupScope::Database => Err(AppError::Invalid(
            "this is a single database's backup: preview it with preview_backup".into(),
        )),
    }
}

/// `create_backup` of a whole server or of its roles and tablespaces:
/// recorded in the history like any backup, into a local folder or file.
pub async fn create_whole_backup<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    job_id: String,
    options: BackupOptions,
    meta_notes: (Option<String>, Option<String>),
    destination: Option<String>,
) -> AppResult<JobStarted> {
    if destination.is_some() {
        return Err(AppError::Invalid(
            "a whole-server or roles backup goes to a folder on this computer for now: choose a local folder, then copy it to the bucket".into(),
        ));
    }
    let label = format!("Server backup to {}", options.output_path.display());
    let cancel = state.reserve_job(&job_id, JobType::Backup, label)?;
    let prepared = async {
        let conn = state.profiles.connection(&options.connection_id)?;
        let profile = state.profiles.get(&options.connection_id)?;
        let source = Source::of(&conn, Some(&profile.id), Some(&profile.name));
        let job = match options.scope {
            BackupScope::Server => Whole::Server(Box::new(
                prepare_server_backup(&job_id, &conn, &options, &state.tools()).await?,
            )),
            _ => Whole::Globals(Box::new(
                prepare_globals_backup(&job_id, &conn, &options, &state.tools()).await?,
            )),
        };
        Ok::<_, AppError>((job, source))
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let (job, source) = prepared;
    let command = match &job {
        Whole::Server(p) => p.command_display(),
        Whole::Globals(p) => p.command_display(),
    };
    let catalog = state.catalog.clone();
    let meta = RecordMeta {
        name: meta_notes.0,
        description: meta_notes.1,
        source,
        reason: BackupReason::Manual,
        schedule_id: None,
    };
    let after = app.clone();
    spawn(
        app,
        JobType::Backup,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let outcome = match job {
                Whole::Server(p) => run_recorded_backup(&catalog, *p, meta, &cancel, &*sink).await,
                Whole::Globals(p) => run_recorded_backup(&catalog, *p, meta, &cancel, &*sink).await,
            };
            let _ = after.emit(events::HISTORY_CHANGED, ());
            outcome
        },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Backup,
        command,
    })
}

enum Whole {
    Server(Box<tusk_engine::cluster::backup::PreparedServerBackup>),
    Globals(Box<tusk_engine::cluster::globals::PreparedGlobals>),
}

/// A server backup's local folder (or roles script): itself, or, for its
/// copy in a bucket (`DEST:KEY`), the copy downloaded and checked against
/// the SHA-256 recorded beside it, kept while the returned handle lives.
async fn local(
    state: &AppState,
    path: &Path,
) -> AppResult<(PathBuf, Option<Arc<crate::readable::Readable>>)> {
    if state.destinations.in_bucket(path).is_none() {
        return Ok((path.to_path_buf(), None));
    }
    let fetched = state.readable.get(&state.destinations, path, false).await?;
    Ok((fetched.path.clone(), Some(fetched)))
}

/// What a server backup holds (its `tusk-server.json`), or a roles script
/// as one part; an error for any other backup.
#[tauri::command]
pub async fn server_backup_contents(
    state: State<'_, AppState>,
    path: PathBuf,
) -> AppResult<ServerContents> {
    let (local, _kept) = local(&state, &path).await?;
    Ok(server_input_contents(&local)?.1)
}

/// A server restore as the dialog asks for it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ServerRestoreInput {
    /// The server backup's folder.
    pub path: PathBuf,
    /// These databases only (`null`: all of them).
    pub databases: Option<Vec<String>>,
    /// Leave the roles and tablespaces out.
    pub skip_globals: bool,
    /// pg_restore jobs per database.
    pub jobs: u8,
}

impl ServerRestoreInput {
    /// The engine's request, reading the backup at `local`.
    fn request(&self, local: &Path) -> ServerRestoreRequest {
        ServerRestoreRequest {
            backup: local.to_path_buf(),
            databases: self.databases.clone(),
            skip_globals: self.skip_globals,
            jobs: self.jobs.max(1),
            ignore_checksum: false,
        }
    }
}

/// The pre-flight of a server restore onto the connection's server.
#[tauri::command]
pub async fn preview_server_restore(
    state: State<'_, AppState>,
    connection_id: String,
    input: ServerRestoreInput,
) -> AppResult<ServerRestorePlan> {
    let conn = state.profiles.connection(&connection_id)?;
    let (local, _kept) = local(&state, &input.path).await?;
    let prepared =
        prepare_server_restore("preflight", &conn, &input.request(&local), &state.tools()).await?;
    Ok(prepared.plan)
}

/// Restores a server backup onto the connection's server: the roles first,
/// then each chosen database, created from its archive.
#[tauri::command]
pub async fn restore_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    connection_id: String,
    input: ServerRestoreInput,
) -> AppResult<JobStarted> {
    let label = format!("Server restore of {}", input.path.display());
    let cancel = state.reserve_job(&job_id, JobType::Restore, label)?;
    let prepared = async {
        let conn = state.profiles.connection(&connection_id)?;
        let (local, kept) = local(&state, &input.path).await?;
        let prepared =
            prepare_server_restore(&job_id, &conn, &input.request(&local), &state.tools()).await?;
        Ok::<_, AppError>((prepared, kept))
    }
    .await
    .inspect_err(|_| state.release_job(&job_id))?;
    let (prepared, kept) = prepared;
    let command = format!(
        "restore of {} database(s){} from {}",
        prepared.plan.databases.len(),
        if prepared.plan.globals {
            " and the roles"
        } else {
            ""
        },
        input.path.display()
    );
    let after = app.clone();
    spawn(
        app,
        JobType::Restore,
        job_id.clone(),
        cancel,
        move |cancel, sink| async move {
            let outcome = prepared.run(&cancel, &*sink).await;
            // The downloaded copy is read to the end of the restore.
            drop(kept);
            let _ = after.emit(events::HISTORY_CHANGED, ());
            outcome
        },
    );
    Ok(JobStarted {
        job_id,
        job_type: JobType::Restore,
        command,
    })
}
