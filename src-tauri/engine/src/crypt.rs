//! Encryption at rest with age (the `age` crate): a backup's stream is
//! encrypted as it is written, to a passphrase or to age public keys, so
//! that the stock `age -d` and pg_restore restore it. Decryption checks
//! every chunk's tag: a wrong key and damaged data are each told apart, and
//! nothing reads a byte of a backup that does not decrypt.

use crate::error::EngineError;
use crate::jobs::{OpenSink, Sink};
use crate::options::{parse_recipients, Encryption};
use crate::server::connection::Secret;
use age::secrecy::SecretString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The OS keychain entry of the passphrase backups are encrypted with: the
/// app saves it there, and `tusk daemon` reads it for schedules.
pub const PASSPHRASE_KEYCHAIN_ID: &str = "encryption:passphrase";

/// How every age file begins.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// Wraps a job's sink so that what is written to it is encrypted as
/// `options` say, with `passphrase` for a passphrase.
pub(crate) fn encrypting(
    open: OpenSink,
    encryption: &Encryption,
    passphrase: Option<&Secret>,
) -> Result<OpenSink, EngineError> {
    let encryptor: Box<dyn FnOnce() -> age::Encryptor + Send + Sync> = match encryption {
        Encryption::None => return Ok(open),
        Encryption::Passphrase => {
            let p = passphrase
                .ok_or_else(|| EngineError::InvalidOptions("no passphrase to encrypt with".into()))?
                .expose()
                .to_string();
            Box::new(move || age::Encryptor::with_user_passphrase(SecretString::from(p)))
        }
        Encryption::Recipients { recipients } => {
            let keys = parse_recipients(recipients)?;
            Box::new(move || {
                age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient))
                    .expect("x25519 recipients go together")
            })
        }
    };
    Ok(Box::new(move || {
        let inner = open()?;
        let writer = encryptor().wrap_output(inner)?;
        Ok(Box::new(AgeSink(writer)) as Box<dyn Sink>)
    }))
}

struct AgeSink(age::stream::StreamWriter<Box<dyn Sink>>);

impl Write for AgeSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.write(data)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Sink for AgeSink {
    fn finish(self: Box<Self>) -> std::io::Result<()> {
        self.0.finish()?.finish()
    }
}

/// A private key that decrypts backups encrypted to its public key.
pub type Identity = Box<dyn age::Identity + Send + Sync>;

/// What decrypts a backup: its passphrase, or private keys.
pub enum Decrypt {
    Passphrase(Secret),
    Identities(Vec<Identity>),
    /// Whichever of the two a backup needs (the app's saved keys).
    Either {
        passphrase: Option<Secret>,
        identities: Vec<Identity>,
    },
}

impl Decrypt {
    /// The private keys of an age identity file (`age-keygen -o FILE`).
    pub fn identity_file(path: &Path) -> Result<Decrypt, EngineError> {
        let file = age::IdentityFile::from_file(path.display().to_string()).map_err(|e| {
            EngineError::InvalidOptions(format!(
                "cannot read the identity file {}: {e}",
                path.display()
            ))
        })?;
        identities_of(file, &path.display().to_string()).map(Decrypt::Identities)
    }
}

/// The private keys in `text` (what `age-keygen` writes: comments and
/// `AGE-SECRET-KEY-1…` lines), each with its public key (`age1…`).
pub fn parse_identities(text: &str) -> Result<Vec<(Identity, String)>, EngineError> {
    let file = age::IdentityFile::from_buffer(text.as_bytes())
        .map_err(|e| EngineError::InvalidOptions(format!("this is not an age private key: {e}")))?;
    let publics: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .map(|l| {
            l.parse::<age::x25519::Identity>()
                .map(|i| i.to_public().to_string())
                .map_err(|e| {
                    EngineError::InvalidOptions(format!(
                        "this is not an age private key (AGE-SECRET-KEY-1…): {e}"
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    let ids = identities_of(file, "the text given")?;
    if ids.len() != publics.len() {
        return Err(EngineError::InvalidOptions(
            "only age's own private keys (AGE-SECRET-KEY-1…) are taken here, not plugin identities"
                .into(),
        ));
    }
    Ok(ids.into_iter().zip(publics).collect())
}

fn identities_of(
    file: age::IdentityFile<age::NoCallbacks>,
    shown: &str,
) -> Result<Vec<Identity>, EngineError> {
    let ids = file.into_identities().map_err(|e| {
        EngineError::InvalidOptions(format!("{shown} holds no usable age identity: {e}"))
    })?;
    if ids.is_empty() {
        return Err(EngineError::InvalidOptions(format!(
            "{shown} holds no age identity (AGE-SECRET-KEY-1…)"
        )));
    }
    Ok(ids)
}

/// Whether `path` is an age file (by its first bytes, whatever its name).
pub fn is_encrypted(path: &Path) -> bool {
    let mut head = [0u8; AGE_MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| is_age(&head))
}

/// A decrypted copy of a backup in the private staging folder, removed
/// when dropped.
pub struct Decrypted {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Decrypted {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Decrypts `input` whole before anything uses it: a wrong key, a file that
/// is not an age file and damaged ciphertext each get their own message.
pub fn decrypt_backup(input: &Path, key: Option<&Decrypt>) -> Result<Decrypted, EngineError> {
    let staging = crate::paths::staging_dir()
        .map_err(|e| EngineError::Io(format!("cannot create the staging folder: {e}")))?;
    decrypt_backup_in(input, key, &staging)
}

/// [`decrypt_backup`] into `staging`.
pub fn decrypt_backup_in(
    input: &Path,
    key: Option<&Decrypt>,
    staging: &Path,
) -> Result<Decrypted, EngineError> {
    let Some(key) = key else {
        return Err(needs_key(&input.display().to_string()));
    };
    let dir = tempfile::Builder::new()
        .prefix(".tusk-decrypted-")
        .tempdir_in(staging)
        .map_err(|e| EngineError::Io(format!("cannot write to {}: {e}", staging.display())))?;
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".age").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "backup".into());
    let path = dir.path().join(name);
    decrypt_file(input, &path, key)?;
    Ok(Decrypted { path, _dir: dir })
}

fn decrypt_file(input: &Path, output: &Path, key: &Decrypt) -> Result<(), EngineError> {
    let shown = input.display().to_string();
    let file = std::fs::File::open(input)
        .map_err(|e| EngineError::Io(format!("cannot read {shown}: {e}")))?;
    let mut reader = decrypting(std::io::BufReader::new(file), key, &shown)?;
    let mut out = std::fs::File::create(output)
        .map_err(|e| EngineError::Io(format!("cannot write {}: {e}", output.display())))?;
    crate::paths::private_file(output)
        .map_err(|e| EngineError::Io(format!("cannot protect {}: {e}", output.display())))?;
    std::io::copy(&mut reader, &mut out).map_err(|e| {
        if is_damage(&e) {
            EngineError::Preflight(format!(
                "{}; nothing was restored from it",
                damaged(&shown, &e)
            ))
        } else {
            EngineError::Io(format!("decrypting {shown} failed: {e}"))
        }
    })?;
    out.flush()
        .map_err(|e| EngineError::Io(format!("cannot write {}: {e}", output.display())))?;
    Ok(())
}

/// An encrypted backup, and nothing to decrypt it with.
pub(crate) fn needs_key(shown: &str) -> EngineError {
    EngineError::Preflight(format!(
        "{shown} is encrypted (age): give its passphrase or the identity file of one of its recipients"
    ))
}

/// Whether `head` (a file's or an object's first bytes) is age's.
pub(crate) fn is_age(head: &[u8]) -> bool {
    head.starts_with(AGE_MAGIC)
}

/// The age stream in `reader`, opened with `key`: what reads from it gets
/// each chunk only once its tag checked out. `shown` names the backup in
/// the refusals (a wrong key, the other kind of key, not age).
pub(crate) fn decrypting<R: std::io::BufRead>(
    reader: R,
    key: &Decrypt,
    shown: &str,
) -> Result<age::stream::StreamReader<R>, EngineError> {
    let decryptor = age::Decryptor::new_buffered(reader).map_err(|e| refused(shown, &e))?;
    let (passphrase, identities) = match key {
        Decrypt::Passphrase(p) => (Some(p), &[][..]),
        Decrypt::Identities(ids) => (None, &ids[..]),
        Decrypt::Either {
            passphrase,
            identities,
        } => (passphrase.as_ref(), &identities[..]),
    };
    let scrypt;
    let ids: Vec<&dyn age::Identity> = if decryptor.is_scrypt() {
        let Some(p) = passphrase else {
            return Err(EngineError::Preflight(format!(
                "{shown} is encrypted with a passphrase, not to public keys: give its passphrase"
            )));
        };
        scrypt = age::scrypt::Identity::new(SecretString::from(p.expose().to_string()));
        vec![&scrypt]
    } else {
        if identities.is_empty() {
            return Err(EngineError::Preflight(format!(
                "{shown} is encrypted to age public keys, not with a passphrase: give the identity file (private key) of one of its recipients"
            )));
        }
        identities
            .iter()
            .map(|i| i.as_ref() as &dyn age::Identity)
            .collect()
    };
    decryptor
        .decrypt(ids.into_iter())
        .map_err(|e| refused(shown, &e))
}

/// A read error of an age stream that means its data was changed or cut.
pub(crate) fn is_damage(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
    )
}

pub(crate) fn damaged(shown: &str, e: &std::io::Error) -> String {
    format!("{shown} is damaged: its encrypted data does not check out ({e})")
}

fn refused(shown: &str, e: &age::DecryptError) -> EngineError {
    EngineError::Preflight(match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => format!(
            "{shown} cannot be decrypted with this key: the passphrase is wrong, or the identity is not one of its recipients"
        ),
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            format!("{shown} is not an age file Tusk can read (its header is not age's)")
        }
        age::DecryptError::InvalidMac | age::DecryptError::KeyDecryptionFailed => format!(
            "{shown} cannot be decrypted: its header was changed or the key is wrong"
        ),
        age::DecryptError::ExcessiveWork { required, target } => format!(
            "{shown} asks for passphrase work 2^{required}, far beyond this machine's 2^{target}: it was not made by Tusk, or was tampered with"
        ),
        other => format!("{shown} cannot be decrypted: {other}"),
    })
}
