//! Staff sign-in, sessions, roles, CSRF and the staff accounts.

mod csrf;
mod headers;
mod login;
mod own_password;
mod password_reset;
mod promises;
mod roles;
mod throttle;
mod users;
