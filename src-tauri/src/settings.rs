//! The app's preferences, kept in the catalog so they follow the history.

use serde::{Deserialize, Serialize};
use tusk_engine::catalog::{Catalog, CatalogResult};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    /// Test-restore every backup made from the app right after it completes.
    pub verify_after_backup: bool,
    /// Folders of PostgreSQL tools the user added (Settings → PostgreSQL
    /// tools): searched before PATH and the usual places, by every job.
    #[cfg_attr(test, ts(type = "string[]"))]
    pub tools_folders: Vec<std::path::PathBuf>,
}

const KEY: &str = "app";

pub fn load(catalog: &Catalog) -> AppSettings {
    catalog
        .setting(KEY)
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the app's settings could not be read: the defaults apply");
            None
        })
        .unwrap_or_default()
}

pub fn save(catalog: &Catalog, settings: &AppSettings) -> CatalogResult<()> {
    catalog.set_setting(KEY, settings)
}
