//! The in-process schedule for report views: refresh every report view once a
//! day at `hour` (UTC), never on events. Cron (`orderdesk refresh --reports`)
//! does the same where no server runs.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::catalog;
use super::refresh::{Trigger, refresh_all};

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
