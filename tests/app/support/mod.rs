//! The harness, not tests: a database per test, HTTP clients, reading markup,
//! capturing logs, the browser session and the replica pair.

pub mod e2e_support;
pub mod helpers;
pub mod html;
pub mod http;
pub mod imports;
pub mod inputs;
pub mod log_capture;
pub mod pages_http;
pub mod replica_pair;
