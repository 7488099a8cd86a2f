//! Bounds, headers, logs, database roles and what docs/SECURITY.md promises.

mod bounds;
mod client_ip;
mod csrf_walk;
mod csv;
mod definer;
mod docs;
mod headers;
mod login_flood;
mod logs;
mod ownership;
mod password_guesses;
mod paused_echo;
mod roles;
mod slow_clients;
mod standby_session;
mod statement_timeout;
