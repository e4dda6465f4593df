//! The argv of each tool, built as a vector (no shell), and its display: the
//! exact command, copyable, with the password nowhere in it.

use crate::options::{
    BackupFormat, BackupOptions, CompressionMethod, InsertMode, RestoreOptions, StatisticsMode,
};
use crate::server::connection::{dbname_arg, ConnectionSpec, ToolEnv};
use crate::server::tools::PgVersion;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A program with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl CommandLine {
    /// Shell-quoted, with the environment the tool gets (the password file
    /// shown as a placeholder).
    pub fn display(&self, env: &ToolEnv) -> String {
        let mut parts: Vec<String> = env
            .vars
            .iter()
            // How the job's sessions are named and how long they wait for a
            // server: not needed to run the command by hand.
            .filter(|(k, _)| k != "PGAPPNAME" && k != "PGCONNECT_TIMEOUT")
            .map(|(k, v)| {
                if k == "PGPASSFILE" {
                    format!("{k}=<temporary password file>")
                } else {
                    format!("{k}={}", shell_quote(v))
                }
            })
            .collect();
        parts.push(shell_quote(&self.program.display().to_string()));
        parts.extend(self.args.iter().map(|a| shell_quote(&a.to_string_lossy())));
        env.scrub(&parts.join(" "))
    }
}

/// Quotes for a POSIX shell only when needed.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn push(args: &mut Vec<OsString>, flag: &str, value: impl Into<OsString>) {
    args.push(flag.into());
    args.push(value.into());
}

/// pg_dump's arguments, spelled for the pg_dump of version `tool` (the
/// options were checked against it: `server::gates`); `output: None` (and
/// every backup Tusk compresses with zstd itself) writes to stdout.
pub fn pg_dump_args(
    conn: &ConnectionSpec,
    o: &BackupOptions,
    output: Option<&Path>,
    tool: PgVersion,
) -> Vec<OsString> {
    let v16 = tool.major() >= 16;
    let zstd = o.compression_method == CompressionMethod::Zstd;
    let mut a = conn.tool_args(true);
    push(&mut a, "-F", o.format.pg_dump_flag());
    if let Some(output) = output.filter(|_| !zstd) {
        push(&mut a, "-f", output.as_os_str());
    }
    if o.verbose {
        a.push("-v".into());
    }
    if o.format != BackupFormat::Tar {
        // Explicit even at 0: without -Z the custom format compresses.
        match o.compression_method.pg_dump_name() {
            Some(method) if method != "gzip" => {
                a.push(format!("--compress={method}:{}", o.compression).into())
            }
            Some(_) => push(&mut a, "-Z", o.compression.to_string()),
            None => push(&mut a, "-Z", "0"),
        }
    }
    if o.format == BackupFormat::Directory && o.jobs > 1 {
        push(&mut a, "-j", o.jobs.to_string());
    }
    // PostgreSQL 18: --schema-only and --data-only also drop statistics;
    // --no-data / --no-schema keep the ones asked for.
    let with_statistics = o.statistics == StatisticsMode::Include && tool.major() >= 18;
    if !o.include_schema {
        a.push(
            if with_statistics {
                "--no-schema"
            } else {
                "--data-only"
            }
            .into(),
        );
    }
    if !o.include_data {
        a.push(
            if with_statistics {
                "--no-data"
            } else {
                "--schema-only"
            }
            .into(),
        );
    }
    if !o.include_privileges {
        a.push("--no-privileges".into());
    }
    if !o.include_ownership {
        a.push("--no-owner".into());
    }
    for s in o.schemas.iter().flatten() {
        push(&mut a, "-n", s);
    }
    for s in &o.exclude_schemas {
        push(&mut a, "-N", s);
    }
    let children = o.include_child_tables;
    for t in o.tables.iter().flatten() {
        match children {
            true => a.push(format!("--table-and-children={t}").into()),
            false => push(&mut a, "-t", t),
        }
    }
    for t in &o.exclude_tables {
        match children {
            true => a.push(format!("--exclude-table-and-children={t}").into()),
            false => push(&mut a, "-T", t),
        }
    }
    for t in &o.exclude_table_data {
        let flag = match children {
            true => "--exclude-table-data-and-children",
            false => "--exclude-table-data",
        };
        a.push(format!("{flag}={t}").into());
    }
    if o.lock_wait_timeout > 0 {
        a.push(format!("--lock-wait-timeout={}s", o.lock_wait_timeout).into());
    }
    if o.no_sync {
        a.push("--no-sync".into());
    }
    if let Some(enc) = &o.encoding {
        push(&mut a, "-E", enc);
    }
    for s in &o.sections {
        a.push(format!("--section={}", s.as_arg()).into());
    }
    // pg_dump 16 renamed them; the old names are deprecated there.
    match (o.blobs, v16) {
        (Some(true), true) => a.push("--large-objects".into()),
        (Some(true), false) => a.push("--blobs".into()),
        (Some(false), true) => a.push("--no-large-objects".into()),
        (Some(false), false) => a.push("--no-blobs".into()),
        (None, _) => {}
    }
    match o.insert_mode {
        // --rows-per-insert alone implies INSERT statements.
        InsertMode::Copy => {}
        InsertMode::Inserts => a.push("--inserts".into()),
        InsertMode::ColumnInserts => a.push("--column-inserts".into()),
    }
    match o.statistics {
        StatisticsMode::Default => {}
        StatisticsMode::Include => a.push("--statistics".into()),
        StatisticsMode::Exclude => a.push("--no-statistics".into()),
        StatisticsMode::Only => a.push("--statistics-only".into()),
    }
    if let Some(digits) = o.extra_float_digits {
        a.push(format!("--extra-float-digits={digits}").into());
    }
    if let Some(n) = o.rows_per_insert {
        a.push(format!("--rows-per-insert={n}").into());
    }
    let flags = [
        (o.on_conflict_do_nothing, "--on-conflict-do-nothing"),
        (o.create, "--create"),
        (o.clean, "--clean"),
        (o.if_exists, "--if-exists"),
        (o.no_comments, "--no-comments"),
        (o.no_publications, "--no-publications"),
        (o.no_subscriptions, "--no-subscriptions"),
        (o.no_security_labels, "--no-security-labels"),
        (o.no_tablespaces, "--no-tablespaces"),
        (o.no_unlogged_table_data, "--no-unlogged-table-data"),
        (o.load_via_partition_root, "--load-via-partition-root"),
        (
            o.use_set_session_authorization,
            "--use-set-session-authorization",
        ),
        (o.quote_all_identifiers, "--quote-all-identifiers"),
        (o.disable_dollar_quoting, "--disable-dollar-quoting"),
        (o.enable_row_security, "--enable-row-security"),
        (o.disable_triggers, "--disable-triggers"),
        (o.no_toast_compression, "--no-toast-compression"),
        (o.no_table_access_method, "--no-table-access-method"),
        (o.no_policies, "--no-policies"),
        (o.sequence_data, "--sequence-data"),
    ];
    a.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, f)| OsString::from(*f)),
    );
    if let Some(role) = &o.role {
        a.push(format!("--role={role}").into());
    }
    a.extend(o.extra_args.iter().map(OsString::from));
    a
}

/// pg_restore's arguments reading `input` into the connection's database.
pub fn pg_restore_args(
    conn: &ConnectionSpec,
    o: &RestoreOptions,
    input: Option<&Path>,
    list_file: Option<&Path>,
) -> Vec<OsString> {
    let mut a = conn.tool_args(true);
    if o.verbose {
        a.push("-v".into());
    }
    if o.schema_only {
        a.push("--schema-only".into());
    }
    if o.data_only {
        a.push("--data-only".into());
    }
    for s in &o.sections {
        a.push(format!("--section={}", s.as_arg()).into());
    }
    for s in &o.exclude_schemas {
        push(&mut a, "-N", s);
    }
    let flags = [
        (o.create_from_archive, "--create"),
        (o.clean, "--clean"),
        (o.clean && o.if_exists, "--if-exists"),
        (o.no_owner, "--no-owner"),
        (o.no_privileges, "--no-privileges"),
        (o.exit_on_error, "--exit-on-error"),
        (o.single_transaction(), "--single-transaction"),
        (o.disable_triggers, "--disable-triggers"),
        (o.no_tablespaces, "--no-tablespaces"),
        (o.no_comments, "--no-comments"),
        (o.no_publications, "--no-publications"),
        (o.no_subscriptions, "--no-subscriptions"),
        (o.no_security_labels, "--no-security-labels"),
        (o.no_table_access_method, "--no-table-access-method"),
        (o.no_policies, "--no-policies"),
        (o.no_statistics, "--no-statistics"),
        (o.no_data_for_failed_tables, "--no-data-for-failed-tables"),
        (
            o.use_set_session_authorization,
            "--use-set-session-authorization",
        ),
        (o.enable_row_security, "--enable-row-security"),
    ];
    a.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, f)| OsString::from(*f)),
    );
    if o.jobs > 1 {
        push(&mut a, "-j", o.jobs.to_string());
    }
    if let Some(list) = list_file {
        push(&mut a, "-L", list.as_os_str());
    }
    if let Some(role) = &o.role {
        a.push(format!("--role={role}").into());
    }
    a.extend(o.extra_args.iter().map(OsString::from));
    // None: the archive comes on stdin.
    if let Some(input) = input {
        a.push(input.as_os_str().into());
    }
    a
}

/// pg_dumpall's arguments for the globals (`content`), connected through
/// `conn`'s database, written to `output`.
pub fn pg_dumpall_args(
    conn: &ConnectionSpec,
    content: crate::options::GlobalsContent,
    no_role_passwords: bool,
    output: &Path,
) -> Vec<OsString> {
    use crate::options::GlobalsContent;
    let mut a = conn.tool_args(false);
    if let Some(db) = &conn.database {
        push(&mut a, "-l", dbname_arg(db));
    }
    a.push(
        match content {
            GlobalsContent::All => "--globals-only",
            GlobalsContent::RolesOnly => "--roles-only",
            GlobalsContent::TablespacesOnly => "--tablespaces-only",
        }
        .into(),
    );
    if no_role_passwords && content != GlobalsContent::TablespacesOnly {
        a.push("--no-role-passwords".into());
    }
    push(&mut a, "-f", output.as_os_str());
    a
}

/// psql's arguments running a plain script (`None` = from stdin).
pub fn psql_restore_args(
    conn: &ConnectionSpec,
    o: &RestoreOptions,
    script: Option<&Path>,
) -> Vec<OsString> {
    let mut a = conn.tool_args(true);
    a.extend(["-X", "-q"].map(OsString::from));
    if o.exit_on_error || o.single_transaction() {
        push(&mut a, "-v", "ON_ERROR_STOP=1");
    }
    if o.single_transaction() {
        a.push("--single-transaction".into());
    }
    if let Some(role) = &o.role {
        push(
            &mut a,
            "-c",
            format!("SET ROLE \"{}\"", role.replace('"', "\"\"")),
        );
    }
    match script {
        Some(path) => push(&mut a, "-f", path.as_os_str()),
        None => push(&mut a, "-f", "-"),
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::connection::Secret;

    const V15: PgVersion = PgVersion(150018);

    fn words(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    /// Each argument spelled for the pg_dump it meets.
    #[test]
    fn arguments_follow_the_pg_dump_version() {
        let conn = ConnectionSpec::default();
        let o = BackupOptions {
            blobs: Some(true),
            compression_method: CompressionMethod::PgZstd,
            compression: 3,
            tables: Some(vec!["measurements".into()]),
            include_child_tables: true,
            statistics: StatisticsMode::Include,
            include_data: false,
            ..Default::default()
        };
        let v18 = words(&pg_dump_args(&conn, &o, None, PgVersion(180006)));
        for arg in [
            "--large-objects",
            "--compress=zstd:3",
            "--table-and-children=measurements",
            "--statistics",
            "--no-data",
        ] {
            assert!(v18.contains(&arg.to_string()), "{arg} in {v18:?}");
        }
        let o15 = BackupOptions {
            compression_method: CompressionMethod::Gzip,
            include_child_tables: false,
            statistics: StatisticsMode::Default,
            ..o
        };
        let v15 = words(&pg_dump_args(&conn, &o15, None, V15));
        assert!(v15.contains(&"--blobs".to_string()), "{v15:?}");
        assert!(v15.contains(&"--schema-only".to_string()), "{v15:?}");
        assert!(v15.windows(2).any(|w| w == ["-Z", "3"]), "{v15:?}");
        assert!(
            v15.windows(2).any(|w| w == ["-t", "measurements"]),
            "{v15:?}"
        );
        assert!(!v15.iter().any(|a| a.contains("large-objects")), "{v15:?}");
    }

    #[test]
    fn default_backup_argv() {
        let conn = ConnectionSpec {
            host: Some("db.example.com".into()),
            port: Some(5433),
            database: Some("shop".into()),
            user: Some("alice".into()),
            password: Some(Secret::new("hunter2")),
            sslmode: Some("require".into()),
            connect_timeout: Some(10),
        };
        let o = BackupOptions {
            schemas: Some(vec!["My \"odd\" schema".into()]),
            ..Default::default()
        };
        let args = pg_dump_args(&conn, &o, Some(Path::new("/b/shop.backup")), V15);
        let text: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            text,
            [
                "-w",
                "-h",
                "db.example.com",
                "-p",
                "5433",
                "-U",
                "alice",
                "-d",
                "shop",
                "-F",
                "c",
                "-f",
                "/b/shop.backup",
                "-v",
                "-Z",
                "6",
                "-n",
                "My \"odd\" schema",
                "--lock-wait-timeout=30s"
            ]
        );
        let env = conn.tool_env("t").unwrap();
        let shown = CommandLine {
            program: "pg_dump".into(),
            args,
        }
        .display(&env);
        assert!(
            shown.starts_with("PGSSLMODE=require PGPASSFILE=<temporary password file> pg_dump -w"),
            "{shown}"
        );
        assert!(shown.contains("-n 'My \"odd\" schema'"), "{shown}");
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn parallel_only_for_directory() {
        let conn = ConnectionSpec::default();
        let custom = pg_dump_args(&conn, &BackupOptions::default(), Some(Path::new("x")), V15);
        assert!(!custom.contains(&OsString::from("-j")));
        let dir = BackupOptions {
            format: BackupFormat::Directory,
            ..Default::default()
        };
        let args = pg_dump_args(&conn, &dir, Some(Path::new("x")), V15);
        assert!(args.windows(2).any(|w| w[0] == "-j" && w[1] == "4"));
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("plain"), "plain");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
