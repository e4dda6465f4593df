//! `tusk notify`: the notification channels of the config file
//! (`[notifications.NAME]`), listed and tried.

use crate::config::{Config, SecretSource};
use crate::exit;
use crate::render::print_json;
use clap::{Args, Subcommand};
use serde::Serialize;
use tusk_engine::notify::{self, Message};
use tusk_engine::EngineError;

#[derive(Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub action: NotifyAction,
}

#[derive(Subcommand)]
pub enum NotifyAction {
    /// The channels in the config file, what each is, and where its secret comes from.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send a test message through a channel; say exactly what fails.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

impl NotifyArgs {
    pub fn json(&self) -> bool {
        match self.action {
            NotifyAction::List { json } | NotifyAction::Test { json, .. } => json,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    name: String,
    /// "webhook (Slack) to hooks.slack.com", or why it cannot send.
    description: String,
    /// "configFile", "environment", "none" (needs none) or "missing".
    secret: &'static str,
    problem: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tested {
    name: String,
    sent: bool,
    description: String,
    error: Option<String>,
}

pub async fn notify(a: NotifyArgs, config: &Config) -> Result<u8, EngineError> {
    match a.action {
        NotifyAction::List { json } => {
            let listed: Vec<Listed> = config
                .notifications
                .keys()
                .map(|name| match config.channel(name) {
                    Ok((channel, secret, source)) => Listed {
                        name: name.clone(),
                        description: channel.describe(secret.as_ref()),
                        secret: match (channel.needs_secret(), source) {
                            (false, _) => "none",
                            (true, SecretSource::ConfigFile) => "configFile",
                            (true, SecretSource::Environment) => "environment",
                            (true, _) => "missing",
                        },
                        problem: None,
                    },
                    Err(why) => Listed {
                        name: name.clone(),
                        description: "cannot send".into(),
                        secret: "missing",
                        problem: Some(why),
                    },
                })
                .collect();
            if json {
                print_json(&listed);
            } else if listed.is_empty() {
                err!(
                    "no notification channels in {}: add a [notifications.NAME] section with webhook_url, or smtp_host, from and to",
                    config.describe_file()
                );
            } else {
                for l in &listed {
                    match &l.problem {
                        Some(why) => println!("{}\t{why}", l.name),
                        None => println!(
                            "{}\t{}\t{}",
                            l.name,
                            l.description,
                            match l.secret {
                                "configFile" => "secret in the config file",
                                "environment" => "secret from the environment",
                                _ => "no secret needed",
                            }
                        ),
                    }
                }
            }
            Ok(exit::OK)
        }
        NotifyAction::Test { name, json } => {
            let (channel, secret, _) =
                config.channel(&name).map_err(EngineError::InvalidOptions)?;
            let description = channel.describe(secret.as_ref());
            let sent = notify::send(&channel, secret.as_ref(), &Message::test(&name)).await;
            if json {
                print_json(&Tested {
                    name: name.clone(),
                    sent: sent.is_ok(),
                    description,
                    error: sent.as_ref().err().map(|e| e.to_string()),
                });
            } else {
                match &sent {
                    Ok(()) => err!("sent a test message through {name}: {description}"),
                    Err(why) => {
                        err!("{name} did not deliver the test message ({description}): {why}")
                    }
                }
            }
            Ok(if sent.is_ok() { exit::OK } else { exit::FAILED })
        }
    }
}
