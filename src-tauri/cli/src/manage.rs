//! The history and automation commands: `list`, `show`, `verify`, `delete`,
//! `prune`, `import`, `schedule …`, `daemon`, `catalog …`.

use crate::args::{backup_options, ConnArgs, DumpArgs};
use crate::config::Config;
use crate::exit;
use crate::render::print_json;
use chrono::{DateTime, Local, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::HumanBytes;
use std::path::{Path, PathBuf};
use tusk_engine::catalog::{
    BackupQuery, BackupRecord, BackupStatus, Catalog, NotifyOn, Schedule, ScheduleRun,
    ScheduleSummary, Source, Trigger, VerifyStatus,
};
use tusk_engine::retention::{Gfs, PruneDecision, RetentionPolicy};
use tusk_engine::scheduler::{plan_prune, Notice, RunKind, Runner, SystemClock};
use tusk_engine::secrets::{Keychain, OsKeychain};
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{EngineError, Secret, ToolSearch};

/// Opens the catalog (`--catalog`, `$TUSK_CATALOG`, or the data folder) and
/// says on stderr what opening it repaired.
pub fn open_catalog(path: Option<&Path>) -> Result<Catalog, EngineError> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("TUSK_CATALOG").map(PathBuf::from))
        .unwrap_or_else(tusk_engine::paths::catalog_path);
    let (catalog, report) = Catalog::open(&path)?;
    if report.rebuilt {
        err!(
            "warning: the catalog {} was damaged; it was rebuilt ({} backup(s) from its copy, {} from sidecar files; the damaged file is {})",
            path.display(),
            report.restored_from_copy,
            report.imported,
            report
                .damaged_copy
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    for id in &report.interrupted {
        err!("warning: backup {id} was interrupted (its process stopped); its partial file was removed");
    }
    Ok(catalog)
}

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

#[derive(Args)]
pub struct IdArgs {
    /// Backup id (or its first characters), or the backup's path.
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Backup id (or its first characters), or the backup's path.
    id: String,
    /// Check the file only: checksum and archive, no test restore.
    #[arg(long)]
    no_restore: bool,
    /// Server for the test restore (default: the one the backup came from).
    #[command(flatten)]
    conn: ConnArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// Backup id (or its first characters), or the backup's path.
    id: String,
    /// Remove the record only; leave the file.
    #[arg(long)]
    keep_file: bool,
    /// Confirm.
    #[arg(long)]
    yes: bool,
    #[arg(long)]
    pub json: bool,
}

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

#[derive(Args)]
pub struct ImportArgs {
    /// Folder holding backups with their `.tusk.json` sidecars.
    folder: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    pub action: CatalogAction,
}

#[derive(Subcommand)]
pub enum CatalogAction {
    /// Run SQLite's integrity check on the catalog.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Write the catalog's own online copy (used to rebuild a damaged catalog).
    Backup {
        #[arg(long)]
        json: bool,
    },
}

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
    #[command(flatten)]
    dump: DumpArgs,
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
    #[arg(long, value_enum, default_value = "failure")]
    notify: NotifyArg,
    /// Further attempts after a failure.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// Seconds before the first retry (doubled each time).
    #[arg(long, default_value_t = 60)]
    retry_delay: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DaemonArgs {
    /// Seconds between checks for due schedules.
    #[arg(long, default_value_t = 30)]
    interval: u64,
    /// Check once and exit.
    #[arg(long)]
    once: bool,
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

/// A backup by id, unique id prefix, or path.
fn find_backup(c: &Catalog, key: &str) -> Result<BackupRecord, EngineError> {
    if let Some(b) = c.get_backup(key)? {
        return Ok(b);
    }
    if let Some(b) = c.backup_at(Path::new(key))? {
        return Ok(b);
    }
    let matching = c.backups_with_prefix(key, 2)?;
    match matching.len() {
        1 => Ok(matching.into_iter().next().expect("one")),
        0 => Err(tusk_engine::catalog::CatalogError::UnknownBackup(key.into()).into()),
        n => Err(EngineError::InvalidOptions(format!(
            "`{key}` matches {n} backups: give more of the id"
        ))),
    }
}

/// A schedule by id, unique id prefix, or name.
fn find_schedule(c: &Catalog, key: &str) -> Result<Schedule, EngineError> {
    let all = c.list_schedules()?;
    let matching: Vec<&Schedule> = all
        .iter()
        .filter(|s| s.id == key || s.name == key)
        .chain(all.iter().filter(|s| s.id.starts_with(key)))
        .collect();
    match matching.first() {
        Some(s) if matching.iter().all(|m| m.id == s.id) => Ok((*s).clone()),
        Some(_) => Err(EngineError::InvalidOptions(format!(
            "`{key}` matches several schedules: give more of the id"
        ))),
        None => Err(tusk_engine::catalog::CatalogError::UnknownSchedule(key.into()).into()),
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn status_label(b: &BackupRecord) -> &'static str {
    match b.status {
        BackupStatus::Running => "running",
        BackupStatus::Completed => "ok",
        BackupStatus::CompletedWithWarnings => "warnings",
        BackupStatus::Failed => "FAILED",
        BackupStatus::Cancelled => "cancelled",
        BackupStatus::Interrupted => "interrupted",
    }
}

fn verified_label(b: &BackupRecord) -> String {
    match &b.verification {
        Some(v) if v.status == VerifyStatus::Passed => {
            let ago = Utc::now() - v.checked_at;
            let ago = if ago.num_days() > 0 {
                format!("{} d ago", ago.num_days())
            } else if ago.num_hours() > 0 {
                format!("{} h ago", ago.num_hours())
            } else if ago.num_minutes() > 0 {
                format!("{} min ago", ago.num_minutes())
            } else {
                "just now".into()
            };
            format!("verified {ago}")
        }
        Some(_) => "VERIFY FAILED".into(),
        None => String::new(),
    }
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
    crate::restores::print_incomplete(&c.incomplete_restores()?);
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
    out!(
        "{:<8}  {:<16}  {:<28}  {:<10}  {:>9}  {:>8}  {:<11}  VERIFIED",
        "ID",
        "WHEN",
        "NAME",
        "REASON",
        "SIZE",
        "TOOK",
        "STATUS"
    );
    for b in &page.items {
        out!(
            "{:<8}  {:<16}  {:<28}  {:<10}  {:>9}  {:>8}  {:<11}  {}",
            &b.id[..b.id.len().min(8)],
            when(b.started_at),
            truncate(&b.name, 28),
            b.reason.as_str(),
            b.size_bytes
                .map(|s| HumanBytes(s).to_string())
                .unwrap_or_else(|| "-".into()),
            b.duration_ms
                .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
                .unwrap_or_else(|| "-".into()),
            status_label(b),
            verified_label(b)
        );
    }
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

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

pub fn show(a: IdArgs, c: &Catalog) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    if a.json {
        print_json(&serde_json::json!({ "backup": b, "tables": c.table_rows(&b.id)? }));
        return Ok(exit::OK);
    }
    out!("id:        {}", b.id);
    out!("name:      {}", b.name);
    if let Some(d) = &b.description {
        out!("about:     {d}");
    }
    out!(
        "database:  {}{}",
        b.source.database,
        b.source
            .connection_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    );
    out!(
        "file:      {}{}",
        b.path.display(),
        if b.file_exists { "" } else { "  (MISSING)" }
    );
    out!(
        "format:    {} · compression {}",
        b.format.as_str(),
        b.compression
    );
    out!(
        "size:      {}",
        b.size_bytes
            .map(|s| HumanBytes(s).to_string())
            .unwrap_or_else(|| "-".into())
    );
    out!("sha256:    {}", b.sha256.as_deref().unwrap_or("-"));
    out!(
        "versions:  server {} · pg_dump {}",
        b.server_version.as_deref().unwrap_or("?"),
        b.pg_dump_version.as_deref().unwrap_or("?")
    );
    out!(
        "started:   {} · took {}",
        when(b.started_at),
        b.duration_ms
            .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
            .unwrap_or_else(|| "-".into())
    );
    out!(
        "status:    {} · reason {}",
        status_label(&b),
        b.reason.as_str()
    );
    if let Some(e) = &b.error {
        out!("error:     {e}");
    }
    if let Some(v) = &b.verification {
        out!(
            "verified:  {} at {}: {}",
            if v.status == VerifyStatus::Passed {
                "passed"
            } else {
                "FAILED"
            },
            when(v.checked_at),
            v.summary
        );
    }
    Ok(exit::OK)
}

pub async fn verify(
    a: VerifyArgs,
    c: &Catalog,
    config: &Config,
    search: &ToolSearch,
) -> Result<u8, EngineError> {
    let backup = find_backup(c, &a.id)?;
    let restore_on = if a.no_restore {
        None
    } else if a.conn.given() {
        Some(a.conn.resolve(config)?)
    } else {
        Some(connection_of(&backup.source, None))
    };
    let reporter = crate::render::Reporter::new(a.json, "Verifying");
    let req = VerifyRequest {
        id: uuid::Uuid::new_v4().to_string(),
        backup,
        restore_on,
        search,
    };
    let cancel = crate::args::cancel_on_interrupt();
    let v = verify_backup(c, req, &cancel, &|e| reporter.event(e)).await?;
    reporter.clear();
    if a.json {
        print_json(&v);
    } else {
        for check in &v.checks {
            out!(
                "{} {:<12} {}",
                if check.ok { "✓" } else { "✗" },
                check.name,
                check.detail
            );
        }
        let wrong: Vec<_> = v.tables.iter().filter(|t| !t.matches()).collect();
        for t in wrong {
            out!(
                "  {}.{}: {:?} in the backup, {:?} restored",
                t.schema,
                t.name,
                t.expected,
                t.restored
            );
        }
        out!("{}", v.summary);
    }
    Ok(if v.status == VerifyStatus::Passed {
        exit::OK
    } else {
        exit::FAILED
    })
}

/// The connection a record or schedule names, with its keychain password.
fn connection_of(s: &Source, sslmode: Option<String>) -> tusk_engine::ConnectionSpec {
    tusk_engine::ConnectionSpec {
        host: s.host.clone(),
        port: s.port,
        database: Some(s.database.clone()),
        user: s.user.clone(),
        password: s
            .connection_id
            .as_deref()
            .and_then(|id| OsKeychain.get(id))
            .map(Secret::new),
        sslmode,
        ..Default::default()
    }
}

pub fn delete(a: DeleteArgs, c: &Catalog) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    if !a.yes {
        return Err(EngineError::InvalidOptions(format!(
            "this deletes \"{}\"{}: add --yes to confirm",
            b.name,
            if a.keep_file {
                " from the history"
            } else {
                " and its file"
            }
        )));
    }
    let deleted = tusk_engine::history::delete_backup(c, &b.id, a.keep_file)?;
    if a.json {
        print_json(
            &serde_json::json!({ "deleted": b.id, "fileRemoved": deleted.file_removed, "keptBecause": deleted.kept_because }),
        );
    } else {
        err!("deleted {} from the history", b.name);
        match deleted.kept_because {
            Some(why) => err!("kept the file {} ({why})", b.path.display()),
            None => err!("removed {} and its sidecars", b.path.display()),
        }
    }
    Ok(exit::OK)
}

pub fn prune(a: PruneArgs, c: &Catalog, search: &ToolSearch) -> Result<u8, EngineError> {
    let schedules = match &a.schedule {
        Some(key) => vec![find_schedule(c, key)?],
        None => c.list_schedules()?,
    };
    let mut report = Vec::new();
    for s in &schedules {
        let decisions = if a.dry_run {
            plan_prune(c, s, Utc::now()).map_err(EngineError::InvalidOptions)?
        } else {
            runner(c, search, &|_| {})
                .prune(s)
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
                .map(|b| format!("{} ({})", b.name, when(b.started_at)))
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

pub fn import(a: ImportArgs, c: &Catalog) -> Result<u8, EngineError> {
    if !a.folder.is_dir() {
        return Err(EngineError::InvalidOptions(format!(
            "{} is not a folder",
            a.folder.display()
        )));
    }
    let report = c.import_folder(&a.folder, false)?;
    if a.json {
        print_json(&report);
    } else {
        err!(
            "imported {} backup(s); {} already known",
            report.imported.len(),
            report.already_known.len()
        );
        report.skipped.iter().for_each(|s| err!("skipped: {s}"));
    }
    Ok(exit::OK)
}

pub fn catalog(a: CatalogArgs, c: &Catalog) -> Result<u8, EngineError> {
    match a.action {
        CatalogAction::Check { json } => {
            let result = c.integrity_check()?;
            if json {
                print_json(&serde_json::json!({ "path": c.path(), "integrity": result }));
            } else {
                out!("{}: {result}", c.path().display());
            }
            Ok(if result == "ok" {
                exit::OK
            } else {
                exit::FAILED
            })
        }
        CatalogAction::Backup { json } => {
            let copy = c.backup_self()?;
            if json {
                print_json(&serde_json::json!({ "copy": copy }));
            } else {
                out!("catalog copied to {} (integrity ok)", copy.display());
            }
            Ok(exit::OK)
        }
    }
}

fn runner<'a>(
    c: &'a Catalog,
    search: &'a ToolSearch,
    notify: &'a (dyn Fn(Notice) + Send + Sync),
) -> Runner<'a> {
    Runner {
        catalog: c,
        search,
        clock: &SystemClock,
        password: &|s: &Schedule| {
            s.source
                .connection_id
                .as_deref()
                .and_then(|id| OsKeychain.get(id))
                .map(Secret::new)
        },
        notify,
    }
}

fn print_notice(n: Notice) {
    err!(
        "{}: {} {}",
        if n.failed { "FAILED" } else { "done" },
        n.title,
        n.body
    );
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
                all.iter().for_each(print_summary);
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
                print_summary(&summary);
                for r in &runs {
                    print_run(r);
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
                    print_notice(n)
                }
            };
            let r = runner(c, search, &notify);
            let cancel = crate::args::cancel_on_interrupt();
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
                runs.iter().for_each(print_run);
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

fn print_summary(s: &ScheduleSummary) {
    let sch = &s.schedule;
    out!(
        "{}  {}  [{}]\n    {} · {} → {}\n    runs: {} ok, {} failed{} · next: {}",
        &sch.id[..sch.id.len().min(8)],
        sch.name,
        if sch.enabled { "enabled" } else { "disabled" },
        tusk_engine::schedule::describe(&sch.trigger, &sch.timezone),
        sch.source.database,
        sch.destination.display(),
        s.stats.successful_runs,
        s.stats.failed_runs,
        s.stats
            .last_run
            .as_ref()
            .map(|r| format!(" · last: {} {}", when(r.started_at), r.status.as_str()))
            .unwrap_or_default(),
        sch.next_run_at
            .filter(|_| sch.enabled)
            .map(when)
            .unwrap_or_else(|| "-".into())
    );
}

fn print_run(r: &ScheduleRun) {
    out!(
        "  {}  {:<11} attempts {}{}{}",
        when(r.started_at),
        r.status.as_str(),
        r.attempts,
        if r.pruned > 0 {
            format!(", {} pruned", r.pruned)
        } else {
            String::new()
        },
        r.error
            .as_deref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default()
    );
}

fn add_schedule(a: ScheduleAddArgs, c: &Catalog, config: &Config) -> Result<u8, EngineError> {
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
    let database = conn.effective_database();
    let schedule = Schedule {
        id: uuid::Uuid::new_v4().to_string(),
        name: a.name.trim().to_string(),
        enabled: true,
        source: Source {
            connection_id: None,
            connection_name: a.conn.remote.clone(),
            host: conn.host.clone(),
            port: conn.port,
            user: conn.user.clone(),
            database,
        },
        sslmode: conn.sslmode.clone(),
        next_run_at: Some(
            tusk_engine::schedule::next_run(&trigger, &timezone, now)
                .map_err(EngineError::InvalidOptions)?,
        ),
        trigger,
        timezone,
        options: backup_options(&a.dump, PathBuf::new()),
        destination: a
            .dest
            .clone()
            .map(|d| std::path::absolute(&d).unwrap_or(d))
            .unwrap_or_else(|| tusk_engine::paths::scheduled_dir(&a.name)),
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
        max_retries: a.retries,
        retry_delay_secs: a.retry_delay,
        created_at: now,
    };
    tusk_engine::schedule::prepare(&schedule).map_err(EngineError::InvalidOptions)?;
    c.save_schedule(&schedule)?;
    if a.json {
        print_json(&schedule);
    } else {
        print_summary(&ScheduleSummary {
            stats: Default::default(),
            schedule,
        });
    }
    Ok(exit::OK)
}

pub async fn daemon(a: DaemonArgs, c: &Catalog, search: &ToolSearch) -> Result<u8, EngineError> {
    let cancel = crate::args::cancel_on_interrupt();
    let notify = print_notice;
    let r = runner(c, search, &notify);
    err!(
        "tusk daemon: checking {} schedule(s) every {} s (Ctrl+C to stop)",
        c.list_schedules()?.len(),
        a.interval
    );
    loop {
        for run in r.run_due(&cancel).await {
            print_run(&run);
        }
        let _ = c.backup_self();
        if a.once || cancel.is_cancelled() {
            return Ok(exit::OK);
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(a.interval.max(1))) => {}
            _ = cancel.cancelled() => return Ok(exit::OK),
        }
    }
}
