//! Reading a form body with a size limit and a deadline. Rocket 0.5 has no
//! body-read timeout, so a client trickling a body would keep its request
//! (and anything its guards hold) alive for as long as it likes: every form
//! this app reads goes through [`read`], which gives up after
//! `form_read_timeout_secs` with 408. Request guards run before the data
//! guard, so a connection guard is held while the body trickles: the
//! anonymous forms (sign-in, sign-out) and the own-password form check their
//! connections out after the body is in; the other forms need a session and
//! hold theirs for at most this deadline.

use std::time::Duration;

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::form::{Form, FromForm};
use rocket::http::{RawStr, Status};
use rocket::request::Request;

use crate::config::Settings;

/// The whole body of a form request, or the status to refuse it with.
pub async fn read(req: &Request<'_>, data: Data<'_>) -> Result<String, (Status, String)> {
    let limit = req.limits().get("form").unwrap_or_else(|| 32.kibibytes());
    let secs = req
        .rocket()
        .state::<Settings>()
        .map_or(10, |s| s.form_read_timeout_secs);
    match tokio::time::timeout(Duration::from_secs(secs), data.open(limit).into_string()).await {
        Err(_) => {
            tracing::warn!(uri = %req.uri(), "form body not received in time");
            Err((
                Status::RequestTimeout,
                "form body not received in time".into(),
            ))
        }
        Ok(Ok(body)) if body.is_complete() => Ok(body.into_inner()),
        Ok(Ok(_)) => Err((Status::PayloadTooLarge, "form too large".into())),
        Ok(Err(e)) => Err((Status::BadRequest, e.to_string())),
    }
}

/// A form of type `T` read with [`read`] (for forms without a session, such
/// as sign-in; signed-in forms use `CsrfForm`).
pub struct TimedForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T> FromData<'r> for TimedForm<T>
where
    T: for<'a> FromForm<'a> + Send + 'static,
{
    type Error = String;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let body = match read(req, data).await {
            Ok(body) => body,
            Err(refusal) => return data::Outcome::Error(refusal),
        };
        match Form::<T>::parse_encoded(RawStr::new(&body)) {
            Ok(form) => data::Outcome::Success(TimedForm(form)),
            Err(errors) => data::Outcome::Error((Status::UnprocessableEntity, errors.to_string())),
        }
    }
}
