//! The NOTIFY path: a trigger on `events` notifies `orderdesk_events` with the
//! event type; this listener marks the affected views dirty, and one worker
//! per view refreshes it, debounced: it waits `debounce` after the first
//! event so a burst becomes one refresh. Workers are independent, so a small
//! view (daily sales, milliseconds) is never queued behind a big one (order
//! summaries, seconds at a million orders): each view is stale for at most
//! about `debounce` plus its own refresh time (plus one refresh in flight).
//!
//! The listener reconnects when its connection drops and then marks every
//! view dirty, since notifications sent meanwhile were lost.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{Notify, watch};
use tokio_postgres::{AsyncMessage, NoTls};

use super::catalog::{READ_MODELS, ReadModel, affected_by};
use super::refresh::{Trigger, refresh};
use crate::db::PgPool;

/// The channel the `events_notify` trigger notifies.
pub const CHANNEL: &str = "orderdesk_events";

/// One wake-up per view. A `Notify` keeps a single permit while its worker
/// is busy, so any number of events during a refresh cause exactly one more.
pub struct DirtySet {
    views: Vec<(&'static str, Notify)>,
}

impl Default for DirtySet {
    fn default() -> Self {
        Self {
            views: READ_MODELS
                .iter()
                .map(|m| (m.name, Notify::new()))
                .collect(),
        }
    }
}

impl DirtySet {
    pub fn mark(&self, names: impl IntoIterator<Item = &'static str>) {
        for name in names {
            if let Some((_, wake)) = self.views.iter().find(|(n, _)| *n == name) {
                wake.notify_one();
            }
        }
    }

    pub fn mark_all(&self) {
        self.mark(READ_MODELS.iter().map(|m| m.name));
    }

    fn wake(&self, name: &str) -> Option<&Notify> {
        self.views.iter().find(|(n, _)| *n == name).map(|(_, w)| w)
    }
}

/// Runs the listener and one refresh worker per view until `shutdown`
/// resolves. On shutdown each worker finishes the refresh it is running and
/// stops; the LISTEN connection is closed.
/// `url` is the write database (LISTEN needs a connection of its own); the
/// refreshes use connections from `pool`.
pub async fn run(
    url: String,
    pool: PgPool,
    debounce: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let dirty = Arc::new(DirtySet::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let listener = tokio::spawn(listen_forever(url, Arc::clone(&dirty)));
    let workers: Vec<_> = READ_MODELS
        .iter()
        .map(|model| {
            tokio::spawn(work_until_stopped(
                pool.clone(),
                Arc::clone(&dirty),
                model,
                debounce,
                stop_rx.clone(),
            ))
        })
        .collect();
    shutdown.await;
    tracing::info!("refresher stopping");
    let _ = stop_tx.send(true);
    // Each worker finishes the refresh it is running (a transaction of its own) and stops.
    futures_util::future::join_all(workers).await;
    listener.abort();
}

async fn listen_forever(url: String, dirty: Arc<DirtySet>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match listen_once(&url, &dirty).await {
            Ok(()) => tracing::warn!("refresher lost its LISTEN connection; reconnecting"),
            Err(e) => tracing::warn!(error = %e, "refresher cannot LISTEN; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

/// One connection's life: LISTEN, catch up, then mark views from notifications
/// until the connection ends.
async fn listen_once(url: &str, dirty: &DirtySet) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "LISTEN connection failed");
                    break;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    tracing::info!(channel = CHANNEL, "refresher listening");
    // Whatever happened while we were not listening is unknown: refresh all.
    dirty.mark_all();
    while let Some(event_type) = rx.recv().await {
        dirty.mark(affected_by(&event_type).map(|m| m.name));
    }
    driver.abort();
    Ok(())
}

/// One view's worker: wait for its wake-up, let the burst settle for
/// `debounce`, refresh, repeat. A failure is recorded by `refresh` and retried
/// on the next event (or by the schedule/cron), not in a tight loop.
async fn work_until_stopped(
    pool: PgPool,
    dirty: Arc<DirtySet>,
    model: &'static ReadModel,
    debounce: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let Some(wake) = dirty.wake(model.name) else {
        return;
    };
    loop {
        tokio::select! {
            () = wake.notified() => {}
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(debounce) => {}
            _ = stop.changed() => return,
        }
        match pool.get().await {
            Ok(mut conn) => {
                refresh(&mut conn, model, Trigger::Notify).await;
            }
            Err(e) => {
                tracing::warn!(view = model.name, error = %e, "refresher has no database connection; will retry");
                wake.notify_one();
            }
        }
    }
}
