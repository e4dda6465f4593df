//! When schedules run: cron expressions read in the schedule's time zone, or
//! fixed intervals; and the checks a schedule must pass before it is saved.

pub mod automatic;
pub mod housekeeping;
pub mod runner;

use crate::catalog::{Schedule, Trigger};
use crate::options::Encryption;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds};
use croner::Cron;

/// The interval bounds: a second (tests and demos run that often) to ten years.
pub const MIN_INTERVAL_SECS: u64 = 1;
pub const MAX_INTERVAL_SECS: u64 = 10 * 366 * 86_400;

pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone `{name}`: use an IANA name such as UTC, Europe/Paris or America/New_York")
    })
}

/// The machine's own time zone, for new schedules.
pub fn local_timezone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|name| name.parse::<Tz>().is_ok())
        .unwrap_or_else(|| "UTC".into())
}

fn parse_cron(expression: &str) -> Result<Cron, String> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(expression.trim())
        .map_err(|e| {
            format!(
                "`{expression}` is not a cron expression ({e}): use five fields, minute hour day month weekday, e.g. `30 2 * * *` for 02:30 every day"
            )
        })
}

/// The first run strictly after `after`.
pub fn next_run(
    trigger: &Trigger,
    timezone: &str,
    after: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    match trigger {
        Trigger::Interval { every_secs } => {
            if !(MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(every_secs) {
                return Err("the interval must be between one second and ten years".into());
            }
            Ok(after + chrono::Duration::seconds(*every_secs as i64))
        }
        Trigger::Cron { expression } => {
            let tz = parse_timezone(timezone)?;
            let cron = parse_cron(expression)?;
            cron.find_next_occurrence(&after.with_timezone(&tz), false)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| format!("`{expression}` never runs again ({e})"))
        }
    }
}

/// "At 02:30 every day (Europe/Paris)", "Every 6 hours".
pub fn describe(trigger: &Trigger, timezone: &str) -> String {
    match trigger {
        Trigger::Interval { every_secs } => format!("Every {}", human_interval(*every_secs)),
        Trigger::Cron { expression } => match parse_cron(expression) {
            Ok(cron) => format!("{} ({timezone})", cron.describe().trim_end_matches('.')),
            Err(_) => expression.clone(),
        },
    }
}

fn human_interval(secs: u64) -> String {
    let unit = |n: u64, one: &str| {
        if n == 1 {
            one.to_string()
        } else {
            format!("{n} {one}s")
        }
    };
    match secs {
        s if s % 86_400 == 0 => unit(s / 86_400, "day"),
        s if s % 3_600 == 0 => unit(s / 3_600, "hour"),
        s if s % 60 == 0 => unit(s / 60, "minute"),
        s => unit(s, "second"),
    }
}

/// Refuses, before it is saved, everything that would make a schedule fail on
/// every run; creates its destination folder.
pub fn prepare(s: &Schedule) -> Result<(), String> {
    if s.name.trim().is_empty() {
        return Err("give the schedule a name".into());
    }
    if s.source.database.trim().is_empty() {
        return Err("choose the database this schedule backs up".into());
    }
    if s.verify_after && matches!(s.options.encryption, Encryption::Recipients { .. }) {
        return Err("verifying each backup means decrypting it, and backups encrypted to public keys need a private key that is not kept here: encrypt with the saved passphrase, or turn off verification".into());
    }
    let whole = s.options.scope != crate::options::BackupScope::Database;
    if whole && (s.bucket.is_some() || !s.copy_to.is_empty()) {
        return Err(
            "a whole-server or roles schedule writes to a folder on this computer for now: choose a local folder, with no copies to buckets".into(),
        );
    }
    if let Some(bucket) = &s.bucket {
        if bucket.trim().is_empty() {
            return Err("choose the destination the scheduled backups go to".into());
        }
        if !s.copy_to.is_empty() {
            return Err(format!(
                "backups made straight into {bucket} have no local file to copy elsewhere: back up into a folder and copy to the buckets, or into one bucket"
            ));
        }
        parse_timezone(&s.timezone)?;
        next_run(&s.trigger, &s.timezone, Utc::now())?;
        s.retention.validate()?;
        let mut options = options_to_check(s);
        options.output_path = std::path::PathBuf::from("check");
        return options.validate().map_err(|e| e.to_string());
    }
    if s.destination.as_os_str().is_empty() {
        return Err("choose the folder the scheduled backups go to".into());
    }
    if !s.destination.is_absolute() {
        return Err(format!(
            "the destination `{}` must be an absolute folder path",
            s.destination.display()
        ));
    }
    parse_timezone(&s.timezone)?;
    next_run(&s.trigger, &s.timezone, Utc::now())?;
    s.retention.validate()?;
    std::fs::create_dir_all(&s.destination).map_err(|e| {
        format!(
            "cannot create the destination {}: {e}; choose a folder you can write to",
            s.destination.display()
        )
    })?;
    let mut options = options_to_check(s);
    // Each run names its own file; only the options themselves are checked here.
    options.output_path = s.destination.join("check");
    options.overwrite = true;
    options.validate().map_err(|e| e.to_string())
}

/// A schedule's options as its runs will have them: one that encrypts with
/// the saved passphrase is given it at each run (a stand-in here, never
/// used), so the rest (a format that cannot be encrypted) is checked now.
fn options_to_check(s: &Schedule) -> crate::options::BackupOptions {
    let mut options = s.options.clone();
    if options.encryption == Encryption::Passphrase && options.passphrase.is_none() {
        options.passphrase = Some(crate::secret::Secret::new("given at each run"));
    }
    options
}

/// Turns a schedule on or off, for the app and the CLI alike: on, its next
/// run is computed from now; off, it has none (a stale time would show as
/// "next run" and be run the moment it is turned back on).
pub fn set_enabled(s: &mut Schedule, enabled: bool, now: DateTime<Utc>) {
    s.enabled = enabled;
    s.next_run_at = if enabled {
        next_run(&s.trigger, &s.timezone, now).ok()
    } else {
        None
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_disabled_schedule_has_no_next_run() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let mut s = Schedule {
            trigger: Trigger::Interval { every_secs: 3600 },
            next_run_at: Some(now),
            ..Default::default()
        };
        set_enabled(&mut s, false, now);
        assert_eq!((s.enabled, s.next_run_at), (false, None));
        set_enabled(&mut s, true, now);
        assert_eq!(s.next_run_at, Some(now + chrono::Duration::hours(1)));
    }

    #[test]
    fn cron_runs_in_its_time_zone() {
        let after = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let trigger = Trigger::Cron {
            expression: "30 2 * * *".into(),
        };
        let paris = next_run(&trigger, "Europe/Paris", after).unwrap();
        // 02:30 in Paris in winter is 01:30 UTC.
        assert_eq!(paris, Utc.with_ymd_and_hms(2026, 12, 1, 1, 30, 0).unwrap());
        let utc = next_run(&trigger, "UTC", after).unwrap();
        assert_eq!(utc, Utc.with_ymd_and_hms(2026, 12, 1, 2, 30, 0).unwrap());
    }

    #[test]
    fn intervals_and_errors() {
        let after = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let every = Trigger::Interval { every_secs: 3600 };
        assert_eq!(
            next_run(&every, "UTC", after).unwrap(),
            after + chrono::Duration::hours(1)
        );
        assert_eq!(describe(&every, "UTC"), "Every hour");
        assert_eq!(
            describe(
                &Trigger::Interval {
                    every_secs: 6 * 3600
                },
                "UTC"
            ),
            "Every 6 hours"
        );
        let bad = Trigger::Cron {
            expression: "every night".into(),
        };
        assert!(next_run(&bad, "UTC", after)
            .unwrap_err()
            .contains("not a cron expression"));
        assert!(parse_timezone("Mars/Olympus").unwrap_err().contains("IANA"));
    }
}
