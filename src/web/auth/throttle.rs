//! Login throttling. Failures are counted over a sliding window: at 10 for one
//! username, or 30 from one address, further attempts are refused until the
//! oldest failures leave the window (three minutes at most). Refused attempts
//! are not counted, so an attacker cannot extend a lock by hammering it, and
//! an address where the user signed in successfully lately is exempt from the
//! per-username limit, so nobody can lock a real user out from elsewhere.

use chrono::{TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::login_attempts;

/// Failures for one username within the window before attempts are refused.
pub const MAX_FAILURES_PER_USERNAME: i64 = 10;
/// Failures from one address within the window before attempts are refused.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// The sliding window failures are counted in.
pub const WINDOW: TimeDelta = TimeDelta::minutes(3);
/// How recent a success from an address must be to exempt it from the
/// per-username limit.
const KNOWN_ADDRESS: TimeDelta = TimeDelta::days(30);

/// Whether an attempt for `username` from `ip` must be refused now.
pub async fn is_throttled(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: Option<&str>,
) -> QueryResult<bool> {
    let since = Utc::now() - WINDOW;
    if let Some(ip) = ip {
        let from_address: i64 = login_attempts::table
            .filter(login_attempts::ip.eq(ip))
            .filter(login_attempts::succeeded.eq(false))
            .filter(login_attempts::at.gt(since))
            .count()
            .get_result(conn)
            .await?;
        if from_address >= MAX_FAILURES_PER_ADDRESS {
            return Ok(true);
        }
    }
    let for_username: i64 = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::at.gt(since))
        .count()
        .get_result(conn)
        .await?;
    if for_username < MAX_FAILURES_PER_USERNAME {
        return Ok(false);
    }
    let Some(ip) = ip else {
        return Ok(true);
    };
    let known: i64 = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(true))
        .filter(login_attempts::at.gt(Utc::now() - KNOWN_ADDRESS))
        .count()
        .get_result(conn)
        .await?;
    Ok(known == 0)
}

/// Records an attempt that was checked (not one refused by the throttle).
pub async fn record(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: Option<&str>,
    succeeded: bool,
) -> QueryResult<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username.eq(username),
            login_attempts::ip.eq(ip),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)
        .await
        .map(drop)
}
