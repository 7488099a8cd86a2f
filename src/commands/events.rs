//! Appending to the `events` table, inside the command's own transaction.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::CommandContext;
use crate::db::schema::events;
pub(crate) use crate::domain::Aggregate;
use crate::domain::EventType;

/// Appends one event and returns its id.
pub(crate) async fn append(
    conn: &mut AsyncPgConnection,
    ctx: &CommandContext,
    aggregate: Aggregate,
    aggregate_id: i64,
    event_type: EventType,
    payload: Value,
) -> QueryResult<i64> {
    diesel::insert_into(events::table)
        .values((
            events::aggregate_type.eq(aggregate),
            events::aggregate_id.eq(aggregate_id),
            events::event_type.eq(event_type),
            events::payload.eq(payload),
            events::actor.eq(&ctx.actor.name),
            events::actor_user_id.eq(ctx.actor.user_id),
            events::request_id.eq(ctx.request_id.as_deref()),
        ))
        .returning(events::id)
        .get_result(conn)
        .await
}

/// Appends one event per `(aggregate_id, event_type, payload)`, in that
/// order, in one statement (a set-based command's events: the same rows
/// [`append`] writes one at a time). Returns their ids.
pub(crate) async fn append_many(
    conn: &mut AsyncPgConnection,
    ctx: &CommandContext,
    aggregate: Aggregate,
    changes: Vec<(i64, EventType, Value)>,
) -> QueryResult<Vec<i64>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<_> = changes
        .into_iter()
        .map(|(aggregate_id, event_type, payload)| {
            (
                events::aggregate_type.eq(aggregate),
                events::aggregate_id.eq(aggregate_id),
                events::event_type.eq(event_type),
                events::payload.eq(payload),
                events::actor.eq(&ctx.actor.name),
                events::actor_user_id.eq(ctx.actor.user_id),
                events::request_id.eq(ctx.request_id.as_deref()),
            )
        })
        .collect();
    diesel::insert_into(events::table)
        .values(rows)
        .returning(events::id)
        .get_results(conn)
        .await
}

/// Who last changed a record and when, for conflict messages.
pub(crate) async fn last_change(
    conn: &mut AsyncPgConnection,
    aggregate: Aggregate,
    aggregate_id: i64,
) -> QueryResult<Option<(String, chrono::DateTime<chrono::Utc>)>> {
    events::table
        .filter(events::aggregate_type.eq(aggregate))
        .filter(events::aggregate_id.eq(aggregate_id))
        .order(events::id.desc())
        .select((events::actor, events::occurred_at))
        .first(conn)
        .await
        .optional()
}
