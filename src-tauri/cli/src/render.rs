//! What the CLI prints: a progress bar on a terminal, plain lines elsewhere,
//! JSON with `--json`.

use chrono::{DateTime, Local, Utc};
use indicatif::{HumanBytes, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;
use tusk_engine::catalog::{
    BackupRecord, BackupStatus, RestoreRecord, ScheduleRun, ScheduleSummary, Verification,
    VerifyStatus,
};
use tusk_engine::restore::guarded::RestoreSafety;
use tusk_engine::restore::RestorePreflight;
use tusk_engine::schedule::runner::Notice;
use tusk_engine::server::tools::{pick, ToolInfo, TOOL_NAMES};
use tusk_engine::server::ServerInfo;
use tusk_engine::{
    BackupInfo, BackupPlan, EngineError, JobEvent, JobOutcome, JobStatus, ToolSearch,
};

pub fn print_json<T: Serialize>(value: &T) {
    out!(
        "{}",
        serde_json::to_string_pretty(value).expect("serialisable")
    );
}

pub fn error(e: &EngineError, json: bool) {
    if json {
        print_json(&serde_json::json!({ "error": e.to_payload() }));
        return;
    }
    err!("error: {e}");
    if let EngineError::Connection { hint, detail, .. } = e {
        err!("hint: {hint}");
        if !detail.is_empty() {
            err!("\n{detail}");
        }
    }
}

/// Follows a running job.
pub struct Reporter {
    json: bool,
    bar: ProgressBar,
    /// `TUSK_PROGRESS_TRACE=file`: one JSON line per progress event, for
    /// bench/ to measure how well the percentage tracks time.
    trace: Option<Mutex<std::fs::File>>,
}

impl Reporter {
    pub fn new(json: bool, verb: &str) -> Self {
        let bar = if !json && std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr_with_hz(10));
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{verb} {{bar:30.cyan/blue}} {{percent:>3}}%  {{msg}}"
                ))
                .expect("valid template")
                .progress_chars("█▉▊▋▌▍▎▏ "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        let trace = std::env::var_os("TUSK_PROGRESS_TRACE")
            .and_then(|p| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .ok()
            })
            .map(Mutex::new);
        Reporter { json, bar, trace }
    }

    pub fn start(&self, command: &str, why: &str) {
        if !self.json {
            err!("{why}\n$ {command}");
        }
    }

    pub fn warn(&self, message: &str) {
        if !self.json {
            self.bar.suspend(|| err!("warning: {message}"));
        }
    }

    pub fn event(&self, event: JobEvent) {
        if let JobEvent::Progress(p) = event {
            if let Some(trace) = &self.trace {
                let line = serde_json::json!({ "t_ms": p.elapsed_ms, "percent": p.percent, "phase": p.phase });
                let _ = writeln!(trace.lock().expect("trace lock"), "{line}");
            }
            self.bar.set_position((p.percent * 10.0) as u64);
            let eta = p
                .eta_ms
                .map(|ms| format!(", {} left", HumanDuration(Duration::from_millis(ms as u64))))
                .unwrap_or_default();
            let object = p.current_object.unwrap_or_default();
            self.bar.set_message(format!(
                "{}{eta}  {object}",
                HumanBytes(p.bytes_written.max(0) as u64)
            ));
        }
    }

    /// Removes the bar (a job that ends without an outcome to print).
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }

    pub fn finish(&self, outcome: &JobOutcome) {
        self.bar.finish_and_clear();
        if self.json {
            print_json(outcome);
            return;
        }
        let took = HumanDuration(Duration::from_millis(outcome.duration_ms.max(0) as u64));
        match outcome.status {
            JobStatus::Completed | JobStatus::CompletedWithWarnings => {
                let place = outcome.location.clone().or_else(|| {
                    outcome
                        .output_path
                        .as_ref()
                        .map(|p| p.display().to_string())
                });
                match (place, outcome.size_bytes) {
                    (Some(place), Some(size)) => {
                        err!("done: {place} ({}) in {took}", HumanBytes(size))
                    }
                    _ => err!("done in {took}"),
                }
                // A difference is among the warnings.
                if let Some(check) = outcome
                    .row_check
                    .as_ref()
                    .filter(|c| c.differing.is_empty())
                {
                    err!("rows checked on the target: {}", check.summary);
                }
                for w in &outcome.warnings {
                    err!("warning: {w}");
                }
                if outcome.status == JobStatus::CompletedWithWarnings {
                    outcome.errors.iter().for_each(|l| err!("  {l}"));
                }
            }
            JobStatus::Cancelled => err!("cancelled after {took}; nothing was kept"),
            _ => {
                if let Some(e) = &outcome.error {
                    err!("failed: {}\nhint: {}", e.summary, e.hint);
                }
                for w in &outcome.warnings {
                    err!("warning: {w}");
                }
                if !outcome.last_lines.is_empty() {
                    err!("\nlast lines of the log:");
                    outcome.last_lines.iter().for_each(|l| err!("  {l}"));
                }
            }
        }
    }
}

pub fn server_backup_plan(plan: &tusk_engine::cluster::backup::ServerBackupPlan, json: bool) {
    if json {
        return print_json(plan);
    }
    out!("{}", plan.command);
    err!("{} | {}", plan.pg_dump.reason, plan.pg_dumpall.reason);
    for d in &plan.databases {
        match &d.left_out_because {
            None => err!(
                "  + {} ({}, owner {})",
                d.name,
                HumanBytes(d.bytes),
                d.owner
            ),
            Some(why) => err!("  - {} (left out: {why})", d.name),
        }
    }
    plan.warnings.iter().for_each(|w| err!("warning: {w}"));
}

pub fn server_restore_plan(plan: &tusk_engine::cluster::restore::ServerRestorePlan, json: bool) {
    if json {
        return print_json(plan);
    }
    out!(
        "server backup of {} (PostgreSQL {}), taken {}",
        plan.contents.server,
        plan.contents.server_version,
        plan.contents
            .taken_at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    );
    if plan.globals {
        err!("  roles and tablespaces first");
        if !plan.existing_roles.is_empty() {
            err!(
                "    already on the target, left as they are: {}",
                plan.existing_roles.join(", ")
            );
        }
    }
    for d in &plan.databases {
        err!(
            "  {} {}",
            d.name,
            if d.into_existing {
                "(exists with no tables: restored into)"
            } else {
                "(created from its archive)"
            }
        );
    }
    plan.warnings.iter().for_each(|w| err!("warning: {w}"));
}

pub fn backup_plan(plan: &BackupPlan, json: bool) {
    if json {
        return print_json(plan);
    }
    out!("{}", plan.command);
    err!(
        "server: {} | {} | {} table(s), about {} of table data",
        plan.server.version_text,
        plan.pg_dump.reason,
        plan.tables,
        HumanBytes(plan.estimated_bytes)
    );
}

pub fn preflight(p: &RestorePreflight, safety: Option<&RestoreSafety>, json: bool) {
    if json {
        return print_json(&serde_json::json!({ "preflight": p, "safety": safety }));
    }
    out!("{}", p.command);
    err!(
        "target: \"{}\"{} | {}",
        p.target_database,
        if p.creates_database { " (new)" } else { "" },
        p.tool.reason
    );
    if !p.will_drop.is_empty() {
        err!("clean will drop {} object(s) first:", p.will_drop.len());
        p.will_drop.iter().take(20).for_each(|o| err!("  {o}"));
    }
    p.warnings.iter().for_each(|w| err!("warning: {w}"));
    if let Some(s) = safety {
        if let (Some(path), Some(why)) = (&s.safety_backup, &s.safety_reason) {
            err!(
                "safety backup: {why}, so the target is backed up to {} first",
                path.display()
            );
        }
        if s.checks_checksum {
            err!("checksum: checked against the history before anything is touched");
        }
        if let (Some(temp), Some(keep)) = (&s.swap_temp_database, &s.swap_keep_as) {
            err!("swap: restored into \"{temp}\", then renamed in; the current database is kept as \"{keep}\"");
        }
    }
}

pub fn info(info: &BackupInfo, json: bool, entries: bool) {
    if json {
        return print_json(info);
    }
    let c = &info.contents;
    let unknown = || "unknown".to_string();
    out!("path:         {}", info.path.display());
    out!(
        "format:       {}{}",
        info.format.as_str(),
        if info.gzipped_plain {
            ", gzip-compressed"
        } else if info.zstd {
            ", inside a zstd stream (Tusk restores it; stock pg_restore after zstd -d)"
        } else {
            ""
        }
    );
    out!("size:         {}", HumanBytes(info.size_bytes));
    out!(
        "database:     {}",
        info.database.clone().unwrap_or_else(unknown)
    );
    out!(
        "created:      {}",
        info.created.map(|d| d.to_rfc3339()).unwrap_or_else(unknown)
    );
    out!("server:       PostgreSQL {}", info.server_version);
    out!("pg_dump:      {}", info.pg_dump_version);
    let level = info
        .compression
        .level
        .map(|l| format!(" level {l}"))
        .unwrap_or_default();
    out!("compression:  {}{level}", info.compression.algorithm);
    out!(
        "contents:     {} schema(s), {} table(s), {} function(s), {} view(s), {} sequence(s), {} index(es), {} trigger(s), {} constraint(s), {} large object(s)",
        c.schemas.len(), c.tables.len(), c.functions, c.views, c.sequences, c.indexes, c.triggers, c.constraints, c.blob_count
    );
    out!("tables:");
    for t in &c.tables {
        let size = t
            .data_bytes
            .map(|b| format!("  ({})", HumanBytes(b)))
            .unwrap_or_default();
        out!("  {}.{}{size}", t.schema, t.name);
    }
    if entries {
        out!("entries:");
        for e in &info.entries {
            out!(
                "  {:>6}  {:<16} {}{}",
                e.id,
                e.kind,
                e.schema
                    .as_deref()
                    .map(|s| format!("{s}."))
                    .unwrap_or_default(),
                e.name
            );
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolsReport<'a> {
    found: &'a [ToolInfo],
    server: Option<&'a ServerInfo>,
    chosen: Vec<serde_json::Value>,
}

pub fn tools(found: &[ToolInfo], server: Option<&ServerInfo>, search: &ToolSearch, json: bool) {
    let chosen: Vec<serde_json::Value> = TOOL_NAMES
        .iter()
        .map(|name| match pick(found, name, server.map(|s| s.version), search) {
            Ok(c) => serde_json::json!({ "tool": name, "path": c.tool.path, "version": c.tool.version.to_string(), "reason": c.reason }),
            Err(e) => serde_json::json!({ "tool": name, "error": e.to_string() }),
        })
        .collect();
    if json {
        return print_json(&ToolsReport {
            found,
            server,
            chosen,
        });
    }
    out!("found:");
    for t in found {
        let compression = if t.compression.is_empty() {
            String::new()
        } else {
            format!("  (compresses with {})", t.compression.join(", "))
        };
        out!(
            "  {:<11} {:<8} {}{compression}",
            t.name,
            t.version.to_string(),
            t.path.display()
        );
    }
    if let Some(s) = server {
        out!("server: {}", s.version_text);
    }
    out!("would use:");
    for c in chosen {
        match c.get("error") {
            Some(e) => out!(
                "  {:<11} {}",
                c["tool"].as_str().unwrap_or_default(),
                e.as_str().unwrap_or_default()
            ),
            None => out!(
                "  {:<11} {}  ({})",
                c["tool"].as_str().unwrap_or_default(),
                c["path"].as_str().unwrap_or_default(),
                c["reason"].as_str().unwrap_or_default()
            ),
        }
    }
}

pub fn server(s: &ServerInfo, json: bool) {
    if json {
        return print_json(s);
    }
    out!(
        "connected to \"{}\" as {}: {}",
        s.database,
        s.user,
        s.version_text
    );
}

pub fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn status_label(b: &BackupRecord) -> &'static str {
    match b.status {
        BackupStatus::Running => "running",
        BackupStatus::Completed => "ok",
        BackupStatus::CompletedWithWarnings => "warnings",
        BackupStatus::Failed => "FAILED",
        BackupStatus::Cancelled => "cancelled",
        BackupStatus::Interrupted => "interrupted",
    }
}

pub fn verified_label(b: &BackupRecord) -> String {
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

pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

pub fn print_notice(n: Notice) {
    err!(
        "{}: {} {}",
        if n.failed { "FAILED" } else { "done" },
        n.title,
        n.body
    );
}

pub fn print_summary(s: &ScheduleSummary) {
    let sch = &s.schedule;
    out!(
        "{}  {}  [{}]\n    {} · {} → {}{}\n    runs: {} ok, {} failed{} · next: {}",
        &sch.id[..sch.id.len().min(8)],
        sch.name,
        if sch.enabled { "enabled" } else { "disabled" },
        tusk_engine::schedule::describe(&sch.trigger, &sch.timezone),
        sch.source.database,
        match &sch.bucket {
            Some(bucket) => format!("bucket {bucket}"),
            None if sch.copy_to.is_empty() => sch.destination.display().to_string(),
            None => format!(
                "{} (copied to {})",
                sch.destination.display(),
                sch.copy_to.join(", ")
            ),
        },
        match (sch.notify, sch.notify_via.is_empty()) {
            (tusk_engine::catalog::NotifyOn::Never, _) | (_, true) => String::new(),
            (on, false) => format!(
                "\n    notifies {} via {}",
                if on == tusk_engine::catalog::NotifyOn::Always {
                    "every run"
                } else {
                    "failures"
                },
                sch.notify_via.join(", ")
            ),
        },
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

pub fn print_run(r: &ScheduleRun) {
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

/// The lines `tusk list` and `tusk restores` print for each mark.
pub fn print_incomplete(records: &[RestoreRecord]) {
    for r in records {
        err!(
            "! {} (from {}): it holds part of the backup. Restore it again, or drop it: tusk restores drop {} --yes",
            describe_restore(r),
            r.input_path.display(),
            r.id
        );
    }
}

/// "incomplete restore of "shop" on db:5432 at 2026-12-05 14:02".
pub fn describe_restore(r: &RestoreRecord) -> String {
    let server = match (&r.host, r.port) {
        (Some(h), Some(p)) => format!(" on {h}:{p}"),
        (Some(h), None) => format!(" on {h}"),
        _ => String::new(),
    };
    format!(
        "incomplete restore of \"{}\"{server} at {}",
        r.database,
        r.started_at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    )
}

/// A size for a person, or `-` when there is none.
pub fn size(bytes: Option<u64>) -> String {
    bytes
        .map(|s| HumanBytes(s).to_string())
        .unwrap_or_else(|| "-".into())
}

/// How long a job took, or `-`.
pub fn took(ms: Option<i64>) -> String {
    ms.map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
        .unwrap_or_else(|| "-".into())
}

/// `tusk list`: the history as a table.
pub fn backup_table(items: &[BackupRecord]) {
    out!(
        "{:<8}  {:<16}  {:<28}  {:<10}  {:>9}  {:>8}  {:<11}  {:<12}  WHERE",
        "ID",
        "WHEN",
        "NAME",
        "REASON",
        "SIZE",
        "TOOK",
        "STATUS",
        "VERIFIED"
    );
    for b in items {
        out!(
            "{:<8}  {:<16}  {:<28}  {:<10}  {:>9}  {:>8}  {:<11}  {:<12}  {}",
            &b.id[..b.id.len().min(8)],
            when(b.started_at),
            truncate(&b.name, 28),
            b.reason.as_str(),
            size(b.size_bytes),
            took(b.duration_ms),
            status_label(b),
            verified_label(b),
            where_label(b)
        );
    }
}

/// `tusk list --dest`: a bucket's backups, with the key to restore each.
pub fn bucket_table(items: &[tusk_engine::storage::RemoteBackup]) {
    out!(
        "{:<8}  {:<16}  {:<20}  {:>9}  {:<11}  KEY",
        "ID",
        "WHEN",
        "DATABASE",
        "SIZE",
        "MADE ON"
    );
    for r in items {
        let b = &r.record;
        out!(
            "{:<8}  {:<16}  {:<20}  {:>9}  {:<11}  {}",
            &b.id[..b.id.len().min(8)],
            when(b.started_at),
            truncate(&b.source.database, 20),
            size(b.size_bytes),
            truncate(b.source.host.as_deref().unwrap_or("local socket"), 11),
            r.key
        );
    }
}

/// Where a backup is: `local`, each bucket's name, or both.
pub fn where_label(b: &BackupRecord) -> String {
    let mut places: Vec<String> = Vec::new();
    if !b.is_remote_only() && b.status.is_success() {
        places.push(
            if b.file_exists {
                "local"
            } else {
                "local (missing)"
            }
            .into(),
        );
    }
    places.extend(b.copies.iter().map(|c| c.destination.clone()));
    places.join(", ")
}

/// `tusk show`: one backup, a field a line.
pub fn backup_detail(b: &BackupRecord) {
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
    if !b.is_remote_only() {
        out!(
            "file:      {}{}",
            b.path.display(),
            if b.file_exists { "" } else { "  (MISSING)" }
        );
    }
    if let Some(r) = b.rows {
        out!("rows:      {} in {} tables", r.rows, r.tables);
    }
    for copy in &b.copies {
        out!(
            "in bucket: {} ({}, stored {})",
            copy.location(),
            size(copy.size_bytes),
            when(copy.stored_at)
        );
    }
    out!(
        "format:    {} · compression {}",
        b.format.as_str(),
        b.compression
    );
    out!("size:      {}", size(b.size_bytes));
    out!("sha256:    {}", b.sha256.as_deref().unwrap_or("-"));
    out!(
        "versions:  server {} · pg_dump {}",
        b.server_version.as_deref().unwrap_or("?"),
        b.pg_dump_version.as_deref().unwrap_or("?")
    );
    out!(
        "started:   {} · took {}",
        when(b.started_at),
        took(b.duration_ms)
    );
    out!(
        "status:    {} · reason {}",
        status_label(b),
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
}

/// `tusk verify`: each check, the tables whose rows differ, and the verdict.
pub fn verification(v: &Verification) {
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
