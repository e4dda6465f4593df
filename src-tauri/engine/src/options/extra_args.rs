//! Extra arguments a user passes through to a tool: checked against the
//! options Tusk sets itself.

use super::*;

/// Which tool extra arguments are meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    PgDump,
    PgRestore,
}

/// Options that would send output or the connection elsewhere, or that have a
/// field of their own.
pub(super) const REDIRECTING: &[(char, &str, &str)] = &[
    ('f', "--file", "output goes to the chosen output path"),
    ('d', "--dbname", "the connection decides the database"),
    ('h', "--host", "the connection decides the host"),
    ('p', "--port", "the connection decides the port"),
    ('U', "--username", "the connection decides the user"),
    ('W', "--password", "the password comes from the connection"),
    ('F', "--format", "use the format option"),
    ('j', "--jobs", "use the parallel jobs option"),
    ('Z', "--compress", "use the compression option"),
    ('l', "--list", "Tusk reads the archive's contents itself"),
    (
        'L',
        "--use-list",
        "choose objects with the table-of-contents option",
    ),
];

/// pg_restore options that change which database is touched, or what is
/// dropped: the pre-flight and the safety backup have to know about them.
pub(super) const RESTORE_ONLY: &[(char, &str, &str)] = &[
    (
        'C',
        "--create",
        "use the option that creates the archive's database, so the pre-flight checks it does not exist yet",
    ),
    (
        'c',
        "--clean",
        "use the clean option, so the pre-flight lists what is dropped and a safety backup is taken",
    ),
];

/// The short options as getopt reads them (PostgreSQL 12–17): a letter
/// followed by `:` takes a value, glued on or as the next argument.
pub(super) fn short_options(tool: Tool) -> &'static str {
    match tool {
        Tool::PgDump => "abBcCd:e:E:f:F:h:j:n:N:Op:RsS:t:T:U:vwWxZ:",
        Tool::PgRestore => "acCd:ef:F:h:I:j:lL:n:N:Op:P:RsS:t:T:U:vwWx1",
    }
}

/// Long options of pg_dump / pg_restore that take a separate value.
pub(super) const TAKES_VALUE: &[&str] = &[
    "--schema",
    "--exclude-schema",
    "--table",
    "--exclude-table",
    "--exclude-table-data",
    "--encoding",
    "--lock-wait-timeout",
    "--section",
    "--rows-per-insert",
    "--role",
    "--snapshot",
    "--extra-float-digits",
    "--include-foreign-data",
    "--superuser",
    "--index",
    "--function",
    "--trigger",
    "--filter",
    "--table-and-children",
    "--exclude-table-and-children",
    "--exclude-table-data-and-children",
    "--exclude-database",
];

/// Refuses extra arguments that redirect output or the connection, and stray
/// words that pg_dump would read as a database name. Arguments are read as
/// getopt reads them: bundled letters (`-vf x`, `-vfx`) and abbreviated long
/// names (`--fil=x`) are caught too.
pub fn check_extra_args(tool: Tool, args: &[String]) -> Result<(), EngineError> {
    let blocked: Vec<&(char, &str, &str)> = match tool {
        Tool::PgDump => REDIRECTING.iter().collect(),
        Tool::PgRestore => REDIRECTING.iter().chain(RESTORE_ONLY).collect(),
    };
    let refuse = |arg: &str, (_, long, why): &(char, &str, &str)| {
        Err(invalid(format!(
            "extra argument `{arg}` is not allowed ({long}): {why}"
        )))
    };
    let tool_name = match tool {
        Tool::PgDump => "pg_dump",
        Tool::PgRestore => "pg_restore",
    };
    let shorts = short_options(tool);
    let mut expects_value = false;
    for arg in args {
        if expects_value {
            expects_value = false;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or_default();
            if name.is_empty() {
                return Err(invalid(format!(
                    "extra argument `{arg}` is not allowed: it ends the options, and {tool_name} would read what follows as a database or file name"
                )));
            }
            // getopt takes any unambiguous abbreviation of a long name.
            if let Some(b) = blocked.iter().find(|(_, l, _)| l[2..].starts_with(name)) {
                return refuse(arg, b);
            }
            expects_value = !long.contains('=') && TAKES_VALUE.contains(&arg.as_str());
            continue;
        }
        let letters = match arg.strip_prefix('-') {
            Some(letters) if !letters.is_empty() => letters,
            _ => {
                return Err(invalid(format!(
                    "extra argument `{arg}` is not an option: {tool_name} would read it as a database or file name; give options only"
                )))
            }
        };
        for (i, c) in letters.char_indices() {
            if let Some(b) = blocked.iter().find(|(short, _, _)| *short == c) {
                return refuse(arg, b);
            }
            let takes_value = shorts
                .find(c)
                .is_some_and(|at| shorts[at + c.len_utf8()..].starts_with(':'));
            if takes_value {
                // The rest of the word is the value, or else the next argument.
                expects_value = i + c.len_utf8() == letters.len();
                break;
            }
        }
    }
    if expects_value {
        return Err(invalid(format!(
            "extra argument `{}` needs a value after it",
            args.last().map(String::as_str).unwrap_or_default()
        )));
    }
    Ok(())
}

pub(super) fn check_patterns<'a>(
    what: &str,
    patterns: impl IntoIterator<Item = &'a String>,
) -> Result<(), EngineError> {
    for p in patterns {
        if p.trim().is_empty() {
            return Err(invalid(format!(
                "an empty {what} name was given: remove it or type a name"
            )));
        }
        if p.contains('\0') {
            return Err(invalid(format!(
                "the {what} name `{}` contains a NUL byte",
                p.escape_debug()
            )));
        }
    }
    Ok(())
}

pub(super) fn check_name(what: &str, value: Option<&str>) -> Result<(), EngineError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(invalid(format!(
            "the {what} is empty: remove it or type a name"
        ))),
        Some(v) if v.contains('\0') => Err(invalid(format!("the {what} contains a NUL byte"))),
        _ => Ok(()),
    }
}
