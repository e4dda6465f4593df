//! The history exported, every page of it: CSV for a spreadsheet (one row
//! per backup, cells that a spreadsheet would run as a formula made inert),
//! JSON with every field as the app and the CLI show it.

use super::{BackupQuery, BackupRecord, Catalog, CatalogError, CatalogResult};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

const COLUMNS: [&str; 22] = [
    "id",
    "name",
    "note",
    "connection",
    "host",
    "port",
    "database",
    "status",
    "reason",
    "started_at",
    "finished_at",
    "duration_s",
    "format",
    "size_bytes",
    "sha256",
    "tables",
    "rows",
    "verified",
    "file",
    "file_exists",
    "copies",
    "error",
];

/// Every backup the query matches (its paging left aside), newest first.
fn all_matching(catalog: &Catalog, query: &BackupQuery) -> CatalogResult<Vec<BackupRecord>> {
    let mut q = BackupQuery {
        limit: 1000,
        offset: 0,
        ..query.clone()
    };
    let mut all = Vec::new();
    loop {
        let page = catalog.list_backups(&q)?;
        let n = page.items.len() as u32;
        all.extend(page.items);
        if n < q.limit {
            return Ok(all);
        }
        q.offset += n;
    }
}

/// A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return first) starts with `'` instead (OWASP's advice).
fn inert(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn csv_row(b: &BackupRecord) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        b.id.clone(),
        inert(&b.name),
        inert(b.description.as_deref().unwrap_or("")),
        inert(b.source.connection_name.as_deref().unwrap_or("")),
        inert(b.source.host.as_deref().unwrap_or("")),
        opt(b.source.port.map(|p| p.to_string())),
        inert(&b.source.database),
        b.status.as_str().to_string(),
        b.reason.as_str().to_string(),
        b.started_at.to_rfc3339(),
        opt(b.finished_at.map(|t| t.to_rfc3339())),
        opt(b.duration_ms.map(|ms| format!("{:.1}", ms as f64 / 1000.0))),
        b.format.as_str().to_string(),
        opt(b.size_bytes.map(|s| s.to_string())),
        opt(b.sha256.clone()),
        opt(b.rows.map(|r| r.tables.to_string())),
        opt(b.rows.map(|r| r.rows.to_string())),
        opt(b
            .verification
            .as_ref()
            .map(|v| format!("{:?} {}", v.status, v.checked_at.to_rfc3339()).to_lowercase())),
        inert(&b.path.display().to_string()),
        b.file_exists.to_string(),
        inert(
            &b.copies
                .iter()
                .map(|c| c.location())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        inert(b.error.as_deref().unwrap_or("")),
    ]
}

/// Writes the backups `query` matches (all pages) as `format`; returns how
/// many.
pub fn write_history(
    catalog: &Catalog,
    query: &BackupQuery,
    format: ExportFormat,
    out: impl Write,
) -> CatalogResult<usize> {
    let backups = all_matching(catalog, query)?;
    let io = |e: std::io::Error| CatalogError::Io(e.to_string());
    match format {
        ExportFormat::Json => {
            let mut out = out;
            serde_json::to_writer_pretty(&mut out, &backups)
                .map_err(|e| CatalogError::Io(e.to_string()))?;
            out.write_all(b"\n").map_err(io)?;
            out.flush().map_err(io)?;
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let csv_err = |e: csv::Error| CatalogError::Io(e.to_string());
            w.write_record(COLUMNS).map_err(csv_err)?;
            for b in &backups {
                w.write_record(csv_row(b)).map_err(csv_err)?;
            }
            w.flush().map_err(io)?;
        }
    }
    Ok(backups.len())
}

/// [`write_history`] into `path`: written under a temporary name beside
/// it and renamed once complete, so a failed export leaves no half file.
pub fn export_history(
    catalog: &Catalog,
    query: &BackupQuery,
    format: ExportFormat,
    path: &Path,
) -> CatalogResult<usize> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |e: std::io::Error| CatalogError::Io(format!("cannot write {}: {e}", path.display()));
    let mut partial = tempfile::Builder::new()
        .prefix(".tusk-history-")
        .tempfile_in(folder)
        .map_err(io)?;
    let n = write_history(
        catalog,
        query,
        format,
        std::io::BufWriter::new(partial.as_file_mut()),
    )?;
    partial.as_file().sync_all().map_err(io)?;
    partial.persist(path).map_err(|e| io(e.error))?;
    Ok(n)
}
