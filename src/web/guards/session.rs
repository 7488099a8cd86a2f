//! Server-side sessions. The cookie carries a random 256-bit token; the
//! database keeps only its SHA-256, so a leaked table holds no usable session.
//! A session ends when idle too long, at its absolute expiry, at sign-out,
//! and when its user is deactivated or changes password.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rocket::http::{Cookie, SameSite};

use super::ClientInfo;
use crate::config::Settings;
use crate::db::Prepare;
use crate::db::schema::{sessions, staff_users};
use crate::domain::Role;
use crate::security::{random_token, sha256_hex};

/// What a new session hands back: the token for the cookie (never stored).
pub struct NewSession {
    pub token: String,
}

/// A live session and its user, as found by [`lookup`].
#[derive(QueryableByName)]
pub struct LiveSession {
    #[diesel(sql_type = Text)]
    pub session_id: String,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub role: Role,
    #[diesel(sql_type = Text)]
    pub csrf_token: String,
    /// Its `last_seen_at` is more than a minute old: [`touch`] it.
    #[diesel(sql_type = Bool)]
    pub touch_due: bool,
}

/// Marks a request whose browser's session ended: signed out, or its cookie
/// named a session that is over (idle, expired, ended elsewhere). The
/// security headers fairing then asks the browser to drop what it cached
/// (`Clear-Site-Data`, over HTTPS).
#[derive(Debug, Clone, Copy)]
struct Ended(bool);

/// Records that this request's session ended (see [`Ended`]).
pub fn mark_ended(req: &rocket::Request<'_>) {
    req.local_cache(|| Ended(true));
}

/// Whether this request's session ended (see [`Ended`]).
pub fn ended(req: &rocket::Request<'_>) -> bool {
    req.local_cache(|| Ended(false)).0
}

/// Marks a request that may change state whose session only the standby
/// vouched for (the primary was away at the look-up). Such a request runs no
/// command, even if the primary is back by the time it asks for a write
/// connection: a lagging standby may still hold a session the primary ended.
#[derive(Debug, Clone, Copy)]
struct FromStandby(bool);

/// Records that this request's session was found on the standby only.
pub fn mark_from_standby(req: &rocket::Request<'_>) {
    req.local_cache(|| FromStandby(true));
}

/// Whether this request's session was found on the standby only.
pub fn from_standby(req: &rocket::Request<'_>) -> bool {
    req.local_cache(|| FromStandby(false)).0
}

/// An answer that signs this browser out: its session ended server-side
/// while the request was handled (a change of one's own password ends every
/// session of the account). The session cookie is removed and the request
/// counts as [`ended`], so over HTTPS the browser is told to drop its cache
/// of the session's pages, as at sign-out.
pub struct SignedOut<R>(pub R);

impl<'r, 'o: 'r, R: rocket::response::Responder<'r, 'o>> rocket::response::Responder<'r, 'o>
    for SignedOut<R>
{
    fn respond_to(self, req: &'r rocket::Request<'_>) -> rocket::response::Result<'o> {
        if let Some(settings) = req.rocket().state::<Settings>() {
            req.cookies().remove(removal(settings));
        }
        mark_ended(req);
        self.0.respond_to(req)
    }
}

/// Starts a session for `user_id` with a fresh token and CSRF token, if the
/// account is still active with the password hash `verified` was checked
/// against: a password change (or deactivation) that commits while the
/// sign-in's argon2 check runs makes it start none (`None`), so a sign-in with
/// the old password cannot outlive the change that ended every session. The
/// account's row is share-locked for the insert, so a change either commits
/// first (and this finds the new hash) or waits and then deletes this
/// session with the others.
pub async fn start(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    verified: &str,
    client: &ClientInfo,
    settings: &Settings,
) -> QueryResult<Option<NewSession>> {
    let token = random_token();
    let started = diesel::sql_query(
        "INSERT INTO sessions (id, user_id, csrf_token, expires_at, ip, user_agent) \
         SELECT $1, u.id, $3, $4, $5, $6 FROM staff_users u \
         WHERE u.id = $2 AND u.active AND u.password_hash = $7 \
         FOR SHARE",
    )
    .bind::<Text, _>(sha256_hex(&token))
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(random_token())
    .bind::<Timestamptz, _>(Utc::now() + settings.session_absolute())
    .bind::<Nullable<Text>, _>(client.ip.as_deref())
    .bind::<Nullable<Text>, _>(client.user_agent.as_deref())
    .bind::<Text, _>(verified)
    .execute(conn)
    .await?;
    if started == 0 {
        return Ok(None);
    }
    diesel::update(staff_users::table.find(user_id))
        .set(staff_users::last_login_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(Some(NewSession { token }))
}

/// The live session for a cookie `token`, in one read-only statement on a
/// read connection (`read.session_lookup`, which the reader may call; it runs
/// on a standby too). Expired or idle sessions, and those of inactive users,
/// are not found. Whether `last_seen_at` needs a [`touch`] comes with it.
/// The connection is shared, so a page may pipeline its own statements with
/// this one (`guards::with_session`).
pub fn lookup<'c>(
    mut conn: &'c AsyncPgConnection,
    token: &str,
    settings: &Settings,
) -> impl Future<Output = QueryResult<Option<LiveSession>>> + Send + use<'c> {
    #[expect(clippy::cast_precision_loss, reason = "seconds in a day fit exactly")]
    let idle_secs = settings.session_idle().num_seconds() as f64;
    let id = sha256_hex(token);
    async move {
        diesel::sql_query("SELECT * FROM read.session_lookup($1, $2)")
            .bind::<Text, _>(id)
            .bind::<Double, _>(idle_secs)
            .prepared()
            .get_result(&mut conn)
            .await
            .optional()
    }
}

/// The live session for a cookie `token`, looked up on the primary: what a
/// request that changes anything (every non-GET) is authorised by. The same
/// rule as `read.session_lookup`, read from the tables themselves, so a
/// sign-out, deactivation, password change or demotion on the primary stops
/// writes at once, however far a standby lags.
pub fn lookup_on_primary<'c>(
    conn: &'c mut AsyncPgConnection,
    token: &str,
    settings: &Settings,
) -> impl Future<Output = QueryResult<Option<LiveSession>>> + Send + use<'c> {
    let id = sha256_hex(token);
    let idle = settings.session_idle();
    async move {
        let now = Utc::now();
        let found: Option<(String, i64, String, Role, String, chrono::DateTime<Utc>)> =
            sessions::table
                .inner_join(staff_users::table)
                .filter(sessions::id.eq(id))
                .filter(staff_users::active)
                .filter(sessions::expires_at.gt(now))
                .filter(sessions::last_seen_at.gt(now - idle))
                .select((
                    sessions::id,
                    staff_users::id,
                    staff_users::username,
                    staff_users::role,
                    sessions::csrf_token,
                    sessions::last_seen_at,
                ))
                .first(conn)
                .await
                .optional()?;
        Ok(found.map(
            |(session_id, user_id, username, role, csrf_token, last_seen)| LiveSession {
                session_id,
                user_id,
                username,
                role,
                csrf_token,
                touch_due: last_seen < now - chrono::Duration::seconds(60),
            },
        ))
    }
}

/// Moves a session's `last_seen_at` to now, on the primary. Done at most once
/// a minute per session (when [`lookup`] says it is due): a write, and its WAL
/// flush, on every page view would serialise a busy user's requests on one
/// row. Idle expiry is therefore exact to within that minute.
pub async fn touch(conn: &mut AsyncPgConnection, session_id: &str) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE sessions SET last_seen_at = now() \
         WHERE id = $1 AND last_seen_at < now() - interval '60 seconds'",
    )
    .bind::<Text, _>(session_id)
    .prepared()
    .execute(conn)
    .await
    .map(drop)
}

/// Ends the session whose cookie carries `token` (no-op when unknown).
pub async fn end_token(conn: &mut AsyncPgConnection, token: &str) -> QueryResult<()> {
    end(conn, &sha256_hex(token)).await
}

/// Ends the session with this stored id.
pub async fn end(conn: &mut AsyncPgConnection, session_id: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(session_id))
        .execute(conn)
        .await
        .map(drop)
}

/// Deletes every expired or idle session (run at each sign-in; cheap, indexed).
pub async fn purge_expired(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
) -> QueryResult<usize> {
    let now = Utc::now();
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::last_seen_at.le(now - settings.session_idle())),
        ),
    )
    .execute(conn)
    .await
}

/// The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure (and
/// `__Host-` named) when `secure_cookies` is on. No Max-Age: it dies with the
/// browser, and the server enforces both expiries anyway.
pub fn cookie(token: String, settings: &Settings) -> Cookie<'static> {
    Cookie::build((settings.session_cookie_name(), token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(settings.secure_cookies)
        .build()
}

/// A cookie that removes the session cookie. It carries the attributes of
/// [`cookie`] (browsers ignore a `__Host-` cookie without `Secure`, so a bare
/// removal would leave the session cookie in place).
pub fn removal(settings: &Settings) -> Cookie<'static> {
    cookie(String::new(), settings)
}
