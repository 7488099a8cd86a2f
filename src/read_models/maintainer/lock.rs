//! The maintainer's lock: a session-level advisory lock, taken before a
//! batch's transaction begins, so the batch's snapshot is always taken after
//! the previous holder committed (a transaction-level lock would be taken
//! after the first statement had already fixed a REPEATABLE READ snapshot).
//! A connection that dies releases it with itself.

use crate::db::Prepare;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The advisory lock key ("ODMAINT" in ASCII).
const KEY: i64 = 0x004f_444d_4149_4e54;

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

/// Takes the lock if it is free.
pub async fn try_lock(conn: &mut AsyncPgConnection) -> Result<bool, diesel::result::Error> {
    let f: Flag = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS flag")
        .bind::<BigInt, _>(KEY)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(f.flag)
}

/// Waits for the lock (rebuild and repair, which must not be skipped).
pub async fn lock(conn: &mut AsyncPgConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(KEY)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}

/// Releases the lock.
pub async fn unlock(conn: &mut AsyncPgConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(KEY)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}
