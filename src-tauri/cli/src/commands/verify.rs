//! `tusk verify`: a backup's checksum and a test restore with row counts.

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::commands::keys::DecryptArgs;
use crate::config::Config;
use crate::exit;
use crate::render::{self, print_json};
use clap::Args;
use tusk_engine::catalog::{Catalog, VerifyStatus};
use tusk_engine::restore::remote::fetch_backup;
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
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    keys: DecryptArgs,
}

pub async fn verify(
    a: VerifyArgs,
    c: &Catalog,
    config: &Config,
    search: &ToolSearch,
) -> Result<u8, EngineError> {
    let mut backup = find_backup(c, &a.id)?;
    // A backup in a bucket is verified as it is there: downloaded, then
    // checked like a local one (the checksum is one of the checks).
    let fetched = match backup.copies.first() {
        Some(copy) if backup.is_remote_only() => {
            let bucket = open_bucket(config, &copy.destination, &a.secret)?;
            if !a.json {
                err!("downloading {} …", copy.location());
            }
            let cancel = cancel_on_interrupt();
            let fetched = fetch_backup(&bucket, &copy.key, false, &cancel, &|_| {}).await?;
            backup.path = fetched.path().to_path_buf();
            backup.file_exists = true;
            Some(fetched)
        }
        _ => None,
    };
    let restore_on = if a.no_restore {
        None
    } else if a.conn.given() {
        Some(a.conn.resolve(config)?)
    } else {
        Some(connection_of(&backup.source, None))
    };
    let key = a.keys.key()?;
    let reporter = render::Reporter::new(a.json, "Verifying");
    let req = VerifyRequest {
        id: uuid::Uuid::new_v4().to_string(),
        backup,
        restore_on,
        search,
        decrypt: key.as_ref(),
    };
    let cancel = cancel_on_interrupt();
    let v = verify_backup(c, req, &cancel, &|e| reporter.event(e)).await?;
    drop(fetched);
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
