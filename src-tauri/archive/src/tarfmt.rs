//! Tar archives (`pg_dump -Ft`): a `toc.dat` member first, then one member
//! per table's data (`<id>.dat`), the large objects (`blob_<oid>.dat` members
//! listed in `blobs.toc`, or `blobs_<id>.toc` since PostgreSQL 17) and
//! `restore.sql`. pg_dump appends members as it goes, so a dump stopped early
//! or a cut copy lacks members or ends inside one.

use crate::toc::{self, Extra, Reader, Toc};
use crate::{describe, io_error, ArchiveError, BackupFormat, BackupInfo, DataLocation, TocEntry};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Where a member's content lies in the tar file.
#[derive(Debug, Clone, Copy)]
struct Member {
    start: u64,
    size: u64,
}

impl Member {
    fn end(&self) -> u64 {
        self.start.saturating_add(self.size)
    }
}

const BLOCK: u64 = 512;

/// Large-object lists are small (a line per object); this bounds a damaged one.
const MAX_BLOB_LIST: u64 = 256 << 20;

pub(crate) fn read_info(path: &Path) -> Result<BackupInfo, ArchiveError> {
    let (file, len) = crate::open_file(path)?;
    let mut archive = tar::Archive::new(file);
    let (members, toc) = scan(&mut archive, path, len)?;
    let mut toc = toc.ok_or_else(|| crate::truncated(path, "it has no toc.dat member"))?;
    let mut file = archive.into_inner();
    let last_end = members.values().map(Member::end).max().unwrap_or(0);
    check_end_marker(&mut file, last_end.next_multiple_of(BLOCK), len, path)?;
    locate_all(&mut toc, &members, &mut file, path)?;
    Ok(toc.into_info(path, BackupFormat::Tar, len))
}

/// Lists the members (checking each lies inside the file) and parses toc.dat.
fn scan(
    archive: &mut tar::Archive<File>,
    path: &Path,
    len: u64,
) -> Result<(HashMap<String, Member>, Option<Toc>), ArchiveError> {
    let damaged =
        |e: std::io::Error| crate::truncated(path, format!("its tar structure is damaged ({e})"));
    let mut members = HashMap::new();
    let mut toc = None;
    for entry in archive.entries_with_seek().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = Member {
            start: entry.raw_file_position(),
            size: entry.size(),
        };
        if member.end() > len {
            let detail = format!(
                "member {name} ends at byte {} but the file has {len} bytes",
                member.end()
            );
            return Err(crate::truncated(path, detail));
        }
        if name == "toc.dat" && toc.is_none() {
            let mut rd = Reader::new(&mut entry, member.size);
            let read = toc::read_toc(&mut rd, toc::FORMAT_TAR, toc::Flavor::FileNames);
            toc = Some(read.map_err(|f| f.into_error(path, "toc.dat"))?);
        }
        members.insert(name, member);
    }
    Ok((members, toc))
}

/// pg_dump ends a tar archive with two zero blocks. Without them, a copy cut
/// between two members would look whole.
fn check_end_marker(file: &mut File, at: u64, len: u64, path: &Path) -> Result<(), ArchiveError> {
    let mut marker = [0u8; 2 * BLOCK as usize];
    let found = at + 2 * BLOCK <= len
        && file.seek(SeekFrom::Start(at)).is_ok()
        && file.read_exact(&mut marker).is_ok()
        && marker.iter().all(|&b| b == 0);
    if found {
        return Ok(());
    }
    let detail = format!("it ends at byte {len} without the tar end-of-archive marker");
    Err(crate::truncated(path, detail))
}

fn locate_all(
    toc: &mut Toc,
    members: &HashMap<String, Member>,
    file: &mut File,
    path: &Path,
) -> Result<(), ArchiveError> {
    for raw in &mut toc.entries {
        let Extra::File(Some(name)) = &raw.extra else {
            continue;
        };
        let entry = &raw.entry;
        let range = if entry.kind == "BLOBS" {
            blobs_range(entry, members, file, path)?
        } else {
            let member = find(members, name).ok_or_else(|| missing(path, name, entry))?;
            (member.start, member.end())
        };
        raw.entry.data = Some(DataLocation::Range {
            start: range.0,
            end: range.1,
        });
    }
    Ok(())
}

fn find<'a>(members: &'a HashMap<String, Member>, name: &str) -> Option<&'a Member> {
    members
        .get(name)
        .or_else(|| members.get(&format!("{name}.gz")))
}

fn missing(path: &Path, name: &str, entry: &TocEntry) -> ArchiveError {
    let detail = format!("member {name}, the data of {}, is missing", describe(entry));
    crate::truncated(path, detail)
}

/// The TOC names a `<id>.dat` for a BLOBS entry that pg_dump never writes;
/// the objects live in the members its list names. The range spans the list
/// and all of them.
fn blobs_range(
    entry: &TocEntry,
    members: &HashMap<String, Member>,
    file: &mut File,
    path: &Path,
) -> Result<(u64, u64), ArchiveError> {
    let list_name = [format!("blobs_{}.toc", entry.id), "blobs.toc".to_string()]
        .into_iter()
        .find(|n| members.contains_key(n))
        .ok_or_else(|| missing(path, "blobs.toc", entry))?;
    let list = members[&list_name];
    let (mut start, mut end) = (list.start, list.end());
    for name in blob_names(file, list, path)? {
        let member = find(members, &name).ok_or_else(|| missing(path, &name, entry))?;
        start = start.min(member.start);
        end = end.max(member.end());
    }
    Ok((start, end))
}

/// File names in a large-object list: lines of "<oid> <file name>".
fn blob_names(file: &mut File, list: Member, path: &Path) -> Result<Vec<String>, ArchiveError> {
    if list.size > MAX_BLOB_LIST {
        return Err(crate::truncated(
            path,
            "its large-object list is impossibly long",
        ));
    }
    file.seek(SeekFrom::Start(list.start))
        .map_err(|e| io_error(path, e))?;
    let reader = BufReader::new(Read::take(&mut *file, list.size));
    let mut names = Vec::new();
    for line in reader.lines() {
        let line = line.map_err(|e| io_error(path, e))?;
        if let Some((_oid, name)) = line.trim().split_once(' ') {
            names.push(name.to_string());
        }
    }
    Ok(names)
}
