//! The user sees their own change: after a command, the redirect carries the
//! command's event id (`?after=<event id>`), and the page checks whether its
//! read model has caught up with that event. If not, it says "processing" and
//! reloads itself (a `<meta refresh>`, no JavaScript), up to a bounded number
//! of times; nothing waits forever.

use diesel_async::AsyncPgConnection;
use rocket::form::FromForm;

use crate::queries::freshness;

/// How many times a page reloads itself before it stops and says so.
pub const MAX_ATTEMPTS: u32 = 20;

/// The query parameters `after` and `attempt`.
#[derive(Debug, Clone, Default, FromForm)]
pub struct AfterParams {
    pub after: Option<i64>,
    pub attempt: Option<u32>,
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
    /// Checks `view` against the event in `params`; `path` is the page's path.
    pub async fn check(
        conn: &mut AsyncPgConnection,
        view: &str,
        params: &AfterParams,
        path: &str,
    ) -> Result<Self, diesel::result::Error> {
        let Some(event_id) = params.after else {
            return Ok(Self::default());
        };
        let attempt = params.attempt.unwrap_or(0).min(MAX_ATTEMPTS);
        let waiting = !freshness::has_caught_up(conn, view, event_id).await?;
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
