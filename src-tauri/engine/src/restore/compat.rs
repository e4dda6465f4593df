//! A restore into an older server than the backup's tools wrote for: the
//! known incompatibilities, found by the pre-flight before anything runs,
//! and how each is handled or refused.
//!
//! - pg_restore 17 and newer (the only ones that read archives of pg_dump 17
//!   and newer) begin every restore with `SET transaction_timeout = 0`,
//!   which a server before 17 rejects: stock tools cannot restore such an
//!   archive there at all. Tusk has pg_restore write the restore as SQL
//!   (`pg_restore -f -`) and runs it with psql, that one line left out.
//!   A plain script of pg_dump 17+ has the same line: left out the same way.
//! - pg_dump 18's planner statistics (`STATISTICS DATA` entries) call
//!   functions new in 18: left out of an archive's restore into an older
//!   server; a plain script holding them is refused.

use super::*;
use std::io::{BufRead, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The line pg_restore and pg_dump 17+ write that older servers reject.
pub(super) const TRANSACTION_TIMEOUT: &str = "SET transaction_timeout = 0;";

/// What the pre-flight found and decided.
#[derive(Debug, Default)]
pub(super) struct Compat {
    /// Restore the archive as a script through psql, the line left out.
    pub via_script: bool,
    /// A plain script whose `SET transaction_timeout` is left out.
    pub filter_plain: bool,
    /// The archive's statistics entries, left out.
    pub drop_statistics: Vec<i32>,
    pub warnings: Vec<String>,
}

pub(super) fn check(
    info: &BackupInfo,
    tool: &ToolChoice,
    server: &ServerInfo,
    options: &RestoreOptions,
) -> Result<Compat, EngineError> {
    let target = server.version.major();
    let mut compat = Compat::default();
    let statistics: Vec<i32> = info
        .entries
        .iter()
        .filter(|e| e.kind == "STATISTICS DATA")
        .map(|e| e.id)
        .collect();
    if info.format == BackupFormat::Plain {
        if target < 18 && !statistics.is_empty() {
            return Err(EngineError::Preflight(format!(
                "this script holds planner statistics for {} tables and indexes (pg_dump 18 with statistics), which PostgreSQL {} cannot load (pg_restore_relation_stats is new in 18): restore it into PostgreSQL 18 or newer, or back up again without statistics or in the custom format (whose statistics Tusk leaves out for an older server)",
                statistics.len(),
                server.version
            )));
        }
        if target < 17 && plain_sets_transaction_timeout(info) {
            compat.filter_plain = true;
            compat.warnings.push(format!(
                "the script was written by pg_dump {} and sets transaction_timeout, which PostgreSQL {} does not have (it is new in 17): Tusk leaves that one line out",
                info.pg_dump_version,
                server.version
            ));
        }
        return Ok(compat);
    }
    if target < 18 && !statistics.is_empty() && !options.no_statistics {
        compat.warnings.push(format!(
            "the backup's planner statistics for {} tables and indexes are left out: PostgreSQL {} cannot load them (pg_restore_relation_stats is new in 18); run ANALYZE after the restore",
            statistics.len(),
            server.version
        ));
        compat.drop_statistics = statistics;
    }
    if tool.tool.version.major() >= 17 && target < 17 {
        compat.via_script = true;
        let mut why = format!(
            "pg_restore {} (the archive needs pg_restore 17 or newer) begins every restore with SET transaction_timeout, which PostgreSQL {} does not have: Tusk has pg_restore write the restore as SQL and runs it with psql, that one setting left out",
            tool.tool.version, server.version
        );
        if options.jobs > 1 {
            why += &format!(
                "; it runs over one connection, so the {} parallel jobs do not apply",
                options.jobs
            );
        }
        compat.warnings.push(why);
    }
    Ok(compat)
}

/// Whether the head of a plain script (plain or gzip) has the line.
fn plain_sets_transaction_timeout(info: &BackupInfo) -> bool {
    let Ok(file) = std::fs::File::open(&info.path) else {
        return false;
    };
    let mut reader: Box<dyn Read> = if info.gzipped_plain {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut head = Vec::new();
    if reader
        .by_ref()
        .take(64 * 1024)
        .read_to_end(&mut head)
        .is_err()
    {
        return false;
    }
    String::from_utf8_lossy(&head)
        .lines()
        .any(|l| l == TRANSACTION_TIMEOUT)
}

/// A script read line by line with `SET transaction_timeout = 0;` turned
/// into a comment wherever it is a statement of its own (never inside COPY
/// data, where the same text would be a row): the lines keep their numbers,
/// so psql's errors still name the script's own lines.
pub(super) struct WithoutTimeout<R> {
    inner: R,
    in_copy: bool,
    line: Vec<u8>,
    at: usize,
}

impl<R: BufRead> WithoutTimeout<R> {
    pub fn new(inner: R) -> Self {
        WithoutTimeout {
            inner,
            in_copy: false,
            line: Vec::new(),
            at: 0,
        }
    }

    /// Reads the next line to pass on; `false` at the end.
    fn next_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
        self.at = 0;
        if self.inner.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(false);
        }
        let text = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if self.in_copy {
            self.in_copy = text != b"\\.";
        } else if text.starts_with(b"COPY ") && text.ends_with(b"FROM stdin;") {
            self.in_copy = true;
        } else if text == TRANSACTION_TIMEOUT.as_bytes() {
            self.line.splice(0..0, b"-- ".iter().copied());
        }
        Ok(true)
    }
}

impl<R: BufRead> Read for WithoutTimeout<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.line.len() && !self.next_line()? {
            return Ok(0);
        }
        let n = (self.line.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// `pg_restore -f -` writing an archive's restore as SQL, started on the
/// first read (after a zstd backup has unpacked), its archive from a file or
/// fed from `source`. Its failure is an error at the end of what it wrote;
/// dropped early, it is killed.
pub(super) struct ArchiveScript {
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
    source: Option<Box<dyn Read + Send>>,
    running: Option<Running>,
    /// How it ended, given again to any read after the end.
    ended: Option<Result<(), String>>,
}

struct Running {
    child: Child,
    stdout: std::io::BufReader<ChildStdout>,
    stderr: std::thread::JoinHandle<String>,
    feeder: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl ArchiveScript {
    pub fn new(
        program: PathBuf,
        args: Vec<std::ffi::OsString>,
        source: Option<Box<dyn Read + Send>>,
    ) -> Self {
        ArchiveScript {
            program,
            args,
            source,
            running: None,
            ended: None,
        }
    }

    fn start(&mut self) -> std::io::Result<&mut Running> {
        if self.running.is_none() {
            let mut child = Command::new(&self.program)
                .args(&self.args)
                .stdin(if self.source.is_some() {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| {
                    std::io::Error::other(format!(
                        "{} could not be started: {e}",
                        self.program.display()
                    ))
                })?;
            let stdout = child.stdout.take().expect("piped stdout");
            let mut stderr = child.stderr.take().expect("piped stderr");
            let stderr = std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            });
            let feeder = match (self.source.take(), child.stdin.take()) {
                (Some(mut source), Some(mut stdin)) => Some(std::thread::spawn(move || {
                    std::io::copy(&mut source, &mut stdin).map(|_| ())
                })),
                _ => None,
            };
            self.running = Some(Running {
                child,
                stdout: std::io::BufReader::with_capacity(256 * 1024, stdout),
                stderr,
                feeder,
            });
        }
        Ok(self.running.as_mut().expect("started"))
    }
}

impl Read for ArchiveScript {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(ended) = &self.ended {
            return ended.clone().map(|()| 0).map_err(std::io::Error::other);
        }
        let running = self.start()?;
        let n = running.stdout.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        // The end: it counts only if pg_restore (and what fed it) ended well.
        let mut done = self.running.take().expect("started");
        let status = done.child.wait()?;
        let fed = done.feeder.take().map(|f| f.join());
        let stderr = done.stderr.join().unwrap_or_default();
        let ended = match fed {
            Some(Ok(Err(e))) => Err(e.to_string()),
            Some(Err(_)) => Err("reading the backup for pg_restore stopped unexpectedly".into()),
            _ if !status.success() => {
                let said: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
                Err(format!(
                    "pg_restore could not write the restore as SQL ({status}): {}",
                    said.join(" / ")
                ))
            }
            _ => Ok(()),
        };
        self.ended = Some(ended.clone());
        ended.map(|()| 0).map_err(std::io::Error::other)
    }
}

impl Drop for ArchiveScript {
    fn drop(&mut self) {
        if let Some(running) = &mut self.running {
            let _ = running.child.kill();
            let _ = running.child.wait();
        }
    }
}

/// pg_restore's arguments writing the restore of `o` as SQL to stdout:
/// psql connects and runs it (in one transaction when asked), so neither
/// the connection nor the transaction is pg_restore's.
pub(super) fn script_args(
    o: &RestoreOptions,
    input: Option<&Path>,
    list: Option<&Path>,
) -> Vec<std::ffi::OsString> {
    let writes = RestoreOptions {
        single_transaction: Some(false),
        exit_on_error: false,
        jobs: 1,
        verbose: false,
        role: None,
        ..o.clone()
    };
    let mut args: Vec<std::ffi::OsString> = vec!["-f".into(), "-".into()];
    args.extend(pg_restore_args(
        &ConnectionSpec::default(),
        &writes,
        input,
        list,
    ));
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(script: &str) -> String {
        let mut out = String::new();
        WithoutTimeout::new(script.as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn the_setting_is_left_out_but_never_a_row_of_data() {
        let script =
            "SET statement_timeout = 0;\nSET transaction_timeout = 0;\nSET lock_timeout = 0;\n\
                      COPY public.t (v) FROM stdin;\nSET transaction_timeout = 0;\n\\.\n\
                      SET transaction_timeout = 0;\r\nSELECT 1;";
        assert_eq!(
            filtered(script),
            "SET statement_timeout = 0;\n-- SET transaction_timeout = 0;\nSET lock_timeout = 0;\n\
             COPY public.t (v) FROM stdin;\nSET transaction_timeout = 0;\n\\.\n\
             -- SET transaction_timeout = 0;\r\nSELECT 1;"
        );
        assert_eq!(filtered(""), "");
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_pg_restore_is_an_error_at_the_end() {
        let mut ok = ArchiveScript::new("sh".into(), vec!["-c".into(), "echo hi".into()], None);
        let mut out = String::new();
        ok.read_to_string(&mut out).unwrap();
        assert_eq!(out, "hi\n");
        assert_eq!(ok.read(&mut [0u8; 8]).unwrap(), 0);
        let mut bad = ArchiveScript::new(
            "sh".into(),
            vec![
                "-c".into(),
                "echo partial; echo 'pg_restore: error: input file is too short' >&2; exit 1"
                    .into(),
            ],
            None,
        );
        let mut out = String::new();
        let err = bad.read_to_string(&mut out).unwrap_err().to_string();
        assert!(err.contains("input file is too short"), "{err}");
        // Read again, it is the same end: never a second run.
        let again = bad.read(&mut [0u8; 8]).unwrap_err().to_string();
        assert_eq!(again, err);
        // What feeds it is read into its stdin.
        let mut fed = ArchiveScript::new(
            "cat".into(),
            Vec::new(),
            Some(Box::new(std::io::Cursor::new(b"archive bytes".to_vec()))),
        );
        let mut out = String::new();
        fed.read_to_string(&mut out).unwrap();
        assert_eq!(out, "archive bytes");
    }
}
