//! The notes on an order's or a customer's page, newest first (the live
//! model `read.notes`: removed notes are not in it).

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};

use crate::db::prepared::{Prepare, Prepared};
use crate::domain::NoteSubject;

/// The most notes a page lists (the newest).
pub const SHOWN: i64 = 100;

/// One note as the page shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct NoteRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub author_user_id: Option<i64>,
    /// Who wrote it, as the audit trail names them (a username).
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// The newest [`SHOWN`] notes (and one more, to tell that there are older
/// ones) of `subject`: the statement, for a caller that pipelines it.
pub fn query(
    subject: NoteSubject,
) -> Prepared<
    impl diesel::query_builder::QueryFragment<diesel::pg::Pg>
    + diesel::query_builder::Query<SqlType = diesel::sql_types::Untyped>
    + Send
    + 'static,
> {
    let sql = match subject {
        NoteSubject::Order(_) => include_str!("sql/order_notes.sql"),
        NoteSubject::Customer(_) => include_str!("sql/customer_notes.sql"),
    };
    diesel::sql_query(sql)
        .bind::<BigInt, _>(subject.id())
        .bind::<BigInt, _>(SHOWN + 1)
        .prepared()
}

/// The notes as shown, and whether older ones were left out.
pub fn split(mut rows: Vec<NoteRow>) -> (Vec<NoteRow>, bool) {
    let more = rows.len() > usize::try_from(SHOWN).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(SHOWN).unwrap_or(usize::MAX));
    (rows, more)
}
