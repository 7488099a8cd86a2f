//! The in-process schedule for report views: refresh every report view once a
//! day at `hour` (UTC), never on events. Cron (`orderdesk refresh --reports`)
//! does the same where no server runs. At start, `serve` first fills any
//! report view never refreshed since the shop had orders ([`refresh_unfilled`]),
//! so a fresh install does not show empty reports until the night.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use diesel::dsl::{exists, min};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::ReadModel;
use super::catalog;
use super::refresh::{RefreshOutcome, Trigger, refresh_all};
use crate::db::schema::{events, orders, read_model_refreshes as rr};
use crate::domain::Aggregate;

/// The report views no good refresh has filled since the shop had orders:
/// none of their successful refreshes saw the first order's event (or, with
/// orders but no order events, none succeeded at all). Empty without orders.
pub async fn unfilled(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<&'static ReadModel>, diesel::result::Error> {
    let has_orders: bool = diesel::select(exists(orders::table.select(orders::id)))
        .get_result(conn)
        .await?;
    if !has_orders {
        return Ok(Vec::new());
    }
    let first_order_event: Option<i64> = events::table
        .filter(events::aggregate_type.eq(Aggregate::Order))
        .select(min(events::id))
        .get_result(conn)
        .await?;
    let mut out = Vec::new();
    for model in catalog::reports() {
        let filled: bool = diesel::select(exists(
            rr::table
                .filter(rr::view_name.eq(model.name))
                .filter(rr::outcome.eq("ok"))
                .filter(rr::watermark.ge(first_order_event.unwrap_or(0)))
                .select(rr::id),
        ))
        .get_result(conn)
        .await?;
        if !filled {
            out.push(model);
        }
    }
    Ok(out)
}

/// Refreshes the report views [`unfilled`] names (none on a shop without
/// orders, or whose reports a refresh has already filled); each outcome is
/// logged and recorded like any refresh.
pub async fn refresh_unfilled(
    conn: &mut AsyncPgConnection,
    trigger: Trigger,
) -> Result<Vec<(&'static ReadModel, RefreshOutcome)>, diesel::result::Error> {
    let models = unfilled(conn).await?;
    Ok(refresh_all(conn, &models, trigger).await)
}

/// The next time after `now` at which the clock shows `hour`:00 UTC.
pub fn next_run(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let today = now
        .with_hour(hour.min(23))
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    if today > now {
        today
    } else {
        today + TimeDelta::days(1)
    }
}

/// What `serve` does before it listens: fills the report views
/// [`unfilled`] names, so a fresh install (whose views `migrate` filled
/// before `seed` ran) does not show empty reports until the night; a GET of
/// /reports never writes. Each view is logged; a failure is logged, not
/// fatal: the nightly refresh tries again.
pub async fn fill_at_start(url: &str) {
    let mut conn = match AsyncPgConnection::establish(url).await {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "no database connection to fill the report views");
            return;
        }
    };
    match refresh_unfilled(&mut conn, Trigger::Schedule).await {
        Ok(done) => {
            for (model, outcome) in done {
                tracing::info!(view = model.name.as_str(), %outcome, "report view filled at start");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not tell which report views to fill"),
    }
}

/// Refreshes the report views daily at `hour` UTC until `shutdown` resolves.
pub async fn run(url: String, hour: u32, shutdown: impl Future<Output = ()>) {
    let daily = async {
        loop {
            let now = Utc::now();
            let wait = (next_run(now, hour) - now)
                .to_std()
                .unwrap_or(Duration::from_secs(60));
            tokio::time::sleep(wait).await;
            match AsyncPgConnection::establish(&url).await {
                Ok(mut conn) => {
                    let reports: Vec<_> = catalog::reports().collect();
                    refresh_all(&mut conn, &reports, Trigger::Schedule).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "nightly report refresh has no database connection");
                }
            }
        }
    };
    tokio::select! {
        () = daily => {}
        () = shutdown => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_run_is_later_today_or_tomorrow_at_the_hour() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            next_run(at("2026-11-25T01:30:00Z"), 3),
            at("2026-11-25T03:00:00Z")
        );
        assert_eq!(
            next_run(at("2026-11-25T03:00:00Z"), 3),
            at("2026-11-26T03:00:00Z")
        );
        assert_eq!(
            next_run(at("2026-11-25T22:10:00Z"), 3),
            at("2026-11-26T03:00:00Z")
        );
    }
}
