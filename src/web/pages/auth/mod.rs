//! Signing in and out: the sign-in page, sign-out, and login throttling.

mod gate;
mod login;
mod throttle;

pub use gate::LoginGate;

/// The sign-in and sign-out routes.
pub fn routes() -> Vec<rocket::Route> {
    login::routes()
}
