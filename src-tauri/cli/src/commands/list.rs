//! `tusk list`: the history.

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::config::Config;
use crate::exit;
use crate::render::{self, print_json};
use clap::{Args, ValueEnum};
use tusk_engine::catalog::export::{export_history, write_history, ExportFormat};
use tusk_engine::catalog::{BackupQuery, BackupStatus, Catalog};
use tusk_engine::EngineError;

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Completed,
    Warnings,
    Failed,
    Cancelled,
    Interrupted,
    Running,
}

impl StatusArg {
    fn statuses(self) -> Vec<BackupStatus> {
        match self {
            StatusArg::Completed => {
                vec![BackupStatus::Completed, BackupStatus::CompletedWithWarnings]
            }
            StatusArg::Warnings => vec![BackupStatus::CompletedWithWarnings],
            StatusArg::Failed => vec![BackupStatus::Failed],
            StatusArg::Cancelled => vec![BackupStatus::Cancelled],
            StatusArg::Interrupted => vec![BackupStatus::Interrupted],
            StatusArg::Running => vec![BackupStatus::Running],
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportArg {
    Csv,
    Json,
}

#[derive(Args)]
pub struct ListArgs {
    /// Only backups of this connection (a remote's name, or a database name).
    #[arg(long, visible_alias = "remote")]
    connection: Option<String>,
    /// Only backups of this schedule (id or name).
    #[arg(long)]
    schedule: Option<String>,
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    /// Only backups whose name, note, database or connection holds every
    /// word of this (any case).
    #[arg(long)]
    search: Option<String>,
    /// Every matching backup (all pages) as CSV or JSON, to --output or
    /// standard output.
    #[arg(long, value_enum, conflicts_with = "dest")]
    export: Option<ExportArg>,
    /// With --export: the file to write (written whole, then renamed).
    #[arg(short = 'o', long, requires = "export")]
    output: Option<std::path::PathBuf>,
    /// Backups per page.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1)]
    page: u32,
    #[arg(long)]
    pub json: bool,
    /// List the backups in this bucket (every machine's, by their manifests)
    /// instead of the history.
    #[arg(long, conflicts_with_all = ["connection", "schedule", "status", "search"])]
    pub dest: Option<String>,
    #[command(flatten)]
    secret: SecretArgs,
}

/// `tusk list --dest NAME`: what the bucket's manifests say it holds.
pub async fn list_bucket(a: ListArgs, config: &Config) -> Result<u8, EngineError> {
    let name = a.dest.as_deref().expect("--dest");
    let bucket = open_bucket(config, name, &a.secret)?;
    let (found, unreadable) = bucket.backups().await?;
    if a.json {
        print_json(
            &serde_json::json!({ "backups": found, "unreadable": unreadable
            .iter()
            .map(|(key, why)| serde_json::json!({ "key": key, "why": why }))
            .collect::<Vec<_>>() }),
        );
        return Ok(exit::OK);
    }
    if found.is_empty() {
        err!("no backups in {name} ({})", bucket.destination().describe());
    } else {
        render::bucket_table(&found);
        err!(
            "{} backup(s) in {name}; restore one with `tusk restore {name}:KEY`, add them to the history with `tusk import --dest {name}`",
            found.len()
        );
    }
    for (key, why) in &unreadable {
        err!(
            "warning: {} is not a readable manifest: {why}",
            bucket.location(key)
        );
    }
    Ok(exit::OK)
}

pub fn list(a: ListArgs, c: &Catalog) -> Result<u8, EngineError> {
    let schedule_id = a
        .schedule
        .as_deref()
        .map(|s| find_schedule(c, s))
        .transpose()?
        .map(|s| s.id);
    let q = BackupQuery {
        connection_name: a.connection.clone(),
        schedule_id,
        statuses: a.status.map(StatusArg::statuses).unwrap_or_default(),
        search: a.search.clone(),
        limit: a.limit.max(1),
        offset: (a.page.max(1) - 1) * a.limit.max(1),
        ..Default::default()
    };
    if let Some(export) = a.export {
        let format = match export {
            ExportArg::Csv => ExportFormat::Csv,
            ExportArg::Json => ExportFormat::Json,
        };
        match &a.output {
            Some(path) => {
                let n = export_history(c, &q, format, path)?;
                err!("{n} backup(s) exported to {}", path.display());
            }
            None => {
                write_history(c, &q, format, std::io::stdout().lock())?;
            }
        }
        return Ok(exit::OK);
    }
    let page = c.list_backups(&q)?;
    if a.json {
        print_json(&page);
        return Ok(exit::OK);
    }
    // Databases left half-restored come first: they look normal otherwise.
    render::print_incomplete(&c.incomplete_restores()?);
    if page.total == 0 {
        err!(
            "no backups{}",
            if a.connection.is_some() || a.status.is_some() || a.search.is_some() {
                " match"
            } else {
                " yet"
            }
        );
        return Ok(exit::OK);
    }
    render::backup_table(&page.items);
    let pages = page.total.div_ceil(page.limit as u64);
    err!(
        "page {} of {pages} ({} backup(s)){}",
        a.page.max(1),
        page.total,
        if (a.page.max(1) as u64) < pages {
            "; --page N for more"
        } else {
            ""
        }
    );
    Ok(exit::OK)
}
