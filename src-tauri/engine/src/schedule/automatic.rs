//! Automatic backups of a connection (seed 002 §3): one "yes" makes Tusk
//! back the database up every 4 hours with the fast preset, keep the newest
//! 15 (seed 002's cap), and back it up at start when its last good backup
//! is more than a day old. Kept as a schedule the user can see and change,
//! marked `automatic`.

use crate::catalog::retention::RetentionPolicy;
use crate::catalog::{Catalog, NotifyOn, Schedule, Source, Trigger};
use crate::options::{BackupOptions, BackupPreset};
use crate::schedule::next_run;
use chrono::{DateTime, Duration, Utc};

/// How often an automatic backup runs.
pub const EVERY: Duration = Duration::hours(4);
/// A connection whose last good backup is older than this is backed up at
/// start.
pub const STALE_AFTER: Duration = Duration::hours(24);

/// The schedule automatic backups of `source` run as: into
/// `backups/<name>` in Tusk's data folder, the first run now.
pub fn automatic_schedule(source: Source, sslmode: Option<String>, now: DateTime<Utc>) -> Schedule {
    let label = source
        .connection_name
        .clone()
        .unwrap_or_else(|| source.database.clone());
    let name = format!("Automatic backups of {label}");
    let mut options = BackupOptions::default();
    BackupPreset::Fast.apply(&mut options);
    Schedule {
        id: uuid::Uuid::new_v4().to_string(),
        destination: crate::paths::scheduled_dir(&name),
        name,
        source,
        sslmode,
        trigger: Trigger::Interval {
            every_secs: EVERY.num_seconds() as u64,
        },
        timezone: "UTC".into(),
        options,
        retention: RetentionPolicy {
            keep_last: Some(15),
            max_age_days: None,
            gfs: None,
            min_keep: 3,
            min_verified: 1,
        },
        notify: NotifyOn::Failure,
        created_at: now,
        next_run_at: Some(now),
        automatic: true,
        ..Default::default()
    }
}

/// The automatic schedule of a connection (the app's profile id), if any.
pub fn find(
    catalog: &Catalog,
    connection_id: &str,
) -> crate::catalog::CatalogResult<Option<Schedule>> {
    Ok(catalog
        .list_schedules()?
        .into_iter()
        .find(|s| s.automatic && s.source.connection_id.as_deref() == Some(connection_id)))
}

/// When the database of `source` was last backed up successfully, by any
/// backup of the history (manual, scheduled, automatic).
pub fn last_good_backup(
    catalog: &Catalog,
    source: &Source,
) -> crate::catalog::CatalogResult<Option<DateTime<Utc>>> {
    Ok(catalog
        .successful_backups(None, Some(source))?
        .iter()
        .map(|b| b.started_at)
        .max())
}

/// At start: every enabled automatic schedule whose database has no good
/// backup younger than [`STALE_AFTER`] is made due now (unless it already
/// is). Returns the schedules made due.
pub fn catch_up(
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> crate::catalog::CatalogResult<Vec<String>> {
    let mut due = Vec::new();
    for s in catalog.list_schedules()? {
        if !s.automatic || !s.enabled || s.next_run_at.is_some_and(|t| t <= now) {
            continue;
        }
        let stale = last_good_backup(catalog, &s.source)?.is_none_or(|t| now - t > STALE_AFTER);
        if stale {
            catalog.set_next_run(&s.id, Some(now))?;
            due.push(s.id);
        }
    }
    Ok(due)
}

/// The next run of an automatic schedule, for "next automatic backup in …".
pub fn next_automatic_run(s: &Schedule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !s.enabled {
        return None;
    }
    s.next_run_at
        .or_else(|| next_run(&s.trigger, &s.timezone, now).ok())
}
