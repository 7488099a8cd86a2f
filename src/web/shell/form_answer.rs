//! [`FormAnswer`]: what every form POST answers, one type for all of them.
//! Post/Redirect/Get when the command succeeded (a 303 with a flash), a 303
//! without one where there is nothing to say (sign-in, printing), or the
//! form's page again with a status: 422 or 409 when it was refused, 200 when
//! a button only re-renders it (order entry's "find", "update totals").

use rocket::Responder;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};

/// The answers of a form handler.
#[derive(Responder)]
pub enum FormAnswer {
    /// 303 See Other with a flash (a success, or why nothing was done).
    Done(Flash<Redirect>),
    /// 303 See Other, no message.
    Go(Redirect),
    /// The page again, with the submitted values and the errors.
    Page((Status, RawHtml<String>)),
}

impl FormAnswer {
    /// 303 to `url`, with `message` shown there once as a success.
    pub fn done(url: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Done(Flash::success(Redirect::to(url.into()), message.into()))
    }

    /// 303 to `url`, with `message` shown there once as an error.
    pub fn done_with_error(url: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Done(Flash::error(Redirect::to(url.into()), message.into()))
    }

    /// 303 to `url`.
    pub fn go(url: impl Into<String>) -> Self {
        Self::Go(Redirect::to(url.into()))
    }

    /// The form's page with `status`.
    pub fn page(status: Status, page: RawHtml<String>) -> Self {
        Self::Page((status, page))
    }
}
