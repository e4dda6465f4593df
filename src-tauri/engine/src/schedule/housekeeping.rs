//! Retention of the backups no schedule made, so that disk use stays
//! bounded: manual backups (opt-in; seed 002's cap of 15 as the suggested
//! rule) and the safety backups taken before restores (on by default: 14
//! days, the newest 2 always kept). Applied per database, with the same
//! rules and reasons as a schedule's retention; `tusk prune` and the app
//! show what would go first. [`tick`] also keeps the catalog itself in
//! shape (seed 002's maintenance): vacuumed once a week.

use crate::catalog::retention::{decide, Candidate, PruneDecision, RetentionPolicy};
use crate::catalog::{BackupReason, BackupRecord, Catalog, VerifyStatus};
use crate::schedule::runner::Buckets;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the rules are kept: the catalog's settings, shared by the app,
/// the CLI and the daemon.
const KEY: &str = "retention";

/// The rules for backups outside schedules; `None` keeps every one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct OwnRetention {
    /// Backups made by hand (the Backup dialog, `tusk backup`).
    pub manual: Option<RetentionPolicy>,
    /// Backups taken by Tusk before a restore replaced data.
    pub safety: Option<RetentionPolicy>,
}

impl Default for OwnRetention {
    fn default() -> Self {
        OwnRetention {
            manual: None,
            safety: Some(safety_default()),
        }
    }
}

/// Seed 002's cap: the newest 15, the newest 3 and the newest verified one
/// whatever happens.
pub fn manual_default() -> RetentionPolicy {
    RetentionPolicy {
        keep_last: Some(15),
        max_age_days: None,
        gfs: None,
        min_keep: 3,
        min_verified: 1,
    }
}

/// 14 days, and the newest 2 of each database always.
pub fn safety_default() -> RetentionPolicy {
    RetentionPolicy {
        keep_last: None,
        max_age_days: Some(14),
        gfs: None,
        min_keep: 2,
        min_verified: 0,
    }
}

impl OwnRetention {
    pub fn validate(&self) -> Result<(), String> {
        for (what, policy) in [("manual", &self.manual), ("safety", &self.safety)] {
            if let Some(p) = policy {
                if p.keeps_everything() {
                    return Err(format!(
                        "{what} backups: choose how many to keep or for how many days (or turn their retention off)"
                    ));
                }
                p.validate().map_err(|e| format!("{what} backups: {e}"))?;
            }
        }
        Ok(())
    }
}

pub fn load(catalog: &Catalog) -> OwnRetention {
    catalog
        .setting(KEY)
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the retention settings could not be read: the defaults apply");
            None
        })
        .unwrap_or_default()
}

pub fn save(catalog: &Catalog, rules: &OwnRetention) -> Result<(), String> {
    rules.validate()?;
    catalog.set_setting(KEY, rules).map_err(|e| e.to_string())
}

/// Which backups a rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum OwnKind {
    Manual,
    Safety,
}

/// What the rule decides for one database's backups of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OwnDecisions {
    pub kind: OwnKind,
    pub database: String,
    /// The connection's name (or `host:port`).
    pub connection: String,
    pub decisions: Vec<PruneDecision>,
}

impl OwnDecisions {
    pub fn deleting(&self) -> impl Iterator<Item = &PruneDecision> {
        self.decisions.iter().filter(|d| !d.keep)
    }
}

fn kind_of(b: &BackupRecord) -> Option<OwnKind> {
    if b.schedule_id.is_some() {
        return None;
    }
    match b.reason {
        BackupReason::Manual => Some(OwnKind::Manual),
        BackupReason::PreRestore | BackupReason::BeforeImport => Some(OwnKind::Safety),
        // Imported backups are someone else's files: never deleted by a rule.
        BackupReason::Scheduled | BackupReason::Imported => None,
    }
}

/// A successful backup as retention sees it (shared with schedules).
pub(crate) fn candidate(b: &BackupRecord) -> Candidate {
    Candidate {
        id: b.id.clone(),
        started_at: b.started_at,
        verified: b
            .verification
            .as_ref()
            .is_some_and(|v| v.status == VerifyStatus::Passed),
        // A backup in a bucket has no local file to miss.
        broken: (!b.file_exists && !b.is_remote_only())
            || b.verification
                .as_ref()
                .is_some_and(|v| v.status == VerifyStatus::Failed),
    }
}

/// What the rules would do now, database by database; kinds whose rule is
/// off are left out.
pub fn plan_own(
    catalog: &Catalog,
    rules: &OwnRetention,
    now: DateTime<Utc>,
) -> Result<Vec<OwnDecisions>, String> {
    let backups = catalog
        .successful_backups(None, None)
        .map_err(|e| e.to_string())?;
    let mut groups: BTreeMap<(OwnKind, String, String), Vec<&BackupRecord>> = BTreeMap::new();
    for b in &backups {
        let Some(kind) = kind_of(b) else { continue };
        let connection = b
            .source
            .connection_name
            .clone()
            .or_else(|| b.source.connection_id.clone())
            .unwrap_or_else(|| {
                format!(
                    "{}:{}",
                    b.source.host.as_deref().unwrap_or("localhost"),
                    b.source.port.unwrap_or(5432)
                )
            });
        groups
            .entry((kind, connection, b.source.database.clone()))
            .or_default()
            .push(b);
    }
    Ok(groups
        .into_iter()
        .filter_map(|((kind, connection, database), list)| {
            let policy = match kind {
                OwnKind::Manual => rules.manual.as_ref(),
                OwnKind::Safety => rules.safety.as_ref(),
            }?;
            let candidates: Vec<Candidate> = list.into_iter().map(candidate).collect();
            Some(OwnDecisions {
                kind,
                database,
                connection,
                decisions: decide(policy, &candidates, now, &chrono::Local),
            })
        })
        .collect())
}

/// Applies the saved rules: deletes what they let go (files, sidecars,
/// bucket copies, records). Returns every group's decisions; a backup that
/// could not be deleted is an error naming it, after the others were tried.
pub async fn prune_own(
    catalog: &Catalog,
    buckets: &dyn Buckets,
    now: DateTime<Utc>,
) -> Result<Vec<OwnDecisions>, String> {
    let rules = load(catalog);
    let plan = plan_own(catalog, &rules, now)?;
    let ids: Vec<String> = plan
        .iter()
        .flat_map(|g| g.deleting().map(|d| d.id.clone()))
        .collect();
    remove_backups(catalog, buckets, &ids).await?;
    Ok(plan)
}

/// Deletes backups of the history: each bucket copy, then the file and its
/// sidecars (a file another record still points at stays), then the record.
pub(crate) async fn remove_backups(
    catalog: &Catalog,
    buckets: &dyn Buckets,
    ids: &[String],
) -> Result<(), String> {
    let mut failures = Vec::new();
    for id in ids {
        if let Err(e) = remove_one(catalog, buckets, id).await {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

async fn remove_one(catalog: &Catalog, buckets: &dyn Buckets, id: &str) -> Result<(), String> {
    let Some(record) = catalog.get_backup(id).map_err(|e| e.to_string())? else {
        return Ok(());
    };
    for copy in &record.copies {
        let deleted = async {
            let bucket = buckets.bucket(&copy.destination)?;
            crate::backup::remote::delete_from_bucket(&bucket, &copy.key).await
        }
        .await;
        deleted.map_err(|e| {
            format!(
                "{} could not be deleted from {}: {e}",
                record.name, copy.destination
            )
        })?;
        catalog
            .remove_copy(&record.id, &copy.destination)
            .map_err(|e| e.to_string())?;
    }
    if record.is_remote_only() {
        // Its objects went with its copy above.
        catalog.delete_backup(id).map_err(|e| e.to_string())
    } else {
        crate::backup::recorded::delete_backup(catalog, id, false)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// When the housekeeping last ran, kept in the catalog so that the app
/// and the daemon share it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LastRun {
    retention: Option<DateTime<Utc>>,
    vacuum: Option<DateTime<Utc>>,
}

const LAST_RUN_KEY: &str = "housekeeping";

/// How often the rules are applied by themselves (besides after each
/// manual backup and each restore that took a safety backup).
pub const RETENTION_EVERY: chrono::Duration = chrono::Duration::hours(1);
/// How often the catalog is vacuumed.
pub const VACUUM_EVERY: chrono::Duration = chrono::Duration::days(7);

/// What one [`tick`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Backups retention deleted.
    pub deleted: usize,
    /// The catalog's bytes before and after, when it was vacuumed.
    pub vacuumed: Option<(u64, u64)>,
}

/// The periodic care the app's scheduler and `tusk daemon` run between
/// schedules: retention of manual and safety backups (hourly) and the
/// catalog's vacuum (weekly). Failures are logged, never fatal.
pub async fn tick(catalog: &Catalog, buckets: &dyn Buckets, now: DateTime<Utc>) -> TickReport {
    let mut last: LastRun = catalog
        .setting(LAST_RUN_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut report = TickReport::default();
    if last.retention.is_none_or(|t| now - t >= RETENTION_EVERY) {
        match prune_own(catalog, buckets, now).await {
            Ok(plan) => report.deleted = plan.iter().flat_map(|g| g.deleting()).count(),
            Err(why) => tracing::warn!(%why, "retention of manual and safety backups failed"),
        }
        last.retention = Some(now);
    }
    if last.vacuum.is_none_or(|t| now - t >= VACUUM_EVERY) {
        match catalog.vacuum() {
            Ok(sizes) => {
                tracing::info!(
                    before = sizes.0,
                    after = sizes.1,
                    "the catalog was vacuumed"
                );
                report.vacuumed = Some(sizes);
            }
            Err(e) => tracing::warn!(error = %e, "the catalog could not be vacuumed"),
        }
        last.vacuum = Some(now);
    }
    if let Err(e) = catalog.set_setting(LAST_RUN_KEY, &last) {
        tracing::warn!(error = %e, "the housekeeping times could not be saved");
    }
    report
}
