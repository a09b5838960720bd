//! Errors a user can read: each names the file or the record and the problem.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: not a Rampart model ({reason})")]
    NotAModel { path: PathBuf, reason: String },

    #[error("{path}: the file is truncated ({reason}); it was not changed")]
    Truncated { path: PathBuf, reason: String },

    #[error(
        "{path}: made by a newer Rampart (format version {found}); this version reads up to {supported}. \
         The file was not changed"
    )]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },

    #[error("{path}: the model is damaged ({reason})")]
    Corrupt { path: PathBuf, reason: String },

    #[error("{path}: {reason}")]
    InvalidJson { path: PathBuf, reason: String },

    #[error("{path}: a file already exists there")]
    AlreadyExists { path: PathBuf },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{path}: database error: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },

    /// An operation that would break the document's integrity; nothing was changed.
    #[error("{0}")]
    InvalidOperation(String),

    /// The user stopped a long export; nothing was written.
    #[error("the export was cancelled")]
    Cancelled,

    #[error("internal encoding error: {0}")]
    Encoding(#[from] serde_json::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    pub fn sqlite(path: impl Into<PathBuf>, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: path.into(), source }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidOperation(message.into())
    }
}
