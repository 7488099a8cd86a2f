//! `GET /login`, `POST /login`, `POST /logout`. Every sign-in starts a new
//! session (and ends the one the browser presented), so a session id planted
//! before sign-in is worthless. Unknown user, wrong password and inactive
//! account all get the same answer, after the same argon2 work. Every attempt
//! goes through the throttle (`throttle`) and is stored, refused ones too;
//! typed usernames are logged quoted and escaped (`?`), never raw.

use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};
use rocket::{State, get, post, routes};

use super::gate::{LoginGate, Refused};
use super::throttle;
use crate::config::Settings;
use crate::db::Pools;
use crate::db::health::DbHealth;
use crate::db::schema::staff_users;
use crate::error::AppError;
use crate::web::Flash as FlashNote;
use crate::web::filters;
use crate::web::guards::csrf::{self, CsrfForm, TokenOnly};
use crate::web::guards::form_body::TimedForm;
use crate::web::guards::{ClientInfo, device, session};
use crate::web::{FormAnswer, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![login_page, login, logout]
}

/// The sign-in form.
#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    chrome: crate::web::Chrome,
    csrf_token: String,
    next: String,
    username: String,
    error: Option<String>,
    flash: Option<FlashNote>,
    /// The primary is away: the form is shown disabled (the page has no
    /// signed-in chrome to ask).
    writes_paused: bool,
}

/// The sign-in form as submitted. No `Debug`: it holds a password.
#[derive(FromForm)]
struct LoginForm {
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
    #[field(default = String::new())]
    csrf_token: String,
}

const BAD_CREDENTIALS: &str = "The username or password is not right.";

/// Only a local path may be a `next` target (no `//host`, no scheme), and
/// one the redirect can carry (a valid origin URI: what a browser sends is
/// percent-encoded, so only a crafted one is not, and it would answer 500).
fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && rocket::http::uri::Origin::parse(next).is_ok();
    if ok { next.to_owned() } else { "/".into() }
}

fn render(page: &LoginPage) -> Result<String, AppError> {
    page.render().map_err(|e| AppError::Internal(e.to_string()))
}

#[get("/login?<next>")]
fn login_page(
    next: Option<&str>,
    cookies: &CookieJar<'_>,
    settings: &State<Settings>,
    health: &State<Arc<DbHealth>>,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<RawHtml<String>, AppError> {
    render(&LoginPage {
        chrome: crate::web::Chrome::default(),
        csrf_token: csrf::login_token(cookies, settings),
        next: safe_next(next.unwrap_or("/")),
        username: String::new(),
        error: None,
        flash: flash.map(FlashNote::from),
        writes_paused: health.primary_down(),
    })
    .map(RawHtml)
}

#[post("/login", data = "<form>")]
async fn login(
    form: TimedForm<LoginForm>,
    pools: &State<Pools>,
    cookies: &CookieJar<'_>,
    settings: &State<Settings>,
    health: &State<Arc<DbHealth>>,
    client: ClientInfo,
    gate: &State<LoginGate>,
) -> Result<FormAnswer, AppError> {
    let form = form.0;
    let username: String = form
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(200)
        .collect();
    let again = |status: Status, message: &str| -> Result<FormAnswer, AppError> {
        let page = render(&LoginPage {
            chrome: crate::web::Chrome::default(),
            csrf_token: csrf::login_token(cookies, settings),
            next: safe_next(&form.next),
            username: username.clone(),
            error: Some(message.into()),
            flash: None,
            writes_paused: health.primary_down(),
        })?;
        Ok(FormAnswer::page(status, RawHtml(page)))
    };
    // The gate first: a flood is refused before it costs a connection.
    let address = client.ip.as_deref().and_then(|ip| ip.parse().ok());
    let turn = match gate.admit(address, Instant::now()) {
        Ok(()) => gate.enter().await,
        Err(refused) => Err(refused),
    };
    let _turn = match turn {
        Ok(turn) => turn,
        Err(refused) => {
            let ip = client.ip.as_deref();
            tracing::warn!(username = ?username, ip = ?ip, outcome = ?refused, "login gate");
            return match refused {
                Refused::Address(wait) => again(
                    Status::TooManyRequests,
                    &throttle::message(chrono::TimeDelta::from_std(wait).unwrap_or_default()),
                ),
                Refused::Busy => again(Status::ServiceUnavailable, throttle::BUSY),
            };
        }
    };
    let device = device::presented(cookies, settings);
    let attempt = throttle::Attempt {
        username: &username,
        ip: client.ip.as_deref(),
        device: device.as_deref(),
    };
    let ip = attempt.ip;
    // Checked out only now that the body is in (see `web::form_body`), and
    // given back before the password is checked: argon2 holds no connection.
    let mut db = WriteConn(pools.write.get().await?);
    if !csrf::login_token_matches(cookies, settings, &form.csrf_token) {
        throttle::record_refused(&mut db.0, &attempt).await?;
        tracing::warn!(username = ?username, ip = ?ip, outcome = "csrf_refused", "login attempt");
        return Err(AppError::Forbidden(csrf::refused_message().into()));
    }
    let attempt_id = match throttle::begin(&mut db.0, &attempt).await? {
        throttle::Decision::Proceed(id) => id,
        throttle::Decision::Wait(wait) => {
            tracing::warn!(username = ?username, ip = ?ip, outcome = "throttled", "login attempt");
            return again(Status::TooManyRequests, &throttle::message(wait));
        }
    };
    let account: Option<(i64, String)> = staff_users::table
        .filter(staff_users::username.eq(&username))
        .filter(staff_users::active.eq(true))
        .select((staff_users::id, staff_users::password_hash))
        .first(&mut db.0)
        .await
        .optional()?;
    drop(db);
    let (user_id, stored) = account.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
    let verified = gate
        .verify_password(form.password.clone(), stored.clone())
        .await;
    let mut db = WriteConn(pools.write.get().await?);
    let started = match (user_id.filter(|_| verified), stored.as_deref()) {
        (Some(user_id), Some(hash)) => {
            if let Some(old) = cookies.get(settings.session_cookie_name()) {
                session::end_token(&mut db.0, old.value()).await?;
            }
            session::purge_expired(&mut db.0, settings).await?;
            // None: the password changed (or the account was deactivated)
            // while it was being checked.
            session::start(&mut db.0, user_id, hash, &client, settings).await?
        }
        _ => None,
    };
    let Some(new) = started else {
        throttle::finish(&mut db.0, attempt_id, Err(())).await?;
        tracing::info!(username = ?username, ip = ?ip, outcome = "failed", "login attempt");
        return again(Status::Unauthorized, BAD_CREDENTIALS);
    };
    let device = device::remember(cookies, settings);
    throttle::finish(&mut db.0, attempt_id, Ok(&device)).await?;
    tracing::info!(username = ?username, ip = ?ip, outcome = "succeeded", "login attempt");
    cookies.add(session::cookie(new.token, settings));
    Ok(FormAnswer::go(safe_next(&form.next)))
}

#[post("/logout", data = "<form>")]
async fn logout(
    form: CsrfForm<TokenOnly>,
    pools: &State<Pools>,
    cookies: &CookieJar<'_>,
    settings: &State<Settings>,
) -> Flash<Redirect> {
    // The cookie goes first: with the primary away the session cannot be
    // ended in the database (it expires), but this browser is signed out.
    cookies.remove(session::removal(settings));
    let ended = match pools.write.get().await {
        Ok(mut conn) => session::end(&mut conn, form.user.session_id())
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = ended {
        // It ends by itself at its idle expiry; this browser no longer has it.
        let username = &form.user.username;
        tracing::warn!(username = %username, error = %e, "session not ended in the database");
    }
    tracing::info!(username = %form.user.username, "signed out");
    Flash::success(Redirect::to("/login"), "You are signed out.")
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_ever_a_local_path() {
        assert_eq!(safe_next("/users?x=1"), "/users?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "",
            "users",
            "/login",
            "/orders/\"><img src=x>",
            "/café",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
