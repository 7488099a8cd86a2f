//! CreateUser: a new staff account with a unique username, a role and an
//! argon2id password hash (the password itself is never stored or logged).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::staff_users;
use crate::domain::event_payload::UserCreated;
use crate::domain::{EventType, Password, Role, Username};
use crate::security::hash_password;

/// The new account, parsed.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub username: Username,
    pub password: Password,
    pub role: Role,
}

/// The message for a username that is already taken.
pub const DUPLICATE_USERNAME: &str = "this username is already taken";

/// Creates an active staff account. A taken username is a field error.
pub async fn create_user(
    conn: &mut AsyncPgConnection,
    input: CreateUser,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    // Hash before the transaction: it is slow on purpose and needs no lock.
    let hash = hash_password(&input.password)
        .await
        .map_err(|e| CommandError::field("password", e.to_string()))?;
    conn.transaction(async move |conn| {
        let id: Option<i64> = diesel::insert_into(staff_users::table)
            .values((
                staff_users::username.eq(input.username.as_str()),
                staff_users::password_hash.eq(&hash),
                staff_users::role.eq(input.role),
            ))
            .on_conflict(staff_users::username)
            .do_nothing()
            .returning(staff_users::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(id) = id else {
            return Err(CommandError::field("username", DUPLICATE_USERNAME));
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::User,
            id,
            EventType::UserCreated,
            UserCreated {
                username: input.username.as_str().to_owned(),
                role: input.role.as_str().to_owned(),
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id,
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}
