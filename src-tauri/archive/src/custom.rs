//! Custom-format archives (`pg_dump -Fc`, pg_backup_custom.c): header and TOC,
//! then data blocks. Each block is a type byte and the entry's dump id, then
//! length-prefixed chunks ended by a zero length; a large-object block repeats
//! "OID, chunks" until a zero OID.
//!
//! pg_dump writes the TOC first with no data offsets, then the data, then —
//! only if the output is seekable — rewrites the TOC with the offsets. So:
//! all offsets set = finished file; none set = written to a pipe (fine if the
//! data is all there) or killed before the rewrite; some set = killed during
//! the rewrite.
//!
//! The fast preset stores a custom archive inside one zstd stream; it is read
//! here in one pass through the decompressor, the data blocks walked.

use crate::toc::{self, Extra, Fault, Reader, Skip, Stream, Toc};
use crate::{describe, ArchiveError, BackupFormat, BackupInfo, Compression, DataLocation};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

const BLK_DATA: u8 = 1;
const BLK_BLOBS: u8 = 3;

type FileReader = Reader<BufReader<File>>;

pub(crate) fn read_info(path: &Path) -> Result<BackupInfo, ArchiveError> {
    let (file, len) = crate::open_file(path)?;
    // A large buffer turns skipping over small chunks into sequential reads.
    let mut rd = Reader::new(BufReader::with_capacity(1 << 18, file), len);
    let mut toc = toc::read_toc(&mut rd, toc::FORMAT_CUSTOM, toc::Flavor::Offsets)
        .map_err(|f| f.into_error(path, "the table of contents"))?;
    locate_data(&mut rd, &mut toc, path)?;
    Ok(toc.into_info(path, BackupFormat::Custom, len))
}

/// How much of a zstd-wrapped archive to read.
pub(crate) enum ZstdRead<'a> {
    /// The table of contents only: the head of the stream.
    Toc,
    /// Everything, every data block walked.
    Walk,
    /// Everything, walked, and every decompressed byte also written to `to`.
    Unpack {
        to: &'a Path,
        progress: &'a crate::UnpackProgress,
    },
}

/// A custom archive inside a zstd stream: the table of contents, then (but
/// for [`ZstdRead::Toc`]) every data block walked as it is decompressed.
/// Positions are those of the decompressed archive, as `zstd -d` writes it.
pub(crate) fn read_zstd(path: &Path, mode: ZstdRead<'_>) -> Result<BackupInfo, ArchiveError> {
    let (file, len) = crate::open_file(path)?;
    let decoder = zstd::stream::read::Decoder::new(file).map_err(|e| crate::io_error(path, e))?;
    let toc = match mode {
        ZstdRead::Toc => read_stream(path, decoder, false)?,
        ZstdRead::Walk => read_stream(path, decoder, true)?,
        ZstdRead::Unpack { to, progress } => crate::unpack::unpack(path, decoder, to, progress)?,
    };
    let mut info = toc.into_info(path, BackupFormat::Custom, len);
    mark_zstd(&mut info);
    Ok(info)
}

/// A custom archive read through zstd: compressed by zstd as a whole when
/// pg_dump compressed nothing itself.
pub(crate) fn mark_zstd(info: &mut BackupInfo) {
    if info.compression.algorithm == "none" {
        info.compression = Compression {
            algorithm: "zstd".into(),
            level: None,
        };
    }
    info.zstd = true;
}

/// Header, TOC and (with `walk_data`) the data blocks from a decompressed
/// stream; the decompressor's own errors mean the stream is cut or damaged.
fn read_stream<R: std::io::Read>(
    path: &Path,
    stream: R,
    walk_data: bool,
) -> Result<Toc, ArchiveError> {
    read_buffered(path, BufReader::with_capacity(1 << 18, stream), walk_data)
}

/// [`read_stream`] on a stream that buffers itself.
pub(crate) fn read_buffered<B: std::io::BufRead>(
    path: &Path,
    stream: B,
    walk_data: bool,
) -> Result<Toc, ArchiveError> {
    let mut rd = Reader::new(Stream(stream), u64::MAX);
    let read = toc::read_toc(&mut rd, toc::FORMAT_CUSTOM, toc::Flavor::Offsets)
        .map_err(|f| f.into_error(path, "the table of contents"))
        .and_then(|mut toc| {
            if walk_data {
                let blocks = data_blocks(&toc);
                walk(&mut rd, &mut toc, &blocks, path)?;
            }
            Ok(toc)
        });
    read.map_err(|e| match e {
        ArchiveError::Io { source, .. } => crate::truncated(
            path,
            format!("its zstd-compressed data is cut off or damaged ({source})"),
        ),
        other => other,
    })
}

/// A data-carrying entry: its index in the TOC, offset flag and offset.
#[derive(Clone, Copy)]
struct Block {
    index: usize,
    flag: u8,
    pos: u64,
}

fn data_blocks(toc: &Toc) -> Vec<Block> {
    toc.entries
        .iter()
        .enumerate()
        .filter_map(|(index, e)| match e.extra {
            Extra::Offset { flag, pos, .. } if flag != toc::OFFSET_NO_DATA => {
                Some(Block { index, flag, pos })
            }
            _ => None,
        })
        .collect()
}

fn locate_data(rd: &mut FileReader, toc: &mut Toc, path: &Path) -> Result<(), ArchiveError> {
    let blocks = data_blocks(toc);
    let set = blocks.iter().filter(|b| b.flag == toc::OFFSET_SET).count();
    if set == blocks.len() {
        by_offsets(rd, toc, blocks, path)
    } else if set == 0 {
        by_walking(rd, toc, &blocks, path)
    } else {
        Err(incomplete(
            path,
            "only some of its data offsets were recorded",
        ))
    }
}

fn incomplete(path: &Path, detail: impl Into<String>) -> ArchiveError {
    ArchiveError::Incomplete {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

/// Checks each block header sits where the TOC says; a block ends where the
/// next one starts. Only the last block is walked chunk by chunk: if the file
/// was cut, either some offset lies past its end or the last block runs over.
fn by_offsets(
    rd: &mut FileReader,
    toc: &mut Toc,
    mut blocks: Vec<Block>,
    path: &Path,
) -> Result<(), ArchiveError> {
    blocks.sort_by_key(|b| b.pos);
    let len = rd.limit();
    for (k, block) in blocks.iter().enumerate() {
        let entry = &toc.entries[block.index].entry;
        let what = describe(entry);
        if block.pos < toc.end {
            let detail = format!("the data offset of {what} points into the table of contents");
            return Err(crate::truncated(path, detail));
        }
        let next = blocks.get(k + 1).map(|b| b.pos);
        let end = block_end(rd, block.pos, entry.id, next)
            .map_err(|f| data_fault(f, path, &what, len))?;
        if end > len {
            return Err(data_fault(Fault::Eof { needed: end }, path, &what, len));
        }
        toc.entries[block.index].entry.data = Some(DataLocation::Range {
            start: block.pos,
            end,
        });
    }
    Ok(())
}

/// Checks the block at `pos` is entry `id`'s; it ends where the `next` block
/// starts, and the last block is walked to find its end.
fn block_end(rd: &mut FileReader, pos: u64, id: i32, next: Option<u64>) -> Result<u64, Fault> {
    rd.seek_to(pos)?;
    let kind = block_header(rd, id)?;
    match next {
        Some(next) => Ok(next),
        None => skip_block(rd, kind).map(|_| rd.pos()),
    }
}

/// No offsets recorded: walk the blocks from the end of the TOC.
fn by_walking(
    rd: &mut FileReader,
    toc: &mut Toc,
    blocks: &[Block],
    path: &Path,
) -> Result<(), ArchiveError> {
    rd.seek_to(toc.end)
        .map_err(|f| f.into_error(path, "the data"))?;
    walk(rd, toc, blocks, path)
}

/// Walks the data blocks from the reader's position (the end of the TOC) to
/// the end. Running out of bytes means pg_dump never finished.
fn walk<S: Skip>(
    rd: &mut Reader<S>,
    toc: &mut Toc,
    blocks: &[Block],
    path: &Path,
) -> Result<(), ArchiveError> {
    let index: HashMap<i32, usize> = blocks
        .iter()
        .map(|b| (toc.entries[b.index].entry.id, b.index))
        .collect();
    while !rd.at_end().map_err(|f| f.into_error(path, "the data"))? {
        let start = rd.pos();
        let i = next_block(rd, &index, toc, path)?;
        toc.entries[i].entry.data = Some(DataLocation::Range {
            start,
            end: rd.pos(),
        });
    }
    match toc
        .entries
        .iter()
        .find(|e| index.contains_key(&e.entry.id) && e.entry.data.is_none())
    {
        Some(missing) => Err(incomplete(
            path,
            format!(
                "the file ends before the data of {}",
                describe(&missing.entry)
            ),
        )),
        None => Ok(()),
    }
}

/// Reads one block of a sequential walk; returns its entry's index.
fn next_block<S: Skip>(
    rd: &mut Reader<S>,
    index: &HashMap<i32, usize>,
    toc: &Toc,
    path: &Path,
) -> Result<usize, ArchiveError> {
    let start = rd.pos();
    // Running out of bytes is pg_dump stopping; anything else is damage.
    let fault = |f: Fault, what: &str| match f {
        Fault::Eof { needed } => incomplete(
            path,
            format!("{what} is cut off: the archive ends before byte {needed}"),
        ),
        other => other.into_error(path, what),
    };
    let header = format!("the data block at byte {start}");
    let kind = rd.byte().map_err(|f| fault(f, &header))?;
    let id = rd.int32("block id").map_err(|f| fault(f, &header))?;
    let Some(&i) = index.get(&id) else {
        let detail = format!("{header} belongs to no entry (id {id})");
        return Err(crate::truncated(path, detail));
    };
    let what = format!("the data of {}", describe(&toc.entries[i].entry));
    skip_block(rd, kind).map_err(|f| fault(f, &what))?;
    Ok(i)
}

fn data_fault(fault: Fault, path: &Path, what: &str, len: u64) -> ArchiveError {
    match fault {
        Fault::Eof { needed } => crate::truncated(
            path,
            format!(
                "the data of {what} ends at byte {needed} or later, but the file has {len} bytes"
            ),
        ),
        other => other.into_error(path, &format!("the data of {what}")),
    }
}

/// Reads a block header and checks it belongs to entry `id`; returns its type.
fn block_header(rd: &mut FileReader, id: i32) -> Result<u8, Fault> {
    let kind = rd.byte()?;
    let found = rd.int32("block id")?;
    if found != id {
        return Err(Fault::Bad(format!(
            "its block is labelled as entry {found}"
        )));
    }
    Ok(kind)
}

fn skip_block<S: Skip>(rd: &mut Reader<S>, kind: u8) -> Result<(), Fault> {
    match kind {
        BLK_DATA => skip_chunks(rd),
        BLK_BLOBS => loop {
            match rd.int()? {
                0 => return Ok(()),
                oid if oid < 0 => return Err(Fault::Bad(format!("large object OID {oid}"))),
                _ => skip_chunks(rd)?,
            }
        },
        other => Err(Fault::Bad(format!("unknown data block type {other}"))),
    }
}

/// Skips chunks (length, bytes) up to the zero length that ends them.
fn skip_chunks<S: Skip>(rd: &mut Reader<S>) -> Result<(), Fault> {
    loop {
        match rd.int()? {
            0 => return Ok(()),
            n if n < 0 => return Err(Fault::Bad(format!("chunk length {n}"))),
            n => rd.skip(n as u64)?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toc::tests::Writer;
    use crate::toc::{OFFSET_NOT_SET, OFFSET_NO_DATA, OFFSET_SET};

    /// A custom archive: TABLE 1, TABLE DATA 2 and 3, with their data blocks.
    /// `flags` are the offset flags of the two data entries.
    fn archive(flags: [u8; 2]) -> Vec<u8> {
        archive_with(flags, b"abc")
    }

    /// [`archive`] with `data` as the first table's one chunk of data.
    fn archive_with(flags: [u8; 2], data: &[u8]) -> Vec<u8> {
        let build = |offsets: [u64; 2]| {
            let mut w = Writer::default();
            w.header(14, toc::FORMAT_CUSTOM).int(3);
            w.entry(1, "TABLE", Some("public"), "t", &[], 14)
                .offset(OFFSET_NO_DATA, 0);
            w.entry(2, "TABLE DATA", Some("public"), "t", &[1], 14)
                .offset(flags[0], offsets[0]);
            w.entry(3, "TABLE DATA", Some("public"), "u", &[], 14)
                .offset(flags[1], offsets[1]);
            let first = w.buf.len() as u64;
            w.buf.push(BLK_DATA);
            w.int(2).int(data.len() as i64);
            w.buf.extend_from_slice(data);
            w.int(0);
            let second = w.buf.len() as u64;
            w.buf.push(BLK_DATA);
            w.int(3).int(0);
            (w.buf, [first, second])
        };
        // The offsets are only known once the TOC's size is: write it twice,
        // as pg_dump does.
        let (_, offsets) = build([0, 0]);
        build(offsets).0
    }

    fn read(bytes: &[u8]) -> Result<BackupInfo, ArchiveError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.backup");
        std::fs::write(&path, bytes).unwrap();
        read_info(&path)
    }

    fn ranges(info: &BackupInfo) -> Vec<u64> {
        info.entries
            .iter()
            .filter_map(|e| e.data.as_ref().map(DataLocation::len))
            .collect()
    }

    #[test]
    fn finished_and_streamed_archives_give_the_same_ranges() {
        let finished = read(&archive([OFFSET_SET, OFFSET_SET])).unwrap();
        let streamed = read(&archive([OFFSET_NOT_SET, OFFSET_NOT_SET])).unwrap();
        assert_eq!(ranges(&finished), vec![1 + 5 + 5 + 3 + 5, 1 + 5 + 5]);
        assert_eq!(ranges(&finished), ranges(&streamed));
        assert_eq!(finished.contents.tables[0].data_bytes, Some(19));
    }

    fn zstd(bytes: &[u8]) -> Vec<u8> {
        zstd::stream::encode_all(bytes, 1).unwrap()
    }

    fn read_packed(bytes: &[u8]) -> Result<BackupInfo, ArchiveError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.backup.zst");
        std::fs::write(&path, bytes).unwrap();
        crate::read_info(&path)
    }

    #[test]
    fn a_zstd_wrapped_archive_reads_as_the_archive_inside() {
        for flags in [[OFFSET_SET, OFFSET_SET], [OFFSET_NOT_SET, OFFSET_NOT_SET]] {
            let plain = archive(flags);
            let packed = zstd(&plain);
            let info = read_packed(&packed).unwrap();
            assert!(info.zstd);
            assert_eq!(info.format, BackupFormat::Custom);
            assert_eq!(info.size_bytes, packed.len() as u64);
            assert_eq!(ranges(&info), ranges(&read(&plain).unwrap()));
        }
    }

    /// What `zstd -d` writes, read in the same pass; and with the data
    /// offsets pg_dump could not write to a pipe recorded, so it is byte for
    /// byte the archive pg_dump writes to a file: pg_restore seeks to each
    /// block instead of reading its way through the ones before.
    #[test]
    fn unpacking_writes_what_zstd_d_writes_and_reads_it_in_the_same_pass() {
        let plain = archive([OFFSET_NOT_SET, OFFSET_NOT_SET]);
        let dir = tempfile::tempdir().unwrap();
        let packed = dir.path().join("x.backup.zst");
        std::fs::write(&packed, zstd(&plain)).unwrap();
        let to = dir.path().join("x.backup");
        let progress = crate::UnpackProgress::default();
        let info = crate::unpack_zstd(&packed, &to, &progress).unwrap();
        assert_eq!(
            std::fs::read(&to).unwrap(),
            archive([OFFSET_SET, OFFSET_SET])
        );
        assert_eq!(
            progress.written.load(std::sync::atomic::Ordering::Relaxed),
            plain.len() as u64
        );
        assert!(info.zstd);
        assert_eq!(info.path, packed);
        assert_eq!(ranges(&info), ranges(&read(&plain).unwrap()));
        // The quick read has the contents but no data sizes.
        let quick = crate::read_toc_info(&packed).unwrap();
        assert_eq!(quick.entries.len(), info.entries.len());
        assert!(quick.entries.iter().all(|e| e.data.is_none()));
        // Stopped: it fails.
        progress
            .stop
            .store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(crate::unpack_zstd(&packed, &to, &progress).is_err());
    }

    #[test]
    fn unpacking_cycles_its_buffers_and_replaces_the_target() {
        // More data than all the buffers in flight hold, so they are reused.
        let data: Vec<u8> = (0..3_000_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let packed = dir.path().join("x.backup.zst");
        let to = dir.path().join("x.backup");
        let progress = crate::UnpackProgress::default();
        let mut plain = Vec::new();
        for flags in [[OFFSET_NOT_SET, OFFSET_NOT_SET], [OFFSET_SET, OFFSET_SET]] {
            plain = archive_with(flags, &data);
            std::fs::write(&packed, zstd(&plain)).unwrap();
            // What was there is replaced.
            std::fs::write(&to, vec![7u8; 5_000_000]).unwrap();
            progress
                .written
                .store(0, std::sync::atomic::Ordering::Relaxed);
            let info = crate::unpack_zstd(&packed, &to, &progress).unwrap();
            assert!(
                std::fs::read(&to).unwrap() == archive_with([OFFSET_SET, OFFSET_SET], &data),
                "what zstd -d writes, with the offsets recorded"
            );
            assert_eq!(
                progress.written.load(std::sync::atomic::Ordering::Relaxed),
                plain.len() as u64
            );
            assert_eq!(ranges(&info), ranges(&read(&plain).unwrap()));
            assert_eq!(ranges(&info)[0], 1 + 5 + 5 + data.len() as u64 + 5);
        }

        // Damaged compressed data: said so, whatever part of it.
        let mut cut = zstd(&plain);
        cut.truncate(cut.len() / 2);
        std::fs::write(&packed, &cut).unwrap();
        let err = crate::unpack_zstd(&packed, &to, &progress).unwrap_err();
        assert_cut(err, "half a stream");
    }

    #[test]
    fn a_failed_write_while_unpacking_is_an_error_on_the_unpacked_file() {
        let dir = tempfile::tempdir().unwrap();
        let packed = dir.path().join("x.backup.zst");
        let data = vec![1u8; 1_000_000];
        std::fs::write(
            &packed,
            zstd(&archive_with([OFFSET_NOT_SET, OFFSET_NOT_SET], &data)),
        )
        .unwrap();
        let full = Path::new("/dev/full");
        let progress = crate::UnpackProgress::default();
        match crate::unpack_zstd(&packed, full, &progress) {
            Err(ArchiveError::Io { path, source }) => {
                assert_eq!(path, full);
                assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
            }
            other => panic!("expected a write error on /dev/full: {other:?}"),
        }
    }

    #[test]
    fn the_quick_read_still_refuses_a_cut_zstd_stream() {
        // Big enough for several zstd blocks.
        let mut plain = archive([OFFSET_NOT_SET, OFFSET_NOT_SET]);
        let noise: Vec<u8> = (0..600_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        plain.extend_from_slice(&noise);
        let packed = zstd(&plain);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.backup.zst");
        std::fs::write(&path, &packed).unwrap();
        crate::detect::check_zstd_frames(&path).unwrap();
        // Two frames and a skippable one are whole too.
        let skippable = [&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0][..], b"abc"].concat();
        std::fs::write(&path, [packed.clone(), skippable, zstd(b"more")].concat()).unwrap();
        crate::detect::check_zstd_frames(&path).unwrap();
        for cut in (5..packed.len()).step_by(997).chain([packed.len() - 1]) {
            std::fs::write(&path, &packed[..cut]).unwrap();
            let err = crate::detect::check_zstd_frames(&path).unwrap_err();
            assert!(
                matches!(err, ArchiveError::Truncated { ref detail, .. } if detail.contains("cut off")),
                "cut at {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn a_cut_zstd_stream_fails_cleanly() {
        let plain = archive([OFFSET_NOT_SET, OFFSET_NOT_SET]);
        // The archive cut before it is compressed (once its header says what
        // it is), and the stream cut.
        for cut in 12..plain.len() {
            let err = read_packed(&zstd(&plain[..cut])).unwrap_err();
            assert_cut(err, &format!("archive cut at {cut}"));
        }
        let packed = zstd(&plain);
        for cut in 4..packed.len() {
            assert_cut(
                read_packed(&packed[..cut]).unwrap_err(),
                &format!("stream cut at {cut}"),
            );
        }
    }

    /// A cut file is reported as cut or incomplete, nothing else.
    fn assert_cut(err: ArchiveError, what: &str) {
        let ok = matches!(
            err,
            ArchiveError::Truncated { .. } | ArchiveError::Incomplete { .. }
        );
        assert!(ok, "{what}: {err:?}");
    }

    #[test]
    fn partly_recorded_offsets_mean_incomplete() {
        let err = read(&archive([OFFSET_SET, OFFSET_NOT_SET])).unwrap_err();
        assert!(matches!(err, ArchiveError::Incomplete { .. }), "{err:?}");
    }

    #[test]
    fn every_cut_fails_cleanly() {
        for flags in [[OFFSET_SET, OFFSET_SET], [OFFSET_NOT_SET, OFFSET_NOT_SET]] {
            let bytes = archive(flags);
            for cut in 1..bytes.len() {
                assert_cut(read(&bytes[..cut]).unwrap_err(), &format!("cut at {cut}"));
            }
        }
    }

    #[test]
    fn offset_to_a_foreign_block_is_damage() {
        let mut bytes = archive([OFFSET_SET, OFFSET_SET]);
        let last = bytes.len() - 11;
        bytes[last + 1] = 9;
        let err = read(&bytes).unwrap_err();
        assert!(
            matches!(err, ArchiveError::Truncated { ref detail, .. } if detail.contains("labelled")),
            "{err:?}"
        );
    }
}
