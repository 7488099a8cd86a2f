//! ChangePassword: a new argon2id hash for a staff account. Every session of
//! that account ends, so a stolen session dies with the old password.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{sessions, staff_users};
use crate::domain::event_payload::UserSessionsClosed;
use crate::domain::{EventType, Password};
use crate::security::hash_password;

/// Whose password, and the new one (already checked against that username).
#[derive(Debug, Clone)]
pub struct ChangePassword {
    pub user_id: i64,
    pub password: Password,
}

/// Stores the new password's hash and ends the account's sessions.
pub async fn change_password(
    conn: &mut AsyncPgConnection,
    input: ChangePassword,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let hash = hash_password(&input.password)
        .await
        .map_err(|e| CommandError::field("password", e.to_string()))?;
    conn.transaction(async move |conn| {
        let version: Option<i32> = diesel::update(staff_users::table.find(input.user_id))
            .set((
                staff_users::password_hash.eq(&hash),
                staff_users::version.eq(staff_users::version + 1),
            ))
            .returning(staff_users::version)
            .get_result(conn)
            .await
            .optional()?;
        let Some(version) = version else {
            return Err(CommandError::NotFound {
                what: "user",
                id: input.user_id,
            });
        };
        let ended = diesel::delete(sessions::table.filter(sessions::user_id.eq(input.user_id)))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::User,
            input.user_id,
            EventType::UserPasswordChanged,
            UserSessionsClosed {
                version,
                sessions_ended: ended,
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.user_id,
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}
