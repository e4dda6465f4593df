//! Reads and writes of the catalog's schedules, their runs, and settings.

use super::store::{from_json, opt_ts, parse_ts, to_json, ts};
use super::{
    this_process, Catalog, CatalogError, CatalogResult, RunStatus, Schedule, ScheduleRun,
    ScheduleStats, ScheduleSummary,
};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

const RUN_COLUMNS: &str =
    "id, schedule_id, scheduled_for, started_at, finished_at, status, attempts, backup_id, error, pruned";

fn run_from_row(r: &Row) -> rusqlite::Result<ScheduleRun> {
    let status: String = r.get(5)?;
    Ok(ScheduleRun {
        id: r.get(0)?,
        schedule_id: r.get(1)?,
        scheduled_for: parse_ts(&r.get::<_, String>(2)?)?,
        started_at: parse_ts(&r.get::<_, String>(3)?)?,
        finished_at: opt_ts(r.get(4)?)?,
        status: RunStatus::parse(&status).unwrap_or(RunStatus::Failed),
        attempts: r.get(6)?,
        backup_id: r.get(7)?,
        error: r.get(8)?,
        pruned: r.get(9)?,
    })
}

fn schedule_from_row(r: &Row) -> rusqlite::Result<Schedule> {
    let mut s: Schedule = from_json(&r.get::<_, String>(0)?)?;
    s.next_run_at = opt_ts(r.get(1)?)?;
    Ok(s)
}

impl Catalog {
    // ---------------------------------------------------------------- schedules

    /// Creates or replaces a schedule.
    pub fn save_schedule(&self, s: &Schedule) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO schedules (id, spec, next_run_at, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, next_run_at = excluded.next_run_at",
                params![s.id, to_json(s), s.next_run_at.map(ts), ts(s.created_at)],
            )
        })?;
        Ok(())
    }

    pub fn get_schedule(&self, id: &str) -> CatalogResult<Option<Schedule>> {
        self.with(|c| {
            c.query_row(
                "SELECT spec, next_run_at FROM schedules WHERE id = ?1",
                [id],
                schedule_from_row,
            )
            .optional()
        })
    }

    pub fn require_schedule(&self, id: &str) -> CatalogResult<Schedule> {
        self.get_schedule(id)?
            .ok_or_else(|| CatalogError::UnknownSchedule(id.into()))
    }

    pub fn list_schedules(&self) -> CatalogResult<Vec<Schedule>> {
        let mut all = self.with(|c| {
            let mut stmt = c.prepare("SELECT spec, next_run_at FROM schedules")?;
            let rows = stmt.query_map([], schedule_from_row)?;
            rows.collect::<Result<Vec<_>, _>>()
        })?;
        all.sort_by_key(|s| s.name.to_lowercase());
        Ok(all)
    }

    /// Deletes a schedule and its runs; its backups stay in the history.
    pub fn delete_schedule(&self, id: &str) -> CatalogResult<()> {
        let n = self.with(|c| c.execute("DELETE FROM schedules WHERE id = ?1", [id]))?;
        if n == 0 {
            return Err(CatalogError::UnknownSchedule(id.into()));
        }
        Ok(())
    }

    /// Ids of the schedules with a run in progress.
    pub fn running_schedules(&self) -> CatalogResult<Vec<String>> {
        self.with(|c| {
            let mut stmt =
                c.prepare("SELECT id FROM schedules WHERE running_run_id IS NOT NULL")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })
    }

    pub fn set_next_run(&self, id: &str, next: Option<DateTime<Utc>>) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE schedules SET next_run_at = ?2 WHERE id = ?1",
                params![id, next.map(ts)],
            )
        })?;
        Ok(())
    }

    /// Starts `run` unless another run of its schedule is in progress (in
    /// this or any other process). Atomic: two runners never both win. With
    /// `due_at` (a run because it was due, not "run now") the schedule must
    /// still be enabled and still due at that time: a runner reading an old
    /// list never runs a schedule another runner just ran.
    pub fn claim_run(
        &self,
        run: &ScheduleRun,
        due_at: Option<DateTime<Utc>>,
    ) -> CatalogResult<bool> {
        let (pid, start) = this_process();
        self.tx(|tx| {
            let claimed = tx.execute(
                "UPDATE schedules SET running_run_id = ?2, running_pid = ?3, running_start = ?4 \
                 WHERE id = ?1 AND running_run_id IS NULL AND (?5 IS NULL OR \
                 (next_run_at = ?5 AND json_extract(spec, '$.enabled') = 1))",
                params![run.schedule_id, run.id, pid, start as i64, due_at.map(ts)],
            )?;
            if claimed == 0 {
                return Ok(false);
            }
            tx.execute(
                &format!("INSERT INTO schedule_runs ({RUN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    run.id,
                    run.schedule_id,
                    ts(run.scheduled_for),
                    ts(run.started_at),
                    run.finished_at.map(ts),
                    run.status.as_str(),
                    run.attempts,
                    run.backup_id,
                    run.error,
                    run.pruned,
                ],
            )?;
            Ok(true)
        })
    }

    /// Writes a run's progress; when it has ended, releases its schedule.
    pub fn update_run(&self, run: &ScheduleRun) -> CatalogResult<()> {
        self.tx(|tx| {
            tx.execute(
                "UPDATE schedule_runs SET finished_at = ?2, status = ?3, attempts = ?4, backup_id = ?5, \
                 error = ?6, pruned = ?7 WHERE id = ?1",
                params![
                    run.id,
                    run.finished_at.map(ts),
                    run.status.as_str(),
                    run.attempts,
                    run.backup_id,
                    run.error,
                    run.pruned,
                ],
            )?;
            if run.status != RunStatus::Running {
                tx.execute(
                    "UPDATE schedules SET running_run_id = NULL, running_pid = NULL, running_start = NULL \
                     WHERE id = ?1 AND running_run_id = ?2",
                    params![run.schedule_id, run.id],
                )?;
            }
            Ok(())
        })
    }

    pub fn runs(&self, schedule_id: &str, limit: u32) -> CatalogResult<Vec<ScheduleRun>> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM schedule_runs WHERE schedule_id = ?1 \
                 ORDER BY started_at DESC LIMIT {limit}"
            ))?;
            let rows = stmt.query_map([schedule_id], run_from_row)?;
            rows.collect()
        })
    }

    pub fn schedule_stats(&self, schedule_id: &str) -> CatalogResult<ScheduleStats> {
        let (total, ok, failed, running): (u64, u64, u64, bool) = self.with(|c| {
            c.query_row(
                "SELECT count(*), \
                 coalesce(sum(status = 'succeeded'), 0), \
                 coalesce(sum(status IN ('failed', 'interrupted')), 0), \
                 (SELECT running_run_id IS NOT NULL FROM schedules WHERE id = ?1) \
                 FROM schedule_runs WHERE schedule_id = ?1",
                [schedule_id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get::<_, Option<bool>>(3)?.unwrap_or(false),
                    ))
                },
            )
        })?;
        Ok(ScheduleStats {
            total_runs: total,
            successful_runs: ok,
            failed_runs: failed,
            last_run: self.runs(schedule_id, 1)?.into_iter().next(),
            running,
        })
    }

    pub fn schedule_summaries(&self) -> CatalogResult<Vec<ScheduleSummary>> {
        self.list_schedules()?
            .into_iter()
            .map(|schedule| {
                Ok(ScheduleSummary {
                    stats: self.schedule_stats(&schedule.id)?,
                    schedule,
                })
            })
            .collect()
    }

    // ---------------------------------------------------------------- settings

    pub fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> CatalogResult<Option<T>> {
        let text: Option<String> = self.with(|c| {
            c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        })?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub fn set_setting<T: serde::Serialize>(&self, key: &str, value: &T) -> CatalogResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, to_json(value)],
            )
        })?;
        Ok(())
    }
}
