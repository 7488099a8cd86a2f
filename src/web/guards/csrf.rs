//! CSRF protection. Every POST form carries the session's random token in a
//! hidden `csrf_token` field; [`CsrfForm`] checks it in constant time before
//! the form is even parsed, so a forged request is refused (403) before any
//! command can run. The sign-in form, which has no session yet, uses a
//! double-submit cookie instead ([`login_token`]).

use rocket::data::{self, Data, FromData};
use rocket::form::{Form, FromForm};
use rocket::http::{Cookie, CookieJar, RawStr, SameSite, Status};
use rocket::request::Request;

use super::user::{CurrentUser, refuse};
use crate::config::Settings;
use crate::security::{constant_time_eq, random_token};

/// The hidden field every form carries.
pub const FIELD: &str = "csrf_token";
/// The sign-in form's double-submit cookie, named by [`login_cookie_name`].
const LOGIN_COOKIE: &str = "orderdesk_login_csrf";
/// Its name with `secure_cookies`: the `__Host-` prefix makes the browser
/// refuse it unless it is `Secure`, for this host only, on `/` (so a sibling
/// subdomain or a plain-HTTP page cannot plant one).
const LOGIN_COOKIE_HOST: &str = "__Host-orderdesk_login_csrf";

/// The sign-in form's cookie name under `settings`.
pub fn login_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        LOGIN_COOKIE_HOST
    } else {
        LOGIN_COOKIE
    }
}

const REFUSED: &str = "This form has expired or did not come from OrderDesk, so nothing was \
                       changed. Go back, reload the page and try again.";

/// A form of type `T` from a signed-in user whose CSRF token matched.
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

impl<T> CsrfForm<T> {
    /// The parsed form.
    pub fn into_inner(self) -> T {
        self.form
    }
}

impl<T> std::ops::Deref for CsrfForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.form
    }
}

/// A form with nothing but its CSRF token (sign-out, deactivate).
#[derive(Debug, FromForm)]
pub struct TokenOnly {
    #[field(default = String::new())]
    pub csrf_token: String,
}

fn submitted_token(body: &str) -> Option<&str> {
    Form::values(body)
        .find(|field| field.name.source().as_str() == FIELD)
        .map(|field| field.value)
}

#[rocket::async_trait]
impl<'r, T> FromData<'r> for CsrfForm<T>
where
    T: for<'a> FromForm<'a> + Send + 'static,
{
    type Error = String;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let user = match req.guard::<CurrentUser>().await {
            rocket::outcome::Outcome::Success(user) => user,
            rocket::outcome::Outcome::Error((status, ())) => {
                return data::Outcome::Error((status, "no session".into()));
            }
            rocket::outcome::Outcome::Forward(status) => {
                return data::Outcome::Forward((data, status));
            }
        };
        let body = match crate::web::guards::form_body::read(req, data).await {
            Ok(body) => body,
            Err(refusal) => return data::Outcome::Error(refusal),
        };
        if !submitted_token(&body).is_some_and(|token| user.csrf_matches(token)) {
            tracing::warn!(user = %user.username, uri = %req.uri(), "CSRF token missing or wrong");
            refuse(req, REFUSED.into());
            return data::Outcome::Error((Status::Forbidden, "CSRF token mismatch".into()));
        }
        match Form::<T>::parse_encoded(RawStr::new(&body)) {
            Ok(form) => data::Outcome::Success(CsrfForm { user, form }),
            Err(errors) => data::Outcome::Error((Status::UnprocessableEntity, errors.to_string())),
        }
    }
}

/// The sign-in form's token: the one in its cookie, or a new one (set now).
pub fn login_token(cookies: &CookieJar<'_>, settings: &Settings) -> String {
    let name = login_cookie_name(settings);
    if let Some(existing) = cookies.get(name) {
        let value = existing.value();
        if value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit()) {
            return value.to_owned();
        }
    }
    let token = random_token();
    cookies.add(
        Cookie::build((name, token.clone()))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .secure(settings.secure_cookies),
    );
    token
}

/// Whether the sign-in form's token matches its cookie (constant time).
pub fn login_token_matches(cookies: &CookieJar<'_>, settings: &Settings, submitted: &str) -> bool {
    cookies
        .get(login_cookie_name(settings))
        .is_some_and(|c| constant_time_eq(c.value(), submitted))
}

/// The message shown when a CSRF check fails.
pub fn refused_message() -> &'static str {
    REFUSED
}
