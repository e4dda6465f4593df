//! Turns what pg_dump, pg_restore and psql print into a plain-language reason
//! and a next step. The raw lines always travel with it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    Authentication,
    Unreachable,
    MissingDatabase,
    MissingRole,
    PermissionDenied,
    DiskFull,
    VersionMismatch,
    LockTimeout,
    AlreadyExists,
    /// A schema or table the restore needs is not in the target.
    MissingObject,
    /// The target takes no writes (read-only transactions, a standby).
    ReadOnly,
    /// Bytes that are not text in the encoding they are read in.
    Encoding,
    TextDumpForPgRestore,
    /// A bucket could not be reached, or refused (see the message).
    Storage,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub kind: FailureKind,
    /// One sentence: what went wrong.
    pub summary: String,
    /// What to do about it.
    pub hint: String,
}

/// Reads a name quoted by the server (`role "x" does not exist`) exactly as
/// it is, quotes and all: from after `before"` to the last `"` + `after`.
fn name_between<'a>(text: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let start = text.find(&format!("{before}\""))? + before.len() + 1;
    let end = text[start..].rfind(&format!("\"{after}"))? + start;
    Some(&text[start..end])
}

type Explainer = fn(&str) -> Option<Explanation>;

fn found(
    kind: FailureKind,
    summary: impl Into<String>,
    hint: impl Into<String>,
) -> Option<Explanation> {
    Some(Explanation {
        kind,
        summary: summary.into(),
        hint: hint.into(),
    })
}

/// Each reads the lines of the failure's cause and explains them, or not.
/// Tried in order: the more specific first.
const EXPLAINERS: &[Explainer] = &[
    |t| {
        let user = name_between(t, "password authentication failed for user ", "")?;
        found(
            FailureKind::Authentication,
            format!("The server rejected the password for user \"{user}\"."),
            "Check the password saved with the connection (or in ~/.pgpass) and try again.",
        )
    },
    |t| {
        t.contains("no password supplied").then_some(())?;
        found(
            FailureKind::Authentication,
            "The server asks for a password and none was given.",
            "Enter the password in the connection, or add it to ~/.pgpass.",
        )
    },
    |t| {
        t.contains("no pg_hba.conf entry").then_some(())?;
        found(
            FailureKind::Authentication,
            "The server does not accept this user, database or address (pg_hba.conf).",
            "Ask the server's administrator to allow the connection in pg_hba.conf, or check SSL mode.",
        )
    },
    |t| {
        t.contains("Connection refused").then_some(())?;
        found(
            FailureKind::Unreachable,
            "Nothing is listening at the server's address and port.",
            "Check host and port, and that PostgreSQL is running and accepts TCP connections.",
        )
    },
    |t| {
        (t.contains("could not translate host name") || t.contains("Name or service not known"))
            .then_some(())?;
        found(
            FailureKind::Unreachable,
            "The host name could not be resolved.",
            "Check the spelling of the host, or use its IP address.",
        )
    },
    |t| {
        (t.contains("connection to server on socket")
            && (t.contains("No such file or directory")
                || t.contains("Is the server running locally")))
        .then_some(())?;
        found(
            FailureKind::Unreachable,
            "No PostgreSQL server is listening on that socket.",
            "Check the socket folder and port, and that the server is running.",
        )
    },
    |t| {
        [
            "timeout expired",
            "Connection timed out",
            "No route to host",
        ]
        .iter()
        .any(|n| t.contains(n))
        .then_some(())?;
        found(
            FailureKind::Unreachable,
            "The server did not answer in time.",
            "Check the host, the port, a firewall or VPN in between, and that the server is not overloaded.",
        )
    },
    |t| {
        let db = name_between(t, "database ", " does not exist")?;
        found(
            FailureKind::MissingDatabase,
            format!("The database \"{db}\" does not exist on this server."),
            "Pick an existing database, or restore into a new database (it will be created).",
        )
    },
    |t| {
        let role = name_between(t, "role ", " does not exist")?;
        found(
            FailureKind::MissingRole,
            format!("The role \"{role}\" does not exist on this server."),
            "Create the role first (restore the server's roles), or restore with \"no owner\" so objects belong to you.",
        )
    },
    |t| {
        let schema = name_between(t, "schema ", " does not exist")?;
        found(
            FailureKind::MissingObject,
            format!("The schema \"{schema}\" does not exist in the target database."),
            "Restore the schema with the tables (or the whole backup), or create it first.",
        )
    },
    |t| {
        let table = name_between(t, "relation ", " does not exist")?;
        found(
            FailureKind::MissingObject,
            format!("The table \"{table}\" does not exist in the target database."),
            "Restore its definition with it (or the whole backup), or create it first.",
        )
    },
    |t| {
        [
            "server version mismatch",
            "unsupported version",
            "in file header",
        ]
        .iter()
        .any(|n| t.contains(n))
        .then_some(())?;
        found(
            FailureKind::VersionMismatch,
            "The PostgreSQL tools and the server (or archive) are of different major versions.",
            "Install the client tools of the server's version or newer, or set the tools folder.",
        )
    },
    |t| {
        t.contains("read-only transaction").then_some(())?;
        found(
            FailureKind::ReadOnly,
            "The target database accepts no writes: default_transaction_read_only is on for it, or the server is a read-only standby.",
            "Turn it off for this database (ALTER DATABASE … SET default_transaction_read_only = off) or restore into a server that takes writes.",
        )
    },
    |t| {
        t.contains("File too large").then_some(())?;
        found(
            FailureKind::DiskFull,
            "The backup grew past the largest file this process may write: the file size limit (ulimit -f) or the file system's own limit.",
            "Raise the limit (ulimit -f unlimited), or write to a file system that takes larger files (or use the directory format, one file per table); no partial backup was kept.",
        )
    },
    |t| {
        (t.contains("No space left on device")
            && (t.contains("could not extend file")
                || t.contains("ERROR:")
                || t.contains("FATAL:")))
        .then_some(())?;
        found(
            FailureKind::DiskFull,
            "The database server's disk (where this database or its tablespace lives) is full.",
            "Free space on the server, or restore into a database on another tablespace or server.",
        )
    },
    |t| {
        [
            "could not write to output file",
            "No space left on device",
            "disk full",
        ]
        .iter()
        .any(|n| t.contains(n))
        .then_some(())?;
        found(
            FailureKind::DiskFull,
            "The disk is full: the output could not be written.",
            "Free some space or choose another destination; no partial backup was kept.",
        )
    },
    |t| {
        (t.contains("invalid byte sequence for encoding")
            || t.contains("has no equivalent in encoding"))
        .then_some(())?;
        found(
            FailureKind::Encoding,
            format!(
                "The text does not fit the encoding it was read in: {}.",
                after_colon(t)
            ),
            "Restore with the encoding the backup was made in (a plain script's client_encoding must match its bytes), or make the backup with --encoding=UTF8.",
        )
    },
    |t| {
        let file = name_between(t, "could not open input file ", ":")?;
        found(
            FailureKind::Other,
            format!("A file of the backup is missing or unreadable: \"{file}\"."),
            "The backup is incomplete: restore from another copy of it.",
        )
    },
    |t| {
        t.contains("permission denied").then_some(())?;
        found(
            FailureKind::PermissionDenied,
            format!("Permission denied: {}.", after_colon(t)),
            "Connect as the owner of these objects or a superuser, or leave them out of the selection.",
        )
    },
    |t| {
        t.contains("Permission denied").then_some(())?;
        found(
            FailureKind::PermissionDenied,
            "A file or folder could not be opened: permission denied.",
            "Choose a location you can write to (and read, for restores).",
        )
    },
    |t| {
        ["could not obtain lock", "lock timeout"]
            .iter()
            .any(|n| t.contains(n))
            .then_some(())?;
        // pg_dump names the table in the query it gave up on.
        let table = t
            .split_once("LOCK TABLE ")
            .and_then(|(_, rest)| rest.split(" IN ").next())
            .or_else(|| name_between(t, "could not obtain lock on relation ", ""));
        found(
            FailureKind::LockTimeout,
            match table {
                Some(table) => format!(
                    "The table {table} stayed locked by another session longer than the lock wait timeout."
                ),
                None => "A table stayed locked by another session longer than the lock wait timeout.".into(),
            },
            "Retry when the other session is done (a long ALTER TABLE, VACUUM FULL or an open transaction), or raise the lock wait timeout.",
        )
    },
    |t| {
        // pg_restore and pg_dump 17+ write it; servers before 17 reject it.
        t.contains("unrecognized configuration parameter \"transaction_timeout\"")
            .then_some(())?;
        found(
            FailureKind::VersionMismatch,
            "The restore sets transaction_timeout, which pg_restore and pg_dump 17 and newer write and servers before PostgreSQL 17 do not have.",
            "Restore it with Tusk's own restore, which leaves that setting out for an older server, or into PostgreSQL 17 or newer.",
        )
    },
    |t| {
        // pg_dump 18's statistics: functions new in PostgreSQL 18.
        (t.contains("pg_restore_relation_stats") || t.contains("pg_restore_attribute_stats"))
            .then_some(())?;
        t.contains("does not exist").then_some(())?;
        found(
            FailureKind::VersionMismatch,
            "The backup holds planner statistics (pg_dump 18 with statistics), which only PostgreSQL 18 and newer can load.",
            "Restore a custom, directory or tar backup (Tusk leaves the statistics out for an older server), or back up again without statistics.",
        )
    },
    |t| {
        t.contains("input file appears to be a text format dump")
            .then_some(())?;
        found(
            FailureKind::TextDumpForPgRestore,
            "This file is a plain SQL script, which pg_restore cannot read.",
            "Restore it with psql (Tusk does this automatically for plain backups).",
        )
    },
    |t| {
        t.contains("already exists").then_some(())?;
        found(
            FailureKind::AlreadyExists,
            "Objects in the backup already exist in the target database.",
            "Restore into a new or empty database, or turn on clean to drop them first.",
        )
    },
];

/// A line that reports a failure (not a warning, not the context of one:
/// `pg_dump: detail: Error message from server: ERROR: …` belongs to the
/// failure before it).
fn is_failure(line: &str) -> bool {
    let t = line.trim_start();
    let context = line.contains(": detail:")
        || line.contains(": hint:")
        || ["DETAIL:", "HINT:", "CONTEXT:", "Command was:", "LINE "]
            .iter()
            .any(|p| t.starts_with(p));
    !context && (line.contains("error:") || line.contains("ERROR:") || line.contains("FATAL:"))
}

/// The lines of the failure's cause: the first failure line, with the
/// detail, hint and context lines that follow it (up to the next failure).
/// pg_dump, pg_restore and psql report the cause first; later errors are
/// its consequences, and explaining those would mislead.
fn cause(lines: &[String]) -> Option<String> {
    let first = lines.iter().position(|l| is_failure(l))?;
    let mut block = vec![lines[first].trim().to_string()];
    block.extend(
        lines[first + 1..]
            .iter()
            .take_while(|l| !is_failure(l))
            .take(6)
            .map(|l| l.trim().to_string()),
    );
    Some(block.join("\n"))
}

/// Explains the line that caused a failed run.
pub fn explain(lines: &[String]) -> Explanation {
    let Some(cause) = cause(lines) else {
        let last = lines.last().map(|l| l.trim()).unwrap_or_default();
        return Explanation {
            kind: FailureKind::Other,
            summary: if last.is_empty() {
                "The tool failed without printing a reason.".into()
            } else {
                last.to_string()
            },
            hint: "See the full log for details.".into(),
        };
    };
    EXPLAINERS
        .iter()
        .find_map(|explain| explain(&cause))
        .unwrap_or_else(|| Explanation {
            kind: FailureKind::Other,
            summary: cause.lines().next().unwrap_or_default().to_string(),
            hint: "See the full log for details.".into(),
        })
}

fn after_colon(line: &str) -> &str {
    let first = line.lines().next().unwrap_or(line);
    first
        .rsplit_once("ERROR:")
        .or_else(|| first.rsplit_once("error:"))
        .map(|(_, rest)| rest.trim())
        .unwrap_or(first.trim())
}

/// `N` of pg_restore's "errors ignored on restore: N".
pub fn ignored_errors(lines: &[String]) -> Option<u64> {
    lines.iter().find_map(|l| {
        l.split_once("errors ignored on restore:")
            .and_then(|(_, n)| n.trim().parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn settings_and_statistics_of_newer_versions() {
        let e = explain(&lines(
            "psql:by18.sql:13: ERROR:  unrecognized configuration parameter \"transaction_timeout\"",
        ));
        assert_eq!(e.kind, FailureKind::VersionMismatch);
        assert!(e.summary.contains("PostgreSQL 17"), "{}", e.summary);
        let e = explain(&lines(
            "psql:by18.sql:210: ERROR:  function pg_catalog.pg_restore_relation_stats(unknown, unknown) does not exist\nLINE 1: SELECT * FROM pg_catalog.pg_restore_relation_stats(",
        ));
        assert_eq!(e.kind, FailureKind::VersionMismatch);
        assert!(e.summary.contains("statistics"), "{}", e.summary);
    }

    #[test]
    fn common_failures_are_named() {
        let cases = [
            ("pg_dump: error: connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  password authentication failed for user \"bob\"", FailureKind::Authentication),
            ("pg_dump: error: connection to server at \"127.0.0.1\", port 1 failed: Connection refused", FailureKind::Unreachable),
            ("pg_dump: error: connection to server on socket \"/tmp/x/.s.PGSQL.5432\" failed: FATAL:  database \"nope\" does not exist", FailureKind::MissingDatabase),
            ("psql: error: connection to server failed: FATAL:  role \"ghost\" does not exist", FailureKind::MissingRole),
            ("pg_dump: error: query failed: ERROR:  permission denied for table secret", FailureKind::PermissionDenied),
            ("pg_dump: error: aborting because of server version mismatch", FailureKind::VersionMismatch),
            ("pg_dump: error: could not write to output file: No space left on device", FailureKind::DiskFull),
            ("pg_restore: error: input file appears to be a text format dump. Please use psql.", FailureKind::TextDumpForPgRestore),
        ];
        for (line, kind) in cases {
            assert_eq!(explain(&lines(line)).kind, kind, "{line}");
        }
        let e = explain(&lines(cases[0].0));
        assert!(e.summary.contains("\"bob\""), "{}", e.summary);
        let e = explain(&lines(cases[4].0));
        assert!(
            e.summary.contains("permission denied for table secret"),
            "{}",
            e.summary
        );
    }

    /// The line that caused the failure is explained, not the first line
    /// some rule happens to match.
    #[test]
    fn the_cause_is_explained_not_a_consequence() {
        let explain_text = |text: &str| explain(&lines(text));
        let e = explain_text("pg_restore: error: could not open input file \"/b/shop_dir/3.dat.gz\": No such file or directory");
        assert_eq!(e.kind, FailureKind::Other);
        assert!(
            e.summary.contains("\"/b/shop_dir/3.dat.gz\""),
            "{}",
            e.summary
        );

        let e = explain_text("pg_restore: error: could not execute query: ERROR:  schema \"sales\" does not exist\nCommand was: CREATE TABLE sales.t (a int);");
        assert_eq!(e.kind, FailureKind::MissingObject);
        assert_eq!(
            e.summary,
            "The schema \"sales\" does not exist in the target database."
        );

        let e = explain_text("psql:/b/x.sql:5: ERROR:  invalid byte sequence for encoding \"UTF8\": 0xfc\npsql:/b/x.sql:9: ERROR:  role \"; ü\" does not exist");
        assert_eq!(e.kind, FailureKind::Encoding, "{e:?}");
        assert!(e.summary.contains("0xfc"), "{}", e.summary);

        let e = explain_text("psql:/b/x.sql:9: ERROR:  role \"odd\"name; ü\" does not exist");
        assert_eq!(
            e.summary,
            "The role \"odd\"name; ü\" does not exist on this server."
        );

        let e = explain_text("pg_restore: error: could not execute query: ERROR:  cannot execute CREATE TABLE in a read-only transaction");
        assert_eq!(e.kind, FailureKind::ReadOnly);
        assert!(
            e.summary.contains("default_transaction_read_only"),
            "{}",
            e.summary
        );

        let e = explain_text("pg_restore: error: could not execute query: ERROR:  could not extend file \"base/16384/16385\": No space left on device\nHINT:  Check free disk space.");
        assert_eq!(e.kind, FailureKind::DiskFull);
        assert!(e.summary.contains("server's disk"), "{}", e.summary);
        let e =
            explain_text("pg_dump: error: could not write to output file: No space left on device");
        assert!(
            e.summary.contains("the output could not be written"),
            "{}",
            e.summary
        );

        // A detail line belongs to the failure before it.
        let e = explain_text("pg_dump: error: Dumping the contents of table \"t\" failed: PQgetResult() failed.\npg_dump: detail: Error message from server: ERROR:  permission denied for table t");
        assert_eq!(e.kind, FailureKind::PermissionDenied, "{e:?}");

        let e = explain_text("pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout\npg_dump: detail: Query was: LOCK TABLE public.\"Locked T\" IN ACCESS SHARE MODE");
        assert_eq!(e.kind, FailureKind::LockTimeout);
        assert!(e.summary.contains("public.\"Locked T\""), "{}", e.summary);

        // A later failure that a rule would name is not the cause.
        let e = explain_text("pg_restore: error: could not execute query: ERROR:  syntax error at or near \"x\"\npg_restore: error: could not execute query: ERROR:  relation \"t\" already exists");
        assert_eq!(e.kind, FailureKind::Other);
        assert!(e.summary.contains("syntax error"), "{}", e.summary);
    }

    #[test]
    fn ignored_error_count() {
        let log = lines("pg_restore: error: could not execute query\npg_restore: warning: errors ignored on restore: 3");
        assert_eq!(ignored_errors(&log), Some(3));
        assert_eq!(ignored_errors(&lines("ok")), None);
    }
}
