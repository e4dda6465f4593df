//! `tusk import`: backups found in a folder, into the history.

use crate::commands::destination::{open_bucket, SecretArgs};
use crate::config::Config;
use crate::exit;
use crate::render::print_json;
use clap::Args;
use std::path::PathBuf;
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct ImportArgs {
    /// Folder holding backups with their `.tusk.json` sidecars.
    #[arg(required_unless_present = "dest")]
    folder: Option<PathBuf>,
    /// Import the backups of this bucket instead (every machine's, by their
    /// manifests); they stay in the bucket.
    #[arg(long, conflicts_with = "folder")]
    dest: Option<String>,
    #[command(flatten)]
    secret: SecretArgs,
    #[arg(long)]
    pub json: bool,
}

pub async fn import(a: ImportArgs, c: &Catalog, config: &Config) -> Result<u8, EngineError> {
    let report = match (&a.dest, &a.folder) {
        (Some(name), _) => open_bucket(config, name, &a.secret)?.import_into(c).await?,
        (None, Some(folder)) if folder.is_dir() => c.import_folder(folder, false)?,
        (None, Some(folder)) => {
            return Err(EngineError::InvalidOptions(format!(
                "{} is not a folder",
                folder.display()
            )))
        }
        (None, None) => unreachable!("clap requires a folder or --dest"),
    };
    if a.json {
        print_json(&report);
    } else {
        err!(
            "imported {} backup(s); {} already known",
            report.imported.len(),
            report.already_known.len()
        );
        report.skipped.iter().for_each(|s| err!("skipped: {s}"));
    }
    Ok(exit::OK)
}
