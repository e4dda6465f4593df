//! `tusk destination`: named S3-compatible buckets, kept in the config file.

use crate::config::{Config, SecretSource};
use crate::exit;
use crate::render::print_json;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use tusk_engine::storage::{Bucket, S3Destination};
use tusk_engine::{EngineError, Secret};

#[derive(Args)]
pub struct DestinationArgs {
    #[command(subcommand)]
    pub action: DestinationAction,
}

#[derive(Subcommand)]
pub enum DestinationAction {
    /// Add a bucket to the config file (or change one, with --replace).
    Add(AddArgs),
    /// The destinations in the config file, and where each one's secret comes from.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write, read back and delete a probe object; say exactly what fails.
    Test {
        name: String,
        #[command(flatten)]
        secret: SecretArgs,
        #[arg(long)]
        json: bool,
    },
    /// Remove a destination from the config file (its backups stay in the bucket).
    Remove {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// What to call it: `--dest NAME`, `NAME:KEY`.
    name: String,
    /// The store's address (https://…); leave out for AWS S3.
    #[arg(long)]
    endpoint: Option<String>,
    /// AWS region, or the store's (Garage: garage; R2: auto). Default: us-east-1.
    #[arg(long)]
    region: Option<String>,
    #[arg(long)]
    bucket: String,
    /// Folder inside the bucket for Tusk's backups.
    #[arg(long, default_value = "")]
    prefix: String,
    /// Address the bucket as endpoint/bucket (default with --endpoint).
    #[arg(long, conflicts_with = "virtual_host")]
    path_style: bool,
    /// Address the bucket as bucket.endpoint (default on AWS).
    #[arg(long)]
    virtual_host: bool,
    /// Default: AWS_ACCESS_KEY_ID when the destination is used.
    #[arg(long)]
    access_key_id: Option<String>,
    /// Read the secret access key from standard input and keep it in the
    /// config file (made readable by you only). Without it, the secret comes
    /// from AWS_SECRET_ACCESS_KEY or --secret-stdin each time.
    #[arg(long)]
    secret_stdin: bool,
    /// Replace a destination of the same name.
    #[arg(long)]
    replace: bool,
    #[arg(long)]
    json: bool,
}

impl AddArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

/// The secret of a bucket, from standard input.
#[derive(Args, Clone, Default)]
pub struct SecretArgs {
    /// Read the bucket's secret access key from the first line of standard input.
    #[arg(long)]
    pub secret_stdin: bool,
}

impl SecretArgs {
    pub fn read(&self) -> Result<Option<Secret>, EngineError> {
        self.secret_stdin.then(read_secret).transpose()
    }
}

fn read_secret() -> Result<Secret, EngineError> {
    let secret = super::stdin_line("--secret-stdin", "the secret access key")?;
    if secret.is_empty() {
        return Err(EngineError::InvalidOptions(
            "--secret-stdin read an empty line: pipe the secret access key in".into(),
        ));
    }
    Ok(Secret::new(secret))
}

/// Opens the bucket a command names (`--dest NAME`, `NAME:KEY`).
pub fn open_bucket(
    config: &Config,
    name: &str,
    secret: &SecretArgs,
) -> Result<Arc<Bucket>, EngineError> {
    let (dest, creds) = config.destination(name, secret.read()?)?;
    Ok(Arc::new(Bucket::open(&dest, &creds)?))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    name: String,
    endpoint: Option<String>,
    region: Option<String>,
    bucket: String,
    prefix: String,
    path_style: bool,
    access_key_id: Option<String>,
    /// "configFile", "environment" or "missing".
    secret: &'static str,
}

pub async fn destination(a: DestinationArgs, config: &Config) -> Result<u8, EngineError> {
    match a.action {
        DestinationAction::Add(add) => add_destination(add, config),
        DestinationAction::List { json } => {
            let listed: Vec<Listed> = config
                .destinations
                .iter()
                .map(|(name, d)| Listed {
                    name: name.clone(),
                    endpoint: d.endpoint.clone(),
                    region: d.region.clone(),
                    bucket: d.bucket.clone(),
                    prefix: d.prefix.clone(),
                    path_style: d.path_style.unwrap_or(d.endpoint.is_some()),
                    access_key_id: d.access_key_id.clone(),
                    secret: match config.secret_of(d, None).1 {
                        SecretSource::ConfigFile => "configFile",
                        SecretSource::Environment => "environment",
                        SecretSource::Stdin | SecretSource::Missing => "missing",
                    },
                })
                .collect();
            if json {
                print_json(&listed);
            } else if listed.is_empty() {
                err!(
                    "no destinations in {}: add one with `tusk destination add NAME --bucket …`",
                    config.describe_file()
                );
            } else {
                for d in &listed {
                    let place = S3Destination {
                        endpoint: d.endpoint.clone(),
                        bucket: d.bucket.clone(),
                        prefix: d.prefix.clone(),
                        ..Default::default()
                    }
                    .describe();
                    let secret = match d.secret {
                        "configFile" => "secret in the config file",
                        "environment" => "secret from AWS_SECRET_ACCESS_KEY",
                        _ => "no secret: --secret-stdin or AWS_SECRET_ACCESS_KEY",
                    };
                    out!(
                        "{}\t{place}\tkey {}\t{secret}",
                        d.name,
                        d.access_key_id
                            .as_deref()
                            .unwrap_or("from AWS_ACCESS_KEY_ID")
                    );
                }
            }
            Ok(exit::OK)
        }
        DestinationAction::Test { name, secret, json } => {
            let bucket = open_bucket(config, &name, &secret)?;
            let steps = bucket.test().await;
            let ok = steps.iter().all(|s| s.ok);
            if json {
                print_json(&steps);
            } else {
                err!("testing {name}: {}", bucket.destination().describe());
                for s in &steps {
                    err!(
                        "  {} {}: {}",
                        if s.ok { "✓" } else { "✗" },
                        s.step,
                        s.detail
                    );
                }
                if ok {
                    err!("{name} works: Tusk can write, read and delete there");
                }
            }
            Ok(if ok { exit::OK } else { exit::FAILED })
        }
        DestinationAction::Remove { name, json } => {
            if !config.destinations.contains_key(&name) {
                config.destination(&name, None)?;
            }
            edit_config(config, |doc| {
                if let Some(t) = doc
                    .get_mut("destinations")
                    .and_then(|d| d.as_table_like_mut())
                {
                    t.remove(&name);
                }
            })?;
            if json {
                print_json(&serde_json::json!({ "removed": name }));
            } else {
                err!(
                    "removed {name} from {} (its backups stay in the bucket)",
                    config.describe_file()
                );
            }
            Ok(exit::OK)
        }
    }
}

fn add_destination(a: AddArgs, config: &Config) -> Result<u8, EngineError> {
    if config.destinations.contains_key(&a.name) && !a.replace {
        return Err(EngineError::InvalidOptions(format!(
            "a destination named `{}` already exists in {}: add --replace to change it",
            a.name,
            config.describe_file()
        )));
    }
    let path_style = if a.virtual_host {
        false
    } else {
        a.path_style || a.endpoint.is_some()
    };
    let dest = S3Destination {
        name: a.name.clone(),
        endpoint: a.endpoint.clone(),
        region: a.region.clone().unwrap_or_else(|| "us-east-1".into()),
        bucket: a.bucket.clone(),
        prefix: a.prefix.clone(),
        path_style,
        // Checked when it is used, when it comes from AWS_ACCESS_KEY_ID.
        access_key_id: a.access_key_id.clone().unwrap_or_else(|| "-".into()),
    };
    dest.validate()?;
    let secret = a.secret_stdin.then(read_secret).transpose()?;
    edit_config(config, |doc| {
        let dests = doc
            .entry("destinations")
            .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
            .as_table_mut()
            .expect("destinations is a table");
        dests.set_implicit(true);
        let mut t = toml_edit::Table::new();
        if let Some(e) = &a.endpoint {
            t["endpoint"] = toml_edit::value(e.as_str());
        }
        t["region"] = toml_edit::value(dest.region.as_str());
        t["bucket"] = toml_edit::value(dest.bucket.as_str());
        if !dest.prefix.is_empty() {
            t["prefix"] = toml_edit::value(dest.prefix.as_str());
        }
        t["path_style"] = toml_edit::value(path_style);
        if let Some(k) = &a.access_key_id {
            t["access_key_id"] = toml_edit::value(k.as_str());
        }
        if let Some(s) = &secret {
            t["secret_access_key"] = toml_edit::value(s.expose());
        }
        dests.insert(&a.name, toml_edit::Item::Table(t));
    })?;
    if a.json {
        print_json(&dest);
    } else {
        err!(
            "saved {} ({}) in {}{}; check it with `tusk destination test {}`",
            a.name,
            dest.describe(),
            config.describe_file(),
            if secret.is_some() {
                ", its secret with it (the file is readable by you only)"
            } else {
                ""
            },
            a.name
        );
    }
    Ok(exit::OK)
}

/// Rewrites the config file through `edit`, keeping its comments and
/// layout, readable by its owner only (it may hold secrets).
fn edit_config(
    config: &Config,
    edit: impl FnOnce(&mut toml_edit::DocumentMut),
) -> Result<(), EngineError> {
    let file = config.file.clone().ok_or_else(|| {
        EngineError::InvalidOptions("no config file location: set TUSK_CONFIG or --config".into())
    })?;
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(EngineError::Io(format!(
                "cannot read {}: {e}",
                file.display()
            )))
        }
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| {
        EngineError::InvalidOptions(format!(
            "the config file {} is not valid: {e}",
            file.display()
        ))
    })?;
    edit(&mut doc);
    write_private(&file, doc.to_string().as_bytes())
        .map_err(|e| EngineError::Io(format!("cannot write {}: {e}", file.display())))
}

fn write_private(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&folder)?;
    tusk_engine::paths::private_file(tmp.path())?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}
