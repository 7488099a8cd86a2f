//! Fairings: what runs around every request or with the server's life
//! rather than in one route: security headers, telemetry (timing, counting,
//! the request id), sending a body whole, the database probe, and waking the
//! read-model maintainer and the CSV import worker after a change.

pub mod db_watch;
pub(crate) mod import_worker;
pub(crate) mod maintainer_wakeup;
pub mod request_id;
pub mod security_headers;
pub mod telemetry;
pub mod whole_body;
