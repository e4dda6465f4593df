fn main() {
    for p in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        match tusk_archive::read_info(std::path::Path::new(&p)) {
            Ok(i) => {
                let mut i2 = i.clone();
                i2.entries.retain(|e| e.data.is_some());
                println!("{p}: {:?} {:?} db={:?} sv={} ver={:?} comp={:?} created={:?} size={} n={} contents={:?}\n  data={:?} ({:?})", i.format, i.gzipped_plain, i.database, i.server_version, i.archive_version, i.compression, i.created, i.size_bytes, i.entries.len(), i.contents, i2.entries.iter().map(|e| (e.id, e.data.clone())).collect::<Vec<_>>(), t.elapsed())
            }
            Err(e) => println!("{p}: ERR {e}  ({:?})", t.elapsed()),
        }
    }
}
