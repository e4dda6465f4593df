use super::*;

fn scan(text: &str) -> ScriptFindings {
    // Fed in small pieces: state carries across them.
    let mut lexer = Lexer::new();
    for piece in text.as_bytes().chunks(3) {
        lexer.feed(piece);
    }
    lexer.finish()
}

fn kinds(text: &str) -> Vec<(FindingKind, u64)> {
    scan(text).items.iter().map(|f| (f.kind, f.line)).collect()
}

#[test]
fn pg_dumps_own_script_is_clean() {
    let script = "\\restrict abcDEF123\n\
        SET standard_conforming_strings = on;\n\
        SELECT pg_catalog.set_config('search_path', '', false);\n\
        CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $_$ BEGIN RETURN '\\! no'; END $_$;\n\
        CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\
        COMMENT ON TABLE t IS 'a \\ b; \\! not a command';\n\
        CREATE TABLE \"we\"\"ird\\!\" (a int);\n\
        -- a comment with \\! in it\n\
        /* nested /* \\! */ still comment */\n\
        SELECT 1::int, a[1:2], $1;\n\
        COPY public.t (a, b) FROM stdin;\n\
        1\t\\N\n\
        2\tC:\\\\Windows\\\\x \\t tab\n\
        \\N\tx\n\
        \\.\n\
        \\unrestrict abcDEF123\n";
    assert_eq!(scan(script), ScriptFindings::default(), "{script}");
}

#[test]
fn backslash_commands_are_found_wherever_psql_would_run_them() {
    assert_eq!(
        kinds("SELECT 1;\n\\! touch /tmp/x\n"),
        [(FindingKind::MetaCommand, 2)]
    );
    assert_eq!(kinds("SELECT 1; \\! id\n"), [(FindingKind::MetaCommand, 1)]);
    assert_eq!(
        kinds("SELECT 'a'\n'b' \\copy t to program 'x'\n"),
        [(FindingKind::MetaCommand, 2)]
    );
    // After pg_dump's own command on the same line.
    assert_eq!(
        kinds("\\restrict k \\\\ \\! id\n"),
        [(FindingKind::MetaCommand, 1)]
    );
    // A key that is not a plain word: backticks run a shell command.
    assert_eq!(kinds("\\restrict `id`\n"), [(FindingKind::MetaCommand, 1)]);
    // E-strings end where psql ends them.
    assert_eq!(
        kinds("SELECT E'it\\'s'; \\o /tmp/x\n"),
        [(FindingKind::MetaCommand, 1)]
    );
    // With standard_conforming_strings off, every string escapes.
    assert_eq!(
        kinds("SET standard_conforming_strings = off;\nSELECT 'a\\''; \\! id\n"),
        [(FindingKind::MetaCommand, 2)]
    );
    assert_eq!(
        kinds("SELECT :LAST_ERROR_MESSAGE;\n"),
        [(FindingKind::MetaCommand, 1)]
    );
}

/// Past the start of a long statement (of which only a part is kept
/// for messages) comments and variables are still read as psql reads
/// them.
#[test]
fn a_long_statement_is_read_to_its_end() {
    let columns = (0..60)
        .map(|i| format!("c{i} int"))
        .collect::<Vec<_>>()
        .join(", ");
    let script = format!(
        "CREATE TABLE t ({columns} -- it's a comment\n); \\! id\nSELECT {columns}, :LAST_ERROR_MESSAGE;\n"
    );
    assert_eq!(
        kinds(&script),
        [(FindingKind::MetaCommand, 2), (FindingKind::MetaCommand, 3)]
    );
}

#[test]
fn copy_data_that_psql_could_run_is_found() {
    let script = "COPY t (a) FROM stdin;\nok\n\\! id\nx\\o /tmp/y\n\\t `id`\n\\.\n";
    assert_eq!(
        kinds(script),
        [
            (FindingKind::MetaCommand, 3),
            (FindingKind::MetaCommand, 4),
            (FindingKind::MetaCommand, 5)
        ]
    );
}

#[test]
fn database_switches_and_server_programs_are_found() {
    let script = "DROP DATABASE shop;\nCREATE DATABASE shop WITH TEMPLATE = template0;\n\
        ALTER DATABASE shop OWNER TO x;\n\\connect shop\n\
        COPY t FROM PROGRAM 'curl x';\nCOPY (SELECT 1) TO PROGRAM 'sh';\n";
    assert_eq!(
        kinds(script),
        [
            (FindingKind::DatabaseSwitch, 1),
            (FindingKind::DatabaseSwitch, 2),
            (FindingKind::DatabaseSwitch, 3),
            (FindingKind::DatabaseSwitch, 4),
            (FindingKind::ServerProgram, 5),
            (FindingKind::ServerProgram, 6)
        ]
    );
    let found = scan("\n\n  DROP   DATABASE\n  \"my db\";");
    assert_eq!(found.items[0].line, 3);
    assert_eq!(found.items[0].text, "DROP DATABASE \"my db\";");
}

#[test]
fn changes_this_reading_cannot_follow_are_found() {
    assert_eq!(
        kinds("SELECT set_config('standard_conforming_strings', 'off', false);\n"),
        [(FindingKind::UnreadableChange, 1)]
    );
    assert_eq!(
        kinds("SET client_encoding = 'SJIS';\n"),
        [(FindingKind::UnreadableChange, 1)]
    );
    assert!(kinds("SET client_encoding = 'UTF8';\n").is_empty());
}

#[test]
fn findings_are_bounded() {
    let script = "\\! x\n".repeat(MAX_FINDINGS + 7);
    let found = scan(&script);
    assert_eq!(found.items.len(), MAX_FINDINGS);
    assert_eq!(found.more, 7);
}
