//! Staff sign-in, sessions, roles, CSRF and the staff accounts.

mod csrf;
mod headers;
mod login;
mod promises;
mod roles;
mod throttle;
mod users;
