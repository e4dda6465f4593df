//! Plain SQL scripts (`pg_dump -Fp`, maybe gzip-compressed with `-Z`). The
//! script is streamed line by line — it can be many gigabytes — and only the
//! comment blocks pg_dump writes before each object are read:
//!
//! ```text
//! --
//! -- TOC entry 215 (class 1259 OID 16390)        (only with --verbose)
//! -- Dependencies: 214                            (only with --verbose)
//! -- Name: t; Type: TABLE; Schema: public; Owner: postgres
//! --
//! ```
//!
//! Lines inside COPY data are skipped, so table contents that look like those
//! comments are never taken for them.

use crate::script::Lexer;
use crate::{
    contents, io_error, ArchiveError, BackupFormat, BackupInfo, Compression, DataLocation, Section,
    TocEntry,
};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use flate2::read::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Only this much of a line's start is kept: every line we parse is far
/// shorter, and a COPY row or large-object chunk can be huge.
const KEEP: usize = 4096;
/// And this much of its end, to see "FROM stdin;" after a long column list.
const TAIL: usize = 16;

pub(crate) fn read_info(path: &Path, gzipped: bool) -> Result<BackupInfo, ArchiveError> {
    let (file, size) = crate::open_file(path)?;
    let reader: Box<dyn Read> = if gzipped {
        Box::new(MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, reader));
    lines.lexer = Some(Lexer::new());
    let mut scan = Scan::default();
    while let Some(line) = lines
        .next_line()
        .map_err(|e| read_error(path, gzipped, e))?
    {
        scan.line(&line);
    }
    let lexer = lines.lexer.take().expect("set above");
    scan.finish(path, size, lines.pos, gzipped, lexer)
}

/// Rows in the COPY blocks of a SQL script, per table, in script order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRows {
    pub schema: Option<String>,
    pub name: String,
    pub rows: u64,
}

/// Counts the rows of every `COPY … FROM stdin;` block of a script (what
/// `pg_dump -Fp` writes, or `pg_restore -f -` prints): one line per row, up to
/// the `\.` line. A block that never ends is an error: the data is cut off.
pub fn count_copy_rows<R: Read>(reader: R) -> io::Result<Vec<CopyRows>> {
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, reader));
    let mut counts: Vec<CopyRows> = Vec::new();
    let mut open: Option<usize> = None;
    while let Some(line) = lines.next_line()? {
        match open {
            Some(_) if line.is("\\.") => open = None,
            Some(i) => counts[i].rows += 1,
            None if line.text.starts_with(b"COPY ") && line.tail.ends_with(b"FROM stdin;") => {
                let rest = String::from_utf8_lossy(&line.text[5..]).into_owned();
                let (schema, name) = parse_qualified(&rest).unwrap_or((None, rest));
                counts.push(CopyRows {
                    schema,
                    name,
                    rows: 0,
                });
                open = Some(counts.len() - 1);
            }
            None => {}
        }
    }
    if let Some(i) = open {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the rows of {} are cut off", counts[i].name),
        ));
    }
    Ok(counts)
}

/// Rows per table of a plain SQL backup file (gzip-compressed or not).
pub fn count_plain_rows(path: &Path) -> Result<Vec<CopyRows>, ArchiveError> {
    let (_, gzipped) = crate::detect_format(path)?;
    let (file, _) = crate::open_file(path)?;
    let reader: Box<dyn Read> = if gzipped {
        Box::new(MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    count_copy_rows(reader).map_err(|e| read_error(path, gzipped, e))
}

/// `"my ""odd"" schema"."t" (a, b)` → (Some(schema), table).
fn parse_qualified(s: &str) -> Option<(Option<String>, String)> {
    let (first, rest) = take_identifier(s)?;
    match rest.strip_prefix('.') {
        Some(rest) => Some((Some(first), take_identifier(rest)?.0)),
        None => Some((None, first)),
    }
}

/// One identifier at the start of `s` and what follows it.
fn take_identifier(s: &str) -> Option<(String, &str)> {
    if let Some(quoted) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match (c, chars.peek()) {
                ('"', Some((_, '"'))) => {
                    out.push('"');
                    chars.next();
                }
                ('"', _) => return Some((out, &quoted[i + 1..])),
                _ => out.push(c),
            }
        }
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '.' || c == '(' || c == ';')
        .unwrap_or(s.len());
    (end > 0).then(|| (s[..end].to_string(), &s[end..]))
}

/// A damaged gzip stream reads as an I/O error; it means a damaged file.
fn read_error(path: &Path, gzipped: bool, e: io::Error) -> ArchiveError {
    let broken = matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
    );
    if gzipped && broken {
        return crate::truncated(path, format!("its gzip data is cut off or damaged ({e})"));
    }
    io_error(path, e)
}

struct Line {
    /// Offset of the line's first byte in the (uncompressed) script.
    start: u64,
    /// The line without its end of line, at most `KEEP` bytes of it.
    text: Vec<u8>,
    /// The last `TAIL` bytes of the line.
    tail: Vec<u8>,
    /// Whether `text` is the whole line.
    whole: bool,
}

impl Line {
    fn is(&self, s: &str) -> bool {
        self.whole && self.text == s.as_bytes()
    }

    /// The rest of the line after `prefix`, as text.
    fn after(&self, prefix: &str) -> Option<String> {
        let rest = self.text.strip_prefix(prefix.as_bytes())?;
        Some(String::from_utf8_lossy(rest).into_owned())
    }
}

struct Lines<R> {
    inner: R,
    pos: u64,
    /// Reads every byte as psql would, when set.
    lexer: Option<Lexer>,
}

impl<R: BufRead> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            pos: 0,
            lexer: None,
        }
    }

    fn next_line(&mut self) -> io::Result<Option<Line>> {
        let start = self.pos;
        let (mut text, mut tail) = (Vec::new(), Vec::new());
        let mut length = 0usize;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let (chunk, used, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            let room = KEEP.saturating_sub(text.len());
            text.extend_from_slice(&chunk[..chunk.len().min(room)]);
            tail.extend_from_slice(&chunk[chunk.len().saturating_sub(TAIL)..]);
            tail.drain(..tail.len().saturating_sub(TAIL));
            length += chunk.len();
            if let Some(lexer) = &mut self.lexer {
                lexer.feed(&buf[..used]);
            }
            self.inner.consume(used);
            self.pos += used as u64;
            if done {
                break;
            }
        }
        if self.pos == start {
            return Ok(None);
        }
        for part in [&mut text, &mut tail] {
            if part.last() == Some(&b'\r') {
                part.pop();
            }
        }
        let whole = length <= KEEP;
        Ok(Some(Line {
            start,
            text,
            tail,
            whole,
        }))
    }
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Not (yet) seen pg_dump's header: any SQL script.
    #[default]
    Unknown,
    Database,
    /// pg_dumpall output: many databases.
    Cluster,
}

/// The comment lines read so far of the block before an object.
#[derive(Default)]
struct Pending {
    start: Option<u64>,
    id: Option<i32>,
    deps: Vec<i32>,
}

#[derive(Default)]
struct Scan {
    script: Script,
    server_version: Option<String>,
    pg_dump_version: Option<String>,
    started: Option<DateTime<Utc>>,
    database: Option<String>,
    entries: Vec<TocEntry>,
    pending: Pending,
    /// Entry whose data section is still being read.
    open_data: Option<usize>,
    in_copy: bool,
    large_objects: i64,
    complete: bool,
}

impl Scan {
    fn line(&mut self, line: &Line) {
        if self.in_copy {
            self.in_copy = !line.is("\\.");
        } else if line.text.starts_with(b"--") {
            self.comment(line);
        } else {
            self.pending = Pending::default();
            self.statement(line);
        }
    }

    fn comment(&mut self, line: &Line) {
        if line.is("--") {
            self.pending.start.get_or_insert(line.start);
        } else if let Some(rest) = line.after("-- TOC entry ") {
            self.pending.id = leading_number(&rest);
        } else if let Some(rest) = line.after("-- Dependencies: ") {
            self.pending.deps = rest
                .split_whitespace()
                .filter_map(|d| d.parse().ok())
                .collect();
        } else if let Some(rest) = line.after("-- Name: ") {
            self.object(line, &rest, false);
        } else if let Some(rest) = line.after("-- Data for Name: ") {
            self.object(line, &rest, true);
        } else {
            self.header_comment(line);
        }
    }

    fn header_comment(&mut self, line: &Line) {
        let first = |slot: &mut Option<String>, prefix: &str| {
            if slot.is_none() {
                *slot = line.after(prefix).map(|v| v.trim().to_string());
            }
        };
        first(&mut self.server_version, "-- Dumped from database version ");
        first(&mut self.pg_dump_version, "-- Dumped by pg_dump version ");
        first(
            &mut self.pg_dump_version,
            "-- Dumped by pg_dumpall version ",
        );
        if self.started.is_none() {
            self.started = line.after("-- Started on ").and_then(|t| parse_started(&t));
        }
        match (self.script, line.text.as_slice()) {
            (Script::Unknown, b"-- PostgreSQL database dump") => self.script = Script::Database,
            (Script::Unknown, b"-- PostgreSQL database cluster dump") => {
                self.script = Script::Cluster
            }
            (Script::Database, b"-- PostgreSQL database dump complete")
            | (Script::Cluster, b"-- PostgreSQL database cluster dump complete") => {
                self.close_data(line.start);
                self.complete = true;
            }
            _ => {}
        }
    }

    fn statement(&mut self, line: &Line) {
        let text = &line.text;
        if text.starts_with(b"COPY ") && line.tail.ends_with(b"FROM stdin;") {
            self.in_copy = true;
        } else if text.starts_with(b"SELECT pg_catalog.lo_create(") {
            self.large_objects += 1;
        } else if self.database.is_none() && self.script == Script::Database {
            self.database = line
                .after("CREATE DATABASE ")
                .and_then(|rest| parse_identifier(&rest))
                .or_else(|| {
                    line.after("\\connect ")
                        .and_then(|rest| parse_connect(&rest))
                });
        }
    }

    /// A "Name:" line: a new entry starts, and the previous data section ends.
    fn object(&mut self, line: &Line, rest: &str, is_data: bool) {
        let pending = std::mem::take(&mut self.pending);
        let start = pending.start.unwrap_or(line.start);
        self.close_data(start);
        let Some((name, kind, schema, owner)) = parse_name_line(rest) else {
            return;
        };
        let id = pending.id.unwrap_or(self.entries.len() as i32 + 1);
        let section = section_of(&kind);
        self.entries.push(TocEntry {
            id,
            kind,
            schema,
            name,
            owner,
            section,
            dependencies: pending.deps,
            data: is_data.then_some(DataLocation::Range { start, end: start }),
        });
        if is_data {
            self.open_data = Some(self.entries.len() - 1);
        }
    }

    fn close_data(&mut self, end: u64) {
        if let Some(i) = self.open_data.take() {
            if let Some(DataLocation::Range { end: e, .. }) = &mut self.entries[i].data {
                *e = end;
            }
        }
    }

    fn finish(
        mut self,
        path: &Path,
        size: u64,
        end: u64,
        gzipped: bool,
        lexer: Lexer,
    ) -> Result<BackupInfo, ArchiveError> {
        if self.script != Script::Unknown && !self.complete {
            return Err(crate::truncated(
                path,
                "the script ends before pg_dump's closing line",
            ));
        }
        self.close_data(end);
        let algorithm = if gzipped { "gzip" } else { "none" };
        Ok(BackupInfo {
            path: path.to_path_buf(),
            format: BackupFormat::Plain,
            size_bytes: size,
            created: self.started,
            database: self.database,
            server_version: self.server_version.unwrap_or_else(|| "unknown".into()),
            pg_dump_version: self.pg_dump_version.unwrap_or_else(|| "unknown".into()),
            archive_version: None,
            compression: Compression {
                algorithm: algorithm.into(),
                level: None,
            },
            gzipped_plain: gzipped,
            zstd: false,
            script: lexer.finish(),
            contents: contents::summarize(&self.entries, self.large_objects),
            entries: self.entries,
        })
    }
}

fn leading_number(s: &str) -> Option<i32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// "t; Type: TABLE; Schema: public; Owner: postgres[; Tablespace: x]", read
/// from the right because names may hold anything. "-" means none.
fn parse_name_line(rest: &str) -> Option<(String, String, Option<String>, Option<String>)> {
    let rest = rest.rsplit_once("; Tablespace: ").map_or(rest, |(r, _)| r);
    let (rest, owner) = rest.rsplit_once("; Owner: ")?;
    let (rest, schema) = rest.rsplit_once("; Schema: ")?;
    let (name, kind) = rest.rsplit_once("; Type: ")?;
    let dash = |s: &str| (s != "-").then(|| s.to_string());
    Some((
        name.to_string(),
        kind.to_string(),
        dash(schema),
        dash(owner),
    ))
}

/// A plain script does not record sections; this follows pg_dump's choices.
fn section_of(kind: &str) -> Section {
    match kind {
        "COMMENT" | "ACL" | "SECURITY LABEL" => Section::None,
        "TABLE DATA" | "BLOBS" | "SEQUENCE SET" | "BLOB METADATA" => Section::Data,
        "CONSTRAINT"
        | "FK CONSTRAINT"
        | "INDEX"
        | "INDEX ATTACH"
        | "RULE"
        | "TRIGGER"
        | "EVENT TRIGGER"
        | "POLICY"
        | "ROW SECURITY"
        | "MATERIALIZED VIEW DATA"
        | "PUBLICATION"
        | "PUBLICATION TABLE"
        | "PUBLICATION TABLES IN SCHEMA"
        | "SUBSCRIPTION"
        | "STATISTICS" => Section::PostData,
        _ => Section::PreData,
    }
}

/// A SQL identifier at the start of `s`: bare, or double-quoted with `""`.
fn parse_identifier(s: &str) -> Option<String> {
    let s = s.trim_start();
    if let Some(quoted) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('"', Some('"')) => {
                    out.push('"');
                    chars.next();
                }
                ('"', _) => return Some(out),
                _ => out.push(c),
            }
        }
        return None;
    }
    let bare: String = s
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ';')
        .collect();
    (!bare.is_empty()).then_some(bare)
}

/// `\connect name`, or for other names `\connect -reuse-previous=on
/// "dbname='na\'me'"`: a psql double-quoted word holding a connection string.
fn parse_connect(s: &str) -> Option<String> {
    let Some(rest) = s.trim().strip_prefix("-reuse-previous=on ") else {
        return parse_identifier(s);
    };
    let connstr = parse_identifier(rest)?;
    let value = connstr.strip_prefix("dbname=")?;
    let Some(quoted) = value.strip_prefix('\'') else {
        return Some(value.to_string());
    };
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '\'' => return Some(out),
            _ => out.push(c),
        }
    }
    None
}

/// "2026-11-22 05:41:39 UTC": pg_dump's `%Y-%m-%d %H:%M:%S %Z`. The zone is
/// an abbreviation or a numeric offset; ambiguous abbreviations (CST, IST…)
/// give `None` rather than a time that may be hours off.
fn parse_started(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let (stamp, zone) = text.rsplit_once(' ')?;
    let naive = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").ok()?;
    let offset = FixedOffset::east_opt(zone_offset(zone)?)?;
    let local = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

/// Seconds east of UTC for a zone as strftime's `%Z` prints it.
fn zone_offset(zone: &str) -> Option<i32> {
    const HOUR: i32 = 3600;
    const ABBREVIATIONS: &[(&str, i32)] = &[
        ("UTC", 0),
        ("GMT", 0),
        ("UCT", 0),
        ("Z", 0),
        ("WET", 0),
        ("WEST", HOUR),
        ("BST", HOUR),
        ("CET", HOUR),
        ("CEST", 2 * HOUR),
        ("EET", 2 * HOUR),
        ("EEST", 3 * HOUR),
        ("MSK", 3 * HOUR),
        ("JST", 9 * HOUR),
        ("KST", 9 * HOUR),
        ("AEST", 10 * HOUR),
        ("AEDT", 11 * HOUR),
        ("NZST", 12 * HOUR),
        ("NZDT", 13 * HOUR),
        ("EST", -5 * HOUR),
        ("EDT", -4 * HOUR),
        ("MST", -7 * HOUR),
        ("MDT", -6 * HOUR),
        ("PST", -8 * HOUR),
        ("PDT", -7 * HOUR),
        ("AKST", -9 * HOUR),
        ("AKDT", -8 * HOUR),
        ("HST", -10 * HOUR),
    ];
    if let Some(&(_, secs)) = ABBREVIATIONS.iter().find(|(name, _)| *name == zone) {
        return Some(secs);
    }
    numeric_offset(zone)
}

/// "+05", "-0330", "+05:30".
fn numeric_offset(zone: &str) -> Option<i32> {
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests;
