//! `tusk tools` and `tusk check`: the PostgreSQL tools found, and the one a
//! server gets.

use super::*;
use crate::config::Config;
use crate::exit;
use crate::render::{self};
use clap::Args;
use tusk_engine::{EngineError, ToolSearch};

#[derive(Args)]
pub struct ToolsArgs {
    #[command(flatten)]
    conn: ConnArgs,
    #[arg(long)]
    pub json: bool,
}

pub async fn tools(a: ToolsArgs, config: &Config, search: &ToolSearch) -> Result<u8, EngineError> {
    let found = tusk_engine::server::tools::discover(search);
    let wants_server = a.conn.url.is_some()
        || a.conn.remote.is_some()
        || a.conn.host.is_some()
        || a.conn.database.is_some();
    let server = if wants_server {
        let conn = a.conn.resolve(config)?;
        Some(tusk_engine::test_connection(&conn, search).await?)
    } else {
        None
    };
    render::tools(&found, server.as_ref(), search, a.json);
    Ok(exit::OK)
}

pub async fn check(a: ToolsArgs, config: &Config, search: &ToolSearch) -> Result<u8, EngineError> {
    let conn = a.conn.resolve(config)?;
    let server = tusk_engine::test_connection(&conn, search).await?;
    render::server(&server, a.json);
    Ok(exit::OK)
}
