//! `tusk list`: the history.

use super::*;
use crate::exit;
use crate::render::{self, print_json};
use clap::{Args, ValueEnum};
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

#[derive(Args)]
pub struct ListArgs {
    /// Only backups of this connection (a remote's name, or a database name).
    #[arg(long)]
    connection: Option<String>,
    /// Only backups of this schedule (id or name).
    #[arg(long)]
    schedule: Option<String>,
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    /// Backups per page.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1)]
    page: u32,
    #[arg(long)]
    pub json: bool,
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
        limit: a.limit.max(1),
        offset: (a.page.max(1) - 1) * a.limit.max(1),
        ..Default::default()
    };
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
            if a.connection.is_some() || a.status.is_some() {
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
