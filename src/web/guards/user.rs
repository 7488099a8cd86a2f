//! Request guards: [`CurrentUser`] (a live session), and the role guards
//! [`Clerk`] and [`Admin`]. Without a session a guard fails with 401 (the
//! catcher sends pages to the sign-in form); with too small a role it fails
//! with 403 and leaves a [`Refusal`] saying why, for the error page.

use rocket::http::{Method, Status};
use rocket::request::{FromRequest, Outcome, Request};

use std::sync::Arc;

use futures_util::FutureExt;

use super::read_order::{ReadSide, note_failure, note_fallback, read_order};
use super::session;
use crate::commands::CommandContext;
use crate::config::Settings;
use crate::db::Pools;
use crate::db::health::{DbHealth, unreachable};
use crate::db::retry::{self, Failed};
use crate::domain::{Actor, Permission, Role};
use crate::security::constant_time_eq;

/// The signed-in staff member of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    session_id: String,
    csrf_token: String,
}

impl CurrentUser {
    /// The actor commands record for this user.
    pub fn actor(&self) -> Actor {
        Actor::user(self.id, &self.username)
    }

    /// A command context acting as this user.
    pub fn context(&self) -> CommandContext {
        CommandContext::new(self.actor())
    }

    /// The session's CSRF token, for hidden form fields.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// The stored id (hash) of this user's session.
    pub(crate) fn session_id(&self) -> &str {
        &self.session_id
    }

    /// Whether `submitted` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        constant_time_eq(submitted, &self.csrf_token)
    }
}

/// Why a request was refused with 403, for the error page.
#[derive(Debug, Clone)]
pub struct Refusal(pub String);

/// Records why this request is refused (the first reason wins).
pub(super) fn refuse(req: &Request<'_>, message: String) {
    req.local_cache(|| Refusal(message));
}

fn refusal_message(role: Role, permission: Permission) -> String {
    let what = match permission {
        Permission::ViewPages => "see this page",
        Permission::EditBusinessData => "change orders, customers, products or stock",
        Permission::ManageUsers => "manage staff accounts",
        Permission::RefreshReadModels => "refresh the read models",
        Permission::ManageShop => "change the shop's tax rates or settings",
    };
    format!(
        "Your role ({role}) may not {what}. Nothing was changed; ask an admin if you need this."
    )
}

/// The session lookup of this request, done once however many guards ask.
struct Lookup(Result<Option<CurrentUser>, Status>);

async fn lookup(req: &Request<'_>) -> Result<Option<CurrentUser>, Status> {
    let (Some(settings), Some(pools)) = (
        req.rocket().state::<Settings>(),
        req.rocket().state::<Pools>(),
    ) else {
        return Err(Status::InternalServerError);
    };
    let Some(token) = req
        .cookies()
        .get(settings.session_cookie_name())
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    let health = req.rocket().state::<Arc<DbHealth>>().map(AsRef::as_ref);
    let found = if changes_state(req) {
        find_on_primary(req, pools, health, settings, &token).await?
    } else {
        find(req, pools, health, settings, &token).await?
    };
    if found.is_none() {
        session::mark_ended(req);
    }
    Ok(admit(pools, health, found).await)
}

/// The user of a live session found by [`find`] or alongside a page's reads
/// ([`found_with_page`]), after the at-most-once-a-minute touch it may be due.
async fn admit(
    pools: &Pools,
    health: Option<&DbHealth>,
    found: Option<session::LiveSession>,
) -> Option<CurrentUser> {
    let due = found.as_ref().filter(|s| s.touch_due);
    if let Some(s) = due.filter(|_| !health.is_some_and(DbHealth::primary_down)) {
        // The one write, on the primary, at most once a minute per session.
        // A failure costs the page nothing but a log line.
        let touched = match pools.write.get().await {
            Ok(mut conn) => session::touch(&mut conn, &s.session_id)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => {
                if let (Some(health), true) = (health, unreachable(&e)) {
                    health.primary_unreachable(&e.to_string());
                }
                Err(e.to_string())
            }
        };
        if let Err(e) = touched {
            tracing::warn!(error = %e, "could not touch the session's last_seen_at");
        }
    }
    found.map(|s| CurrentUser {
        id: s.user_id,
        username: s.username,
        role: s.role,
        session_id: s.session_id,
        csrf_token: s.csrf_token,
    })
}

/// Settles this request's session with the answer of a look-up that was sent
/// together with a page's own statements (`guards::with_session`): the guards then
/// use it and look up nothing more. `None` is an unknown or ended session.
pub(crate) async fn found_with_page(req: &Request<'_>, found: Option<session::LiveSession>) {
    let Some(pools) = req.rocket().state::<Pools>() else {
        return;
    };
    if found.is_none() {
        session::mark_ended(req);
    }
    let health = req.rocket().state::<Arc<DbHealth>>().map(AsRef::as_ref);
    let user = admit(pools, health, found).await;
    req.local_cache(|| Lookup(Ok(user)));
}

/// Whether the request may change anything: every method but GET and HEAD.
fn changes_state(req: &Request<'_>) -> bool {
    !matches!(req.method(), Method::Get | Method::Head)
}

/// The session of a request that may change state, looked up on the primary
/// (it needs the primary anyway). Only while the primary is away does the
/// standby's copy stand in, and then just so the "changes are paused" page
/// can keep what the user typed: no command runs without the primary
/// ([`crate::web::WriteConn`] forwards to that page).
async fn find_on_primary(
    req: &Request<'_>,
    pools: &Pools,
    health: Option<&DbHealth>,
    settings: &Settings,
    token: &str,
) -> Result<Option<session::LiveSession>, Status> {
    if !health.is_some_and(DbHealth::primary_down) {
        let run = retry::run(&pools.write, |c| {
            session::lookup_on_primary(c, token, settings).boxed()
        })
        .await;
        match run {
            Ok(found) => return Ok(found),
            Err(Failed::NoConnection(e)) => {
                let uri = req.uri();
                tracing::warn!(uri = %uri, error = %e, "no primary connection for the session");
                if let (Some(health), true) = (health, unreachable(&e)) {
                    health.primary_unreachable(&e.to_string());
                }
            }
            Err(Failed::Query(e)) => {
                tracing::error!(uri = %req.uri(), error = %e, "session lookup failed");
                return Err(Status::ServiceUnavailable);
            }
        }
    }
    if health.is_some_and(DbHealth::primary_down) {
        // Good for the paused page only, even if the primary is back by the
        // time the request asks for a write connection.
        session::mark_from_standby(req);
        return find(req, pools, health, settings, token).await;
    }
    Err(Status::ServiceUnavailable)
}

/// The session, looked up where the reads go (one statement). A session the
/// standby does not have yet (a sign-in a moment ago) is looked for on the
/// primary, unless the primary is away.
async fn find(
    req: &Request<'_>,
    pools: &Pools,
    health: Option<&DbHealth>,
    settings: &Settings,
    token: &str,
) -> Result<Option<session::LiveSession>, Status> {
    let order = read_order(pools, health, Some(settings));
    let mut outcome = Err(Status::ServiceUnavailable);
    for (pool, side) in order {
        let run = retry::run(pool, |c| session::lookup(c, token, settings).boxed()).await;
        match run {
            Ok(Some(found)) => {
                if let ReadSide::Fallback(why) = side {
                    note_fallback(req, why);
                }
                return Ok(Some(found));
            }
            Ok(None) if side == ReadSide::Configured && pools.reads_elsewhere() => {
                outcome = Ok(None);
            }
            Ok(None) => return Ok(None),
            Err(Failed::NoConnection(e)) => {
                tracing::warn!(
                    uri = %req.uri(),
                    error = %e,
                    "no database connection for the session"
                );
                note_failure(pools, health, side, &e);
            }
            Err(Failed::Query(e)) => {
                tracing::error!(uri = %req.uri(), error = %e, "session lookup failed");
            }
        }
    }
    outcome
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let cached = req
            .local_cache_async(async { Lookup(lookup(req).await) })
            .await;
        match &cached.0 {
            Ok(Some(user)) => Outcome::Success(user.clone()),
            Ok(None) => Outcome::Error((Status::Unauthorized, ())),
            Err(status) => Outcome::Error((*status, ())),
        }
    }
}

async fn with_permission(req: &Request<'_>, permission: Permission) -> Outcome<CurrentUser, ()> {
    let user = rocket::outcome::try_outcome!(req.guard::<CurrentUser>().await);
    if user.role.can(permission) {
        Outcome::Success(user)
    } else {
        tracing::warn!(user = %user.username, role = %user.role, uri = %req.uri(), "forbidden");
        refuse(req, refusal_message(user.role, permission));
        Outcome::Error((Status::Forbidden, ()))
    }
}

/// A signed-in user whose role may change business data (clerk or admin).
#[derive(Debug, Clone)]
pub struct Clerk(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Clerk {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        with_permission(req, Permission::EditBusinessData)
            .await
            .map(Clerk)
    }
}

/// A signed-in admin keeping the shop's tax rates and settings.
#[derive(Debug, Clone)]
pub struct ShopAdmin(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ShopAdmin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        with_permission(req, Permission::ManageShop)
            .await
            .map(ShopAdmin)
    }
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Admin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        with_permission(req, Permission::ManageUsers)
            .await
            .map(Admin)
    }
}
