//! Staff authentication for the web layer: server-side sessions, the sign-in
//! and sign-out pages, login throttling, request guards for the signed-in user
//! and their role, CSRF protection of every form, and security headers.

mod client;
mod csrf;
mod device;
mod gate;
mod guards;
mod headers;
mod login;
pub(crate) mod session;
mod throttle;

pub use client::ClientInfo;
pub use csrf::{CsrfForm, TokenOnly};
pub use gate::LoginGate;
pub(crate) use guards::found_with_page;
pub use guards::{Admin, Clerk, CurrentUser, Refusal};
pub use headers::SecurityHeaders;

/// The sign-in and sign-out routes.
pub fn routes() -> Vec<rocket::Route> {
    login::routes()
}
