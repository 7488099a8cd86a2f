//! Raw SQL statements prepared once per connection, like Diesel's own DSL
//! queries.
//!
//! Diesel marks `sql_query` as unsafe to cache (its text could be built from
//! anything), so diesel-async prepares, runs and closes it every time: three
//! round trips to the database instead of one (counted on the wire by
//! tests/app/round_trips.rs). Our raw statements are `include_str!`'d files
//! or fixed strings, so their text is one of a few per call site and safe to
//! keep prepared: [`Prepare::prepared`] says so.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// A statement whose prepared form the connection keeps, keyed by its text.
#[derive(Debug, Clone)]
pub struct Prepared<Q>(Q);

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

/// `.prepared()` on a raw SQL statement whose text is fixed at its call site
/// (never text built from input: each distinct text stays prepared).
pub trait Prepare: Sized {
    fn prepared(self) -> Prepared<Self> {
        Prepared(self)
    }
}

impl<Q: QueryFragment<Pg>> Prepare for Q {}
