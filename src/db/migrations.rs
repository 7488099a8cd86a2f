//! Embedded migrations, run at start-up through diesel-async's harness.

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A fingerprint of the migrations' contents (see build.rs).
pub const FINGERPRINT: &str = env!("ORDERDESK_MIGRATIONS_FINGERPRINT");

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

/// How many migrations the binary carries.
pub fn count() -> usize {
    MigrationSource::<Pg>::migrations(&MIGRATIONS).map_or(0, |m| m.len())
}
