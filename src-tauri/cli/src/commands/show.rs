//! `tusk show`: one backup of the history.

use super::*;
use crate::exit;
use crate::render::{self, print_json};
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

pub fn show(a: IdArgs, c: &Catalog) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    if a.json {
        print_json(&serde_json::json!({ "backup": b, "tables": c.table_rows(&b.id)? }));
        return Ok(exit::OK);
    }
    render::backup_detail(&b);
    Ok(exit::OK)
}
