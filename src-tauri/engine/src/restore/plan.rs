//! What a restore will run: the entries chosen, the list file, the command,
//! and the plan of work items the progress bar follows.

use super::*;

pub(super) fn missing_target_hint(err: EngineError, target: &str) -> EngineError {
    match err {
        EngineError::Connection { summary, hint, detail } if detail.contains("does not exist") && detail.contains(target) => {
            EngineError::Connection {
                summary,
                hint: format!("{hint} To restore into a new database \"{target}\", turn on \"create database\"."),
                detail,
            }
        }
        other => other,
    }
}

/// The dump ids to restore, when the user chose objects.
pub(super) fn chosen_entries(
    info: &BackupInfo,
    o: &RestoreOptions,
) -> Result<Option<Vec<i32>>, EngineError> {
    if let Some(ids) = &o.toc_entries {
        let known: HashSet<i32> = info.entries.iter().map(|e| e.id).collect();
        if let Some(bad) = ids.iter().find(|id| !known.contains(id)) {
            return Err(EngineError::InvalidOptions(format!(
                "entry {bad} is not in this archive's table of contents"
            )));
        }
        return Ok(Some(ids.clone()));
    }
    if let Some(tables) = &o.tables {
        // A name exactly as the archive lists it first (`My Schema.Order.Items`
        // has more than one dot), else SQL-style with quotes.
        let pairs = tables
            .iter()
            .map(|t| {
                info.contents
                    .tables
                    .iter()
                    .find(|have| format!("{}.{}", have.schema, have.name) == *t)
                    .map_or_else(
                        || split_table(t),
                        |have| (have.schema.clone(), have.name.clone()),
                    )
            })
            .collect::<Vec<_>>();
        return tusk_archive::select_tables(info, &pairs)
            .map(Some)
            .map_err(|e| EngineError::InvalidOptions(e.to_string()));
    }
    if let Some(schemas) = &o.schemas {
        let wanted: HashSet<&str> = schemas.iter().map(String::as_str).collect();
        let missing: Vec<&&str> = wanted
            .iter()
            .filter(|s| !info.contents.schemas.iter().any(|have| have == **s))
            .collect();
        if !missing.is_empty() {
            return Err(EngineError::InvalidOptions(format!(
                "schema(s) {} are not in this backup (it has: {})",
                missing
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                info.contents.schemas.join(", ")
            )));
        }
        let ids = info
            .entries
            .iter()
            .filter(|e| {
                e.schema.as_deref().is_some_and(|s| wanted.contains(s))
                    || (e.kind == "SCHEMA" && wanted.contains(e.name.as_str()))
            })
            .map(|e| e.id)
            .collect();
        return Ok(Some(ids));
    }
    Ok(None)
}

/// Chosen tables live in schemas the target may lack: their SCHEMA entries
/// come along (entries for schemas that exist would fail with "already exists").
pub(super) fn add_missing_schemas(
    info: &BackupInfo,
    chosen: Option<&mut Vec<i32>>,
    existing: &[String],
) {
    let Some(ids) = chosen else { return };
    let needed: HashSet<String> = info
        .entries
        .iter()
        .filter(|e| ids.contains(&e.id))
        .filter_map(|e| e.schema.clone())
        .filter(|s| !existing.contains(s))
        .collect();
    let schema_ids = info
        .entries
        .iter()
        .filter(|e| e.kind == "SCHEMA" && needed.contains(&e.name))
        .map(|e| e.id);
    let mut all: Vec<i32> = ids.iter().copied().chain(schema_ids).collect();
    // pg_restore follows the list's order: keep the archive's.
    let order: HashMap<i32, usize> = info
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id, i))
        .collect();
    all.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
    all.dedup();
    *ids = all;
}

/// `schema.table` → (schema, table); a bare name means `public`. Quotes let a
/// name hold dots: `"my.schema".t`.
pub(super) fn split_table(text: &str) -> (String, String) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => return (unquote(&text[..i]), unquote(&text[i + 1..])),
            _ => {}
        }
    }
    ("public".into(), unquote(text))
}

pub(super) fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].replace("\"\"", "\"")
    } else {
        s.to_string()
    }
}

pub(super) fn write_list_file(
    info: &BackupInfo,
    ids: &[i32],
) -> Result<tempfile::NamedTempFile, EngineError> {
    let io =
        |e: std::io::Error| EngineError::Io(format!("cannot write the restore list file: {e}"));
    let mut file = tempfile::Builder::new()
        .prefix("tusk-list-")
        .tempfile()
        .map_err(io)?;
    file.write_all(tusk_archive::render_list_file(info, ids).as_bytes())
        .map_err(io)?;
    file.flush().map_err(io)?;
    Ok(file)
}

pub(super) fn version_warnings(
    info: &BackupInfo,
    tool: &ToolChoice,
    server: &ServerInfo,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(dumped_by) = PgVersion::parse(&info.pg_dump_version) {
        if dumped_by.major() > tool.tool.version.major() {
            warnings.push(format!(
                "this backup was made by pg_dump {dumped_by}, newer than the {} {} that will restore it; install the client tools {} or newer if the restore fails",
                tool.tool.name,
                tool.tool.version,
                dumped_by.major_label()
            ));
        }
    }
    if let Some(source) = PgVersion::parse(&info.server_version) {
        if source.major() > server.version.major() {
            warnings.push(format!(
                "this backup comes from PostgreSQL {source}, newer than the target server ({}): features it uses may not exist there",
                server.version
            ));
        }
    }
    warnings
}

/// pg_restore must understand the archive's format version (the pick
/// looks for one that does; a tools folder may hold only older ones).
pub(super) fn check_archive_readable(
    info: &BackupInfo,
    tool: &ToolChoice,
) -> Result<(), EngineError> {
    let needed = crate::server::gates::reader_for_archive(info.archive_version.as_deref());
    if tool.tool.name == "pg_restore" && tool.tool.version.major() < needed {
        return Err(EngineError::ArchiveTooNew {
            needed: needed.to_string(),
            found: format!(
                "its archive format {} is read by pg_restore {needed} or newer only, and pg_restore {} was found at {}",
                info.archive_version.as_deref().unwrap_or("?"),
                tool.tool.version,
                tool.tool.path.display()
            ),
        });
    }
    Ok(())
}

pub(super) fn drop_list(info: &BackupInfo, chosen: Option<&Vec<i32>>) -> Vec<String> {
    info.entries
        .iter()
        .filter(|e| chosen.is_none_or(|ids| ids.contains(&e.id)))
        .filter(|e| {
            e.section == Section::PreData
                && e.kind != "SCHEMA"
                && e.kind != "EXTENSION"
                && e.kind != "COMMENT"
                && e.kind != "ACL"
        })
        .map(|e| match &e.schema {
            Some(s) => format!("{} {s}.{}", e.kind, e.name),
            None => format!("{} {}", e.kind, e.name),
        })
        .collect()
}

pub(super) fn restore_command(
    tool: &ToolChoice,
    target: &ConnectionSpec,
    o: &RestoreOptions,
    info: &BackupInfo,
    input: Option<&Path>,
    list: Option<&Path>,
) -> (CommandLine, Input) {
    let program = tool.tool.path.clone();
    if info.format != BackupFormat::Plain {
        let args = pg_restore_args(target, o, input, list);
        return (CommandLine { program, args }, Input::Null);
    }
    if info.gzipped_plain {
        let args = psql_restore_args(target, o, None);
        (
            CommandLine { program, args },
            Input::Gunzip(o.input_path.clone()),
        )
    } else {
        let args = psql_restore_args(target, o, Some(&o.input_path));
        (CommandLine { program, args }, Input::Null)
    }
}

/// One item per entry that will be restored: data by its size in the
/// archive, index builds and constraint checks by their table's data, the
/// rest at a small fixed cost.
pub(super) fn restore_plan(
    info: &BackupInfo,
    o: &RestoreOptions,
    chosen: Option<&Vec<i32>>,
) -> Vec<WorkItem> {
    if info.format == BackupFormat::Plain {
        return vec![WorkItem {
            label: info.path.display().to_string(),
            keys: vec!["script".into()],
            weight: info.size_bytes as f64,
            counted: false,
            table: None,
            kind: ItemKind::Data,
        }];
    }
    let by_id: HashMap<i32, &TocEntry> = info.entries.iter().map(|e| (e.id, e)).collect();
    let data_len: HashMap<(Option<&str>, &str), f64> = info
        .entries
        .iter()
        .filter(|e| e.kind == "TABLE DATA")
        .map(|e| {
            (
                (e.schema.as_deref(), e.name.as_str()),
                e.data.as_ref().map_or(0.0, |d| d.len() as f64),
            )
        })
        .collect();
    info.entries
        .iter()
        .filter(|e| chosen.is_none_or(|ids| ids.contains(&e.id)))
        .filter(|e| !o.schema_only || e.section != Section::Data)
        .filter(|e| !o.data_only || e.section == Section::Data)
        .map(|e| {
            let table = owning_table(e, &by_id);
            let kind = match e.kind.as_str() {
                _ if e.data.is_some() => ItemKind::Data,
                "INDEX" | "CONSTRAINT" | "FK CONSTRAINT" => ItemKind::Index,
                _ => ItemKind::Ddl,
            };
            let weight = match kind {
                ItemKind::Data => e
                    .data
                    .as_ref()
                    .map_or(0.0, |d| d.len() as f64)
                    .max(DDL_COST),
                ItemKind::Index => {
                    let t = table.as_ref().map(|(s, n)| (Some(s.as_str()), n.as_str()));
                    DDL_COST + index_cost(t.and_then(|t| data_len.get(&t)).copied().unwrap_or(0.0))
                }
                ItemKind::Ddl => DDL_COST,
            };
            let qualified = match &e.schema {
                Some(s) => format!("{s}.{}", e.name),
                None => e.name.clone(),
            };
            WorkItem {
                label: if kind == ItemKind::Data {
                    qualified.clone()
                } else {
                    format!("{} {qualified}", e.kind)
                },
                keys: vec![
                    format!("#{}", e.id),
                    format!("{} {qualified}", e.kind),
                    format!("{} {}", e.kind, e.name),
                ],
                weight,
                counted: true,
                table,
                kind,
            }
        })
        .collect()
}

/// The table an entry belongs to: itself for TABLE DATA, else the TABLE it
/// depends on.
pub(super) fn owning_table(
    e: &TocEntry,
    by_id: &HashMap<i32, &TocEntry>,
) -> Option<(String, String)> {
    if e.kind == "TABLE DATA" {
        return Some((e.schema.clone()?, e.name.clone()));
    }
    e.dependencies
        .iter()
        .filter_map(|d| by_id.get(d))
        .find(|d| d.kind == "TABLE")
        .and_then(|t| Some((t.schema.clone()?, t.name.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_split_like_sql() {
        assert_eq!(split_table("public.t"), ("public".into(), "t".into()));
        assert_eq!(split_table("t"), ("public".into(), "t".into()));
        assert_eq!(
            split_table("\"My \"\"odd\"\" schema\".\"T.1\""),
            ("My \"odd\" schema".into(), "T.1".into())
        );
    }
}
