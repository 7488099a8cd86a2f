//! Bounds, headers, logs, database roles and what docs/SECURITY.md promises.

mod bounds;
mod client_ip;
mod csv;
mod docs;
mod headers;
mod login_flood;
mod logs;
mod roles;
mod slow_clients;
