//! `tusk`: backups and restores from a terminal, a script or cron, on the same
//! engine as the desktop app.

/// `println!` that ends the program quietly when stdout is a closed pipe
/// (`tusk list | head`), as a tool killed by SIGPIPE would, instead of a
/// panic with a backtrace.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::pipe::write_line(&mut std::io::stdout(), format_args!($($arg)*))
    };
}

/// The same for stderr.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::pipe::write_line(&mut std::io::stderr(), format_args!($($arg)*))
    };
}

mod cli;
mod commands;
mod config;
mod logging;
mod pipe;
mod render;
mod signals;

use clap::Parser;
use cli::{Cli, Command};
use commands::backup::BackupAction;
use std::process::ExitCode;
use tusk_engine::{EngineError, JobOutcome, JobStatus};

/// Exit codes, documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const INVALID: u8 = 2;
    pub const UNAVAILABLE: u8 = 3;
    pub const WARNINGS: u8 = 4;
    pub const CANCELLED: u8 = 130;
}

#[tokio::main]
async fn main() -> ExitCode {
    signals::install();
    tusk_engine::server::connection::sweep_stale_passfiles();
    tusk_engine::platform::keep_going_past_file_size_limits();
    let cli = Cli::parse();
    logging::init(cli.verbose);
    tracing::debug!(version = env!("CARGO_PKG_VERSION"), "tusk started");
    let json = cli.json();
    // A running job ends by itself when cancelled (and says so); anything
    // else in progress (a pre-flight, a question to the server) is dropped,
    // with the processes it started.
    let result = signals::until_signal(run(cli)).await;
    let stopped = signals::exit_code();
    match result {
        Some(Ok(code)) => ExitCode::from(stopped.unwrap_or(code)),
        Some(Err(e)) if stopped.is_none() => {
            render::error(&e, json);
            ExitCode::from(error_code(&e))
        }
        _ => {
            err!("cancelled before the job started: nothing was changed");
            ExitCode::from(stopped.unwrap_or(exit::CANCELLED))
        }
    }
}

async fn run(cli: Cli) -> Result<u8, EngineError> {
    let config = if matches!(cli.command, Command::Destination(_)) {
        config::Config::load_for_writing(cli.config.as_deref())?
    } else {
        config::Config::load(cli.config.as_deref())?
    };
    let search = config.tool_search(cli.pg_bin.clone());
    let catalog = cli.catalog.as_deref();
    let open = || commands::open_catalog(catalog);
    match cli.command {
        Command::Backup(b) => match b.action {
            None => commands::backup::backup(b.args, &config, &search, catalog).await,
            Some(BackupAction::Create(a)) => {
                commands::backup::backup(*a, &config, &search, catalog).await
            }
            Some(BackupAction::List(a)) if a.dest.is_some() => {
                commands::list::list_bucket(*a, &config).await
            }
            Some(BackupAction::List(a)) => commands::list::list(*a, &open()?),
        },
        Command::Restore(a) => commands::restore::restore(a, &config, &search, catalog).await,
        Command::Info(a) => commands::info::info(a),
        Command::Tools(a) => commands::tools::tools(a, &config, &search).await,
        Command::Check(a) => commands::tools::check(a, &config, &search).await,
        Command::List(a) if a.dest.is_some() => commands::list::list_bucket(a, &config).await,
        Command::List(a) => commands::list::list(a, &open()?),
        Command::Show(a) => commands::show::show(a, &open()?),
        Command::Verify(a) => commands::verify::verify(a, &open()?, &config, &search).await,
        Command::Delete(a) => commands::delete::delete(a, &open()?, &config).await,
        Command::Prune(a) => commands::prune::prune(a, &open()?, &search, &config).await,
        Command::Import(a) => commands::import::import(a, &open()?, &config).await,
        Command::Schedule(a) => commands::schedule::schedule(a, &open()?, &config, &search).await,
        Command::Daemon(a) => commands::daemon::daemon(a, &open()?, &search, &config).await,
        Command::Catalog(a) => commands::catalog::catalog(a, &open()?, &search).await,
        Command::Retention(a) => commands::retention::retention(a, &open()?),
        Command::Restores(a) => commands::restores::run(a, &open()?, &config, &search).await,
        Command::Destination(a) => commands::destination::destination(a, &config).await,
        Command::Copy(a) => commands::copy::copy(a, &open()?, &config).await,
        Command::Notify(a) => commands::notify::notify(a, &config).await,
    }
}

fn error_code(e: &EngineError) -> u8 {
    match e {
        EngineError::InvalidOptions(_)
        | EngineError::InvalidConnection(_)
        | EngineError::Archive(_)
        | EngineError::Catalog(
            tusk_engine::catalog::CatalogError::UnknownBackup(_)
            | tusk_engine::catalog::CatalogError::UnknownSchedule(_)
            | tusk_engine::catalog::CatalogError::Invalid(_),
        ) => exit::INVALID,
        EngineError::Catalog(tusk_engine::catalog::CatalogError::Busy(_)) => exit::UNAVAILABLE,
        EngineError::Catalog(_) => exit::FAILED,
        _ => exit::UNAVAILABLE,
    }
}

/// Exit code of a finished job.
pub fn outcome_code(outcome: &JobOutcome) -> u8 {
    match outcome.status {
        JobStatus::Completed => exit::OK,
        JobStatus::CompletedWithWarnings => exit::WARNINGS,
        JobStatus::Cancelled => exit::CANCELLED,
        _ => exit::FAILED,
    }
}
