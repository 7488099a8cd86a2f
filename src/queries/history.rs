//! The audit trail of one record: its events, who caused them and when.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Text, Timestamptz};

use crate::db::prepared::{Prepare, Prepared};
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
