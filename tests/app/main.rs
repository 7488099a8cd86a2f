//! The one integration-test binary: every test talks to a real PostgreSQL,
//! each in a database of its own made from a migrated template.

mod helpers;
mod html;
mod http_caching;
mod layering;

mod bulk;
mod cli;
mod concurrency;
mod currency;
mod customers;
mod e2e;
mod e2e_checks;
mod e2e_flows;
mod e2e_support;
mod events;
mod log_capture;
mod lookup;
mod maintainer;
mod migrations;
mod observability;
mod order_entry;
mod orders;
mod pages_customers;
mod pages_http;
mod pages_orders;
mod pages_products;
mod pages_stock;
mod printables;
mod products;
mod queries;
mod read_models;
mod replica;
mod replica_pair;
mod replica_restart;
mod replica_sessions;
mod reports;
mod round_trips;
mod security_bounds;
mod security_client_ip;
mod security_csv;
mod security_docs;
mod security_headers;
mod security_login_flood;
mod security_logs;
mod security_roles;
mod security_slow_clients;
mod seed;
mod stock;
mod time_zone;
mod web;

mod http;

mod auth_csrf;
mod auth_headers;
mod auth_login;
mod auth_roles;
mod auth_throttle;
mod auth_users;
