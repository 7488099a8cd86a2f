//! Read-model metrics: the maintainer's batches (events, keys, rows changed,
//! carried over, duration), report-view refreshes, and the events still
//! pending per model (read at scrape time).

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

/// One maintainer batch, in plain figures (the maintainer translates its
/// outcome into this, so this module knows no maintainer type).
#[derive(Debug, Clone, Copy)]
pub enum BatchRecord<'a> {
    /// The batch committed.
    Applied {
        /// Whether it found anything to do (a quiet batch records only its
        /// outcome and the carried keys).
        did_work: bool,
        duration: Duration,
        events: i64,
        orders: i64,
        /// Keys left queued for the next batch.
        carried: i64,
        /// Rows written or removed, by live model name.
        rows_changed: &'a [(&'static str, i64)],
    },
    /// Another maintainer held the lock; nothing done.
    Busy,
    /// The batch rolled back.
    Failed,
}

/// Records one maintainer batch.
pub fn record_batch(batch: BatchRecord<'_>) {
    match batch {
        BatchRecord::Applied {
            did_work,
            duration,
            events,
            orders,
            carried,
            rows_changed,
        } => {
            metrics::counter!("orderdesk_maintainer_batches_total", "outcome" => "ok").increment(1);
            metrics::gauge!("orderdesk_maintainer_carried_keys").set(lossy(carried));
            if !did_work {
                return;
            }
            metrics::histogram!("orderdesk_maintainer_batch_duration_seconds")
                .record(duration.as_secs_f64());
            metrics::counter!("orderdesk_maintainer_events_total")
                .increment(u64::try_from(events).unwrap_or(0));
            metrics::counter!("orderdesk_maintainer_orders_total")
                .increment(u64::try_from(orders).unwrap_or(0));
            for &(model, rows) in rows_changed {
                metrics::counter!("orderdesk_maintainer_rows_changed_total", "model" => model)
                    .increment(u64::try_from(rows).unwrap_or(0));
            }
        }
        BatchRecord::Busy => {
            metrics::counter!("orderdesk_maintainer_batches_total", "outcome" => "busy")
                .increment(1);
        }
        BatchRecord::Failed => {
            metrics::counter!("orderdesk_maintainer_batches_total", "outcome" => "failed")
                .increment(1);
        }
    }
}

/// Sets how old a live model's snapshot is.
pub fn set_snapshot_age(view: &str, seconds: f64) {
    metrics::gauge!("orderdesk_read_model_snapshot_age_seconds", "view" => view.to_owned())
        .set(seconds);
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
    describe_counter!(
        "orderdesk_maintainer_batches_total",
        "Maintainer batches, by outcome (ok, busy: another maintainer ran, failed)"
    );
    describe_histogram!(
        "orderdesk_maintainer_batch_duration_seconds",
        Unit::Seconds,
        "Duration of maintainer batches that changed something"
    );
    describe_counter!(
        "orderdesk_maintainer_events_total",
        "Events taken in by the maintainer"
    );
    describe_counter!(
        "orderdesk_maintainer_orders_total",
        "Orders recomputed by the maintainer"
    );
    describe_counter!(
        "orderdesk_maintainer_rows_changed_total",
        "Rows written or removed in live models, by model"
    );
    describe_gauge!(
        "orderdesk_maintainer_carried_keys",
        "Keys left queued for the next batch after the last one"
    );
    describe_gauge!(
        "orderdesk_read_model_snapshot_age_seconds",
        "Age of the snapshot each read model is maintained (or refreshed) to"
    );
}

/// Row and event counts fit a gauge's `f64` closely enough.
#[expect(clippy::cast_precision_loss)]
fn lossy(n: i64) -> f64 {
    n as f64
}
