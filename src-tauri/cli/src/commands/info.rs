//! `tusk info`: what a backup file holds.

use crate::exit;
use crate::render::{self};
use clap::Args;
use std::path::PathBuf;
use tusk_engine::EngineError;

#[derive(Args)]
pub struct InfoArgs {
    /// Backup file or directory.
    path: PathBuf,
    #[arg(long)]
    pub json: bool,
    /// List every table-of-contents entry (ids for --toc-entry).
    #[arg(long)]
    entries: bool,
}

pub fn info(a: InfoArgs) -> Result<u8, EngineError> {
    let info = tusk_engine::get_backup_info(&a.path)?;
    render::info(&info, a.json, a.entries);
    Ok(exit::OK)
}
