//! `tusk prune`: what the schedules' retention removes, shown first.

use super::*;
use crate::exit;
use crate::render::{self, print_json};
use chrono::Utc;
use clap::Args;
use tusk_engine::catalog::retention::PruneDecision;
use tusk_engine::catalog::Catalog;
use tusk_engine::schedule::runner::plan_prune;
use tusk_engine::{EngineError, ToolSearch};

#[derive(Args)]
pub struct PruneArgs {
    /// Only this schedule (id or name); default: every schedule.
    #[arg(long)]
    schedule: Option<String>,
    /// Show what would be deleted, delete nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

pub async fn prune(
    a: PruneArgs,
    c: &Catalog,
    search: &ToolSearch,
    config: &crate::config::Config,
) -> Result<u8, EngineError> {
    let schedules = match &a.schedule {
        Some(key) => vec![find_schedule(c, key)?],
        None => c.list_schedules()?,
    };
    let mut report = Vec::new();
    for s in &schedules {
        let decisions = if a.dry_run {
            plan_prune(c, s, Utc::now()).map_err(EngineError::InvalidOptions)?
        } else {
            runner(c, search, config, &|_| {})
                .prune(s)
                .await
                .map_err(EngineError::Io)?
        };
        report.push((s, decisions));
    }
    if a.json {
        let out: Vec<_> = report
            .iter()
            .map(|(s, d)| serde_json::json!({ "schedule": s.id, "name": s.name, "dryRun": a.dry_run, "decisions": d }))
            .collect();
        print_json(&out);
        return Ok(exit::OK);
    }
    for (s, decisions) in &report {
        let deleting: Vec<&PruneDecision> = decisions.iter().filter(|d| !d.keep).collect();
        out!(
            "{}: {} {}",
            s.name,
            deleting.len(),
            if a.dry_run {
                "would be deleted"
            } else {
                "deleted"
            }
        );
        for d in decisions.iter().filter(|d| a.dry_run || !d.keep) {
            let name = c
                .get_backup(&d.id)
                .ok()
                .flatten()
                .map(|b| format!("{} ({})", b.name, render::when(b.started_at)))
                .unwrap_or_else(|| d.id.clone());
            out!(
                "  {} {name}: {}",
                if d.keep { "keep  " } else { "delete" },
                d.reason
            );
        }
    }
    if schedules.is_empty() {
        err!("no schedules: retention applies to scheduled backups");
    }
    Ok(exit::OK)
}
