//! `tusk restores`: restores that did not complete, and what to do with them.

use super::*;
use crate::config::Config;
use crate::exit;
use crate::render::{self, print_json};
use clap::{Args, Subcommand};
use tusk_engine::catalog::Catalog;
use tusk_engine::{EngineError, ToolSearch};

#[derive(Args)]
pub struct RestoresArgs {
    #[command(subcommand)]
    action: Option<RestoresAction>,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum RestoresAction {
    /// Incomplete restores, newest first (the default).
    List,
    /// Drop the database an incomplete restore left (needs --yes).
    Drop {
        id: String,
        /// Credentials (and a server, when not the one recorded).
        #[command(flatten)]
        conn: ConnArgs,
        #[arg(long)]
        yes: bool,
    },
    /// Keep the database as it is and forget the mark.
    Dismiss { id: String },
}

pub async fn run(
    a: RestoresArgs,
    c: &Catalog,
    config: &Config,
    search: &ToolSearch,
) -> Result<u8, EngineError> {
    match a.action.unwrap_or(RestoresAction::List) {
        RestoresAction::List => {
            let records = c.incomplete_restores()?;
            if a.json {
                print_json(&records);
            } else if records.is_empty() {
                out!("No incomplete restores.");
            } else {
                render::print_incomplete(&records);
            }
            Ok(exit::OK)
        }
        RestoresAction::Dismiss { id } => {
            c.dismiss_restore(&id)?;
            out!("The mark is removed; the database stays as it is.");
            Ok(exit::OK)
        }
        RestoresAction::Drop { id, conn, yes } => {
            let record = c.get_restore(&id)?;
            if !yes {
                return Err(EngineError::InvalidOptions(format!(
                    "this drops the database \"{}\" and everything in it: add --yes to confirm",
                    record.database
                )));
            }
            let mut spec = conn.resolve(config)?;
            spec.host = spec.host.or(record.host.clone());
            spec.port = spec.port.or(record.port);
            let db = tusk_engine::restore::drop_incomplete_restore(c, &id, &spec, search).await?;
            out!("Dropped \"{db}\".");
            Ok(exit::OK)
        }
    }
}
