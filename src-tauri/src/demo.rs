//! The demo database offered on first run: a local PostgreSQL from the
//! installed server binaries, in the app's data folder, seeded with a small
//! shop. It runs while the app runs. Unix only: it listens on a socket.

#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use crate::error::{AppError, AppResult};
use crate::profiles::{ConnectionProfile, PasswordStorage};
use crate::state::AppState;
#[cfg(unix)]
use tusk_engine::server::localdb::{newest_server_bin, LocalServer};
use tusk_engine::server::tools::discover;
use tusk_engine::server::Server;
use tusk_engine::ConnectionSpec;

const DEMO_PORT: u16 = 54320;
const DEMO_DB: &str = "demo";
const DEMO_ID: &str = "demo";
const SAMPLE: &str = include_str!("../../scripts/demo.sql");

/// Elsewhere there is no demo database: the window says so.
#[cfg(not(unix))]
pub async fn start(_: &AppState) -> AppResult<ConnectionProfile> {
    Err(AppError::Demo(
        "the demo database runs PostgreSQL on a local socket, which this system does not offer: add a connection to a server of your own".into(),
    ))
}

#[cfg(unix)]
pub async fn start(state: &AppState) -> AppResult<ConnectionProfile> {
    let root = state.data_dir.join("demo");
    let server = LocalServer {
        bin_dir: newest_server_bin().map_err(AppError::Demo)?,
        data_dir: root.join("data"),
        socket_dir: root.join("run"),
        port: DEMO_PORT,
        hba: None,
        unsafe_fast: false,
    };
    let socket = server.socket_dir.display().to_string();
    let created = tauri::async_runtime::spawn_blocking(move || {
        if server.is_running() {
            Ok(false)
        } else {
            server.start()
        }
    })
    .await
    .map_err(|e| AppError::Demo(e.to_string()))?
    .map_err(AppError::Demo)?;
    let conn = ConnectionSpec {
        host: Some(socket.clone()),
        port: Some(DEMO_PORT),
        database: Some("postgres".into()),
        user: Some("postgres".into()),
        ..Default::default()
    };
    if created {
        seed(&conn, state).await?;
    }
    let profile = ConnectionProfile {
        id: DEMO_ID.into(),
        name: "Demo database".into(),
        host: Some(socket),
        port: Some(DEMO_PORT),
        database: Some(DEMO_DB.into()),
        user: Some("postgres".into()),
        sslmode: None,
        password_storage: PasswordStorage::None,
        is_demo: true,
    };
    state.profiles.upsert(profile.clone())?;
    Ok(profile)
}

async fn seed(conn: &ConnectionSpec, state: &AppState) -> AppResult<()> {
    let psql = {
        let search = state.tools();
        tusk_engine::server::tools::psql(&discover(&search), &search)?
    };
    let env = conn.tool_env("tusk-demo")?;
    Server::new(&psql, conn, &env)
        .create_database(DEMO_DB)
        .await?;
    let demo = conn.with_database(DEMO_DB);
    Server::new(&psql, &demo, &env).query(SAMPLE, &[]).await?;
    Ok(())
}
