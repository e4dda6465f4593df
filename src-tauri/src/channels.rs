//! The app's notification channels (webhooks, e-mail) that schedules notify
//! through, saved without their secrets in the app's config folder; each
//! secret (a webhook's URL, which is its credential, or an SMTP password)
//! goes to the OS keychain (else is kept for the session).

use crate::error::{AppError, AppResult};
use crate::secrets::{
    read_private_json, write_private_json, Keychain, PasswordStorage, SecretStore,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Mutex;
use tusk_engine::notify::{self, Channel, Message, Via};
use tusk_engine::Secret;

/// A channel as the app lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedChannel {
    pub channel: Channel,
    /// Where its secret is (`none` for e-mail through a relay that takes
    /// no password).
    pub secret_storage: PasswordStorage,
    /// What it is, without its secret: "webhook (Slack) to hooks.slack.com".
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ChannelsView {
    pub channels: Vec<SavedChannel>,
}

/// What the channel form sends.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SaveChannel {
    /// The name it had, when an existing channel is edited.
    #[serde(default)]
    pub original_name: Option<String>,
    pub channel: Channel,
    /// The webhook's URL or the SMTP password; `None` keeps the stored one.
    #[serde(default)]
    pub secret: Option<String>,
}

fn secret_id(name: &str) -> String {
    format!("notify:{name}")
}

fn what_secret(channel: &Channel) -> &'static str {
    match channel.via {
        Via::Webhook(_) => "the webhook URL",
        Via::Email(_) => "the SMTP password",
    }
}

/// The secret as it is kept: a webhook's URL trimmed, a password as typed
/// (its spaces are characters too).
fn secret_as_typed(channel: &Channel, secret: Option<String>) -> Option<String> {
    match channel.via {
        Via::Webhook(_) => secret.map(|s| s.trim().to_string()),
        Via::Email(_) => secret,
    }
}

pub struct Channels {
    path: PathBuf,
    view: Mutex<ChannelsView>,
    secrets: SecretStore,
}

impl Channels {
    /// Loads `path` (a missing file is no channels yet).
    pub fn load(path: PathBuf, keychain: Box<dyn Keychain>) -> AppResult<Channels> {
        Ok(Channels {
            view: Mutex::new(read_private_json(&path)?),
            path,
            secrets: SecretStore::new(keychain),
        })
    }

    /// None yet, to be saved at `path`.
    pub fn empty(path: PathBuf, keychain: Box<dyn Keychain>) -> Channels {
        Channels {
            path,
            view: Mutex::new(ChannelsView::default()),
            secrets: SecretStore::new(keychain),
        }
    }

    pub fn view(&self) -> ChannelsView {
        self.view.lock().expect("channels lock").clone()
    }

    fn find(&self, name: &str) -> AppResult<SavedChannel> {
        self.view()
            .channels
            .into_iter()
            .find(|c| c.channel.name == name)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "no notification channel named “{name}”: it may have been removed; add it again under Settings → Notifications"
                ))
            })
    }

    /// A saved channel and its secret.
    pub fn get(&self, name: &str) -> AppResult<(Channel, Option<Secret>)> {
        let saved = self.find(name)?;
        let secret = self
            .secrets
            .get(&secret_id(name), saved.secret_storage)
            .map(Secret::new);
        if saved.channel.needs_secret() && secret.is_none() {
            return Err(AppError::Invalid(format!(
                "{} of “{name}” is not saved (it was kept for the last session only): edit the channel and enter it again",
                what_secret(&saved.channel)
            )));
        }
        Ok((saved.channel, secret))
    }

    /// Adds or changes a channel (renaming moves its secret).
    pub fn save(&self, input: SaveChannel) -> AppResult<ChannelsView> {
        let mut channel = input.channel;
        channel.name = channel.name.trim().to_string();
        channel.validate().map_err(AppError::Invalid)?;
        if let (Via::Webhook(_), Some(url)) = (&channel.via, input.secret.as_deref()) {
            if !url.is_empty() {
                notify::check_webhook_url(url).map_err(AppError::Invalid)?;
            }
        }
        let original = input
            .original_name
            .clone()
            .unwrap_or_else(|| channel.name.clone());
        let mut view = self.view.lock().expect("channels lock");
        let renamed_or_new = channel.name != original || input.original_name.is_none();
        if renamed_or_new && view.channels.iter().any(|c| c.channel.name == channel.name) {
            return Err(AppError::Invalid(format!(
                "a notification channel named “{}” already exists: choose another name",
                channel.name
            )));
        }
        let existing = view
            .channels
            .iter()
            .position(|c| c.channel.name == original && input.original_name.is_some());
        let mut storage = self.secrets.carry(
            &secret_id(&original),
            &secret_id(&channel.name),
            existing.map_or(PasswordStorage::None, |i| view.channels[i].secret_storage),
            secret_as_typed(&channel, input.secret),
        );
        if !channel.needs_secret() {
            self.secrets.forget(&secret_id(&channel.name));
            storage = PasswordStorage::None;
        } else if storage == PasswordStorage::None {
            return Err(AppError::Invalid(format!(
                "enter {} of “{}”",
                what_secret(&channel),
                channel.name
            )));
        }
        let secret = self
            .secrets
            .get(&secret_id(&channel.name), storage)
            .map(Secret::new);
        let saved = SavedChannel {
            description: channel.describe(secret.as_ref()),
            channel,
            secret_storage: storage,
        };
        match existing {
            Some(i) => view.channels[i] = saved,
            None => view.channels.push(saved),
        }
        view.channels
            .sort_by(|a, b| a.channel.name.cmp(&b.channel.name));
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    pub fn remove(&self, name: &str) -> AppResult<ChannelsView> {
        let mut view = self.view.lock().expect("channels lock");
        let before = view.channels.len();
        view.channels.retain(|c| c.channel.name != name);
        if view.channels.len() == before {
            return Err(AppError::Invalid(format!(
                "no notification channel named “{name}”"
            )));
        }
        self.secrets.forget(&secret_id(name));
        write_private_json(&self.path, &*view)?;
        Ok(view.clone())
    }

    /// Sends a test message with what the form holds (the stored secret
    /// when the form leaves it empty); returns what was sent to.
    pub async fn test(&self, input: SaveChannel) -> AppResult<String> {
        let channel = input.channel;
        channel.validate().map_err(AppError::Invalid)?;
        let secret = match secret_as_typed(&channel, input.secret).filter(|s| !s.is_empty()) {
            Some(s) => Some(Secret::new(s)),
            None if !channel.needs_secret() => None,
            None => {
                let name = input.original_name.clone().ok_or_else(|| {
                    AppError::Invalid(format!("enter {} to test", what_secret(&channel)))
                })?;
                Some(self.get(&name)?.1.ok_or_else(|| {
                    AppError::Invalid(format!("enter {} to test", what_secret(&channel)))
                })?)
            }
        };
        notify::send(&channel, secret.as_ref(), &Message::test(&channel.name))
            .await
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        Ok(channel.describe(secret.as_ref()))
    }
}

impl notify::Channels for Channels {
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>), String> {
        self.get(name).map_err(|e| e.to_string())
    }
}
