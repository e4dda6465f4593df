//! Notifications beyond the desktop: a webhook (a JSON POST, or the body
//! Slack's incoming webhooks take) and e-mail through an SMTP server with
//! TLS. A channel's secret (the webhook's URL, which is its credential, or
//! the SMTP password) is kept by the app's keychain or the CLI's config and
//! given to [`send`] for one message; no error or log line carries it.

mod email;
mod webhook;

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use email::{Email, SmtpSecurity};
pub use webhook::{check_url as check_webhook_url, Webhook, WebhookFormat};

/// How long one message may take to be delivered (connecting included).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// A named way to reach the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub name: String,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Via {
    Webhook(Webhook),
    Email(Email),
}

impl Channel {
    /// Refuses a channel that could never deliver, before it is saved.
    pub fn validate(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("give the notification channel a name".into());
        }
        if name.chars().any(char::is_control) {
            return Err(format!(
                "the channel name `{}` has control characters: use letters, digits, spaces or dashes",
                name.escape_debug()
            ));
        }
        match &self.via {
            Via::Webhook(_) => Ok(()),
            Via::Email(e) => e.validate(),
        }
    }

    /// Whether sending needs a secret: a webhook always (its URL), e-mail
    /// when the server wants a user name.
    pub fn needs_secret(&self) -> bool {
        match &self.via {
            Via::Webhook(_) => true,
            Via::Email(e) => e.username.as_deref().is_some_and(|u| !u.is_empty()),
        }
    }

    /// "webhook (Slack) to hooks.slack.com", "e-mail to ops@example.com via
    /// smtp.example.com:587": what the channel is, without its secret.
    pub fn describe(&self, secret: Option<&Secret>) -> String {
        match &self.via {
            Via::Webhook(w) => {
                let host = secret
                    .map(|s| webhook::host_of(s.expose()))
                    .unwrap_or_else(|| "a URL not saved".into());
                format!("webhook ({}) to {host}", w.format.label())
            }
            Via::Email(e) => format!("e-mail to {} via {}:{}", e.to.join(", "), e.host, e.port()),
        }
    }
}

/// Where the runner finds a channel named by a schedule, with its secret:
/// the CLI's config file, the app's saved channels.
pub trait Channels: Send + Sync {
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>), String>;
}

/// No channels (a runner whose schedules notify on the desktop only).
pub struct NoChannels;

impl Channels for NoChannels {
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>), String> {
        Err(format!(
            "no notification channel named “{name}” is set up here"
        ))
    }
}

/// What happened, for the receiving end to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Event {
    #[serde(rename = "backup.failed")]
    Failed,
    #[serde(rename = "backup.succeeded")]
    Succeeded,
    #[serde(rename = "test")]
    Test,
}

/// One notification: the JSON webhook's body as it is sent, and what the
/// Slack text and the e-mail are made of.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub event: Event,
    pub title: String,
    /// What happened, in a sentence or two (the error when it failed).
    pub text: String,
    pub schedule: Option<String>,
    pub database: Option<String>,
    /// `host:port` of the server backed up.
    pub server: Option<String>,
    /// The backup file (or bucket object) made.
    pub backup: Option<String>,
    pub at: DateTime<Utc>,
    /// The machine Tusk runs on.
    pub machine: String,
}

impl Message {
    /// The message "Send test" sends through `channel`.
    pub fn test(channel: &str) -> Message {
        Message {
            event: Event::Test,
            title: format!("Tusk Backup: test of “{channel}”"),
            text: format!(
                "This is a test from Tusk Backup on {}. Schedules that notify through “{channel}” will send their failures (or every run) like this.",
                machine_name()
            ),
            schedule: None,
            database: None,
            server: None,
            backup: None,
            at: Utc::now(),
            machine: machine_name(),
        }
    }

    /// The lines an e-mail or a Slack message shows under the title.
    fn details(&self) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if let Some(s) = &self.schedule {
            lines.push(("Schedule", s.clone()));
        }
        if let Some(d) = &self.database {
            lines.push(("Database", d.clone()));
        }
        if let Some(s) = &self.server {
            lines.push(("Server", s.clone()));
        }
        if let Some(b) = &self.backup {
            lines.push(("Backup", b.clone()));
        }
        lines.push(("When", self.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()));
        lines.push(("Machine", self.machine.clone()));
        lines
    }
}

/// This machine's name, as messages say where they come from.
pub fn machine_name() -> String {
    hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this machine".into())
}

/// Why a message was not delivered, in words the user can act on; never
/// with the secret in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// Sends `message` through `channel` (with its secret), within
/// [`SEND_TIMEOUT`].
pub async fn send(
    channel: &Channel,
    secret: Option<&Secret>,
    message: &Message,
) -> Result<(), SendError> {
    channel.validate().map_err(SendError)?;
    if channel.needs_secret() && secret.is_none_or(|s| s.expose().is_empty()) {
        return Err(SendError(match channel.via {
            Via::Webhook(_) => format!(
                "the webhook URL of “{}” is not saved: edit the channel and enter it again",
                channel.name
            ),
            Via::Email(_) => format!(
                "the SMTP password of “{}” is not saved: edit the channel and enter it again",
                channel.name
            ),
        }));
    }
    let sending = async {
        match &channel.via {
            Via::Webhook(w) => webhook::send(w, secret, message).await,
            Via::Email(e) => email::send(e, secret, message).await,
        }
    };
    let result = match tokio::time::timeout(SEND_TIMEOUT, sending).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "no answer within {} s from {}: check that the server is up and reachable from this machine",
            SEND_TIMEOUT.as_secs(),
            channel.describe(secret)
        )),
    };
    result.map_err(|why| SendError(redact(&why, secret)))
}

/// An error with its causes, each said once (reqwest's and lettre's own
/// words stop at "error sending request").
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut words = e.to_string();
    let mut cause = e.source();
    while let Some(next) = cause {
        let more = next.to_string();
        if !words.contains(&more) {
            words = format!("{words}: {more}");
        }
        cause = next.source();
    }
    words
}

/// The innermost cause's own words ("invalid peer certificate:
/// UnknownIssuer"), without the "Connection error:" wrappers lettre puts
/// around it.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let words = cause.to_string();
    match words.rsplit_once("Connection error: ") {
        Some((_, rest)) => rest.to_string(),
        None => words,
    }
}

/// `text` with the secret (and, for a URL, its path and query) masked.
fn redact(text: &str, secret: Option<&Secret>) -> String {
    match secret.map(Secret::expose).filter(|s| s.len() >= 4) {
        Some(s) => text.replace(s, "********"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message {
            event: Event::Failed,
            title: "Scheduled backup “nightly” failed".into(),
            text: "pg_dump: error: connection refused".into(),
            schedule: Some("nightly".into()),
            database: Some("shop".into()),
            server: Some("db.example.com:5432".into()),
            backup: None,
            at: DateTime::parse_from_rfc3339("2026-12-06T02:30:00Z")
                .unwrap()
                .with_timezone(&Utc),
            machine: "laptop".into(),
        }
    }

    #[test]
    fn the_json_body_names_the_event_and_the_schedule() {
        let body: serde_json::Value =
            serde_json::from_slice(&webhook::body(WebhookFormat::Json, &message()).unwrap())
                .unwrap();
        assert_eq!(body["event"], "backup.failed");
        assert_eq!(body["schedule"], "nightly");
        assert_eq!(body["server"], "db.example.com:5432");
        assert_eq!(body["at"], "2026-12-06T02:30:00Z");
        let slack: serde_json::Value =
            serde_json::from_slice(&webhook::body(WebhookFormat::Slack, &message()).unwrap())
                .unwrap();
        let text = slack["text"].as_str().unwrap();
        assert!(text.starts_with("*Scheduled backup “nightly” failed*\n"));
        assert!(text.contains("pg_dump: error: connection refused"));
        assert!(text.contains("*Database:* shop"));
    }

    #[test]
    fn slack_text_escapes_what_slack_would_read_as_markup() {
        let mut m = message();
        m.text = "relation \"a<b>&c\" does not exist".into();
        let slack: serde_json::Value =
            serde_json::from_slice(&webhook::body(WebhookFormat::Slack, &m).unwrap()).unwrap();
        assert!(slack["text"]
            .as_str()
            .unwrap()
            .contains("relation \"a&lt;b&gt;&amp;c\" does not exist"));
    }

    #[test]
    fn errors_never_carry_the_secret() {
        let secret = Secret::new("https://hooks.example.com/T000/B000/XXXXsecretXXXX");
        let text = format!("cannot reach {}: refused", secret.expose());
        assert_eq!(
            redact(&text, Some(&secret)),
            "cannot reach ********: refused"
        );
    }

    #[test]
    fn a_channel_is_checked_before_it_is_saved() {
        let mut email = Email {
            host: "smtp.example.com".into(),
            port: None,
            security: SmtpSecurity::StartTls,
            username: None,
            from: "Tusk <tusk@example.com>".into(),
            to: vec!["ops@example.com".into()],
            ca_certificate: None,
        };
        let channel = |e: &Email| Channel {
            name: "ops".into(),
            via: Via::Email(e.clone()),
        };
        assert_eq!(channel(&email).validate(), Ok(()));
        assert_eq!(email.port(), 587);
        email.to = vec!["not an address".into()];
        assert!(channel(&email)
            .validate()
            .unwrap_err()
            .contains("`not an address` is not an e-mail address"));
        email.to.clear();
        assert!(channel(&email).validate().unwrap_err().contains("who"));
        email.to = vec!["ops@example.com".into()];
        email.host = " ".into();
        assert!(channel(&email)
            .validate()
            .unwrap_err()
            .contains("SMTP server"));
    }
}
