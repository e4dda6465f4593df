//! `tusk verify`: a backup's checksum and a test restore with row counts.

use super::*;
use crate::config::Config;
use crate::exit;
use crate::render::{self, print_json};
use clap::Args;
use tusk_engine::catalog::{Catalog, VerifyStatus};
use tusk_engine::verify::{verify_backup, VerifyRequest};
use tusk_engine::{EngineError, ToolSearch};

#[derive(Args)]
pub struct VerifyArgs {
    /// Backup id (or its first characters), or the backup's path.
    id: String,
    /// Check the file only: checksum and archive, no test restore.
    #[arg(long)]
    no_restore: bool,
    /// Server for the test restore (default: the one the backup came from).
    #[command(flatten)]
    conn: ConnArgs,
    #[arg(long)]
    pub json: bool,
}

pub async fn verify(
    a: VerifyArgs,
    c: &Catalog,
    config: &Config,
    search: &ToolSearch,
) -> Result<u8, EngineError> {
    let backup = find_backup(c, &a.id)?;
    let restore_on = if a.no_restore {
        None
    } else if a.conn.given() {
        Some(a.conn.resolve(config)?)
    } else {
        Some(connection_of(&backup.source, None))
    };
    let reporter = render::Reporter::new(a.json, "Verifying");
    let req = VerifyRequest {
        id: uuid::Uuid::new_v4().to_string(),
        backup,
        restore_on,
        search,
    };
    let cancel = cancel_on_interrupt();
    let v = verify_backup(c, req, &cancel, &|e| reporter.event(e)).await?;
    reporter.clear();
    if a.json {
        print_json(&v);
    } else {
        render::verification(&v);
    }
    Ok(if v.status == VerifyStatus::Passed {
        exit::OK
    } else {
        exit::FAILED
    })
}
