//! Signing in and out: the sign-in page, sign-out, and login throttling.

mod login;
mod throttle;

/// The sign-in and sign-out routes.
pub fn routes() -> Vec<rocket::Route> {
    login::routes()
}
