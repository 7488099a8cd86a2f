//! A signed-in user's current password, checked as a sign-in checks one.
//!
//! A form that asks for the current password (`/account/password`) is a
//! password oracle for whoever holds an open tab, so its guesses take the
//! sign-in's path and no other: the gate (the address's bucket, a turn of
//! the sign-ins' quarter of the write pool, the argon2 cap) and the throttle
//! (the username's back-off; each guess is a stored attempt). The connection
//! is given back while argon2 runs. A borrowed tab therefore guesses no
//! faster than the sign-in form allows, and a flood of guesses cannot starve
//! the staff's commands of the write pool.

use std::time::Instant;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rocket::http::{CookieJar, Status};

use super::gate::{LoginGate, Refused, Turn};
use super::throttle;
use crate::config::Settings;
use crate::db::Pools;
use crate::db::schema::staff_users;
use crate::error::AppError;
use crate::web::guards::{ClientInfo, CurrentUser, device};

/// What the check found.
pub enum Checked<'g> {
    /// The password is right. Hold the turn while the change is written, so
    /// these forms too use at most the sign-ins' share of the write pool.
    Right(Turn<'g>),
    /// The password is wrong (stored as a failed attempt).
    Wrong,
    /// Refused before any password was checked: the status and the message.
    Refused(Status, String),
}

/// Checks `password` against `user`'s stored hash through the gate and the
/// throttle (see the module's text).
pub async fn current_password<'g>(
    gate: &'g LoginGate,
    pools: &Pools,
    cookies: &CookieJar<'_>,
    settings: &Settings,
    client: &ClientInfo,
    user: &CurrentUser,
    password: String,
) -> Result<Checked<'g>, AppError> {
    let address = client.ip.as_deref().and_then(|ip| ip.parse().ok());
    let turn = match gate.admit(address, Instant::now()) {
        Ok(()) => gate.enter().await,
        Err(refused) => Err(refused),
    };
    let turn = match turn {
        Ok(turn) => turn,
        Err(Refused::Address(wait)) => {
            let wait = chrono::TimeDelta::from_std(wait).unwrap_or_default();
            return Ok(Checked::Refused(
                Status::TooManyRequests,
                throttle::message(wait),
            ));
        }
        Err(Refused::Busy) => {
            return Ok(Checked::Refused(
                Status::ServiceUnavailable,
                throttle::BUSY.into(),
            ));
        }
    };
    let presented = device::presented(cookies, settings);
    let attempt = throttle::Attempt {
        username: &user.username,
        ip: client.ip.as_deref(),
        device: presented.as_deref(),
    };
    let mut db = pools.write.get().await?;
    let attempt_id = match throttle::begin(&mut db, &attempt).await? {
        throttle::Decision::Proceed(id) => id,
        throttle::Decision::Wait(wait) => {
            tracing::warn!(user = %user.username, outcome = "throttled", "password check");
            return Ok(Checked::Refused(
                Status::TooManyRequests,
                throttle::message(wait),
            ));
        }
    };
    let stored: Option<String> = staff_users::table
        .find(user.id)
        .filter(staff_users::active)
        .select(staff_users::password_hash)
        .first(&mut db)
        .await
        .optional()?;
    drop(db);
    let verified = gate.verify_password(password, stored).await;
    let mut db = pools.write.get().await?;
    if verified {
        let device = device::remember(cookies, settings);
        throttle::finish(&mut db, attempt_id, Ok(&device)).await?;
        Ok(Checked::Right(turn))
    } else {
        throttle::finish(&mut db, attempt_id, Err(())).await?;
        tracing::info!(user = %user.username, outcome = "failed", "password check");
        Ok(Checked::Wrong)
    }
}
