//! Reading an archive's bytes as pg_dump wrote them: integers of the
//! archive's width, strings whose length is checked against what is there,
//! and skipping data blocks in a file or a stream.

use super::*;

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

pub(super) fn version_error(path: &Path, major: u8, minor: u8) -> ArchiveError {
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
    pub(super) inner: R,
    pub(super) pos: u64,
    pub(super) limit: u64,
    pub(super) int_size: usize,
    pub(super) off_size: usize,
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
    pub(super) fn ensure(&self, n: u64) -> Result<(), Fault> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.limit => Ok(()),
            _ => Err(Fault::Eof {
                needed: self.pos.saturating_add(n),
            }),
        }
    }

    pub(super) fn bytes(&mut self, n: u64) -> Result<Vec<u8>, Fault> {
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
    pub(super) fn offset(&mut self) -> Result<(u8, u64), Fault> {
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
pub(super) fn little_endian(bytes: &[u8]) -> Result<u64, Fault> {
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
