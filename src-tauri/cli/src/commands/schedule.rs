//! `tusk schedule …`: schedules added, listed, run, turned on and off.

use super::backup::{backup_options, DumpArgs, WholeServerArgs};
use super::*;
use crate::config::Config;
use crate::exit;
use crate::render::{self, print_json};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use tusk_engine::catalog::retention::{Gfs, RetentionPolicy};
use tusk_engine::catalog::{
    Catalog, NotifyOn, Schedule, ScheduleRun, ScheduleSummary, Source, Trigger,
};
use tusk_engine::options::Encryption;
use tusk_engine::schedule::runner::{Notice, RunKind};
use tusk_engine::{BackupOptions, EngineError, ToolSearch};

#[derive(Args)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub action: ScheduleAction,
}

#[derive(Subcommand)]
pub enum ScheduleAction {
    /// Create a schedule.
    Add(Box<ScheduleAddArgs>),
    /// List schedules with their statistics.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One schedule, its statistics and last runs.
    Show {
        schedule: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a schedule (its backups stay).
    Delete {
        schedule: String,
        #[arg(long)]
        json: bool,
    },
    /// Stop running a schedule, keeping it.
    Disable {
        schedule: String,
        #[arg(long)]
        json: bool,
    },
    Enable {
        schedule: String,
        #[arg(long)]
        json: bool,
    },
    /// Run one schedule now, or (with --due) every schedule that is due: for system cron.
    Run {
        schedule: Option<String>,
        #[arg(long, conflicts_with = "schedule")]
        due: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NotifyArg {
    Never,
    Failure,
    Always,
}

#[derive(Args)]
pub struct ScheduleAddArgs {
    #[arg(long)]
    name: String,
    #[command(flatten)]
    conn: ConnArgs,
    /// Cron expression, e.g. "30 2 * * *" (02:30 every day).
    #[arg(long, conflicts_with = "every", required_unless_present = "every")]
    cron: Option<String>,
    /// Interval: 90s, 15m, 6h, 1d.
    #[arg(long)]
    every: Option<String>,
    /// Time zone for --cron (default: this machine's).
    #[arg(long)]
    tz: Option<String>,
    /// Folder the backups go to (default: the data folder's backups/<name>).
    #[arg(long)]
    dest: Option<PathBuf>,
    /// Copy each backup to this bucket too once it is made (repeatable; see
    /// `tusk destination add`): the bucket's secret must be in the config
    /// file or the daemon's environment.
    #[arg(long = "copy-to", conflicts_with = "bucket")]
    copy_to: Vec<String>,
    /// Back up straight into this destination (a bucket) instead of a folder.
    #[arg(long, conflicts_with = "dest")]
    bucket: Option<String>,
    /// Encrypt each backup with age, with the saved passphrase: the app's
    /// (OS keychain), or the file TUSK_PASSPHRASE_FILE names where the
    /// daemon runs.
    #[arg(long, conflicts_with = "recipient")]
    encrypt: bool,
    /// Encrypt each backup with age to this public key (age1…; repeatable).
    #[arg(long)]
    recipient: Vec<String>,
    #[command(flatten)]
    dump: DumpArgs,
    #[command(flatten)]
    whole: WholeServerArgs,
    /// Keep the newest N backups.
    #[arg(long)]
    keep_last: Option<u32>,
    /// Delete backups older than N days.
    #[arg(long)]
    keep_days: Option<u32>,
    /// Grandfather-father-son: all of 24 h, one a day for 7 days, one a week for 30.
    #[arg(long)]
    gfs: bool,
    /// Always keep at least this many successful backups.
    #[arg(long, default_value_t = 3)]
    min_keep: u32,
    /// Test-restore each backup after it is made.
    #[arg(long)]
    verify: bool,
    /// When to notify: on the desktop (the app's), and through --notify-via.
    #[arg(long, value_enum, default_value = "failure")]
    notify: NotifyArg,
    /// Also notify through this channel of the config file (repeatable;
    /// see `tusk notify list`): a webhook or e-mail.
    #[arg(long = "notify-via")]
    notify_via: Vec<String>,
    /// Further attempts after a failure.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// Seconds before the first retry (doubled each time).
    #[arg(long, default_value_t = 60)]
    retry_delay: u64,
    #[arg(long)]
    pub json: bool,
}

/// "90s", "15m", "6h", "1d" → seconds.
pub fn parse_interval(text: &str) -> Result<u64, EngineError> {
    let bad = || {
        EngineError::InvalidOptions(format!(
            "`{text}` is not an interval: use a number with s, m, h or d, e.g. 15m or 6h"
        ))
    };
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number.parse().map_err(|_| bad())?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    match n.checked_mul(factor) {
        Some(secs) if n > 0 => Ok(secs),
        _ => Err(bad()),
    }
}

pub async fn schedule(
    a: ScheduleArgs,
    c: &Catalog,
    config: &Config,
    search: &ToolSearch,
) -> Result<u8, EngineError> {
    match a.action {
        ScheduleAction::Add(args) => add_schedule(*args, c, config),
        ScheduleAction::List { json } => {
            let all = c.schedule_summaries()?;
            if json {
                print_json(&all);
            } else if all.is_empty() {
                err!("no schedules yet: tusk schedule add --name … --cron \"30 2 * * *\" …");
            } else {
                all.iter().for_each(render::print_summary);
            }
            Ok(exit::OK)
        }
        ScheduleAction::Show { schedule, json } => {
            let s = find_schedule(c, &schedule)?;
            let summary = ScheduleSummary {
                stats: c.schedule_stats(&s.id)?,
                schedule: s,
            };
            let runs = c.runs(&summary.schedule.id, 10)?;
            if json {
                print_json(&serde_json::json!({ "summary": summary, "runs": runs }));
            } else {
                render::print_summary(&summary);
                for r in &runs {
                    render::print_run(r);
                }
            }
            Ok(exit::OK)
        }
        ScheduleAction::Delete { schedule, json } => {
            let s = find_schedule(c, &schedule)?;
            c.delete_schedule(&s.id)?;
            if json {
                print_json(&serde_json::json!({ "deleted": s.id }));
            } else {
                err!(
                    "deleted schedule {} (its backups stay in the history)",
                    s.name
                );
            }
            Ok(exit::OK)
        }
        ScheduleAction::Disable { schedule, json } => set_enabled(c, &schedule, false, json),
        ScheduleAction::Enable { schedule, json } => set_enabled(c, &schedule, true, json),
        ScheduleAction::Run {
            schedule,
            due,
            json,
        } => {
            let notify = |n: Notice| {
                if !json {
                    render::print_notice(n)
                }
            };
            let r = runner(c, search, config, &notify);
            let cancel = cancel_on_interrupt();
            let runs: Vec<ScheduleRun> = if due {
                r.run_due(&cancel).await
            } else {
                let key = schedule.ok_or_else(|| {
                    EngineError::InvalidOptions("name the schedule to run, or use --due".into())
                })?;
                let s = find_schedule(c, &key)?;
                match r.run(&s, RunKind::Now, &cancel, &|_| {}).await? {
                    Some(run) => vec![run],
                    None => {
                        return Err(EngineError::InvalidOptions(format!(
                        "\"{}\" is already running (in another process): try again when it ends",
                        s.name
                    )))
                    }
                }
            };
            if json {
                print_json(&runs);
            } else {
                if runs.is_empty() {
                    err!("nothing was due");
                }
                runs.iter().for_each(render::print_run);
            }
            Ok(if runs.iter().all(|r| r.error.is_none()) {
                exit::OK
            } else {
                exit::FAILED
            })
        }
    }
}

fn set_enabled(c: &Catalog, key: &str, enabled: bool, json: bool) -> Result<u8, EngineError> {
    let mut s = find_schedule(c, key)?;
    tusk_engine::schedule::set_enabled(&mut s, enabled, Utc::now());
    c.save_schedule(&s)?;
    if json {
        print_json(&s);
    } else {
        err!(
            "{} is {}",
            s.name,
            if enabled { "enabled" } else { "disabled" }
        );
    }
    Ok(exit::OK)
}

/// The schedule's backup options: what `--server` / `--globals-only` take too.
fn whole_options(a: &ScheduleAddArgs) -> BackupOptions {
    let mut o = backup_options(&a.dump, PathBuf::new());
    a.whole.apply(&mut o);
    o
}

fn add_schedule(a: ScheduleAddArgs, c: &Catalog, config: &Config) -> Result<u8, EngineError> {
    if a.whole.scope() != tusk_engine::options::BackupScope::Database
        && (a.bucket.is_some() || !a.copy_to.is_empty())
    {
        return Err(EngineError::InvalidOptions(
            "a whole-server or roles schedule writes to a folder on this computer for now (--dest): leave out --bucket and --copy-to".into(),
        ));
    }
    let conn = a.conn.resolve(config)?;
    if conn.password.is_some() {
        return Err(EngineError::InvalidOptions(
            "a schedule never stores a password: put it in ~/.pgpass (or save the connection with its password in the app) and leave it out here".into(),
        ));
    }
    let trigger = match (&a.cron, &a.every) {
        (Some(expression), _) => Trigger::Cron {
            expression: expression.clone(),
        },
        (None, Some(every)) => Trigger::Interval {
            every_secs: parse_interval(every)?,
        },
        (None, None) => unreachable!("clap requires one"),
    };
    let timezone =
        a.tz.clone()
            .unwrap_or_else(tusk_engine::schedule::local_timezone);
    let now = Utc::now();
    let schedule = Schedule {
        id: uuid::Uuid::new_v4().to_string(),
        name: a.name.trim().to_string(),
        enabled: true,
        automatic: false,
        source: Source::of(&conn, None, a.conn.remote.as_deref()),
        sslmode: conn.sslmode.clone(),
        next_run_at: Some(
            tusk_engine::schedule::next_run(&trigger, &timezone, now)
                .map_err(EngineError::InvalidOptions)?,
        ),
        trigger,
        timezone,
        options: BackupOptions {
            encryption: if !a.recipient.is_empty() {
                Encryption::Recipients {
                    recipients: a.recipient.clone(),
                }
            } else if a.encrypt {
                Encryption::Passphrase
            } else {
                Encryption::None
            },
            ..whole_options(&a)
        },
        destination: match (&a.bucket, a.dest.clone()) {
            (Some(_), _) => PathBuf::new(),
            (None, Some(d)) => std::path::absolute(&d).unwrap_or(d),
            (None, None) => tusk_engine::paths::scheduled_dir(&a.name),
        },
        copy_to: a.copy_to.clone(),
        bucket: a.bucket.clone(),
        retention: RetentionPolicy {
            keep_last: a.keep_last,
            max_age_days: a.keep_days,
            gfs: a.gfs.then(Gfs::default),
            min_keep: a.min_keep,
            ..Default::default()
        },
        verify_after: a.verify,
        notify: match a.notify {
            NotifyArg::Never => NotifyOn::Never,
            NotifyArg::Failure => NotifyOn::Failure,
            NotifyArg::Always => NotifyOn::Always,
        },
        notify_via: a.notify_via.iter().map(|n| n.trim().to_string()).collect(),
        max_retries: a.retries,
        retry_delay_secs: a.retry_delay,
        created_at: now,
    };
    tusk_engine::schedule::prepare(&schedule).map_err(EngineError::InvalidOptions)?;
    if a.encrypt && crate::commands::keys::saved_passphrase().is_none() {
        // Known now, not at 2 a.m.
        return Err(EngineError::InvalidOptions(
            "--encrypt uses the saved passphrase, and none is saved: save it in the app (Destinations → Encryption), or point TUSK_PASSPHRASE_FILE at a file holding it wherever the daemon runs".into(),
        ));
    }
    for dest in schedule.copy_to.iter().chain(&schedule.bucket) {
        // Known now, not at 2 a.m.
        config.destination(dest, None)?;
    }
    for channel in &schedule.notify_via {
        config
            .channel(channel)
            .map_err(EngineError::InvalidOptions)?;
    }
    c.save_schedule(&schedule)?;
    if a.json {
        print_json(&schedule);
    } else {
        render::print_summary(&ScheduleSummary {
            stats: Default::default(),
            schedule,
        });
    }
    Ok(exit::OK)
}
