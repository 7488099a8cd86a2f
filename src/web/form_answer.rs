//! What a form POST answers: a redirect with a flash (Post/Redirect/Get) when
//! the command succeeded, or the form's page re-rendered with a status (422,
//! 409) when it was refused.

use rocket::Responder;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};

/// The two answers of a form handler.
#[derive(Responder)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per request, returned at once"
)]
pub enum FormAnswer {
    /// 303 See Other with a success flash.
    Done(Flash<Redirect>),
    /// The page again, with the submitted values and the errors.
    Refused((Status, RawHtml<String>)),
}

impl FormAnswer {
    /// 303 to `url`, with `message` shown there once.
    pub fn done(url: String, message: impl Into<String>) -> Self {
        Self::Done(Flash::success(Redirect::to(url), message.into()))
    }

    /// The re-rendered page with `status`.
    pub fn refused(status: Status, page: RawHtml<String>) -> Self {
        Self::Refused((status, page))
    }
}
