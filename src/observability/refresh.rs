//! Read-model refresh metrics, for the refresher and `orderdesk refresh` to
//! report: runs, failures, duration, rows and the events still pending.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Records one refresh of `view`: its duration, the rows it holds after, and
/// whether it succeeded (a failed refresh keeps serving the last good data).
pub fn record_refresh(view: &str, duration: Duration, rows: i64, ok: bool) {
    let view = view.to_owned();
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("orderdesk_refresh_total", "view" => view.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("orderdesk_refresh_duration_seconds", "view" => view.clone())
        .record(duration.as_secs_f64());
    if ok {
        metrics::gauge!("orderdesk_refresh_rows", "view" => view.clone()).set(lossy(rows));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        metrics::gauge!("orderdesk_refresh_last_success_timestamp_seconds", "view" => view)
            .set(now);
    }
}

/// Sets how many committed events `view` has not yet taken in.
pub fn set_pending(view: &str, events: i64) {
    metrics::gauge!("orderdesk_refresh_pending_events", "view" => view.to_owned())
        .set(lossy(events));
}

pub(super) fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "orderdesk_refresh_total",
        "Read-model refreshes, by view and outcome"
    );
    describe_histogram!(
        "orderdesk_refresh_duration_seconds",
        Unit::Seconds,
        "Refresh duration"
    );
    describe_gauge!(
        "orderdesk_refresh_rows",
        "Rows in the view after its last good refresh"
    );
    describe_gauge!(
        "orderdesk_refresh_last_success_timestamp_seconds",
        Unit::Seconds,
        "Unix time of the view's last good refresh"
    );
    describe_gauge!(
        "orderdesk_refresh_pending_events",
        "Committed events the view has not taken in"
    );
}

/// Row and event counts fit a gauge's `f64` closely enough.
#[expect(clippy::cast_precision_loss)]
fn lossy(n: i64) -> f64 {
    n as f64
}
