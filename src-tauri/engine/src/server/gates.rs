//! Which options each version of pg_dump and pg_restore knows. An option the
//! picked tool lacks is refused before anything runs, with the version that
//! has it: never passed on to fail half-way (pg_dump 15 stops at an unknown
//! switch only after the user waited for the server and the locks).

use crate::error::EngineError;
use crate::options::{BackupOptions, RestoreOptions, StatisticsMode, Tool};
use crate::server::tools::ToolInfo;

/// Switches of both pg_dump and pg_restore newer than PostgreSQL 13 (the
/// oldest supported), with the first major that has them.
const BOTH: &[(&str, u32)] = &[
    ("--no-table-access-method", 15),
    ("--filter", 17),
    ("--statistics", 18),
    ("--statistics-only", 18),
    ("--no-statistics", 18),
    ("--no-data", 18),
    ("--no-schema", 18),
    ("--no-policies", 18),
];

/// pg_dump's own.
const PG_DUMP_ONLY: &[(&str, u32)] = &[
    ("--no-toast-compression", 14),
    ("--table-and-children", 16),
    ("--exclude-table-and-children", 16),
    ("--exclude-table-data-and-children", 16),
    ("--large-objects", 16),
    ("--no-large-objects", 16),
    ("--exclude-extension", 17),
    ("--sync-method", 17),
    ("--sequence-data", 18),
];

/// pg_restore's own.
const PG_RESTORE_ONLY: &[(&str, u32)] = &[("--transaction-size", 17)];

/// The first major of `tool` that has `flag`; `None` for a switch every
/// supported version has (or one Tusk does not know).
pub fn since(tool: Tool, flag: &str) -> Option<u32> {
    let own = match tool {
        Tool::PgDump => PG_DUMP_ONLY,
        Tool::PgRestore => PG_RESTORE_ONLY,
    };
    BOTH.iter()
        .chain(own)
        .find(|(f, _)| *f == flag)
        .map(|(_, since)| *since)
}

/// The backup options (named as they cross IPC) each guarded by a switch of
/// pg_dump ([`since`]): the dialogs learn the versions from these (generated
/// into `bindings.ts`), never from a copy.
pub const BACKUP_FIELD_GATES: &[(&str, &str)] = &[
    ("noToastCompression", "--no-toast-compression"),
    ("noTableAccessMethod", "--no-table-access-method"),
    ("includeChildTables", "--table-and-children"),
    ("noPolicies", "--no-policies"),
    ("sequenceData", "--sequence-data"),
];

/// The restore options each guarded by a switch of pg_restore.
pub const RESTORE_FIELD_GATES: &[(&str, &str)] = &[
    ("noTableAccessMethod", "--no-table-access-method"),
    ("noPolicies", "--no-policies"),
    ("noStatistics", "--no-statistics"),
];

/// `statistics` other than pg_dump's default (`--statistics` and friends).
pub const STATISTICS_SINCE: u32 = 18;

/// pg_dump's own zstd and lz4 (`--compress=zstd:N`), where built with them.
pub const NATIVE_COMPRESSION_SINCE: u32 = 16;

fn too_old(what: &str, flag: &str, since: u32, tool: &ToolInfo) -> EngineError {
    EngineError::InvalidOptions(format!(
        "{what} ({flag}) needs {name} {since} or newer, and the {name} picked for this server is {version} ({path}): turn it off, or add a tools folder with {name} {since}+ in Settings → PostgreSQL tools (CLI: --pg-bin)",
        name = tool.name,
        version = tool.version,
        path = tool.path.display(),
    ))
}

/// Refuses the backup options the picked pg_dump does not have.
pub fn check_backup(o: &BackupOptions, pg_dump: &ToolInfo) -> Result<(), EngineError> {
    let major = pg_dump.version.major();
    let gated = [
        (
            o.no_toast_compression,
            "leaving out TOAST compression",
            "--no-toast-compression",
        ),
        (
            o.no_table_access_method,
            "leaving out table access methods",
            "--no-table-access-method",
        ),
        (
            o.include_child_tables
                && (o.tables.is_some()
                    || !o.exclude_tables.is_empty()
                    || !o.exclude_table_data.is_empty()),
            "tables with their partitions and children",
            "--table-and-children",
        ),
        (
            o.statistics == StatisticsMode::Include,
            "statistics",
            "--statistics",
        ),
        (
            o.statistics == StatisticsMode::Exclude,
            "leaving out statistics",
            "--no-statistics",
        ),
        (
            o.statistics == StatisticsMode::Only,
            "statistics only",
            "--statistics-only",
        ),
        (
            o.no_policies,
            "leaving out row security policies",
            "--no-policies",
        ),
        (o.sequence_data, "sequence data", "--sequence-data"),
    ];
    for (on, what, flag) in gated {
        let since = since(Tool::PgDump, flag).unwrap_or(0);
        if on && major < since {
            return Err(too_old(what, flag, since, pg_dump));
        }
    }
    if let Some(method) = o.compression_method.pg_dump_name().filter(|m| *m != "gzip") {
        if major < NATIVE_COMPRESSION_SINCE {
            return Err(too_old(
                &format!("pg_dump's own {method} compression"),
                &format!("--compress={method}"),
                NATIVE_COMPRESSION_SINCE,
                pg_dump,
            ));
        }
        if !pg_dump.compression.iter().any(|c| c == method) {
            return Err(EngineError::InvalidOptions(format!(
                "this pg_dump ({} at {}) was built without {method}: choose gzip, Tusk's zstd (the fast preset), or add a tools folder whose pg_dump has {method} in Settings → PostgreSQL tools",
                pg_dump.version,
                pg_dump.path.display()
            )));
        }
    }
    check_extra(Tool::PgDump, &o.extra_args, pg_dump)
}

/// Refuses the restore options the picked pg_restore does not have.
pub fn check_restore(o: &RestoreOptions, pg_restore: &ToolInfo) -> Result<(), EngineError> {
    let major = pg_restore.version.major();
    let gated = [
        (
            o.no_table_access_method,
            "leaving out table access methods",
            "--no-table-access-method",
        ),
        (
            o.no_policies,
            "leaving out row security policies",
            "--no-policies",
        ),
        (o.no_statistics, "leaving out statistics", "--no-statistics"),
    ];
    for (on, what, flag) in gated {
        let since = since(Tool::PgRestore, flag).unwrap_or(0);
        if on && major < since {
            return Err(too_old(what, flag, since, pg_restore));
        }
    }
    check_extra(Tool::PgRestore, &o.extra_args, pg_restore)
}

/// Extra arguments naming a switch the tool is too old for.
fn check_extra(kind: Tool, args: &[String], tool: &ToolInfo) -> Result<(), EngineError> {
    for arg in args.iter().filter(|a| a.starts_with("--")) {
        let flag = arg.split('=').next().unwrap_or_default();
        if let Some(since) = since(kind, flag).filter(|s| tool.version.major() < *s) {
            return Err(too_old(
                &format!("extra argument `{arg}`"),
                flag,
                since,
                tool,
            ));
        }
    }
    Ok(())
}

/// The pg_restore major that reads an archive of this format version
/// (`1.14` = PostgreSQL 12–15, `1.15` = 16, `1.16` = 17 and 18).
pub fn reader_for_archive(archive_version: Option<&str>) -> u32 {
    match archive_version {
        Some("1.15") => 16,
        Some("1.16") => 17,
        Some(v) if v > "1.16" => 19,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::CompressionMethod;
    use crate::server::tools::PgVersion;
    use std::path::PathBuf;

    fn tool(name: &str, major: u32, compression: &[&str]) -> ToolInfo {
        ToolInfo {
            name: name.into(),
            path: PathBuf::from(format!("/pg/{major}/bin/{name}")),
            version: PgVersion(major * 10000 + 1),
            version_text: String::new(),
            compression: compression.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn each_gated_option_is_refused_below_its_version_only() {
        let cases: Vec<(BackupOptions, u32)> = vec![
            (
                BackupOptions {
                    no_toast_compression: true,
                    ..Default::default()
                },
                14,
            ),
            (
                BackupOptions {
                    no_table_access_method: true,
                    ..Default::default()
                },
                15,
            ),
            (
                BackupOptions {
                    include_child_tables: true,
                    tables: Some(vec!["m".into()]),
                    ..Default::default()
                },
                16,
            ),
            (
                BackupOptions {
                    statistics: StatisticsMode::Only,
                    ..Default::default()
                },
                18,
            ),
            (
                BackupOptions {
                    sequence_data: true,
                    ..Default::default()
                },
                18,
            ),
            (
                BackupOptions {
                    extra_args: vec!["--no-schema".into()],
                    ..Default::default()
                },
                18,
            ),
        ];
        for (o, since) in cases {
            let err = check_backup(&o, &tool("pg_dump", since - 1, &[]))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("needs pg_dump {since} or newer")),
                "{err}"
            );
            check_backup(&o, &tool("pg_dump", since, &[])).unwrap();
        }
    }

    #[test]
    fn native_compression_needs_16_and_a_build_with_it() {
        let o = BackupOptions {
            compression_method: CompressionMethod::Lz4,
            compression: 1,
            ..Default::default()
        };
        let err = check_backup(&o, &tool("pg_dump", 15, &[])).unwrap_err();
        assert!(err.to_string().contains("needs pg_dump 16"), "{err}");
        let err = check_backup(&o, &tool("pg_dump", 18, &["gzip", "zstd"])).unwrap_err();
        assert!(err.to_string().contains("built without lz4"), "{err}");
        check_backup(&o, &tool("pg_dump", 16, &["gzip", "lz4"])).unwrap();
    }

    /// The tables the dialogs get name real options and real switches.
    #[test]
    fn field_gates_name_options_and_switches() {
        let backup = serde_json::to_value(BackupOptions::default()).unwrap();
        for (field, flag) in BACKUP_FIELD_GATES {
            assert!(backup.get(field).is_some(), "{field}");
            assert!(since(Tool::PgDump, flag) > Some(13), "{flag}");
        }
        let restore = serde_json::to_value(RestoreOptions::default()).unwrap();
        for (field, flag) in RESTORE_FIELD_GATES {
            assert!(restore.get(field).is_some(), "{field}");
            assert!(since(Tool::PgRestore, flag) > Some(13), "{flag}");
        }
        assert_eq!(since(Tool::PgDump, "--statistics"), Some(STATISTICS_SINCE));
        assert_eq!(since(Tool::PgRestore, "--sequence-data"), None);
    }

    #[test]
    fn restore_gates() {
        let o = RestoreOptions {
            no_table_access_method: true,
            ..Default::default()
        };
        let err = check_restore(&o, &tool("pg_restore", 14, &[])).unwrap_err();
        assert!(err.to_string().contains("needs pg_restore 15"), "{err}");
        check_restore(&o, &tool("pg_restore", 15, &[])).unwrap();
        assert_eq!(reader_for_archive(Some("1.14")), 0);
        assert_eq!(reader_for_archive(Some("1.16")), 17);
    }
}
