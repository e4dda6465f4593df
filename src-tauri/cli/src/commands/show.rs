//! `tusk show`: one backup of the history.

use super::*;
use crate::exit;
use crate::render::{self, print_json};
use indicatif::HumanBytes;
use tusk_engine::catalog::{Catalog, VerifyStatus};
use tusk_engine::EngineError;

pub fn show(a: IdArgs, c: &Catalog) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    if a.json {
        print_json(&serde_json::json!({ "backup": b, "tables": c.table_rows(&b.id)? }));
        return Ok(exit::OK);
    }
    out!("id:        {}", b.id);
    out!("name:      {}", b.name);
    if let Some(d) = &b.description {
        out!("about:     {d}");
    }
    out!(
        "database:  {}{}",
        b.source.database,
        b.source
            .connection_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    );
    out!(
        "file:      {}{}",
        b.path.display(),
        if b.file_exists { "" } else { "  (MISSING)" }
    );
    out!(
        "format:    {} · compression {}",
        b.format.as_str(),
        b.compression
    );
    out!(
        "size:      {}",
        b.size_bytes
            .map(|s| HumanBytes(s).to_string())
            .unwrap_or_else(|| "-".into())
    );
    out!("sha256:    {}", b.sha256.as_deref().unwrap_or("-"));
    out!(
        "versions:  server {} · pg_dump {}",
        b.server_version.as_deref().unwrap_or("?"),
        b.pg_dump_version.as_deref().unwrap_or("?")
    );
    out!(
        "started:   {} · took {}",
        render::when(b.started_at),
        b.duration_ms
            .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
            .unwrap_or_else(|| "-".into())
    );
    out!(
        "status:    {} · reason {}",
        render::status_label(&b),
        b.reason.as_str()
    );
    if let Some(e) = &b.error {
        out!("error:     {e}");
    }
    if let Some(v) = &b.verification {
        out!(
            "verified:  {} at {}: {}",
            if v.status == VerifyStatus::Passed {
                "passed"
            } else {
                "FAILED"
            },
            render::when(v.checked_at),
            v.summary
        );
    }
    Ok(exit::OK)
}
