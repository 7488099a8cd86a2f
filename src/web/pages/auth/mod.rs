//! Signing in and out: the sign-in page, sign-out, login throttling, and
//! the current password checked again as a sign-in would (`recheck`).

mod gate;
mod login;
pub mod recheck;
mod throttle;

pub use gate::LoginGate;

/// The sign-in and sign-out routes.
pub fn routes() -> Vec<rocket::Route> {
    login::routes()
}
