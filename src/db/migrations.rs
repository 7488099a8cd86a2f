//! Embedded migrations, run by `orderdesk migrate` through diesel-async's
//! harness, followed by the read side's replaceable SQL (see [`super::replaceable`]).
//!
//! `migrations/` starts from the baseline of issue 21 (write model, staff
//! accounts, read-side tables) and is append-only from there. A database made
//! by the chain the baseline replaced is refused ([`DbError::OldChain`]).

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The versions of the migration chain the baseline replaced (000001..000034,
/// see tests/fixtures/old_chain_versions.txt). A database that applied any of
/// them cannot be migrated: it must be re-created.
pub const OLD_CHAIN: [&str; 18] = [
    "20261124000001",
    "20261124000002",
    "20261124000003",
    "20261124000004",
    "20261124000005",
    "20261125000006",
    "20261125000007",
    "20261125000008",
    "20261125000010",
    "20261125000011",
    "20261125000020",
    "20261125000021",
    "20261125000022",
    "20261125000030",
    "20261125000031",
    "20261125000032",
    "20261205000033",
    "20261205000034",
];

/// The last version of the baseline: what a database made by the baseline
/// alone has applied (later migrations are appended after it).
pub const BASELINE_LAST: &str = "20261206000003";

/// A fingerprint of the migrations' and the replaceable SQL's contents (see build.rs).
pub const FINGERPRINT: &str = env!("ORDERDESK_MIGRATIONS_FINGERPRINT");

use super::DbError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies pending migrations to the database at `url`, then the replaceable
/// SQL if its content changed; returns how many migrations ran. Refuses a
/// database made by the old chain ([`DbError::OldChain`]).
///
/// Runs on a blocking thread, as the harness drives a sync wrapper.
pub async fn run_pending(url: &str) -> Result<usize, BoxError> {
    let n = run_pending_migrations(url, None).await?;
    super::replaceable::apply(url).await?;
    Ok(n)
}

/// Applies the pending migrations up to and including `last` (all of them
/// when `None`), without the replaceable SQL; returns how many ran.
pub async fn run_pending_migrations(url: &str, last: Option<&str>) -> Result<usize, BoxError> {
    refuse_old_chain(&applied(url).await?)?;
    let last = last.map(str::to_owned);
    let conn = AsyncPgConnection::establish(url).await?;
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        let mut pending = MigrationHarness::<Pg>::pending_migrations(&mut harness, MIGRATIONS)?;
        pending.sort_by_key(|m| m.name().version().to_string());
        let mut n = 0;
        for migration in pending {
            if last
                .as_deref()
                .is_some_and(|last| migration.name().version().to_string().as_str() > last)
            {
                break;
            }
            harness.run_migration(&*migration)?;
            n += 1;
        }
        Ok(n)
    })
    .await?
}

/// [`DbError::OldChain`] when `applied` holds a version of the old chain.
fn refuse_old_chain(applied: &[String]) -> Result<(), DbError> {
    let old: Vec<String> = applied
        .iter()
        .filter(|v| OLD_CHAIN.contains(&v.as_str()))
        .cloned()
        .collect();
    if old.is_empty() {
        Ok(())
    } else {
        Err(DbError::OldChain(old))
    }
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
    let applied = applied(url).await?;
    refuse_old_chain(&applied)?;
    let mut embedded: Vec<String> = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(DbError::EmbeddedMigrations)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    embedded.sort();
    embedded.retain(|v| !applied.contains(v));
    Ok(embedded)
}

/// The versions `__diesel_schema_migrations` holds (none without the table).
async fn applied(url: &str) -> Result<Vec<String>, DbError> {
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
    Ok(applied)
}

/// Ok when every embedded migration and the replaceable SQL are applied;
/// otherwise [`DbError::OldChain`], [`DbError::MigrationsPending`] or
/// [`DbError::ReplaceablePending`], which `orderdesk serve` refuses to start with.
pub async fn ensure_current(url: &str) -> Result<(), DbError> {
    let pending = pending(url).await?;
    if !pending.is_empty() {
        return Err(DbError::MigrationsPending(pending));
    }
    super::replaceable::ensure_applied(url).await
}

/// How many migrations the binary carries.
pub fn count() -> usize {
    MigrationSource::<Pg>::migrations(&MIGRATIONS).map_or(0, |m| m.len())
}
