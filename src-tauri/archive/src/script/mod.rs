//! What a plain SQL script would make psql do besides running SQL in the
//! database it was given. The script is read the way psql reads it (quotes,
//! dollar quotes, comments, `BEGIN ATOMIC` bodies, COPY data) so that a
//! backslash command hidden anywhere is found, along with statements that
//! leave the chosen database (`\connect`, `CREATE`/`DROP`/`ALTER DATABASE`)
//! and `COPY … PROGRAM`, which runs a program on the server. pg_dump writes
//! none of these but `\connect` (with `--create`) and `\restrict` /
//! `\unrestrict` (a random key that keeps psql from running any other
//! backslash command in between).

use serde::{Deserialize, Serialize};

/// What was found, in script order; bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScriptFindings {
    pub items: Vec<ScriptFinding>,
    /// Findings past the first [`MAX_FINDINGS`], not listed.
    pub more: u64,
}

impl ScriptFindings {
    pub fn of(&self, kind: FindingKind) -> impl Iterator<Item = &ScriptFinding> {
        self.items.iter().filter(move |f| f.kind == kind)
    }

    pub fn has(&self, kind: FindingKind) -> bool {
        self.of(kind).next().is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ScriptFinding {
    pub kind: FindingKind,
    /// 1-based line of the script where it starts.
    pub line: u64,
    /// The command or the start of the statement, shortened.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    /// A psql backslash command pg_dump never writes (`\!`, `\copy`, `\o`,
    /// `\i`, `\set`, …): it can run programs or touch files on this machine.
    MetaCommand,
    /// `\connect`, `CREATE DATABASE`, `DROP DATABASE`, `ALTER DATABASE`: the
    /// script works on a database other than the one chosen.
    DatabaseSwitch,
    /// `COPY … PROGRAM`: runs a program on the database server.
    ServerProgram,
    /// A change of `standard_conforming_strings` or of the client encoding
    /// that this reading cannot follow: what psql takes for a command could
    /// no longer be told.
    UnreadableChange,
}

/// Findings listed at most; the rest are counted.
pub const MAX_FINDINGS: usize = 50;
/// Text kept of a finding.
const EXCERPT: usize = 120;
/// Bytes of a statement's start kept for a finding.
const HEAD: usize = 200;

/// Client encodings in which a byte of a multibyte character can be `\` or
/// a quote, so a script in them is not read byte by byte as psql would.
const UNSAFE_ENCODINGS: &[&str] = &[
    "SJIS",
    "SHIFTJIS",
    "SHIFTJIS2004",
    "BIG5",
    "GBK",
    "UHC",
    "GB18030",
    "JOHAB",
    "WIN932",
    "WIN936",
    "WIN949",
    "WIN950",
    "MSKANJI",
    "TCVN",
];

mod lexer;
use lexer::is_tag_char;
pub use lexer::Lexer;

/// psql's variables whose values a script or a server can steer (an error
/// message, a database name): `:NAME` outside quotes is replaced by the
/// value and read again, backslash commands included.
const PSQL_VARIABLES: &[&str] = &[
    "DBNAME",
    "ENCODING",
    "ERROR",
    "HOST",
    "LASTOID",
    "LAST_ERROR_MESSAGE",
    "LAST_ERROR_SQLSTATE",
    "PORT",
    "ROW_COUNT",
    "SERVER_VERSION_NAME",
    "SERVER_VERSION_NUM",
    "SHELL_ERROR",
    "SHELL_EXIT_CODE",
    "SQLSTATE",
    "USER",
    "VERSION",
    "VERSION_NAME",
    "VERSION_NUM",
];

/// psql commands that run programs, read or write files, connect, or
/// change what psql does next.
const DANGEROUS_COMMANDS: &[&str] = &[
    "!",
    "c",
    "cd",
    "connect",
    "copy",
    "e",
    "edit",
    "ef",
    "elif",
    "else",
    "encoding",
    "endif",
    "ev",
    "g",
    "gexec",
    "gset",
    "gx",
    "i",
    "if",
    "include",
    "include_relative",
    "ir",
    "lo_export",
    "lo_import",
    "lo_unlink",
    "o",
    "out",
    "password",
    "prompt",
    "restrict",
    "s",
    "set",
    "setenv",
    "unrestrict",
    "unset",
    "w",
    "watch",
    "write",
];

/// A COPY data line that psql would run as a command were it read as SQL
/// (after a COPY that failed while psql goes on after errors). pg_dump's
/// escapes (`\N`, `\t`, `\\`, …) only ever make psql report an unknown
/// command and skip the line.
fn suspicious_data_line(line: &[u8]) -> bool {
    let mut rest = line;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        let after = &rest[at + 1..];
        if after.first() == Some(&b'\\') {
            // `\\`: a separator; the line goes on as SQL.
            rest = &after[1..];
            continue;
        }
        let len = after
            .iter()
            .take_while(|&&b| is_tag_char(b))
            .count()
            .max(usize::from(!after.is_empty()));
        let name = String::from_utf8_lossy(&after[..len]);
        return DANGEROUS_COMMANDS.contains(&name.as_ref()) || after.contains(&b'`');
    }
    false
}

#[cfg(test)]
mod tests;
