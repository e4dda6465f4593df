//! Measures a restore in flight from outside the tool: where its processes
//! read in the archive, and the server's index builds.

use super::*;

/// Measures a restore in flight: where the tool's processes are reading in
/// the archive (kernel file positions), and index builds on the server.
pub(super) struct RestoreProbe<'a> {
    server: Server<'a>,
    app: String,
    archive: PathBuf,
    /// Custom and tar: byte ranges of data entries. Plain: the whole file.
    ranges: Vec<(u64, u64, String)>,
    /// Directory: data file name → item key.
    files: HashMap<String, (u64, String)>,
    /// When the server was last asked about index builds.
    asked: Option<std::time::Instant>,
    /// A backup read as it downloads: bytes of it read, and its size.
    pub(super) streamed: Option<(std::sync::Arc<std::sync::atomic::AtomicU64>, u64)>,
}

impl<'a> RestoreProbe<'a> {
    /// `read_path`: the file the tool reads (the unpacked one for zstd).
    pub(super) fn new(
        info: &BackupInfo,
        read_path: &Path,
        server: Server<'a>,
        app: String,
    ) -> Self {
        let archive = std::fs::canonicalize(read_path).unwrap_or_else(|_| read_path.to_path_buf());
        let mut ranges = Vec::new();
        let mut files = HashMap::new();
        if info.format == BackupFormat::Plain {
            ranges.push((0, info.size_bytes, "script".to_string()));
        }
        for e in &info.entries {
            match &e.data {
                Some(DataLocation::Range { start, end }) => {
                    ranges.push((*start, *end, format!("#{}", e.id)))
                }
                Some(DataLocation::File { name, size }) => {
                    files.insert(name.clone(), (*size, format!("#{}", e.id)));
                }
                None => {}
            }
        }
        RestoreProbe {
            server,
            app,
            archive,
            ranges,
            files,
            asked: None,
            streamed: None,
        }
    }

    fn read_positions(&self, pgid: u32) -> Vec<(String, f64)> {
        let mut found = Vec::new();
        for (path, pos) in open_files(pgid) {
            if path == self.archive {
                found.extend(range_at(&self.ranges, pos));
            } else if path.parent() == Some(self.archive.as_path()) {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some((size, key)) = self.files.get(&name) {
                    found.push((key.clone(), pos as f64 / (*size).max(1) as f64));
                }
            }
        }
        found
    }
}

/// The data entry a reader at `pos` is in, and how far into it. Ranges are
/// half-open: one entry ends where the next begins, and a worker that has
/// just sought to the start of a block is beginning that block, not at the
/// end of the one before (which another worker may still be loading).
pub(super) fn range_at(ranges: &[(u64, u64, String)], pos: u64) -> Option<(String, f64)> {
    let (start, end, key) = ranges.iter().find(|(s, e, _)| (*s..*e).contains(&pos))?;
    Some((key.clone(), (pos - start) as f64 / (end - start) as f64))
}

impl Probe for RestoreProbe<'_> {
    async fn poll(&mut self, tracker: &mut Tracker, pgid: u32) {
        if let Some((read, size)) = &self.streamed {
            // Loading the data is its share of the one item; the index
            // builds after the backup's end are the rest.
            let read = read.load(std::sync::atomic::Ordering::Relaxed);
            if let Some(i) = tracker.find("restore") {
                let fraction = read as f64 / (*size).max(1) as f64;
                tracker.set_fraction(i, fraction.min(1.0) / (1.0 + INDEX_COST));
            }
            tracker.set_bytes(read);
            return;
        }
        // A reader is counted for the entry it is in only while that entry
        // is being restored, and an entry with several readers in it is as
        // far as the one furthest behind: pg_restore finding a block in an
        // archive without offsets reads through the blocks before it, and
        // that is no progress on them.
        let running: HashSet<usize> = tracker.running().map(|(i, _)| i).collect();
        let readings: Vec<(usize, f64)> = self
            .read_positions(pgid)
            .into_iter()
            .filter_map(|(key, fraction)| Some((tracker.find(&key)?, fraction)))
            .collect();
        let mut read = 0u64;
        for (i, fraction) in furthest_behind(&readings, &running) {
            read += (tracker.items()[i].weight * fraction) as u64;
            tracker.set_fraction(i, fraction);
        }
        if read > 0 {
            tracker.set_bytes(read);
        }
        // The server is asked only while indexes build, so loading the data
        // shares no CPU with the queries.
        let building = tracker
            .running()
            .any(|(_, item)| item.kind == ItemKind::Index);
        let due = self
            .asked
            .is_none_or(|at| at.elapsed() >= crate::jobs::SERVER_PROBE_EVERY);
        if !building || !due {
            return;
        }
        self.asked = Some(std::time::Instant::now());
        let Ok(builds) = self.server.index_progress(&self.app).await else {
            return;
        };
        for build in builds {
            let running: Vec<usize> = tracker
                .running()
                .filter(|(_, item)| {
                    item.kind == ItemKind::Index
                        && item.table.as_ref() == Some(&(build.schema.clone(), build.table.clone()))
                })
                .map(|(i, _)| i)
                .collect();
            for i in running {
                tracker.set_fraction(i, build.fraction);
            }
        }
    }
}

/// How far each running item is: the reader furthest behind in it (the
/// others are passing through); items not running are not counted.
pub(super) fn furthest_behind(
    readings: &[(usize, f64)],
    running: &HashSet<usize>,
) -> HashMap<usize, f64> {
    let mut behind: HashMap<usize, f64> = HashMap::new();
    for &(i, fraction) in readings.iter().filter(|(i, _)| running.contains(i)) {
        let slot = behind.entry(i).or_insert(fraction);
        *slot = slot.min(fraction);
    }
    behind
}

pub(super) use crate::platform::open_files;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_passing_through_is_no_progress() {
        let running: HashSet<usize> = [0, 1].into();
        // Item 0: its worker at 10 %, another worker reading through it to
        // its own block at 60 %; item 2 is not being restored yet.
        let seen = furthest_behind(&[(0, 0.6), (0, 0.1), (1, 0.3), (2, 0.9)], &running);
        assert_eq!(seen, HashMap::from([(0, 0.1), (1, 0.3)]));
    }

    #[test]
    fn a_reader_at_the_start_of_a_block_is_in_that_block() {
        let ranges = vec![(100, 300, "#1".to_string()), (300, 400, "#2".to_string())];
        assert_eq!(range_at(&ranges, 200), Some(("#1".into(), 0.5)));
        // Where #1 ends #2 begins: #1 is not taken for done.
        assert_eq!(range_at(&ranges, 300), Some(("#2".into(), 0.0)));
        assert_eq!(range_at(&ranges, 50), None);
        assert_eq!(range_at(&ranges, 400), None);
        // An empty block holds no reader.
        assert_eq!(range_at(&[(5, 5, "#3".to_string())], 5), None);
    }
}
