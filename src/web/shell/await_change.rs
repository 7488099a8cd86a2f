//! The user sees their own change: after a command, the redirect carries the
//! command's event id (`?after=<event id>`), and the page waits, server-side
//! and bounded (`read_your_writes_wait_ms`, default 0.5 s), until its live
//! model includes that event, then renders. The server's own maintainer is
//! woken by the command and tells waiting pages when each batch commits, so
//! the wait is usually a few milliseconds. Only when the bound passes does the
//! page say "Processing…" and reload itself (a `<meta refresh>`, no
//! JavaScript), a bounded number of times; nothing waits forever.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel_async::AsyncPgConnection;
use rocket::form::FromForm;
use rocket::request::{FromRequest, Outcome, Request};

use crate::config::Settings;
use crate::queries::freshness;
use crate::read_models::ReadModelName;
use crate::read_models::maintainer::run::Signal;

/// How many times a page reloads itself before it stops and says so.
pub const MAX_ATTEMPTS: u32 = 20;

/// How often a waiting page looks again when no batch is signalled (a
/// maintainer in another process, or the cron safety net).
const RECHECK: Duration = Duration::from_millis(25);

/// The query parameters `after` and `attempt`.
#[derive(Debug, Clone, Default, FromForm)]
pub struct AfterParams {
    pub after: Option<i64>,
    pub attempt: Option<u32>,
}

/// A request guard: how long to wait, and the maintainer's batch signal.
pub struct ChangeWaiter {
    signal: Option<Arc<Signal>>,
    bound: Duration,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ChangeWaiter {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let bound = request
            .rocket()
            .state::<Settings>()
            .map_or(Duration::ZERO, |s| {
                Duration::from_millis(s.read_your_writes_wait_ms.min(5_000))
            });
        let signal = request.rocket().state::<Arc<Signal>>().cloned();
        Outcome::Success(Self { signal, bound })
    }
}

/// Whether a page is still waiting for the user's change, and how to retry.
#[derive(Debug, Clone, Default)]
pub struct AwaitChange {
    pub waiting: bool,
    pub attempt: u32,
    /// The page's own URL with `attempt` incremented.
    pub reload_url: String,
}

impl AwaitChange {
    /// Waits (bounded) until `view` includes the event in `params`; `path`
    /// is the page's path. Call it before reading the page's data.
    pub async fn check(
        conn: &mut AsyncPgConnection,
        view: ReadModelName,
        params: &AfterParams,
        path: &str,
        waiter: &ChangeWaiter,
    ) -> Result<Self, diesel::result::Error> {
        let Some(event_id) = params.after else {
            return Ok(Self::default());
        };
        let attempt = params.attempt.unwrap_or(0).min(MAX_ATTEMPTS);
        // A reload after "Processing…" has already waited: look once.
        let bound = if attempt == 0 {
            waiter.bound
        } else {
            Duration::ZERO
        };
        let waiting = !wait_for(conn, view, event_id, bound, waiter.signal.as_deref()).await?;
        Ok(Self {
            waiting,
            attempt,
            reload_url: format!("{path}?after={event_id}&attempt={}", attempt + 1),
        })
    }

    /// Reload again? (The template emits `<meta http-equiv="refresh">`.)
    pub fn should_reload(&self) -> bool {
        self.waiting && self.attempt < MAX_ATTEMPTS
    }

    pub fn gave_up(&self) -> bool {
        self.waiting && self.attempt >= MAX_ATTEMPTS
    }
}

/// True once `view` includes `event_id`; false if `bound` passed first.
async fn wait_for(
    conn: &mut AsyncPgConnection,
    view: ReadModelName,
    event_id: i64,
    bound: Duration,
    signal: Option<&Signal>,
) -> Result<bool, diesel::result::Error> {
    let deadline = Instant::now() + bound;
    let mut batches = signal.map(Signal::subscribe);
    loop {
        if freshness::has_caught_up(conn, view, event_id).await? {
            return Ok(true);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        let pause = tokio::time::sleep(left.min(RECHECK));
        match batches.as_mut() {
            Some(rx) => {
                tokio::select! {
                    _ = rx.changed() => {}
                    () = pause => {}
                }
            }
            None => pause.await,
        }
    }
}
