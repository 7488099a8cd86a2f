//! [`AppError`]: every failure a request can meet, turned into an HTTP response
//! in this one place. 404 for a missing record, 409 for a conflict, 422 for
//! input a command refused, 503 when the database cannot be reached (the pool
//! timed out or the connection is gone), 500 for the rest. Details of a 500 or
//! 503 are logged here, once, and never shown to the user.

use askama::Template;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rocket::http::Status;
use rocket::response::{self, Responder, content::RawHtml};
use rocket::{Request, Response};

use crate::commands::CommandError;
use crate::web::filters;

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
    pub fn status(&self) -> Status {
        match self {
            Self::NotFound(_) => Status::NotFound,
            Self::Forbidden(_) => Status::Forbidden,
            Self::Conflict(_) => Status::Conflict,
            Self::Unprocessable(_) => Status::UnprocessableEntity,
            Self::Unavailable(_) => Status::ServiceUnavailable,
            Self::Internal(_) => Status::InternalServerError,
        }
    }

    /// What the user is told.
    fn public_message(&self) -> String {
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
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        )
        | DieselError::BrokenTransactionManager => true,
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
            CommandError::Conflict(_) | CommandError::InvalidTransition { .. } => {
                Self::Conflict(e.to_string())
            }
            CommandError::Database(db) => db.into(),
        }
    }
}

impl From<crate::db::pools::PoolError> for AppError {
    fn from(e: crate::db::pools::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}

/// The error page, in the site layout.
#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub chrome: crate::web::Chrome,
    pub code: u16,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            chrome: crate::web::Chrome::default(),
            code: status.code,
            title: status.reason_lossy().to_owned(),
            message: message.into(),
        }
    }

    /// Renders the page; a template failure falls back to plain text.
    pub fn html(&self) -> String {
        self.render()
            .unwrap_or_else(|_| format!("{} {}: {}", self.code, self.title, self.message))
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        match &self {
            Self::Unavailable(detail) => {
                tracing::warn!(uri = %req.uri(), status = status.code, error = %detail, "database unavailable");
            }
            Self::Internal(detail) => {
                tracing::error!(uri = %req.uri(), status = status.code, error = %detail, "request failed");
            }
            _ => {}
        }
        let page = ErrorPage::new(status, self.public_message()).html();
        Response::build_from(RawHtml(page).respond_to(req)?)
            .status(status)
            .ok()
    }
}
