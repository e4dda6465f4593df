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
