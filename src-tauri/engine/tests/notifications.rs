//! Notifications against real receivers on loopback, started here: a
//! webhook listener, and an SMTP server with STARTTLS or TLS whose
//! certificate comes from an authority made for the test. Schedules run on
//! the real PostgreSQL of the test harness tell their channels.

mod common;

use chrono::Utc;
use common::*;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tusk_engine::catalog::{NotifyOn, RunStatus, Schedule, Trigger};
use tusk_engine::notify::{
    send, Channel, Channels, Email, Message, SmtpSecurity, Via, Webhook, WebhookFormat,
};
use tusk_engine::schedule::runner::{Notice, RunKind, Runner, SystemClock};
use tusk_engine::{BackupOptions, CancelHandle, Secret};
use tusk_testkit::listeners::{HttpSink, SmtpSink, SmtpTls, TestCa};

const WAIT: Duration = Duration::from_secs(10);

fn webhook(name: &str, format: WebhookFormat) -> Channel {
    Channel {
        name: name.into(),
        via: Via::Webhook(Webhook { format }),
    }
}

fn email(port: u16, security: SmtpSecurity, user: Option<&str>, ca: Option<&TestCa>) -> Channel {
    Channel {
        name: "ops mail".into(),
        via: Via::Email(Email {
            host: "localhost".into(),
            port: Some(port),
            security,
            username: user.map(str::to_string),
            from: "Tusk Backup <tusk@example.com>".into(),
            to: vec!["ops@example.com".into(), "Zoë <zoe@example.com>".into()],
            ca_certificate: ca.map(|ca| ca.ca_file.clone()),
        }),
    }
}

fn failed_message() -> Message {
    Message {
        event: tusk_engine::notify::Event::Failed,
        title: "Scheduled backup “nightly” failed".into(),
        text: "pg_dump: error: connection to server failed".into(),
        schedule: Some("nightly".into()),
        database: Some("shop".into()),
        server: Some("db:5432".into()),
        backup: None,
        at: Utc::now(),
        machine: "test".into(),
    }
}

#[tokio::test]
async fn a_webhook_gets_the_json_body_or_slack_text() {
    let hook = HttpSink::start();
    let url = Secret::new(hook.url("/hooks/T000/B000/secret-token?x=1"));
    send(
        &webhook("json", WebhookFormat::Json),
        Some(&url),
        &failed_message(),
    )
    .await
    .unwrap();
    send(
        &webhook("slack", WebhookFormat::Slack),
        Some(&url),
        &failed_message(),
    )
    .await
    .unwrap();
    let got = hook.wait_for(2, WAIT);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].target, "/hooks/T000/B000/secret-token?x=1");
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    let json = got[0].json();
    assert_eq!(json["event"], "backup.failed");
    assert_eq!(json["schedule"], "nightly");
    assert_eq!(json["text"], "pg_dump: error: connection to server failed");
    let slack = got[1].json();
    assert_eq!(
        slack.as_object().unwrap().len(),
        1,
        "Slack takes {{\"text\"}}"
    );
    assert!(slack["text"]
        .as_str()
        .unwrap()
        .starts_with("*Scheduled backup “nightly” failed*\npg_dump: error"));
}

#[tokio::test]
async fn a_webhook_that_fails_says_why_and_never_shows_its_url() {
    let hook = HttpSink::start();
    let url = Secret::new(hook.url("/services/T000/secret-token"));
    let host = format!("127.0.0.1:{}", hook.port);
    let channel = webhook("team", WebhookFormat::Json);
    for (status, words) in [
        (404, "there is no webhook at this URL"),
        (403, "refused the URL's credentials"),
        (400, "choose the Slack format"),
        (503, "failed on its side"),
        (301, "the URL redirects"),
    ] {
        hook.answer_next(status);
        let why = send(&channel, Some(&url), &failed_message())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            why.starts_with(&format!("{host} answered {status}")),
            "{why}"
        );
        assert!(why.contains(words), "{status}: {why}");
        assert!(!why.contains("secret-token"), "{why}");
    }

    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let gone = Secret::new(format!("http://127.0.0.1:{port}/services/secret-token"));
    let why = send(&channel, Some(&gone), &failed_message())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        why.starts_with(&format!("cannot connect to 127.0.0.1:{port}")),
        "{why}"
    );
    assert!(!why.contains("secret-token"), "{why}");

    for (bad, words) in [
        ("hooks.slack.com/services/x", "is not a URL"),
        ("ftp://example.com/x", "must be an https://"),
    ] {
        let why = send(&channel, Some(&Secret::new(bad)), &failed_message())
            .await
            .unwrap_err()
            .to_string();
        assert!(why.contains(words), "{bad}: {why}");
    }
    let why = send(&channel, None, &failed_message()).await.unwrap_err();
    assert!(why
        .to_string()
        .contains("the webhook URL of “team” is not saved"));
}

#[tokio::test]
async fn e_mail_goes_over_starttls_or_tls_signed_in() {
    let ca = TestCa::new();
    let password = Secret::new("pä ss:wörd=\"1\"");
    for (tls, security) in [
        (SmtpTls::StartTls, SmtpSecurity::StartTls),
        (SmtpTls::Implicit, SmtpSecurity::Tls),
    ] {
        let smtp = SmtpSink::start(tls, &ca, Some(("tusk", password.expose())));
        let channel = email(smtp.port, security, Some("tusk"), Some(&ca));
        send(&channel, Some(&password), &failed_message())
            .await
            .unwrap_or_else(|e| panic!("{security:?}: {e}"));
        let mails = smtp.wait_for(1, WAIT);
        assert_eq!(mails.len(), 1, "{security:?}");
        let mail = &mails[0];
        assert!(mail.over_tls, "{security:?}: the message crossed encrypted");
        assert_eq!(mail.user.as_deref(), Some("tusk"));
        assert_eq!(mail.from, "tusk@example.com");
        assert_eq!(mail.to, ["ops@example.com", "zoe@example.com"]);
        assert!(mail.data.contains("Subject: "), "{}", mail.data);
        assert!(mail.data.contains("Database: shop"), "{}", mail.data);
        assert!(!mail.data.contains(password.expose()));
    }

    // A relay on the local network that takes mail with no password.
    let relay = SmtpSink::start(SmtpTls::Plain, &ca, None);
    send(
        &email(relay.port, SmtpSecurity::None, None, None),
        None,
        &Message::test("relay"),
    )
    .await
    .unwrap();
    let mails = relay.wait_for(1, WAIT);
    assert!(mails[0].data.contains("This is a test from Tusk Backup"));
}

#[tokio::test]
async fn smtp_failures_say_what_to_fix() {
    let ca = TestCa::new();
    let smtp = SmtpSink::start(SmtpTls::StartTls, &ca, Some(("tusk", "right")));
    let server = format!("localhost:{}", smtp.port);
    let fails = |channel: Channel, password: &'static str| async move {
        send(&channel, Some(&Secret::new(password)), &failed_message())
            .await
            .unwrap_err()
            .to_string()
    };

    let why = fails(
        email(smtp.port, SmtpSecurity::StartTls, Some("tusk"), Some(&ca)),
        "wrong",
    )
    .await;
    assert!(
        why.starts_with(&format!("{server} refused the user name or password")),
        "{why}"
    );
    assert!(!why.contains("wrong"), "{why}");

    let why = fails(
        email(smtp.port, SmtpSecurity::StartTls, Some("tusk"), None),
        "right",
    )
    .await;
    assert!(
        why.starts_with(&format!("TLS with {server} failed")),
        "{why}"
    );
    assert!(why.contains("give its CA certificate"), "{why}");

    let why = fails(
        email(smtp.port, SmtpSecurity::Tls, Some("tusk"), Some(&ca)),
        "right",
    )
    .await;
    assert!(
        why.starts_with(&format!("TLS with {server} failed")),
        "{why}"
    );
    assert!(why.contains("it takes STARTTLS"), "{why}");

    // A server with no TLS at all: the password is not sent.
    let plain = SmtpSink::start(SmtpTls::Plain, &ca, Some(("tusk", "right")));
    let why = fails(
        email(plain.port, SmtpSecurity::StartTls, Some("tusk"), Some(&ca)),
        "right",
    )
    .await;
    assert!(why.contains("STARTTLS"), "{why}");
    assert!(plain.mails().is_empty());

    // Refused before any connection.
    let mut unencrypted = email(plain.port, SmtpSecurity::None, Some("tusk"), None);
    let why = fails(unencrypted.clone(), "right").await;
    assert!(why.contains("would cross the network unencrypted"), "{why}");
    if let Via::Email(e) = &mut unencrypted.via {
        e.to = vec!["ops at example.com".into()];
        e.username = None;
    }
    let why = fails(unencrypted, "right").await;
    assert!(
        why.contains("`ops at example.com` is not an e-mail address"),
        "{why}"
    );
}

/// The channels a test's runner knows, with their secrets.
struct Known(HashMap<String, (Channel, Option<Secret>)>);

impl Channels for Known {
    fn channel(&self, name: &str) -> Result<(Channel, Option<Secret>), String> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no channel named “{name}”"))
    }
}

#[tokio::test]
async fn schedule_runs_on_postgresql_tell_their_channels_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let c = catalog(dir.path());
    let db = sample_db("notify_runs");
    let ca = TestCa::new();
    let hook = HttpSink::start();
    let smtp = SmtpSink::start(SmtpTls::StartTls, &ca, Some(("tusk", "s3cret")));
    let mut mail = email(smtp.port, SmtpSecurity::StartTls, Some("tusk"), Some(&ca));
    mail.name = "mail".into();
    let channels = Known(HashMap::from([
        (
            "hook".to_string(),
            (
                webhook("hook", WebhookFormat::Json),
                Some(Secret::new(hook.url("/hook-token"))),
            ),
        ),
        ("mail".to_string(), (mail, Some(Secret::new("s3cret")))),
    ]));
    let notices: Mutex<Vec<Notice>> = Mutex::default();
    let notify = |n: Notice| notices.lock().unwrap().push(n);
    let runner = Runner {
        catalog: &c,
        search: &search(),
        clock: &SystemClock,
        password: &|_| None,
        bucket: &|name: &str| -> Result<std::sync::Arc<tusk_engine::storage::Bucket>, _> {
            Err(tusk_engine::EngineError::InvalidOptions(format!(
                "no bucket {name}"
            )))
        },
        passphrase: &|| None,
        notify: &notify,
        channels: &channels,
    };
    let mut source = source(&db);
    source.database = "no such \"db\" = ü".into();
    let failing = Schedule {
        id: uuid(),
        name: "nightly “shop” = ü".into(),
        source,
        trigger: Trigger::Interval { every_secs: 3600 },
        destination: dir.path().join("scheduled"),
        options: BackupOptions {
            compression: 1,
            ..Default::default()
        },
        max_retries: 0,
        notify: NotifyOn::Failure,
        notify_via: vec!["hook".into(), "mail".into(), "gone".into()],
        created_at: Utc::now(),
        ..Default::default()
    };
    c.save_schedule(&failing).unwrap();
    let run = runner
        .run(&failing, RunKind::Now, &CancelHandle::new(), &|_| {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    let got = hook.wait_for(1, WAIT);
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["event"], "backup.failed");
    assert_eq!(body["schedule"], "nightly “shop” = ü");
    assert_eq!(body["database"], "no such \"db\" = ü");
    assert!(
        body["text"].as_str().unwrap().contains("does not exist"),
        "the run's error: {body}"
    );
    let mails = smtp.wait_for(1, WAIT);
    assert_eq!(mails.len(), 1);
    assert!(mails[0].over_tls);
    assert!(
        mails[0].data.contains("Schedule: nightly"),
        "{}",
        mails[0].data
    );
    {
        let notices = notices.lock().unwrap();
        let titles: Vec<&str> = notices.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Scheduled backup “nightly “shop” = ü” failed",
                "“gone” could not be notified"
            ]
        );
        assert!(notices[1].body.contains("no channel named “gone”"));
    }

    // A good run of a schedule that notifies failures only: nothing sent.
    let mut good = failing.clone();
    good.id = uuid();
    good.name = "good".into();
    good.source.database = db.clone();
    good.notify_via = vec!["hook".into()];
    c.save_schedule(&good).unwrap();
    let run = runner
        .run(&good, RunKind::Now, &CancelHandle::new(), &|_| {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(hook.requests().len(), 1, "a success is not sent on Failure");

    // Every run: the success is sent, with the backup made.
    good.notify = NotifyOn::Always;
    c.save_schedule(&good).unwrap();
    let run = runner
        .run(&good, RunKind::Now, &CancelHandle::new(), &|_| {})
        .await
        .unwrap()
        .unwrap();
    let got = hook.wait_for(2, WAIT);
    assert_eq!(got.len(), 2);
    let body = got[1].json();
    assert_eq!(body["event"], "backup.succeeded");
    let made = c.require_backup(run.backup_id.as_ref().unwrap()).unwrap();
    assert_eq!(body["backup"], made.path.display().to_string());
    assert!(made.path.exists());
}
