//! The device cookie: a random token a browser gets at its first successful
//! sign-in, so the throttle can tell the user's own browser from guesses made
//! elsewhere (see `throttle`). The database keeps only its SHA-256, on the
//! login attempts; the cookie opens nothing by itself.

use rocket::http::{Cookie, CookieJar, SameSite};

use crate::config::Settings;
use crate::security::{random_token, sha256_hex};

fn name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        "__Host-orderdesk_device"
    } else {
        "orderdesk_device"
    }
}

fn well_formed(value: &str) -> bool {
    value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// The SHA-256 of the device cookie the browser sent, if it is well formed.
pub fn presented(cookies: &CookieJar<'_>, settings: &Settings) -> Option<String> {
    cookies
        .get(name(settings))
        .map(Cookie::value)
        .filter(|v| well_formed(v))
        .map(sha256_hex)
}

/// After a successful sign-in: the device's hash, giving the browser a
/// device cookie first when it has none (kept for 30 days).
pub fn remember(cookies: &CookieJar<'_>, settings: &Settings) -> String {
    if let Some(hash) = presented(cookies, settings) {
        return hash;
    }
    let token = random_token();
    let hash = sha256_hex(&token);
    cookies.add(
        Cookie::build((name(settings), token))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .secure(settings.secure_cookies)
            .max_age(rocket::time::Duration::days(30)),
    );
    hash
}
