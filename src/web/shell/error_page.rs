//! The HTTP face of [`AppError`]: each kind's status, the error page in the
//! site layout, and the one place a 503 or 500 is logged (with its detail,
//! which the user never sees).

use askama::Template;
use rocket::http::Status;
use rocket::response::{self, Responder, content::RawHtml};
use rocket::{Request, Response};

use crate::error::AppError;
use crate::web::{Chrome, filters};

/// The status each kind of failure answers with.
pub fn status_of(error: &AppError) -> Status {
    match error {
        AppError::NotFound(_) => Status::NotFound,
        AppError::Forbidden(_) => Status::Forbidden,
        AppError::Conflict(_) => Status::Conflict,
        AppError::Unprocessable(_) => Status::UnprocessableEntity,
        AppError::Unavailable(_) => Status::ServiceUnavailable,
        AppError::Internal(_) => Status::InternalServerError,
    }
}

/// The error page, in the site layout.
#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub code: u16,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            chrome: Chrome::default(),
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
        let status = status_of(&self);
        match &self {
            Self::Unavailable(detail) => {
                tracing::warn!(
                    uri = %req.uri(),
                    status = status.code,
                    error = %detail,
                    "database unavailable"
                );
            }
            Self::Internal(detail) => {
                tracing::error!(
                    uri = %req.uri(),
                    status = status.code,
                    error = %detail,
                    "request failed"
                );
            }
            _ => {}
        }
        let page = ErrorPage::new(status, self.public_message()).html();
        Response::build_from(RawHtml(page).respond_to(req)?)
            .status(status)
            .ok()
    }
}
