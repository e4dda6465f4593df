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

    /// Where the secret of an item saved as `new_id` (`old_id` before, the
    /// same unless it was renamed) is now: `given` replaces the one kept
    /// where `storage` says; else a renamed item's secret moves with it.
    pub fn carry(
        &self,
        old_id: &str,
        new_id: &str,
        storage: PasswordStorage,
        given: Option<String>,
    ) -> PasswordStorage {
        match given.filter(|s| !s.is_empty()) {
            Some(secret) => {
                self.forget(old_id);
                self.store(new_id, &secret)
            }
            None if new_id != old_id => match self.get(old_id, storage) {
                Some(secret) => {
                    self.forget(old_id);
                    self.store(new_id, &secret)
                }
                None => storage,
            },
            None => storage,
        }
    }
}

/// The JSON of `path` (a missing file is `T::default()`); an unreadable one
/// is an error naming the file.
pub fn read_private_json<T: serde::de::DeserializeOwned + Default>(
    path: &std::path::Path,
) -> crate::error::AppResult<T> {
    let storage = |message: String| crate::error::AppError::Storage {
        path: path.display().to_string(),
        message,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| storage(format!("it is not valid JSON ({e}); fix or remove it"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(storage(e.to_string())),
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
