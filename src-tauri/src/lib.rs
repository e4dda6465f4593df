//! Tusk Backup's desktop shell: commands over the engine, events to the
//! webview, and the managed state holding running jobs.

pub mod commands;
pub mod demo;
pub mod error;
pub mod events;
pub mod profiles;
pub mod state;

mod bindings;

use profiles::{OsKeychain, Profiles};
use state::AppState;
use tauri::Manager;
use tusk_engine::ToolSearch;

/// Registers every command; shared by the app and the tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::jobs::create_backup,
        commands::jobs::restore_backup,
        commands::jobs::cancel_job,
        commands::jobs::list_jobs,
        commands::jobs::preview_backup,
        commands::jobs::preflight_restore,
        commands::archive::get_backup_info,
        commands::connections::list_connections,
        commands::connections::save_connection,
        commands::connections::delete_connection,
        commands::connections::test_connection,
        commands::connections::list_objects,
        commands::connections::list_tools,
        commands::connections::start_demo_database,
    ])
}

/// Tools folder from `TUSK_PG_BIN`, else searched.
fn tool_search() -> ToolSearch {
    ToolSearch {
        folder: std::env::var_os("TUSK_PG_BIN").map(Into::into),
    }
}

pub fn run() {
    let mut builder = tauri::Builder::default().plugin(tauri_plugin_dialog::init());
    if cfg!(debug_assertions) {
        // Lets the MCP end-to-end tests drive the real app; never in release.
        builder = builder.plugin(
            tauri_plugin_mcp_bridge::Builder::new()
                .bind_address("127.0.0.1")
                .build(),
        );
    }
    with_commands(builder)
        .setup(|app| {
            let config = app.path().app_config_dir()?;
            let data_dir = app.path().app_data_dir()?;
            let profiles = Profiles::load(config.join("connections.json"), Box::new(OsKeychain))?;
            app.manage(AppState {
                jobs: Default::default(),
                profiles,
                tools: tool_search(),
                data_dir,
            });
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Tusk Backup");
}
