//! The one error shape the frontend receives: `{kind, message, detail}`.

use serde::Serialize;
use tusk_engine::{EngineError, ErrorPayload};

/// Errors of the app layer; engine errors pass through with their own kind.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("no connection with id `{0}`: it may have been deleted; pick another connection")]
    UnknownConnection(String),
    #[error("a job with id `{0}` already exists: use a new id")]
    JobIdInUse(String),
    #[error("no job with id `{0}`")]
    UnknownJob(String),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot use the file {path}: {message}")]
    Storage { path: String, message: String },
    #[error("the demo database could not be started: {0}")]
    Demo(String),
    #[error(transparent)]
    Catalog(#[from] tusk_engine::catalog::CatalogError),
    #[error("{0}")]
    Io(String),
}

impl AppError {
    pub fn payload(&self) -> ErrorPayload {
        match self {
            AppError::Engine(e) => e.to_payload(),
            AppError::Catalog(e) => ErrorPayload {
                kind: e.kind().into(),
                message: e.to_string(),
                detail: None,
            },
            other => ErrorPayload {
                kind: match other {
                    AppError::UnknownConnection(_) => "unknownConnection",
                    AppError::JobIdInUse(_) => "jobIdInUse",
                    AppError::UnknownJob(_) => "unknownJob",
                    AppError::Invalid(_) => "invalidOptions",
                    AppError::Storage { .. } => "storage",
                    AppError::Demo(_) => "demo",
                    AppError::Io(_) => "io",
                    AppError::Engine(_) | AppError::Catalog(_) => unreachable!("handled above"),
                }
                .into(),
                message: other.to_string(),
                detail: None,
            },
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(serializer)
    }
}

pub type AppResult<T> = Result<T, AppError>;
