//! Real progress: a plan of weighted work items (tables by their size, index
//! builds by their table's size, small DDL items by a fixed cost), advanced by
//! the tool's verbose log and by what the server and the kernel report about
//! items in flight. Never a count of log lines.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Stage of a job, for the phase indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    #[default]
    Preparing,
    /// A restore's safety backup of its target.
    SafetyBackup,
    /// A zstd backup decompressed before pg_restore reads it.
    Unpacking,
    Connecting,
    ReadingCatalog,
    Schema,
    Data,
    PostData,
    Verifying,
    Finishing,
}

/// One progress report. The seed's fields plus percent and ETA.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupProgress {
    pub phase: Phase,
    pub current_object: Option<String>,
    pub objects_total: Option<i64>,
    pub objects_completed: i64,
    /// Bytes of output written so far (backup) or of the archive read (restore).
    pub bytes_written: i64,
    pub elapsed_ms: i64,
    /// 0–100, weighted by work, never decreasing.
    pub percent: f64,
    /// Estimated time left; `None` until there is enough to go on.
    pub eta_ms: Option<i64>,
}

/// A piece of work whose completion moves the bar by its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItem {
    /// What the UI shows: `public.orders` or `INDEX public.orders_pkey`.
    pub label: String,
    /// Keys the log uses for this item: "TABLE DATA public.t", "TABLE DATA t", "#3352".
    pub keys: Vec<String>,
    pub weight: f64,
    /// Counts as an object for objects done / total.
    pub counted: bool,
    /// Table the item reads or builds on, for server-side progress views.
    pub table: Option<(String, String)>,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Ddl,
    Data,
    Index,
}

/// What a log line means for the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Work on the item with this key began.
    Start(String),
    /// The item with this key is done.
    Finish(String),
    Phase(Phase),
    /// The tool runs items in parallel: starting one does not end another.
    Parallel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ItemState {
    Pending,
    Running(f64),
    Done,
}

pub struct Tracker {
    items: Vec<WorkItem>,
    state: Vec<ItemState>,
    by_key: HashMap<String, Vec<usize>>,
    total_weight: f64,
    parallel: bool,
    phase: Phase,
    current: Option<usize>,
    started: Instant,
    best_percent: f64,
    bytes: u64,
}

impl Tracker {
    pub fn new(items: Vec<WorkItem>) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            for key in &item.keys {
                by_key.entry(key.clone()).or_default().push(i);
            }
        }
        let total_weight = items.iter().map(|i| i.weight).sum::<f64>().max(1.0);
        Tracker {
            state: vec![ItemState::Pending; items.len()],
            items,
            by_key,
            total_weight,
            parallel: false,
            phase: Phase::Preparing,
            current: None,
            started: Instant::now(),
            best_percent: 0.0,
            bytes: 0,
        }
    }

    pub fn items(&self) -> &[WorkItem] {
        &self.items
    }

    /// Replaces the plan once more is known (a zstd backup's data sizes,
    /// after unpacking it), keeping the clock, the phase and the percent
    /// reached; items with a key in `done` start done.
    pub fn replan(&mut self, items: Vec<WorkItem>, done: &[&str]) {
        let mut next = Tracker::new(items);
        for (i, item) in next.items.iter().enumerate() {
            if item.keys.iter().any(|k| done.contains(&k.as_str())) {
                next.state[i] = ItemState::Done;
            }
        }
        next.started = self.started;
        next.best_percent = self.best_percent;
        next.bytes = self.bytes;
        next.phase = self.phase;
        next.parallel = self.parallel;
        *self = next;
    }

    pub fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
    }

    pub fn set_bytes(&mut self, bytes: u64) {
        self.bytes = bytes;
    }

    /// Applies one signal; returns whether anything changed.
    pub fn apply(&mut self, signal: Signal) -> bool {
        match signal {
            Signal::Phase(p) => {
                let changed = self.phase != p;
                self.phase = p;
                changed
            }
            Signal::Parallel => {
                self.parallel = true;
                false
            }
            Signal::Start(key) => {
                if let Some(i) = self.first_with(&key, |s| s == ItemState::Pending) {
                    if !self.parallel {
                        self.finish_running_except(None);
                    }
                    self.state[i] = ItemState::Running(0.0);
                    self.enter(i);
                    return true;
                }
                // A probe saw it begin before its log line did.
                let Some(i) = self.first_with(&key, |s| matches!(s, ItemState::Running(_))) else {
                    return false;
                };
                if !self.parallel {
                    self.finish_running_except(Some(i));
                }
                self.enter(i);
                true
            }
            Signal::Finish(key) => {
                let found = self
                    .first_with(&key, |s| matches!(s, ItemState::Running(_)))
                    .or_else(|| self.first_with(&key, |s| s == ItemState::Pending));
                match found {
                    Some(i) => {
                        self.state[i] = ItemState::Done;
                        true
                    }
                    None => false,
                }
            }
        }
    }

    /// Item `i` has begun: it is the current one, and the phase follows it.
    fn enter(&mut self, i: usize) {
        self.current = Some(i);
        self.phase = match self.items[i].kind {
            ItemKind::Data => Phase::Data,
            ItemKind::Index => Phase::PostData,
            ItemKind::Ddl
                if self.phase == Phase::Preparing || self.phase == Phase::ReadingCatalog =>
            {
                Phase::Schema
            }
            ItemKind::Ddl => self.phase,
        };
    }

    fn first_with(&self, key: &str, want: impl Fn(ItemState) -> bool) -> Option<usize> {
        self.by_key
            .get(key)?
            .iter()
            .copied()
            .find(|&i| want(self.state[i]))
    }

    fn finish_running_except(&mut self, keep: Option<usize>) {
        for (i, s) in self.state.iter_mut().enumerate() {
            if matches!(s, ItemState::Running(_)) && keep != Some(i) {
                *s = ItemState::Done;
            }
        }
    }

    /// Marks every item done (the tool exited successfully).
    pub fn complete(&mut self) {
        self.state.fill(ItemState::Done);
    }

    /// Running items, for probes that measure them.
    pub fn running(&self) -> impl Iterator<Item = (usize, &WorkItem)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(i, _)| matches!(self.state[*i], ItemState::Running(_)))
    }

    /// Sets how far a running item is (0..1), as measured by a probe. Items not
    /// running yet are started (the probe saw them before the log did).
    pub fn set_fraction(&mut self, index: usize, fraction: f64) {
        match self.state[index] {
            ItemState::Done => return,
            // Seen by a probe before its log line: it has begun all the same.
            ItemState::Pending => self.enter(index),
            ItemState::Running(_) => {}
        }
        self.state[index] = ItemState::Running(fraction.clamp(0.0, 0.99));
    }

    /// Index of the first item (any state but done) carrying `key`.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.first_with(key, |s| s != ItemState::Done)
    }

    fn fraction_done(&self) -> f64 {
        let done: f64 = self
            .items
            .iter()
            .zip(&self.state)
            .map(|(item, s)| match s {
                ItemState::Pending => 0.0,
                ItemState::Running(f) => item.weight * f,
                ItemState::Done => item.weight,
            })
            .sum();
        (done / self.total_weight).clamp(0.0, 1.0)
    }

    /// The report to send now.
    pub fn snapshot(&mut self) -> BackupProgress {
        let percent = (self.fraction_done() * 100.0).max(self.best_percent);
        self.best_percent = percent;
        let elapsed = self.started.elapsed();
        let counted = self.items.iter().filter(|i| i.counted);
        let total = counted.clone().count() as i64;
        let completed = self
            .items
            .iter()
            .zip(&self.state)
            .filter(|(i, s)| i.counted && **s == ItemState::Done)
            .count() as i64;
        BackupProgress {
            phase: self.phase,
            current_object: self.current.map(|i| self.items[i].label.clone()),
            objects_total: (total > 0).then_some(total),
            objects_completed: completed,
            bytes_written: self.bytes as i64,
            elapsed_ms: elapsed.as_millis() as i64,
            percent: (percent * 10.0).round() / 10.0,
            eta_ms: eta(elapsed, percent),
        }
    }
}

/// Time left at the average pace so far; only once there is a pace to speak of.
pub fn eta(elapsed: Duration, percent: f64) -> Option<i64> {
    if !(1.0..100.0).contains(&percent) || elapsed < Duration::from_millis(500) {
        return None;
    }
    let total = elapsed.as_secs_f64() * 100.0 / percent;
    Some(((total - elapsed.as_secs_f64()) * 1000.0) as i64)
}

/// Lets through at most one report per interval (20 per second by default).
pub struct Throttle {
    interval: Duration,
    last: Option<Instant>,
}

impl Throttle {
    pub fn new(per_second: u32) -> Self {
        Throttle {
            interval: Duration::from_millis(1000 / per_second.max(1) as u64),
            last: None,
        }
    }

    pub fn ready(&mut self) -> bool {
        let now = Instant::now();
        match self.last {
            Some(t) if now.duration_since(t) < self.interval => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }
}

/// Reads pg_dump's verbose log.
pub fn pg_dump_signal(line: &str) -> Option<Signal> {
    let msg = line.strip_prefix("pg_dump: ")?;
    if let Some(rest) = msg.strip_prefix("dumping contents of table ") {
        return Some(Signal::Start(format!(
            "TABLE DATA {}",
            rest.trim_matches('"')
        )));
    }
    if let Some(rest) = msg.strip_prefix("finished item ") {
        return finished_item(rest);
    }
    if msg.starts_with("reading ") || msg.starts_with("finding ") || msg.starts_with("identifying ")
    {
        return Some(Signal::Phase(Phase::ReadingCatalog));
    }
    if msg.starts_with("saving ") {
        return Some(Signal::Phase(Phase::Schema));
    }
    None
}

/// Reads pg_restore's verbose log.
pub fn pg_restore_signal(line: &str) -> Option<Signal> {
    let msg = line.strip_prefix("pg_restore: ")?;
    if msg.starts_with("entering main parallel loop") {
        return Some(Signal::Parallel);
    }
    if let Some(rest) = msg.strip_prefix("launching item ") {
        let id = rest.split_whitespace().next()?;
        return Some(Signal::Start(format!("#{id}")));
    }
    if let Some(rest) = msg.strip_prefix("finished item ") {
        let id = rest.split_whitespace().next()?;
        return Some(Signal::Finish(format!("#{id}")));
    }
    if let Some(rest) = msg.strip_prefix("processing data for table ") {
        return Some(Signal::Start(format!(
            "TABLE DATA {}",
            rest.trim_matches('"')
        )));
    }
    if msg == "processing BLOBS" {
        return Some(Signal::Start("BLOBS BLOBS".into()));
    }
    for prefix in ["creating ", "executing "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            return Some(Signal::Start(ddl_key(rest)));
        }
    }
    None
}

/// `INDEX "public.t_idx"` → `INDEX public.t_idx`; `SEQUENCE SET t_id_seq` unchanged.
fn ddl_key(rest: &str) -> String {
    match rest.find('"') {
        Some(q) => format!("{}{}", &rest[..q], rest[q..].trim_matches('"')),
        None => rest.to_string(),
    }
}

/// `3352 TABLE DATA t1` → finish of "TABLE DATA t1" (pg_dump) or "#3352".
fn finished_item(rest: &str) -> Option<Signal> {
    let (_, what) = rest.split_once(' ')?;
    Some(Signal::Finish(what.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str, keys: &[&str], weight: f64, kind: ItemKind) -> WorkItem {
        WorkItem {
            label: label.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            weight,
            counted: true,
            table: None,
            kind,
        }
    }

    #[test]
    fn an_item_a_probe_saw_first_still_sets_the_phase_when_its_line_comes() {
        let mut t = Tracker::new(vec![
            item("schema", &["schema"], 10.0, ItemKind::Ddl),
            item("public.a", &["TABLE DATA public.a"], 100.0, ItemKind::Data),
            item("public.b", &["TABLE DATA public.b"], 100.0, ItemKind::Data),
        ]);
        t.apply(Signal::Start("schema".into()));
        assert_eq!(t.snapshot().phase, Phase::Schema);
        // pg_stat_progress_copy shows public.a before "dumping contents of…".
        let a = t.find("TABLE DATA public.a").unwrap();
        t.set_fraction(a, 0.4);
        assert_eq!(t.snapshot().phase, Phase::Data);
        assert!(t.apply(Signal::Start("TABLE DATA public.a".into())));
        assert_eq!(t.snapshot().current_object.as_deref(), Some("public.a"));
        // And the same for public.b: public.a is then done, not left running.
        let b = t.find("TABLE DATA public.b").unwrap();
        t.set_fraction(b, 0.1);
        t.apply(Signal::Start("TABLE DATA public.b".into()));
        let p = t.snapshot();
        assert_eq!(p.current_object.as_deref(), Some("public.b"));
        // The definitions and public.a.
        assert_eq!(p.objects_completed, 2);
    }

    #[test]
    fn sequential_dump_weights_tables_by_size() {
        let mut t = Tracker::new(vec![
            item(
                "public.big",
                &["TABLE DATA public.big", "TABLE DATA big"],
                900.0,
                ItemKind::Data,
            ),
            item(
                "public.small",
                &["TABLE DATA public.small", "TABLE DATA small"],
                100.0,
                ItemKind::Data,
            ),
        ]);
        for line in [
            "pg_dump: reading schemas",
            "pg_dump: dumping contents of table \"public.small\"",
            "pg_dump: dumping contents of table \"public.big\"",
        ] {
            if let Some(s) = pg_dump_signal(line) {
                t.apply(s);
            }
        }
        let p = t.snapshot();
        assert_eq!(p.percent, 10.0);
        assert_eq!(p.phase, Phase::Data);
        assert_eq!(p.current_object.as_deref(), Some("public.big"));
        assert_eq!((p.objects_completed, p.objects_total), (1, Some(2)));
        let big = t.find("TABLE DATA public.big").unwrap();
        t.set_fraction(big, 0.5);
        assert_eq!(t.snapshot().percent, 55.0);
        // Never backwards, even if a probe reports less.
        t.set_fraction(big, 0.1);
        assert_eq!(t.snapshot().percent, 55.0);
    }

    #[test]
    fn parallel_restore_follows_item_ids() {
        let mut t = Tracker::new(vec![
            item("a.t1", &["#3352", "TABLE DATA a.t1"], 50.0, ItemKind::Data),
            item(
                "public.t2",
                &["#3353", "TABLE DATA public.t2"],
                50.0,
                ItemKind::Data,
            ),
        ]);
        for line in [
            "pg_restore: entering main parallel loop",
            "pg_restore: launching item 3352 TABLE DATA t1",
            "pg_restore: launching item 3353 TABLE DATA t2",
            "pg_restore: processing data for table \"public.t2\"",
            "pg_restore: finished item 3353 TABLE DATA t2",
        ] {
            if let Some(s) = pg_restore_signal(line) {
                t.apply(s);
            }
        }
        assert_eq!(t.snapshot().percent, 50.0);
        assert_eq!(t.running().count(), 1);
    }

    #[test]
    fn restore_log_keys() {
        assert_eq!(
            pg_restore_signal("pg_restore: creating CONSTRAINT \"a.t1 t1_pkey\""),
            Some(Signal::Start("CONSTRAINT a.t1 t1_pkey".into()))
        );
        assert_eq!(
            pg_restore_signal("pg_restore: executing SEQUENCE SET t1_id_seq"),
            Some(Signal::Start("SEQUENCE SET t1_id_seq".into()))
        );
        assert_eq!(pg_restore_signal("noise"), None);
    }

    #[test]
    fn throttle_limits_rate() {
        let mut th = Throttle::new(20);
        assert!(th.ready());
        assert!(!th.ready());
    }
}
