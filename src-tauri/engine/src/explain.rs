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
    TextDumpForPgRestore,
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

struct Rule {
    needles: &'static [&'static str],
    kind: FailureKind,
    summary: &'static str,
    hint: &'static str,
}

/// First match wins; `{0}` in summary is replaced by the quoted name found in
/// the matching line, if any.
const RULES: &[Rule] = &[
    Rule {
        needles: &["password authentication failed"],
        kind: FailureKind::Authentication,
        summary: "The server rejected the password for user {0}.",
        hint: "Check the password saved with the connection (or in ~/.pgpass) and try again.",
    },
    Rule {
        needles: &["no password supplied"],
        kind: FailureKind::Authentication,
        summary: "The server asks for a password and none was given.",
        hint: "Enter the password in the connection, or add it to ~/.pgpass.",
    },
    Rule {
        needles: &["no pg_hba.conf entry"],
        kind: FailureKind::Authentication,
        summary: "The server does not accept this user, database or address (pg_hba.conf).",
        hint: "Ask the server's administrator to allow the connection in pg_hba.conf, or check SSL mode.",
    },
    Rule {
        needles: &["Connection refused"],
        kind: FailureKind::Unreachable,
        summary: "Nothing is listening at the server's address and port.",
        hint: "Check host and port, and that PostgreSQL is running and accepts TCP connections.",
    },
    Rule {
        needles: &["could not translate host name", "Name or service not known"],
        kind: FailureKind::Unreachable,
        summary: "The host name could not be resolved.",
        hint: "Check the spelling of the host, or use its IP address.",
    },
    Rule {
        needles: &["No such file or directory", "Is the server running locally"],
        kind: FailureKind::Unreachable,
        summary: "No PostgreSQL server is listening on that socket.",
        hint: "Check the socket folder and port, and that the server is running.",
    },
    Rule {
        needles: &["timeout expired", "Connection timed out", "No route to host"],
        kind: FailureKind::Unreachable,
        summary: "The server did not answer in time.",
        hint: "Check the host, the port, a firewall or VPN in between.",
    },
    Rule {
        needles: &["does not exist"],
        kind: FailureKind::MissingDatabase,
        summary: "The database {0} does not exist on this server.",
        hint: "Pick an existing database, or restore into a new database (it will be created).",
    },
    Rule {
        needles: &["server version mismatch", "unsupported version", "in file header"],
        kind: FailureKind::VersionMismatch,
        summary: "The PostgreSQL tools and the server (or archive) are of different major versions.",
        hint: "Install the client tools of the server's version or newer, or set the tools folder.",
    },
    Rule {
        needles: &["No space left on device", "could not write to output file", "disk full"],
        kind: FailureKind::DiskFull,
        summary: "The disk is full: the output could not be written.",
        hint: "Free some space or choose another destination; no partial backup was kept.",
    },
    Rule {
        needles: &["permission denied"],
        kind: FailureKind::PermissionDenied,
        summary: "Permission denied: {0}.",
        hint: "Connect as the owner of these objects or a superuser, or leave them out of the selection.",
    },
    Rule {
        needles: &["Permission denied"],
        kind: FailureKind::PermissionDenied,
        summary: "A file or folder could not be opened: permission denied.",
        hint: "Choose a location you can write to (and read, for restores).",
    },
    Rule {
        needles: &["could not obtain lock", "lock timeout", "canceling statement due to lock timeout"],
        kind: FailureKind::LockTimeout,
        summary: "A table stayed locked by another session longer than the lock wait timeout.",
        hint: "Retry when the other session is done, or raise the lock wait timeout.",
    },
    Rule {
        needles: &["input file appears to be a text format dump"],
        kind: FailureKind::TextDumpForPgRestore,
        summary: "This file is a plain SQL script, which pg_restore cannot read.",
        hint: "Restore it with psql (Tusk does this automatically for plain backups).",
    },
    Rule {
        needles: &["already exists"],
        kind: FailureKind::AlreadyExists,
        summary: "Objects in the backup already exist in the target database.",
        hint: "Restore into a new or empty database, or turn on clean to drop them first.",
    },
];

/// Explains the most telling error line of a failed run.
pub fn explain(lines: &[String]) -> Explanation {
    let errors: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("error") || l.contains("FATAL") || l.contains("fatal"))
        .collect();
    let haystack: Vec<&String> = if errors.is_empty() {
        lines.iter().collect()
    } else {
        errors
    };
    for rule in RULES {
        if let Some(line) = haystack
            .iter()
            .find(|l| rule.needles.iter().any(|n| l.contains(n)))
        {
            let name = quoted(line).unwrap_or_else(|| line.trim().to_string());
            let summary =
                if rule.kind == FailureKind::PermissionDenied && rule.summary.contains("{0}") {
                    rule.summary.replace("{0}", after_colon(line))
                } else {
                    rule.summary.replace("{0}", &name)
                };
            let kind = if rule.kind == FailureKind::MissingDatabase && line.contains("role \"") {
                return Explanation {
                    kind: FailureKind::MissingRole,
                    summary: format!("The role {name} does not exist on this server."),
                    hint: "Check the user name, or restore with \"no owner\" so objects belong to you.".into(),
                };
            } else {
                rule.kind
            };
            return Explanation {
                kind,
                summary,
                hint: rule.hint.into(),
            };
        }
    }
    let last = haystack
        .last()
        .map(|l| l.trim().to_string())
        .unwrap_or_default();
    Explanation {
        kind: FailureKind::Other,
        summary: if last.is_empty() {
            "The tool failed without printing a reason.".into()
        } else {
            last
        },
        hint: "See the full log for details.".into(),
    }
}

/// The last `"name"` of a line, quotes included (earlier ones are usually
/// the socket or host).
fn quoted(line: &str) -> Option<String> {
    let end = line.rfind('"')?;
    let start = line[..end].rfind('"')?;
    Some(line[start..=end].to_string())
}

fn after_colon(line: &str) -> &str {
    line.rsplit_once("ERROR:")
        .or_else(|| line.rsplit_once("error:"))
        .map(|(_, rest)| rest.trim())
        .unwrap_or(line.trim())
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

    #[test]
    fn ignored_error_count() {
        let log = lines("pg_restore: error: could not execute query\npg_restore: warning: errors ignored on restore: 3");
        assert_eq!(ignored_errors(&log), Some(3));
        assert_eq!(ignored_errors(&lines("ok")), None);
    }
}
