//! `tusk import`: backups found in a folder, into the history.

use crate::exit;
use crate::render::print_json;
use clap::Args;
use std::path::PathBuf;
use tusk_engine::catalog::Catalog;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct ImportArgs {
    /// Folder holding backups with their `.tusk.json` sidecars.
    folder: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn import(a: ImportArgs, c: &Catalog) -> Result<u8, EngineError> {
    if !a.folder.is_dir() {
        return Err(EngineError::InvalidOptions(format!(
            "{} is not a folder",
            a.folder.display()
        )));
    }
    let report = c.import_folder(&a.folder, false)?;
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
