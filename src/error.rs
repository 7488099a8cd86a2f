//! [`AppError`]: every failure a request can meet, sorted into the kinds the
//! user is told apart: a missing record, a refusal, a conflict, input a
//! command refused, a database that cannot be reached (the pool timed out or
//! the connection is gone), and the rest. This module knows no web framework:
//! `web::error_page` turns each kind into its HTTP status and page (404, 403,
//! 409, 422, 503, 500) and logs the details of a 503 or 500 there, once.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::commands::CommandError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    /// The database is unreachable or overloaded; the detail is logged only.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected database error; the detail is logged only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// What the user is told: the message of a refusal, never the detail of
    /// an unavailable database or an internal error.
    pub fn public_message(&self) -> String {
        match self {
            Self::NotFound(m) | Self::Forbidden(m) | Self::Conflict(m) | Self::Unprocessable(m) => {
                m.clone()
            }
            Self::Unavailable(_) => {
                "The database is not answering right now. Nothing was saved; try again in a moment."
                    .into()
            }
            Self::Internal(_) => "Something went wrong on our side. Nothing was saved.".into(),
        }
    }
}

/// Whether a Diesel error means "the database is not reachable" (or did not
/// answer in time: a statement or lock timeout) rather than a bug.
pub fn is_unavailable(e: &DieselError) -> bool {
    if crate::db::retry::is_connection_error(e) {
        return true;
    }
    match e {
        // diesel-async does not expose the SQLSTATE (57014, 55P03) of these;
        // PostgreSQL's messages are fixed (lc_messages is English by default).
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let m = info.message();
            m.starts_with("canceling statement due to statement timeout")
                || m.starts_with("canceling statement due to lock timeout")
        }
        _ => false,
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound("Not found.".into()),
            e if is_unavailable(&e) => Self::Unavailable(e.to_string()),
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::Conflict("Someone else changed this at the same moment; try again.".into())
            }
            e => Self::Internal(e.to_string()),
        }
    }
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Invalid(_) | CommandError::InsufficientStock(_) => {
                Self::Unprocessable(e.to_string())
            }
            CommandError::NotFound { .. } => Self::NotFound(e.to_string()),
            CommandError::Forbidden(m) => Self::Forbidden(m),
            CommandError::Conflict(_) | CommandError::InvalidTransition { .. } => {
                Self::Conflict(e.to_string())
            }
            CommandError::Database(db) => db.into(),
            CommandError::Invariant(_) => Self::Internal(e.to_string()),
        }
    }
}

impl From<crate::db::pools::PoolError> for AppError {
    fn from(e: crate::db::pools::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}
