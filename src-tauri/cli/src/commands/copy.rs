//! `tusk copy`: a backup of the history copied to a bucket (3-2-1: the local
//! file stays).

use super::*;
use crate::commands::destination::{open_bucket, SecretArgs};
use crate::config::Config;
use crate::exit;
use crate::render::print_json;
use clap::Args;
use tusk_engine::backup::remote::copy_to_bucket;
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct CopyArgs {
    /// Backup id (or its first characters), or the backup's path.
    id: String,
    /// The destination to copy it to (`tusk destination add`).
    #[arg(long)]
    dest: String,
    #[command(flatten)]
    secret: SecretArgs,
    #[arg(long)]
    pub json: bool,
}

pub async fn copy(a: CopyArgs, c: &Catalog, config: &Config) -> Result<u8, EngineError> {
    let b = find_backup(c, &a.id)?;
    let bucket = open_bucket(config, &a.dest, &a.secret)?;
    if !a.json {
        err!(
            "copying {} to {} …",
            b.location(),
            bucket.destination().describe()
        );
    }
    let updated = copy_to_bucket(c, &b.id, &bucket, &cancel_on_interrupt()).await?;
    let copy = updated
        .copies
        .iter()
        .find(|x| x.destination == a.dest)
        .expect("the copy just recorded");
    if a.json {
        print_json(copy);
    } else {
        err!("copied: {} (SHA-256 checked)", copy.location());
    }
    Ok(exit::OK)
}
