//! `tusk info`: what a backup file holds.

use crate::commands::keys::DecryptArgs;
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
    #[command(flatten)]
    keys: DecryptArgs,
}

pub fn info(a: InfoArgs) -> Result<u8, EngineError> {
    // An encrypted backup is read decrypted (and removed again).
    let decrypted = if tusk_engine::crypt::is_encrypted(&a.path) {
        Some(tusk_engine::crypt::decrypt_backup(
            &a.path,
            a.keys.key()?.as_ref(),
        )?)
    } else {
        None
    };
    let path = decrypted.as_ref().map_or(a.path.as_path(), |d| d.path());
    let info = tusk_engine::get_backup_info(path)?;
    render::info(&info, a.json, a.entries);
    Ok(exit::OK)
}
