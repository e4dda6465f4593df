//! `~/.config/tusk/config.toml`: the tools folder, named remotes
//! (`--remote staging`) and named bucket destinations (`--dest offsite`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tusk_engine::notify::{self, Channel, Email, SmtpSecurity, Via, Webhook, WebhookFormat};
use tusk_engine::storage::{Credentials, S3Destination};
use tusk_engine::{ConnectionSpec, EngineError, Secret, ToolSearch};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder holding pg_dump, pg_restore and psql to use instead of searching.
    pub pg_bin: Option<PathBuf>,
    /// More folders of tools, searched before PATH and the usual places
    /// (e.g. `tools_folders = ["/opt/pg17/bin"]`).
    #[serde(default)]
    pub tools_folders: Vec<PathBuf>,
    /// Where a backup made without `-o` goes (`tusk backup create`): a
    /// dated file in this folder (default: `backups/<remote or database>` in
    /// Tusk's data folder).
    pub backups_folder: Option<PathBuf>,
    #[serde(default)]
    pub remotes: BTreeMap<String, Remote>,
    #[serde(default)]
    pub destinations: BTreeMap<String, Destination>,
    /// Where schedules send their notifications (`--notify-via NAME`).
    #[serde(default)]
    pub notifications: BTreeMap<String, Notification>,
    /// The file this was read from, or would be written to.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// A named S3-compatible bucket. The secret may be kept here (the file is
/// then readable by its owner only) or come from AWS_SECRET_ACCESS_KEY or
/// `--secret-stdin`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub bucket: String,
    #[serde(default)]
    pub prefix: String,
    /// Default: path-style with an endpoint, virtual-host on AWS.
    pub path_style: Option<bool>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// A notification channel: a webhook (`webhook_url`) or e-mail
/// (`smtp_host`). Its secret (the webhook's URL, the SMTP password) is kept
/// here (the file is then readable by its owner only) or in the environment
/// variable `webhook_url_env` / `password_env` names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub webhook_url: Option<String>,
    pub webhook_url_env: Option<String>,
    /// `json` (default) or `slack`.
    pub format: Option<WebhookFormat>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    pub security: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub password_env: Option<String>,
    pub from: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    /// A CA certificate (PEM) to trust, for a server with its own certificate.
    pub ca_certificate: Option<PathBuf>,
}

impl Notification {
    /// The channel it describes, its secret, and where the secret is from.
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>, SecretSource), String> {
        let from_env = |var: &Option<String>| {
            var.as_deref()
                .and_then(|v| std::env::var(v).ok())
                .filter(|v| !v.is_empty())
                .map(Secret::new)
        };
        let kept = |value: &Option<String>, env: &Option<String>| match (
            value.clone().filter(|v| !v.is_empty()),
            from_env(env),
        ) {
            (Some(v), _) => (Some(Secret::new(v)), SecretSource::ConfigFile),
            (None, Some(v)) => (Some(v), SecretSource::Environment),
            (None, None) => (None, SecretSource::Missing),
        };
        let webhook = self.webhook_url.is_some() || self.webhook_url_env.is_some();
        let (via, (secret, source)) = match (webhook, &self.smtp_host) {
            (true, Some(_)) => {
                return Err(format!(
                    "[notifications.{name}] has both a webhook_url and an smtp_host: a channel is one or the other, make two"
                ))
            }
            (false, None) => {
                return Err(format!(
                    "[notifications.{name}] says neither where to send: set webhook_url (or webhook_url_env) for a webhook, or smtp_host, from and to for e-mail"
                ))
            }
            (true, None) => {
                let kept = kept(&self.webhook_url, &self.webhook_url_env);
                if let Some(url) = &kept.0 {
                    notify::check_webhook_url(url.expose())
                        .map_err(|why| format!("[notifications.{name}]: {why}"))?;
                }
                (
                    Via::Webhook(Webhook {
                        format: self.format.unwrap_or_default(),
                    }),
                    kept,
                )
            }
            (false, Some(host)) => {
                let security = match self.security.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(format!(
                            "[notifications.{name}] security = \"{other}\": use \"starttls\" (port 587), \"tls\" (465) or \"none\""
                        ))
                    }
                };
                (
                    Via::Email(Email {
                        host: host.clone(),
                        port: self.smtp_port,
                        security,
                        username: self.username.clone(),
                        from: self.from.clone().unwrap_or_default(),
                        to: self.to.clone(),
                        ca_certificate: self.ca_certificate.clone(),
                    }),
                    kept(&self.password, &self.password_env),
                )
            }
        };
        let channel = Channel {
            name: name.to_string(),
            via,
        };
        channel
            .validate()
            .map_err(|why| format!("[notifications.{name}]: {why}"))?;
        Ok((channel, secret, source))
    }
}

/// Where a destination's secret comes from.
pub enum SecretSource {
    Stdin,
    ConfigFile,
    Environment,
    Missing,
}

/// A named connection: a URL, or fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remote {
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sslmode: Option<String>,
    /// What the remote is ("local", "staging", "production"): shown when it
    /// is backed up or restored to, so a command aimed at production says so.
    pub environment: Option<String>,
    /// Where its backups made without `-o` go (before the top-level
    /// `backups_folder`).
    pub backups_folder: Option<PathBuf>,
}

impl Config {
    /// `path`, else `$TUSK_CONFIG`, else the user's config folder; a missing
    /// default file is an empty config, a missing named file an error.
    pub fn load(path: Option<&Path>) -> Result<Config, EngineError> {
        Self::read(path, false)
    }

    /// As [`Config::load`], a missing file (named or not) being an empty
    /// config to write to: `tusk destination` creates it.
    pub fn load_for_writing(path: Option<&Path>) -> Result<Config, EngineError> {
        Self::read(path, true)
    }

    fn read(path: Option<&Path>, may_be_missing: bool) -> Result<Config, EngineError> {
        let explicit = path
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("TUSK_CONFIG").map(PathBuf::from));
        let file = match explicit.clone().or_else(default_path) {
            Some(f) => f,
            None => return Ok(Config::default()),
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && (explicit.is_none() || may_be_missing) =>
            {
                return Ok(Config {
                    file: Some(file),
                    ..Config::default()
                })
            }
            Err(e) => {
                return Err(EngineError::InvalidOptions(format!(
                    "cannot read the config file {}: {e}",
                    file.display()
                )))
            }
        };
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            EngineError::InvalidOptions(format!(
                "the config file {} is not valid: {e}",
                file.display()
            ))
        })?;
        config.file = Some(file);
        Ok(config)
    }

    /// The bucket named `name` and its credentials: the access key id from
    /// the config file or AWS_ACCESS_KEY_ID; the secret from `stdin_secret`
    /// (`--secret-stdin`), the config file, or AWS_SECRET_ACCESS_KEY.
    pub fn destination(
        &self,
        name: &str,
        stdin_secret: Option<Secret>,
    ) -> Result<(S3Destination, Credentials), EngineError> {
        let entry = self.destinations.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.destinations.keys().map(String::as_str).collect();
            EngineError::InvalidOptions(if known.is_empty() {
                format!("no destination named `{name}`: add one with `tusk destination add {name} --bucket …`")
            } else {
                format!(
                    "no destination named `{name}`; known destinations: {}",
                    known.join(", ")
                )
            })
        })?;
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let access_key_id = entry
            .access_key_id
            .clone()
            .or_else(|| env("AWS_ACCESS_KEY_ID"))
            .ok_or_else(|| {
                EngineError::InvalidOptions(format!(
                    "no access key id for `{name}`: set access_key_id in [destinations.{name}] or AWS_ACCESS_KEY_ID"
                ))
            })?;
        let (secret, _) = self.secret_of(entry, stdin_secret);
        let dest = S3Destination {
            name: name.to_string(),
            endpoint: entry.endpoint.clone().or_else(|| env("AWS_ENDPOINT_URL")),
            region: entry
                .region
                .clone()
                .or_else(|| env("AWS_REGION"))
                .or_else(|| env("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "us-east-1".into()),
            bucket: entry.bucket.clone(),
            prefix: entry.prefix.clone(),
            path_style: entry.path_style.unwrap_or(entry.endpoint.is_some()),
            access_key_id: access_key_id.clone(),
        };
        dest.validate()?;
        let secret = secret.ok_or_else(|| {
            EngineError::InvalidOptions(format!(
                "no secret access key for `{name}`: give it with --secret-stdin, AWS_SECRET_ACCESS_KEY, or secret_access_key in {}",
                self.describe_file()
            ))
        })?;
        Ok((
            dest,
            Credentials {
                access_key_id,
                secret_access_key: secret,
            },
        ))
    }

    /// The secret of `entry` and where it comes from.
    pub fn secret_of(
        &self,
        entry: &Destination,
        stdin_secret: Option<Secret>,
    ) -> (Option<Secret>, SecretSource) {
        if let Some(s) = stdin_secret {
            return (Some(s), SecretSource::Stdin);
        }
        if let Some(s) = entry.secret_access_key.clone().filter(|s| !s.is_empty()) {
            return (Some(Secret::new(s)), SecretSource::ConfigFile);
        }
        match std::env::var("AWS_SECRET_ACCESS_KEY") {
            Ok(s) if !s.is_empty() => (Some(Secret::new(s)), SecretSource::Environment),
            _ => (None, SecretSource::Missing),
        }
    }

    pub fn describe_file(&self) -> String {
        self.file
            .as_ref()
            .map_or_else(describe_default, |f| f.display().to_string())
    }

    pub fn tool_search(&self, flag: Option<PathBuf>) -> ToolSearch {
        ToolSearch {
            folder: flag.or_else(|| self.pg_bin.clone()),
            extra: self.tools_folders.clone(),
        }
    }

    pub fn remote(&self, name: &str) -> Result<ConnectionSpec, EngineError> {
        let remote = self.remotes.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.remotes.keys().map(String::as_str).collect();
            EngineError::InvalidOptions(if known.is_empty() {
                format!(
                    "no remote named `{name}`: define [remotes.{name}] in {}",
                    describe_default()
                )
            } else {
                format!(
                    "no remote named `{name}`; known remotes: {}",
                    known.join(", ")
                )
            })
        })?;
        let mut spec = match &remote.url {
            Some(url) => ConnectionSpec::from_url(url)?,
            None => ConnectionSpec::default(),
        };
        spec.host = remote.host.clone().or(spec.host);
        spec.port = remote.port.or(spec.port);
        spec.database = remote.database.clone().or(spec.database);
        spec.user = remote.user.clone().or(spec.user);
        spec.sslmode = remote.sslmode.clone().or(spec.sslmode);
        spec.validate()?;
        Ok(spec)
    }
}

impl Config {
    /// The folder a backup made without `-o` goes to: the remote's
    /// `backups_folder`, the config's, or `backups/<remote or database>` in
    /// Tusk's data folder.
    pub fn backups_folder(&self, remote: Option<&str>, database: &str) -> PathBuf {
        let own = remote
            .and_then(|r| self.remotes.get(r))
            .and_then(|r| r.backups_folder.clone());
        own.or_else(|| self.backups_folder.clone())
            .unwrap_or_else(|| {
                tusk_engine::paths::data_dir()
                    .join("backups")
                    .join(tusk_engine::paths::slug(remote.unwrap_or(database)))
            })
    }

    /// "staging (environment: production)" for a remote that names its
    /// environment.
    pub fn describe_remote(&self, name: &str) -> String {
        match self
            .remotes
            .get(name)
            .and_then(|r| r.environment.as_deref())
        {
            Some(env) if !env.trim().is_empty() => format!("{name} (environment: {env})"),
            _ => name.to_string(),
        }
    }
}

impl Config {
    /// The notification channel named `name`, with its secret and where the
    /// secret comes from; a channel that needs a secret and has none is an
    /// error saying where to put it.
    pub fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>, SecretSource), String> {
        let entry = self.notifications.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.notifications.keys().map(String::as_str).collect();
            if known.is_empty() {
                format!(
                    "no notification channel named `{name}`: define [notifications.{name}] in {}",
                    self.describe_file()
                )
            } else {
                format!(
                    "no notification channel named `{name}`; known: {}",
                    known.join(", ")
                )
            }
        })?;
        let (channel, secret, source) = entry.channel(name)?;
        if channel.needs_secret() && secret.is_none() {
            return Err(match channel.via {
                Via::Webhook(_) => format!(
                    "[notifications.{name}] has no webhook URL: set webhook_url in {}, or the variable webhook_url_env names where the daemon runs",
                    self.describe_file()
                ),
                Via::Email(_) => format!(
                    "[notifications.{name}] signs in as a user but has no password: set password in {}, or the variable password_env names where the daemon runs",
                    self.describe_file()
                ),
            });
        }
        Ok((channel, secret, source))
    }
}

impl notify::Channels for Config {
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>), String> {
        Config::channel(self, name).map(|(channel, secret, _)| (channel, secret))
    }
}

fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tusk").map(|d| d.config_dir().join("config.toml"))
}

fn describe_default() -> String {
    default_path().map_or_else(|| "the config file".into(), |p| p.display().to_string())
}
