//! The CSV export's slots: at most `max_concurrent_exports` streams at once,
//! and a slot frees itself after `export_timeout_secs` even if the client
//! stopped reading (the stream then ends the next time it is polled).

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The slots, kept in Rocket's managed state.
pub struct ExportSlots {
    semaphore: Arc<Semaphore>,
    timeout: Duration,
}

/// A claimed slot; dropping it (the stream ends or the client goes) frees it.
pub struct ExportSlot {
    permit: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
    deadline: Instant,
}

impl ExportSlots {
    pub fn new(max: usize, timeout: Duration) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(max.max(1))),
            timeout,
        }
    }

    /// A free slot, or `None` when every slot is taken (never waits).
    pub fn claim(&self) -> Option<ExportSlot> {
        let permit = Arc::clone(&self.semaphore).try_acquire_owned().ok()?;
        let permit = Arc::new(Mutex::new(Some(permit)));
        let weak: Weak<_> = Arc::downgrade(&permit);
        let timeout = self.timeout;
        tokio::spawn(async move {
            tokio::time::sleep(timeout).await;
            if let Some(permit) = weak.upgrade() {
                permit.lock().map(|mut p| p.take()).ok();
            }
        });
        Some(ExportSlot {
            permit,
            deadline: Instant::now() + timeout,
        })
    }
}

impl ExportSlot {
    /// Whether the export has run out of time (its slot is already free).
    pub fn expired(&self) -> bool {
        Instant::now() >= self.deadline || self.permit.lock().map_or(true, |p| p.is_none())
    }
}
