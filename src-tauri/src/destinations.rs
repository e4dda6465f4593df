//! The app's S3-compatible destinations, saved without their secrets in the
//! app's config folder; each secret access key, and the passphrase backups
//! are encrypted with, go to the OS keychain (else are kept for the session).

use crate::error::{AppError, AppResult};
use crate::secrets::{
    read_private_json, write_private_json, Keychain, PasswordStorage, SecretStore,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tusk_engine::storage::{Bucket, Credentials, S3Destination, TestStep};
use tusk_engine::Secret;

/// A destination as the app lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedDestination {
    pub destination: S3Destination,
    /// Where its secret access key is.
    pub secret_storage: PasswordStorage,
}

/// What the Destinations view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct DestinationsView {
    pub destinations: Vec<SavedDestination>,
    /// Where the passphrase that encrypts backups is (`none`: not set).
    pub encryption_passphrase: PasswordStorage,
    /// Where the private key (age identity) that decrypts backups made to
    /// its public key is (`none`: not set).
    pub encryption_identity: PasswordStorage,
    /// The public keys (`age1…`) of the saved private key: what to give
    /// `tusk backup --recipient` so that this app can read the backups.
    pub identity_recipients: Vec<String>,
}

/// What the destination form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct SaveDestination {
    /// The name it had, when an existing destination is edited.
    pub original_name: Option<String>,
    pub destination: S3Destination,
    /// `None` keeps the stored secret.
    pub secret: Option<String>,
}

const PASSPHRASE_ID: &str = tusk_engine::crypt::PASSPHRASE_KEYCHAIN_ID;
const IDENTITY_ID: &str = "encryption:identity";

fn secret_id(name: &str) -> String {
    format!("destination:{name}")
}

pub struct Destinations {
    path: PathBuf,
    view: Mutex<DestinationsView>,
    secrets: SecretStore,
}

impl Destinations {
    /// Loads `path` (a missing file is no destinations yet).
    pub fn load(path: PathBuf, keychain: Box<dyn Keychain>) -> AppResult<Destinations> {
        Ok(Destinations {
            view: Mutex::new(read_private_json(&path)?),
            path,
            secrets: SecretStore::new(keychain),
        })
    }

    /// None yet, to be saved at `path`.
    pub fn empty(path: PathBuf, keychain: Box<dyn Keychain>) -> Destinations {
        Destinations {
            path,
            view: Mutex::new(DestinationsView::default()),
            secrets: SecretStore::new(keychain),
        }
    }

    pub fn view(&self) -> DestinationsView {
        self.view.lock().expect("destinations lock").clone()
    }

    fn find(&self, name: &str) -> AppResult<SavedDestination> {
        self.view()
            .destinations
            .into_iter()
            .find(|d| d.destination.name == name)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "no destination named `{name}`: it may have been removed; add it again under Destinations"
                ))
            })
    }

    /// Adds or changes a destination (renaming moves its secret).
    pub fn save(&self, input: SaveDestination) -> AppResult<DestinationsView> {
        let mut dest = input.destination;
        dest.name = dest.name.trim().to_string();
        dest.validate()?;
        let original = input
            .original_name
            .clone()
            .unwrap_or_else(|| dest.name.clone());
        let mut view = self.view.lock().expect("destinations lock");
        let renamed_or_new = dest.name != original || input.original_name.is_none();
        if renamed_or_new
            && view
                .destinations
                .iter()
                .any(|d| d.destination.name == dest.name)
        {
            return Err(AppError::Invalid(format!(
                "a destination named `{}` already exists: choose another name",
                dest.name
            )));
        }
        let existing = view
            .destinations
            .iter()
            .position(|d| d.destination.name == original && input.original_name.is_some());
        let storage = self.secrets.carry(
            &secret_id(&original),
            &secret_id(&dest.name),
            existing.map_or(PasswordStorage::None, |i| {
                view.destinations[i].secret_storage
            }),
            input.secret,
        );
        if storage == PasswordStorage::None {
            return Err(AppError::Invalid(format!(
                "enter the secret access key of `{}`",
                dest.name
            )));
        }
        let saved = SavedDestination {
            destination: dest,
            secret_storage: storage,
        };
        match existing {
            Some(i) => view.destinations[i] = saved,
            None => view.destinations.push(saved),
        }
        view.destinations
            .sort_by(|a, b| a.destination.name.cmp(&b.destination.name));
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    pub fn remove(&self, name: &str) -> AppResult<DestinationsView> {
        let mut view = self.view.lock().expect("destinations lock");
        let before = view.destinations.len();
        view.destinations.retain(|d| d.destination.name != name);
        if view.destinations.len() == before {
            return Err(AppError::Invalid(format!("no destination named `{name}`")));
        }
        self.secrets.forget(&secret_id(name));
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    /// The bucket of a saved destination, with its secret.
    pub fn bucket(&self, name: &str) -> AppResult<Arc<Bucket>> {
        let saved = self.find(name)?;
        let secret = self
            .secrets
            .get(&secret_id(name), saved.secret_storage)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "the secret access key of `{name}` is not saved (it was kept for the last session only): edit the destination and enter it again"
                ))
            })?;
        open(&saved.destination, secret)
    }

    /// Writes, reads back and deletes a probe object with what the form
    /// holds (the stored secret when the form leaves it empty).
    pub async fn test(&self, input: SaveDestination) -> AppResult<Vec<TestStep>> {
        let secret = match input.secret.filter(|s| !s.is_empty()) {
            Some(s) => s,
            None => {
                let name = input
                    .original_name
                    .clone()
                    .unwrap_or_else(|| input.destination.name.clone());
                let storage = self.find(&name).map(|d| d.secret_storage)?;
                self.secrets
                    .get(&secret_id(&name), storage)
                    .ok_or_else(|| {
                        AppError::Invalid("enter the secret access key to test".into())
                    })?
            }
        };
        let bucket = open(&input.destination, secret)?;
        Ok(bucket.test().await)
    }

    /// Saves (or with `None`, forgets) the passphrase backups are encrypted with.
    pub fn set_passphrase(&self, passphrase: Option<String>) -> AppResult<DestinationsView> {
        let mut view = self.view.lock().expect("destinations lock");
        match passphrase {
            Some(p) if p.chars().count() < 8 => {
                return Err(AppError::Invalid(
                    "the passphrase is shorter than 8 characters: choose a longer one (it is all that protects the backups)".into(),
                ))
            }
            Some(p) => view.encryption_passphrase = self.secrets.store(PASSPHRASE_ID, &p),
            None => {
                self.secrets.forget(PASSPHRASE_ID);
                view.encryption_passphrase = PasswordStorage::None;
            }
        }
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    /// The passphrase backups are encrypted with, if one is saved.
    pub fn passphrase(&self) -> Option<Secret> {
        let storage = self.view().encryption_passphrase;
        self.secrets.get(PASSPHRASE_ID, storage).map(Secret::new)
    }

    /// Saves (or with `None`, forgets) the private key that decrypts
    /// backups encrypted to its public key (`age-keygen`'s file, or its
    /// `AGE-SECRET-KEY-1…` line).
    pub fn set_identity(&self, identity: Option<String>) -> AppResult<DestinationsView> {
        let mut view = self.view.lock().expect("destinations lock");
        match identity {
            Some(text) => {
                let parsed = tusk_engine::crypt::parse_identities(&text)?;
                view.identity_recipients = parsed.into_iter().map(|(_, public)| public).collect();
                view.encryption_identity = self.secrets.store(IDENTITY_ID, text.trim());
            }
            None => {
                self.secrets.forget(IDENTITY_ID);
                view.encryption_identity = PasswordStorage::None;
                view.identity_recipients.clear();
            }
        }
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    /// The saved private keys, if any.
    fn identities(&self) -> Vec<tusk_engine::crypt::Identity> {
        let storage = self.view().encryption_identity;
        self.secrets
            .get(IDENTITY_ID, storage)
            .and_then(|text| tusk_engine::crypt::parse_identities(&text).ok())
            .map(|ids| ids.into_iter().map(|(id, _)| id).collect())
            .unwrap_or_default()
    }

    /// What decrypts backups here: the saved passphrase or private key,
    /// whichever a backup needs; `None` when neither is saved.
    pub fn decrypt_key(&self) -> Option<tusk_engine::crypt::Decrypt> {
        let passphrase = self.passphrase();
        let identities = self.identities();
        (passphrase.is_some() || !identities.is_empty()).then_some(
            tusk_engine::crypt::Decrypt::Either {
                passphrase,
                identities,
            },
        )
    }
}

fn open(dest: &S3Destination, secret: String) -> AppResult<Arc<Bucket>> {
    let creds = Credentials {
        access_key_id: dest.access_key_id.clone(),
        secret_access_key: Secret::new(secret),
    };
    Ok(Arc::new(Bucket::open(dest, &creds)?))
}

impl tusk_engine::schedule::runner::Buckets for Destinations {
    fn bucket(&self, name: &str) -> Result<Arc<Bucket>, tusk_engine::EngineError> {
        Destinations::bucket(self, name)
            .map_err(|e| tusk_engine::EngineError::InvalidOptions(e.to_string()))
    }
}
