//! E-mail through an SMTP server: STARTTLS (port 587) or TLS from the first
//! byte (465); plain SMTP only for a relay that takes no password.

use super::{chain, innermost, Message, SEND_TIMEOUT};
use crate::secret::Secret;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Email {
    /// The SMTP server's host name.
    pub host: String,
    /// Default: 587 with STARTTLS, 465 with TLS, 25 without.
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    /// The user name to sign in with (its password is the channel's
    /// secret); none for a relay that takes mail without signing in.
    pub username: Option<String>,
    /// The sender, `Tusk <tusk@example.com>` or `tusk@example.com`.
    pub from: String,
    pub to: Vec<String>,
    /// A certificate authority (PEM file) to trust besides the system's,
    /// for a server with a certificate of its own.
    pub ca_certificate: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SmtpSecurity {
    /// Plain at first, then TLS before anything is sent (required: a server
    /// that does not offer it is refused).
    #[default]
    StartTls,
    /// TLS from the first byte ("SMTPS").
    Tls,
    /// No encryption: only for a relay on a trusted network that takes no
    /// password.
    None,
}

fn mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim().parse::<Mailbox>().map_err(|_| {
        format!("`{}` is not an e-mail address: write it as name@example.com or Name <name@example.com>", text.trim())
    })
}

impl Email {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        })
    }

    fn username(&self) -> Option<&str> {
        self.username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("enter the SMTP server's host name (smtp.example.com)".into());
        }
        if self.port == Some(0) {
            return Err("the SMTP port must be between 1 and 65535".into());
        }
        if self.security == SmtpSecurity::None && self.username().is_some() {
            return Err("the password would cross the network unencrypted: choose STARTTLS or TLS, or leave the user name empty for a relay that needs none".into());
        }
        if self.from.trim().is_empty() {
            return Err("enter the sender's address (From)".into());
        }
        mailbox(&self.from)?;
        if self.to.iter().all(|t| t.trim().is_empty()) {
            return Err("enter who gets the e-mails (To)".into());
        }
        for to in self.to.iter().filter(|t| !t.trim().is_empty()) {
            mailbox(to)?;
        }
        if let Some(ca) = &self.ca_certificate {
            certificate(ca)?;
        }
        Ok(())
    }
}

fn certificate(path: &std::path::Path) -> Result<Certificate, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA certificate {}: {e}", path.display()))?;
    Certificate::from_pem(&pem).map_err(|e| {
        format!(
            "{} is not a PEM certificate ({e}): give the CA's certificate, the file that starts with -----BEGIN CERTIFICATE-----",
            path.display()
        )
    })
}

/// The e-mail's text: the message, then its details one a line.
fn text_of(m: &Message) -> String {
    let mut text = format!("{}\n\n", m.text);
    for (label, value) in m.details() {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str("\n-- \nSent by Tusk Backup.\n");
    text
}

pub(super) async fn send(e: &Email, password: Option<&Secret>, m: &Message) -> Result<(), String> {
    let mut mail = lettre::Message::builder()
        .from(mailbox(&e.from)?)
        .subject(m.title.clone())
        .header(ContentType::TEXT_PLAIN);
    for to in e.to.iter().filter(|t| !t.trim().is_empty()) {
        mail = mail.to(mailbox(to)?);
    }
    let mail = mail
        .body(text_of(m))
        .map_err(|why| format!("the e-mail could not be written: {why}"))?;

    let host = e.host.trim();
    let port = e.port();
    let mut tls = TlsParameters::builder(host.to_string());
    if let Some(ca) = &e.ca_certificate {
        tls = tls.add_root_certificate(certificate(ca)?);
    }
    // lettre's rustls asks for the process's provider, else ring's.
    let tls = tls
        .build_rustls()
        .map_err(|why| format!("TLS could not be set up: {why}"))?;
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(SEND_TIMEOUT))
        .tls(match e.security {
            SmtpSecurity::StartTls => Tls::Required(tls),
            SmtpSecurity::Tls => Tls::Wrapper(tls),
            SmtpSecurity::None => Tls::None,
        });
    if let Some(user) = e.username() {
        let password = password.map(Secret::expose).unwrap_or_default();
        transport = transport.credentials(Credentials::new(user.to_string(), password.to_string()));
    }
    let transport: AsyncSmtpTransport<Tokio1Executor> = transport.build();
    transport
        .send(mail)
        .await
        .map(|_| ())
        .map_err(|why| explain(e, host, port, &why))
}

/// An SMTP failure in words the user can act on.
fn explain(e: &Email, host: &str, port: u16, why: &lettre::transport::smtp::Error) -> String {
    let server = format!("{host}:{port}");
    let code = why.status().map(|c| c.to_string());
    let said = chain(why);
    match code.as_deref() {
        Some("535" | "534" | "530" | "454") if e.username().is_some() => {
            return format!("{server} refused the user name or password ({said}): check them (some providers want an app password)")
        }
        Some("530") => {
            return format!("{server} wants a user name and password ({said}): enter them in the channel")
        }
        Some("550" | "551" | "553" | "554") => {
            return format!("{server} refused the message ({said}): check the From and To addresses, and that the server lets this user send as the sender")
        }
        _ => {}
    }
    // lettre reports a certificate refused during STARTTLS as a connection
    // error: the words say it was TLS.
    let tls = why.is_tls()
        || [
            "certificate",
            "handshake",
            "corrupt message",
            "InvalidContentType",
        ]
        .iter()
        .any(|w| said.contains(w));
    if tls {
        let said = innermost(why);
        let plain_answer = [
            "corrupt message",
            "InvalidContentType",
            "invalid content type",
        ]
        .iter()
        .any(|w| said.contains(w));
        let hint = match (e.security, port) {
            (SmtpSecurity::Tls, 587) => "port 587 takes STARTTLS: choose STARTTLS, or port 465 for TLS",
            (SmtpSecurity::Tls, _) if plain_answer => "the server answered in plain text: it takes STARTTLS (usually on port 587), not TLS from the first byte",
            (SmtpSecurity::StartTls, 465) => "port 465 takes TLS from the first byte: choose TLS, or port 587 for STARTTLS",
            _ => "if the server has a certificate of its own, give its CA certificate",
        };
        return format!("TLS with {server} failed ({said}): {hint}");
    }
    if why.is_timeout() {
        return format!(
            "{server} did not answer in time: check the host, the port and this machine's network"
        );
    }
    if why.is_permanent() || why.is_transient() {
        return format!("{server} did not take the message ({said})");
    }
    if said.contains("STARTTLS") {
        return format!("{server} does not offer STARTTLS ({said}): choose TLS if it takes it from the first byte; the password is never sent unencrypted");
    }
    format!("cannot send through {server} ({said}): check the host, the port and the security (STARTTLS on 587, TLS on 465)")
}
