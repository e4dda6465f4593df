//! Where saved passwords live: the OS keychain (Secret Service, macOS
//! Keychain, Windows Credential Manager), keyed by connection profile id. The
//! app stores them; scheduled backups run by the CLI read them back.

/// A password store; the OS keychain in the app and the CLI, a fake in tests.
pub trait Keychain: Send + Sync {
    fn set(&self, id: &str, password: &str) -> Result<(), String>;
    fn get(&self, id: &str) -> Option<String>;
    fn delete(&self, id: &str);
}

pub struct OsKeychain;

const KEYCHAIN_SERVICE: &str = "app.tusk.backup";

impl Keychain for OsKeychain {
    fn set(&self, id: &str, password: &str) -> Result<(), String> {
        keyring::Entry::new(KEYCHAIN_SERVICE, id)
            .and_then(|e| e.set_password(password))
            .map_err(|e| e.to_string())
    }

    fn get(&self, id: &str) -> Option<String> {
        keyring::Entry::new(KEYCHAIN_SERVICE, id)
            .and_then(|e| e.get_password())
            .ok()
    }

    fn delete(&self, id: &str) {
        if let Ok(entry) = keyring::Entry::new(KEYCHAIN_SERVICE, id) {
            if let Err(e) = entry.delete_credential() {
                tracing::warn!(error = %e, "a password could not be removed from the keychain");
            }
        }
    }
}

/// No keychain: nothing is stored, nothing found (tests, headless servers
/// that rely on `~/.pgpass`).
pub struct NoKeychain;

impl Keychain for NoKeychain {
    fn set(&self, _: &str, _: &str) -> Result<(), String> {
        Err("no keychain".into())
    }
    fn get(&self, _: &str) -> Option<String> {
        None
    }
    fn delete(&self, _: &str) {}
}
