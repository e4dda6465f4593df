//! Unpacking a zstd backup: one thread decompresses into a few reused
//! buffers; the calling thread writes each buffer to the unpacked file and
//! walks the archive in it, with no copy in between. Decompressing is the
//! slow half, so it gets a core of its own.

use crate::custom::read_buffered;
use crate::toc::Toc;
use crate::{ArchiveError, UnpackProgress};
use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Size of one buffer of decompressed data.
const CHUNK: usize = 1 << 18;
/// Buffers in flight between the two threads.
const BUFFERS: usize = 8;
/// Size of each write to the unpacked file, as `zstd -d` writes. Measured
/// on the benchmark's 388 MB archive (ext4, kernel 6.18): 32 KiB writes
/// took 0.30–0.31 s in 12 runs out of 12, the same as `zstd -d`; writes of a
/// whole 256 KiB buffer took 0.31–1.16 s, a third of the runs or more over
/// 0.55 s, the time going to copying into the page cache (its larger folios).
const WRITE_PIECE: usize = 32 << 10;

/// Decompresses `decoder` into `to` (what `zstd -d` writes), walking the
/// archive on the way. Errors, the first that explains the others first: a
/// failed write (an `Io` error on `to`), damaged compressed data, then what
/// the walk found.
pub(crate) fn unpack<R: Read + Send>(
    path: &Path,
    decoder: R,
    to: &Path,
    progress: &UnpackProgress,
) -> Result<Toc, ArchiveError> {
    let out = create(to).map_err(|e| crate::io_error(to, e))?;
    let (full_tx, full_rx) = sync_channel::<Vec<u8>>(BUFFERS);
    let (free_tx, free_rx) = sync_channel::<Vec<u8>>(BUFFERS);
    for _ in 0..BUFFERS {
        free_tx
            .send(Vec::with_capacity(CHUNK))
            .expect("room for every buffer");
    }
    std::thread::scope(|scope| {
        let decompressing = scope.spawn(move || decompress(decoder, &free_rx, &full_tx, progress));
        let mut chunks = Chunks {
            full: full_rx,
            free: free_tx,
            current: Vec::new(),
            pos: 0,
            out,
            progress,
            write_error: None,
        };
        let walked = read_buffered(path, &mut chunks, true).and_then(|toc| {
            // Whatever follows the archive is written too, as `zstd -d` would.
            chunks.drain().map_err(|e| crate::io_error(to, e))?;
            record_offsets(&chunks.out, &toc).map_err(|e| crate::io_error(to, e))?;
            Ok(toc)
        });
        let write_error = chunks.write_error.take();
        // The decompressing thread stops once its channels close.
        drop(chunks);
        let decompressed = decompressing
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the decompressing thread panicked")));
        if let Some(e) = write_error {
            return Err(crate::io_error(to, e));
        }
        if progress.stop.load(Ordering::Relaxed) {
            return Err(crate::io_error(path, io::Error::other("cancelled")));
        }
        if let Err(e) = decompressed {
            return Err(crate::truncated(
                path,
                format!("its zstd-compressed data is cut off or damaged ({e})"),
            ));
        }
        walked
    })
}

/// Writes each data block's position into the unpacked archive's table of
/// contents, where pg_dump writing to a pipe could only say "not set" (and
/// where it writes them itself when it writes to a file). Without them,
/// pg_restore finds a block by reading every chunk header before it — each
/// parallel worker through the blocks of the tables before its own, a
/// row-sized chunk at a time — and a reader passing through another
/// table's data looks like progress on it. With them it seeks, as for any
/// archive pg_dump wrote to a file.
fn record_offsets(mut out: &File, toc: &Toc) -> io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    // Everything is written: each field is patched in place, and the
    // position is left at the end, where it was.
    let end = out.stream_position()?;
    for raw in &toc.entries {
        let (
            crate::toc::Extra::Offset { flag, at, .. },
            Some(crate::DataLocation::Range { start, .. }),
        ) = (&raw.extra, &raw.entry.data)
        else {
            continue;
        };
        if *flag != crate::toc::OFFSET_NOT_SET {
            continue;
        }
        let mut field = vec![crate::toc::OFFSET_SET];
        field.extend_from_slice(&start.to_le_bytes()[..toc.off_size.min(8)]);
        field.resize(1 + toc.off_size, 0);
        out.seek(SeekFrom::Start(*at))?;
        out.write_all(&field)?;
    }
    out.seek(SeekFrom::Start(end))?;
    Ok(())
}

/// Opens `to` empty, truncating it only when it is not empty already: on
/// ext4 a file truncated and then written is flushed to disk when closed
/// (`auto_da_alloc`), which would cost the restore a
/// write-out of the whole unpacked archive.
fn create(to: &Path) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(to)?;
    if file.metadata()?.len() > 0 {
        file.set_len(0)?;
    }
    Ok(file)
}

/// The decompressing thread: fills free buffers and hands them on, until
/// the end of the stream, an error, a stop, or the other side has gone.
fn decompress<R: Read>(
    mut decoder: R,
    free: &Receiver<Vec<u8>>,
    full: &SyncSender<Vec<u8>>,
    progress: &UnpackProgress,
) -> io::Result<()> {
    loop {
        if progress.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("cancelled"));
        }
        let Ok(mut buf) = free.recv() else {
            return Ok(());
        };
        buf.resize(CHUNK, 0);
        let mut filled = 0;
        while filled < CHUNK {
            match decoder.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            return Ok(());
        }
        buf.truncate(filled);
        if full.send(buf).is_err() {
            return Ok(());
        }
    }
}

/// The decompressed stream as the walk reads it: each buffer is written to
/// the unpacked file as it arrives, then read in place.
struct Chunks<'a> {
    full: Receiver<Vec<u8>>,
    free: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    out: File,
    progress: &'a UnpackProgress,
    write_error: Option<io::Error>,
}

impl Chunks<'_> {
    /// Reads to the end of the stream.
    fn drain(&mut self) -> io::Result<()> {
        loop {
            let n = self.fill_buf()?.len();
            if n == 0 {
                return Ok(());
            }
            self.consume(n);
        }
    }
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Chunks<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.current.len() {
            if self.progress.stop.load(Ordering::Relaxed) {
                return Err(io::Error::other("cancelled"));
            }
            let done = std::mem::take(&mut self.current);
            if done.capacity() > 0 {
                // The other side may have stopped: then nothing needs it.
                let _ = self.free.send(done);
            }
            self.pos = 0;
            // A closed channel is the end of the stream (or of what the
            // decompressing thread could read: it says why).
            if let Ok(next) = self.full.recv() {
                if let Err(e) = next
                    .chunks(WRITE_PIECE)
                    .try_for_each(|p| self.out.write_all(p))
                {
                    let message = format!("writing the unpacked archive failed: {e}");
                    self.write_error = Some(e);
                    return Err(io::Error::other(message));
                }
                self.progress
                    .written
                    .fetch_add(next.len() as u64, Ordering::Relaxed);
                self.current = next;
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.current.len());
    }
}
