//! The app's log: a file in the data folder (`logs/tusk.<date>.log`), a new
//! one each day, the last seven kept; what the Help / About dialog shows.
//! `RUST_LOG` sets what goes in (default: info, the engine at debug).
//! `TUSK_LOG_FILE` adds a file shared by every process of a test run, which
//! the test command searches for secrets.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

const DEFAULT_FILTER: &str = "info,tusk_engine=debug";

/// Kept for the app's lifetime: dropping them loses what is not written yet.
static GUARDS: OnceLock<Vec<WorkerGuard>> = OnceLock::new();

/// Where the app's log files are.
pub fn log_folder(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Starts logging to the data folder; a failure is printed, never fatal.
pub fn init(data_dir: &Path) {
    let folder = log_folder(data_dir);
    let appender = tusk_engine::paths::private_dir(&folder)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix("tusk")
                .filename_suffix("log")
                .max_log_files(7)
                .build(&folder)
                .map_err(|e| e.to_string())
        });
    let mut guards = Vec::new();
    let mut layers: Vec<Box<dyn Layer<_> + Send + Sync>> = Vec::new();
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            guards.push(guard);
            layers.push(fmt::layer().with_writer(writer).with_ansi(false).boxed());
        }
        Err(e) => eprintln!("tusk: no log file in {}: {e}", folder.display()),
    }
    if let Some(shared) = tusk_engine::paths::shared_log_file() {
        let (writer, guard) = tracing_appender::non_blocking(shared);
        guards.push(guard);
        layers.push(fmt::layer().with_writer(writer).with_ansi(false).boxed());
    }
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    if tracing_subscriber::registry()
        .with(layers)
        .with(filter)
        .try_init()
        .is_ok()
    {
        let _ = GUARDS.set(guards);
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            fallback = tusk_engine::platform::FALLBACK,
            "Tusk started"
        );
    }
}
