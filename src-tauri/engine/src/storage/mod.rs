//! Where backups go besides a local folder: S3-compatible buckets (AWS S3,
//! Garage, MinIO, Ceph RGW, Cloudflare R2, Backblaze B2), through
//! `object_store`. A backup streams into a multipart upload that is completed
//! only once the job succeeded ([`upload`]); the manifests beside the objects
//! are the record every machine writing to the bucket shares.

pub mod bucket;
mod failure;
pub mod read;
pub mod upload;

pub use bucket::{Bucket, RemoteBackup, TestStep};
pub use failure::{StorageError, StorageFailure};

use crate::error::EngineError;
use crate::server::connection::Secret;
use serde::{Deserialize, Serialize};

/// A named S3-compatible bucket (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct S3Destination {
    /// What the user calls it: `offsite`, `r2`.
    pub name: String,
    /// `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:3900`;
    /// none: AWS S3 in `region`.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Folder inside the bucket every key goes under (`tusk/laptop`).
    pub prefix: String,
    /// `endpoint/bucket/key` requests (Garage, MinIO, Ceph) instead of
    /// `bucket.endpoint/key` (AWS, R2).
    pub path_style: bool,
    pub access_key_id: String,
}

/// The secret half of an access key, with the key id it belongs to.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

impl S3Destination {
    /// Every field a bucket needs, checked before anything is sent.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |m: String| Err(EngineError::InvalidOptions(m));
        let name = self.name.trim();
        if name.is_empty() {
            return bad("a destination needs a name (e.g. `offsite`)".into());
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return bad(format!(
                "the destination name `{name}` may hold letters, digits, `-`, `_` and `.` only: it is how `--dest NAME` and `NAME:KEY` refer to it"
            ));
        }
        if self.bucket.trim().is_empty() {
            return bad(format!("the destination `{name}` needs a bucket name"));
        }
        if self.bucket.contains('/') {
            return bad(format!(
                "the bucket name `{}` holds a `/`: put the folder inside the bucket in the prefix instead",
                self.bucket
            ));
        }
        if self.region.trim().is_empty() {
            return bad(format!(
                "the destination `{name}` needs a region (AWS: e.g. `eu-central-1`; Garage: `garage`; R2: `auto`)"
            ));
        }
        if let Some(endpoint) = &self.endpoint {
            match url::Url::parse(endpoint) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                _ => {
                    return bad(format!(
                        "the endpoint `{endpoint}` is not an http:// or https:// address (e.g. https://s3.example.com or http://127.0.0.1:3900)"
                    ))
                }
            }
        }
        if self.access_key_id.trim().is_empty() {
            return bad(format!("the destination `{name}` needs an access key id"));
        }
        if self
            .prefix
            .split('/')
            .any(|part| part == ".." || part == ".")
        {
            return bad(format!(
                "the prefix `{}` may not hold `.` or `..` parts",
                self.prefix
            ));
        }
        Ok(())
    }

    /// Where the destination points, for lists and messages.
    pub fn describe(&self) -> String {
        let endpoint = self.endpoint.clone().unwrap_or_else(|| "AWS S3".into());
        let prefix = self.prefix.trim_matches('/');
        if prefix.is_empty() {
            format!("{endpoint} bucket {}", self.bucket)
        } else {
            format!("{endpoint} bucket {}/{prefix}", self.bucket)
        }
    }
}

/// `NAME:KEY`, how a backup in a bucket is named on the command line.
pub fn parse_location(text: &str) -> Option<(&str, &str)> {
    let (name, key) = text.split_once(':')?;
    let named = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.');
    // `C:\backups\x` is a Windows path, not a destination.
    (named && name.len() > 1 && !key.is_empty() && !key.starts_with('\\')).then_some((name, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest() -> S3Destination {
        S3Destination {
            name: "offsite".into(),
            endpoint: Some("http://127.0.0.1:3900".into()),
            region: "garage".into(),
            bucket: "backups".into(),
            prefix: "tusk".into(),
            path_style: true,
            access_key_id: "GK1".into(),
        }
    }

    #[test]
    fn destinations_are_checked_before_use() {
        assert!(dest().validate().is_ok());
        type Change = fn(&mut S3Destination);
        let cases: [(Change, &str); 6] = [
            (|d| d.name = "my bucket".into(), "letters, digits"),
            (
                |d| d.bucket = "a/b".into(),
                "put the folder inside the bucket",
            ),
            (|d| d.region.clear(), "needs a region"),
            (
                |d| d.endpoint = Some("s3.example.com".into()),
                "not an http://",
            ),
            (|d| d.access_key_id.clear(), "access key id"),
            (|d| d.prefix = "a/../b".into(), "`..`"),
        ];
        for (change, expected) in cases {
            let mut d = dest();
            change(&mut d);
            let message = d.validate().unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn locations_name_a_destination_and_a_key() {
        assert_eq!(
            parse_location("offsite:tusk/shop.backup"),
            Some(("offsite", "tusk/shop.backup"))
        );
        assert_eq!(parse_location("C:\\backups\\x.backup"), None);
        assert_eq!(parse_location("/tmp/a:b"), None);
        assert_eq!(parse_location("shop.backup"), None);
        assert_eq!(parse_location("offsite:"), None);
    }
}
