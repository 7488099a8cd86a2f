//! The user sees their own change: after a command, the redirect carries the
//! command's event id (`?after=<event id>`), and the page waits, server-side
//! and bounded (`read_your_writes_wait_ms`, default 0.5 s), until its live
//! model includes that event, then renders. The server's own maintainer is
//! woken by the command and tells waiting pages when each batch commits, so
//! the wait is usually a few milliseconds. Only when the bound passes does the
//! page say "Processing…" and reload itself (a `<meta refresh>`, no
//! JavaScript), a bounded number of times; nothing waits forever.
//!
//! Only the user's own change is waited for: the redirect signs the event id
//! with the session (`&sig=`, see [`after_url`]), and an id without a valid
//! signature (typed by hand, another session's, forged) renders at once, so
//! `?after=999999999` cannot hold a read connection for the whole bound.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel_async::AsyncPgConnection;
use rocket::form::FromForm;
use rocket::request::{FromRequest, Outcome, Request};

use crate::config::Settings;
use crate::queries::freshness;
use crate::read_models::ReadModelName;
use crate::read_models::maintainer::run::Signal;
use crate::security::{constant_time_eq, sha256_hex};
use crate::web::guards::CurrentUser;

/// How many times a page reloads itself before it stops and says so.
pub const MAX_ATTEMPTS: u32 = 20;

/// How often a waiting page looks again when no batch is signalled (a
/// maintainer in another process, or the cron safety net).
const RECHECK: Duration = Duration::from_millis(25);

/// Hex digits of the signature (64 bits of the SHA-256 would do against a
/// guess; 128 leave no doubt).
const SIG_HEX: usize = 32;

/// The query parameters `after`, `sig` and `attempt`.
#[derive(Debug, Clone, Default, FromForm)]
pub struct AfterParams {
    pub after: Option<i64>,
    pub sig: Option<String>,
    pub attempt: Option<u32>,
}

/// The signature of `event_id` for the session whose CSRF token is
/// `csrf_token`: the token is the session's secret (never in a URL), so only
/// this session's redirects carry a valid one.
fn signature(event_id: i64, csrf_token: &str) -> String {
    let mut sig = sha256_hex(&format!(
        "{csrf_token}\0orderdesk-after\0{event_id}\0{csrf_token}"
    ));
    sig.truncate(SIG_HEX);
    sig
}

/// Where a command's redirect goes: `path` waiting for `event_id`, the id
/// signed for the session whose CSRF token is `csrf_token`.
pub fn after_url(path: &str, event_id: i64, csrf_token: &str) -> String {
    format!(
        "{path}?after={event_id}&sig={}",
        signature(event_id, csrf_token)
    )
}

/// Whether `sig` is the signature of `event_id` for this session.
fn signed(event_id: i64, sig: Option<&str>, csrf_token: Option<&str>) -> bool {
    match (sig, csrf_token) {
        (Some(sig), Some(token)) if !token.is_empty() => {
            constant_time_eq(sig, &signature(event_id, token))
        }
        _ => false,
    }
}

/// A request guard: how long to wait, the maintainer's batch signal, and the
/// session's CSRF token (which checks the `after` id's signature).
pub struct ChangeWaiter {
    signal: Option<Arc<Signal>>,
    bound: Duration,
    csrf_token: Option<String>,
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
        let csrf_token = request
            .guard::<CurrentUser>()
            .await
            .succeeded()
            .map(|u| u.csrf_token().to_owned());
        Outcome::Success(Self {
            signal,
            bound,
            csrf_token,
        })
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
        let sig = params.sig.as_deref();
        if !signed(event_id, sig, waiter.csrf_token.as_deref()) {
            // Not this session's own change: nothing to wait for.
            return Ok(Self::default());
        }
        let sig = sig.unwrap_or_default();
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
            reload_url: format!("{path}?after={event_id}&sig={sig}&attempt={}", attempt + 1),
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
