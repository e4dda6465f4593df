//! `tusk catalog …`: the catalog's own care.

use crate::exit;
use crate::render::print_json;
use clap::{Args, Subcommand};
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    pub action: CatalogAction,
}

#[derive(Subcommand)]
pub enum CatalogAction {
    /// Run SQLite's integrity check on the catalog.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Write the catalog's own online copy (used to rebuild a damaged catalog).
    Backup {
        #[arg(long)]
        json: bool,
    },
    /// Count a backup's rows per table from its file into the history (what
    /// `tusk backup` starts in the background).
    #[command(hide = true)]
    CountRows { id: String },
    /// Rebuild the catalog's file without free space and refresh its
    /// statistics (the daemon and the app do it weekly).
    Vacuum {
        #[arg(long)]
        json: bool,
    },
}

pub async fn catalog(
    a: CatalogArgs,
    c: &Catalog,
    search: &tusk_engine::ToolSearch,
) -> Result<u8, EngineError> {
    match a.action {
        CatalogAction::CountRows { id } => {
            match tusk_engine::verify::record_row_counts(c, &id, search).await {
                Ok(_) => Ok(exit::OK),
                Err(why) => {
                    tracing::warn!(backup = %id, %why, "the backup's rows could not be counted");
                    err!("the rows of {id} could not be counted: {why}");
                    Ok(exit::FAILED)
                }
            }
        }
        CatalogAction::Check { json } => {
            let result = c.integrity_check()?;
            if json {
                print_json(&serde_json::json!({ "path": c.path(), "integrity": result }));
            } else {
                out!("{}: {result}", c.path().display());
            }
            Ok(if result == "ok" {
                exit::OK
            } else {
                exit::FAILED
            })
        }
        CatalogAction::Vacuum { json } => {
            let (before, after) = c.vacuum()?;
            if json {
                print_json(
                    &serde_json::json!({ "path": c.path(), "bytesBefore": before, "bytesAfter": after }),
                );
            } else {
                out!("{}: {} → {} bytes", c.path().display(), before, after);
            }
            Ok(exit::OK)
        }
        CatalogAction::Backup { json } => {
            let copy = c.backup_self()?;
            if json {
                print_json(&serde_json::json!({ "copy": copy }));
            } else {
                out!("catalog copied to {} (integrity ok)", copy.display());
            }
            Ok(exit::OK)
        }
    }
}
