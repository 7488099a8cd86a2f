//! DeactivateUser: a staff account can no longer sign in, and every session it
//! has ends at once. The account stays, so the audit trail keeps its name.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::change_role::keep_one_admin;
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, Conflict};
use crate::db::schema::{sessions, staff_users};
use crate::domain::EventType;
use crate::domain::event_payload::UserSessionsClosed;

/// Which account to deactivate.
#[derive(Debug, Clone, Copy)]
pub struct DeactivateUser {
    pub user_id: i64,
}

/// Deactivates the account and deletes its sessions.
pub async fn deactivate_user(
    conn: &mut AsyncPgConnection,
    input: DeactivateUser,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        keep_one_admin(conn, input.user_id).await?;
        let version: Option<i32> = diesel::update(
            staff_users::table
                .find(input.user_id)
                .filter(staff_users::active.eq(true)),
        )
        .set((
            staff_users::active.eq(false),
            staff_users::version.eq(staff_users::version + 1),
        ))
        .returning(staff_users::version)
        .get_result(conn)
        .await
        .optional()?;
        let Some(version) = version else {
            return Err(rejection(conn, input.user_id).await?);
        };
        let ended = diesel::delete(sessions::table.filter(sessions::user_id.eq(input.user_id)))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::User,
            input.user_id,
            EventType::UserDeactivated,
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

/// The account is missing, or already inactive.
async fn rejection(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> Result<CommandError, CommandError> {
    let exists: Option<i64> = staff_users::table
        .find(user_id)
        .select(staff_users::id)
        .first(conn)
        .await
        .optional()?;
    Ok(match exists {
        None => CommandError::NotFound {
            what: "user",
            id: user_id,
        },
        Some(_) => CommandError::Conflict(Conflict {
            message: "this account is already deactivated".into(),
            changes: Vec::new(),
            current_version: None,
        }),
    })
}
