//! `tusk prune`: what retention removes (the schedules' rules, then those of
//! manual and safety backups), shown first with --dry-run.

use super::*;
use crate::exit;
use crate::render::{self, print_json};
use chrono::Utc;
use clap::Args;
use tusk_engine::catalog::retention::PruneDecision;
use tusk_engine::catalog::Catalog;
use tusk_engine::schedule::housekeeping::{self, OwnKind};
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
    // Names first: a deleted backup's record is gone when it is reported.
    let names: std::collections::HashMap<String, String> = c
        .successful_backups(None, None)?
        .into_iter()
        .map(|b| (b.id, format!("{} ({})", b.name, render::when(b.started_at))))
        .collect();
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
    // Manual and safety backups, unless one schedule was asked for.
    let own = if a.schedule.is_some() {
        Vec::new()
    } else if a.dry_run {
        housekeeping::plan_own(c, &housekeeping::load(c), Utc::now())
            .map_err(EngineError::InvalidOptions)?
    } else {
        housekeeping::prune_own(c, config, Utc::now())
            .await
            .map_err(EngineError::Io)?
    };
    if a.json {
        let out: Vec<_> = report
            .iter()
            .map(|(s, d)| serde_json::json!({ "schedule": s.id, "name": s.name, "dryRun": a.dry_run, "decisions": d }))
            .chain(own.iter().map(|g| {
                serde_json::json!({ "kind": g.kind, "database": g.database, "connection": g.connection, "dryRun": a.dry_run, "decisions": g.decisions })
            }))
            .collect();
        print_json(&out);
        return Ok(exit::OK);
    }
    for (s, decisions) in &report {
        print_decisions(&names, &s.name, decisions, a.dry_run);
    }
    for g in &own {
        let kind = match g.kind {
            OwnKind::Manual => "manual backups",
            OwnKind::Safety => "safety backups",
        };
        let title = format!("{kind} of {} ({})", g.database, g.connection);
        print_decisions(&names, &title, &g.decisions, a.dry_run);
    }
    if schedules.is_empty() && own.is_empty() {
        let rules = housekeeping::load(c);
        err!(
            "nothing to prune: no schedules, and no backups the rules for manual backups ({}) or safety backups ({}) cover",
            crate::commands::retention::describe(rules.manual.as_ref()),
            crate::commands::retention::describe(rules.safety.as_ref())
        );
    }
    Ok(exit::OK)
}

/// "NAME: 2 would be deleted", then each backup with why it stays or goes
/// (with --dry-run every one, else those deleted).
fn print_decisions(
    names: &std::collections::HashMap<String, String>,
    title: &str,
    decisions: &[PruneDecision],
    dry_run: bool,
) {
    let deleting = decisions.iter().filter(|d| !d.keep).count();
    out!(
        "{title}: {deleting} {}",
        if dry_run {
            "would be deleted"
        } else {
            "deleted"
        }
    );
    for d in decisions.iter().filter(|d| dry_run || !d.keep) {
        let name = names.get(&d.id).cloned().unwrap_or_else(|| d.id.clone());
        out!(
            "  {} {name}: {}",
            if d.keep { "keep  " } else { "delete" },
            d.reason
        );
    }
}
