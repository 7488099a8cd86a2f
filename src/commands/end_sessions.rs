//! EndSessions: signs a staff account out everywhere (a lost phone, a shared
//! PC left signed in) without changing its password or deactivating it.
//! Every session of the account is deleted, and the event says how many.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{sessions, staff_users};
use crate::domain::EventType;
use crate::domain::event_payload::UserSessionsEnded;

/// Whose sessions to end.
#[derive(Debug, Clone, Copy)]
pub struct EndSessions {
    pub user_id: i64,
}

/// Ends every session of the account (none is fine: the event still says 0).
pub async fn end_sessions(
    conn: &mut AsyncPgConnection,
    input: EndSessions,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let found: Option<i64> = staff_users::table
            .find(input.user_id)
            .select(staff_users::id)
            .first(conn)
            .await
            .optional()?;
        if found.is_none() {
            return Err(CommandError::NotFound {
                what: "user",
                id: input.user_id,
            });
        }
        let ended = diesel::delete(sessions::table.filter(sessions::user_id.eq(input.user_id)))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::User,
            input.user_id,
            EventType::UserSessionsEnded,
            UserSessionsEnded {
                sessions_ended: ended,
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.user_id,
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}
