//! Secrets the app keeps for the user (connection passwords, bucket secret
//! keys, the encryption passphrase): in the OS keychain where there is one,
//! else for this session only. Never in a file.

use serde::{Deserialize, Serialize};
pub use tusk_engine::server::secrets::{Keychain, NoKeychain, OsKeychain};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PasswordStorage {
    Keychain,
    /// Remembered until the app quits (no keychain available).
    Session,
    #[default]
    None,
}

pub struct SecretStore {
    keychain: Box<dyn Keychain>,
    session: dashmap::DashMap<String, String>,
}

impl SecretStore {
    pub fn new(keychain: Box<dyn Keychain>) -> SecretStore {
        SecretStore {
            keychain,
            session: dashmap::DashMap::new(),
        }
    }

    /// Keeps `secret` under `id`: in the keychain, else for the session.
    pub fn store(&self, id: &str, secret: &str) -> PasswordStorage {
        match self.keychain.set(id, secret) {
            Ok(()) => {
                self.session.remove(id);
                PasswordStorage::Keychain
            }
            Err(_) => {
                self.session.insert(id.to_string(), secret.to_string());
                PasswordStorage::Session
            }
        }
    }

    /// The secret under `id`, where `storage` says it is.
    pub fn get(&self, id: &str, storage: PasswordStorage) -> Option<String> {
        match storage {
            PasswordStorage::Keychain => self.keychain.get(id),
            PasswordStorage::Session => self.session.get(id).map(|s| s.clone()),
            PasswordStorage::None => None,
        }
    }

    pub fn forget(&self, id: &str) {
        self.keychain.delete(id);
        self.session.remove(id);
    }
}

/// Writes `value` as JSON to `path` (readable by the user only), through a
/// temporary file so that a crash never leaves half a file.
pub fn write_private_json<T: Serialize>(
    path: &std::path::Path,
    value: &T,
) -> crate::error::AppResult<()> {
    let storage = |e: std::io::Error| crate::error::AppError::Storage {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let folder = path.parent().unwrap_or(std::path::Path::new("."));
    tusk_engine::paths::private_dir(folder).map_err(storage)?;
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(storage)?;
    serde_json::to_writer_pretty(&mut file, value).map_err(|e| storage(e.into()))?;
    file.persist(path).map_err(|e| storage(e.error))?;
    Ok(())
}
