//! Keys of encrypted backups, never from argv: a passphrase from a file or
//! standard input, or age public keys to encrypt to; a passphrase or an
//! age identity file to decrypt with.

use clap::Args;
use std::path::{Path, PathBuf};
use tusk_engine::crypt::Decrypt;
use tusk_engine::options::Encryption;
use tusk_engine::{BackupOptions, EngineError, Secret};

#[derive(Args, Clone, Default)]
pub struct EncryptArgs {
    /// Encrypt with age, with the passphrase on the first line of this file.
    #[arg(long, conflicts_with_all = ["passphrase_stdin", "recipient"])]
    passphrase_file: Option<PathBuf>,
    /// Encrypt with age, with the passphrase read from standard input.
    #[arg(long, conflicts_with = "recipient")]
    passphrase_stdin: bool,
    /// Encrypt with age to this public key (age1…; repeatable): the private
    /// key of any of them decrypts it (`age -d -i KEYFILE`).
    #[arg(long)]
    recipient: Vec<String>,
}

impl EncryptArgs {
    /// Sets `o`'s encryption (and passphrase) from the flags.
    pub fn apply(&self, o: &mut BackupOptions) -> Result<(), EngineError> {
        if !self.recipient.is_empty() {
            o.encryption = Encryption::Recipients {
                recipients: self.recipient.clone(),
            };
        } else if let Some(p) =
            read_passphrase(self.passphrase_file.as_deref(), self.passphrase_stdin)?
        {
            o.encryption = Encryption::Passphrase;
            o.passphrase = Some(p);
        }
        Ok(())
    }
}

#[derive(Args, Clone, Default)]
pub struct DecryptArgs {
    /// The passphrase of an encrypted backup: the first line of this file.
    #[arg(long, conflicts_with_all = ["passphrase_stdin", "identity"])]
    passphrase_file: Option<PathBuf>,
    /// The passphrase of an encrypted backup, from standard input.
    #[arg(long, conflicts_with = "identity")]
    passphrase_stdin: bool,
    /// An age identity file with the private key of one of an encrypted
    /// backup's recipients.
    #[arg(long)]
    identity: Option<PathBuf>,
}

impl DecryptArgs {
    pub fn key(&self) -> Result<Option<Decrypt>, EngineError> {
        if let Some(file) = &self.identity {
            return Decrypt::identity_file(file).map(Some);
        }
        Ok(
            read_passphrase(self.passphrase_file.as_deref(), self.passphrase_stdin)?
                .map(Decrypt::Passphrase),
        )
    }
}

fn read_passphrase(file: Option<&Path>, stdin: bool) -> Result<Option<Secret>, EngineError> {
    let line = match (file, stdin) {
        (Some(file), _) => std::fs::read_to_string(file)
            .map_err(|e| {
                EngineError::InvalidOptions(format!(
                    "cannot read the passphrase file {}: {e}",
                    file.display()
                ))
            })?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        (None, true) => super::stdin_line("--passphrase-stdin", "the passphrase")?,
        (None, false) => return Ok(None),
    };
    let passphrase = line.trim_end_matches(['\r', '\n']);
    if passphrase.is_empty() {
        return Err(EngineError::InvalidOptions(
            "the passphrase is empty: its first line is the passphrase".into(),
        ));
    }
    Ok(Some(Secret::new(passphrase)))
}

/// The passphrase schedules encrypt with, for `tusk daemon` and `prune`:
/// the app's keychain entry, else the file `TUSK_PASSPHRASE_FILE` names
/// (for servers without a keychain). Never from argv.
pub fn saved_passphrase() -> Option<Secret> {
    use tusk_engine::server::secrets::{Keychain, OsKeychain};
    if let Some(p) = OsKeychain.get(tusk_engine::crypt::PASSPHRASE_KEYCHAIN_ID) {
        return Some(Secret::new(p));
    }
    let file = std::env::var_os("TUSK_PASSPHRASE_FILE")?;
    match read_passphrase(Some(Path::new(&file)), false) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "TUSK_PASSPHRASE_FILE could not be read");
            None
        }
    }
}
