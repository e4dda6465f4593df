//! Tusk Backup's desktop shell: commands over the engine, events to the
//! webview, and the managed state holding running jobs.

pub mod channels;
pub mod commands;
pub mod demo;
pub mod destinations;
pub mod error;
pub mod events;
pub mod jobs;
pub mod logging;
pub mod profiles;
pub mod readable;
pub mod scheduler;
pub mod secrets;
pub mod settings;
pub mod state;
pub mod verify;

mod bindings;
mod security;

use profiles::{OsKeychain, Profiles};
use state::AppState;
use tauri::Manager;
use tusk_engine::catalog::Catalog;
use tusk_engine::ToolSearch;

/// Registers every command; shared by the app and the tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::jobs::create_backup,
        commands::channels::list_channels,
        commands::channels::save_channel,
        commands::channels::remove_channel,
        commands::channels::test_channel,
        commands::destinations::list_destinations,
        commands::destinations::save_destination,
        commands::destinations::remove_destination,
        commands::destinations::test_destination,
        commands::destinations::set_encryption_passphrase,
        commands::destinations::set_encryption_identity,
        commands::destinations::bucket_backups,
        commands::destinations::import_from_destination,
        commands::destinations::copy_backup,
        commands::jobs::restore_backup,
        commands::jobs::cancel_job,
        commands::jobs::list_jobs,
        commands::jobs::preview_backup,
        commands::jobs::preflight_restore,
        commands::server::preview_server_backup,
        commands::server::server_backup_contents,
        commands::server::preview_server_restore,
        commands::server::restore_server,
        commands::restores::list_incomplete_restores,
        commands::restores::dismiss_restore,
        commands::restores::drop_incomplete_restore,
        commands::about::app_info,
        commands::about::open_log_folder,
        commands::archive::get_backup_info,
        commands::connections::list_connections,
        commands::connections::save_connection,
        commands::connections::delete_connection,
        commands::connections::test_connection,
        commands::connections::list_objects,
        commands::connections::list_tools,
        commands::connections::connection_tools,
        commands::connections::add_tools_folder,
        commands::connections::remove_tools_folder,
        commands::connections::start_demo_database,
        commands::history::list_backups,
        commands::history::export_history,
        commands::history::rename_backup,
        commands::history::delete_backup,
        commands::history::export_backup,
        commands::history::reveal_backup,
        commands::history::import_backups,
        commands::history::verify_backup_job,
        commands::settings::get_settings,
        commands::history::catalog_report,
        commands::settings::save_settings,
        commands::settings::get_retention,
        commands::settings::preview_retention,
        commands::settings::save_retention,
        commands::schedules::list_schedules,
        commands::automatic::automatic_backups,
        commands::automatic::set_automatic_backups,
        commands::automatic::dismiss_automatic_offer,
        commands::schedules::schedule_runs,
        commands::schedules::save_schedule,
        commands::schedules::delete_schedule,
        commands::schedules::set_schedule_enabled,
        commands::schedules::run_schedule_now,
        commands::schedules::preview_trigger,
        commands::schedules::preview_prune,
        commands::schedules::list_timezones,
    ])
}

/// Tools folder from `TUSK_PG_BIN`, else searched.
fn tool_search() -> ToolSearch {
    ToolSearch {
        folder: std::env::var_os("TUSK_PG_BIN").map(Into::into),
        extra: Vec::new(),
    }
}

/// `scripts/run.sh` hands the app a database: `TUSK_DATABASE_URL` becomes a
/// connection; else, with `TUSK_START_DEMO` and no connection yet, the demo
/// database starts.
fn first_connection<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Emitter;
    let state = app.state::<AppState>();
    if let Ok(url) = std::env::var("TUSK_DATABASE_URL") {
        if let Err(e) = state.profiles.upsert_from_url("TUSK_DATABASE_URL", &url) {
            eprintln!("TUSK_DATABASE_URL is not usable: {}", e.payload().message);
        }
    } else if std::env::var_os("TUSK_START_DEMO").is_some() && state.profiles.list().is_empty() {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let state = handle.state::<AppState>();
            match demo::start(&state).await {
                Ok(_) => {
                    let _ = handle.emit(events::CONNECTIONS_CHANGED, ());
                }
                Err(e) => eprintln!("{}", e.payload().message),
            }
        });
    }
}

pub fn run() {
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init());
    // Lets the MCP end-to-end tests drive the real app: only with the `e2e`
    // feature, which nothing a user runs is built with.
    #[cfg(feature = "e2e")]
    let builder = builder.plugin(
        tauri_plugin_mcp_bridge::Builder::new()
            .bind_address("127.0.0.1")
            .build(),
    );
    with_commands(builder)
        .setup(|app| {
            // The same folders as the CLI: one history, one set of schedules.
            logging::init(&tusk_engine::paths::data_dir());
            tusk_engine::server::connection::sweep_stale_passfiles();
            tusk_engine::platform::keep_going_past_file_size_limits();
            let config = tusk_engine::paths::config_dir();
            let data_dir = tusk_engine::paths::data_dir();
            let profiles = Profiles::load(config.join("connections.json"), Box::new(OsKeychain))?;
            let (catalog, report) = Catalog::open(&tusk_engine::paths::catalog_path())?;
            let mut state = AppState::new(profiles, tool_search(), data_dir, catalog);
            state.catalog_report = report;
            state.destinations = destinations::Destinations::load(
                config.join("destinations.json"),
                Box::new(OsKeychain),
            )?;
            state.channels =
                channels::Channels::load(config.join("notifications.json"), Box::new(OsKeychain))?;
            app.manage(state);
            first_connection(app.handle());
            scheduler::start(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Tusk Backup");
}
