//! `tusk retention`: the rules for backups no schedule made (manual ones,
//! and the safety backups taken before restores), shown or changed.
//! `tusk prune` applies them with the schedules' rules.

use crate::exit;
use crate::render::print_json;
use clap::{Args, Subcommand};
use tusk_engine::catalog::retention::RetentionPolicy;
use tusk_engine::catalog::Catalog;
use tusk_engine::schedule::housekeeping::{self, OwnRetention};
use tusk_engine::EngineError;

#[derive(Args)]
pub struct RetentionArgs {
    #[command(subcommand)]
    pub action: Option<RetentionAction>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum RetentionAction {
    /// Manual backups (off unless set; `--keep-last 15` is seed 002's cap).
    Manual(RuleArgs),
    /// Safety backups taken before a restore (default: 14 days, 2 kept).
    Safety(RuleArgs),
}

#[derive(Args)]
pub struct RuleArgs {
    /// Keep the newest N of each database.
    #[arg(long)]
    keep_last: Option<u32>,
    /// Delete those older than N days.
    #[arg(long)]
    max_age_days: Option<u32>,
    /// Whatever the rule says, always keep the newest N of each database.
    #[arg(long)]
    min_keep: Option<u32>,
    /// Keep every backup of this kind (no retention).
    #[arg(long, conflicts_with_all = ["keep_last", "max_age_days", "min_keep"])]
    off: bool,
    #[arg(long)]
    pub json: bool,
}

impl RetentionArgs {
    pub fn json(&self) -> bool {
        match &self.action {
            None => self.json,
            Some(RetentionAction::Manual(r) | RetentionAction::Safety(r)) => r.json || self.json,
        }
    }
}

/// The rule with the flags given applied: the count and age given replace
/// both (one alone turns the other off); the minimum kept stays unless given.
fn changed(
    current: Option<RetentionPolicy>,
    default: RetentionPolicy,
    r: &RuleArgs,
) -> Option<RetentionPolicy> {
    if r.off {
        return None;
    }
    let mut p = current.unwrap_or(default);
    if r.keep_last.is_some() || r.max_age_days.is_some() {
        p.keep_last = r.keep_last;
        p.max_age_days = r.max_age_days;
        p.gfs = None;
    }
    if let Some(n) = r.min_keep {
        p.min_keep = n;
    }
    Some(p)
}

pub fn describe(p: Option<&RetentionPolicy>) -> String {
    let Some(p) = p else {
        return "every backup kept".into();
    };
    let mut rules = Vec::new();
    if let Some(n) = p.keep_last {
        rules.push(format!("the newest {n}"));
    }
    if let Some(d) = p.max_age_days {
        rules.push(format!("those of the last {d} days"));
    }
    format!(
        "keep {} of each database, and always the newest {}",
        rules.join(" and "),
        p.min_keep
    )
}

pub fn retention(a: RetentionArgs, c: &Catalog) -> Result<u8, EngineError> {
    let json = a.json();
    let mut rules = housekeeping::load(c);
    match &a.action {
        None => {}
        Some(RetentionAction::Manual(r)) => {
            rules.manual = changed(rules.manual.clone(), housekeeping::manual_default(), r)
        }
        Some(RetentionAction::Safety(r)) => {
            rules.safety = changed(rules.safety.clone(), housekeeping::safety_default(), r)
        }
    }
    if a.action.is_some() {
        housekeeping::save(c, &rules).map_err(EngineError::InvalidOptions)?;
    }
    print_rules(&rules, json);
    Ok(exit::OK)
}

fn print_rules(rules: &OwnRetention, json: bool) {
    if json {
        print_json(rules);
        return;
    }
    out!("manual backups: {}", describe(rules.manual.as_ref()));
    out!("safety backups: {}", describe(rules.safety.as_ref()));
    out!("(applied by `tusk prune`, after each backup or restore, and hourly by the daemon and the app)");
}

/// After a manual backup or a restore that took a safety backup: the saved
/// rules applied, what they deleted said on stderr.
pub async fn apply_after(c: &Catalog, config: &crate::config::Config) {
    let names: std::collections::HashMap<String, String> = c
        .successful_backups(None, None)
        .unwrap_or_default()
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    match housekeeping::prune_own(c, config, chrono::Utc::now()).await {
        Ok(plan) => {
            for g in &plan {
                for d in g.deleting() {
                    err!(
                        "retention deleted {}: {}",
                        names.get(&d.id).map_or(d.id.as_str(), String::as_str),
                        d.reason
                    );
                }
            }
        }
        Err(why) => err!("warning: retention of manual and safety backups failed: {why}"),
    }
}
