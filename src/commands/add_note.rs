//! AddNote: an internal note written on an order or a customer (who, when,
//! the text). A note has its own row and its own event
//! (`order_note_added` / `customer_note_added`) and never touches the
//! record's version, so writing one never makes an open edit form of that
//! record conflict. The form's idempotency key makes a double submit write
//! one note.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events;
use super::{Ack, CommandContext, CommandError, Conflict};
use crate::db::schema::{customers, events as ev, notes, orders};
use crate::domain::event_payload::NoteAdded;
use crate::domain::{IdempotencyKey, NoteBody, NoteSubject};

/// The note, what it is written on, and the form's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddNote {
    pub subject: NoteSubject,
    pub body: NoteBody,
    pub idempotency_key: IdempotencyKey,
}

/// Writes the note; the ack's id is the note's.
pub async fn add_note(
    conn: &mut AsyncPgConnection,
    input: AddNote,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let subject = input.subject;
        if !exists(conn, subject).await? {
            return Err(CommandError::NotFound {
                what: subject.what(),
                id: subject.id(),
            });
        }
        let (order_id, customer_id) = match subject {
            NoteSubject::Order(id) => (Some(id.get()), None),
            NoteSubject::Customer(id) => (None, Some(id.get())),
        };
        let inserted: Option<i64> = diesel::insert_into(notes::table)
            .values((
                notes::order_id.eq(order_id),
                notes::customer_id.eq(customer_id),
                notes::body.eq(input.body.as_str()),
                notes::author_user_id.eq(ctx.actor.user_id),
                notes::author.eq(&ctx.actor.name),
                notes::idempotency_key.eq(input.idempotency_key.as_str()),
            ))
            .on_conflict(notes::idempotency_key)
            .do_nothing()
            .returning(notes::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(id) = inserted else {
            return replay(conn, &input).await;
        };
        let event_id = events::append(
            conn,
            ctx,
            subject.aggregate(),
            subject.id(),
            subject.added_event(),
            NoteAdded {
                note_id: id,
                body: input.body.as_str().to_owned(),
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id,
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}

async fn exists(conn: &mut AsyncPgConnection, subject: NoteSubject) -> QueryResult<bool> {
    match subject {
        NoteSubject::Order(id) => {
            diesel::select(diesel::dsl::exists(orders::table.find(id)))
                .get_result(conn)
                .await
        }
        NoteSubject::Customer(id) => {
            diesel::select(diesel::dsl::exists(customers::table.find(id)))
                .get_result(conn)
                .await
        }
    }
}

/// The key was used before (the insert met its unique index, after the
/// first writer committed): the same note again is answered with the first
/// one's ack; another note under the same key is a conflict.
async fn replay(conn: &mut AsyncPgConnection, input: &AddNote) -> Result<Ack, CommandError> {
    let (id, order_id, customer_id, body): (i64, Option<i64>, Option<i64>, String) = notes::table
        .filter(notes::idempotency_key.eq(input.idempotency_key.as_str()))
        .select((notes::id, notes::order_id, notes::customer_id, notes::body))
        .first(conn)
        .await?;
    let subject = input.subject;
    let same_subject = match subject {
        NoteSubject::Order(o) => order_id == Some(o.get()),
        NoteSubject::Customer(c) => customer_id == Some(c.get()),
    };
    if !same_subject || body != input.body.as_str() {
        return Err(CommandError::Conflict(Conflict {
            message: "this form was already used to write another note; reload the page and \
                      write it again"
                .into(),
            changes: Vec::new(),
            current_version: None,
        }));
    }
    let event_id: i64 = ev::table
        .filter(ev::aggregate_type.eq(subject.aggregate()))
        .filter(ev::aggregate_id.eq(subject.id()))
        .filter(ev::event_type.eq(subject.added_event()))
        .filter(ev::payload.retrieve_as_text("note_id").eq(id.to_string()))
        .select(ev::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| CommandError::Invariant(format!("note {id} has no added event")))?;
    Ok(Ack {
        id,
        version: None,
        event_id,
        replayed: true,
    })
}
