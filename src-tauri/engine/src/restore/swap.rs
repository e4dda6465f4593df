//! Swapping a freshly restored database in for its target, and dropping
//! what an incomplete restore left behind.

use crate::catalog::Catalog;
use crate::error::EngineError;
use crate::server::connection::ConnectionSpec;
use crate::server::tools::ToolSearch;
use crate::server::Server;

/// How far a failed swap got.
pub(super) enum SwapError {
    /// The target still has its name and data.
    Untouched(EngineError),
    /// The target was renamed aside and could not be put back.
    Halfway(EngineError),
}

impl SwapError {
    pub(super) fn cause(&self) -> &EngineError {
        match self {
            SwapError::Untouched(e) | SwapError::Halfway(e) => e,
        }
    }
}

/// Drops the database an incomplete restore left behind (`conn` gives the
/// server and credentials; the database is the record's) and clears its
/// mark. Run from the maintenance database, never from that one.
pub async fn drop_incomplete_restore(
    catalog: &Catalog,
    id: &str,
    conn: &ConnectionSpec,
    search: &ToolSearch,
) -> Result<String, EngineError> {
    let record = catalog.get_restore(id)?;
    if !record.incomplete {
        return Err(EngineError::InvalidOptions(format!(
            "the restore into \"{}\" is not marked incomplete: nothing to drop",
            record.database
        )));
    }
    let found = crate::server::tools::discover(search);
    let psql = crate::server::tools::psql(&found, search)?;
    let maintenance = maintenance_server(&psql, conn, &record.database).await?;
    let env = maintenance.tool_env("tusk-drop")?;
    Server::new(&psql, &maintenance, &env)
        .query_work(
            "DROP DATABASE IF EXISTS :\"db\" WITH (FORCE)",
            &[("db", &record.database)],
        )
        .await?;
    catalog.dismiss_restore(id)?;
    Ok(record.database)
}

/// A connection to `postgres` (else `template1`) on `conn`'s server, for
/// work on the database `other`.
pub(super) async fn maintenance_server(
    psql: &std::path::Path,
    conn: &ConnectionSpec,
    other: &str,
) -> Result<ConnectionSpec, EngineError> {
    for db in ["postgres", "template1"] {
        if db == other {
            continue;
        }
        let candidate = conn.with_database(db);
        let env = candidate.tool_env("tusk-maintenance")?;
        if Server::new(psql, &candidate, &env).info().await.is_ok() {
            return Ok(candidate);
        }
    }
    Err(EngineError::Preflight(
        "neither the postgres nor the template1 database accepts this connection, so no other database can be changed from it".into(),
    ))
}

/// `target` → `keep_as`, `temp` → `target`, after closing other sessions on
/// `target` (the user confirmed the swap). Run from the maintenance database
/// (`postgres`, else `template1`), never from either of the two.
pub(super) async fn swap_in(
    psql: &std::path::Path,
    conn: &ConnectionSpec,
    temp: &str,
    target: &str,
    keep_as: &str,
) -> Result<(), SwapError> {
    let maintenance = maintenance_server(psql, conn, target)
        .await
        .map_err(SwapError::Untouched)?;
    let env = maintenance
        .tool_env("tusk-swap")
        .map_err(SwapError::Untouched)?;
    let server = Server::new(psql, &maintenance, &env);
    server
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'target' AND pid <> pg_backend_pid()",
            &[("target", target)],
        )
        .await
        .map_err(SwapError::Untouched)?;
    rename_database(&server, target, keep_as)
        .await
        .map_err(SwapError::Untouched)?;
    if let Err(e) = rename_database(&server, temp, target).await {
        // Put the original back: never leave the target missing.
        return match rename_database(&server, keep_as, target).await {
            Ok(()) => Err(SwapError::Untouched(e)),
            Err(_) => Err(SwapError::Halfway(e)),
        };
    }
    Ok(())
}

pub(super) async fn rename_database(
    server: &Server<'_>,
    from: &str,
    to: &str,
) -> Result<(), EngineError> {
    server
        .query(
            "ALTER DATABASE :\"from\" RENAME TO :\"to\"",
            &[("from", from), ("to", to)],
        )
        .await
        .map(|_| ())
}
