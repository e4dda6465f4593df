//! Which backups to keep: the newest N, those younger than X days, and
//! grandfather-father-son (everything of the last 24 h, one a day for a week,
//! one a week for a month, as in seed 002) — and, whatever the rules say, a
//! minimum of the newest successful backups and the newest verified one, so a
//! run of failures can never delete everything. Pure: the caller deletes.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Grandfather-father-son buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Gfs {
    /// Keep every backup this many hours back.
    pub all_hours: u32,
    /// Then the newest of each day, this many days back.
    pub daily_days: u32,
    /// Then the newest of each week, this many days back.
    pub weekly_days: u32,
}

impl Default for Gfs {
    fn default() -> Self {
        Gfs {
            all_hours: 24,
            daily_days: 7,
            weekly_days: 30,
        }
    }
}

/// The rules; a backup is kept when any rule keeps it. No rule keeps everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct RetentionPolicy {
    pub keep_last: Option<u32>,
    pub max_age_days: Option<u32>,
    pub gfs: Option<Gfs>,
    /// The newest successful backups always kept, whatever the rules say.
    pub min_keep: u32,
    /// The newest backups whose verification passed, always kept.
    pub min_verified: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            keep_last: Some(7),
            max_age_days: None,
            gfs: None,
            min_keep: 3,
            min_verified: 1,
        }
    }
}

impl RetentionPolicy {
    pub fn keeps_everything(&self) -> bool {
        self.keep_last.is_none() && self.max_age_days.is_none() && self.gfs.is_none()
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.keep_last == Some(0) {
            return Err("keep last must be at least 1 (or left out)".into());
        }
        if self.max_age_days == Some(0) {
            return Err("delete older than must be at least 1 day (or left out)".into());
        }
        if self.min_keep == 0 {
            return Err(
                "the minimum kept must be at least 1, so failures can never delete every backup"
                    .into(),
            );
        }
        Ok(())
    }
}

/// A successful backup the rules may delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub verified: bool,
    /// Its verification failed or its file is gone: it never counts toward
    /// "the newest N" or the minimum kept, so it cannot push a good one out.
    pub broken: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PruneDecision {
    pub id: String,
    pub keep: bool,
    /// Why: "newest 7", "daily 2026-11-30", "minimum kept", or why not.
    pub reason: String,
}

/// Decides for every candidate; `tz` sets where days and weeks begin.
pub fn decide<Tz: TimeZone>(
    policy: &RetentionPolicy,
    candidates: &[Candidate],
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<PruneDecision> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.started_at));
    let mut days_seen = std::collections::HashSet::new();
    let mut weeks_seen = std::collections::HashSet::new();
    let mut verified_kept = 0;
    let mut healthy_seen = 0usize;
    sorted
        .iter()
        .map(|c| {
            // Position among the backups that can be restored.
            let index = if c.broken { usize::MAX } else { healthy_seen };
            if !c.broken {
                healthy_seen += 1;
            }
            let age = now - c.started_at;
            let local = c.started_at.with_timezone(tz);
            let day = local.date_naive();
            let week = local.iso_week();
            // Buckets are claimed by the newest backup in them, kept or not by other rules.
            let first_of_day = days_seen.insert(day);
            let first_of_week = weeks_seen.insert((week.year(), week.week()));
            let mut keep: Option<String> = None;
            if policy.keeps_everything() {
                keep = Some("no retention rule".into());
            }
            if let Some(n) = policy.keep_last {
                if index < n as usize {
                    keep.get_or_insert(format!("one of the newest {n}"));
                }
            }
            if let Some(days) = policy.max_age_days {
                if age <= Duration::days(days as i64) {
                    keep.get_or_insert(format!("younger than {days} days"));
                }
            }
            if let Some(g) = policy.gfs {
                if age <= Duration::hours(g.all_hours as i64) {
                    keep.get_or_insert(format!("within the last {} h", g.all_hours));
                } else if age <= Duration::days(g.daily_days as i64) && first_of_day {
                    keep.get_or_insert(format!("daily {day}"));
                } else if age <= Duration::days(g.weekly_days as i64) && first_of_week {
                    keep.get_or_insert(format!("weekly {}-W{:02}", week.year(), week.week()));
                }
            }
            if index < policy.min_keep as usize {
                keep.get_or_insert(format!(
                    "minimum kept: the newest {} successful",
                    policy.min_keep
                ));
            }
            if c.verified && !c.broken && verified_kept < policy.min_verified {
                verified_kept += 1;
                keep.get_or_insert("newest verified backup".into());
            }
            PruneDecision {
                id: c.id.clone(),
                keep: keep.is_some(),
                reason: keep.unwrap_or_else(|| outside(policy)),
            }
        })
        .collect()
}

fn outside(policy: &RetentionPolicy) -> String {
    let mut rules = Vec::new();
    if let Some(n) = policy.keep_last {
        rules.push(format!("not among the newest {n}"));
    }
    if let Some(days) = policy.max_age_days {
        rules.push(format!("older than {days} days"));
    }
    if policy.gfs.is_some() {
        rules.push("not the one kept for its day or week".into());
    }
    rules.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(days_ago: f64, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::seconds((days_ago * 86_400.0) as i64)
    }

    fn candidates(ages_days: &[f64], now: DateTime<Utc>) -> Vec<Candidate> {
        ages_days
            .iter()
            .enumerate()
            .map(|(i, a)| Candidate {
                id: format!("b{i}"),
                started_at: at(*a, now),
                verified: false,
                broken: false,
            })
            .collect()
    }

    fn kept(decisions: &[PruneDecision]) -> Vec<&str> {
        let mut ids: Vec<&str> = decisions
            .iter()
            .filter(|d| d.keep)
            .map(|d| d.id.as_str())
            .collect();
        ids.sort();
        ids
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn keep_last_keeps_the_newest() {
        let c = candidates(&[0.1, 1.0, 2.0, 3.0, 4.0], now());
        let policy = RetentionPolicy {
            keep_last: Some(2),
            min_keep: 1,
            ..Default::default()
        };
        let d = decide(&policy, &c, now(), &Utc);
        assert_eq!(kept(&d), ["b0", "b1"]);
        assert!(d[4].reason.contains("not among the newest 2"), "{:?}", d[4]);
    }

    #[test]
    fn older_than_deletes_by_age_but_never_below_the_minimum() {
        let c = candidates(&[10.0, 20.0, 40.0, 50.0, 60.0], now());
        let policy = RetentionPolicy {
            keep_last: None,
            max_age_days: Some(30),
            min_keep: 3,
            ..Default::default()
        };
        let d = decide(&policy, &c, now(), &Utc);
        // b0, b1 by age; b2 only because three must stay.
        assert_eq!(kept(&d), ["b0", "b1", "b2"]);
        assert!(d[2].reason.starts_with("minimum kept"));
    }

    #[test]
    fn grandfather_father_son_as_seed_002() {
        // Hourly for two days, then every 12 h back to 45 days.
        let mut ages: Vec<f64> = (0..48).map(|h| h as f64 / 24.0 + 0.01).collect();
        ages.extend((4..90).map(|half_days| half_days as f64 / 2.0 + 0.01));
        let c = candidates(&ages, now());
        let policy = RetentionPolicy {
            keep_last: None,
            gfs: Some(Gfs::default()),
            min_keep: 1,
            ..Default::default()
        };
        let d = decide(&policy, &c, now(), &Utc);
        let by_id = |id: &str| d.iter().find(|x| x.id == id).unwrap();
        let kept_ages: Vec<f64> = c
            .iter()
            .zip(&ages)
            .filter(|(b, _)| by_id(&b.id).keep)
            .map(|(_, a)| *a)
            .collect();
        // All 24 of the last day.
        assert_eq!(kept_ages.iter().filter(|a| **a <= 1.0).count(), 24);
        // From 1 to 7 days: one per calendar day at most.
        let daily: Vec<_> = c
            .iter()
            .zip(&ages)
            .filter(|(b, a)| **a > 1.0 && **a <= 7.0 && by_id(&b.id).keep)
            .map(|(b, _)| b.started_at.date_naive())
            .collect();
        let unique: std::collections::HashSet<_> = daily.iter().collect();
        assert_eq!(daily.len(), unique.len());
        assert!(daily.len() >= 6);
        // 7 to 30 days: one per ISO week at most; nothing older than 30 days.
        let weekly = kept_ages.iter().filter(|a| **a > 7.0).count();
        assert!((3..=5).contains(&weekly), "weekly kept: {weekly}");
        assert!(kept_ages.iter().all(|a| *a <= 30.0));
    }

    #[test]
    fn twenty_failed_runs_never_delete_the_last_good_backups() {
        // Failed runs are not candidates at all: only these three old
        // successes are, and all are far outside every rule.
        let c = candidates(&[45.0, 46.0, 47.0], now());
        let policy = RetentionPolicy {
            keep_last: None,
            max_age_days: Some(7),
            min_keep: 2,
            min_verified: 1,
            gfs: None,
        };
        let mut c = c;
        c[2].verified = true;
        let d = decide(&policy, &c, now(), &Utc);
        assert_eq!(kept(&d), ["b0", "b1", "b2"]);
        assert_eq!(d[2].reason, "newest verified backup");
    }

    #[test]
    fn broken_backups_never_push_good_ones_out() {
        // The three newest failed verification; keep-last 2 and min-keep 2
        // keep the two newest good ones instead.
        let mut c = candidates(&[0.1, 0.2, 0.3, 1.0, 2.0, 3.0], now());
        for b in &mut c[..3] {
            b.broken = true;
        }
        let policy = RetentionPolicy {
            keep_last: Some(2),
            min_keep: 2,
            ..Default::default()
        };
        let d = decide(&policy, &c, now(), &Utc);
        assert_eq!(kept(&d), ["b3", "b4"]);

        // A verified backup whose file went missing does not take the
        // "newest verified" place of one that can still be restored.
        let mut c = candidates(&[0.1, 1.0, 2.0, 3.0], now());
        c[0].verified = true;
        c[0].broken = true;
        c[3].verified = true;
        let policy = RetentionPolicy {
            keep_last: Some(1),
            min_keep: 1,
            min_verified: 1,
            ..Default::default()
        };
        let d = decide(&policy, &c, now(), &Utc);
        assert_eq!(kept(&d), ["b1", "b3"]);
        assert_eq!(d[3].reason, "newest verified backup");
    }

    #[test]
    fn no_rule_keeps_everything() {
        let c = candidates(&[1.0, 400.0], now());
        let policy = RetentionPolicy {
            keep_last: None,
            ..Default::default()
        };
        assert!(decide(&policy, &c, now(), &Utc).iter().all(|d| d.keep));
    }

    #[test]
    fn invalid_policies_are_refused() {
        let zero_min = RetentionPolicy {
            min_keep: 0,
            ..Default::default()
        };
        assert!(zero_min.validate().unwrap_err().contains("at least 1"));
        let zero_last = RetentionPolicy {
            keep_last: Some(0),
            ..Default::default()
        };
        assert!(zero_last.validate().is_err());
    }
}
