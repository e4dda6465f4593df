//! `tusk delete`: a backup and its files.

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::config::Config;
use crate::exit;
use crate::render::print_json;
use clap::Args;
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct DeleteArgs {
    /// Backup id (or its first characters), or the backup's path.
    id: String,
    /// Remove the record only; leave the file.
    #[arg(long)]
    keep_file: bool,
    /// Confirm.
    #[arg(long)]
    yes: bool,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    secret: SecretArgs,
}

pub async fn delete(a: DeleteArgs, c: &Catalog, config: &Config) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    if !a.yes {
        return Err(EngineError::InvalidOptions(format!(
            "this deletes \"{}\"{}: add --yes to confirm",
            b.name,
            if a.keep_file {
                " from the history"
            } else {
                " and its file"
            }
        )));
    }
    let deleted = match b.copies.first() {
        // Made straight into a bucket: its objects go with it.
        Some(copy) if b.is_remote_only() && !a.keep_file && b.status.is_success() => {
            let bucket = open_bucket(config, &copy.destination, &a.secret)?;
            tusk_engine::backup::recorded::delete_bucket_backup(c, &b.id, &bucket).await?
        }
        _ => tusk_engine::backup::recorded::delete_backup(c, &b.id, a.keep_file)?,
    };
    if a.json {
        print_json(
            &serde_json::json!({ "deleted": b.id, "fileRemoved": deleted.file_removed, "keptBecause": deleted.kept_because }),
        );
    } else {
        err!("deleted {} from the history", b.name);
        match deleted.kept_because {
            Some(why) => err!("kept the file {} ({why})", b.location()),
            None => err!("removed {} and its sidecars", b.location()),
        }
    }
    Ok(exit::OK)
}
