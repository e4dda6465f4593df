//! A zstd backup is unpacked before pg_restore reads it: where, and how the
//! unpacking shows in the plan.

use super::*;

/// The guessed size of a zstd backup's data, before it is unpacked.
pub(super) fn guessed_zstd_data(info: &BackupInfo) -> f64 {
    info.size_bytes as f64 * ZSTD_SIZE_GUESS
}

/// A zstd backup's plan until it is unpacked: the unpacking, then the rest
/// at its guessed size (replaced by the real plan once the sizes are read).
pub(super) fn guessed_zstd_plan(info: &BackupInfo) -> Vec<WorkItem> {
    let data = guessed_zstd_data(info);
    vec![
        unpack_item(info, data),
        whole_restore("restoring".into(), data),
    ]
}

/// A backup read as it downloads: its tables' sizes are in its data
/// blocks, which only pg_restore reads; one item for the whole restore, at
/// the guessed size of its data.
pub(super) fn streamed_plan(info: &BackupInfo) -> Vec<WorkItem> {
    let label = format!("restoring {}", info.path.display());
    vec![whole_restore(label, guessed_data(info))]
}

/// The data of a backup whose sizes are not known: the file's size, more
/// for one compressed by zstd as a whole.
pub(super) fn guessed_data(info: &BackupInfo) -> f64 {
    if info.zstd {
        guessed_zstd_data(info)
    } else {
        info.size_bytes as f64
    }
}

/// The whole restore as one item (key `restore`), loading `data` bytes and
/// building their indexes.
fn whole_restore(label: String, data: f64) -> WorkItem {
    WorkItem {
        label,
        keys: vec!["restore".into()],
        // Tables and their sizes are not known yet.
        weight: data * (1.0 + INDEX_COST),
        counted: false,
        table: None,
        kind: ItemKind::Data,
    }
}

/// Where a zstd backup is unpacked: beside it, or in the temporary folder
/// when that has more room. Its unpacked size is known only once unpacked:
/// refused here only when neither folder has even the backup's own size
/// free; running out later fails the unpack before the target is touched.
pub(super) fn unpack_place(info: &BackupInfo) -> Result<tempfile::TempPath, EngineError> {
    let beside = info
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let free = |folder: &Path| {
        // Not known: let the unpack try (running out fails it before the
        // target is touched).
        crate::platform::free_space(folder).unwrap_or(u64::MAX)
    };
    let mut folders: Vec<(PathBuf, u64)> = [beside, std::env::temp_dir()]
        .into_iter()
        .map(|f| {
            let room = free(&f);
            (f, room)
        })
        .collect();
    // The roomier first; beside the backup when they are alike.
    folders.sort_by_key(|(_, room)| std::cmp::Reverse(*room / (1 << 30)));
    for (folder, room) in &folders {
        if *room < info.size_bytes {
            continue;
        }
        if let Ok(file) = tempfile::Builder::new()
            .prefix(".tusk-unpacked-")
            .suffix(".backup")
            .tempfile_in(folder)
        {
            // Closed at once: the unpack writes it by name, and the restore
            // probe must not see an open descriptor of ours on it.
            return Ok(file.into_temp_path());
        }
    }
    let rooms: Vec<String> = folders
        .iter()
        .map(|(f, room)| format!("{} has {}", f.display(), human_bytes(*room)))
        .collect();
    Err(EngineError::Preflight(format!(
        "this zstd-compressed backup is unpacked before pg_restore reads it, which needs more than its own {} free, and no folder can take it ({}): free some space and try again",
        human_bytes(info.size_bytes),
        rooms.join("; ")
    )))
}

pub(super) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub(super) fn unpack_item(info: &BackupInfo, data_weight: f64) -> WorkItem {
    WorkItem {
        label: format!(
            "unpacking {}",
            info.path.file_name().unwrap_or_default().to_string_lossy()
        ),
        keys: vec!["unpack".into()],
        weight: (data_weight * UNPACK_COST).max(DDL_COST),
        counted: false,
        table: None,
        kind: ItemKind::Ddl,
    }
}
