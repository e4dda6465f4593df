//! `tusk notify` and schedules that notify, against a webhook listener and
//! an SMTP server (STARTTLS, a password) started here on loopback, and the
//! test harness's real PostgreSQL.

mod common;

use common::*;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
use tusk_testkit::listeners::{HttpSink, SmtpSink, SmtpTls, TestCa};
use tusk_testkit::PgServer;

const WAIT: Duration = Duration::from_secs(10);
const TOKEN: &str = "T0001/B0002/hook-secret-token";
const PASSWORD: &str = "smtp pässword \"=\" 1";

fn write_config(dir: &Path, hook: &HttpSink, smtp: &SmtpSink, ca: &TestCa) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[notifications.team]
webhook_url = "{}"
format = "slack"

[notifications."ops mail"]
smtp_host = "localhost"
smtp_port = {}
security = "starttls"
username = "tusk"
password_env = "TUSK_TEST_SMTP_PASSWORD"
from = "Tusk <tusk@example.com>"
to = ["ops@example.com"]
ca_certificate = "{}"

[notifications.both]
webhook_url = "https://example.com/x"
smtp_host = "smtp.example.com"
"#,
            hook.url(&format!("/services/{TOKEN}")),
            smtp.port,
            ca.ca_file.display()
        ),
    )
    .unwrap();
    config
}

fn tusk_in(config: &Path, args: &[&str], password: bool) -> Output {
    let mut cmd = tusk_command(args);
    cmd.arg("--config").arg(config);
    if password {
        cmd.env("TUSK_TEST_SMTP_PASSWORD", PASSWORD);
    } else {
        cmd.env_remove("TUSK_TEST_SMTP_PASSWORD");
    }
    cmd.output().unwrap()
}

#[test]
fn channels_are_listed_tested_and_told_by_schedules() {
    let pg = PgServer::shared();
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let hook = HttpSink::start();
    let smtp = SmtpSink::start(SmtpTls::StartTls, &ca, Some(("tusk", PASSWORD)));
    let config = write_config(dir.path(), &hook, &smtp, &ca);

    // Listed with what each is and where its secret comes from, never the secret.
    let listed = tusk_in(&config, &["notify", "list", "--json"], true);
    let all = ok(&listed);
    let by_name = |name: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        by_name("team")["description"],
        format!("webhook (Slack) to 127.0.0.1:{}", hook.port)
    );
    assert_eq!(by_name("team")["secret"], "configFile");
    assert_eq!(by_name("ops mail")["secret"], "environment");
    assert!(by_name("both")["problem"]
        .as_str()
        .unwrap()
        .contains("a channel is one or the other"));
    assert!(!text(&listed).contains(TOKEN));
    assert!(!text(&tusk_in(&config, &["notify", "list"], true)).contains(TOKEN));

    // Send test, through each.
    let sent = tusk_in(&config, &["notify", "test", "team"], true);
    assert_eq!(sent.status.code(), Some(0), "{}", text(&sent));
    assert!(text(&sent).contains("sent a test message through team"));
    let got = hook.wait_for(1, WAIT);
    assert!(got[0].json()["text"]
        .as_str()
        .unwrap()
        .starts_with("*Tusk Backup: test of “team”*"));
    let sent = tusk_in(&config, &["notify", "test", "ops mail"], true);
    assert_eq!(sent.status.code(), Some(0), "{}", text(&sent));
    let mails = smtp.wait_for(1, WAIT);
    assert!(mails[0].over_tls && mails[0].user.as_deref() == Some("tusk"));

    // Without its password: said before anything is sent, and where to put it.
    let missing = tusk_in(&config, &["notify", "test", "ops mail"], false);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("password_env"),
        "{}",
        text(&missing)
    );
    // A webhook that answers 404: exit 1, the host said, the URL not.
    hook.answer_next(404);
    let refused = tusk_in(&config, &["notify", "test", "team", "--json"], true);
    assert_eq!(refused.status.code(), Some(1));
    let result = json(&refused);
    assert_eq!(result["sent"], false);
    assert!(result["error"]
        .as_str()
        .unwrap()
        .contains("there is no webhook at this URL"));
    assert!(!text(&refused).contains(TOKEN));
    let unknown = tusk_in(&config, &["notify", "test", "nope"], true);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown)
        .contains("no notification channel named `nope`; known: both, ops mail, team"));

    // A schedule names only channels that exist.
    let db = pg.seeded_db("notify_cli", 10);
    let add = |name: &str, database: &str, via: &[&str]| {
        let mut args: Vec<String> = [
            "schedule",
            "add",
            "--name",
            name,
            "--every",
            "1h",
            "--retries",
            "0",
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for v in via {
            args.push("--notify-via".into());
            args.push(v.to_string());
        }
        // Tusk's -d is a database name as it is (conn_args wraps odd names for libpq).
        let mut conn = conn_args(&db);
        *conn.last_mut().unwrap() = database.to_string();
        args.extend(conn);
        tusk_in(
            &config,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            true,
        )
    };
    let bad = add("unknown channel", &db, &["nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("no notification channel named `nope`"));

    // A run that fails tells the webhook and the e-mail.
    let missing_db = "gone \"db\" = ü";
    ok(&add("nightly", missing_db, &["team", "ops mail"]));
    let shown = tusk_in(&config, &["schedule", "show", "nightly"], true);
    assert!(
        text(&shown).contains("notifies failures via team, ops mail"),
        "{}",
        text(&shown)
    );
    let run = tusk_in(&config, &["schedule", "run", "nightly"], true);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let got = hook.wait_for(3, WAIT);
    assert_eq!(got.len(), 3, "the test, the 404, the failure");
    let told = got[2].json()["text"].as_str().unwrap().to_string();
    assert!(
        told.starts_with("*Scheduled backup “nightly” failed*"),
        "{told}"
    );
    assert!(told.contains("*Database:* gone \"db\" = ü"), "{told}");
    let mails = smtp.wait_for(2, WAIT);
    assert_eq!(mails.len(), 2);
    assert!(
        mails[1].data.contains("Database: gone"),
        "{}",
        mails[1].data
    );
    assert!(!text(&run).contains(TOKEN) && !text(&run).contains(PASSWORD));

    // The daemon's environment without the password: the run still ends,
    // and the user is told that the e-mail could not be sent.
    let run = tusk_in(&config, &["schedule", "run", "nightly"], false);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run).contains("“ops mail” could not be notified"),
        "{}",
        text(&run)
    );
    assert_eq!(hook.wait_for(4, WAIT).len(), 4, "the webhook still told");
}
