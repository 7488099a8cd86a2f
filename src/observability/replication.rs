//! Replication metrics: whether each database answers, the standby's lag
//! (bytes received but not replayed, seconds behind the last replayed
//! commit) and the reads that fell back from the standby to the primary.

/// Records whether `database` (`primary` or `standby`) answered its last probe.
pub fn set_database_up(database: &'static str, up: bool) {
    metrics::gauge!("orderdesk_database_up", "database" => database).set(if up {
        1.0
    } else {
        0.0
    });
}

/// Records the standby's lag as it sees it.
#[expect(
    clippy::cast_precision_loss,
    reason = "byte counts fit an f64 closely enough"
)]
pub fn set_replication_lag(bytes: i64, seconds: f64) {
    metrics::gauge!("orderdesk_replication_lag_bytes").set(bytes.max(0) as f64);
    metrics::gauge!("orderdesk_replication_lag_seconds").set(seconds.max(0.0));
}

/// Counts one read served by the primary instead of the standby, and why
/// (`standby_down` or `lagging`).
pub fn record_read_fallback(reason: &'static str) {
    metrics::counter!("orderdesk_read_fallbacks_total", "reason" => reason).increment(1);
}

pub(super) fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge};
    describe_gauge!(
        "orderdesk_database_up",
        "1 when the database (primary or standby) answered its last probe"
    );
    describe_gauge!(
        "orderdesk_replication_lag_bytes",
        Unit::Bytes,
        "WAL the standby has received but not yet replayed"
    );
    describe_gauge!(
        "orderdesk_replication_lag_seconds",
        Unit::Seconds,
        "How far the standby's replayed data is behind (0 when it has replayed all it received)"
    );
    describe_counter!(
        "orderdesk_read_fallbacks_total",
        "Reads served by the primary because the standby was down or lagging, by reason"
    );
}
