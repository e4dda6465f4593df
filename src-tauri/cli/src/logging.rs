//! The CLI's log: on stderr, warnings by default, more with `-v` (info),
//! `-vv` (debug) or `-vvv` (trace), or as `RUST_LOG` says. `TUSK_LOG_FILE`
//! also appends it (at debug) to a file shared by a test run's processes,
//! which the test command searches for secrets.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

pub fn init(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let stderr_filter = if verbose == 0 {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level))
    } else {
        EnvFilter::new(level)
    };
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(stderr_filter);
    let shared = tusk_engine::paths::shared_log_file().map(|file| {
        fmt::layer()
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .with_filter(EnvFilter::new("debug"))
    });
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(shared)
        .try_init();
}
