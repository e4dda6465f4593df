//! Connection profiles: saved in the app's config folder without passwords.
//! A password goes to the OS keychain where there is one, else it is kept for
//! this session only; without either, libpq's `~/.pgpass` and environment
//! still apply.

use crate::error::{AppError, AppResult};
use crate::secrets::{write_private_json, SecretStore};
pub use crate::secrets::{Keychain, NoKeychain, OsKeychain, PasswordStorage};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Mutex;
use tusk_engine::{ConnectionSpec, Secret};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionProfile {
    pub id: String,
    pub name: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sslmode: Option<String>,
    pub password_storage: PasswordStorage,
    pub is_demo: bool,
}

/// What the connection form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct SaveConnection {
    /// `None` creates a new profile.
    pub id: Option<String>,
    pub name: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sslmode: Option<String>,
    /// `None` keeps the stored password.
    pub password: Option<String>,
    pub forget_password: bool,
}

pub struct Profiles {
    path: PathBuf,
    list: Mutex<Vec<ConnectionProfile>>,
    secrets: SecretStore,
}

impl Profiles {
    /// Loads `path` (a missing file is no profiles yet).
    pub fn load(path: PathBuf, keychain: Box<dyn Keychain>) -> AppResult<Profiles> {
        let list = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| AppError::Storage {
                path: path.display().to_string(),
                message: format!("it is not valid JSON ({e}); fix or remove it"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(AppError::Storage {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        Ok(Profiles {
            path,
            list: Mutex::new(list),
            secrets: SecretStore::new(keychain),
        })
    }

    pub fn list(&self) -> Vec<ConnectionProfile> {
        self.list.lock().expect("profiles lock").clone()
    }

    pub fn get(&self, id: &str) -> AppResult<ConnectionProfile> {
        self.list()
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| AppError::UnknownConnection(id.to_string()))
    }

    pub fn save(&self, input: SaveConnection) -> AppResult<ConnectionProfile> {
        if input.name.trim().is_empty() {
            return Err(AppError::Invalid("give the connection a name".into()));
        }
        let spec = spec_of(
            &input.host,
            input.port,
            &input.database,
            &input.user,
            &input.sslmode,
        );
        spec.validate()?;
        let existing = match &input.id {
            Some(id) => Some(self.get(id)?),
            None => None,
        };
        let id = input
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut storage = existing
            .as_ref()
            .map_or(PasswordStorage::None, |p| p.password_storage);
        if input.forget_password {
            self.forget(&id);
            storage = PasswordStorage::None;
        }
        if let Some(password) = input.password.filter(|p| !p.is_empty()) {
            storage = self.secrets.store(&id, &password);
        }
        let profile = ConnectionProfile {
            id: id.clone(),
            name: input.name.trim().to_string(),
            host: input.host,
            port: input.port,
            database: input.database,
            user: input.user,
            sslmode: input.sslmode,
            password_storage: storage,
            is_demo: existing.is_some_and(|p| p.is_demo),
        };
        self.upsert(profile.clone())?;
        Ok(profile)
    }

    fn forget(&self, id: &str) {
        self.secrets.forget(id);
    }

    /// Adds or replaces a profile and writes the file.
    pub fn upsert(&self, profile: ConnectionProfile) -> AppResult<()> {
        let mut list = self.list.lock().expect("profiles lock");
        match list.iter_mut().find(|p| p.id == profile.id) {
            Some(slot) => *slot = profile,
            None => list.push(profile),
        }
        self.write(&list)
    }

    pub fn delete(&self, id: &str) -> AppResult<()> {
        let mut list = self.list.lock().expect("profiles lock");
        let before = list.len();
        list.retain(|p| p.id != id);
        if list.len() == before {
            return Err(AppError::UnknownConnection(id.to_string()));
        }
        self.forget(id);
        self.write(&list)
    }

    fn write(&self, list: &[ConnectionProfile]) -> AppResult<()> {
        write_private_json(&self.path, &list)
    }

    /// The profile named `name` made from a libpq URL (`TUSK_DATABASE_URL`),
    /// created or updated; its password goes where every password goes.
    pub fn upsert_from_url(&self, name: &str, url: &str) -> AppResult<ConnectionProfile> {
        let spec = ConnectionSpec::from_url(url)?;
        let existing = self.list().into_iter().find(|p| p.name == name);
        self.save(SaveConnection {
            id: existing.map(|p| p.id),
            name: name.into(),
            host: spec.host,
            port: spec.port,
            database: spec.database,
            user: spec.user,
            sslmode: spec.sslmode,
            password: spec.password.map(|p| p.expose().to_string()),
            forget_password: false,
        })
    }

    /// The connection with its password, ready for the engine.
    pub fn connection(&self, id: &str) -> AppResult<ConnectionSpec> {
        let p = self.get(id)?;
        let mut spec = spec_of(&p.host, p.port, &p.database, &p.user, &p.sslmode);
        spec.password = self.secrets.get(id, p.password_storage).map(Secret::new);
        Ok(spec)
    }
}

fn spec_of(
    host: &Option<String>,
    port: Option<u16>,
    database: &Option<String>,
    user: &Option<String>,
    sslmode: &Option<String>,
) -> ConnectionSpec {
    let clean = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    ConnectionSpec {
        host: clean(host),
        port,
        database: clean(database),
        user: clean(user),
        password: None,
        sslmode: clean(sslmode),
        ..Default::default()
    }
}
