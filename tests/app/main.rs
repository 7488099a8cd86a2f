//! The one integration-test binary: every test talks to a real PostgreSQL,
//! each in a database of its own made from a migrated template.

mod helpers;

mod cli;
mod concurrency;
mod customers;
mod events;
mod migrations;
mod orders;
mod pages_customers;
mod pages_http;
mod pages_products;
mod pages_stock;
mod products;
mod queries;
mod read_models;
mod stock;
mod web;
