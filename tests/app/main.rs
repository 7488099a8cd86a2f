//! The one integration-test binary: every test talks to a real PostgreSQL,
//! each in a database of its own made from a migrated template. A folder per
//! area; the harness in `support/`.

mod support;

mod auth;
mod commands;
mod e2e;
mod ops;
mod pages;
mod read_side;
mod replica;
mod security;

mod cycles;
mod layering;
mod migrations;
mod templates;
