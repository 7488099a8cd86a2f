//! Staff sign-in, sessions, roles, CSRF and the staff accounts.

mod csrf;
mod headers;
mod login;
mod own_password;
mod password_reset;
mod promises;
mod roles;
mod sign_out_everywhere;
mod throttle;
mod users;
