//! OrderDesk: the back office of a shop, built as a single-database CQRS app.
//!
//! The write side ([`commands`]) changes normalized tables and appends events;
//! the read side (`queries`, over materialized views) renders pages. They meet
//! only in the database and in the web layer ([`web`]).

pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod imports;
pub mod observability;
pub mod queries;
pub mod read_models;
pub mod security;
pub mod seed;
pub mod web;

pub use web::build_rocket;
