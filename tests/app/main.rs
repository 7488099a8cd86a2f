//! The one integration-test binary: every test talks to a real PostgreSQL,
//! each in a database of its own made from a migrated template.

mod helpers;

mod concurrency;
mod customers;
mod events;
mod migrations;
mod observability;
mod orders;
mod products;
mod seed;
mod stock;
mod web;
