//! Embedded migrations, run at start-up through diesel-async's harness.

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A fingerprint of the migrations' contents (see build.rs).
pub const FINGERPRINT: &str = env!("ORDERDESK_MIGRATIONS_FINGERPRINT");

use super::DbError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies pending migrations to the database at `url`; returns how many ran.
///
/// Runs on a blocking thread, as the harness drives a sync wrapper.
pub async fn run_pending(url: &str) -> Result<usize, BoxError> {
    let conn = AsyncPgConnection::establish(url).await?;
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        let applied = harness.run_pending_migrations(MIGRATIONS)?;
        Ok(applied.len())
    })
    .await?
}

/// Reverts every migration, newest first (used to prove `down.sql` works).
pub async fn revert_all(url: &str) -> Result<usize, BoxError> {
    let conn = AsyncPgConnection::establish(url).await?;
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        Ok(harness.revert_all_migrations(MIGRATIONS)?.len())
    })
    .await?
}

/// Whether every embedded migration has been applied.
pub async fn all_applied(url: &str) -> Result<bool, BoxError> {
    let conn = AsyncPgConnection::establish(url).await?;
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        let pending = MigrationHarness::<Pg>::pending_migrations(&mut harness, MIGRATIONS)?;
        Ok(pending.is_empty())
    })
    .await?
}

/// The versions of the embedded migrations the database at `url` has not
/// applied, oldest first. Reads `__diesel_schema_migrations` only (no DDL,
/// unlike the harness, which creates that table), so the application role
/// may ask; a database without the table has applied none.
pub async fn pending(url: &str) -> Result<Vec<String>, DbError> {
    #[derive(diesel::QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(DbError::connecting(url))?;
    let applied: Vec<String> =
        match diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Applied>(&mut conn)
            .await
        {
            Ok(rows) => rows.into_iter().map(|r| r.version).collect(),
            Err(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("does not exist") =>
            {
                Vec::new()
            }
            Err(e) => return Err(DbError::at("cannot read the applied migrations")(e)),
        };
    let mut embedded: Vec<String> = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(DbError::EmbeddedMigrations)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    embedded.sort();
    embedded.retain(|v| !applied.contains(v));
    Ok(embedded)
}

/// Ok when every embedded migration is applied; otherwise
/// [`DbError::MigrationsPending`], which `orderdesk serve` refuses to start with.
pub async fn ensure_current(url: &str) -> Result<(), DbError> {
    let pending = pending(url).await?;
    if pending.is_empty() {
        return Ok(());
    }
    Err(DbError::MigrationsPending(pending))
}

/// How many migrations the binary carries.
pub fn count() -> usize {
    MigrationSource::<Pg>::migrations(&MIGRATIONS).map_or(0, |m| m.len())
}
