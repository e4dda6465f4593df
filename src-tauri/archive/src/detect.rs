//! Tells the archive format from content, never from the file name.

use crate::toc::{FORMAT_CUSTOM, FORMAT_TAR};
use crate::{io_error, ArchiveError, BackupFormat};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// How much of a file is looked at to recognise it.
const SNIFF_LEN: usize = 64 * 1024;

/// Statements a SQL script may start with.
const SQL_KEYWORDS: &[&str] = &[
    "ALTER", "ANALYZE", "BEGIN", "CALL", "CLUSTER", "COMMENT", "COMMIT", "COPY", "CREATE",
    "DELETE", "DO", "DROP", "END", "GRANT", "INSERT", "LOCK", "REFRESH", "REINDEX", "RESET",
    "REVOKE", "ROLLBACK", "SECURITY", "SELECT", "SET", "START", "TRUNCATE", "UPDATE", "VACUUM",
    "VALUES", "WITH",
];

/// How a file is wrapped around the archive inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    None,
    /// A plain SQL script stored gzip-compressed (`pg_dump -Fp -Z n`).
    Gzip,
    /// A custom archive inside one zstd stream (Tusk's fast preset,
    /// `pg_dump -Fc -Z0 | zstd`).
    Zstd,
}

/// Which format `path` holds, and whether it is a gzip-compressed plain
/// script. A directory is a directory archive when its `toc.dat` says so.
/// A zstd-compressed custom archive is reported as custom.
pub fn detect_format(path: &Path) -> Result<(BackupFormat, bool), ArchiveError> {
    detect(path).map(|(format, packing)| (format, packing == Packing::Gzip))
}

pub(crate) fn detect(path: &Path) -> Result<(BackupFormat, Packing), ArchiveError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return detect_directory(path).map(|f| (f, Packing::None));
    }
    if meta.len() == 0 {
        return Err(ArchiveError::Empty(path.to_path_buf()));
    }
    let head = read_prefix(File::open(path).map_err(|e| io_error(path, e))?);
    match sniff(&head) {
        Sniff::Custom => Ok((BackupFormat::Custom, Packing::None)),
        Sniff::Tar => check_tar(path).map(|()| (BackupFormat::Tar, Packing::None)),
        Sniff::Gzip => check_gzip(path).map(|()| (BackupFormat::Plain, Packing::Gzip)),
        Sniff::Zstd => check_zstd(path).map(|()| (BackupFormat::Custom, Packing::Zstd)),
        Sniff::Plain => Ok((BackupFormat::Plain, Packing::None)),
        Sniff::Other(found) => Err(not_a_backup(path, found)),
    }
}

enum Sniff {
    Custom,
    Tar,
    Gzip,
    Zstd,
    Plain,
    Other(String),
}

fn not_a_backup(path: &Path, found: impl Into<String>) -> ArchiveError {
    ArchiveError::NotABackup {
        path: path.to_path_buf(),
        found: found.into(),
    }
}

/// Up to `SNIFF_LEN` bytes; a read error just ends the prefix early, since
/// what was read is enough to describe the content.
fn read_prefix(reader: impl Read) -> Vec<u8> {
    let mut head = Vec::new();
    let mut limited = reader.take(SNIFF_LEN as u64);
    let mut buf = [0u8; 8192];
    while let Ok(n @ 1..) = limited.read(&mut buf) {
        head.extend_from_slice(&buf[..n]);
    }
    head
}

fn sniff(head: &[u8]) -> Sniff {
    if head.starts_with(b"PGDMP") {
        return pgdmp_kind(head);
    }
    if is_ustar(head) {
        return Sniff::Tar;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Sniff::Gzip;
    }
    if head.starts_with(ZSTD_MAGIC) {
        return Sniff::Zstd;
    }
    if looks_like_sql(head) {
        return Sniff::Plain;
    }
    Sniff::Other(describe_unknown(head))
}

fn is_ustar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// The format code follows magic, version (3 bytes) and the int/offset sizes.
fn pgdmp_kind(head: &[u8]) -> Sniff {
    match head.get(10) {
        Some(&FORMAT_CUSTOM) | None => Sniff::Custom,
        Some(&FORMAT_TAR) => Sniff::Other(
            "the table of contents (toc.dat) of a directory backup on its own; choose the folder that holds it".into(),
        ),
        Some(code) => Sniff::Other(format!("a pg_dump archive with unknown format code {code}")),
    }
}

fn describe_unknown(head: &[u8]) -> String {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a ZIP archive"),
        (b"BZh", "a bzip2-compressed file"),
        (b"\xfd7zXZ\x00", "an xz-compressed file"),
        (
            b"\x04\x22\x4d\x18",
            "an lz4-compressed file (decompress it first)",
        ),
        (b"%PDF", "a PDF document"),
        (b"SQLite format 3\x00", "an SQLite database"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
        return (*what).into();
    }
    if is_text(head) {
        "a text file that is not SQL".into()
    } else {
        "random binary data".into()
    }
}

fn is_text(bytes: &[u8]) -> bool {
    !bytes
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

/// pg_dump's own header ("--\n-- PostgreSQL database dump"), or a text
/// whose first statement is SQL or a psql command. Leading BOM and blank
/// space are allowed. The header alone decides for pg_dump scripts: their
/// COPY data may hold raw control characters.
pub(crate) fn looks_like_sql(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    if lines
        .clone()
        .take(2)
        .any(|l| l.starts_with("-- PostgreSQL") && l.contains(" dump"))
    {
        return true;
    }
    is_text(head) && first_statement_is_sql(lines) && text.contains(';')
}

fn first_statement_is_sql<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let mut in_block_comment = false;
    for line in lines {
        if in_block_comment || line.starts_with("/*") {
            in_block_comment = !line.contains("*/");
        } else if !line.starts_with("--") {
            return line.starts_with('\\') || starts_with_keyword(line);
        }
    }
    false
}

/// SQL is written in one case ("CREATE", "create"); prose that happens to
/// start with "Create" is not taken for SQL.
fn starts_with_keyword(line: &str) -> bool {
    let word: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let one_case = word == word.to_ascii_uppercase() || word == word.to_ascii_lowercase();
    one_case && SQL_KEYWORDS.contains(&word.to_ascii_uppercase().as_str())
}

fn detect_directory(dir: &Path) -> Result<BackupFormat, ArchiveError> {
    let toc = dir.join("toc.dat");
    let head = match File::open(&toc) {
        Ok(f) => read_prefix(f.take(16)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(no_toc(dir)),
        Err(e) => return Err(io_error(&toc, e)),
    };
    if head.is_empty() {
        return Err(crate::truncated(dir, "its toc.dat is empty (0 bytes)"));
    }
    if !head.starts_with(b"PGDMP") {
        let found = "a directory whose toc.dat is not a pg_dump table of contents";
        return Err(not_a_backup(dir, found));
    }
    Ok(BackupFormat::Directory)
}

/// pg_dump writes a directory archive's toc.dat last: data files without it
/// mean the dump was stopped.
fn no_toc(dir: &Path) -> ArchiveError {
    let has_data = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| is_data_file_name(&e.file_name().to_string_lossy()))
        })
        .unwrap_or(false);
    if has_data {
        ArchiveError::Incomplete {
            path: dir.to_path_buf(),
            detail: "it has table data files but no toc.dat".into(),
        }
    } else {
        not_a_backup(dir, "a directory without toc.dat")
    }
}

/// "1234.dat", "blob_16400.dat", optionally compressed (".gz", ".lz4", ".zst").
fn is_data_file_name(name: &str) -> bool {
    let base = ["", ".gz", ".lz4", ".zst"]
        .iter()
        .find_map(|ext| name.strip_suffix(&format!(".dat{ext}")));
    let Some(base) = base else { return false };
    let digits = base.strip_prefix("blob_").unwrap_or(base);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A pg_dump tar archive has a top-level toc.dat member.
fn check_tar(path: &Path) -> Result<(), ArchiveError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut archive = tar::Archive::new(file);
    let mut nested = false;
    if let Ok(entries) = archive.entries_with_seek() {
        for entry in entries.map_while(Result::ok) {
            let name = entry.path_bytes();
            if name.as_ref() == b"toc.dat" {
                return Ok(());
            }
            nested |= name.ends_with(b"/toc.dat");
        }
    }
    let found = if nested {
        "a tar file holding a directory-format backup; extract it and choose the extracted folder"
    } else {
        "a tar archive without toc.dat (not made by pg_dump -Ft)"
    };
    Err(not_a_backup(path, found))
}

/// The first bytes of a zstd frame.
pub(crate) const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";

/// Accepts a zstd file whose content is a custom archive (what the fast
/// preset writes); names what else it holds.
fn check_zstd(path: &Path) -> Result<(), ArchiveError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let head = match zstd::stream::read::Decoder::new(file) {
        Ok(decoder) => read_prefix(decoder),
        Err(_) => Vec::new(),
    };
    if head.starts_with(b"PGDMP") && head.get(10).is_none_or(|&f| f == FORMAT_CUSTOM) {
        return Ok(());
    }
    if head.is_empty() {
        let detail = "its zstd-compressed data is cut off or damaged before the archive header";
        return Err(crate::truncated(path, detail));
    }
    let found = if looks_like_sql(&head) {
        "a zstd-compressed SQL script; decompress it (zstd -d) and use the result"
    } else if is_ustar(&head) {
        "a zstd-compressed tar archive, which pg_restore cannot read; decompress it (zstd -d) first"
    } else {
        "a zstd-compressed file that does not contain a pg_dump archive"
    };
    Err(not_a_backup(path, found))
}

/// Checks a zstd file is whole without decompressing it: frame by frame,
/// the header, then every block header (each says how long its block is) up
/// to the last block, and the checksum. A file cut anywhere ends inside one
/// of them. Skippable frames are stepped over.
pub(crate) fn check_zstd_frames(path: &Path) -> Result<(), ArchiveError> {
    let (file, len) = crate::open_file(path)?;
    let mut rd = BufReader::new(file);
    let cut = |at: u64| {
        crate::truncated(
            path,
            format!("its zstd-compressed data is cut off at byte {at} of {len}"),
        )
    };
    let mut pos = 0u64;
    let read = |rd: &mut BufReader<File>, pos: &mut u64, n: usize| -> Result<u64, ArchiveError> {
        let mut buf = [0u8; 8];
        if *pos + n as u64 > len {
            return Err(cut(len));
        }
        rd.read_exact(&mut buf[..n])
            .map_err(|e| crate::io_error(path, e))?;
        *pos += n as u64;
        Ok(u64::from_le_bytes(buf))
    };
    let skip = |rd: &mut BufReader<File>, pos: &mut u64, n: u64| -> Result<(), ArchiveError> {
        if *pos + n > len {
            return Err(cut(len));
        }
        rd.seek_relative(n as i64)
            .map_err(|e| crate::io_error(path, e))?;
        *pos += n;
        Ok(())
    };
    while pos < len {
        let magic = read(&mut rd, &mut pos, 4)? as u32;
        if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
            let size = read(&mut rd, &mut pos, 4)?;
            skip(&mut rd, &mut pos, size)?;
            continue;
        }
        if magic != 0xFD2F_B528 {
            let detail = format!("its zstd data has no frame at byte {}", pos - 4);
            return Err(crate::truncated(path, detail));
        }
        let fhd = read(&mut rd, &mut pos, 1)? as u8;
        let single_segment = fhd & 0x20 != 0;
        let window = u64::from(!single_segment);
        let dictionary = [0, 1, 2, 4][usize::from(fhd & 3)];
        let content_size = match fhd >> 6 {
            0 => u64::from(single_segment),
            1 => 2,
            2 => 4,
            _ => 8,
        };
        skip(&mut rd, &mut pos, window + dictionary + content_size)?;
        loop {
            let header = read(&mut rd, &mut pos, 3)?;
            let size = header >> 3;
            match (header >> 1) & 3 {
                0 | 2 => skip(&mut rd, &mut pos, size)?,
                1 => skip(&mut rd, &mut pos, 1)?,
                _ => {
                    let detail = format!(
                        "its zstd data has a reserved block type at byte {}",
                        pos - 3
                    );
                    return Err(crate::truncated(path, detail));
                }
            }
            if header & 1 == 1 {
                break;
            }
        }
        if fhd & 0x04 != 0 {
            skip(&mut rd, &mut pos, 4)?;
        }
    }
    Ok(())
}

/// Accepts a gzip file whose content is a plain SQL script.
fn check_gzip(path: &Path) -> Result<(), ArchiveError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let head = read_prefix(MultiGzDecoder::new(BufReader::new(file)));
    if looks_like_sql(&head) {
        return Ok(());
    }
    let found = if head.starts_with(b"PGDMP") {
        "a gzip-compressed custom archive; decompress it (gunzip) and use the result"
    } else if is_ustar(&head) {
        "a gzip-compressed tar archive, which pg_restore cannot read; decompress it (gunzip) first"
    } else {
        "a gzip file that does not contain SQL"
    };
    Err(not_a_backup(path, found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn detect_bytes(name: &str, bytes: &[u8]) -> Result<(BackupFormat, bool), ArchiveError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        detect_format(&path)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn found(result: Result<(BackupFormat, bool), ArchiveError>) -> String {
        match result {
            Err(ArchiveError::NotABackup { found, .. }) => found,
            other => panic!("expected NotABackup, got {other:?}"),
        }
    }

    const PG_HEADER: &[u8] = b"--\n-- PostgreSQL database dump\n--\n\nSET x = 1;\n";

    #[test]
    fn recognises_plain_sql_whatever_the_name() {
        let bom = [b"\xef\xbb\xbf  \n".as_slice(), PG_HEADER].concat();
        let raw_copy_data = [PG_HEADER, b"COPY t (v) FROM stdin;\n\x01\x02\n\\.\n"].concat();
        let scripts: [&[u8]; 5] = [
            PG_HEADER,
            &bom,
            &raw_copy_data,
            b"/* setup */\n-- hello\ncreate table t (id int);\n",
            b"\\connect mydb\nSELECT 1;\n",
        ];
        for script in scripts {
            let detected = detect_bytes("x.backup", script).unwrap();
            assert_eq!(detected, (BackupFormat::Plain, false), "{script:?}");
        }
    }

    #[test]
    fn recognises_gzipped_sql_and_explains_other_gzip() {
        assert_eq!(
            detect_bytes("x.sql", &gzip(PG_HEADER)).unwrap(),
            (BackupFormat::Plain, true)
        );
        assert!(found(detect_bytes("x.gz", &gzip(b"hello world"))).contains("does not contain SQL"));
        assert!(found(detect_bytes("x.gz", &gzip(b"PGDMP\x01\x0e"))).contains("custom archive"));
    }

    #[test]
    fn recognises_custom_by_magic_and_format_code() {
        let custom = b"PGDMP\x01\x0e\x00\x04\x08\x01rest";
        assert_eq!(
            detect_bytes("x.sql", custom).unwrap(),
            (BackupFormat::Custom, false)
        );
        let lone_toc = b"PGDMP\x01\x0e\x00\x04\x08\x03rest";
        assert!(found(detect_bytes("toc.dat", lone_toc)).contains("toc.dat"));
    }

    #[test]
    fn describes_what_is_not_a_backup() {
        assert_eq!(
            found(detect_bytes("x.backup", b"PK\x03\x04zipzip")),
            "a ZIP archive"
        );
        assert_eq!(
            found(detect_bytes("x.backup", b"\x00\x01\x02\xff\xfe")),
            "random binary data"
        );
        assert_eq!(
            found(detect_bytes("x.sql", b"just some notes\n")),
            "a text file that is not SQL"
        );
        assert_eq!(
            found(detect_bytes("x.sql", b"Create a list; then")),
            "a text file that is not SQL"
        );
    }

    #[test]
    fn empty_and_missing_files() {
        assert!(matches!(
            detect_bytes("x", b""),
            Err(ArchiveError::Empty(_))
        ));
        let missing = detect_format(Path::new("/nonexistent/tusk/x.backup"));
        assert!(matches!(missing, Err(ArchiveError::NotFound(_))));
    }

    #[test]
    fn tar_needs_toc_dat() {
        let tar_with = |name: &str| {
            let mut b = tar::Builder::new(Vec::new());
            let mut h = tar::Header::new_ustar();
            h.set_size(5);
            h.set_cksum();
            b.append_data(&mut h, name, &b"PGDMP"[..]).unwrap();
            b.into_inner().unwrap()
        };
        assert_eq!(
            detect_bytes("x", &tar_with("toc.dat")).unwrap(),
            (BackupFormat::Tar, false)
        );
        assert!(found(detect_bytes("x.tar", &tar_with("dump/toc.dat"))).contains("extract it"));
        assert!(found(detect_bytes("x.tar", &tar_with("readme"))).contains("without toc.dat"));
    }

    #[test]
    fn directories() {
        let dir = tempfile::tempdir().unwrap();
        assert!(found(detect_format(dir.path())).contains("without toc.dat"));
        std::fs::write(dir.path().join("3370.dat.gz"), b"x").unwrap();
        let err = detect_format(dir.path()).unwrap_err();
        assert!(matches!(err, ArchiveError::Incomplete { .. }), "{err:?}");
        std::fs::write(dir.path().join("toc.dat"), b"").unwrap();
        assert!(matches!(
            detect_format(dir.path()),
            Err(ArchiveError::Truncated { .. })
        ));
        std::fs::write(dir.path().join("toc.dat"), b"hello").unwrap();
        assert!(found(detect_format(dir.path())).contains("not a pg_dump"));
        std::fs::write(dir.path().join("toc.dat"), b"PGDMP\x01\x0e").unwrap();
        assert_eq!(
            detect_format(dir.path()).unwrap(),
            (BackupFormat::Directory, false)
        );
    }

    /// Seed 000's `test_detect_backup_format`, case by case, with the answer
    /// a user expects.
    #[test]
    fn seed_000_detect_backup_format_cases() {
        let temp = tempfile::tempdir().unwrap();
        // "PGDMP..." is a custom archive's magic: detected as custom. It is
        // also only 8 bytes, so reading it (info, restore) says it is
        // truncated instead of handing pg_restore a file it cannot read.
        let custom = temp.path().join("test.backup");
        std::fs::write(&custom, b"PGDMP...").unwrap();
        assert_eq!(
            detect_format(&custom).unwrap(),
            (BackupFormat::Custom, false)
        );
        let read = crate::read_info(&custom).unwrap_err();
        assert!(
            matches!(read, ArchiveError::Truncated { ref detail, .. } if detail.contains("cut off")),
            "{read:?}"
        );
        // Long enough, but "..." where the version goes: damaged, not "made
        // by a newer PostgreSQL".
        std::fs::write(
            &custom,
            [b"PGDMP...\x04\x08\x01".as_slice(), &[0u8; 200]].concat(),
        )
        .unwrap();
        let read = crate::read_info(&custom).unwrap_err();
        assert!(
            matches!(read, ArchiveError::Truncated { ref detail, .. } if detail.contains("never wrote")),
            "{read:?}"
        );
        // "-- PostgreSQL dump": a pg_dump-style header, so plain SQL.
        let sql = temp.path().join("test.sql");
        std::fs::write(&sql, b"-- PostgreSQL dump").unwrap();
        assert_eq!(detect_format(&sql).unwrap(), (BackupFormat::Plain, false));
        // The same text under a name that says custom is still plain SQL:
        // the content decides, never the extension.
        let named_custom = temp.path().join("lying.backup");
        std::fs::write(&named_custom, b"-- PostgreSQL dump").unwrap();
        assert_eq!(
            detect_format(&named_custom).unwrap(),
            (BackupFormat::Plain, false)
        );
        // Deliberately different from the seed: an empty folder is not a
        // directory backup (pg_dump writes toc.dat into every one). Taking
        // it for one would hand pg_restore a folder it fails on with
        // "could not open input file"; Tusk says what is missing instead.
        let dir = temp.path().join("backup_dir");
        std::fs::create_dir(&dir).unwrap();
        assert_eq!(found(detect_format(&dir)), "a directory without toc.dat");
    }

    #[test]
    fn data_file_names() {
        for ok in ["3370.dat", "3370.dat.gz", "blob_16424.dat", "1.dat.zst"] {
            assert!(is_data_file_name(ok), "{ok}");
        }
        for bad in ["toc.dat", ".dat", "blob_.dat", "x3370.dat", "3370.dat.bz2"] {
            assert!(!is_data_file_name(bad), "{bad}");
        }
    }
}
