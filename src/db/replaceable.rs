//! The replaceable schema (Lemmy's idea): the read side's functions and
//! definitions (`read_def.*`, `read.*` functions, their grants) are not
//! migrations but the `.sql` files under `src/read_models/schema/`, written to
//! be run again: `orderdesk migrate` applies them, in one transaction under an
//! advisory lock, whenever their content differs from what the database last
//! applied (a SHA-256 kept in `replaceable_schema`). A change to a definition
//! is then a diff of that definition, not a migration that repeats it.
//! `orderdesk serve` refuses to start until the files it carries are applied.

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use sha2::{Digest, Sha256};

use super::DbError;

/// The files, in the order they are run.
pub const FILES: [(&str, &str); 2] = [
    (
        "read_def.sql",
        include_str!("../read_models/schema/read_def.sql"),
    ),
    ("read.sql", include_str!("../read_models/schema/read.sql")),
];

/// The row of `replaceable_schema` these files are recorded under.
pub const NAME: &str = "read_side";

/// Serialises concurrent `migrate`s (and the test harness's templates).
const LOCK_KEY: i64 = 4_242_021;

/// The SHA-256 (hex) of every file's name and content, in order.
pub fn sha256() -> String {
    let mut hasher = Sha256::new();
    for (name, sql) in FILES {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(sql.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

#[derive(diesel::QueryableByName)]
struct Applied {
    #[diesel(sql_type = Text)]
    sha256: String,
}

/// The hash the database last applied; `None` when it never applied any
/// (or has no `replaceable_schema` table yet).
async fn applied(conn: &mut AsyncPgConnection) -> Result<Option<String>, DbError> {
    match diesel::sql_query("SELECT sha256 FROM replaceable_schema WHERE name = $1")
        .bind::<Text, _>(NAME)
        .load::<Applied>(conn)
        .await
    {
        Ok(rows) => Ok(rows.into_iter().next().map(|r| r.sha256)),
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("does not exist") =>
        {
            Ok(None)
        }
        Err(e) => Err(DbError::at("cannot read the applied replaceable schema")(e)),
    }
}

/// Applies the files to the database at `url` unless it already holds this
/// content; returns whether it ran them. Run by the owner, after migrations.
pub async fn apply(url: &str) -> Result<bool, DbError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(DbError::connecting(url))?;
    let wanted = sha256();
    conn.batch_execute(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({LOCK_KEY}); \
         CREATE TABLE IF NOT EXISTS replaceable_schema ( \
             name text PRIMARY KEY, sha256 text NOT NULL, \
             applied_at timestamptz NOT NULL DEFAULT now()); \
         REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON replaceable_schema FROM orderdesk_app;"
    ))
    .await
    .map_err(DbError::at("cannot prepare the replaceable schema"))?;
    let result = apply_in_transaction(&mut conn, &wanted).await;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.batch_execute(end)
        .await
        .map_err(DbError::at("cannot commit the replaceable schema"))?;
    result
}

async fn apply_in_transaction(conn: &mut AsyncPgConnection, wanted: &str) -> Result<bool, DbError> {
    if applied(conn).await?.as_deref() == Some(wanted) {
        return Ok(false);
    }
    for (name, sql) in FILES {
        conn.batch_execute(sql)
            .await
            .map_err(DbError::at(format!("src/read_models/schema/{name} failed")))?;
    }
    diesel::sql_query(
        "INSERT INTO replaceable_schema (name, sha256) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()",
    )
    .bind::<Text, _>(NAME)
    .bind::<Text, _>(wanted)
    .execute(conn)
    .await
    .map_err(DbError::at("cannot record the replaceable schema"))?;
    Ok(true)
}

/// Ok when the database holds this binary's replaceable schema; otherwise
/// [`DbError::ReplaceablePending`]. Reads only, so the application role may ask.
pub async fn ensure_applied(url: &str) -> Result<(), DbError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(DbError::connecting(url))?;
    if applied(&mut conn).await?.as_deref() == Some(sha256().as_str()) {
        return Ok(());
    }
    Err(DbError::ReplaceablePending)
}
