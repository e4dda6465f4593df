//! Counts of what an archive holds, from its table of contents.

use crate::{BackupContents, TableRef, TocEntry};
use std::collections::{BTreeMap, BTreeSet};

/// Kinds whose schema counts as a schema of the backup even when the archive
/// has no SCHEMA entry for it (pg_dump omits one for an untouched `public`).
const SCHEMA_HOLDERS: &[&str] = &[
    "TABLE",
    "TABLE DATA",
    "VIEW",
    "MATERIALIZED VIEW",
    "SEQUENCE",
    "FUNCTION",
    "PROCEDURE",
    "AGGREGATE",
];

/// `large_objects` comes from the format reader: only it can see how many
/// objects a PostgreSQL 17 BLOB METADATA entry or a plain script creates.
pub(crate) fn summarize(entries: &[TocEntry], large_objects: i64) -> BackupContents {
    let count = |kinds: &[&str]| {
        entries
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
            .count() as i64
    };
    let has_blobs = large_objects > 0
        || entries
            .iter()
            .any(|e| matches!(e.kind.as_str(), "BLOB" | "BLOBS" | "BLOB METADATA"));
    BackupContents {
        schemas: schemas(entries),
        tables: tables(entries),
        functions: count(&["FUNCTION", "PROCEDURE", "AGGREGATE"]),
        views: count(&["VIEW", "MATERIALIZED VIEW"]),
        sequences: count(&["SEQUENCE"]),
        indexes: count(&["INDEX"]),
        triggers: count(&["TRIGGER", "EVENT TRIGGER"]),
        constraints: count(&["CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT"]),
        has_blobs,
        blob_count: large_objects,
    }
}

fn schemas(entries: &[TocEntry]) -> Vec<String> {
    let named = entries
        .iter()
        .filter(|e| e.kind == "SCHEMA")
        .map(|e| e.name.clone());
    let used = entries
        .iter()
        .filter(|e| SCHEMA_HOLDERS.contains(&e.kind.as_str()))
        .filter_map(|e| e.schema.clone());
    named
        .chain(used)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// TABLE entries, sorted, each with the size of its TABLE DATA. A data-only
/// dump has TABLE DATA without TABLE entries: those tables count too.
fn tables(entries: &[TocEntry]) -> Vec<TableRef> {
    let mut tables: BTreeMap<(String, String), Option<u64>> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| matches!(e.kind.as_str(), "TABLE" | "TABLE DATA"))
    {
        let key = (e.schema.clone().unwrap_or_default(), e.name.clone());
        let size = tables.entry(key).or_default();
        if e.kind == "TABLE DATA" {
            *size = e.data.as_ref().map(|d| d.len());
        }
    }
    tables
        .into_iter()
        .map(|((schema, name), data_bytes)| TableRef {
            schema,
            name,
            data_bytes,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{DataLocation, Section};

    pub(crate) fn entry(
        id: i32,
        kind: &str,
        schema: Option<&str>,
        name: &str,
        deps: &[i32],
    ) -> TocEntry {
        TocEntry {
            id,
            kind: kind.into(),
            schema: schema.map(Into::into),
            name: name.into(),
            owner: Some("postgres".into()),
            section: Section::PreData,
            dependencies: deps.to_vec(),
            data: None,
        }
    }

    #[test]
    fn counts_each_kind_and_sizes_tables() {
        let mut data = entry(10, "TABLE DATA", Some("public"), "t", &[1]);
        data.data = Some(DataLocation::Range {
            start: 100,
            end: 150,
        });
        let entries = vec![
            entry(1, "TABLE", Some("public"), "t", &[]),
            entry(2, "SCHEMA", None, "sales", &[]),
            entry(3, "TABLE", Some("sales"), "orders", &[2]),
            entry(4, "VIEW", Some("sales"), "v", &[3]),
            entry(5, "MATERIALIZED VIEW", Some("sales"), "mv", &[3]),
            entry(6, "FUNCTION", Some("public"), "f()", &[]),
            entry(7, "AGGREGATE", Some("public"), "a(int)", &[]),
            entry(8, "INDEX", Some("public"), "t_idx", &[1]),
            entry(9, "FK CONSTRAINT", Some("sales"), "orders fk", &[1, 3]),
            entry(11, "TRIGGER", Some("public"), "t trg", &[1, 6]),
            entry(12, "EVENT TRIGGER", None, "et", &[]),
            entry(13, "SEQUENCE", Some("public"), "t_id_seq", &[1]),
            entry(14, "BLOB", None, "16400", &[]),
            entry(15, "BLOBS", None, "BLOBS", &[]),
            data,
        ];
        let c = summarize(&entries, 1);
        assert_eq!(c.schemas, vec!["public", "sales"]);
        let names: Vec<_> = c
            .tables
            .iter()
            .map(|t| format!("{}.{}", t.schema, t.name))
            .collect();
        assert_eq!(names, vec!["public.t", "sales.orders"]);
        assert_eq!(c.tables[0].data_bytes, Some(50));
        assert_eq!(c.tables[1].data_bytes, None);
        assert_eq!((c.views, c.functions, c.indexes), (2, 2, 1));
        assert_eq!((c.constraints, c.triggers, c.sequences), (1, 2, 1));
        assert!(c.has_blobs);
        assert_eq!(c.blob_count, 1);
    }

    #[test]
    fn data_only_dump_still_lists_its_tables() {
        let entries = vec![entry(10, "TABLE DATA", Some("public"), "t", &[1])];
        let c = summarize(&entries, 0);
        assert_eq!(c.tables.len(), 1);
        assert_eq!(c.schemas, vec!["public"]);
        assert!(!c.has_blobs);
    }
}
