//! The audit trail of one record: its events, who caused them and when,
//! each in plain words ([`HistoryLine`], from [`crate::domain::event_words`]).

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Text, Timestamptz};

use crate::db::prepared::{Prepare, Prepared};
use crate::domain::event_words::{self, Event, Words};
use crate::domain::{Aggregate, EventType};

/// One event in a record's history.
#[derive(Debug, Clone, QueryableByName)]
pub struct HistoryEntry {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub event_type: EventType,
    #[diesel(sql_type = Text)]
    pub actor: String,
    #[diesel(sql_type = Timestamptz)]
    pub occurred_at: DateTime<Utc>,
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
}

/// The events of one aggregate (an order, a customer, a product), oldest
/// first: the statement, for a caller that pipelines it with others.
pub fn query(
    aggregate_type: Aggregate,
    id: i64,
) -> Prepared<
    impl diesel::query_builder::QueryFragment<diesel::pg::Pg>
    + diesel::query_builder::Query<SqlType = diesel::sql_types::Untyped>
    + Send
    + 'static,
> {
    diesel::sql_query(include_str!("sql/history.sql"))
        .bind::<Text, _>(aggregate_type)
        .bind::<BigInt, _>(id)
        .prepared()
}

/// One event of a record's history as the History card shows it: when,
/// who, and what happened in words.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// The event's id (the page's ETag changes with the newest).
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub what: Words,
}

/// A record's events (oldest first, as [`query`] reads them) in words; a
/// sentence may use what the record's earlier events said.
pub fn in_words(entries: Vec<HistoryEntry>) -> Vec<HistoryLine> {
    let words = event_words::in_words(entries.iter().map(|e| Event {
        event_type: e.event_type,
        actor: &e.actor,
        payload: &e.payload,
    }));
    entries
        .into_iter()
        .zip(words)
        .map(|(e, what)| HistoryLine {
            id: e.id,
            occurred_at: e.occurred_at,
            actor: e.actor,
            what,
        })
        .collect()
}
