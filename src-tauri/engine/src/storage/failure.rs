//! What went wrong talking to a bucket, in words a user can act on: the
//! host not found, TLS, nothing listening, the key refused, the clock off,
//! no such bucket, no permission. The raw error stays in the detail.

use crate::error::EngineError;
use crate::storage::S3Destination;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StorageFailure {
    Dns,
    Tls,
    Unreachable,
    Timeout,
    Credentials,
    ClockSkew,
    NoBucket,
    Forbidden,
    NotFound,
    AlreadyExists,
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct StorageError {
    pub failure: StorageFailure,
    pub message: String,
    /// The store's own words.
    pub detail: String,
}

impl From<StorageError> for EngineError {
    fn from(e: StorageError) -> EngineError {
        EngineError::Storage {
            message: e.message,
            detail: e.detail,
        }
    }
}

/// Every message in an error's chain, outermost first.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

impl StorageError {
    pub fn other(message: impl Into<String>) -> StorageError {
        StorageError {
            failure: StorageFailure::Other,
            message: message.into(),
            detail: String::new(),
        }
    }

    /// Explains `e`, met while doing `what` ("write", "read", "list",
    /// "delete") on `dest`; `secret` is scrubbed from the detail.
    pub fn explain(
        e: &object_store::Error,
        what: &str,
        dest: &S3Destination,
        secret: &str,
    ) -> StorageError {
        let detail = crate::server::connection::scrub(&chain(e), &[secret.to_string()]);
        // object_store's retry settings ("retry_timeout: 30s") are in every
        // retried error: they say nothing about what failed.
        let text = detail.to_lowercase().replace("retry_timeout", "");
        let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
        let endpoint = dest
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("AWS S3 ({})", dest.region));
        let name = &dest.name;
        let (failure, message) = if has(&[
            "requesttimetooskewed",
            "too skewed",
            "clock skew",
            // Garage, whose tolerance is wider than AWS's 15 minutes.
            "date is too old",
            "date is in the future",
        ]) {
            (
                StorageFailure::ClockSkew,
                format!("the store at {endpoint} refused the request because this machine's clock is too far from its own: set the clock (enable NTP) and try again"),
            )
        } else if has(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
            "no such host",
            "nodename nor servname",
        ]) {
            (
                StorageFailure::Dns,
                format!("the host of {endpoint} was not found (DNS): check the endpoint of `{name}` and this machine's network"),
            )
        } else if has(&[
            "certificate",
            "invalid peer",
            "handshake",
            "unknownissuer",
            "corrupt message",
            "invalidcontenttype",
            "ssl",
        ]) {
            (
                StorageFailure::Tls,
                format!("the secure (TLS) connection to {endpoint} failed: its certificate is not trusted here or is not for this host; check the endpoint of `{name}` (http:// or https://)"),
            )
        } else if has(&[
            "connection refused",
            "tcp connect error",
            "connection reset",
            "network unreachable",
            "host unreachable",
        ]) {
            (
                StorageFailure::Unreachable,
                format!("nothing answers at {endpoint}: check that the store is running and that the endpoint of `{name}` (host and port) is right"),
            )
        } else if has(&["timed out", "timeout"]) {
            (
                StorageFailure::Timeout,
                format!("the store at {endpoint} did not answer in time: check the network, or try again later"),
            )
        } else if has(&["nosuchbucket", "no such bucket", "bucket not found"]) {
            (
                StorageFailure::NoBucket,
                format!("the bucket `{}` does not exist at {endpoint}: create it, or correct the bucket name of `{name}`", dest.bucket),
            )
        } else if has(&[
            "invalidaccesskeyid",
            "signaturedoesnotmatch",
            "invalid signature",
            "no such key",
            "invalid key",
            "unauthenticated",
            "forbidden: no such",
        ]) || matches!(e, object_store::Error::Unauthenticated { .. })
        {
            (
                StorageFailure::Credentials,
                format!("the store at {endpoint} refused the access key `{}`: check the access key id and its secret for `{name}`", dest.access_key_id),
            )
        } else if has(&["accessdenied", "access denied", "forbidden", "not allowed"])
            || matches!(e, object_store::Error::PermissionDenied { .. })
        {
            (
                StorageFailure::Forbidden,
                format!("the access key `{}` may not {what} in the bucket `{}`: give it read and write permission on the bucket", dest.access_key_id, dest.bucket),
            )
        } else if matches!(e, object_store::Error::NotFound { .. }) {
            (
                StorageFailure::NotFound,
                format!("not found in `{name}` ({})", dest.bucket),
            )
        } else if matches!(
            e,
            object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }
        ) {
            (
                StorageFailure::AlreadyExists,
                format!(
                    "an object with that name already exists in `{name}`: nothing was overwritten"
                ),
            )
        } else {
            (
                StorageFailure::Other,
                format!(
                    "the store at {endpoint} failed to {what}: {}",
                    first_line(&detail)
                ),
            )
        };
        StorageError {
            failure,
            message,
            detail,
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
