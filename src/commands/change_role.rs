//! ChangeRole: give a staff account another role. The last active admin
//! cannot be demoted, so the shop can never lock itself out of user management.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::staff_users;
use crate::domain::event_payload::UserRoleChanged;
use crate::domain::{EventType, Role};

/// Which account, and its new role.
#[derive(Debug, Clone, Copy)]
pub struct ChangeRole {
    pub user_id: i64,
    pub role: Role,
}

/// Refuses when `user_id` is the only active admin (locks the admins' rows,
/// so two concurrent demotions cannot both pass).
pub(super) async fn keep_one_admin(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> Result<(), CommandError> {
    let admins: Vec<i64> = staff_users::table
        .filter(staff_users::role.eq(Role::Admin))
        .filter(staff_users::active.eq(true))
        .select(staff_users::id)
        .for_update()
        .load(conn)
        .await?;
    if admins.contains(&user_id) && admins.len() == 1 {
        return Err(CommandError::field(
            "role",
            "this is the only active admin; make someone else admin first",
        ));
    }
    Ok(())
}

/// Sets the role. The change applies to the account's very next request.
pub async fn change_role(
    conn: &mut AsyncPgConnection,
    input: ChangeRole,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        if input.role != Role::Admin {
            keep_one_admin(conn, input.user_id).await?;
        }
        let version: Option<i32> = diesel::update(staff_users::table.find(input.user_id))
            .set((
                staff_users::role.eq(input.role),
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
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::User,
            input.user_id,
            EventType::UserRoleChanged,
            UserRoleChanged {
                role: input.role.as_str().to_owned(),
                version,
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
