//! The in-process schedule: refresh every view every `interval`, a safety net
//! beside the NOTIFY path (and the only path when LISTEN is not possible).

use std::future::Future;
use std::time::Duration;

use super::catalog::READ_MODELS;
use super::refresh::{Trigger, refresh_all};
use crate::db::PgPool;

/// Refreshes all views every `interval` until `shutdown` resolves.
pub async fn run(pool: PgPool, interval: Duration, shutdown: impl Future<Output = ()>) {
    let tick = async {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate; the listener covers start-up
        loop {
            ticker.tick().await;
            match pool.get().await {
                Ok(mut conn) => {
                    let models: Vec<_> = READ_MODELS.iter().collect();
                    refresh_all(&mut conn, &models, Trigger::Schedule).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "scheduled refresh has no database connection");
                }
            }
        }
    };
    tokio::select! {
        () = tick => {}
        () = shutdown => {}
    }
}
