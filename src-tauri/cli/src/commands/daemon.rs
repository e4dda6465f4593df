//! `tusk daemon`: runs the schedules as they come due.

use super::*;
use crate::exit;
use crate::render::{self};
use clap::Args;
use tusk_engine::catalog::Catalog;
use tusk_engine::{EngineError, ToolSearch};

#[derive(Args)]
pub struct DaemonArgs {
    /// Seconds between checks for due schedules.
    #[arg(long, default_value_t = 30)]
    interval: u64,
    /// Check once and exit.
    #[arg(long)]
    once: bool,
}

pub async fn daemon(
    a: DaemonArgs,
    c: &Catalog,
    search: &ToolSearch,
    config: &crate::config::Config,
) -> Result<u8, EngineError> {
    let cancel = cancel_on_interrupt();
    let notify = render::print_notice;
    let r = runner(c, search, config, &notify);
    err!(
        "tusk daemon: checking {} schedule(s) every {} s (Ctrl+C to stop)",
        c.list_schedules()?.len(),
        a.interval
    );
    // Automatic backups (made in the app) over a day old run now.
    let stale = tusk_engine::schedule::automatic::catch_up(c, chrono::Utc::now())?;
    if !stale.is_empty() {
        err!(
            "{} automatic backup(s) have had no good backup for a day: running them now",
            stale.len()
        );
    }
    loop {
        for run in r.run_due(&cancel).await {
            render::print_run(&run);
        }
        let care = tusk_engine::schedule::housekeeping::tick(c, config, chrono::Utc::now()).await;
        if care.deleted > 0 {
            err!(
                "retention: {} old manual or safety backup(s) deleted",
                care.deleted
            );
        }
        if let Some((before, after)) = care.vacuumed {
            err!("the catalog was vacuumed: {before} → {after} bytes");
        }
        if let Err(e) = c.backup_self() {
            tracing::warn!(error = %e, "the catalog's own copy could not be refreshed");
        }
        if a.once || cancel.is_cancelled() {
            return Ok(exit::OK);
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(a.interval.max(1))) => {}
            _ = cancel.cancelled() => return Ok(exit::OK),
        }
    }
}
