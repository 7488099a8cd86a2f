//! Sign-in throttling: delays, not lock-outs.
//!
//! - **Per username, exponential back-off.** The first [`FREE_FAILURES`]
//!   consecutive failures cost nothing; after that each attempt must wait
//!   [`FIRST_DELAY`] after the last failure, doubling with every further
//!   failure, at most [`MAX_DELAY`]. A success, or a day without failures,
//!   starts the count again.
//! - **Known devices have their own count.** A browser where the user signed
//!   in within [`DEVICE_MEMORY`] presents its device cookie; its failures and
//!   delays are its own, so guesses from elsewhere (another address, or a
//!   colleague behind the same office NAT) never delay the user there, and
//!   sharing an address exempts no one.
//! - **Per address.** [`MAX_FAILURES_PER_ADDRESS`] failures within [`WINDOW`]
//!   from one address refuse that address until they leave the window.
//!
//! The decision and the record of the attempt are one transaction holding
//! advisory locks on the username and the address, and an attempt still
//! checking its password is stored as `pending` and counts as a failure, so
//! concurrent guesses take turns and cannot overshoot a limit. Every attempt
//! is stored with its outcome, refused ones too.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::db::schema::login_attempts;

/// Consecutive failures for a username before attempts are delayed.
pub const FREE_FAILURES: i64 = 5;
/// The delay after the first failure beyond the free ones; it then doubles.
pub const FIRST_DELAY: TimeDelta = TimeDelta::seconds(5);
/// The longest delay.
pub const MAX_DELAY: TimeDelta = TimeDelta::minutes(15);
/// Failures from one address within [`WINDOW`] before it is refused.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// The sliding window of the per-address limit.
pub const WINDOW: TimeDelta = TimeDelta::minutes(3);
/// How long a device cookie keeps its own count after a successful sign-in.
pub const DEVICE_MEMORY: TimeDelta = TimeDelta::days(30);

/// Who is trying to sign in, from where.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub ip: Option<&'a str>,
    /// The SHA-256 (hex) of the device cookie, if one was sent.
    pub device: Option<&'a str>,
}

/// The throttle's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead; finish the attempt (by id) with its outcome.
    Proceed(i64),
    /// Refused for this long (the attempt is stored as `throttled`).
    Wait(TimeDelta),
}

/// The delay owed after `failures` consecutive failures.
pub fn delay_after(failures: i64) -> TimeDelta {
    if failures < FREE_FAILURES {
        return TimeDelta::zero();
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(20);
    (FIRST_DELAY * 2_i32.pow(doublings)).min(MAX_DELAY)
}

/// The answer when the gate has no turn to give (too many sign-ins at once).
pub const BUSY: &str = "Too many sign-ins at once. Try again in a moment.";

/// "Wait 40 seconds" / "Wait 3 minutes", rounded up.
pub fn message(wait: TimeDelta) -> String {
    let secs = ((wait.num_milliseconds() + 999) / 1000).max(1);
    let (n, unit) = if secs <= 90 {
        (secs, "second")
    } else {
        ((secs + 59) / 60, "minute")
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("Too many failed sign-ins. Wait {n} {unit}{plural}, then try again.")
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    user_failures: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_user_failure: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    address_failures: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    oldest_address_failure: Option<DateTime<Utc>>,
}

/// The counts the decision needs: this bucket's consecutive failures (the
/// device's own when it is known for this user, otherwise every attempt not
/// from one of the user's known devices) and the address's recent failures.
const COUNTS: &str = include_str!("throttle_counts.sql");

/// Attempts are kept this long (known devices need their successes for
/// [`DEVICE_MEMORY`]; every other count looks back a day at most).
pub const KEEP_FAILURES: TimeDelta = TimeDelta::days(1);
/// Every this many attempts, the oldest are pruned.
const PRUNE_EVERY: i64 = 100;
/// The most rows one prune deletes (it stays short however long the flood).
const PRUNE_AT_MOST: i64 = 5_000;

/// Deletes attempts no rule reads any more: refused or failed ones over
/// [`KEEP_FAILURES`] old, successes past [`DEVICE_MEMORY`]; at most
/// [`PRUNE_AT_MOST`] rows, oldest first. Returns how many went.
pub async fn prune(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    let now = Utc::now();
    diesel::sql_query(
        "DELETE FROM login_attempts WHERE id IN ( \
             SELECT id FROM login_attempts \
             WHERE (outcome <> 'succeeded' AND at < $1) OR at < $2 \
             ORDER BY id LIMIT $3)",
    )
    .bind::<Timestamptz, _>(now - KEEP_FAILURES)
    .bind::<Timestamptz, _>(now - DEVICE_MEMORY)
    .bind::<BigInt, _>(PRUNE_AT_MOST)
    .execute(conn)
    .await
}

/// Decides on an attempt and records it (`pending` or `throttled`),
/// atomically; every [`PRUNE_EVERY`]th attempt then [`prune`]s, so the table
/// stays bounded under a flood.
pub async fn begin(conn: &mut AsyncPgConnection, attempt: &Attempt<'_>) -> QueryResult<Decision> {
    let (decision, id) = decide(conn, attempt).await?;
    if id % PRUNE_EVERY == 0 {
        prune(conn).await?;
    }
    Ok(decision)
}

/// The decision, and the id of the attempt's row.
async fn decide(
    conn: &mut AsyncPgConnection,
    attempt: &Attempt<'_>,
) -> QueryResult<(Decision, i64)> {
    let (username, ip, device) = (attempt.username, attempt.ip, attempt.device);
    conn.transaction(async move |conn| {
        diesel::sql_query(
            "SELECT pg_advisory_xact_lock(hashtextextended('login:user:' || $1, 0)), \
                    pg_advisory_xact_lock(hashtextextended('login:ip:' || coalesce($2, ''), 0))",
        )
        .bind::<Text, _>(&username)
        .bind::<Nullable<Text>, _>(&ip)
        .execute(&mut *conn)
        .await?;
        let now = Utc::now();
        let counts: Counts = diesel::sql_query(COUNTS)
            .bind::<Text, _>(&username)
            .bind::<Nullable<Text>, _>(&ip)
            .bind::<Nullable<Text>, _>(&device)
            .bind::<Timestamptz, _>(now - DEVICE_MEMORY)
            .bind::<Timestamptz, _>(now - WINDOW)
            .get_result(&mut *conn)
            .await?;
        let user_wait = counts.last_user_failure.map_or(TimeDelta::zero(), |last| {
            last + delay_after(counts.user_failures) - now
        });
        let address_wait = match counts.oldest_address_failure {
            Some(oldest) if counts.address_failures >= MAX_FAILURES_PER_ADDRESS => {
                oldest + WINDOW - now
            }
            _ => TimeDelta::zero(),
        };
        let wait = user_wait.max(address_wait);
        let refused = wait > TimeDelta::zero();
        let id: i64 = diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::username.eq(&username),
                login_attempts::ip.eq(&ip),
                login_attempts::device.eq(&device),
                login_attempts::succeeded.eq(false),
                login_attempts::outcome.eq(if refused { "throttled" } else { "pending" }),
            ))
            .returning(login_attempts::id)
            .get_result(conn)
            .await?;
        let decision = if refused {
            Decision::Wait(wait)
        } else {
            Decision::Proceed(id)
        };
        Ok((decision, id))
    })
    .await
}

/// Records how a `pending` attempt ended. A success records the device
/// cookie the browser now holds, which makes the device known.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: i64,
    outcome: Result<&str, ()>,
) -> QueryResult<()> {
    let (succeeded, device) = match outcome {
        Ok(device) => (true, Some(device)),
        Err(()) => (false, None),
    };
    diesel::update(login_attempts::table.find(id))
        .set((
            login_attempts::succeeded.eq(succeeded),
            login_attempts::outcome.eq(if succeeded { "succeeded" } else { "failed" }),
        ))
        .execute(conn)
        .await?;
    let Some(device) = device else {
        return Ok(());
    };
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::device.eq(device))
        .execute(conn)
        .await
        .map(drop)
}

/// Records an attempt refused before the throttle was asked (CSRF check failed).
pub async fn record_refused(
    conn: &mut AsyncPgConnection,
    attempt: &Attempt<'_>,
) -> QueryResult<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username.eq(attempt.username),
            login_attempts::ip.eq(attempt.ip),
            login_attempts::device.eq(attempt.device),
            login_attempts::succeeded.eq(false),
            login_attempts::outcome.eq("csrf_refused"),
        ))
        .execute(conn)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_is_free_then_doubles_up_to_the_cap() {
        let secs = |f| delay_after(f).num_seconds();
        assert_eq!((secs(0), secs(4)), (0, 0));
        assert_eq!((secs(5), secs(6), secs(7), secs(12)), (5, 10, 20, 640));
        assert_eq!((secs(13), secs(1000)), (900, 900));
    }
}
