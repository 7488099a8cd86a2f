//! Operability: the Prometheus metrics recorder, the metrics other parts of
//! the app report (HTTP requests, commands, pools, read-model refreshes) and
//! the log format. The web layer serves the exposition at `/metrics`.
//!
//! Metric names all start with `orderdesk_`; docs/OPERATIONS.md lists them.

mod commands;
mod logging;
mod refresh;
mod replication;

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub use commands::{FailureKind, instrument_command, record_command};
pub use logging::{LogFormat, NEVER_LOGGED, init_tracing, without_secrets};
pub use refresh::{BatchRecord, record_batch, record_refresh, set_pending, set_snapshot_age};
pub use replication::{record_read_fallback, set_database_up, set_replication_lag};

/// Histogram buckets for latencies, in seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (later calls, e.g. from each test's
/// Rocket, reuse it) and returns its handle. `None` when another recorder was
/// installed first: metrics then go there and `/metrics` has nothing to show.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// One connection pool's figures, by name (`write`, `read`, `read_fallback`).
#[derive(Debug, Clone, Copy)]
pub struct PoolStatus {
    pub name: &'static str,
    pub max_size: usize,
    pub size: usize,
    pub available: usize,
    pub waiting: usize,
}

/// What has connection pools to report: the database layer implements it for
/// its pools, so this module knows no pool type.
pub trait PoolGauges {
    fn pool_statuses(&self) -> Vec<PoolStatus>;
}

/// The exposition in Prometheus text format, with pool gauges read now.
pub fn render<P: PoolGauges>(pools: Option<&P>) -> String {
    if let Some(pools) = pools {
        record_pools(&pools.pool_statuses());
    }
    install().map_or_else(String::new, |handle| {
        handle.run_upkeep();
        handle.render()
    })
}

/// Size, idle connections and waiting requests of the pools (`read_fallback`:
/// read connections on the primary, used while the standby is down or lags).
pub fn record_pools(pools: &[PoolStatus]) {
    for status in pools {
        let name = status.name;
        metrics::gauge!("orderdesk_pool_max_size", "pool" => name).set(as_f64(status.max_size));
        metrics::gauge!("orderdesk_pool_size", "pool" => name).set(as_f64(status.size));
        metrics::gauge!("orderdesk_pool_available", "pool" => name).set(as_f64(status.available));
        metrics::gauge!("orderdesk_pool_waiting", "pool" => name).set(as_f64(status.waiting));
    }
}

/// Records one served HTTP request (called by the web layer's fairing).
pub fn record_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!("orderdesk_http_requests_total", &labels).increment(1);
    metrics::histogram!("orderdesk_http_request_duration_seconds", &labels).record(seconds);
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "orderdesk_http_requests_total",
        "HTTP requests served, by route template and status"
    );
    describe_histogram!(
        "orderdesk_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request latency"
    );
    describe_counter!(
        "orderdesk_commands_total",
        "Commands run, by outcome (ok or error)"
    );
    describe_counter!(
        "orderdesk_command_failures_total",
        "Commands refused or failed, by kind"
    );
    describe_histogram!(
        "orderdesk_command_duration_seconds",
        Unit::Seconds,
        "Command latency"
    );
    describe_gauge!(
        "orderdesk_pool_max_size",
        "Most connections the pool may open"
    );
    describe_gauge!("orderdesk_pool_size", "Connections the pool holds now");
    describe_gauge!("orderdesk_pool_available", "Idle connections in the pool");
    describe_gauge!(
        "orderdesk_pool_waiting",
        "Requests waiting for a connection"
    );
    refresh::describe();
    replication::describe();
}

/// Gauges take `f64`; pool figures are small.
fn as_f64(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::from(u32::MAX), f64::from)
}
