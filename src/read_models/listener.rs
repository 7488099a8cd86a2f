//! The NOTIFY path: a trigger on `events` notifies `orderdesk_events` with the
//! event type; this listener marks the affected views dirty, and a worker
//! refreshes dirty views, debounced: it waits `debounce` after the first
//! event so a burst becomes one refresh per view. A view is therefore stale
//! for at most about `debounce` plus the time its refresh takes.
//!
//! The listener reconnects when its connection drops and then marks every
//! view dirty, since notifications sent meanwhile were lost.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{Notify, watch};
use tokio_postgres::{AsyncMessage, NoTls};

use super::catalog::{READ_MODELS, affected_by, find};
use super::refresh::{Trigger, refresh};
use crate::db::PgPool;

/// The channel the `events_notify` trigger notifies.
pub const CHANNEL: &str = "orderdesk_events";

/// Views waiting for a refresh, and a wake-up for the worker.
#[derive(Default)]
pub struct DirtySet {
    views: Mutex<BTreeSet<&'static str>>,
    wake: Notify,
}

impl DirtySet {
    pub fn mark(&self, names: impl IntoIterator<Item = &'static str>) {
        let mut views = self.views.lock().unwrap_or_else(PoisonError::into_inner);
        let before = views.len();
        views.extend(names);
        if views.len() > before {
            self.wake.notify_one();
        }
    }

    pub fn mark_all(&self) {
        self.mark(READ_MODELS.iter().map(|m| m.name));
    }

    fn take(&self) -> BTreeSet<&'static str> {
        std::mem::take(&mut *self.views.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Runs the listener and the refresh worker until `shutdown` resolves. On
/// shutdown the worker finishes the view it is refreshing and stops before the
/// next one; the LISTEN connection is closed.
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
    let worker = work_until_stopped(pool, dirty, debounce, stop_rx);
    tokio::pin!(worker);
    tokio::select! {
        () = &mut worker => {}
        () = shutdown => {
            tracing::info!("refresher stopping");
            let _ = stop_tx.send(true);
            worker.await;
        }
    }
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

async fn work_until_stopped(
    pool: PgPool,
    dirty: Arc<DirtySet>,
    debounce: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = dirty.wake.notified() => {}
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(debounce) => {}
            _ = stop.changed() => return,
        }
        let views = dirty.take();
        if views.is_empty() {
            continue;
        }
        let mut conn = match pool.get().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "refresher has no database connection; will retry");
                dirty.mark(views);
                continue;
            }
        };
        for name in views {
            if *stop.borrow() {
                return;
            }
            if let Some(model) = find(name) {
                if refresh(&mut conn, model, Trigger::Notify)
                    .await
                    .is_failure()
                {
                    // Try again on the next wake-up rather than spinning.
                    tracing::debug!(
                        view = name,
                        "refresh failed; left for the next event or schedule"
                    );
                }
            }
        }
    }
}
