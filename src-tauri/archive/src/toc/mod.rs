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

mod reader;
pub(crate) use reader::*;

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
    // The fixed part of the header first: a file cut off inside it is
    // truncated, whatever its first bytes seem to say.
    rd.ensure(6)?;
    let (major, minor, _rev) = (rd.byte()?, rd.byte()?, rd.byte()?);
    if major != 1 {
        return Err(Fault::Bad(format!(
            "its header gives archive version {major}.{minor}, which pg_dump never wrote (every version is 1.x)"
        )));
    }
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
pub(crate) mod tests;
