//! `tusk restores`: restores that stopped part way and left a database
//! holding part of a backup; drop such a database, or dismiss the mark.

use crate::args::ConnArgs;
use crate::config::Config;
use crate::exit;
use crate::render::print_json;
use clap::{Args, Subcommand};
use tusk_engine::catalog::{Catalog, RestoreRecord};
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

/// "incomplete restore of "shop" on db:5432 at 2026-12-05 14:02".
pub fn describe(r: &RestoreRecord) -> String {
    let server = match (&r.host, r.port) {
        (Some(h), Some(p)) => format!(" on {h}:{p}"),
        (Some(h), None) => format!(" on {h}"),
        _ => String::new(),
    };
    format!(
        "incomplete restore of \"{}\"{server} at {}",
        r.database,
        r.started_at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    )
}

/// The lines `tusk list` and `tusk restores` print for each mark.
pub fn print_incomplete(records: &[RestoreRecord]) {
    for r in records {
        err!(
            "! {} (from {}): it holds part of the backup. Restore it again, or drop it: tusk restores drop {} --yes",
            describe(r),
            r.input_path.display(),
            r.id
        );
    }
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
                print_incomplete(&records);
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
            let db = tusk_engine::history::drop_incomplete_restore(c, &id, &spec, search).await?;
            out!("Dropped \"{db}\".");
            Ok(exit::OK)
        }
    }
}
