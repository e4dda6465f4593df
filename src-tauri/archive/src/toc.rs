//! The binary header and table of contents that custom archives, a directory
//! archive's `toc.dat` and a tar archive's `toc.dat` share (pg_dump's
//! `pg_backup_archiver.c`, `ReadHead` and `ReadToc`). Every length and count
//! read from the file is checked against the bytes that are really there, so a
//! damaged or hostile file fails with an error instead of a huge allocation.

use crate::{contents, ArchiveError, BackupFormat, BackupInfo, Compression, Section, TocEntry};
use chrono::{DateTime, Local, LocalResult, NaiveDate, TimeZone, Utc};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Format codes in the header. A directory archive's `toc.dat` uses the tar code.
pub(crate) const FORMAT_CUSTOM: u8 = 1;
pub(crate) const FORMAT_TAR: u8 = 3;

/// Custom-format data offset flags (`K_OFFSET_*`).
pub(crate) const OFFSET_NOT_SET: u8 = 1;
pub(crate) const OFFSET_SET: u8 = 2;
pub(crate) const OFFSET_NO_DATA: u8 = 3;

/// Oldest and newest archive versions read: 1.12 is PostgreSQL 9.0, 1.16 is 17.
const MIN_VERSION: (u8, u8) = (1, 12);
const MAX_VERSION: (u8, u8) = (1, 16);

/// Longest string read from a stream (a zstd-wrapped archive).
const MAX_STREAM_STRING: i64 = 256 << 20;

/// More table-of-contents entries than any real database dumps (a database
/// of 100,000 tables with their indexes and constraints has about half as
/// many): a count beyond it is a damaged or crafted archive, refused before
/// its entries fill the memory.
const MAX_ENTRIES: i64 = 1_000_000;
/// Dependencies of one entry, and of all entries together.
const MAX_DEPENDENCIES: usize = 100_000;
const MAX_ALL_DEPENDENCIES: usize = 8_000_000;
/// Memory the entries of one table of contents may take: a real one of a
/// million entries takes about this much. A stream's length (a zstd backup)
/// cannot be checked against a file's, so its claims are held to this.
const MAX_TOC_MEMORY: usize = 384 << 20;

/// Why reading stopped; turned into an [`ArchiveError`] by whoever knows what
/// was being read.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The bytes end before position `needed`.
    Eof {
        needed: u64,
    },
    /// The bytes are there but make no sense.
    Bad(String),
    Io(io::Error),
    Version {
        major: u8,
        minor: u8,
    },
}

impl From<io::Error> for Fault {
    fn from(e: io::Error) -> Self {
        Fault::Io(e)
    }
}

impl Fault {
    /// The error for a fault met while reading `what` (e.g. "toc.dat") of `path`.
    pub(crate) fn into_error(self, path: &Path, what: &str) -> ArchiveError {
        match self {
            Fault::Eof { .. } => crate::truncated(
                path,
                format!("{what} is cut off: it continues past the end of the file"),
            ),
            Fault::Bad(msg) => crate::truncated(path, format!("{what} is damaged: {msg}")),
            Fault::Io(source) => ArchiveError::Io {
                path: path.to_path_buf(),
                source,
            },
            Fault::Version { major, minor } => version_error(path, major, minor),
        }
    }
}

fn version_error(path: &Path, major: u8, minor: u8) -> ArchiveError {
    let version = format!("{major}.{minor}");
    if (major, minor) < MIN_VERSION {
        return ArchiveError::TooOld {
            path: path.to_path_buf(),
            version,
        };
    }
    // 1.16 is what PostgreSQL 17 writes, so anything later needs at least 18.
    ArchiveError::UnsupportedVersion {
        path: path.to_path_buf(),
        version,
        min_pg: "18".into(),
    }
}

/// Reads pg_dump's primitive values, never past `limit` bytes.
pub(crate) struct Reader<R> {
    inner: R,
    pos: u64,
    limit: u64,
    int_size: usize,
    off_size: usize,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        Reader {
            inner,
            pos: 0,
            limit,
            int_size: 4,
            off_size: 8,
        }
    }

    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    /// Fails before reading when fewer than `n` bytes remain.
    fn ensure(&self, n: u64) -> Result<(), Fault> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.limit => Ok(()),
            _ => Err(Fault::Eof {
                needed: self.pos.saturating_add(n),
            }),
        }
    }

    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, Fault> {
        self.ensure(n)?;
        // Grows with what actually arrives, so a lying length cannot make us
        // allocate more than the file holds.
        let mut buf = Vec::new();
        (&mut self.inner).take(n).read_to_end(&mut buf)?;
        self.pos += buf.len() as u64;
        if (buf.len() as u64) < n {
            return Err(Fault::Eof {
                needed: self.pos + (n - buf.len() as u64),
            });
        }
        Ok(buf)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, Fault> {
        Ok(self.bytes(1)?[0])
    }

    /// `ReadInt`: a sign byte, then `int_size` bytes of magnitude, little-endian.
    pub(crate) fn int(&mut self) -> Result<i64, Fault> {
        let n = 1 + self.int_size;
        // The usual sizes on the stack: a data walk reads one per row.
        let mut small = [0u8; 9];
        let raw: Vec<u8>;
        let bytes: &[u8] = if n <= small.len() {
            self.ensure(n as u64)?;
            if let Err(e) = self.inner.read_exact(&mut small[..n]) {
                return Err(match e.kind() {
                    io::ErrorKind::UnexpectedEof => Fault::Eof {
                        needed: self.pos + n as u64,
                    },
                    _ => Fault::Io(e),
                });
            }
            self.pos += n as u64;
            &small[..n]
        } else {
            raw = self.bytes(n as u64)?;
            &raw
        };
        let negative = bytes[0] != 0;
        let magnitude = little_endian(&bytes[1..])?;
        let value = i64::try_from(magnitude)
            .map_err(|_| Fault::Bad(format!("integer {magnitude} is out of range")))?;
        Ok(if negative { -value } else { value })
    }

    pub(crate) fn int32(&mut self, what: &str) -> Result<i32, Fault> {
        let v = self.int()?;
        i32::try_from(v).map_err(|_| Fault::Bad(format!("{what} {v} is out of range")))
    }

    /// `ReadStr`: a length (negative means NULL), then that many bytes.
    pub(crate) fn string(&mut self) -> Result<Option<String>, Fault> {
        let len = self.int()?;
        if len < 0 {
            return Ok(None);
        }
        // A stream's length is unknown, so a damaged length cannot be checked
        // against it: no real catalog string comes near this.
        if self.limit == u64::MAX && len > MAX_STREAM_STRING {
            return Err(Fault::Bad(format!("a string of {len} bytes")));
        }
        let raw = self.bytes(len as u64)?;
        Ok(Some(String::from_utf8_lossy(&raw).into_owned()))
    }

    /// `ReadOffset` (custom format): a flag byte, then `off_size` bytes.
    fn offset(&mut self) -> Result<(u8, u64), Fault> {
        let flag = self.byte()?;
        if !(OFFSET_NOT_SET..=OFFSET_NO_DATA).contains(&flag) {
            return Err(Fault::Bad(format!("unknown data offset flag {flag}")));
        }
        let pos = little_endian(&self.bytes(self.off_size as u64)?)?;
        Ok((flag, pos))
    }
}

/// A source data blocks can be skipped in: a file seeks over them, a stream
/// (a decompressor) reads and discards them.
pub(crate) trait Skip: BufRead {
    /// Skips up to `n` bytes; returns how many there were.
    fn skip_bytes(&mut self, n: u64) -> io::Result<u64>;
}

impl<R: Read + Seek> Skip for BufReader<R> {
    fn skip_bytes(&mut self, n: u64) -> io::Result<u64> {
        // The caller has checked `n` against the file's length.
        self.seek_relative(n as i64)?;
        Ok(n)
    }
}

/// A source that cannot seek, read once from start to end.
pub(crate) struct Stream<R>(pub R);

impl<R: BufRead> Read for Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: BufRead> BufRead for Stream<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.0.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.0.consume(amt)
    }
}

impl<R: BufRead> Skip for Stream<R> {
    fn skip_bytes(&mut self, n: u64) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let available = self.0.fill_buf()?.len();
            if available == 0 {
                break;
            }
            let step = available.min(usize::try_from(left).unwrap_or(usize::MAX));
            self.0.consume(step);
            left -= step as u64;
        }
        Ok(n - left)
    }
}

impl<R: Skip> Reader<R> {
    /// Skips `n` bytes without keeping them (a file: without reading them,
    /// unless they are already buffered).
    pub(crate) fn skip(&mut self, n: u64) -> Result<(), Fault> {
        self.ensure(n)?;
        i64::try_from(n).map_err(|_| Fault::Bad(format!("length {n} is absurd")))?;
        let skipped = self.inner.skip_bytes(n)?;
        self.pos += skipped;
        if skipped < n {
            return Err(Fault::Eof {
                needed: self.pos + (n - skipped),
            });
        }
        Ok(())
    }

    /// Nothing is left to read.
    pub(crate) fn at_end(&mut self) -> Result<bool, Fault> {
        Ok(self.pos >= self.limit || self.inner.fill_buf()?.is_empty())
    }
}

impl<R: Read + Seek> Reader<BufReader<R>> {
    pub(crate) fn seek_to(&mut self, pos: u64) -> Result<(), Fault> {
        if pos > self.limit {
            return Err(Fault::Eof { needed: pos });
        }
        self.inner.seek(SeekFrom::Start(pos))?;
        self.pos = pos;
        Ok(())
    }
}

/// Little-endian unsigned value; bytes beyond the eighth must be zero.
fn little_endian(bytes: &[u8]) -> Result<u64, Fault> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        if i < 8 {
            value |= u64::from(b) << (8 * i);
        } else if b != 0 {
            return Err(Fault::Bad("integer wider than 64 bits".into()));
        }
    }
    Ok(value)
}

/// The archive header (`ReadHead`).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub major: u8,
    pub minor: u8,
    pub format: u8,
    pub compression: Compression,
    pub created: Option<DateTime<Utc>>,
    pub database: Option<String>,
    pub server_version: Option<String>,
    pub pg_dump_version: Option<String>,
}

/// What follows each entry: custom archives record a data offset, directory
/// and tar archives a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Offsets,
    FileNames,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Extra {
    /// `at`: where the flag byte itself lies in the archive, to set it later.
    Offset {
        flag: u8,
        pos: u64,
        at: u64,
    },
    File(Option<String>),
}

/// A TOC entry with the format-specific parts the public [`TocEntry`] omits.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    pub entry: TocEntry,
    pub extra: Extra,
    /// Large objects this entry creates (BLOB: one; BLOB METADATA: a group).
    pub large_objects: i64,
    /// Its data is COPY text (a `COPY … FROM stdin;` statement comes with it),
    /// which pg_dump always ends with a `\.` line.
    pub copy: bool,
}

impl RawEntry {
    /// Bytes it takes in memory, roughly (each allocation counted with the
    /// allocator's overhead).
    fn memory(&self) -> usize {
        let text = |s: &str| s.len() + 16;
        let e = &self.entry;
        std::mem::size_of::<RawEntry>()
            + text(&e.kind)
            + text(&e.name)
            + e.schema.as_deref().map_or(0, text)
            + e.owner.as_deref().map_or(0, text)
            + e.dependencies.capacity() * std::mem::size_of::<i32>()
            + match &self.extra {
                Extra::File(Some(name)) => text(name),
                _ => 0,
            }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Toc {
    pub header: Header,
    pub entries: Vec<RawEntry>,
    /// Position right after the TOC: where a custom archive's data starts.
    pub end: u64,
    /// Bytes of a data offset (after its flag byte).
    pub off_size: usize,
}

impl Toc {
    pub(crate) fn into_info(self, path: &Path, format: BackupFormat, size: u64) -> BackupInfo {
        let large_objects = self.entries.iter().map(|e| e.large_objects).sum();
        let entries: Vec<TocEntry> = self.entries.into_iter().map(|e| e.entry).collect();
        let h = self.header;
        BackupInfo {
            path: path.to_path_buf(),
            format,
            size_bytes: size,
            created: h.created,
            database: h.database,
            server_version: h.server_version.unwrap_or_else(|| "unknown".into()),
            pg_dump_version: h.pg_dump_version.unwrap_or_else(|| "unknown".into()),
            archive_version: Some(format!("{}.{}", h.major, h.minor)),
            compression: h.compression,
            gzipped_plain: false,
            zstd: false,
            script: Default::default(),
            contents: contents::summarize(&entries, large_objects),
            entries,
        }
    }
}

/// Reads header and TOC, checking the header's format code is `format`.
pub(crate) fn read_toc<R: Read>(
    rd: &mut Reader<R>,
    format: u8,
    flavor: Flavor,
) -> Result<Toc, Fault> {
    let header = read_header(rd)?;
    if header.format != format {
        return Err(Fault::Bad(format!(
            "its header says format {} where {format} was expected",
            header.format
        )));
    }
    let count = rd.int()?;
    if count < 0 {
        return Err(Fault::Bad(format!("entry count {count} is negative")));
    }
    if count > MAX_ENTRIES {
        return Err(Fault::Bad(format!(
            "its table of contents claims {count} entries, more than any real database has ({MAX_ENTRIES} at most)"
        )));
    }
    // Never trust the count for allocation: a real entry takes dozens of bytes.
    let mut entries: Vec<RawEntry> = Vec::with_capacity((count as usize).min(4096));
    let (mut dependencies, mut memory) = (0usize, 0usize);
    for _ in 0..count {
        let entry = read_entry(rd, &header, flavor)?;
        dependencies += entry.entry.dependencies.len();
        memory += entry.memory();
        if dependencies > MAX_ALL_DEPENDENCIES {
            return Err(Fault::Bad(format!(
                "its entries claim over {MAX_ALL_DEPENDENCIES} dependencies, more than any real database has"
            )));
        }
        if memory > MAX_TOC_MEMORY {
            return Err(Fault::Bad(format!(
                "its table of contents would take over {} MiB of memory, more than any real database's",
                MAX_TOC_MEMORY >> 20
            )));
        }
        entries.push(entry);
    }
    Ok(Toc {
        header,
        entries,
        end: rd.pos(),
        off_size: rd.off_size,
    })
}

fn read_header<R: Read>(rd: &mut Reader<R>) -> Result<Header, Fault> {
    if rd.bytes(5)? != b"PGDMP" {
        return Err(Fault::Bad("it does not start with PGDMP".into()));
    }
    let (major, minor, _rev) = (rd.byte()?, rd.byte()?, rd.byte()?);
    if (major, minor) < MIN_VERSION || (major, minor) > MAX_VERSION {
        return Err(Fault::Version { major, minor });
    }
    rd.int_size = sane_width(rd.byte()?, "integer")?;
    rd.off_size = sane_width(rd.byte()?, "offset")?;
    let format = rd.byte()?;
    let compression = read_compression(rd, minor)?;
    let mut tm = [0i64; 7];
    for field in &mut tm {
        *field = rd.int()?;
    }
    Ok(Header {
        major,
        minor,
        format,
        compression,
        created: dump_time(tm),
        database: rd.string()?,
        server_version: rd.string()?,
        pg_dump_version: rd.string()?,
    })
}

fn sane_width(width: u8, what: &str) -> Result<usize, Fault> {
    // pg_restore itself refuses integers wider than 32 bytes.
    match width {
        1..=32 => Ok(width as usize),
        _ => Err(Fault::Bad(format!("{what} size {width} is impossible"))),
    }
}

/// 1.15 (PostgreSQL 16) records the algorithm; older archives a zlib level,
/// where -1 is zlib's default level and 0 means uncompressed.
fn read_compression<R: Read>(rd: &mut Reader<R>, minor: u8) -> Result<Compression, Fault> {
    if minor >= 15 {
        let algorithm = match rd.byte()? {
            0 => "none",
            1 => "gzip",
            2 => "lz4",
            3 => "zstd",
            other => return Err(Fault::Bad(format!("unknown compression method {other}"))),
        };
        return Ok(Compression {
            algorithm: algorithm.into(),
            level: None,
        });
    }
    let level = rd.int()?;
    Ok(match level {
        0 => Compression {
            algorithm: "none".into(),
            level: None,
        },
        -1 => Compression {
            algorithm: "gzip".into(),
            level: None,
        },
        1..=9 => Compression {
            algorithm: "gzip".into(),
            level: Some(level as i32),
        },
        _ => {
            return Err(Fault::Bad(format!(
                "compression level {level} is impossible"
            )))
        }
    })
}

/// The header holds the dumping machine's local time as a `struct tm`, with
/// no zone. Like pg_restore (which calls `mktime`), we read it in this
/// machine's zone; `tm_isdst` settles the hour that occurs twice.
fn dump_time(tm: [i64; 7]) -> Option<DateTime<Utc>> {
    let [sec, min, hour, mday, mon, year, isdst] = tm;
    let field = |v: i64| u32::try_from(v).ok();
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(year.checked_add(1900)?).ok()?,
        field(mon.checked_add(1)?)?,
        field(mday)?,
    )?;
    // A leap second (60) is folded into the second before it.
    let naive = date.and_hms_opt(field(hour)?, field(min)?, field(sec)?.min(59))?;
    let local = match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(earlier, later) => {
            if isdst > 0 {
                earlier
            } else {
                later
            }
        }
        LocalResult::None => return None,
    };
    Some(local.with_timezone(&Utc))
}

fn read_entry<R: Read>(
    rd: &mut Reader<R>,
    header: &Header,
    flavor: Flavor,
) -> Result<RawEntry, Fault> {
    let id = rd.int32("entry id")?;
    if id <= 0 {
        return Err(Fault::Bad(format!("entry id {id} is out of range")));
    }
    let _had_dumper = rd.int()?;
    let _table_oid = rd.string()?;
    let _oid = rd.string()?;
    let name = rd.string()?.unwrap_or_default();
    let kind = rd.string()?.unwrap_or_default();
    let section = section(rd.int()?)?;
    let definition = rd.string()?;
    let _drop = rd.string()?;
    let copy = rd.string()?.is_some_and(|c| !c.trim().is_empty());
    let schema = rd.string()?;
    let _tablespace = rd.string()?;
    if header.minor >= 14 {
        let _table_am = rd.string()?;
    }
    if header.minor >= 16 {
        let _relkind = rd.int()?;
    }
    let owner = rd.string()?;
    let _with_oids = rd.string()?;
    let dependencies = read_dependencies(rd)?;
    let extra = match flavor {
        Flavor::Offsets => {
            let at = rd.pos();
            let (flag, pos) = rd.offset()?;
            Extra::Offset { flag, pos, at }
        }
        Flavor::FileNames => Extra::File(rd.string()?.filter(|s| !s.is_empty())),
    };
    let large_objects = count_large_objects(&kind, definition.as_deref());
    Ok(RawEntry {
        entry: TocEntry {
            id,
            kind,
            schema,
            name,
            owner: owner.filter(|o| !o.is_empty()),
            section,
            dependencies,
            data: None,
        },
        extra,
        large_objects,
        copy,
    })
}

fn section(code: i64) -> Result<Section, Fault> {
    Ok(match code {
        1 => Section::None,
        2 => Section::PreData,
        3 => Section::Data,
        4 => Section::PostData,
        other => return Err(Fault::Bad(format!("unknown section {other}"))),
    })
}

/// Dependencies are dump ids written as text, ended by a NULL string.
fn read_dependencies<R: Read>(rd: &mut Reader<R>) -> Result<Vec<i32>, Fault> {
    let mut deps = Vec::new();
    while let Some(text) = rd.string()? {
        if deps.len() == MAX_DEPENDENCIES {
            return Err(Fault::Bad(format!(
                "an entry claims over {MAX_DEPENDENCIES} dependencies"
            )));
        }
        let id = text
            .trim()
            .parse()
            .map_err(|_| Fault::Bad(format!("dependency {text:?} is not a dump id")))?;
        deps.push(id);
    }
    Ok(deps)
}

/// A BLOB entry is one large object. A PostgreSQL 17 BLOB METADATA entry
/// stands for a group, its definition listing one OID per line.
fn count_large_objects(kind: &str, definition: Option<&str>) -> i64 {
    match kind {
        "BLOB" => 1,
        "BLOB METADATA" => definition
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                let l = l.trim();
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())
            })
            .count() as i64,
        _ => 0,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes archives the way pg_dump's `WriteInt`/`WriteStr` do.
    #[derive(Default)]
    pub(crate) struct Writer {
        pub buf: Vec<u8>,
    }

    impl Writer {
        pub(crate) fn int(&mut self, v: i64) -> &mut Self {
            self.buf.push(u8::from(v < 0));
            self.buf
                .extend_from_slice(&(v.unsigned_abs() as u32).to_le_bytes());
            self
        }

        pub(crate) fn str(&mut self, s: Option<&str>) -> &mut Self {
            match s {
                None => self.int(-1),
                Some(s) => {
                    self.int(s.len() as i64);
                    self.buf.extend_from_slice(s.as_bytes());
                    self
                }
            }
        }

        pub(crate) fn header(&mut self, minor: u8, format: u8) -> &mut Self {
            self.buf.extend_from_slice(b"PGDMP");
            self.buf.extend_from_slice(&[1, minor, 0, 4, 8, format]);
            if minor >= 15 {
                self.buf.push(1);
            } else {
                self.int(-1);
            }
            for v in [39, 41, 5, 22, 10, 126, 0] {
                self.int(v);
            }
            self.str(Some("db")).str(Some("15.18")).str(Some("15.18"))
        }

        /// One entry; `extra` writes the format-specific tail.
        pub(crate) fn entry(
            &mut self,
            id: i64,
            kind: &str,
            schema: Option<&str>,
            name: &str,
            deps: &[i32],
            minor: u8,
        ) -> &mut Self {
            self.int(id).int(0).str(Some("0")).str(Some("0"));
            self.str(Some(name)).str(Some(kind)).int(2);
            self.str(Some(""))
                .str(None)
                .str(None)
                .str(schema)
                .str(Some(""));
            if minor >= 14 {
                self.str(Some("heap"));
            }
            if minor >= 16 {
                self.int(0);
            }
            self.str(Some("postgres")).str(Some("false"));
            for d in deps {
                self.str(Some(&d.to_string()));
            }
            self.str(None)
        }

        pub(crate) fn offset(&mut self, flag: u8, pos: u64) -> &mut Self {
            self.buf.push(flag);
            self.buf.extend_from_slice(&pos.to_le_bytes());
            self
        }
    }

    fn read(bytes: &[u8], format: u8, flavor: Flavor) -> Result<Toc, Fault> {
        let mut rd = Reader::new(bytes, bytes.len() as u64);
        read_toc(&mut rd, format, flavor)
    }

    fn two_entry_toc(minor: u8) -> Vec<u8> {
        let mut w = Writer::default();
        w.header(minor, FORMAT_TAR).int(2);
        w.entry(5, "TABLE", Some("public"), "t", &[], minor)
            .str(Some(""));
        w.entry(9, "TABLE DATA", Some("public"), "t", &[5], minor)
            .str(Some("9.dat"));
        w.buf
    }

    #[test]
    fn reads_header_and_entries_of_each_supported_version() {
        for minor in 12..=16 {
            let toc = read(&two_entry_toc(minor), FORMAT_TAR, Flavor::FileNames).unwrap();
            assert_eq!(toc.header.database.as_deref(), Some("db"));
            assert_eq!(toc.entries.len(), 2);
            let data = &toc.entries[1];
            assert_eq!(data.entry.kind, "TABLE DATA");
            assert_eq!(data.entry.dependencies, vec![5]);
            assert_eq!(data.extra, Extra::File(Some("9.dat".into())));
            assert_eq!(toc.entries[0].extra, Extra::File(None));
            let algorithm = &toc.header.compression.algorithm;
            assert_eq!(algorithm, "gzip", "minor {minor}");
        }
    }

    #[test]
    fn rejects_versions_outside_the_supported_range() {
        let mut bytes = two_entry_toc(14);
        bytes[6] = 17;
        let err = read(&bytes, FORMAT_TAR, Flavor::FileNames).unwrap_err();
        assert!(matches!(
            err,
            Fault::Version {
                major: 1,
                minor: 17
            }
        ));
        let e = err.into_error(Path::new("x"), "toc.dat");
        assert!(matches!(e, ArchiveError::UnsupportedVersion { ref min_pg, .. } if min_pg == "18"));
        bytes[6] = 11;
        let e = read(&bytes, FORMAT_TAR, Flavor::FileNames).unwrap_err();
        assert!(matches!(
            e.into_error(Path::new("x"), "toc.dat"),
            ArchiveError::TooOld { .. }
        ));
    }

    #[test]
    fn wrong_format_code_is_damage() {
        let err = read(&two_entry_toc(14), FORMAT_CUSTOM, Flavor::Offsets).unwrap_err();
        assert!(matches!(err, Fault::Bad(_)));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = two_entry_toc(14);
        for cut in 0..bytes.len() {
            let err = read(&bytes[..cut], FORMAT_TAR, Flavor::FileNames).unwrap_err();
            assert!(
                matches!(err, Fault::Eof { .. } | Fault::Bad(_)),
                "cut at {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn absurd_lengths_and_counts_fail_without_allocating() {
        let mut w = Writer::default();
        w.header(14, FORMAT_TAR).int(i32::MAX as i64);
        let err = read(&w.buf, FORMAT_TAR, Flavor::FileNames).unwrap_err();
        assert!(
            matches!(&err, Fault::Bad(why) if why.contains("2147483647 entries")),
            "{err:?}"
        );

        let mut w = Writer::default();
        w.header(14, FORMAT_TAR)
            .int(1)
            .int(1)
            .int(0)
            .int(i32::MAX as i64);
        let err = read(&w.buf, FORMAT_TAR, Flavor::FileNames).unwrap_err();
        assert!(matches!(err, Fault::Eof { needed } if needed > 1 << 30));
    }

    /// A zstd stream's length says nothing of its table of contents: the
    /// dependencies it claims are capped, not read on and on.
    #[test]
    fn dependencies_claimed_beyond_any_real_dump_are_refused() {
        let deps: Vec<i32> = (1..=MAX_DEPENDENCIES as i32 + 1).collect();
        let mut w = Writer::default();
        w.header(14, FORMAT_TAR)
            .int(1)
            .entry(1, "TABLE", Some("public"), "t", &deps, 14)
            .str(None);
        let mut rd = Reader::new(Stream(&w.buf[..]), u64::MAX);
        let err = read_toc(&mut rd, FORMAT_TAR, Flavor::FileNames).unwrap_err();
        assert!(
            matches!(&err, Fault::Bad(why) if why.contains("dependencies")),
            "{err:?}"
        );
    }

    #[test]
    fn random_bytes_after_magic_never_panic() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            let mut bytes = b"PGDMP\x01\x0e\x00\x04\x08\x03".to_vec();
            for _ in 0..(seed % 300) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.push(seed as u8);
            }
            let _ = read(&bytes, FORMAT_TAR, Flavor::FileNames);
            let _ = read(&bytes, FORMAT_CUSTOM, Flavor::Offsets);
        }
    }

    #[test]
    fn blob_metadata_counts_one_object_per_oid_line() {
        assert_eq!(count_large_objects("BLOB", None), 1);
        assert_eq!(
            count_large_objects("BLOB METADATA", Some("16424\n16425\n16500\n")),
            3
        );
        assert_eq!(count_large_objects("TABLE", Some("1\n")), 0);
    }

    #[test]
    fn dump_time_rejects_nonsense() {
        assert!(dump_time([0, 0, 0, 31, 1, 126, 0]).is_none());
        assert!(dump_time([0, 0, 0, 1, 0, 400_000, 0]).is_none());
        assert!(dump_time([0, 0, 0, 1, 0, i64::MAX, 0]).is_none());
        assert!(dump_time([0, 0, -1, 1, 0, 126, 0]).is_none());
        assert!(dump_time([60, 59, 23, 31, 11, 126, 0]).is_some());
    }
}
