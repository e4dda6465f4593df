//! A webhook: one JSON POST per message, to a URL that is its own
//! credential (Slack's, Mattermost's, a monitoring service's).

use super::{chain, Message, SEND_TIMEOUT};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Webhook {
    pub format: WebhookFormat,
}

/// The body sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum WebhookFormat {
    /// The message's fields as JSON (`event`, `title`, `text`, `schedule`, …).
    #[default]
    Json,
    /// `{"text": …}`, as Slack's incoming webhooks (and Mattermost,
    /// Rocket.Chat, Discord's `/slack` URLs) take it.
    Slack,
}

impl WebhookFormat {
    pub fn label(self) -> &'static str {
        match self {
            WebhookFormat::Json => "JSON",
            WebhookFormat::Slack => "Slack",
        }
    }
}

/// Refuses what is not an http(s) URL, saying what to do.
pub fn check_url(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        format!("the webhook URL is not a URL ({e}): copy it again from the service, starting with https://")
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "the webhook URL starts with `{}:`: it must be an https:// (or http://) URL",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("the webhook URL has no host: copy it again from the service".into());
    }
    Ok(parsed)
}

/// The host (and port) of a webhook URL: what may be shown of it.
pub(super) fn host_of(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => "a URL with no host".into(),
        },
        Err(_) => "an invalid URL".into(),
    }
}

fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn body(format: WebhookFormat, m: &Message) -> Result<Vec<u8>, String> {
    let value = match format {
        WebhookFormat::Json => serde_json::to_value(m),
        WebhookFormat::Slack => {
            let mut text = format!("*{}*\n{}", slack_escape(&m.title), slack_escape(&m.text));
            for (label, value) in m.details() {
                text.push_str(&format!("\n*{label}:* {}", slack_escape(&value)));
            }
            Ok(serde_json::json!({ "text": text }))
        }
    };
    value
        .and_then(|v| serde_json::to_vec(&v))
        .map_err(|e| format!("the message could not be written as JSON: {e}"))
}

pub(super) async fn send(w: &Webhook, url: Option<&Secret>, m: &Message) -> Result<(), String> {
    let url = check_url(url.map(Secret::expose).unwrap_or_default())?;
    let host = host_of(url.as_str());
    // reqwest leaves the choice of TLS implementation to the program: ring's,
    // as for the buckets (storage::bucket).
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        // A POST redirected is replayed as a GET, and lost: say so instead.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Tusk Backup/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("the HTTP client could not start: {e}"))?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body(w.format, m)?)
        .send()
        .await
        .map_err(|e| {
            let e = e.without_url();
            if e.is_timeout() {
                format!(
                    "{host} did not answer within {} s: check that it is up",
                    SEND_TIMEOUT.as_secs()
                )
            } else if e.is_connect() {
                format!(
                    "cannot connect to {host} ({}): check the URL and this machine's network",
                    chain(&e)
                )
            } else {
                format!("the message to {host} was not delivered: {}", chain(&e))
            }
        })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(host_of);
    let said: String = response
        .text()
        .await
        .unwrap_or_default()
        .trim()
        .chars()
        .take(300)
        .collect();
    let hint = match status.as_u16() {
        300..=399 => format!(
            "the URL redirects{}: enter the final URL the service gives",
            location.map(|l| format!(" to {l}")).unwrap_or_default()
        ),
        401 | 403 => "the service refused the URL's credentials: copy the webhook URL again (it may have been revoked)".into(),
        404 | 410 => "there is no webhook at this URL (removed, or mistyped): copy it again from the service".into(),
        400 | 422 if w.format == WebhookFormat::Json => "the service did not take the JSON body: for Slack, Mattermost or Discord's /slack URLs, choose the Slack format".into(),
        400 | 422 => "the service did not take the message: check that the URL is a Slack-compatible incoming webhook".into(),
        429 => "the service limits how often it takes messages: the next run notifies again".into(),
        _ if status.is_server_error() => "the service failed on its side: try again later".into(),
        _ => "check the webhook URL".into(),
    };
    Err(format!(
        "{host} answered {status}{}: {hint}",
        if said.is_empty() {
            String::new()
        } else {
            format!(" (“{said}”)")
        }
    ))
}
