//! The command line: global flags and the subcommands, each defined with its
//! arguments in `commands/`.

use crate::commands::{
    backup::BackupCommand,
    catalog::{CatalogAction, CatalogArgs},
    copy::CopyArgs,
    daemon::DaemonArgs,
    delete::DeleteArgs,
    destination::{DestinationAction, DestinationArgs},
    import::ImportArgs,
    info::InfoArgs,
    list::ListArgs,
    notify::NotifyArgs,
    prune::PruneArgs,
    restore::RestoreArgs,
    restores::RestoresArgs,
    retention::RetentionArgs,
    schedule::{ScheduleAction, ScheduleArgs},
    tools::ToolsArgs,
    verify::VerifyArgs,
    IdArgs,
};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "tusk",
    version,
    about = "Back up and restore PostgreSQL databases",
    disable_help_flag = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Folder with pg_dump, pg_restore and psql to use (instead of searching PATH and /usr/lib/postgresql).
    #[arg(long, global = true, env = "TUSK_PG_BIN")]
    pub pg_bin: Option<PathBuf>,
    /// Config file with named remotes (default: ~/.config/tusk/config.toml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// The history's database (default: ~/.local/share/tusk/catalog.db).
    #[arg(long, global = true, env = "TUSK_CATALOG")]
    pub catalog: Option<PathBuf>,
    /// More of the log on stderr: -v info, -vv debug, -vvv trace (default:
    /// warnings; `RUST_LOG` chooses in detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[arg(long, global = true, action = clap::ArgAction::Help, help = "Print help")]
    help: Option<bool>,
}

impl Cli {
    pub fn json(&self) -> bool {
        match &self.command {
            Command::Backup(a) => a.json(),
            Command::Restore(a) => a.out.json,
            Command::Info(a) => a.json,
            Command::Tools(a) => a.json,
            Command::Check(a) => a.json,
            Command::List(a) => a.json,
            Command::Show(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Delete(a) => a.json,
            Command::Prune(a) => a.json,
            Command::Import(a) => a.json,
            Command::Schedule(a) => match &a.action {
                ScheduleAction::Add(x) => x.json,
                ScheduleAction::List { json }
                | ScheduleAction::Show { json, .. }
                | ScheduleAction::Delete { json, .. }
                | ScheduleAction::Disable { json, .. }
                | ScheduleAction::Enable { json, .. }
                | ScheduleAction::Run { json, .. } => *json,
            },
            Command::Catalog(a) => match a.action {
                CatalogAction::Check { json }
                | CatalogAction::Backup { json }
                | CatalogAction::Vacuum { json } => json,
                CatalogAction::CountRows { .. } => false,
            },
            Command::Daemon(_) => false,
            Command::Restores(a) => a.json,
            Command::Retention(a) => a.json(),
            Command::Copy(a) => a.json,
            Command::Notify(a) => a.json(),
            Command::Destination(a) => match &a.action {
                DestinationAction::Add(add) => add.json(),
                DestinationAction::List { json }
                | DestinationAction::Test { json, .. }
                | DestinationAction::Remove { json, .. } => *json,
            },
        }
    }
}

/// Parsed once at start: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Back up a database with pg_dump (`backup create` is the same backup,
    /// `backup list` the same as `tusk list`).
    Backup(BackupCommand),
    /// Restore a backup with pg_restore (or psql for plain SQL).
    Restore(RestoreArgs),
    /// Show what a backup holds: format, versions, contents, tables.
    Info(InfoArgs),
    /// List the PostgreSQL tools found and which would be used.
    Tools(ToolsArgs),
    /// Test a connection and show the server's version.
    Check(ToolsArgs),
    /// The history of backups, newest first.
    List(ListArgs),
    /// One backup of the history in full.
    Show(IdArgs),
    /// Prove a backup restores: checksum, archive, test restore with row counts.
    Verify(VerifyArgs),
    /// Delete a backup: its file, sidecars and record.
    Delete(DeleteArgs),
    /// Apply retention: the schedules' rules and those of manual and safety
    /// backups (see what would go with --dry-run).
    Prune(PruneArgs),
    /// Show or set the rules for manual backups and safety backups.
    Retention(RetentionArgs),
    /// Add the backups of a folder (with their .tusk.json sidecars) to the history.
    Import(ImportArgs),
    /// Scheduled backups: add, list, show, run, enable, disable, delete.
    Schedule(ScheduleArgs),
    /// Run due schedules until stopped: for servers without the app.
    Daemon(DaemonArgs),
    /// Check or copy the history's own database.
    Catalog(CatalogArgs),
    /// Restores that stopped part way: list them, drop what they left, or dismiss.
    Restores(RestoresArgs),
    /// Copy a backup of the history to a bucket (the local file stays).
    Copy(CopyArgs),
    /// S3-compatible buckets to back up to: add, list, test, remove.
    Destination(DestinationArgs),
    /// Notification channels (webhooks, e-mail) of the config file: list, send a test.
    Notify(NotifyArgs),
}
