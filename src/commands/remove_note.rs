//! RemoveNote: take a note off its order's or customer's page. Only its
//! author or an admin may (the role read from the account now, not from the
//! session). The note is kept and marked removed (who, when), and the
//! removal appends its own event (`order_note_removed` /
//! `customer_note_removed`); the record's version does not move. A note
//! already removed (a double click, a colleague first) is refused with who
//! removed it and when.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events;
use super::{Ack, CommandContext, CommandError, Conflict};
use crate::db::schema::{notes, staff_users};
use crate::domain::event_payload::NoteRemoved;
use crate::domain::{NoteSubject, Role};

/// Which note, written on which record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoveNote {
    pub subject: NoteSubject,
    pub note_id: i64,
}

type Stored = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<String>,
);

/// Marks the note removed; the ack's id is the note's.
pub async fn remove_note(
    conn: &mut AsyncPgConnection,
    input: RemoveNote,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let subject = input.subject;
        let missing = || CommandError::NotFound {
            what: "note",
            id: input.note_id,
        };
        // The row locked: two removals of one note take turns, and the
        // second sees the first's mark.
        let stored: Option<Stored> = notes::table
            .find(input.note_id)
            .select((
                notes::order_id,
                notes::customer_id,
                notes::author_user_id,
                notes::removed_at,
                notes::removed_by,
            ))
            .for_no_key_update()
            .first(conn)
            .await
            .optional()?;
        let Some((order_id, customer_id, author, removed_at, removed_by)) = stored else {
            return Err(missing());
        };
        let on_subject = match subject {
            NoteSubject::Order(o) => order_id == Some(o.get()),
            NoteSubject::Customer(c) => customer_id == Some(c.get()),
        };
        if !on_subject {
            return Err(missing());
        }
        if let (Some(at), Some(by)) = (removed_at, removed_by) {
            return Err(CommandError::Conflict(Conflict {
                message: format!(
                    "this note was already removed by {by} at {}",
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
                changes: Vec::new(),
                current_version: None,
            }));
        }
        let is_author = author.is_some() && author == ctx.actor.user_id;
        if !is_author && !is_admin(conn, ctx.actor.user_id).await? {
            return Err(CommandError::Forbidden(
                "only the note's author or an admin may remove it".into(),
            ));
        }
        diesel::update(notes::table.find(input.note_id))
            .set((
                notes::removed_at.eq(diesel::dsl::now),
                notes::removed_by_user_id.eq(ctx.actor.user_id),
                notes::removed_by.eq(&ctx.actor.name),
            ))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            subject.aggregate(),
            subject.id(),
            subject.removed_event(),
            NoteRemoved {
                note_id: input.note_id,
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.note_id,
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}

/// Whether the acting account is an active admin now.
async fn is_admin(conn: &mut AsyncPgConnection, user_id: Option<i64>) -> QueryResult<bool> {
    let Some(user_id) = user_id else {
        return Ok(false);
    };
    let role: Option<Role> = staff_users::table
        .find(user_id)
        .filter(staff_users::active)
        .select(staff_users::role)
        .first(conn)
        .await
        .optional()?;
    Ok(role == Some(Role::Admin))
}
