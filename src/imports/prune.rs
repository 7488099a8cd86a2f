//! Jobs expire a day after their upload: the worker deletes them, with
//! their staged rows (ON DELETE CASCADE). A job still applying is kept until
//! it is done (its rows are its progress); the events it wrote stay forever.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::import_jobs;
use crate::domain::ImportState;

/// Deletes the expired jobs that are not applying; returns how many.
pub async fn prune(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::delete(
        import_jobs::table
            .filter(import_jobs::expires_at.le(diesel::dsl::now))
            .filter(import_jobs::state.ne(ImportState::Applying)),
    )
    .execute(conn)
    .await
}
