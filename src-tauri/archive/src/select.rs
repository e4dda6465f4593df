//! Choosing TOC entries for a selective restore, and writing them as a
//! `pg_restore -L` list file.

use crate::{BackupInfo, TocEntry};
use std::collections::HashSet;
use std::fmt;

/// Entry kinds restored along with a chosen table when everything they hang
/// on is restored too.
const DEPENDENT_KINDS: &[&str] = &[
    "INDEX",
    "CONSTRAINT",
    "CHECK CONSTRAINT",
    "FK CONSTRAINT",
    "TRIGGER",
    "DEFAULT",
    "COMMENT",
    "ACL",
    "SECURITY LABEL",
    "RULE",
    "POLICY",
    "ROW SECURITY",
    "SEQUENCE",
    "SEQUENCE OWNED BY",
    "SEQUENCE SET",
    "INDEX ATTACH",
    "TABLE ATTACH",
    "STATISTICS",
    "STATISTICS DATA",
];

/// Relations and their parts. A dependent entry is left out unless every one
/// of these it depends on is selected: a foreign key needs the table it
/// references. Other dependencies (a trigger's function, a schema) are
/// expected to exist in the target database already.
const RELATION_KINDS: &[&str] = &[
    "TABLE",
    "TABLE DATA",
    "VIEW",
    "MATERIALIZED VIEW",
    "FOREIGN TABLE",
    "SEQUENCE",
    "INDEX",
    "CONSTRAINT",
    "CHECK CONSTRAINT",
    "FK CONSTRAINT",
];

/// Tables asked for that the backup does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectError {
    /// (schema, table) pairs not found.
    pub missing: Vec<(String, String)>,
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .missing
            .iter()
            .map(|(s, t)| format!("{s}.{t}"))
            .collect();
        write!(f, "not in this backup: {}", names.join(", "))
    }
}

impl std::error::Error for SelectError {}

/// Dump ids, in archive order, that restore `tables` (schema, name) with what
/// belongs to them: their definition and data, then — by closure over the
/// dependencies — indexes, constraints, triggers, defaults, comments, ACLs,
/// policies, rules, statistics and their owned or identity sequences. A
/// foreign key comes along only when the table it references is chosen too.
pub fn select_tables(
    info: &BackupInfo,
    tables: &[(String, String)],
) -> Result<Vec<i32>, SelectError> {
    let mut selected = HashSet::new();
    let mut missing = Vec::new();
    for (schema, name) in tables {
        let before = selected.len();
        selected.extend(
            info.entries
                .iter()
                .filter(|e| matches!(e.kind.as_str(), "TABLE" | "TABLE DATA"))
                .filter(|e| e.schema.as_deref() == Some(schema.as_str()) && &e.name == name)
                .map(|e| e.id),
        );
        if selected.len() == before {
            missing.push((schema.clone(), name.clone()));
        }
    }
    if !missing.is_empty() {
        return Err(SelectError { missing });
    }
    add_dependents(&info.entries, &mut selected);
    Ok(info
        .entries
        .iter()
        .filter(|e| selected.contains(&e.id))
        .map(|e| e.id)
        .collect())
}

/// Adds dependent entries until nothing changes (a sequence's SEQUENCE SET
/// hangs on the sequence, which hangs on the table).
fn add_dependents(entries: &[TocEntry], selected: &mut HashSet<i32>) {
    let kind_of: std::collections::HashMap<i32, &str> =
        entries.iter().map(|e| (e.id, e.kind.as_str())).collect();
    loop {
        let added: Vec<i32> = entries
            .iter()
            .filter(|e| !selected.contains(&e.id) && DEPENDENT_KINDS.contains(&e.kind.as_str()))
            .filter(|e| e.dependencies.iter().any(|d| selected.contains(d)))
            .filter(|e| {
                e.dependencies.iter().all(|d| {
                    selected.contains(d)
                        || !kind_of.get(d).is_some_and(|k| RELATION_KINDS.contains(k))
                })
            })
            .map(|e| e.id)
            .collect();
        if added.is_empty() {
            return;
        }
        selected.extend(added);
    }
}

/// A `pg_restore -L` list file restoring exactly `ids`, in archive order (the
/// order of lines is the order pg_restore follows). Lines read like
/// `pg_restore -l` output; pg_restore only reads the leading "id;". Ids not in
/// the archive are ignored.
pub fn render_list_file(info: &BackupInfo, ids: &[i32]) -> String {
    let wanted: HashSet<i32> = ids.iter().copied().collect();
    let mut out = format!(
        "; Selection made by Tusk Backup from {}\n;\n",
        one_line(&info.path.display().to_string())
    );
    for e in info.entries.iter().filter(|e| wanted.contains(&e.id)) {
        let schema = e.schema.as_deref().unwrap_or("-");
        let owner = e.owner.as_deref().unwrap_or_default();
        let line = format!("{}; 0 0 {} {} {} {}", e.id, e.kind, schema, e.name, owner);
        out.push_str(one_line(line.trim_end()).as_str());
        out.push('\n');
    }
    out
}

/// A name with a line break would start a new list line, which pg_restore
/// would read as another entry: break nothing.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contents::tests::entry;
    use crate::{BackupContents, BackupFormat, Compression};

    /// The TOC of the demo database pg_dump 15 wrote (ids and dependencies as dumped).
    fn demo() -> BackupInfo {
        let p = Some("public");
        let odd = Some("My \"odd\" schema");
        let entries = vec![
            entry(6, "SCHEMA", None, "My \"odd\" schema", &[]),
            entry(222, "FUNCTION", p, "touch()", &[]),
            entry(220, "TABLE", odd, "weird table", &[6]),
            entry(219, "SEQUENCE", odd, "weird table_id_seq", &[220, 6]),
            entry(218, "TABLE", p, "orders", &[]),
            entry(3381, "COMMENT", p, "TABLE orders", &[218]),
            entry(221, "VIEW", p, "big_orders", &[218, 218, 218]),
            entry(3390, "COMMENT", p, "VIEW big_orders", &[221]),
            entry(216, "TABLE", p, "customers", &[]),
            entry(215, "SEQUENCE", p, "customers_id_seq", &[216]),
            entry(3382, "SEQUENCE OWNED BY", p, "customers_id_seq", &[215]),
            entry(217, "SEQUENCE", p, "orders_id_seq", &[218]),
            entry(3383, "SEQUENCE OWNED BY", p, "orders_id_seq", &[217]),
            entry(3213, "DEFAULT", p, "customers id", &[215, 216, 216]),
            entry(3214, "DEFAULT", p, "orders id", &[217, 218, 218]),
            entry(3373, "BLOB", None, "16424", &[]),
            entry(3372, "TABLE DATA", odd, "weird table", &[220]),
            entry(3368, "TABLE DATA", p, "customers", &[216]),
            entry(3370, "TABLE DATA", p, "orders", &[218]),
            entry(3384, "SEQUENCE SET", odd, "weird table_id_seq", &[219]),
            entry(3385, "SEQUENCE SET", p, "customers_id_seq", &[215]),
            entry(3386, "SEQUENCE SET", p, "orders_id_seq", &[217]),
            entry(3374, "BLOBS", None, "BLOBS", &[]),
            entry(
                3221,
                "CONSTRAINT",
                odd,
                "weird table weird table_pkey",
                &[220],
            ),
            entry(3216, "CONSTRAINT", p, "customers customers_pkey", &[216]),
            entry(3218, "CONSTRAINT", p, "orders orders_pkey", &[218]),
            entry(3219, "INDEX", p, "orders_total_idx", &[218]),
            entry(3223, "TRIGGER", p, "orders orders_touch", &[222, 218]),
            entry(
                3222,
                "FK CONSTRAINT",
                p,
                "orders orders_customer_id_fkey",
                &[3216, 218, 216],
            ),
        ];
        BackupInfo {
            path: "/backups/demo.backup".into(),
            format: BackupFormat::Custom,
            size_bytes: 0,
            created: None,
            database: Some("demo".into()),
            server_version: "15".into(),
            pg_dump_version: "15".into(),
            archive_version: Some("1.14".into()),
            compression: Compression {
                algorithm: "gzip".into(),
                level: None,
            },
            gzipped_plain: false,
            zstd: false,
            script: Default::default(),
            contents: BackupContents::default(),
            entries,
        }
    }

    fn pick(tables: &[(&str, &str)]) -> Result<Vec<i32>, SelectError> {
        let tables: Vec<(String, String)> = tables
            .iter()
            .map(|(s, t)| (s.to_string(), t.to_string()))
            .collect();
        select_tables(&demo(), &tables)
    }

    #[test]
    fn one_table_brings_its_parts_but_not_foreign_keys_to_unchosen_tables() {
        let ids = pick(&[("public", "orders")]).unwrap();
        assert_eq!(
            ids,
            vec![218, 3381, 217, 3383, 3214, 3370, 3386, 3218, 3219, 3223]
        );
    }

    #[test]
    fn foreign_key_comes_when_both_tables_are_chosen() {
        let ids = pick(&[("public", "customers"), ("public", "orders")]).unwrap();
        assert!(ids.contains(&3222));
        assert!(ids.contains(&3216) && ids.contains(&3213) && ids.contains(&3385));
        assert!(!ids.contains(&221) && !ids.contains(&3390) && !ids.contains(&3374));
    }

    #[test]
    fn identity_sequence_follows_its_table() {
        let ids = pick(&[("My \"odd\" schema", "weird table")]).unwrap();
        assert_eq!(ids, vec![220, 219, 3372, 3384, 3221]);
    }

    #[test]
    fn unknown_tables_are_all_listed() {
        let err = pick(&[("public", "orders"), ("public", "nope"), ("x", "orders")]).unwrap_err();
        assert_eq!(err.missing.len(), 2);
        assert_eq!(err.to_string(), "not in this backup: public.nope, x.orders");
    }

    #[test]
    fn list_file_keeps_archive_order_and_one_line_per_entry() {
        let mut info = demo();
        info.entries[4].name = "ord\ners".into();
        let list = render_list_file(&info, &[3370, 218, 999]);
        let lines: Vec<&str> = list.lines().filter(|l| !l.starts_with(';')).collect();
        assert_eq!(
            lines,
            vec![
                "218; 0 0 TABLE public ord ers postgres",
                "3370; 0 0 TABLE DATA public orders postgres"
            ]
        );
    }
}
