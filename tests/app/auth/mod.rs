//! Staff sign-in, sessions, roles, CSRF and the staff accounts.

mod csrf;
mod headers;
mod login;
mod next_target;
mod own_password;
mod password_reset;
mod promises;
mod roles;
mod sign_in_race;
mod sign_out_everywhere;
mod throttle;
mod users;
